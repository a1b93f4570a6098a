# src/proto/local.mk - protocols over (buf, len) on top of net: echo. Uses
# core, conf, net; never http.
src_libpreforkd_a_SOURCES += \
	src/proto/echo.c src/proto/echo.h
