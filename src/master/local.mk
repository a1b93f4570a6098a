# src/master/local.mk - the supervisor: generations, the worker table, reload,
# listening sockets, worker processes, privileges, sd_notify. Uses every
# folder above it.
src_libpreforkd_a_SOURCES += \
	src/master/master.c src/master/master.h \
	src/master/gen.c src/master/master_impl.h \
	src/master/mworker.c \
	src/master/reload.c \
	src/master/control.c src/master/control.h \
	src/master/control_impl.h src/master/control_cmd.c \
	src/master/metrics.c src/master/metrics.h \
	src/master/status.c src/master/status.h \
	src/master/listeners.c src/master/listeners.h \
	src/master/proc.c src/master/proc.h \
	src/master/privs.c src/master/privs.h \
	src/master/notify.c src/master/notify.h
