/*
 * reason_zh.h - a refused row's reason in Chinese (doc/indicators.md §14:
 * the messages a clerk acts on exist in Chinese).  The rules in record.c,
 * idcard.c, header.c and the server write their reasons in English, which
 * stays the form scripts and tests read; this turns a known reason into the
 * Chinese a township clerk reads, saying what to write instead.  Pure.
 */
#ifndef POPSTAT_REASON_ZH_H
#define POPSTAT_REASON_ZH_H

#include <stddef.h>

/* The Chinese name of a column ("mother_id" -> "母亲身份证号"); a name it
 * does not know is returned as it is. */
const char *reason_zh_column(const char *column);

/*
 * The reason in Chinese, written into buf (cap bytes) and returned; a
 * reason it does not know is copied unchanged (English is better than a
 * wrong translation).  Reasons joined by "; " are translated one by one.
 */
char *reason_zh(const char *reason, char *buf, size_t cap);

#endif
