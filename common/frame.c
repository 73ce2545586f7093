/*
 * frame.c - length-prefixed framing.
 */
#include "frame.h"

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
