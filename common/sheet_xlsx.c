/*
 * sheet_xlsx.c - placeholder until the xlsx reader lands: it refuses the file.
 */
#include <stdio.h>

#include "sheet_impl.h"

sheet *
sheet_open_xlsx(const char *path, const void *data, size_t len,
    const struct sheet_opts *o, char *err, size_t errlen)
{
	(void)data;
	(void)len;
	(void)o;
	snprintf(err, errlen, "%s: xlsx files cannot be read yet",
	    path ? path : "upload");
	return NULL;
}
