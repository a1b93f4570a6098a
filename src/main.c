/* main.c - command line: test the configuration, or run the master */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "core/log.h"
#include "master/master.h"
#include "worker/modes.h"

#define DEFAULT_CONF SYSCONFDIR "/preforkd/preforkd.conf"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: preforkd [-c FILE] [-t] [-V] [-h]\n"
		"  -c FILE   configuration file (default: %s)\n"
		"  -t        test the configuration and exit\n"
		"  -V        print the version and exit\n"
		"  -h        print this help and exit\n"
		"Signals to the master: HUP reload, TERM/INT graceful stop,\n"
		"QUIT fast stop, USR1 reopen log files.\n",
		DEFAULT_CONF);
}

/* Loads path into *c and prepares its listeners (loads modules); on
 * failure prints every error and returns -1. */
static int load_or_report(const char *path, struct conf *c)
{
	struct conf_errors errs = { 0 };
	int rc = conf_load(path, c, &errs);

	if (rc == 0 && modes_prepare(c, &errs) < 0) {
		conf_free(c);
		rc = -1;
	}

	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.v[i].msg);
	conf_errors_free(&errs);
	return rc;
}

int main(int argc, char **argv)
{
	const char *path = DEFAULT_CONF;
	bool test_only = false;
	struct conf c;
	int opt, rc;

	while ((opt = getopt(argc, argv, "c:tVh")) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 't': test_only = true; break;
		case 'V': printf("preforkd %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "preforkd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 1;
	}
	if (load_or_report(path, &c) < 0)
		return 1;
	if (test_only) {
		printf("%s: configuration is valid\n", path);
		conf_free(&c);
		return 0;
	}
	log_init(c.log_level);
	rc = master_run(&c, argc, argv);
	conf_free(&c);
	return rc;
}
