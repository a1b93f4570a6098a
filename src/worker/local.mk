# src/worker/local.mk - one worker process: setup, its loop, the mode table,
# the sandbox. Uses every folder above it.
src_libpreforkd_a_SOURCES += \
	src/worker/worker.c src/worker/worker.h \
	src/worker/modes.c src/worker/modes.h \
	src/worker/sandbox.c src/worker/sandbox.h
