# src/conf/local.mk - the configuration schema and loader: libconfig in,
# struct conf out, every error as FILE:LINE. Uses core.
src_libpreforkd_a_SOURCES += \
	src/conf/conf.c src/conf/conf.h \
	src/conf/conf_err.c src/conf/conf_impl.h \
	src/conf/conf_scan.c \
	src/conf/conf_read.c \
	src/conf/conf_listen.c \
	src/conf/conf_module.c \
	src/conf/conf_control.c \
	src/conf/conf_status.c
