/* master.c - the master process (placeholder until the master issue lands) */
#include "config.h"

#include "log.h"
#include "master.h"

int master_run(struct conf *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	log_error("serving is not implemented yet");
	return 1;
}
