/* framing.h - splits a byte stream into messages and frames answers
 * (delimiter, length32, netstring), pure over (buf, len) */
#ifndef PREFORKD_PROTO_FRAMING_H
#define PREFORKD_PROTO_FRAMING_H

#include <stddef.h>

enum framing_kind {
	FRAMING_NONE,	   /* no messages: the handler's on_bytes sees bytes */
	FRAMING_DELIMITER, /* payload, then the delimiter bytes */
	FRAMING_LENGTH32,  /* 4-byte big-endian payload length, then payload */
	FRAMING_NETSTRING, /* "LEN:payload," (cr.yp.to/proto/netstrings.txt) */
};

#define FRAMING_DELIM_MAX 64 /* a delimiter has 1..64 bytes, NUL allowed */
#define FRAMING_HEAD_MAX  24 /* longest header: "18446744073709551615:" */

/* One listener's framing; delim points at bytes the caller keeps alive. */
struct framing {
	enum framing_kind kind;
	const char *delim; /* FRAMING_DELIMITER only */
	size_t delim_len;
	size_t max_message; /* largest payload accepted, 0 allows only empty */
};

/*
 * Per-connection resume state, zeroed at accept. scanned is how many bytes
 * of the pending message the last call has seen, so that a delimiter
 * search resumes where it stopped (less delim_len - 1 bytes, for a
 * delimiter split across two reads) instead of rescanning.
 */
struct framing_state {
	size_t scanned;
};

enum framing_result {
	FRAMING_FRAME,	   /* one whole message at the start of buf */
	FRAMING_NEED_MORE, /* no decision yet: call again with more bytes */
	FRAMING_TOO_BIG,   /* the message would exceed max_message */
	FRAMING_BAD,	   /* malformed (netstring), or a bad struct framing */
};

/* What framing_next found; offsets are from the start of buf. */
struct framing_frame {
	size_t off;	 /* FRAME: the payload is buf[off, off + len) */
	size_t len;	 /* FRAME: payload length; TOO_BIG: at least this */
	size_t consumed; /* FRAME: bytes of the whole message, header and
			  * trailer included; drop them before the next call */
	const char *why; /* TOO_BIG, BAD: a static reason for the log */
};

/* Sets *out to the kind named "none", "delimiter", "length32" or
 * "netstring"; returns 0, or -1 for any other name (*out untouched). */
int framing_kind_parse(const char *name, enum framing_kind *out);

/*
 * Looks for one whole message at the start of buf[0, len), the unconsumed
 * input of one connection. Returns FRAMING_FRAME and fills fr->off, len
 * and consumed, after which the caller drops fr->consumed bytes and calls
 * again on what follows (several messages may be in buf). FRAMING_NEED_MORE
 * means call again once more bytes arrived; buf must then start with the
 * same bytes (it may have moved). FRAMING_TOO_BIG and FRAMING_BAD set
 * fr->why and are final: close the connection. TOO_BIG is decided as soon
 * as it is certain (from the header for length32 and netstring; after
 * max_message + delim_len bytes without a delimiter), so the caller never
 * needs to hold more than max_message plus header and trailer. st belongs
 * to the connection; it is reset after each frame.
 *
 * Zero-length messages are frames. FRAMING_NONE has no messages (the
 * host hands bytes to on_bytes and does not call this); it gives BAD.
 */
enum framing_result framing_next(const struct framing *f,
				 struct framing_state *st, const char *buf,
				 size_t len, struct framing_frame *fr);

/*
 * The input one message may need before framing_next decides: it never
 * says FRAMING_NEED_MORE for len >= this, so a connection's input buffer
 * of this size is always enough (max_message + delim_len; + 4 for
 * length32; + digits of max_message + 2 for netstring). SIZE_MAX when it
 * does not fit; 0 for FRAMING_NONE or a bad struct framing.
 */
size_t framing_bound(const struct framing *f);

/* How an answer of a given length goes on the wire: head (in the struct)
 * + payload + tail, so the payload is sent from where it is. */
struct framing_wire {
	char head[FRAMING_HEAD_MAX];
	size_t head_len;
	const char *tail; /* static, or f->delim */
	size_t tail_len;
};

/*
 * Fills w for a payload of len bytes framed as f frames its input
 * (FRAMING_NONE: empty head and tail). Returns 0, or -1 when len cannot
 * be framed (over 4 GiB - 1 for length32; a bad struct framing). It does
 * not apply max_message (that is the peer's limit) and does not look at
 * the payload: one that holds the delimiter reads as several messages.
 */
int framing_encode(const struct framing *f, size_t len, struct framing_wire *w);

#endif
