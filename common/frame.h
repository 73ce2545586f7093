/*
 * frame.h - the wire framing: a u32 big-endian length, then one protobuf
 * Envelope of exactly that many bytes.
 */
#ifndef POPSTAT_FRAME_H
#define POPSTAT_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define PROTOCOL_VERSION 1
#define FRAME_HEADER 4
#define FRAME_MAX_DEFAULT (4u * 1024 * 1024)

enum frame_status {
	FRAME_OK = 0,
	FRAME_EMPTY = -1,    /* length 0: no envelope is empty */
	FRAME_TOO_LARGE = -2 /* length over the limit */
};

/* Store len big-endian into hdr. */
void frame_put_len(uint8_t hdr[FRAME_HEADER], uint32_t len);

/*
 * Decode the length in hdr and check it against max before any body is
 * read.  Returns FRAME_OK and *len, or FRAME_EMPTY / FRAME_TOO_LARGE.
 */
int frame_get_len(const uint8_t hdr[FRAME_HEADER], uint32_t max, uint32_t *len);

/*
 * A whole frame around an already packed Response: the header, then the
 * Envelope {version, request_id, response} byte for byte as protobuf-c
 * packs it (fields in number order).  Lets a packed reply be kept and sent
 * again under another request id.  Returns a malloc'ed frame of *len bytes.
 */
uint8_t *
frame_response(uint64_t request_id, const uint8_t *resp, size_t n, size_t *len);
/*
 * The same frame's first bytes only (header and Envelope fields up to the
 * response's length), to be followed by the n bytes of the packed
 * Response: lets a kept reply be sent without copying it.  head must hold
 * FRAME_RESPONSE_HEAD bytes; returns how many were written.
 */
#define FRAME_RESPONSE_HEAD (FRAME_HEADER + 3 + 3 * 10)
size_t frame_response_head(uint64_t request_id, size_t n,
    uint8_t head[FRAME_RESPONSE_HEAD]);

#endif
