# modules/local.mk - the example handler modules, each a shared object
# built against include/preforkd/handler.h only, installed in
# $(moduledir); each folder's e2e test is in tests/modules.mk
moduledir = $(pkglibdir)/modules
PFD_SO_CC = $(AM_CFLAGS) -fPIC -fvisibility=hidden
PFD_SO_LD = $(AM_LDFLAGS) -shared -Wl,-z,defs

module_PROGRAMS = modules/echo/echo.so modules/lines/lines.so
modules_echo_echo_so_SOURCES = modules/echo/echo.c
modules_echo_echo_so_CFLAGS = $(PFD_SO_CC)
modules_echo_echo_so_LDFLAGS = $(PFD_SO_LD)
modules_lines_lines_so_SOURCES = modules/lines/lines.c
modules_lines_lines_so_CFLAGS = $(PFD_SO_CC)
modules_lines_lines_so_LDFLAGS = $(PFD_SO_LD)

# The public header, and how a module built out of tree finds it.
preforkdincludedir = $(includedir)/preforkd
preforkdinclude_HEADERS = include/preforkd/handler.h
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = preforkd.pc
