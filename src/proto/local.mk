# src/proto/local.mk - protocols over (buf, len) on top of net: echo,
# message framing, and the host of handler modules (loading, the calls it
# offers, the mode). Uses core, conf, net and the public ABI header; never
# http.
src_libpreforkd_a_SOURCES += \
	src/proto/echo.c src/proto/echo.h \
	src/proto/framing.c src/proto/framing.h \
	src/proto/module.c src/proto/module.h \
	src/proto/module_load.c \
	src/proto/module_host.c \
	src/proto/module_pool.c
