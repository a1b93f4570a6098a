/* test_sha256.c - SHA-256 against FIPS 180-4's examples, fed whole and in
 * pieces of every size */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/sha256.h"

static void hash(const char *data, size_t len, size_t piece, char *hex)
{
	uint8_t d[SHA256_LEN];
	struct sha256 s;

	sha256_init(&s);
	for (size_t off = 0; off < len; off += piece)
		sha256_update(&s, data + off, len - off < piece ? len - off : piece);
	sha256_final(&s, d);
	sha256_hex(d, hex);
}

static const struct {
	const char *name, *in, *hex;
} vectors[] = {
    {"empty", "",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "abc",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"two_blocks", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
};

static void test_vectors_whole_and_in_pieces(void **state)
{
	char hex[2 * SHA256_LEN + 1];

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		for (size_t piece = 1; piece <= 65; piece++) {
			hash(vectors[i].in, strlen(vectors[i].in), piece, hex);
			if (strcmp(hex, vectors[i].hex) != 0)
				fail_msg("%s, pieces of %zu: %s", vectors[i].name,
					 piece, hex);
		}
}

static void test_million_a(void **state)
{
	char *a = malloc(1000000), hex[2 * SHA256_LEN + 1];

	assert_non_null(a);
	memset(a, 'a', 1000000);
	hash(a, 1000000, 4093, hex);
	assert_string_equal(
	    hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors_whole_and_in_pieces),
	    cmocka_unit_test(test_million_a),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
