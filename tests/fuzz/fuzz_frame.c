/*
 * fuzz_frame.c - the wire framing: frame_get_len() and splitting a byte
 * stream into frames the way server/conn.c does (header, check against the
 * limit, wait for the whole body, unpack the Envelope, drain).
 *
 * Input: byte 0 picks the frame limit (and the arrival pattern); the rest
 * is the byte stream a client sends.  The stream is split twice: all at
 * once, and as it would arrive in small pieces over a socket.  Both must
 * see the same frames and end the same way.
 */
#include "fuzz.h"

#include "frame.h"
#include "popstat.pb-c.h"

#define MAX_EVENTS 4096

static const uint32_t limits[8] = {
	1, 5, 16, 64, 300, 4096, 65536, FRAME_MAX_DEFAULT
};

/* What the reader saw: frames, then how it stopped. */
struct split {
	size_t n;                /* frames */
	size_t off[MAX_EVENTS];  /* body offset of each frame */
	uint32_t len[MAX_EVENTS];
	int env_ok[MAX_EVENTS];  /* the body unpacked as an Envelope */
	int end_rc;              /* FRAME_OK: ran out of input; else the error */
	uint32_t end_len;        /* length in the refused header */
	size_t end_pos;          /* where reading stopped */
};

/* frame_get_len() plus the invariants of its contract. */
static int
get_len(const uint8_t *hdr, uint32_t max, uint32_t *len)
{
	uint32_t want = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | hdr[3];
	uint8_t again[FRAME_HEADER];
	int rc = frame_get_len(hdr, max, len);

	FUZZ_CHECK(*len == want);
	if (want == 0)
		FUZZ_CHECK(rc == FRAME_EMPTY);
	else if (want > max)
		FUZZ_CHECK(rc == FRAME_TOO_LARGE);
	else
		FUZZ_CHECK(rc == FRAME_OK);
	frame_put_len(again, *len);
	FUZZ_CHECK(memcmp(again, hdr, FRAME_HEADER) == 0);
	return rc;
}

/* Unpack one body from an exact-size copy, as conn.c hands it over. */
static int
unpack_body(const uint8_t *body, uint32_t len)
{
	uint8_t *copy = malloc(len);
	Popstat__Envelope *env;

	FUZZ_CHECK(copy != NULL);
	memcpy(copy, body, len);
	env = popstat__envelope__unpack(NULL, len, copy);
	free(copy);
	if (env == NULL)
		return 0;
	popstat__envelope__free_unpacked(env, NULL);
	return 1;
}

/*
 * conn_read_frames() over the bytes that have arrived, stream[*pos ..
 * arrived).  Returns 1 when reading is over for good (a refused header).
 */
static int
read_frames(const uint8_t *stream, size_t arrived, uint32_t max,
    struct split *s, size_t *pos)
{
	uint8_t hdr[FRAME_HEADER];
	uint32_t len;
	int rc;

	for (;;) {
		size_t avail = arrived - *pos;

		if (avail < FRAME_HEADER)
			return 0;
		memcpy(hdr, stream + *pos, FRAME_HEADER);
		rc = get_len(hdr, max, &len);
		if (rc != FRAME_OK) {
			s->end_rc = rc;
			s->end_len = len;
			s->end_pos = *pos;
			return 1;
		}
		FUZZ_CHECK(len > 0 && len <= max);
		if (avail < FRAME_HEADER + (size_t)len)
			return 0;
		FUZZ_CHECK(s->n < MAX_EVENTS);
		s->off[s->n] = *pos + FRAME_HEADER;
		s->len[s->n] = len;
		s->env_ok[s->n] = unpack_body(stream + *pos + FRAME_HEADER, len);
		s->n++;
		*pos += FRAME_HEADER + len;
	}
}

/* Split the stream as it arrives in pieces of 1..16 bytes (0: all). */
static void
split(const uint8_t *stream, size_t n, uint32_t max, unsigned seed,
    struct split *s)
{
	size_t arrived = 0, pos = 0, step;
	unsigned x = seed * 2654435761u + (unsigned)n;

	memset(s, 0, sizeof *s);
	s->end_rc = FRAME_OK;
	do {
		if (seed == 0) {
			step = n;
		} else {
			x = x * 1103515245u + 12345u;
			step = 1 + (x >> 16) % 16;
		}
		arrived = arrived + step < n ? arrived + step : n;
		if (read_frames(stream, arrived, max, s, &pos))
			return;
	} while (arrived < n);
	s->end_pos = pos;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct split whole, pieces;
	uint32_t max;
	size_t i;

	if (size < 1)
		return 0;
	max = limits[data[0] & 7];
	split(data + 1, size - 1, max, 0, &whole);
	split(data + 1, size - 1, max, (data[0] >> 3) + 1u, &pieces);

	FUZZ_CHECK(whole.n == pieces.n);
	FUZZ_CHECK(whole.end_rc == pieces.end_rc);
	FUZZ_CHECK(whole.end_len == pieces.end_len);
	FUZZ_CHECK(whole.end_pos == pieces.end_pos);
	FUZZ_CHECK(whole.end_pos <= size - 1);
	for (i = 0; i < whole.n; i++) {
		FUZZ_CHECK(whole.off[i] == pieces.off[i]);
		FUZZ_CHECK(whole.len[i] == pieces.len[i]);
		FUZZ_CHECK(whole.env_ok[i] == pieces.env_ok[i]);
		/* Frames tile the stream from its start, header by header. */
		FUZZ_CHECK(whole.off[i] == (i == 0 ? FRAME_HEADER :
		    whole.off[i - 1] + whole.len[i - 1] + FRAME_HEADER));
	}
	if (whole.end_rc == FRAME_OK)
		/* Stopped for want of input: what is left is not a frame. */
		FUZZ_CHECK(size - 1 - whole.end_pos < FRAME_HEADER ||
		    size - 1 - whole.end_pos < FRAME_HEADER +
		    (size_t)((uint32_t)data[1 + whole.end_pos] << 24 |
		    (uint32_t)data[2 + whole.end_pos] << 16 |
		    (uint32_t)data[3 + whole.end_pos] << 8 |
		    data[4 + whole.end_pos]));
	return 0;
}
