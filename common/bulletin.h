/*
 * bulletin.h - rendering the monthly bulletin (月通报) from its data, in
 * Chinese (the language of a county bulletin) or English, as plain text,
 * Markdown or a standalone printable HTML page.  Pure: the same data always
 * gives the same bytes, so a published bulletin can be re-checked.
 */
#ifndef POPSTAT_BULLETIN_H
#define POPSTAT_BULLETIN_H

#include "lang.h"
#include "popstat.pb-c.h"
#include "sbuf.h"

/* Languages are those of lang.h (LANG_ZH, LANG_EN). */
enum bulletin_format { FMT_TXT = 0, FMT_MD, FMT_HTML };

int bulletin_lang_parse(const char *s);   /* -1 if unknown; NULL: zh */
int bulletin_format_parse(const char *s); /* -1 if unknown; NULL: txt */
void bulletin_render(const Popstat__BulletinData *d, int lang, int format,
    sbuf *out);

/* A date "YYYY-MM-DD" in Chinese numerals (二〇二六年十二月三日). */
void bulletin_date_cn(const char *ymd, char *buf, size_t n);

/* Display name of an indicator / a status in a language. */
const char *bulletin_indicator_name(const char *name, int lang);
const char *bulletin_status_name(const char *status, int lang);
/* An indicator's unit as a reader of lang writes it ("per 100 girls" is
 * 女婴=100 in Chinese: boys per 100 girls). */
const char *bulletin_unit_name(const char *unit, int lang);

#endif
