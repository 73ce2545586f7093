/*
 * sheet_xls.c - placeholder until the xls reader lands: it refuses the file.
 */
#include <stdio.h>

#include "sheet_impl.h"

sheet *
sheet_open_xls(const char *path, const void *data, size_t len,
    const struct sheet_opts *o, char *err, size_t errlen)
{
	(void)data;
	(void)len;
	(void)o;
	snprintf(err, errlen, "%s: xls files cannot be read yet",
	    path ? path : "upload");
	return NULL;
}
