/*
 * test_reason_zh.c - refused rows' reasons in Chinese: every common
 * reason a clerk meets, the quoted value kept, several reasons of one row,
 * and an unknown reason left in English.
 */
#include <string.h>

#include "check.h"
#include "reason_zh.h"
#include "record.h"

static char buf[1024];

static const char *
zh(const char *en)
{
	return reason_zh(en, buf, sizeof buf);
}

static void
test_columns(void)
{
	CHECK_STR(reason_zh_column("mother_id"), "母亲身份证号");
	CHECK_STR(reason_zh_column("date"), "日期");
	CHECK_STR(reason_zh_column("姓名"), "姓名");
}

static void
test_dates(void)
{
	CHECK_STR(zh("'05/05/2025': expected YYYY-MM-DD"),
	    "“05/05/2025”不是日期：请写成 2026-05-05、2026/5/5、2026.5.5、"
	    "2026年5月5日 或 20260505（日在前、两位年份的写法不认）");
	CHECK_CONTAINS(zh("'46115': expected YYYY-MM-DD; " RECORD_EXCEL_SERIAL),
	    "“46115”是 Excel 的日期序号");
	CHECK_STR(zh("'2026/13/5': month must be 01-12"),
	    "“2026/13/5”月份须为 1 至 12");
	CHECK_STR(zh("'2026-02-30': no such day: 2026-02 has 28 days"),
	    "“2026-02-30”没有这一天：2026-02 只有 28 天");
	CHECK_STR(zh("2027-01-05 is after today (2026-12-03)"),
	    "2027-01-05 晚于今天（2026-12-03）：日期不能是将来的日子");
	/* The summary's form, without the value. */
	CHECK_CONTAINS(zh("expected YYYY-MM-DD"), "不是日期：请写成");
}

static void
test_ids(void)
{
	CHECK_STR(zh("check character should be 0"),
	    "校验码（最后一位）应为 0：身份证号有输错的，请按身份证核对后改正");
	CHECK_CONTAINS(zh("Excel stored the ID as a number and lost its last"
			  " digits; format the column as text"),
	    "设为“文本”格式");
	CHECK_CONTAINS(zh("birth date 19801345 is not a date"),
	    "出生日期 19801345 不是有效日期");
}

static void
test_values_and_server(void)
{
	CHECK_STR(zh("'X' is not M, F, 男 or 女"),
	    "“X”不是性别：请写 男 或 女（也可写 M、F）");
	CHECK_STR(zh("16 is out of range 1-15"),
	    "16 超出范围：应在 1 至 15 之间");
	CHECK_STR(zh("unit 610328102 is outside your scope (610328101)"),
	    "单位 610328102 不在本账号（610328101）的范围内：只能报送本乡镇及其"
	    "下属单位的记录");
	CHECK_CONTAINS(zh("conflict: B7 is already stored with different"
			  " content (use amend to change it)"),
	    "编号 B7 已存为不同的内容");
	CHECK_STR(zh("B7 was voided"), "编号 B7 已作废");
	CHECK_STR(zh("not a column of death records"), "不是死亡记录的列");
}

static void
test_headers(void)
{
	CHECK_CONTAINS(
	    zh("姓名: unknown column (expected record_id, unit,"
	       " date, sex, birth_order, policy, mother_id, age, direction,"
	       " persons or their Chinese names; drop it with --ignore '姓名' "
	       "or"
	       " --ignore-unknown, or name it with --map '姓名=COLUMN')"),
	    "“姓名”是不认识的列：不用这一列就加 --ignore '姓名'");
	CHECK_STR(zh("odd.csv: line 3 cannot be read: it is neither UTF-8 nor"
		     " GB18030 (GBK) text; save the file from Excel as \"CSV "
		     "UTF-8\" or"
		     " pass --encoding utf-8|gb18030|utf-16"),
	    "odd.csv：第 3 行无法读取：既不是 UTF-8 也不是 GB18030（GBK）编码的"
	    "文字；请在 Excel 里另存为“CSV UTF-8”，或加 --encoding"
	    " utf-8|gb18030|utf-16 指明编码");
	CHECK_STR(zh("mother_id: required column missing for verification"
		     " records"),
	    "缺少核查记录必需的列 mother_id");
}

static void
test_joined_and_unknown(void)
{
	/* The server joins a row's reasons with "; column: ". */
	CHECK_STR(zh("'2026/11/31': no such day: 2026-11 has 30 days;"
		     " mother_id: check character should be 7"),
	    "“2026/11/31”没有这一天：2026-11 只有 30 天；母亲身份证号：校验码"
	    "（最后一位）应为 7：身份证号有输错的，请按身份证核对后改正");
	/* Unknown: kept as it is, never half translated. */
	CHECK_STR(zh("something new; check character should be 7"),
	    "something new; check character should be 7");
	CHECK_STR(zh(""), "");
	/* Work is bounded: many matching parts before one that does not. */
	{
		static char big[1000];
		size_t i;

		for (i = 0; i + 20 < sizeof big; i += 15)
			memcpy(big + i, "B7 was voided; ", 15);
		memcpy(big + i, "zzz", 4);
		CHECK_STR(zh(big), big);
	}
	/* A small buffer is cut, never overrun. */
	{
		char small[8];

		reason_zh("B7 was voided", small, sizeof small);
		CHECK(strlen(small) < sizeof small);
	}
}

int
main(void)
{
	RUN(test_columns);
	RUN(test_dates);
	RUN(test_ids);
	RUN(test_values_and_server);
	RUN(test_headers);
	RUN(test_joined_and_unknown);
	return check_summary("test_reason_zh");
}
