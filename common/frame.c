/*
 * frame.c - length-prefixed framing.
 */
#include "frame.h"

#include <string.h>

#include "sbuf.h"

/*
 * Write len as four big-endian bytes.
 */
void
frame_put_len(uint8_t hdr[FRAME_HEADER], uint32_t len)
{
	hdr[0] = (uint8_t)(len >> 24);
	hdr[1] = (uint8_t)(len >> 16);
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
}

/*
 * Read the length and check it: 0 < len <= max.
 */
int
frame_get_len(const uint8_t hdr[FRAME_HEADER], uint32_t max, uint32_t *len)
{
	uint32_t n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | (uint32_t)hdr[3];

	*len = n;
	if (n == 0)
		return FRAME_EMPTY;
	if (n > max)
		return FRAME_TOO_LARGE;
	return FRAME_OK;
}

static size_t
put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Envelope fields: 1 version (varint), 2 request_id (varint), 4 response
 * (length-delimited): tags (field << 3 | wire type). */
#define TAG_VERSION 0x08
#define TAG_ID 0x10
#define TAG_RESPONSE 0x22

size_t
frame_response_head(uint64_t request_id, size_t n,
    uint8_t head[FRAME_RESPONSE_HEAD])
{
	size_t h = FRAME_HEADER;

	head[h++] = TAG_VERSION;
	h += put_varint(head + h, PROTOCOL_VERSION);
	head[h++] = TAG_ID;
	h += put_varint(head + h, request_id);
	head[h++] = TAG_RESPONSE;
	h += put_varint(head + h, n);
	frame_put_len(head, (uint32_t)(h - FRAME_HEADER + n));
	return h;
}

uint8_t *
frame_response(uint64_t request_id, const uint8_t *resp, size_t n, size_t *len)
{
	uint8_t head[FRAME_RESPONSE_HEAD], *buf;
	size_t h = frame_response_head(request_id, n, head);

	buf = xmalloc(h + n);
	memcpy(buf, head, h);
	if (n)
		memcpy(buf + h, resp, n);
	*len = h + n;
	return buf;
}
