/*
 * header.c - register headers to record columns (doc/rules.md §13).
 */
#include "header.h"

#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* The fixed Chinese aliases of doc/rules.md §13. */
static const struct {
	const char *alias;
	int col;
} header_aliases[] = {
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
};

char *
header_fold(const char *name, char *out, size_t cap)
{
	char buf[512];
	size_t n, b = 0, i;

	if (cap == 0)
		return out;
	snprintf(buf, sizeof buf, "%s", name);
	n = utf8_fold(buf, buf);
	while (b < n && (buf[b] == ' ' || buf[b] == '\t'))
		b++;
	while (n > b &&
	    (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r' ||
		buf[n - 1] == '\n'))
		n--;
	for (i = b; i < n; i++)
		if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] = (char)(buf[i] - 'A' + 'a');
	snprintf(out, cap, "%.*s", (int)(n - b), buf + b);
	return out;
}

int
header_col(const char *name)
{
	char f[512];
	size_t i;
	int c;

	header_fold(name, f, sizeof f);
	if ((c = col_parse(f)) >= 0)
		return c;
	for (i = 0; i < sizeof header_aliases / sizeof header_aliases[0]; i++)
		if (strcmp(f, header_aliases[i].alias) == 0)
			return header_aliases[i].col;
	return -1;
}

int
header_add_map(struct header_opts *o, const char *rule, char *err,
    size_t errlen)
{
	const char *eq = strrchr(rule, '=');
	char col[64];
	int c;

	if (eq == NULL || eq == rule || eq[1] == '\0') {
		snprintf(err, errlen, "--map '%s': expected HEADER=column",
		    rule);
		return -1;
	}
	header_fold(eq + 1, col, sizeof col);
	if ((c = col_parse(col)) < 0) {
		snprintf(err, errlen,
		    "--map '%s': %s is not a column (record_id,"
		    " unit, date, sex, birth_order, policy, mother_id, age,"
		    " direction, persons)",
		    rule, eq + 1);
		return -1;
	}
	if (o->nmap == HEADER_MAX_RULES) {
		snprintf(err, errlen, "--map: at most %d", HEADER_MAX_RULES);
		return -1;
	}
	o->map_from[o->nmap] = rule; /* the part before '=' */
	o->map_to[o->nmap] = c;
	o->nmap++;
	return 0;
}

/* Does the --map rule's HEADER (rule up to its last '=') match f? */
static int
rule_matches(const char *rule, const char *f)
{
	char h[512], g[512];
	const char *eq = strrchr(rule, '=');

	snprintf(h, sizeof h, "%.*s", (int)(eq - rule), rule);
	header_fold(h, g, sizeof g);
	return strcmp(g, f) == 0;
}

int
header_map(const char *const *cells, size_t n, const struct header_opts *o,
    int *kind, int *map, char *err, size_t errlen)
{
	unsigned seen = 0;
	char f[512], g[512], q[80];
	size_t i, j;
	int c, req;

	for (i = 0; i < n; i++) {
		header_fold(cells[i], f, sizeof f);
		c = -3;
		for (j = 0; j < o->nmap && c == -3; j++)
			if (rule_matches(o->map_from[j], f))
				c = o->map_to[j];
		for (j = 0; j < o->nignore && c == -3; j++)
			if (strcmp(header_fold(o->ignore[j], g, sizeof g), f) ==
			    0)
				c = HEADER_IGNORED;
		if (c == -3 && f[0] == '\0')
			c = HEADER_EMPTY;
		if (c == -3 && (c = header_col(f)) == -1)
			c = o->ignore_unknown ? HEADER_IGNORED : -3;
		if (c == -3) {
			utf8_echo(f, 60, q, sizeof q);
			snprintf(err, errlen,
			    "%s: unknown column (expected"
			    " record_id, unit, date, sex, birth_order, policy,"
			    " mother_id, age, direction, persons or their "
			    "Chinese"
			    " names; drop it with --ignore '%s' or"
			    " --ignore-unknown, or name it with --map"
			    " '%s=COLUMN')",
			    q, q, q);
			return -1;
		}
		if (c >= 0) {
			if (seen & (1u << c)) {
				utf8_echo(cells[i], 60, q, sizeof q);
				if (strcmp(f, col_name(c)) == 0)
					snprintf(err, errlen,
					    "%s: column named"
					    " twice",
					    col_name(c));
				else
					snprintf(err, errlen,
					    "%s: column named"
					    " twice (as %s)",
					    col_name(c), q);
				return -1;
			}
			seen |= 1u << c;
		}
		map[i] = c;
	}
	if (*kind == KIND_NONE) {
		*kind = kind_guess(seen);
		if (*kind == KIND_NONE) {
			snprintf(err, errlen,
			    "header: cannot tell the record"
			    " kind from these columns; use --kind");
			return -1;
		}
	}
	for (c = 0; c < COL_COUNT; c++) {
		if ((seen & (1u << c)) && !kind_has_col(*kind, c, NULL)) {
			snprintf(err, errlen, "%s: not a column of %s records",
			    col_name(c), kind_name(*kind));
			return -1;
		}
		if (kind_has_col(*kind, c, &req) && req &&
		    !(seen & (1u << c))) {
			snprintf(err, errlen,
			    "%s: required column missing for"
			    " %s records",
			    col_name(c), kind_name(*kind));
			return -1;
		}
	}
	return 0;
}
