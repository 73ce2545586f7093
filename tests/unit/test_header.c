/*
 * test_header.c - unit tests of common/header.c: every Chinese alias of
 * doc/rules.md §13, case and full-width folding, --map, --ignore,
 * --ignore-unknown, empty header cells and kind recognition.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "header.h"

static void
test_aliases(void)
{
	static const struct {
		const char *name;
		int col;
	} t[] = {
		{ "编号", COL_RECORD_ID },
		{ "记录编号", COL_RECORD_ID },
		{ "记录号", COL_RECORD_ID },
		{ "单位", COL_UNIT },
		{ "单位代码", COL_UNIT },
		{ "区划代码", COL_UNIT },
		{ "日期", COL_DATE },
		{ "出生日期", COL_DATE },
		{ "死亡日期", COL_DATE },
		{ "迁移日期", COL_DATE },
		{ "统计日期", COL_DATE },
		{ "核查日期", COL_DATE },
		{ "性别", COL_SEX },
		{ "孩次", COL_BIRTH_ORDER },
		{ "政策", COL_POLICY },
		{ "是否符合政策", COL_POLICY },
		{ "符合政策", COL_POLICY },
		{ "母亲身份证号", COL_MOTHER_ID },
		{ "母亲身份证号码", COL_MOTHER_ID },
		{ "母亲证件号码", COL_MOTHER_ID },
		{ "年龄", COL_AGE },
		{ "死亡年龄", COL_AGE },
		{ "方向", COL_DIRECTION },
		{ "迁移方向", COL_DIRECTION },
		{ "人数", COL_PERSONS },
		{ "人口数", COL_PERSONS },
		{ "record_id", COL_RECORD_ID },
		{ "Record_ID", COL_RECORD_ID },
		{ " UNIT ", COL_UNIT },
		{ "ｄａｔｅ", COL_DATE },
		{ "Ｍｏｔｈｅｒ＿ＩＤ", COL_MOTHER_ID },
		{ "\xe3\x80\x80性别\xe3\x80\x80", COL_SEX },
		{ "Birth_Order", COL_BIRTH_ORDER },
		{ "persons\t", COL_PERSONS },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int c = header_col(t[i].name);

		CHECK_REPORT(c == t[i].col, "%s -> %d, expected %d", t[i].name,
		    c, t[i].col);
	}
	CHECK_INT(header_col("姓名"), -1);
	CHECK_INT(header_col("出生"), -1);
	CHECK_INT(header_col(""), -1);
	CHECK_INT(header_col("record id"), -1);
}

static int map[16];
static char err[600];

static int
mapped(const char *const *cells, size_t n, const struct header_opts *o,
    int *kind)
{
	err[0] = '\0';
	return header_map(cells, n, o, kind, map, err, sizeof err);
}

static void
test_kind_from_aliases(void)
{
	static const char *const birth[] = { "编号", "单位", "出生日期", "性别",
		"孩次", "是否符合政策", "母亲身份证号码" };
	static const char *const death[] = { "编号", "单位代码", "死亡日期",
		"性别", "死亡年龄" };
	static const char *const mig[] = { "记录号", "区划代码", "迁移日期",
		"迁移方向", "人数" };
	static const char *const pop[] = { "编号", "单位", "统计日期",
		"人口数" };
	static const char *const ver[] = { "编号", "单位", "核查日期",
		"母亲证件号码" };
	struct header_opts o;
	int kind;

	memset(&o, 0, sizeof o);
	kind = KIND_NONE;
	CHECK_INT(mapped(birth, 7, &o, &kind), 0);
	CHECK_INT(kind, KIND_BIRTH);
	CHECK_INT(map[6], COL_MOTHER_ID);
	kind = KIND_NONE;
	CHECK_INT(mapped(death, 5, &o, &kind), 0);
	CHECK_INT(kind, KIND_DEATH);
	kind = KIND_NONE;
	CHECK_INT(mapped(mig, 5, &o, &kind), 0);
	CHECK_INT(kind, KIND_MIGRATION);
	kind = KIND_NONE;
	CHECK_INT(mapped(pop, 4, &o, &kind), 0);
	CHECK_INT(kind, KIND_POPULATION);
	kind = KIND_NONE;
	CHECK_INT(mapped(ver, 4, &o, &kind), 0);
	CHECK_INT(kind, KIND_VERIFICATION);
	/* A kind given that the columns do not fit. */
	kind = KIND_DEATH;
	CHECK_INT(mapped(ver, 4, &o, &kind), -1);
	CHECK(strstr(err, "death records") != NULL);
}

static void
test_unknown_map_ignore(void)
{
	static const char *const cells[] = { "编号", "单位", "统计日期",
		"人口数", "姓名", "备注" };
	static const char *const trailing[] = { "编号", "单位", "统计日期",
		"人口数", "" };
	static const char *const twice[] = { "编号", "记录号", "单位",
		"统计日期", "人口数" };
	static const char *const other[] = { "序号", "乡镇", "日期",
		"户籍人口" };
	struct header_opts o;
	int kind = KIND_NONE;

	memset(&o, 0, sizeof o);
	CHECK_INT(mapped(cells, 6, &o, &kind), -1);
	CHECK(strncmp(err, "姓名: unknown column", 20) == 0);
	CHECK(strstr(err, "--ignore '姓名'") != NULL);
	CHECK(strstr(err, "--map '姓名=COLUMN'") != NULL);
	o.ignore[o.nignore++] = "姓名";
	CHECK_INT(mapped(cells, 6, &o, &kind), -1);
	CHECK(strncmp(err, "备注: unknown column", 20) == 0);
	o.ignore[o.nignore++] = " 备注 ";
	CHECK_INT(mapped(cells, 6, &o, &kind), 0);
	CHECK_INT(map[4], HEADER_IGNORED);
	CHECK_INT(map[5], HEADER_IGNORED);
	memset(&o, 0, sizeof o);
	o.ignore_unknown = 1;
	kind = KIND_NONE;
	CHECK_INT(mapped(cells, 6, &o, &kind), 0);
	CHECK_INT(kind, KIND_POPULATION);
	CHECK_INT(map[3], COL_PERSONS);
	CHECK_INT(map[4], HEADER_IGNORED);
	/* An empty header cell (a trailing comma). */
	memset(&o, 0, sizeof o);
	kind = KIND_NONE;
	CHECK_INT(mapped(trailing, 5, &o, &kind), 0);
	CHECK_INT(map[4], HEADER_EMPTY);
	kind = KIND_NONE;
	CHECK_INT(mapped(twice, 5, &o, &kind), -1);
	CHECK_STR(err, "record_id: column named twice (as 记录号)");
	/* --map names any other header. */
	CHECK_INT(header_add_map(&o, "序号=record_id", err, sizeof err), 0);
	CHECK_INT(header_add_map(&o, "乡镇=unit", err, sizeof err), 0);
	CHECK_INT(header_add_map(&o, "户籍人口=PERSONS", err, sizeof err), 0);
	kind = KIND_NONE;
	CHECK_INT(mapped(other, 4, &o, &kind), 0);
	CHECK_INT(kind, KIND_POPULATION);
	CHECK_INT(map[0], COL_RECORD_ID);
	CHECK_INT(map[1], COL_UNIT);
	CHECK_INT(map[3], COL_PERSONS);
	CHECK_INT(header_add_map(&o, "x=name", err, sizeof err), -1);
	CHECK(strstr(err, "name is not a column") != NULL);
	CHECK_INT(header_add_map(&o, "=unit", err, sizeof err), -1);
	CHECK_INT(header_add_map(&o, "unit", err, sizeof err), -1);
	CHECK(strstr(err, "expected HEADER=column") != NULL);
}

int
main(void)
{
	RUN(test_aliases);
	RUN(test_kind_from_aliases);
	RUN(test_unknown_map_ignore);
	return check_summary("test_header");
}
