/*
 * reason_zh.c - a refused row's reason in Chinese.
 *
 * A reason is "'VALUE': rest" or "'VALUE' rest" (the value the clerk
 * wrote, quoted; record_reason_key() drops it for summaries) or just
 * "rest".  The rest is matched against a table of the English forms, with
 * '*' standing for a part that is copied ($1, $2 ... in the Chinese; #N is
 * the same part read as a record kind, "birth" -> "出生").  %v in the
 * Chinese is the quoted value, or nothing for a summary without one.
 * Reasons joined by "; " (several problems of one row, from the server,
 * "column: reason" after the first) are translated part by part.
 */
#include "reason_zh.h"

#include <stdio.h>
#include <string.h>

#define CAPS 8
#define CAPLEN 256

static const struct {
	const char *en, *zh;
} cols[] = {
	{ "record_id", "编号" },
	{ "unit", "单位" },
	{ "date", "日期" },
	{ "sex", "性别" },
	{ "birth_order", "孩次" },
	{ "policy", "是否符合政策" },
	{ "mother_id", "母亲身份证号" },
	{ "age", "年龄" },
	{ "direction", "迁移方向" },
	{ "persons", "人数" },
	{ "header", "表头" },
	{ "row", "行" },
	{ "kind", "记录种类" },
	{ "csv", "文件" },
	{ "file", "文件" },
};

static const struct {
	const char *en, *zh;
} kinds[] = {
	{ "birth", "出生" },
	{ "death", "死亡" },
	{ "migration", "迁移" },
	{ "population", "人口数" },
	{ "verification", "核查" },
};

#define DATE_FORMS                                                             \
	"请写成 2026-05-05、2026/5/5、2026.5.5、2026年5月5日 或"     \
	" 20260505（日在前、两位年份的写法不认）"

static const struct {
	const char *en, *zh;
} pats[] = {
	/* dates (record.c, date.c) */
	{ "expected YYYY-MM-DD; this looks like an Excel date serial*",
	    "%v是 Excel 的日期序号，不是日期：请在 Excel 里把这一列设为日期格式"
	    "（如 2026-05-05）后再另存为 CSV，或直接报送 .xlsx 文件" },
	{ "expected YYYY-MM-DD", "%v不是日期：" DATE_FORMS },
	{ "year must be *-*", "%v年份须在 $1 至 $2 之间" },
	{ "month must be 01-12", "%v月份须为 1 至 12" },
	{ "no such day: * has * days", "%v没有这一天：$1 只有 $2 天" },
	{ "* is after today (*)", "$1 晚于今天（$2）：日期不能是将来的日子" },
	/* values */
	{ "is not M, F, 男 or 女", "%v不是性别：请写 男 或 女（也可写 M、F）" },
	{ "is not Y, N, 符合, 不符合, 是 or 否",
	    "%v看不出是否符合政策：请写 是 或 否（也可写 "
	    "符合、不符合，Y、N）" },
	{ "is not in, out, 迁入 or 迁出",
	    "%v不是迁移方向：请写 迁入 或 迁出（也可写 in、out）" },
	{ "is not a whole number", "%v不是整数：请只写数字" },
	{ "* is out of range *-*", "$1 超出范围：应在 $2 至 $3 之间" },
	{ "is not a unit code (1-20 of 0-9 A-Z a-z _ -)",
	    "%v不是单位代码：请写 1 至 20 位的区划代码（数字、字母、_ 或 -）" },
	{ "must be printable ASCII characters",
	    "%v不能做编号：编号只能由半角字母、数字和符号组成" },
	{ "longer than 64 characters", "太长：编号最多 64 个字符" },
	{ "longer than * bytes", "太长：最多 $1 字节" },
	{ "missing", "缺少这一列" },
	{ "empty; a value is required", "是空的：这一项必须填写" },
	{ "invalid UTF-8", "含有无法识别的字符（不是有效的 UTF-8）" },
	{ "contains a control character", "含有控制字符：请删去" },
	/* resident ID (idcard.c) */
	{ "check character should be *",
	    "校验码（最后一位）应为 "
	    "$1：身份证号有输错的，请按身份证核对后改正" },
	{ "birth date * is not a date",
	    "第 7 至 14 位的出生日期 $1 不是有效日期：身份证号有输错的，"
	    "请按身份证核对" },
	{ "birth date * is after the record's date *",
	    "第 7 至 14 位的出生日期 $1 晚于记录日期 $2：请核对身份证号" },
	{ "Excel stored the ID as a number and lost its last digits; format"
	  " the column as text",
	    "Excel 把身份证号存成了数字，末尾几位已经丢失：请把这一列设为"
	    "“文本”格式（设置单元格格式 → 文本）后重新录入身份证号" },
	/* kinds and headers (record.c, header.c) */
	{ "unknown record kind", "不认识的记录种类" },
	{ "not a column of * records", "不是#1记录的列" },
	{ "*: unknown column (expected*; drop it with --ignore '*' or"
	  " --ignore-unknown, or name it with --map '*=COLUMN')",
	    "“$1”是不认识的列：不用这一列就加 --ignore '$3'（或"
	    " --ignore-unknown）；它若就是某一列，用 --map '$4=列名' 指明"
	    "（列名：record_id、unit、date、sex、birth_order、policy、"
	    "mother_id、age、direction、persons，或表头的中文名）" },
	{ "*: required column missing for * records", "缺少#2记录必需的列 $1" },
	{ "*: column named twice (as *)", "列 $1 出现了两次（又写作 $2）" },
	{ "*: column named twice", "列 $1 出现了两次" },
	{ "*: not a column of * records", "“$1”不是#2记录的列" },
	{ "header: cannot tell the record kind from these columns; use --kind",
	    "表头：从这些列看不出是哪类记录，请用 --kind 指明（birth 出生、"
	    "death 死亡、migration 迁移、population 人口数、verification "
	    "核查）" },
	/* rows and files (regfile.c, sheet_text.c) */
	{ "has * fields, the header has *",
	    "这一行有 $1 个字段，表头有 $2 个：请检查是否多了或少了逗号" },
	{ "column * has a value but no header",
	    "$1 列有数据但没有表头：请写上列名或删去数据" },
	{ "field * (column *) has a value but its header is empty; name the"
	  " column or remove the value",
	    "第 $1 个字段（$2 列）有数据但表头为空：请写上列名或删去数据" },
	{ "*: line * cannot be read: it is neither UTF-8 nor GB18030*",
	    "$1：第 $2 行无法读取：既不是 UTF-8 也不是 "
	    "GB18030（GBK）编码的文字；"
	    "请在 Excel 里另存为“CSV UTF-8”，或加 --encoding"
	    " utf-8|gb18030|utf-16 指明编码" },
	{ "cannot be read: it is neither UTF-8 nor GB18030*",
	    "无法读取：既不是 UTF-8 也不是 GB18030（GBK）编码的文字；请在"
	    " Excel 里另存为“CSV UTF-8”，或加 --encoding utf-8|gb18030|utf-16"
	    " 指明编码" },
	/* the server (req_submit.c) */
	{ "unknown unit *", "没有代码为 $1 的单位：请核对单位代码" },
	{ "unit * is outside your scope (*)*",
	    "单位 $1 "
	    "不在本账号（$2）的范围内：只能报送本乡镇及其下属单位的记录" },
	{ "unit * is retired from *: records from that day on belong to the"
	  " unit that took it over",
	    "单位 $1 自 $2 起已撤销：此后的记录应报到接管它的单位" },
	{ "conflict: * is already stored with different content (use amend"
	  " to change it)",
	    "冲突：编号 $1 已存为不同的内容；要改正请用更正（popstat amend）" },
	{ "* was voided; a voided record_id cannot be reused",
	    "编号 $1 已作废，不能再用：请换一个编号" },
	{ "* was voided", "编号 $1 已作废" },
	{ "* is in a locked period: * *..* was approved by * at *; ask the"
	  " county office to unlock it",
	    "$1 所在期间已审核锁定（$2 $3 至 $4，$5 于 $6 "
	    "审核）：请县里解锁后再报" },
	{ "this birth would change the verification record of *, which lies"
	  " in an approved, locked period; ask the county office to unlock it",
	    "这条出生会改变 $1 "
	    "的核查记录，而该期间已审核锁定：请县里解锁后再报" },
	{ "population of * on this date is already * (record *)*",
	    "$1 这一天的人口数已是 $2（记录 $3）：要改正请更正那条记录" },
	{ "* is not stored in unit *; submit it instead",
	    "$1 没有存在单位 $2 中：这是新记录，请报送（submit）而不是更正" },
	{ "* is a * record, not *", "$1 是#2记录，不是#3记录" },
};

/* Match attempts one reason may cost: a reason is at most a few hundred
 * bytes, but '*' and "; " could otherwise multiply the work. */
#define BUDGET 200000

struct out {
	char *buf;
	size_t cap, n;
	unsigned long budget;
};

static void
put(struct out *o, const char *s, size_t len)
{
	if (o->cap == 0)
		return;
	if (len > o->cap - 1 - o->n) {
		len = o->cap - 1 - o->n;
		/* Cut before a character, never inside one. */
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(o->buf + o->n, s, len);
	o->n += len;
	o->buf[o->n] = '\0';
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

const char *
reason_zh_column(const char *column)
{
	size_t i;

	for (i = 0; i < sizeof cols / sizeof cols[0]; i++)
		if (strcmp(cols[i].en, column) == 0)
			return cols[i].zh;
	return column;
}

static const char *
kind_zh(const char *k)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].en, k) == 0)
			return kinds[i].zh;
	return k;
}

/* s[0..n) against p (NUL-ended; '*' matches the shortest part that lets
 * the rest match); the parts go to cap[]. */
static int
match(const char *s, size_t n, const char *p, char cap[][CAPLEN], int nc,
    unsigned long *budget)
{
	size_t k;

	if (*budget == 0)
		return 0;
	--*budget;
	for (; *p != '\0' && *p != '*'; p++, s++, n--)
		if (n == 0 || *s != *p)
			return 0;
	if (*p == '\0')
		return n == 0;
	if (nc >= CAPS)
		return 0;
	for (k = 0; k <= n; k++)
		if (match(s + k, n - k, p + 1, cap, nc + 1, budget)) {
			snprintf(cap[nc], CAPLEN, "%.*s", (int)k, s);
			return 1;
		}
	return 0;
}

/*
 * Translate s[0..n) when one pattern matches it whole: 1 and the Chinese
 * appended to o, else 0 and o unchanged.
 */
static int
one(struct out *o, const char *s, size_t n)
{
	char cap[CAPS][CAPLEN], val[CAPLEN];
	const char *rest = s, *q, *t;
	size_t i, rn = n;

	val[0] = '\0';
	/* The quoted value ends at the last quote before ": " or " ". */
	if (n > 1 && s[0] == '\'' && memchr(s + 1, '\'', n - 1) != NULL) {
		const char *colon = NULL, *space = NULL;

		for (q = s + 1; q + 1 < s + n; q++) {
			if (*q != '\'')
				continue;
			if (!colon && q + 2 < s + n && q[1] == ':' &&
			    q[2] == ' ')
				colon = q;
			if (!space && q[1] == ' ')
				space = q;
		}
		q = colon && (!space || colon <= space) ? colon : space;
		if (q != NULL) {
			snprintf(val, sizeof val, "“%.*s”", (int)(q - s - 1),
			    s + 1);
			rest = q + (q == colon ? 3 : 2);
			rn = n - (size_t)(rest - s);
		}
	}
	for (i = 0; i < sizeof pats / sizeof pats[0]; i++) {
		if (!match(rest, rn, pats[i].en, cap, 0, &o->budget))
			continue;
		for (t = pats[i].zh; *t != '\0'; t++) {
			if (t[0] == '%' && t[1] == 'v') {
				puts_(o, val);
				t++;
			} else if ((t[0] == '$' || t[0] == '#') &&
			    t[1] >= '1' && t[1] < '1' + CAPS) {
				const char *c = cap[t[1] - '1'];

				puts_(o, t[0] == '#' ? kind_zh(c) : c);
				t++;
			} else {
				put(o, t, 1);
			}
		}
		return 1;
	}
	return 0;
}

/* "column: reason" with a known column, as the server joins them. */
static int
part(struct out *o, const char *s, size_t n)
{
	const char *c = memchr(s, ':', n);
	size_t i;

	if (one(o, s, n))
		return 1;
	if (c == NULL || (size_t)(c - s) + 2 > n || c[1] != ' ')
		return 0;
	for (i = 0; i < sizeof cols / sizeof cols[0]; i++)
		if (strlen(cols[i].en) == (size_t)(c - s) &&
		    strncmp(cols[i].en, s, (size_t)(c - s)) == 0) {
			size_t keep = o->n;

			puts_(o, cols[i].zh);
			puts_(o, "：");
			if (one(o, c + 2, n - (size_t)(c + 2 - s)))
				return 1;
			o->n = keep;
			o->buf[keep] = '\0';
			return 0;
		}
	return 0;
}

/* Translate s[0..n), splitting at "; " where the whole does not match. */
static int
all(struct out *o, const char *s, size_t n)
{
	const char *p;
	size_t keep = o->n;

	if (part(o, s, n))
		return 1;
	for (p = s; p + 2 <= s + n; p++) {
		if (p[0] != ';' || p[1] != ' ')
			continue;
		if (!part(o, s, (size_t)(p - s)))
			continue;
		puts_(o, "；");
		if (all(o, p + 2, n - (size_t)(p + 2 - s)))
			return 1;
		o->n = keep;
		o->buf[keep] = '\0';
	}
	return 0;
}

char *
reason_zh(const char *reason, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0, BUDGET };

	if (cap == 0)
		return buf;
	buf[0] = '\0';
	if (!all(&o, reason, strlen(reason)) || o.budget == 0) {
		o.n = 0;
		puts_(&o, reason);
	}
	return buf;
}
