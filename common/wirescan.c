/*
 * wirescan.c - counting fields in protobuf wire bytes (wirescan.h).
 */
#include "wirescan.h"

static int
get_varint(const uint8_t *b, size_t len, size_t *i, uint64_t *v)
{
	int shift;

	*v = 0;
	for (shift = 0; shift < 64; shift += 7) {
		if (*i >= len)
			return -1;
		*v |= (uint64_t)(b[*i] & 0x7f) << shift;
		if ((b[(*i)++] & 0x80) == 0)
			return 0;
	}
	return -1;
}

/*
 * Step over one field at *i: its number, wire type, and for a
 * length-delimited one where its bytes start and how many.
 */
static int
next_field(const uint8_t *b, size_t len, size_t *i, uint32_t *fno,
    size_t *start, size_t *n, uint64_t *value)
{
	uint64_t tag, v;

	if (get_varint(b, len, i, &tag) < 0 || (tag >> 3) == 0 ||
	    (tag >> 3) > 0x1fffffff)
		return -1;
	*fno = (uint32_t)(tag >> 3);
	*n = 0;
	*value = 0;
	switch (tag & 7) {
	case 0:
		if (get_varint(b, len, i, value) < 0)
			return -1;
		return 0;
	case 1:
		if (len - *i < 8)
			return -1;
		*i += 8;
		return 1;
	case 2:
		if (get_varint(b, len, i, &v) < 0 || v > len - *i)
			return -1;
		*start = *i;
		*n = (size_t)v;
		*i += (size_t)v;
		return 2;
	case 5:
		if (len - *i < 4)
			return -1;
		*i += 4;
		return 5;
	default: /* groups (3, 4) and 6, 7: not for protobuf-c */ return -1;
	}
}

long
wirescan_count(const uint8_t *buf, size_t len, const uint32_t *path, int depth,
    uint32_t field)
{
	size_t i = 0, start = 0, n;
	uint64_t value;
	uint32_t fno;
	long count = 0, sub;
	int wt;

	while (i < len) {
		if ((wt = next_field(buf, len, &i, &fno, &start, &n, &value)) <
		    0)
			return -1;
		if (depth == 0) {
			if (fno == field)
				count++;
		} else if (fno == path[0] && wt == 2) {
			sub = wirescan_count(buf + start, n, path + 1,
			    depth - 1, field);
			if (sub < 0)
				return -1;
			count += sub;
		}
	}
	return count;
}

int
wirescan_uint(const uint8_t *buf, size_t len, uint32_t field, uint64_t *out)
{
	size_t i = 0, start, n;
	uint64_t value;
	uint32_t fno;
	int wt, found = 0;

	while (i < len) {
		if ((wt = next_field(buf, len, &i, &fno, &start, &n, &value)) <
		    0)
			return -1;
		if (wt == 0 && fno == field) {
			*out = value;
			found = 1;
		}
	}
	return found;
}
