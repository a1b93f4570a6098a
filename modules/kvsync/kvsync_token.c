/* kvsync_token.c - the message token: HMAC-SHA256(key, payload) cut to
 * 128 bits, 16 hex digits before the payload and 16 after. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "kvsync.h"

static const char hexdigits[] = "0123456789abcdef";

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Decodes 2n hex digits (either case) into n bytes: 0, or -1 on a digit
 * that is not hex. */
int kvsync_token_hex(const char *hex, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int token_tag(const uint8_t *key, size_t keylen, const char *p,
		     size_t len, uint8_t tag[KVSYNC_TAG])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)p, len,
		  md, &mdlen) ||
	    mdlen < KVSYNC_TAG)
		return -1;
	memcpy(tag, md, KVSYNC_TAG);
	return 0;
}

/* Writes the token of payload p as lower-case hex: head gets the first 16
 * digits, tail the last 16 (no NUL). Returns 0, or -1 if libcrypto fails. */
int kvsync_token_sign(const uint8_t *key, size_t keylen, const char *p,
		      size_t len, char head[KVSYNC_HALF],
		      char tail[KVSYNC_HALF])
{
	uint8_t tag[KVSYNC_TAG];
	char hex[2 * KVSYNC_TAG];

	if (token_tag(key, keylen, p, len, tag) < 0)
		return -1;
	for (size_t i = 0; i < KVSYNC_TAG; i++) {
		hex[2 * i] = hexdigits[tag[i] >> 4];
		hex[2 * i + 1] = hexdigits[tag[i] & 15];
	}
	memcpy(head, hex, KVSYNC_HALF);
	memcpy(tail, hex + KVSYNC_HALF, KVSYNC_HALF);
	return 0;
}

/* Checks a whole message (token head, payload, token tail) in constant time
 * over the tag. Returns 0 and points *payload, *plen into msg, or -1 when
 * the message is too short, a token digit is not hex or the tag differs. */
int kvsync_token_check(const uint8_t *key, size_t keylen, const char *msg,
		       size_t len, const char **payload, size_t *plen)
{
	uint8_t got[KVSYNC_TAG], want[KVSYNC_TAG];
	size_t n;

	if (len < 2 * KVSYNC_HALF)
		return -1;
	n = len - 2 * KVSYNC_HALF;
	if (kvsync_token_hex(msg, KVSYNC_HALF / 2, got) < 0 ||
	    kvsync_token_hex(msg + KVSYNC_HALF + n, KVSYNC_HALF / 2,
			     got + KVSYNC_HALF / 2) < 0)
		return -1;
	if (token_tag(key, keylen, msg + KVSYNC_HALF, n, want) < 0 ||
	    CRYPTO_memcmp(got, want, KVSYNC_TAG) != 0)
		return -1;
	*payload = msg + KVSYNC_HALF;
	*plen = n;
	return 0;
}
