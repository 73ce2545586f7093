/*
 * sheet_text.c - placeholder until the text reader lands: it refuses the file.
 */
#include <stdio.h>

#include "sheet_impl.h"

sheet *
sheet_open_text(const char *path, const void *data, size_t len,
    const struct sheet_opts *o, char *err, size_t errlen)
{
	(void)data;
	(void)len;
	(void)o;
	snprintf(err, errlen, "%s: text files cannot be read yet",
	    path ? path : "upload");
	return NULL;
}
