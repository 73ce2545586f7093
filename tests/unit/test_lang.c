/*
 * test_lang.c - the reader's language: flag, config, locale, default.
 */
#include <stdlib.h>

#include "check.h"
#include "lang.h"

static void
test_parse(void)
{
	CHECK_INT(lang_parse("zh"), LANG_ZH);
	CHECK_INT(lang_parse("en"), LANG_EN);
	CHECK_INT(lang_parse("zh_CN.UTF-8"), LANG_ZH);
	CHECK_INT(lang_parse("fr"), -1);
	CHECK_INT(lang_parse("zhx"), -1);
	CHECK_INT(lang_parse(NULL), -1);
}

static void
test_pick_order(void)
{
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	setenv("LANG", "zh_CN.UTF-8", 1);
	CHECK_INT(lang_pick(NULL, NULL), LANG_ZH);
	CHECK_INT(lang_pick("en", NULL), LANG_EN);
	CHECK_INT(lang_pick(NULL, "en"), LANG_EN);
	CHECK_INT(lang_pick(NULL, "xx"), -1);
	setenv("LC_ALL", "C.UTF-8", 1);
	CHECK_INT(lang_pick(NULL, NULL), LANG_EN);
	unsetenv("LC_ALL");
	unsetenv("LANG");
	CHECK_INT(lang_pick(NULL, NULL), LANG_EN);
}

int
main(void)
{
	RUN(test_parse);
	RUN(test_pick_order);
	return check_summary("test_lang");
}
