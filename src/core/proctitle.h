/* proctitle.h - the process title that ps shows: "preforkd: master",
 * "preforkd: worker 3 (gen 2)" */
#ifndef PREFORKD_PROCTITLE_H
#define PREFORKD_PROCTITLE_H

/*
 * Claims the memory of argv (and of the environment when it follows argv,
 * which is then moved to the heap) for titles. Call once, before anything
 * keeps pointers into argv; the argv strings are clobbered by titles.
 */
void proctitle_init(int argc, char **argv);

/* Sets the title; longer titles are cut to the space argv had. */
void proctitle_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
