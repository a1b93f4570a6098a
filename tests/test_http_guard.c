/* test_http_guard.c - puts test input right before a PROT_NONE page */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUARD_MAX (256 * 1024)

const char *guard_place(const char *data, size_t len);

/*
 * Copies data[0..len) so that its last byte is the last byte before an
 * inaccessible page, and returns the copy: any read past the end faults.
 * The copy stays valid until the next call. len is at most GUARD_MAX.
 */
const char *guard_place(const char *data, size_t len)
{
	static char *region;
	static size_t size;
	char *dst;

	if (region == NULL) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);

		size = (GUARD_MAX + page - 1) / page * page;
		region = mmap(NULL, size + page, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (region == MAP_FAILED ||
		    mprotect(region + size, page, PROT_NONE) != 0) {
			perror("guard_place");
			abort();
		}
	}
	if (len > size)
		abort();
	dst = region + size - len;
	if (len > 0)
		memcpy(dst, data, len);
	return dst;
}
