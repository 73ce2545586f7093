/*
 * wirescan.h - counting fields in protobuf wire bytes without unpacking.
 *
 * protobuf-c unpacks a whole message at once: a 4 MiB Submit of a million
 * empty rows costs some 165 MB before a handler can see that it is over
 * --max-rows.  The server counts the rows in the frame's bytes first
 * (no allocation, one pass) and refuses the frame unread when there are
 * too many.  A scan that meets malformed bytes says so and leaves the
 * verdict to the unpacker.
 */
#ifndef POPSTAT_WIRESCAN_H
#define POPSTAT_WIRESCAN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Count the occurrences of field `field` in the message found by
 * following path[0..depth-1], each a length-delimited field of the
 * message before (every occurrence of a path field is followed, as the
 * unpacker merges them).  Returns the count, or -1 when the bytes are not
 * well-formed protobuf (a truncated varint or length, a group, a bad wire
 * type).
 */
long wirescan_count(const uint8_t *buf, size_t len, const uint32_t *path,
    int depth, uint32_t field);

/*
 * The last varint value of top-level field `field`: 1 when found (in
 * *out), 0 when absent, -1 when the bytes are malformed.
 */
int
wirescan_uint(const uint8_t *buf, size_t len, uint32_t field, uint64_t *out);

#endif
