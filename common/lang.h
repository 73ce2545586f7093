/*
 * lang.h - which language a person reads (doc/indicators.md §14): --lang
 * zh|en, else "lang =" in the config, else the locale (LC_ALL, then
 * LC_MESSAGES, then LANG: "zh..." is Chinese), else English.
 */
#ifndef POPSTAT_LANG_H
#define POPSTAT_LANG_H

enum lang { LANG_EN = 0, LANG_ZH = 1 };

/* "zh" or "en" (also "zh_CN...", "en_US..."); -1 otherwise. */
int lang_parse(const char *s);
/* The language for flag (may be NULL), then config (may be NULL), then
 * the environment; -1 when flag or config is given but not a language. */
int lang_pick(const char *flag, const char *config);

#endif
