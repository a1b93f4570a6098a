/* fuzz_replay.c - runs a fuzz target over corpus files, without libFuzzer */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feeds one file to the target; returns 0, or -1 when it cannot be read. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL) {
		perror(path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		n = -1;
	} else {
		LLVMFuzzerTestOneInput(buf, (size_t)n);
	}
	free(buf);
	fclose(f);
	return n < 0 ? -1 : 0;
}

/* Replays every regular file in dir; returns how many, or -1. */
static int replay_dir(const char *dir)
{
	char path[4096];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL) {
		perror(dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(path) < 0) {
			n = -1;
			break;
		}
		n++;
	}
	closedir(d);
	return n;
}

/* Arguments are corpus directories; the default is CORPUS_DIR. */
int main(int argc, char **argv)
{
	int i, n, total = 0;

	for (i = argc > 1 ? 1 : 0; i < argc; i++) {
		const char *dir = argc > 1 ? argv[i] : CORPUS_DIR;

		if ((n = replay_dir(dir)) <= 0) {
			fprintf(stderr, "%s: no corpus file replayed\n", dir);
			return 1;
		}
		printf("%s: %d inputs replayed\n", dir, n);
		total += n;
	}
	return total > 0 ? 0 : 1;
}
