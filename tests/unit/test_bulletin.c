/*
 * test_bulletin.c - unit tests of common/bulletin.c: the monthly bulletin
 * renderer, on hand-built Popstat__BulletinData.
 *
 * The fixture is a small county of four townships in rank order:
 *   1  城关镇   met         100.00  birth_rate 5.46, ngr 1.09, policy 100
 *   2  Abc      missed       90.00  policy 93.50 missed (not veto)
 *   3  A<&>B|x  veto         50.50  birth_rate 13.20 and ngr 7.25 missed
 * (veto), policy not assessed (no value) 3  八渡镇   incomplete       -  (tie
 * in rank; no score) and two overdue tasks: one of a department, one of a
 * township.
 */
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "check.h"
#include "popstat.pb-c.h"
#include "sbuf.h"
#include "utf8.h"

/* ---- fixture ------------------------------------------------------------- */

#define MAXJ 4

struct fx {
	Popstat__BulletinData d;
	Popstat__BulletinUnit u[6];
	Popstat__BulletinUnit *up[6];
	Popstat__IndicatorJudgement j[6][MAXJ];
	Popstat__IndicatorJudgement *jp[6][MAXJ];
	Popstat__Task t[4];
	Popstat__Task *tp[4];
};

static void
judge(struct fx *f, int u, int k, const char *name, const char *unit, int has,
    double v, const char *op, double target, const char *result, int veto)
{
	Popstat__IndicatorJudgement init = POPSTAT__INDICATOR_JUDGEMENT__INIT;
	Popstat__IndicatorJudgement *j = &f->j[u][k];

	*j = init;
	j->name = (char *)name;
	j->unit = (char *)unit;
	j->has_value = has;
	j->value = v;
	j->op = (char *)op;
	j->has_target = 1;
	j->target = target;
	j->result = (char *)result;
	j->has_veto = 1;
	j->veto = veto;
	f->jp[u][k] = j;
	f->u[u].indicators = f->jp[u];
	f->u[u].n_indicators = (size_t)k + 1;
}

static void
unit(struct fx *f, int i, unsigned rank, const char *code, const char *name,
    const char *status, int has_score, double score)
{
	Popstat__BulletinUnit init = POPSTAT__BULLETIN_UNIT__INIT;

	f->u[i] = init;
	f->u[i].rank = rank;
	f->u[i].unit = (char *)code;
	f->u[i].name = (char *)name;
	f->u[i].status = (char *)status;
	f->u[i].has_score = has_score;
	f->u[i].score = score;
	f->up[i] = &f->u[i];
	f->d.units = f->up;
	f->d.n_units = (size_t)i + 1;
}

static void
reporting(struct fx *f, int i, unsigned dm, unsigned fm, unsigned om,
    unsigned dy, unsigned fy, unsigned oy, unsigned rec, unsigned timely)
{
	f->u[i].due_month = dm;
	f->u[i].filed_month = fm;
	f->u[i].on_time_month = om;
	f->u[i].due_ytd = dy;
	f->u[i].filed_ytd = fy;
	f->u[i].on_time_ytd = oy;
	f->u[i].records = rec;
	f->u[i].records_timely = timely;
}

static void
task(struct fx *f, int i, const char *kind, const char *owner,
    const char *owner_name, const char *title, const char *person,
    const char *due, unsigned progress)
{
	Popstat__Task init = POPSTAT__TASK__INIT;

	f->t[i] = init;
	f->t[i].id = (uint64_t)i + 1;
	f->t[i].owner_kind = (char *)kind;
	f->t[i].owner = (char *)owner;
	f->t[i].owner_name = (char *)owner_name;
	f->t[i].title = (char *)title;
	f->t[i].person = (char *)person;
	f->t[i].due = (char *)due;
	f->t[i].status = "open";
	f->t[i].progress = progress;
	f->t[i].overdue = 1;
	f->tp[i] = &f->t[i];
	f->d.overdue = f->tp;
	f->d.n_overdue = (size_t)i + 1;
}

static void
fixture(struct fx *f)
{
	Popstat__BulletinData init = POPSTAT__BULLETIN_DATA__INIT;

	memset(f, 0, sizeof *f);
	f->d = init;
	f->d.month = "2026-11";
	f->d.parent = "610328";
	f->d.parent_name = "陇县";
	f->d.ytd_start = "2026-01-01";
	f->d.ytd_end = "2026-11-30";
	f->d.issued = "2026-12-04";
	f->d.timely_days = 30;

	unit(f, 0, 1, "610328101", "城关镇", "met", 1, 100);
	judge(f, 0, 0, "birth_rate", "‰", 1, 5.46, "<=", 11.5, "met", 1);
	judge(f, 0, 1, "natural_growth_rate", "‰", 1, 1.09, "<=", 5.5, "met",
	    1);
	judge(f, 0, 2, "policy_rate", "%", 1, 100, ">=", 95, "met", 1);
	reporting(f, 0, 3, 3, 3, 33, 3, 3, 20, 4);

	unit(f, 1, 2, "610328102", "Abc", "missed", 1, 90);
	judge(f, 1, 0, "birth_rate", "‰", 1, 6, "<=", 11.5, "met", 1);
	judge(f, 1, 1, "natural_growth_rate", "‰", 1, 2, "<=", 5.5, "met", 1);
	judge(f, 1, 2, "policy_rate", "%", 1, 93.5, ">=", 95, "missed", 0);
	reporting(f, 1, 3, 2, 1, 33, 2, 1, 20, 2);

	unit(f, 2, 3, "610328103", "A<&>B|x", "veto", 1, 50.5);
	judge(f, 2, 0, "birth_rate", "‰", 1, 13.2, "<=", 11.5, "missed", 1);
	judge(f, 2, 1, "natural_growth_rate", "‰", 1, 7.25, "<=", 5.5, "missed",
	    1);
	judge(f, 2, 2, "policy_rate", "%", 0, 0, ">=", 95, "not_assessed", 1);
	reporting(f, 2, 0, 0, 0, 0, 0, 0, 0, 0);

	unit(f, 3, 3, "610328104", "八渡镇", "incomplete", 0, 0);
	judge(f, 3, 0, "birth_rate", "‰", 0, 0, "<=", 11.5, "not_assessed", 1);
	judge(f, 3, 1, "natural_growth_rate", "‰", 0, 0, "<=", 5.5,
	    "not_assessed", 1);
	judge(f, 3, 2, "policy_rate", "%", 0, 0, ">=", 95, "not_assessed", 1);
	reporting(f, 3, 3, 1, 1, 33, 1, 1, 18, 0);

	task(f, 0, "unit", "610328104", "八渡镇", "补录出生信息", NULL,
	    "2026-12-01", 40);
	task(f, 1, "department", "CZJ", "财政局", "落实奖励扶助资金", "王科长",
	    "2026-11-30", 0);
}

/* The rendered text (malloc'd). */
static char *
render(const Popstat__BulletinData *d, int lang, int fmt)
{
	sbuf b;
	char *s;

	sbuf_init(&b);
	bulletin_render(d, lang, fmt, &b);
	s = xstrdup(sbuf_str(&b));
	sbuf_free(&b);
	return s;
}

/* Position of needle in s, or -1. */
static long
pos(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);

	return p ? p - s : -1;
}

/* Position of needle in s at or after from, or -1. */
static long
pos_from(const char *s, long from, const char *needle)
{
	const char *p;

	if (from < 0)
		return -1;
	p = strstr(s + from, needle);
	return p ? p - s : -1;
}

/* A copy of the one line of s that contains needle (after from), or NULL. */
static char *
line_with(const char *s, long from, const char *needle)
{
	long p = pos_from(s, from, needle), a, e;
	char *l;

	if (p < 0)
		return NULL;
	for (a = p; a > 0 && s[a - 1] != '\n'; a--)
		;
	for (e = p; s[e] && s[e] != '\n'; e++)
		;
	l = xmalloc((size_t)(e - a) + 1);
	memcpy(l, s + a, (size_t)(e - a));
	l[e - a] = '\0';
	return l;
}

/* Display column at which needle starts within line (after skip bytes). */
static int
col_of(const char *line, long skip, const char *needle)
{
	long p = pos_from(line, skip, needle);
	char *pre;
	int w;

	if (p < 0)
		return -1;
	pre = xmalloc((size_t)p + 1);
	memcpy(pre, line, (size_t)p);
	pre[p] = '\0';
	w = utf8_width(pre);
	free(pre);
	return w;
}

static int
count(const char *s, const char *needle)
{
	int n = 0;
	size_t l = strlen(needle);

	for (s = strstr(s, needle); s; s = strstr(s + l, needle))
		n++;
	return n;
}

static const char *const heads_zh[] = { "一、目标完成情况排名（年初至今）",
	"二、通报表扬", "三、未完成目标的单位", "四、旬报报送及数据及时情况",
	"五、逾期未完成的目标责任任务" };
static const char *const heads_en[] = { "1. Ranking, year to date",
	"2. Commended units", "3. Units failing",
	"4. Dekad reports and timeliness", "5. Overdue responsibility tasks" };

/* ---- tests ------------------------------------------------------------- */

static void
test_parse(void)
{
	CHECK_INT(bulletin_lang_parse(NULL), LANG_ZH);
	CHECK_INT(bulletin_lang_parse(""), LANG_ZH);
	CHECK_INT(bulletin_lang_parse("zh"), LANG_ZH);
	CHECK_INT(bulletin_lang_parse("en"), LANG_EN);
	CHECK_INT(bulletin_lang_parse("fr"), -1);
	CHECK_INT(bulletin_lang_parse("EN"), -1);
	CHECK_INT(bulletin_format_parse(NULL), FMT_TXT);
	CHECK_INT(bulletin_format_parse(""), FMT_TXT);
	CHECK_INT(bulletin_format_parse("txt"), FMT_TXT);
	CHECK_INT(bulletin_format_parse("md"), FMT_MD);
	CHECK_INT(bulletin_format_parse("html"), FMT_HTML);
	CHECK_INT(bulletin_format_parse("pdf"), -1);
}

static void
test_names(void)
{
	CHECK_STR(bulletin_indicator_name("birth_rate", LANG_ZH), "出生率");
	CHECK_STR(bulletin_indicator_name("birth_rate", LANG_EN), "Birth rate");
	CHECK_STR(bulletin_indicator_name("natural_growth_rate", LANG_ZH),
	    "自然增长率");
	CHECK_STR(bulletin_indicator_name("birth_error_rate", LANG_ZH),
	    "出生统计误差率");
	CHECK_STR(bulletin_indicator_name("policy_rate", LANG_ZH),
	    "符合政策生育率");
	CHECK_STR(bulletin_indicator_name("policy_rate", LANG_EN),
	    "Policy-compliant birth rate");
	CHECK_STR(bulletin_indicator_name("multi_child_rate", LANG_ZH),
	    "多孩率");
	/* A custom indicator keeps its own name. */
	CHECK_STR(bulletin_indicator_name("mig_rate", LANG_ZH), "mig_rate");
	CHECK_STR(bulletin_status_name("met", LANG_ZH), "达标");
	CHECK_STR(bulletin_status_name("missed", LANG_ZH), "未达标");
	CHECK_STR(bulletin_unit_name("per 100 girls", LANG_ZH), "女婴=100");
	CHECK_STR(bulletin_unit_name("per 100 girls", LANG_EN),
	    "per 100 girls");
	CHECK_STR(bulletin_unit_name("‰", LANG_ZH), "‰");
	CHECK_STR(bulletin_status_name("veto", LANG_ZH), "一票否决");
	CHECK_STR(bulletin_status_name("incomplete", LANG_ZH), "未考核");
	CHECK_STR(bulletin_status_name("veto", LANG_EN), "veto");
	CHECK_STR(bulletin_status_name("not_assessed", LANG_EN),
	    "not assessed");
	CHECK_STR(bulletin_status_name("other", LANG_EN), "other");
}

/* Every language and format: the five sections in order, title, dates,
 * rank order, deterministic output. */
static void
test_every_variant(void)
{
	struct fx f;
	int lang, fmt, k;

	fixture(&f);
	for (lang = 0; lang < 2; lang++)
		for (fmt = FMT_TXT; fmt <= FMT_HTML; fmt++) {
			const char *const *h =
			    lang == LANG_ZH ? heads_zh : heads_en;
			char *s = render(&f.d, lang, fmt), *again;
			char want[160];
			long last = -1, r1, r2, r3, r4, sec2;

			for (k = 0; k < 5; k++) {
				if (fmt == FMT_HTML)
					snprintf(want, sizeof want,
					    "<h2>%s</h2>\n", h[k]);
				else if (fmt == FMT_MD)
					snprintf(want, sizeof want,
					    "\n## %s\n\n", h[k]);
				else
					snprintf(want, sizeof want, "\n%s\n\n",
					    h[k]);
				CHECK_REPORT(pos(s, want) > last,
				    "lang %d fmt %d:"
				    " heading '%s' missing or out of order",
				    lang, fmt, h[k]);
				CHECK_INT(count(s, h[k]), 1);
				if (pos(s, want) > last)
					last = pos(s, want);
			}
			if (lang == LANG_ZH) {
				CHECK_CONTAINS(s,
				    "陇县人口和计划生育工作月通报（2026年11月"
				    "）");
				CHECK_CONTAINS(s,
				    "2026年1月1日至2026年11月30日");
				CHECK_CONTAINS(s,
				    fmt == FMT_HTML ?
					"<p>陇县人口和计划生育领导小组办公室</"
					"p>\n"
					"<p>二〇二六年十二月四日</p>" :
					"陇县人口和计划生育领导小组办公室　2026"
					"年12月4日");
			} else {
				CHECK_CONTAINS(s,
				    "陇县: monthly bulletin on population and"
				    " family planning, November 2026");
				CHECK_CONTAINS(s,
				    "1 January 2026 to 30 November 2026");
				CHECK_CONTAINS(s,
				    fmt == FMT_HTML ?
					"<p>Office of the population and "
					"family planning"
					" leading group, 陇县</p>\n<p>4 "
					"December 2026</p>" :
					"Office of the population and family"
					" planning leading group, 陇县, 4 "
					"December 2026");
			}
			/* Rank order inside the ranking section. */
			sec2 = pos(s, h[1]);
			r1 = pos_from(s, pos(s, h[0]), "城关镇");
			r2 = pos_from(s, pos(s, h[0]), "Abc");
			r3 = pos_from(s, pos(s, h[0]),
			    fmt == FMT_TXT    ? "A<&>B|x" :
				fmt == FMT_MD ? "A\\<&\\>B\\|x" :
						"A&lt;&amp;&gt;B|x");
			r4 = pos_from(s, pos(s, h[0]), "八渡镇");
			CHECK_REPORT(r1 >= 0 && r1 < r2 && r2 < r3 && r3 < r4 &&
				r4 < sec2,
			    "lang %d fmt %d: rank order %ld %ld %ld %ld"
			    " (section ends %ld)",
			    lang, fmt, r1, r2, r3, r4, sec2);
			/* The same data always give the same bytes. */
			again = render(&f.d, lang, fmt);
			CHECK_STR(again, s);
			free(again);
			/* The document ends with the signature (and html
			 * close). */
			if (fmt == FMT_HTML) {
				size_t n = strlen(s);

				CHECK(n > 16 &&
				    strcmp(s + n - 16, "</body>\n</html>\n") ==
					0);
			} else
				CHECK(pos(s,
					  lang == LANG_ZH ?
					      "2026年12月4日\n\n" :
					      "4 December 2026\n\n") ==
				    (long)strlen(s) -
					(lang == LANG_ZH ?
						(long)strlen(
						    "2026年12月4日\n\n") :
						(long)strlen(
						    "4 December 2026\n\n")));
			free(s);
		}
}

static void
test_commended_and_failing(void)
{
	struct fx f;
	char *zt, *et, *zm, *eh;

	fixture(&f);
	zt = render(&f.d, LANG_ZH, FMT_TXT);
	et = render(&f.d, LANG_EN, FMT_TXT);
	zm = render(&f.d, LANG_ZH, FMT_MD);
	eh = render(&f.d, LANG_EN, FMT_HTML);
	/* Commended: exactly the met unit. */
	CHECK_CONTAINS(zt,
	    "\n城关镇等1个单位全面完成“三控制一达标”考核目标，予以通报表扬。"
	    "\n");
	CHECK_CONTAINS(et,
	    "\n1 unit met every target and is commended: 城关镇.\n");
	/* Failing: the missed (non-veto) and the vetoed, with the missed
	 * indicators and values only; not the met, not the incomplete. */
	CHECK_CONTAINS(zt,
	    "\nAbc：符合政策生育率93.50%（目标≥95%），限期整改。\n");
	CHECK_CONTAINS(zt,
	    "\nA<&>B|x：出生率13.20‰（目标≤11.5‰）；自然增长率7.25‰"
	    "（目标≤5.5‰），实行一票否决，限期整改。\n");
	CHECK_CONTAINS(et,
	    "\nAbc: Policy-compliant birth rate 93.50% (target ≥ 95%);"
	    " to be corrected.\n");
	CHECK_CONTAINS(et,
	    "\nA<&>B|x: Birth rate 13.20‰ (target ≤ 11.5‰); Natural"
	    " growth rate 7.25‰ (target ≤ 5.5‰); one-vote veto, to be "
	    "corrected.\n");
	{
		long a = pos(zt, heads_zh[2]), b = pos(zt, heads_zh[3]);

		CHECK(pos_from(zt, a, "城关镇") > b);
		CHECK(pos_from(zt, a, "八渡镇") > b);
		CHECK(pos_from(zt, a, "Abc") < pos_from(zt, a, "A<&>B|x"));
		CHECK(pos_from(zt, a, "符合政策生育率-") < 0);
	}
	/* Markdown escapes the name inside the paragraph too. */
	CHECK_CONTAINS(zm, "\nA\\<&\\>B\\|x：出生率13.20‰");
	CHECK_CONTAINS(eh,
	    "<p>A&lt;&amp;&gt;B|x: Birth rate 13.20‰ (target ≤ 11.5‰);");
	CHECK_CONTAINS(eh,
	    "<p>1 unit met every target and is commended: 城关镇.</p>");
	free(zt);
	free(et);
	free(zm);
	free(eh);
}

static void
test_ranking_cells(void)
{
	struct fx f;
	char *zm, *et, *l;

	fixture(&f);
	zm = render(&f.d, LANG_ZH, FMT_MD);
	et = render(&f.d, LANG_EN, FMT_TXT);
	/* Header: rank, unit, status, score, then one column per indicator of
	 * the first unit, with its unit of measure. */
	CHECK_CONTAINS(zm,
	    "\n| 名次 | 单位 | 考核结果 | 得分 | 出生率(‰) | 自然增长率(‰) |"
	    " 符合政策生育率(%) |\n| ---: | --- | --- | ---: | ---: | ---: | "
	    "---: |\n");
	CHECK_CONTAINS(zm,
	    "\n| 1 | 城关镇 | 达标 | 100.00 | 5.46 | 1.09 | 100.00 |\n");
	CHECK_CONTAINS(zm,
	    "\n| 2 | Abc | 未达标 | 90.00 | 6.00 | 2.00 | 93.50 ✗ |\n");
	CHECK_CONTAINS(zm,
	    "\n| 3 | A\\<&\\>B\\|x | 一票否决 | 50.50 | 13.20 ✗ | 7.25 ✗ | - "
	    "|\n");
	CHECK_CONTAINS(zm, "\n| 3 | 八渡镇 | 未考核 | - | - | - | - |\n");
	CHECK_CONTAINS(et, "Birth rate(‰)");
	CHECK_CONTAINS(et, "Policy-compliant birth rate(%)");
	l = line_with(et, pos(et, heads_en[0]), "八渡镇");
	CHECK(l != NULL && strstr(l, "incomplete") != NULL);
	free(l);
	free(zm);
	free(et);
}

static void
test_reporting_table(void)
{
	struct fx f;
	char *zm, *eh, *et;

	fixture(&f);
	zm = render(&f.d, LANG_ZH, FMT_MD);
	eh = render(&f.d, LANG_EN, FMT_HTML);
	et = render(&f.d, LANG_EN, FMT_TXT);
	CHECK_CONTAINS(zm,
	    "\n| 单位 | 本月应报 | 本月已报 | 本月按时 | 年度报送率 |"
	    " 年度及时率 | 30日内录入率 | 记录数 |\n");
	/* 3/33 = 9.1%, 4/20 = 20.0%; 2/33 = 6.1%, 1/33 = 3.0%; nothing due: -.
	 */
	CHECK_CONTAINS(zm,
	    "\n| 城关镇 | 3 | 3 | 3 | 9.1% | 9.1% | 20.0% | 20 |\n");
	CHECK_CONTAINS(zm,
	    "\n| Abc | 3 | 2 | 1 | 6.1% | 3.0% | 10.0% | 20 |\n");
	CHECK_CONTAINS(zm, "\n| A\\<&\\>B\\|x | 0 | 0 | 0 | - | - | - | 0 |\n");
	CHECK_CONTAINS(zm,
	    "\n| 八渡镇 | 3 | 1 | 1 | 3.0% | 3.0% | 0.0% | 18 |\n");
	CHECK_CONTAINS(et, "Records within 30 days");
	CHECK_CONTAINS(eh,
	    "<tr><td>Abc</td><td class=\"n\">3</td><td class=\"n\">2</td>"
	    "<td class=\"n\">1</td><td class=\"n\">6.1%</td><td "
	    "class=\"n\">3.0%</td>"
	    "<td class=\"n\">10.0%</td><td class=\"n\">20</td></tr>\n");
	CHECK_CONTAINS(eh, "<tr><th>Unit</th><th>Due (month)</th>");
	free(zm);
	free(eh);
	free(et);
}

static void
test_html_standalone_and_escaped(void)
{
	struct fx f;
	int lang;

	fixture(&f);
	f.d.parent_name = "陇<县>&";
	for (lang = 0; lang < 2; lang++) {
		char *s = render(&f.d, lang, FMT_HTML);

		CHECK(strncmp(s, "<!DOCTYPE html>\n", 16) == 0);
		CHECK_CONTAINS(s,
		    lang == LANG_ZH ? "<html lang=\"zh-CN\">" :
				      "<html lang=\"en\">");
		CHECK_CONTAINS(s, "<meta charset=\"utf-8\">");
		CHECK_CONTAINS(s, "<title>陇&lt;县&gt;&amp; 2026-11</title>");
		CHECK_CONTAINS(s, "@page");
		CHECK(strstr(s, "http://") == NULL);
		CHECK(strstr(s, "https://") == NULL);
		CHECK(strstr(s, "src=") == NULL);
		CHECK(strstr(s, "<link") == NULL);
		CHECK(strstr(s, "<script") == NULL);
		CHECK(strstr(s, "url(") == NULL);
		/* The raw name never appears; the escaped one does. */
		CHECK(strstr(s, "A<&>B") == NULL);
		CHECK(strstr(s, "陇<县>") == NULL);
		CHECK_CONTAINS(s, "<td>A&lt;&amp;&gt;B|x</td>");
		CHECK_CONTAINS(s, "<h1>陇&lt;县&gt;&amp;");
		CHECK_CONTAINS(s, "<div class=\"sign\">");
		/* Header cells are th, numbers are right-aligned td. */
		CHECK_CONTAINS(s,
		    lang == LANG_ZH ? "<th>名次</th>" : "<th>Rank</th>");
		CHECK_CONTAINS(s, "<td class=\"n\">100.00</td>");
		CHECK_INT(count(s, "<table>"), count(s, "</table>"));
		CHECK_INT(count(s, "<tr>"), count(s, "</tr>"));
		CHECK_INT(count(s, "<table>"), 5);
		free(s);
	}
}

/* Unescaped '|' in a Markdown line. */
static int
md_pipes(const char *l)
{
	int n = 0;

	for (; *l; l++) {
		if (*l == '\\' && l[1]) {
			l++;
			continue;
		}
		if (*l == '|')
			n++;
	}
	return n;
}

static void
test_markdown_escaped(void)
{
	struct fx f;
	char *s, *hdr, *row, *rep;

	fixture(&f);
	s = render(&f.d, LANG_EN, FMT_MD);
	CHECK(strncmp(s, "# 陇县: monthly bulletin",
		  strlen("# 陇县: monthly bulletin")) == 0);
	CHECK(strstr(s, "A<&>B|x") == NULL);
	hdr = line_with(s, 0, "| Rank |");
	row = line_with(s, 0, "A\\<&\\>B\\|x | veto");
	rep = line_with(s, pos(s, heads_en[3]), "A\\<&\\>B\\|x");
	CHECK(hdr != NULL && row != NULL && rep != NULL);
	if (hdr && row) {
		/* The escaped | does not split the cell: same columns. */
		CHECK_INT(md_pipes(row), md_pipes(hdr));
		CHECK_INT(md_pipes(hdr), 8);
	}
	if (rep)
		CHECK_INT(md_pipes(rep), 9);
	free(hdr);
	free(row);
	free(rep);
	/* Other Markdown specials in a name are escaped too. */
	f.u[1].name = "a*b_c`d[e]";
	free(s);
	s = render(&f.d, LANG_ZH, FMT_MD);
	CHECK_CONTAINS(s, "| a\\*b\\_c\\`d\\[e\\] |");
	CHECK(strstr(s, "a*b_c") == NULL);
	free(s);
}

/* txt tables: cells line up by display column, CJK counting 2. */
static void
test_txt_alignment(void)
{
	struct fx f;
	int lang;

	fixture(&f);
	for (lang = 0; lang < 2; lang++) {
		char *s = render(&f.d, lang, FMT_TXT);
		const char *const *h = lang == LANG_ZH ? heads_zh : heads_en;
		long sec = pos(s, h[0]);
		char *l1 = line_with(s, sec, "城关镇");
		char *l2 = line_with(s, sec, "Abc");
		char *l4 = line_with(s, sec, "八渡镇");
		char *lh =
		    line_with(s, sec, lang == LANG_ZH ? "名次" : "  Rank  ");
		const char *s1 = bulletin_status_name("met", lang);
		const char *s2 = bulletin_status_name("missed", lang);
		const char *s4 = bulletin_status_name("incomplete", lang);
		const char *sh = lang == LANG_ZH ? "考核结果" : "Status";
		long o1, o2;
		int c1, c2, c4, ch;

		CHECK(l1 && l2 && l4 && lh);
		if (!(l1 && l2 && l4 && lh))
			continue;
		/* The status cell starts at one display column on every row,
		 * though the byte offsets differ (城关镇 is 9 bytes, 6
		 * columns). */
		o1 = pos_from(l1, (long)strlen("  1  城关镇"), s1);
		o2 = pos_from(l2, (long)strlen("  2  Abc"), s2);
		c1 = col_of(l1, (long)strlen("  1  城关镇"), s1);
		c2 = col_of(l2, (long)strlen("  2  Abc"), s2);
		c4 = col_of(l4, (long)strlen("  3  八渡镇"), s4);
		ch = col_of(lh, 0, sh);
		CHECK(c1 > 0);
		CHECK_INT(c2, c1);
		CHECK_INT(c4, c1);
		CHECK_INT(ch, c1);
		CHECK(o1 != o2);
		/* Right-aligned last column: every line of the table is as
		 * wide. */
		CHECK_INT(utf8_width(l2), utf8_width(l1));
		CHECK_INT(utf8_width(l4), utf8_width(l1));
		CHECK_INT(utf8_width(lh), utf8_width(l1));
		/* Score column right-aligned: "100.00" and "90.00" end
		 * together. */
		CHECK_INT(col_of(l1, 0, "100.00") + 6,
		    col_of(l2, 0, "90.00") + 5);
		free(l1);
		free(l2);
		free(l4);
		free(lh);
		/* The reporting table too: the "3" of due (month) right-aligned
		 * under a header twice as wide in Chinese. */
		{
			long rs = pos(s, h[3]);
			char *r1 = line_with(s, rs, "城关镇");
			char *r2 = line_with(s, rs, "Abc");
			char *rh = line_with(s, rs,
			    lang == LANG_ZH ? "本月应报" : "Due (month)");

			CHECK(r1 && r2 && rh);
			if (r1 && r2 && rh) {
				CHECK_INT(utf8_width(r1), utf8_width(rh));
				CHECK_INT(utf8_width(r2), utf8_width(rh));
				CHECK_INT(col_of(r1, (long)strlen("  城关镇"),
					      "3"),
				    col_of(r2, (long)strlen("  Abc"), "3"));
			}
			free(r1);
			free(r2);
			free(rh);
		}
		/* The title is underlined to its display width. */
		{
			char *t = line_with(s, 0,
			    lang == LANG_ZH ? "月通报" : "monthly bulletin");
			long e = pos(s, "\n");
			int w = t ? utf8_width(t) : -1, k, ok = 1;

			CHECK(t != NULL && pos(s, t) == 0);
			for (k = 0; k < w; k++)
				if (s[e + 1 + k] != '=')
					ok = 0;
			CHECK(ok && s[e + 1 + w] == '\n');
			free(t);
		}
		free(s);
	}
}

static void
test_tasks_split(void)
{
	struct fx f;
	char *zt, *et, *zm;
	long a, d, t1, t2, u, t3;

	fixture(&f);
	zt = render(&f.d, LANG_ZH, FMT_TXT);
	et = render(&f.d, LANG_EN, FMT_TXT);
	zm = render(&f.d, LANG_ZH, FMT_MD);
	/* Department first, then township, each with its own table, even
	 * though the township task comes first in the data. */
	a = pos(zt, heads_zh[4]);
	d = pos_from(zt, a, "（一）按部门");
	t1 = pos_from(zt, a, "落实奖励扶助资金");
	u = pos_from(zt, a, "（二）按乡镇");
	t2 = pos_from(zt, a, "补录出生信息");
	CHECK(a >= 0 && d > a && t1 > d && u > t1 && t2 > u);
	CHECK(pos_from(zt, a, "本期没有逾期任务") < 0);
	CHECK_CONTAINS(zm,
	    "\n| 部门 | 任务 | 责任人 | 截止日期 | 进度 |\n| --- | --- | --- | "
	    "--- | ---: |\n"
	    "| 财政局 | 落实奖励扶助资金 | 王科长 | 2026-11-30 | 0% |\n");
	CHECK_CONTAINS(zm,
	    "\n| 单位 | 任务 | 责任人 | 截止日期 | 进度 |\n| --- | --- | --- | "
	    "--- | ---: |\n"
	    "| 八渡镇 | 补录出生信息 | - | 2026-12-01 | 40% |\n");
	a = pos(et, heads_en[4]);
	d = pos_from(et, a, "By department");
	u = pos_from(et, a, "By township");
	t3 = pos_from(et, a, "Responsible");
	CHECK(d > a && u > d && t3 > d);
	free(zt);
	free(et);
	free(zm);

	/* Only a department's task: no township part. */
	f.d.overdue = &f.tp[1];
	f.d.n_overdue = 1;
	zt = render(&f.d, LANG_ZH, FMT_TXT);
	CHECK_CONTAINS(zt, "（一）按部门");
	CHECK(strstr(zt, "（二）按乡镇") == NULL);
	CHECK(strstr(zt, "补录出生信息") == NULL);
	free(zt);
	/* Only a township's task: no department part. */
	f.d.overdue = &f.tp[0];
	zt = render(&f.d, LANG_EN, FMT_HTML);
	CHECK(strstr(zt, "By department") == NULL);
	CHECK_CONTAINS(zt, "<p>By township</p>");
	CHECK_CONTAINS(zt,
	    "<td>八渡镇</td><td "
	    "class=\"w\">补录出生信息</td><td>-</td><td>2026-12-01</td><td "
	    "class=\"n\">40%</td>");
	free(zt);
}

static void
test_nothing_to_say(void)
{
	struct fx f;
	char *zt, *et, *eh;

	fixture(&f);
	f.d.n_units = 0;
	f.d.n_overdue = 0;
	zt = render(&f.d, LANG_ZH, FMT_TXT);
	et = render(&f.d, LANG_EN, FMT_TXT);
	eh = render(&f.d, LANG_EN, FMT_HTML);
	CHECK_CONTAINS(zt, "\n本期没有全面完成考核目标的单位。\n");
	CHECK_CONTAINS(zt, "\n本期没有未完成考核目标的单位。\n");
	CHECK_CONTAINS(zt, "\n本期没有逾期任务。\n");
	CHECK_CONTAINS(et, "\nNo unit met every target this period.\n");
	CHECK_CONTAINS(et, "\nNo unit missed a target this period.\n");
	CHECK_CONTAINS(et, "\nNo task is overdue.\n");
	CHECK(strstr(zt, "（一）按部门") == NULL);
	CHECK(strstr(et, "By township") == NULL);
	CHECK_CONTAINS(eh, "<p>No task is overdue.</p>");
	/* Empty ranking: a header-only table with the four fixed columns. */
	CHECK_CONTAINS(eh,
	    "<tr><th>Rank</th><th>Unit</th><th>Status</th><th>Score</th></"
	    "tr>\n</thead>\n<tbody>\n</tbody>\n</table>");
	free(zt);
	free(et);
	free(eh);
}

static void
test_plural_and_lists(void)
{
	struct fx f;
	char *zt, *et;

	fixture(&f);
	f.u[1].status = "met";
	f.u[3].status = "met";
	zt = render(&f.d, LANG_ZH, FMT_TXT);
	et = render(&f.d, LANG_EN, FMT_TXT);
	CHECK_CONTAINS(zt,
	    "\n城关镇、Abc、八渡镇等3个单位全面完成“三控制一达标”考核目标，予以"
	    "通报表扬。\n");
	CHECK_CONTAINS(et,
	    "\n3 units met every target and are commended: 城关镇, Abc, "
	    "八渡镇.\n");
	/* Only the vetoed unit fails now. */
	{
		long a = pos(zt, heads_zh[2]), b = pos(zt, heads_zh[3]);

		CHECK(pos_from(zt, a, "Abc：") < 0 ||
		    pos_from(zt, a, "Abc：") > b);
		CHECK(pos_from(zt, a, "A<&>B|x：") > a &&
		    pos_from(zt, a, "A<&>B|x：") < b);
	}
	free(zt);
	free(et);
}

static void
test_month_and_dates(void)
{
	struct fx f;
	char *s;

	fixture(&f);
	f.d.month = "2027-01";
	f.d.ytd_start = "2027-01-01";
	f.d.ytd_end = "2027-01-31";
	f.d.issued = "2027-02-04";
	f.d.timely_days = 15;
	s = render(&f.d, LANG_EN, FMT_TXT);
	CHECK_CONTAINS(s,
	    "monthly bulletin on population and family planning, January 2027");
	CHECK_CONTAINS(s, "1 January 2027 to 31 January 2027");
	CHECK_CONTAINS(s, ", 4 February 2027\n");
	CHECK_CONTAINS(s, "Records within 15 days");
	free(s);
	s = render(&f.d, LANG_ZH, FMT_TXT);
	CHECK_CONTAINS(s, "（2027年1月）");
	CHECK_CONTAINS(s, "2027年2月4日");
	CHECK_CONTAINS(s, "15日内录入率");
	free(s);
}

/*
 * The cell of a Markdown table row under the column whose header is head:
 * header line and row line given; unescaped '|' split cells.  Writes the
 * trimmed cell into out ("" when there is no such column).
 */
static void
md_cell(const char *hdr, const char *row, const char *head, char *out, size_t n)
{
	int col = -1, c;
	const char *p, *a;

	out[0] = '\0';
	/* Find head's column in the header. */
	for (c = -1, p = hdr; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == '|') {
			c++;
			if (p[1] == ' ' &&
			    strncmp(p + 2, head, strlen(head)) == 0 &&
			    strncmp(p + 2 + strlen(head), " |", 2) == 0)
				col = c;
		}
	}
	if (col < 0)
		return;
	for (c = -1, p = row; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p != '|')
			continue;
		if (++c == col) {
			size_t l;

			for (a = p + 1; *a == ' '; a++)
				;
			for (p = a; *p && !(*p == '|' && p[-1] != '\\'); p++)
				;
			l = (size_t)(p - a);
			while (l && a[l - 1] == ' ')
				l--;
			if (l >= n)
				l = n - 1;
			memcpy(out, a, l);
			out[l] = '\0';
			return;
		}
	}
}

/*
 * A unit may carry a target the others do not (a per-unit override,
 * doc/indicators.md §6): its indicator list is longer.  The ranking table
 * must still put every value under its own indicator's heading.
 */
static void
test_columns_follow_indicator_names(void)
{
	struct fx f;
	char *s, *hdr, *r1, *r2, cell[64];

	/* The second unit has an extra death_rate target. */
	fixture(&f);
	judge(&f, 1, 0, "birth_rate", "‰", 1, 6, "<=", 11.5, "met", 1);
	judge(&f, 1, 1, "death_rate", "‰", 1, 7, "<=", 10, "met", 0);
	judge(&f, 1, 2, "natural_growth_rate", "‰", 1, 2, "<=", 5.5, "met", 1);
	judge(&f, 1, 3, "policy_rate", "%", 1, 93.5, ">=", 95, "missed", 0);
	s = render(&f.d, LANG_ZH, FMT_MD);
	hdr = line_with(s, 0, "| 名次 |");
	r2 = line_with(s, 0, "| Abc |");
	CHECK(hdr && r2);
	if (hdr && r2) {
		md_cell(hdr, r2, "出生率(‰)", cell, sizeof cell);
		CHECK_STR(cell, "6.00");
		md_cell(hdr, r2, "自然增长率(‰)", cell, sizeof cell);
		CHECK_STR(cell, "2.00");
		md_cell(hdr, r2, "符合政策生育率(%)", cell, sizeof cell);
		CHECK_STR(cell, "93.50 ✗");
	}
	free(hdr);
	free(r2);
	free(s);

	/* The first unit has the extra target: the others still line up. */
	fixture(&f);
	judge(&f, 0, 0, "birth_rate", "‰", 1, 5.46, "<=", 11.5, "met", 1);
	judge(&f, 0, 1, "death_rate", "‰", 1, 4.1, "<=", 10, "met", 0);
	judge(&f, 0, 2, "natural_growth_rate", "‰", 1, 1.09, "<=", 5.5, "met",
	    1);
	judge(&f, 0, 3, "policy_rate", "%", 1, 100, ">=", 95, "met", 1);
	s = render(&f.d, LANG_ZH, FMT_MD);
	hdr = line_with(s, 0, "| 名次 |");
	r1 = line_with(s, 0, "| 城关镇 |");
	r2 = line_with(s, 0, "| Abc |");
	CHECK(hdr && r1 && r2);
	if (hdr && r1 && r2) {
		md_cell(hdr, r1, "自然增长率(‰)", cell, sizeof cell);
		CHECK_STR(cell, "1.09");
		md_cell(hdr, r2, "自然增长率(‰)", cell, sizeof cell);
		CHECK_STR(cell, "2.00");
		md_cell(hdr, r2, "符合政策生育率(%)", cell, sizeof cell);
		CHECK_STR(cell, "93.50 ✗");
	}
	free(hdr);
	free(r1);
	free(r2);
	free(s);
}

/* 同比 (doc/indicators.md §14): the opening paragraph and the table. */
static void
test_yoy(void)
{
	struct fx f;
	Popstat__IndicatorJudgement pj[3], *pp[3];
	char *zt, *et, *l;
	long a, b;
	int k;

	fixture(&f);
	/* No parent values (published before they existed): no paragraph. */
	zt = render(&f.d, LANG_ZH, FMT_TXT);
	CHECK(strstr(zt, "年初至今，") == NULL);
	CHECK_CONTAINS(zt, "与去年同期比较（同比）：");
	free(zt);
	for (k = 0; k < 3; k++) {
		pj[k] = *f.jp[0][k];
		pp[k] = &pj[k];
		pj[k].has_cumulative = 1;
		pj[k].has_yoy_value = pj[k].has_yoy_change = 1;
	}
	pj[0].cumulative = 8.15;
	pj[0].yoy_value = 7.9;
	pj[0].yoy_change = 0.25;
	pj[1].cumulative = 1.2;
	pj[1].yoy_value = 1.5;
	pj[1].yoy_change = -0.3;
	pj[2].cumulative = 97.5;
	pj[2].yoy_value = 97.5;
	pj[2].yoy_change = 0;
	f.d.parent_indicators = pp;
	f.d.n_parent_indicators = 3;
	/* 城关镇's birth rate: last year 5.00, cumulative 4.90, -0.10. */
	f.j[0][0].has_cumulative = 1;
	f.j[0][0].cumulative = 4.9;
	f.j[0][0].has_yoy_value = f.j[0][0].has_yoy_change = 1;
	f.j[0][0].yoy_value = 5;
	f.j[0][0].yoy_change = -0.1;
	zt = render(&f.d, LANG_ZH, FMT_TXT);
	CHECK_CONTAINS(zt,
	    "陇县年初至今，出生率8.15‰，去年同期7.90‰，同比上升"
	    "0.25个千分点；自然增长率1.20‰，去年同期1.50‰，同比下降0."
	    "30个千分点；"
	    "符合政策生育率97.50%，去年同期97.50%，同比持平。");
	/* Before the ranking; the table after it, before section 二. */
	a = pos(zt, "与去年同期比较（同比）：");
	b = pos(zt, "二、通报表扬");
	CHECK(pos(zt, "年初至今，") < pos(zt, "一、"));
	CHECK(a > pos(zt, "一、") && b > a);
	l = line_with(zt, a, "城关镇");
	CHECK(l != NULL && strstr(l, "4.90") && strstr(l, "-0.10"));
	CHECK(l != NULL && pos_from(zt, a, "城关镇") < b);
	free(l);
	/* The parent's row first, with its changes signed. */
	l = line_with(zt, a, "陇县");
	CHECK(l != NULL && strstr(l, "8.15") && strstr(l, "+0.25") &&
	    strstr(l, "-0.30") && strstr(l, "0.00"));
	CHECK(pos_from(zt, a, "陇县") < pos_from(zt, a, "城关镇"));
	free(l);
	/* No value last year: "-". */
	l = line_with(zt, a, "八渡镇");
	CHECK(l != NULL && strstr(l, "+") == NULL);
	free(l);
	free(zt);
	et = render(&f.d, LANG_EN, FMT_TXT);
	CHECK_CONTAINS(et,
	    "陇县, year to date: birth rate 8.15‰ (same period"
	    " last year 7.90‰, +0.25); natural growth rate 1.20‰ (same period"
	    " last year 1.50‰, -0.30)");
	free(et);
	/* Last year without a value: said so. */
	pj[1].has_yoy_value = pj[1].has_yoy_change = 0;
	zt = render(&f.d, LANG_ZH, FMT_MD);
	CHECK_CONTAINS(zt, "自然增长率1.20‰（去年同期无数据）；");
	free(zt);
}

/* Dates in Chinese numerals, as a signed document carries them. */
static void
test_date_cn(void)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "2026-12-03", "二〇二六年十二月三日" },
		{ "2026-01-10", "二〇二六年一月十日" },
		{ "2030-11-20", "二〇三〇年十一月二十日" },
		{ "2027-02-28", "二〇二七年二月二十八日" },
		{ "2026-10-31", "二〇二六年十月三十一日" },
		{ "2026-12-04T09:30:00", "二〇二六年十二月四日" },
		{ "bad", "bad" },
		{ "2026-13-01", "2026-13-01" },
	};
	char buf[96];
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		bulletin_date_cn(v[i].in, buf, sizeof buf);
		CHECK_STR(buf, v[i].out);
	}
}

/*
 * GB/T 9704 in the HTML: A4 with its margins, the red office, the
 * document number, the red line before the title, page numbers; headers
 * in <thead> that break only before a unit; office and number also in
 * the plain formats when given, never when not.
 */
static void
test_official_document(void)
{
	struct fx f;
	char *h, *e, *t, *m;

	fixture(&f);
	t = render(&f.d, LANG_ZH, FMT_TXT);
	CHECK(strncmp(t, "陇县人口和计划生育工作月通报",
		  strlen("陇县人口和计划"
			 "生育工作月通报")) == 0);
	CHECK(strstr(t, "〔") == NULL);
	free(t);
	h = render(&f.d, LANG_ZH, FMT_HTML);
	CHECK_CONTAINS(h, "@page { size: A4; margin: 37mm 26mm 35mm 28mm;");
	CHECK_CONTAINS(h, "counter(page)");
	CHECK_CONTAINS(h,
	    "<div class=\"office\">陇县人口和计划生育领导小组办公室</div>");
	CHECK(strstr(h, "class=\"docno\"") == NULL);
	CHECK_CONTAINS(h, "<div class=\"red\"></div>\n</header>\n<h1>");
	CHECK_CONTAINS(h, "<table>\n<thead>\n<tr><th>名次</th>");
	CHECK_CONTAINS(h, "<th>出生率<wbr>(‰)</th>");
	CHECK_CONTAINS(h, "thead { display: table-header-group; }");
	CHECK_CONTAINS(h, "tr { break-inside: avoid;");
	CHECK_INT(count(h, "<thead>"), count(h, "<table>"));
	CHECK_INT(count(h, "<tbody>"), count(h, "</tbody>"));
	free(h);

	f.d.office = "陇县卫生健康局";
	f.d.doc_no = "陇卫〔2026〕12号";
	h = render(&f.d, LANG_ZH, FMT_HTML);
	e = render(&f.d, LANG_EN, FMT_HTML);
	t = render(&f.d, LANG_ZH, FMT_TXT);
	m = render(&f.d, LANG_ZH, FMT_MD);
	CHECK_CONTAINS(h,
	    "<div class=\"office\">陇县卫生健康局</div>\n"
	    "<div class=\"docno\">陇卫〔2026〕12号</div>\n<div class=\"red\">");
	CHECK_CONTAINS(h, "<p>陇县卫生健康局</p>\n<p>二〇二六年十二月四日</p>");
	CHECK(strstr(h, "领导小组办公室") == NULL);
	CHECK_CONTAINS(e, "<div class=\"office\">陇县卫生健康局</div>");
	CHECK_CONTAINS(e, "<p>陇县卫生健康局</p>\n<p>4 December 2026</p>");
	CHECK(
	    strncmp(t, "陇县卫生健康局\n\n陇卫〔2026〕12号\n\n陇县人口",
		strlen("陇县卫生健康局\n\n陇卫〔2026〕12号\n\n陇县人口")) == 0);
	CHECK_CONTAINS(t, "陇县卫生健康局　2026年12月4日\n\n");
	CHECK_CONTAINS(m, "陇卫〔2026〕12号\n\n# 陇县人口");
	CHECK(strstr(h, "更正") == NULL);
	free(h);
	free(e);
	free(t);
	free(m);
}

/* A correction (更正): its title says so and it names the original. */
static void
test_correction(void)
{
	struct fx f;
	char *h, *e, *t;

	fixture(&f);
	f.d.doc_no = "陇人口〔2026〕13号";
	f.d.correction = 1;
	f.d.corrects_doc_no = "陇人口〔2026〕12号";
	f.d.corrects_published_at = "2026-12-04T10:00:00";
	h = render(&f.d, LANG_ZH, FMT_HTML);
	e = render(&f.d, LANG_EN, FMT_TXT);
	t = render(&f.d, LANG_ZH, FMT_TXT);
	CHECK_CONTAINS(h,
	    "<h1>陇县人口和计划生育工作月通报（2026年11月）（更正）</h1>");
	CHECK_CONTAINS(h,
	    "<p class=\"corr\">本通报是对陇人口〔2026〕12号通报"
	    "（2026年12月4日发布）的更正。原通报保留备查，内容以本通报为准。</"
	    "p>");
	CHECK_CONTAINS(e, "November 2026 (correction)\n");
	CHECK_CONTAINS(e,
	    "This bulletin corrects bulletin 陇人口〔2026〕12号"
	    " (published 4 December 2026).");
	/* The correction note comes between the title and the opening. */
	CHECK(pos(t, "（更正）") < pos(t, "本通报是对") &&
	    pos(t, "本通报是对") < pos(t, "根据“三控制一达标”"));
	free(h);
	free(e);
	free(t);
	f.d.correction = 2;
	f.d.corrects_doc_no = NULL;
	t = render(&f.d, LANG_ZH, FMT_TXT);
	CHECK_CONTAINS(t, "（2026年11月）（第2次更正）\n");
	CHECK_CONTAINS(t, "本通报是对原通报（2026年12月4日发布）的更正。");
	free(t);
}

int
main(void)
{
	RUN(test_parse);
	RUN(test_names);
	RUN(test_every_variant);
	RUN(test_commended_and_failing);
	RUN(test_ranking_cells);
	RUN(test_reporting_table);
	RUN(test_html_standalone_and_escaped);
	RUN(test_markdown_escaped);
	RUN(test_txt_alignment);
	RUN(test_tasks_split);
	RUN(test_nothing_to_say);
	RUN(test_plural_and_lists);
	RUN(test_month_and_dates);
	RUN(test_columns_follow_indicator_names);
	RUN(test_yoy);
	RUN(test_date_cn);
	RUN(test_official_document);
	RUN(test_correction);
	return check_summary("test_bulletin");
}
