/*
 * lang.c - the reader's language.
 */
#include <stdlib.h>
#include <string.h>

#include "lang.h"

int
lang_parse(const char *s)
{
	if (s == NULL)
		return -1;
	if (strncmp(s, "zh", 2) == 0 &&
	    (s[2] == '\0' || s[2] == '_' || s[2] == '-' || s[2] == '.'))
		return LANG_ZH;
	if (strncmp(s, "en", 2) == 0 &&
	    (s[2] == '\0' || s[2] == '_' || s[2] == '-' || s[2] == '.'))
		return LANG_EN;
	return -1;
}

int
lang_pick(const char *flag, const char *config)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v;
	size_t i;

	if (flag != NULL)
		return lang_parse(flag);
	if (config != NULL && *config != '\0')
		return lang_parse(config);
	for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		v = getenv(vars[i]);
		if (v != NULL && *v != '\0')
			return strncmp(v, "zh", 2) == 0 ? LANG_ZH : LANG_EN;
	}
	return LANG_EN;
}
