/*
 * bulletin.c - the monthly bulletin renderer.
 *
 * The document is built as a list of blocks (title, paragraphs, tables)
 * and each block is written in the chosen format, so the three formats
 * always say the same thing.
 */
#include "bulletin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "warnrep.h"

#define T(zh, en) (lang == LANG_ZH ? (zh) : (en))

int
bulletin_lang_parse(const char *s)
{
	if (s == NULL || *s == '\0' || strcmp(s, "zh") == 0)
		return LANG_ZH;
	if (strcmp(s, "en") == 0)
		return LANG_EN;
	return -1;
}

int
bulletin_format_parse(const char *s)
{
	if (s == NULL || *s == '\0' || strcmp(s, "txt") == 0)
		return FMT_TXT;
	if (strcmp(s, "md") == 0)
		return FMT_MD;
	if (strcmp(s, "html") == 0)
		return FMT_HTML;
	return -1;
}

static const struct {
	const char *name, *zh, *en;
} ind_names[] = {
	{ "birth_rate", "出生率", "Birth rate" },
	{ "death_rate", "死亡率", "Death rate" },
	{ "natural_growth_rate", "自然增长率", "Natural growth rate" },
	{ "birth_error_rate", "出生统计误差率", "Birth statistics error rate" },
	{ "policy_rate", "符合政策生育率", "Policy-compliant birth rate" },
	{ "sex_ratio", "出生人口性别比", "Sex ratio at birth" },
	{ "multi_child_rate", "多孩率", "Multi-child rate" },
};

const char *
bulletin_indicator_name(const char *name, int lang)
{
	size_t i;

	for (i = 0; i < sizeof ind_names / sizeof ind_names[0]; i++)
		if (strcmp(ind_names[i].name, name) == 0)
			return lang == LANG_ZH ? ind_names[i].zh :
						 ind_names[i].en;
	return name;
}

const char *
bulletin_unit_name(const char *unit, int lang)
{
	if (lang == LANG_ZH && strcmp(unit, "per 100 girls") == 0)
		return "女婴=100";
	return unit;
}

/* The English name in running text: "birth rate". */
static const char *
bulletin_indicator_lower(const char *name)
{
	static const char *const lower[] = { "birth rate", "death rate",
		"natural growth rate", "birth statistics error rate",
		"policy-compliant birth rate", "sex ratio at birth",
		"multi-child rate" };
	size_t i;

	for (i = 0; i < sizeof ind_names / sizeof ind_names[0]; i++)
		if (strcmp(ind_names[i].name, name) == 0)
			return lower[i];
	return name;
}

const char *
bulletin_status_name(const char *status, int lang)
{
	if (strcmp(status, "met") == 0)
		return T("达标", "met");
	if (strcmp(status, "missed") == 0)
		return T("未达标", "missed");
	if (strcmp(status, "veto") == 0)
		return T("一票否决", "veto");
	if (strcmp(status, "incomplete") == 0)
		/* doc/indicators.md §14 names four terms for the statuses. */
		return T("未考核", "incomplete");
	if (strcmp(status, "not_assessed") == 0)
		return T("未考核", "not assessed");
	return status;
}

/* ---- a tiny document model ----------------------------------------------- */

struct table {
	int ncols, nrows;
	char **cells;        /* header row first */
	unsigned char *num;  /* right-align */
	unsigned char *wrap; /* free text: may wrap in print */
};

static struct table *
table_new(int ncols)
{
	struct table *t = xcalloc(1, sizeof *t);

	t->ncols = ncols;
	t->num = xcalloc((size_t)ncols, 1);
	t->wrap = xcalloc((size_t)ncols, 1);
	return t;
}

static void
table_row(struct table *t, const char *const *cells)
{
	int i;

	t->cells = xrealloc(t->cells,
	    (size_t)(t->nrows + 1) * (size_t)t->ncols * sizeof *t->cells);
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] =
		    xstrdup(cells[i] ? cells[i] : "");
	t->nrows++;
}

static void
table_free(struct table *t)
{
	int i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->num);
	free(t->wrap);
	free(t);
}

static void
html_escape(sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': sbuf_puts(b, "&lt;"); break;
		case '>': sbuf_puts(b, "&gt;"); break;
		case '&': sbuf_puts(b, "&amp;"); break;
		case '"': sbuf_puts(b, "&quot;"); break;
		default: sbuf_putc(b, *s);
		}
	}
}

/* A header cell: escaped, with a break allowed before "(" of its unit. */
static void
html_header(sbuf *b, const char *s)
{
	const char *p = strchr(s, '(');
	char *head;

	if (p == NULL || p == s || p[-1] == ' ') {
		html_escape(b, s);
		return;
	}
	head = xstrdup(s);
	head[p - s] = '\0';
	html_escape(b, head);
	sbuf_puts(b, "<wbr>");
	html_escape(b, p);
	free(head);
}

static void
md_escape(sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("|*_`[]\\<>", *s))
			sbuf_putc(b, '\\');
		sbuf_putc(b, *s);
	}
}

static void
emit_table(sbuf *b, int format, struct table *t)
{
	int r, c, k;

	if (format == FMT_HTML) {
		/*
		 * The header row in <thead>, repeated on each printed page; a
		 * header may break only before its unit, "出生率 / (‰)", never
		 * inside a term (the style keeps words whole).
		 */
		sbuf_puts(b, "<table>\n<thead>\n");
		for (r = 0; r < t->nrows; r++) {
			sbuf_puts(b, "<tr>");
			for (c = 0; c < t->ncols; c++) {
				const char *tag = r == 0 ? "th" : "td";

				sbuf_printf(b, "<%s%s>", tag,
				    r && t->num[c]      ? " class=\"n\"" :
					r && t->wrap[c] ? " class=\"w\"" :
							  "");
				if (r == 0)
					html_header(b, t->cells[c]);
				else
					html_escape(b,
					    t->cells[r * t->ncols + c]);
				sbuf_printf(b, "</%s>", tag);
			}
			sbuf_puts(b,
			    r == 0 ? "</tr>\n</thead>\n<tbody>\n" : "</tr>\n");
		}
		sbuf_puts(b, "</tbody>\n</table>\n");
	} else if (format == FMT_MD) {
		for (r = 0; r < t->nrows; r++) {
			sbuf_puts(b, "|");
			for (c = 0; c < t->ncols; c++) {
				sbuf_putc(b, ' ');
				md_escape(b, t->cells[r * t->ncols + c]);
				sbuf_puts(b, " |");
			}
			sbuf_putc(b, '\n');
			if (r == 0) {
				sbuf_puts(b, "|");
				for (c = 0; c < t->ncols; c++)
					sbuf_puts(b,
					    t->num[c] ? " ---: |" : " --- |");
				sbuf_putc(b, '\n');
			}
		}
		sbuf_putc(b, '\n');
	} else {
		int *w = xcalloc((size_t)t->ncols, sizeof *w);

		for (r = 0; r < t->nrows; r++)
			for (c = 0; c < t->ncols; c++) {
				int x = utf8_width(t->cells[r * t->ncols + c]);

				if (x > w[c])
					w[c] = x;
			}
		for (r = 0; r < t->nrows; r++) {
			sbuf_puts(b, "  ");
			for (c = 0; c < t->ncols; c++) {
				const char *s = t->cells[r * t->ncols + c];
				int pad = w[c] - utf8_width(s);

				if (c)
					sbuf_puts(b, "  ");
				if (t->num[c])
					for (k = 0; k < pad; k++)
						sbuf_putc(b, ' ');
				sbuf_puts(b, s);
				if (!t->num[c] && c < t->ncols - 1)
					for (k = 0; k < pad; k++)
						sbuf_putc(b, ' ');
			}
			sbuf_putc(b, '\n');
		}
		sbuf_putc(b, '\n');
		free(w);
	}
	table_free(t);
}

static void
emit_heading(sbuf *b, int format, const char *text)
{
	if (format == FMT_HTML) {
		sbuf_puts(b, "<h2>");
		html_escape(b, text);
		sbuf_puts(b, "</h2>\n");
	} else if (format == FMT_MD) {
		sbuf_puts(b, "## ");
		md_escape(b, text);
		sbuf_puts(b, "\n\n");
	} else {
		sbuf_puts(b, text);
		sbuf_puts(b, "\n\n");
	}
}

/*
 * The bulletin's terms, kept whole when running text wraps in print (a
 * reader should never meet 一票否/决); longer terms first.
 */
static const char *const terms[] = {
	"出生统计误差率",
	"符合政策生育率",
	"出生人口性别比",
	"自然增长率",
	"一票否决",
	"数据不全",
	"未达标",
	"未考核",
	"出生率",
	"死亡率",
	"多孩率",
};

/* Paragraph text: escaped, each term in a span that does not wrap. */
static void
html_text(sbuf *b, const char *s)
{
	size_t k, n;
	char one[2] = { 0, 0 };

	while (*s) {
		for (k = 0; k < sizeof terms / sizeof terms[0]; k++)
			if (strncmp(s, terms[k], n = strlen(terms[k])) == 0)
				break;
		if (k < sizeof terms / sizeof terms[0]) {
			sbuf_puts(b, "<span class=\"t\">");
			sbuf_add(b, terms[k], n);
			sbuf_puts(b, "</span>");
			s += n;
			continue;
		}
		one[0] = *s++;
		html_escape(b, one);
	}
}

static void
emit_para(sbuf *b, int format, const char *text)
{
	if (format == FMT_HTML) {
		sbuf_puts(b, "<p>");
		html_text(b, text);
		sbuf_puts(b, "</p>\n");
	} else if (format == FMT_MD) {
		md_escape(b, text);
		sbuf_puts(b, "\n\n");
	} else {
		sbuf_puts(b, text);
		sbuf_puts(b, "\n\n");
	}
}

/* ---- the bulletin -------------------------------------------------------- */

static void
date_words(char *buf, size_t n, const char *ymd, int lang)
{
	int y = 0, m = 0, d = 0;
	static const char *const months[] = { "January", "February", "March",
		"April", "May", "June", "July", "August", "September",
		"October", "November", "December" };

	sscanf(ymd, "%d-%d-%d", &y, &m, &d);
	if (m < 1 || m > 12) {
		xsnprintf(buf, n, "%s", ymd);
		return;
	}
	if (lang == LANG_ZH)
		xsnprintf(buf, n, "%d年%d月%d日", y, m, d);
	else
		xsnprintf(buf, n, "%d %s %d", d, months[m - 1], y);
}

static void
value_text(char *buf, size_t n, const Popstat__IndicatorJudgement *j)
{
	if (!j->has_value)
		xsnprintf(buf, n, "-");
	else
		xsnprintf(buf, n, "%.2f", j->value);
}

static const char *
unit_suffix(const char *u)
{
	return strcmp(u, "‰") == 0 || strcmp(u, "%") == 0 ? u : "";
}

static void
pct(char *buf, size_t n, unsigned a, unsigned b)
{
	if (b == 0)
		xsnprintf(buf, n, "-");
	else
		xsnprintf(buf, n, "%.1f%%", 100.0 * a / b);
}

/* Chinese numerals of a date: "2026-12-03" -> 二〇二六年十二月三日. */
void
bulletin_date_cn(const char *ymd, char *buf, size_t n)
{
	static const char *const dig[] = { "〇", "一", "二", "三", "四", "五",
		"六", "七", "八", "九" };
	sbuf b;
	int y = 0, m = 0, d = 0, k, v[2];

	if (sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1 || m < 1 ||
	    m > 12 || d < 1 || d > 31) {
		xsnprintf(buf, n, "%s", ymd);
		return;
	}
	sbuf_init(&b);
	sbuf_puts(&b, dig[y / 1000 % 10]);
	sbuf_puts(&b, dig[y / 100 % 10]);
	sbuf_puts(&b, dig[y / 10 % 10]);
	sbuf_puts(&b, dig[y % 10]);
	sbuf_puts(&b, "年");
	v[0] = m;
	v[1] = d;
	for (k = 0; k < 2; k++) {
		if (v[k] >= 20)
			sbuf_puts(&b, dig[v[k] / 10]);
		if (v[k] >= 10)
			sbuf_puts(&b, "十");
		if (v[k] % 10 || v[k] < 10)
			sbuf_puts(&b, dig[v[k] % 10]);
		sbuf_puts(&b, k == 0 ? "月" : "日");
	}
	xsnprintf(buf, n, "%s", sbuf_str(&b));
	sbuf_free(&b);
}

/* The issuing office (发文机关): as given, else the county's leading group. */
static void
office_text(char *buf, size_t n, const Popstat__BulletinData *d, int lang)
{
	if (d->office && *d->office)
		xsnprintf(buf, n, "%s", d->office);
	else if (lang == LANG_ZH)
		xsnprintf(buf, n, "%s人口和计划生育领导小组办公室",
		    d->parent_name);
	else
		xsnprintf(buf, n,
		    "Office of the population and family"
		    " planning leading group, %s",
		    d->parent_name);
}

/* A correction (更正) says which bulletin it corrects, right after the title.
 */
static void
correction_para(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	char when[64], day[11];
	sbuf p;
	int has_no = d->corrects_doc_no && *d->corrects_doc_no;

	xsnprintf(day, sizeof day, "%s",
	    d->corrects_published_at ? d->corrects_published_at : "");
	date_words(when, sizeof when, day, lang);
	sbuf_init(&p);
	if (lang == LANG_ZH)
		sbuf_printf(&p,
		    "本通报是对%s通报（%s发布）的更正。原通报保留备查，"
		    "内容以本通报为准。",
		    has_no ? d->corrects_doc_no : "原", when);
	else
		sbuf_printf(&p,
		    "This bulletin corrects %s%s (published %s). The"
		    " original stays on record; this version prevails.",
		    has_no ? "bulletin " : "the original bulletin",
		    has_no ? d->corrects_doc_no : "", when);
	if (format == FMT_HTML) {
		sbuf_puts(b, "<p class=\"corr\">");
		html_escape(b, sbuf_str(&p));
		sbuf_puts(b, "</p>\n");
	} else
		emit_para(b, format, sbuf_str(&p));
	sbuf_free(&p);
}

static void
title_block(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	char title[512], sub[256], ytd0[64], ytd1[64], office[512], corr[64];
	int y = 0, m = 0;
	static const char *const months[] = { "January", "February", "March",
		"April", "May", "June", "July", "August", "September",
		"October", "November", "December" };

	sscanf(d->month, "%d-%d", &y, &m);
	if (m < 1 || m > 12)
		m = 1;
	corr[0] = '\0';
	if (d->correction == 1)
		xsnprintf(corr, sizeof corr, "%s",
		    T("（更正）", " (correction)"));
	else if (d->correction > 1)
		xsnprintf(corr, sizeof corr,
		    T("（第%u次更正）", " (correction %u)"), d->correction);
	if (lang == LANG_ZH)
		xsnprintf(title, sizeof title,
		    "%s人口和计划生育工作月通报"
		    "（%d年%d月）%s",
		    d->parent_name, y, m, corr);
	else
		xsnprintf(title, sizeof title,
		    "%s: monthly bulletin on population"
		    " and family planning, %s %d%s",
		    d->parent_name, months[m - 1], y, corr);
	date_words(ytd0, sizeof ytd0, d->ytd_start, lang);
	date_words(ytd1, sizeof ytd1, d->ytd_end, lang);
	office_text(office, sizeof office, d, lang);
	if (lang == LANG_ZH)
		xsnprintf(sub, sizeof sub,
		    "根据“三控制一达标”考核目标，现将"
		    "%s至%s各单位目标完成情况通报如下。",
		    ytd0, ytd1);
	else
		xsnprintf(sub, sizeof sub,
		    "Progress of every unit against the"
		    " acceptance targets (three controls, one standard), %s to "
		    "%s."
		    " Missing any veto target is a one-vote veto.",
		    ytd0, ytd1);
	if (format == FMT_HTML) {
		/*
		 * GB/T 9704: the issuing office in red, the document number
		 * centred under it, a red line across the text block, then
		 * the title.
		 */
		sbuf_puts(b, "<header class=\"gw\">\n<div class=\"office\">");
		html_escape(b, office);
		sbuf_puts(b, "</div>\n");
		if (d->doc_no && *d->doc_no) {
			sbuf_puts(b, "<div class=\"docno\">");
			html_escape(b, d->doc_no);
			sbuf_puts(b, "</div>\n");
		}
		sbuf_puts(b, "<div class=\"red\"></div>\n</header>\n<h1>");
		html_escape(b, title);
		sbuf_puts(b, "</h1>\n");
	} else {
		/* Plain formats name office and number only when given. */
		if (d->office && *d->office)
			emit_para(b, format, d->office);
		if (d->doc_no && *d->doc_no)
			emit_para(b, format, d->doc_no);
		if (format == FMT_MD) {
			sbuf_puts(b, "# ");
			md_escape(b, title);
			sbuf_puts(b, "\n\n");
		} else {
			int w = utf8_width(title), k;

			sbuf_puts(b, title);
			sbuf_putc(b, '\n');
			for (k = 0; k < w; k++)
				sbuf_putc(b, '=');
			sbuf_puts(b, "\n\n");
		}
	}
	if (d->correction)
		correction_para(d, lang, format, b);
	emit_para(b, format, sub);
}

/*
 * The indicator columns: every indicator judged for any unit, in order of
 * first appearance (a per-unit target override can add one for one unit).
 */
static size_t
indicator_columns(const Popstat__BulletinData *d,
    const Popstat__IndicatorJudgement ***cols)
{
	size_t i, k, j, n = 0, cap = 0;

	*cols = NULL;
	for (i = 0; i < d->n_units; i++)
		for (k = 0; k < d->units[i]->n_indicators; k++) {
			const Popstat__IndicatorJudgement *x =
			    d->units[i]->indicators[k];

			for (j = 0; j < n; j++)
				if (strcmp((*cols)[j]->name, x->name) == 0)
					break;
			if (j < n)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				*cols = xrealloc(*cols, cap * sizeof **cols);
			}
			(*cols)[n++] = x;
		}
	return n;
}

static void
ranking_block(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	const Popstat__IndicatorJudgement **cols;
	size_t ncol_ind = indicator_columns(d, &cols);
	int ncols = 4 + (int)ncol_ind, c;
	const char **cells = xcalloc((size_t)ncols, sizeof *cells);
	char(*buf)[80] = xcalloc((size_t)ncols, sizeof *buf);
	struct table *t = table_new(ncols);
	size_t i, k, m;

	emit_heading(b, format,
	    T("一、目标完成情况排名（年初至今）", "1. Ranking, year to date"));
	cells[0] = T("名次", "Rank");
	cells[1] = T("单位", "Unit");
	cells[2] = T("考核结果", "Status");
	cells[3] = T("得分", "Score");
	for (k = 0; k < ncol_ind; k++) {
		xsnprintf(buf[4 + k], sizeof buf[0], "%s(%s)",
		    bulletin_indicator_name(cols[k]->name, lang),
		    cols[k]->unit);
		cells[4 + k] = buf[4 + k];
	}
	table_row(t, cells);
	t->num[0] = t->num[3] = 1;
	for (c = 4; c < ncols; c++)
		t->num[c] = 1;
	for (i = 0; i < d->n_units; i++) {
		Popstat__BulletinUnit *u = d->units[i];

		if (u->rank)
			xsnprintf(buf[0], sizeof buf[0], "%u", u->rank);
		else
			xsnprintf(buf[0], sizeof buf[0], "-");
		cells[0] = buf[0];
		cells[1] = u->name;
		cells[2] = bulletin_status_name(u->status, lang);
		if (u->has_score)
			xsnprintf(buf[3], sizeof buf[3], "%.2f", u->score);
		else
			xsnprintf(buf[3], sizeof buf[3], "-");
		cells[3] = buf[3];
		/* Each cell found by name: rows may list different targets. */
		for (k = 0; k < ncol_ind; k++) {
			const Popstat__IndicatorJudgement *j = NULL;

			for (m = 0; m < u->n_indicators; m++)
				if (strcmp(u->indicators[m]->name,
					cols[k]->name) == 0)
					j = u->indicators[m];
			if (j == NULL) {
				xsnprintf(buf[4 + k], sizeof buf[0], " ");
			} else {
				value_text(buf[4 + k], sizeof buf[0], j);
				if (j->result &&
				    strcmp(j->result, "missed") == 0)
					strncat(buf[4 + k], " ✗",
					    sizeof buf[0] - strlen(buf[4 + k]) -
						1);
			}
			cells[4 + k] = buf[4 + k];
		}
		table_row(t, cells);
	}
	emit_table(b, format, t);
	emit_para(b, format,
	    T("注：✗ 表示未达到考核目标；‰ 指标按年化值考核；"
	      "排名先列各项均已考核且未被否决的单位，再列有未考核指标的单位，"
	      "再列一票否决单位，各按得分；无一项可考核的单位不排名（-），"
	      "列在最后。",
		"Note: ✗ marks a missed target; per-mille rates are"
		" judged annualized; units with every target assessed and none"
		" vetoed rank first, then incomplete ones, then vetoed ones, "
		"each"
		" by score; a unit with nothing assessed has no rank (-) and "
		"comes"
		" last."));
	free(cols);
	free(cells);
	free(buf);
}

/* A signed change at 2 decimals ("+0.25", "-1.10", "0.00"), or "-". */
static void
change_text(char *buf, size_t n, int has, double c)
{
	if (!has)
		xsnprintf(buf, n, "-");
	else if (c > 0)
		xsnprintf(buf, n, "+%.2f", c);
	else if (c < 0)
		xsnprintf(buf, n, "%.2f", c);
	else
		xsnprintf(buf, n, "0.00");
}

static void
cumulative_text(char *buf, size_t n, const Popstat__IndicatorJudgement *j)
{
	if (!j->has_cumulative)
		xsnprintf(buf, n, "-");
	else
		xsnprintf(buf, n, "%.2f", j->cumulative);
}

/*
 * The opening paragraph: the parent's own value of each target indicator
 * year to date and its 同比 (doc/indicators.md §14).  Bulletins published
 * before the parent's values were kept have none: no paragraph.
 */
static void
summary_block(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	sbuf p;
	size_t k;

	if (d->n_parent_indicators == 0)
		return;
	sbuf_init(&p);
	sbuf_printf(&p, T("%s年初至今，", "%s, year to date: "),
	    d->parent_name);
	for (k = 0; k < d->n_parent_indicators; k++) {
		const Popstat__IndicatorJudgement *j = d->parent_indicators[k];
		const char *u = unit_suffix(j->unit);
		const char *pts = strcmp(j->unit, "‰") == 0 ? "个千分点" :
		    strcmp(j->unit, "%") == 0               ? "个百分点" :
							      "";
		char v[32], y[32], c[32];

		if (k)
			sbuf_puts(&p, T("；", "; "));
		cumulative_text(v, sizeof v, j);
		sbuf_printf(&p, T("%s%s%s", "%s %s%s"),
		    lang == LANG_ZH ? bulletin_indicator_name(j->name, lang) :
				      bulletin_indicator_lower(j->name),
		    v, j->has_cumulative ? u : "");
		if (!j->has_yoy_value) {
			if (j->has_cumulative)
				sbuf_puts(&p,
				    T("（去年同期无数据）",
					" (no value for the same period last "
					"year)"));
			continue;
		}
		xsnprintf(y, sizeof y, "%.2f", j->yoy_value);
		xsnprintf(c, sizeof c, "%.2f", fabs(j->yoy_change));
		if (lang == LANG_ZH) {
			sbuf_printf(&p, "，去年同期%s%s，", y, u);
			if (j->yoy_change > 0)
				sbuf_printf(&p, "同比上升%s%s", c, pts);
			else if (j->yoy_change < 0)
				sbuf_printf(&p, "同比下降%s%s", c, pts);
			else
				sbuf_puts(&p, "同比持平");
		} else {
			change_text(c, sizeof c, 1, j->yoy_change);
			sbuf_printf(&p, " (same period last year %s%s, %s)", y,
			    u, c);
		}
	}
	sbuf_puts(&p, T("。", "."));
	emit_para(b, format, sbuf_str(&p));
	sbuf_free(&p);
}

/* The judgement of indicator name in u, or NULL. */
static const Popstat__IndicatorJudgement *
find_judgement(Popstat__IndicatorJudgement *const *v, size_t n,
    const char *name)
{
	size_t m;

	for (m = 0; m < n; m++)
		if (strcmp(v[m]->name, name) == 0)
			return v[m];
	return NULL;
}

/*
 * 同比 of every unit (and the parent, first): each target indicator's
 * cumulative value year to date and its change from the same period last
 * year.
 */
static void
yoy_block(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	const Popstat__IndicatorJudgement **cols;
	size_t ncol_ind = indicator_columns(d, &cols), i, k;
	int ncols = 1 + 2 * (int)ncol_ind, c;
	const char **cells = xcalloc((size_t)ncols, sizeof *cells);
	char(*buf)[80] = xcalloc((size_t)ncols, sizeof *buf);
	struct table *t = table_new(ncols);

	emit_para(b, format,
	    T("与去年同期比较（同比）：",
		"Compared with the same period last year:"));
	cells[0] = T("单位", "Unit");
	for (k = 0; k < ncol_ind; k++) {
		xsnprintf(buf[1 + 2 * k], sizeof buf[0], "%s(%s)",
		    bulletin_indicator_name(cols[k]->name, lang),
		    cols[k]->unit);
		cells[1 + 2 * k] = buf[1 + 2 * k];
		cells[2 + 2 * k] = T("同比", "Change");
	}
	table_row(t, cells);
	for (c = 1; c < ncols; c++)
		t->num[c] = 1;
	for (i = 0; i <= d->n_units; i++) {
		/* The parent first, when its values were kept. */
		Popstat__IndicatorJudgement *const *v =
		    i == 0 ? d->parent_indicators : d->units[i - 1]->indicators;
		size_t nv = i == 0 ? d->n_parent_indicators :
				     d->units[i - 1]->n_indicators;

		if (i == 0 && nv == 0)
			continue;
		cells[0] = i == 0 ? d->parent_name : d->units[i - 1]->name;
		for (k = 0; k < ncol_ind; k++) {
			const Popstat__IndicatorJudgement *j =
			    find_judgement(v, nv, cols[k]->name);

			if (j == NULL) {
				xsnprintf(buf[1 + 2 * k], sizeof buf[0], " ");
				xsnprintf(buf[2 + 2 * k], sizeof buf[0], " ");
			} else {
				cumulative_text(buf[1 + 2 * k], sizeof buf[0],
				    j);
				change_text(buf[2 + 2 * k], sizeof buf[0],
				    j->has_yoy_value, j->yoy_change);
			}
			cells[1 + 2 * k] = buf[1 + 2 * k];
			cells[2 + 2 * k] = buf[2 + 2 * k];
		}
		table_row(t, cells);
	}
	emit_table(b, format, t);
	emit_para(b, format,
	    T("注：本表为年初至今累计值（不年化）；同比为本期值"
	      "与去年同期值之差，“-”表示无可比数据。",
		"Note: cumulative values"
		" year to date (not annualized); the change is this value minus"
		" the value of the same period last year; - means no value to"
		" compare."));
	free(cols);
	free(cells);
	free(buf);
}

static void
commended_block(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	sbuf names;
	size_t i;
	int n = 0;

	emit_heading(b, format, T("二、通报表扬", "2. Commended units"));
	sbuf_init(&names);
	for (i = 0; i < d->n_units; i++) {
		if (strcmp(d->units[i]->status, "met") != 0)
			continue;
		if (n++)
			sbuf_puts(&names, T("、", ", "));
		sbuf_puts(&names, d->units[i]->name);
	}
	if (n == 0)
		emit_para(b, format,
		    T("本期没有全面完成考核目标的单位。",
			"No unit met every target this period."));
	else {
		sbuf p;

		sbuf_init(&p);
		if (lang == LANG_ZH)
			sbuf_printf(&p,
			    "%s等%d个单位全面完成“三控制一达标”考核目标，"
			    "予以通报表扬。",
			    sbuf_str(&names), n);
		else
			sbuf_printf(&p,
			    "%d unit%s met every target and %s commended:"
			    " %s.",
			    n, n == 1 ? "" : "s", n == 1 ? "is" : "are",
			    sbuf_str(&names));
		emit_para(b, format, sbuf_str(&p));
		sbuf_free(&p);
	}
	sbuf_free(&names);
}

static void
failing_block(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	size_t i, k;
	int n = 0;

	emit_heading(b, format, T("三、未完成目标的单位", "3. Units failing"));
	for (i = 0; i < d->n_units; i++) {
		Popstat__BulletinUnit *u = d->units[i];
		sbuf p;
		int m = 0;

		if (strcmp(u->status, "veto") != 0 &&
		    strcmp(u->status, "missed") != 0)
			continue;
		n++;
		sbuf_init(&p);
		sbuf_printf(&p, "%s%s", u->name, T("：", ": "));
		for (k = 0; k < u->n_indicators; k++) {
			Popstat__IndicatorJudgement *j = u->indicators[k];
			char v[32];

			if (j->result == NULL ||
			    strcmp(j->result, "missed") != 0)
				continue;
			value_text(v, sizeof v, j);
			if (m++)
				sbuf_puts(&p, T("；", "; "));
			sbuf_printf(&p,
			    lang == LANG_ZH ? "%s%s%s（目标%s%.15g%s）" :
					      "%s %s%s (target %s %.15g%s)",
			    bulletin_indicator_name(j->name, lang), v,
			    unit_suffix(j->unit),
			    strcmp(j->op, "<=") == 0     ? T("≤", "≤") :
				strcmp(j->op, ">=") == 0 ? "≥" :
							   j->op,
			    j->target, unit_suffix(j->unit));
		}
		sbuf_puts(&p,
		    strcmp(u->status, "veto") == 0 ?
			T("，实行一票否决，限期整改。",
			    "; one-vote veto, to be"
			    " corrected.") :
			T("，限期整改。", "; to be corrected."));
		emit_para(b, format, sbuf_str(&p));
		sbuf_free(&p);
	}
	if (n == 0)
		emit_para(b, format,
		    T("本期没有未完成考核目标的单位。",
			"No unit missed a target this period."));
}

static void
reporting_block(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	struct table *t = table_new(8);
	const char *cells[8];
	char buf[8][48];
	size_t i;
	int c;

	emit_heading(b, format,
	    T("四、旬报报送及数据及时情况", "4. Dekad reports and timeliness"));
	cells[0] = T("单位", "Unit");
	cells[1] = T("本月应报", "Due (month)");
	cells[2] = T("本月已报", "Filed (month)");
	cells[3] = T("本月按时", "On time (month)");
	cells[4] = T("年度报送率", "Reporting rate (YTD)");
	cells[5] = T("年度及时率", "Timeliness (YTD)");
	xsnprintf(buf[6], sizeof buf[6],
	    T("%u日内录入率",
		"Records within %u"
		" days"),
	    d->timely_days);
	cells[6] = buf[6];
	cells[7] = T("记录数", "Records");
	table_row(t, cells);
	for (c = 1; c < 8; c++)
		t->num[c] = 1;
	for (i = 0; i < d->n_units; i++) {
		Popstat__BulletinUnit *u = d->units[i];

		cells[0] = u->name;
		xsnprintf(buf[1], sizeof buf[1], "%u", u->due_month);
		xsnprintf(buf[2], sizeof buf[2], "%u", u->filed_month);
		xsnprintf(buf[3], sizeof buf[3], "%u", u->on_time_month);
		pct(buf[4], sizeof buf[4], u->filed_ytd, u->due_ytd);
		pct(buf[5], sizeof buf[5], u->on_time_ytd, u->due_ytd);
		pct(buf[6], sizeof buf[6], u->records_timely, u->records);
		xsnprintf(buf[7], sizeof buf[7], "%u", u->records);
		for (c = 1; c < 8; c++)
			cells[c] = buf[c];
		table_row(t, cells);
	}
	emit_table(b, format, t);
}

static void
tasks_block(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	int pass, n;
	size_t i;

	emit_heading(b, format,
	    T("五、逾期未完成的目标责任任务",
		"5. Overdue responsibility tasks"));
	if (d->n_overdue == 0) {
		emit_para(b, format,
		    T("本期没有逾期任务。", "No task is overdue."));
		return;
	}
	/* By department first, then by township. */
	for (pass = 0; pass < 2; pass++) {
		struct table *t = table_new(5);
		const char *cells[5];
		char due[32], prog[16];

		n = 0;
		cells[0] =
		    pass == 0 ? T("部门", "Department") : T("单位", "Unit");
		cells[1] = T("任务", "Task");
		cells[2] = T("责任人", "Responsible");
		cells[3] = T("截止日期", "Due");
		cells[4] = T("进度", "Progress");
		table_row(t, cells);
		t->num[4] = 1;
		t->wrap[1] = 1;
		for (i = 0; i < d->n_overdue; i++) {
			Popstat__Task *k = d->overdue[i];

			if ((strcmp(k->owner_kind, "department") == 0) !=
			    (pass == 0))
				continue;
			n++;
			xsnprintf(due, sizeof due, "%s", k->due);
			xsnprintf(prog, sizeof prog, "%u%%", k->progress);
			cells[0] = k->owner_name;
			cells[1] = k->title;
			cells[2] = k->person ? k->person : "-";
			cells[3] = due;
			cells[4] = prog;
			table_row(t, cells);
		}
		if (n > 0) {
			emit_para(b, format,
			    pass == 0 ? T("（一）按部门", "By department") :
					T("（二）按乡镇", "By township"));
			emit_table(b, format, t);
		} else
			table_free(t);
	}
}

static void
footer_block(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	char date[64], text[768], office[512];

	date_words(date, sizeof date, d->issued, lang);
	office_text(office, sizeof office, d, lang);
	if (format == FMT_HTML) {
		/* The signature over the date, in Chinese numerals. */
		if (lang == LANG_ZH)
			bulletin_date_cn(d->issued, date, sizeof date);
		sbuf_puts(b, "<div class=\"sign\">\n<p>");
		html_escape(b, office);
		sbuf_puts(b, "</p>\n<p>");
		html_escape(b, date);
		sbuf_puts(b, "</p>\n</div>\n");
		return;
	}
	if (lang == LANG_ZH)
		xsnprintf(text, sizeof text, "%s　%s", office, date);
	else
		xsnprintf(text, sizeof text, "%s, %s", office, date);
	emit_para(b, format, text);
}

/*
 * The opening's projection (doc/indicators.md §14, §15): the parent's own
 * rates projected to the year's end, its headroom and risk.
 */
static void
projection_para(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	const Popstat__WarningRow *w = d->parent_warning;
	char head[96];
	sbuf p;
	size_t k;
	int n = 0;

	sbuf_init(&p);
	sbuf_puts(&p, T("按目前出生速度推算，", "At the pace so far, "));
	for (k = 0; k < w->n_indicators; k++) {
		const Popstat__WarningCell *c = w->indicators[k];

		if (!c->has_projected)
			continue;
		if (n++)
			sbuf_puts(&p, T("；", "; "));
		warning_headroom_text(head, sizeof head, c, lang == LANG_ZH);
		sbuf_printf(&p,
		    T("全年%s预计%.2f‰（目标≤%.15g‰），%s",
			"the year's %s is projected at %.2f‰ (target ≤ "
			"%.15g‰), %s"),
		    warning_indicator_name(c->indicator, lang == LANG_ZH),
		    c->projected, c->target, head);
		if (c->has_risk)
			sbuf_printf(&p, T("，超标风险%.1f%%", ", risk %.1f%%"),
			    c->risk * 100);
	}
	sbuf_puts(&p, T("。", "."));
	if (n)
		emit_para(b, format, sbuf_str(&p));
	sbuf_free(&p);
}

/* Why units are not assessed (doc/indicators.md §7): after the ranking. */
static void
na_block(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	sbuf t;
	size_t i, k;
	int n = 0;

	sbuf_init(&t);
	sbuf_puts(&t, T("未考核原因：", "Not assessed, because of: "));
	for (i = 0; i < d->n_units; i++) {
		const Popstat__BulletinUnit *u = d->units[i];

		if (u->n_na_reasons == 0)
			continue;
		sbuf_puts(&t, n++ ? T("；", "; ") : "");
		sbuf_puts(&t, u->name);
		sbuf_puts(&t, T("：", ": "));
		for (k = 0; k < u->n_na_reasons; k++) {
			if (k)
				sbuf_puts(&t, T("、", ", "));
			sbuf_puts(&t,
			    na_reason_text(u->na_reasons[k], lang == LANG_ZH));
		}
		for (k = 0; k < u->n_unknown_population; k++) {
			sbuf_puts(&t,
			    k ? T("、", ", ") :
				T("（下级无人口记录：",
				    " (units below without one: "));
			sbuf_puts(&t, u->unknown_population[k]);
		}
		if (u->n_unknown_population)
			sbuf_puts(&t, T("）", ")"));
	}
	sbuf_puts(&t, T("。", "."));
	if (n)
		emit_para(b, format, sbuf_str(&t));
	sbuf_free(&t);
}

/* ---- early warning and data quality (doc/indicators.md §15) -------------- */

static void
warning_block(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	const Popstat__WarningOk *w = d->warning;
	size_t ncell = 0, i, k;
	int ncols, c;
	const char **cells;
	char(*buf)[96];
	struct table *t;

	emit_heading(b, format,
	    T("六、预警：全年出生余量与超标风险",
		"6. Early warning: births still possible this year"));
	for (i = 0; i < w->n_rows; i++)
		if (w->rows[i]->n_indicators > ncell)
			ncell = w->rows[i]->n_indicators;
	ncols = 1 + 4 * (int)ncell;
	cells = xcalloc((size_t)ncols, sizeof *cells);
	buf = xcalloc((size_t)ncols, sizeof *buf);
	cells[0] = T("单位", "Unit");
	for (k = 0; k < ncell; k++) {
		const char *in = "";

		for (i = 0; i < w->n_rows; i++)
			if (k < w->rows[i]->n_indicators)
				in = w->rows[i]->indicators[k]->indicator;
		in = warning_indicator_name(in, lang == LANG_ZH);
		xsnprintf(buf[1 + 4 * k], sizeof buf[0],
		    T("%s预计(‰)", "%s projected (‰)"), in);
		xsnprintf(buf[2 + 4 * k], sizeof buf[0],
		    T("%s余量", "%s headroom"), in);
		xsnprintf(buf[3 + 4 * k], sizeof buf[0], T("超标风险", "Risk"));
		xsnprintf(buf[4 + 4 * k], sizeof buf[0], T("预警", "Level"));
		for (c = 1; c <= 4; c++)
			cells[c + 4 * (int)k] = buf[c + 4 * k];
	}
	t = table_new(ncols);
	table_row(t, cells);
	for (k = 0; k < ncell; k++)
		t->num[1 + 4 * k] = t->num[2 + 4 * k] = t->num[3 + 4 * k] = 1;
	for (i = 0; i < w->n_rows; i++) {
		const Popstat__WarningRow *r = w->rows[i];

		cells[0] = r->name;
		for (k = 0; k < ncell; k++) {
			const Popstat__WarningCell *x =
			    k < r->n_indicators ? r->indicators[k] : NULL;

			for (c = 1; c <= 4; c++)
				xsnprintf(buf[c + 4 * k], sizeof buf[0], "-");
			if (x != NULL) {
				if (x->has_projected)
					xsnprintf(buf[1 + 4 * k], sizeof buf[0],
					    "%.2f", x->projected);
				warning_headroom_text(buf[2 + 4 * k],
				    sizeof buf[0], x, lang == LANG_ZH);
				if (x->has_risk)
					xsnprintf(buf[3 + 4 * k], sizeof buf[0],
					    "%.1f%%", x->risk * 100);
				xsnprintf(buf[4 + 4 * k], sizeof buf[0], "%s",
				    warning_level_name(x->level,
					lang == LANG_ZH));
			}
		}
		table_row(t, cells);
	}
	emit_table(b, format, t);
	emit_para(b, format,
	    T("注：截至统计日，按目前出生速度推算全年；余量指今年"
	      "还可出生多少人仍能达标，超标风险指全年出生超过余量的概率。这是提"
	      "醒，"
	      "不是结论。",
		"Note: projected from the pace so far; the headroom is"
		" how many more births the unit may have this year and still "
		"meet the"
		" target, the risk the probability that the year's births "
		"exceed it."
		" A warning is a reason to look, not a verdict."));
	free(cells);
	free(buf);
}

static void
quality_block(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	const Popstat__QualityOk *q = d->quality;
	struct table *t;
	const char *cells[3];
	char detail[512];
	size_t i;

	emit_heading(b, format,
	    T("七、数据质量：需要复核的数字",
		"7. Data quality: numbers to check"));
	if (q->n_flags == 0) {
		emit_para(b, format,
		    T("未发现需要复核的数字。",
			"No number needs a second look."));
		return;
	}
	t = table_new(3);
	cells[0] = T("单位", "Unit");
	cells[1] = T("检查", "Check");
	cells[2] = T("情况", "Detail");
	table_row(t, cells);
	t->wrap[2] = 1;
	for (i = 0; i < q->n_flags; i++) {
		quality_flag_text(detail, sizeof detail, q->flags[i],
		    lang == LANG_ZH);
		cells[0] = q->flags[i]->name;
		cells[1] =
		    quality_check_name(q->flags[i]->check, lang == LANG_ZH);
		cells[2] = detail;
		table_row(t, cells);
	}
	emit_table(b, format, t);
	emit_para(b, format,
	    T("注：标记是复核的理由，不是结论；通报不列记录编号。",
		"Note: a flag is a reason to check, not a finding; the bulletin"
		" lists no record ids."));
}

/*
 * The printed page, GB/T 9704 (党政机关公文格式): A4, text block 156 x
 * 225 mm (margins top 37, bottom 35, left 28, right 26 mm); the office
 * in red, a red line; body in 仿宋 三号 (16 pt), 22 lines a page; the
 * page number "— 1 —" in 四号 under the text block, right on odd pages
 * and left on even ones (em spaces around the number: a CJK font's own
 * space is too narrow to read, or to survive pdftotext).  Table headers repeat
 * on each page and keep their words whole; a row is never split; names never
 * wrap.
 */
static const char print_css[] =
    "@page { size: A4; margin: 37mm 26mm 35mm 28mm;\n"
    "  @bottom-right { content: \"—\\2003\" counter(page) \"\\2003—\";"
    " font: 14pt \"SimSun\", \"Songti SC\", \"Noto Serif CJK SC\", serif;"
    " vertical-align: top; padding: 7mm 1em 0 0; }\n}\n"
    "@page :left {\n  @bottom-right { content: none; }\n"
    "  @bottom-left { content: \"—\\2003\" counter(page) \"\\2003—\";"
    " font: 14pt \"SimSun\", \"Songti SC\", \"Noto Serif CJK SC\", serif;"
    " vertical-align: top; padding: 7mm 0 0 1em; }\n}\n"
    "body { font-family: \"FangSong\", \"FangSong_GB2312\", \"STFangsong\","
    " \"Noto Serif CJK SC\", serif; font-size: 16pt; line-height: 28pt;"
    " max-width: 156mm; margin: 2em auto; color: #000; }\n"
    "@media print { body { max-width: none; margin: 0; } }\n"
    ".gw .office { color: #e60000; text-align: center; font-family:"
    " \"FZXiaoBiaoSong-B05S\", \"SimSun\", \"Noto Serif CJK SC\", serif;"
    " font-weight: bold; font-size: 26pt; line-height: 1.3;"
    " letter-spacing: 0.05em; }\n"
    ".gw .docno { text-align: center; margin-top: 28pt; }\n"
    ".gw .red { border-top: 1.5pt solid #e60000; margin: 4mm 0 0; }\n"
    "h1 { text-align: center; font-family: \"FZXiaoBiaoSong-B05S\","
    " \"SimSun\", \"Noto Serif CJK SC\", serif; font-size: 22pt;"
    " line-height: 1.4; margin: 28pt 0 28pt; word-break: keep-all; }\n"
    "h2 { font-family: \"SimHei\", \"Noto Sans CJK SC\", sans-serif;"
    " font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em;"
    " break-after: avoid; }\n"
    "p { margin: 0; text-indent: 2em; }\n"
    "p.corr { font-family: \"KaiTi\", \"Noto Serif CJK SC\", serif; }\n"
    "table { border-collapse: collapse; margin: 6pt 0 10pt; width: 100%;"
    " font: 10pt/1.35 \"SimSun\", \"Noto Serif CJK SC\", serif; }\n"
    "thead { display: table-header-group; }\n"
    "tr { break-inside: avoid; page-break-inside: avoid; }\n"
    "th, td { border: 0.5pt solid #000; padding: 1pt 3pt; }\n"
    "th { font-weight: bold; text-align: center; word-break: keep-all;"
    " overflow-wrap: normal; hyphens: none; }\n"
    "td { white-space: nowrap; }\n"
    "td.n { text-align: right; }\n"
    "td.w { white-space: normal; word-break: normal; }\n"
    ".sign { width: max-content; margin: 28pt 4em 0 auto;"
    " text-align: center; break-inside: avoid; }\n"
    ".sign p { text-indent: 0; }\n"
    "span.t { white-space: nowrap; }\n";

/*
 * Render the whole bulletin.  HTML is one standalone page: inline style,
 * nothing loaded from outside, printable on A4.
 */
void
bulletin_render(const Popstat__BulletinData *d, int lang, int format, sbuf *b)
{
	if (format == FMT_HTML) {
		sbuf_printf(b,
		    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n<title>",
		    lang == LANG_ZH ? "zh-CN" : "en");
		html_escape(b, d->parent_name);
		sbuf_printf(b,
		    " %s</title>\n<style>\n%s</style>\n</head>\n"
		    "<body>\n",
		    d->month, print_css);
	}
	title_block(d, lang, format, b);
	summary_block(d, lang, format, b);
	if (d->parent_warning)
		projection_para(d, lang, format, b);
	ranking_block(d, lang, format, b);
	na_block(d, lang, format, b);
	if (d->n_units > 0)
		yoy_block(d, lang, format, b);
	commended_block(d, lang, format, b);
	failing_block(d, lang, format, b);
	reporting_block(d, lang, format, b);
	tasks_block(d, lang, format, b);
	if (d->warning)
		warning_block(d, lang, format, b);
	if (d->quality)
		quality_block(d, lang, format, b);
	footer_block(d, lang, format, b);
	if (format == FMT_HTML)
		sbuf_puts(b, "</body>\n</html>\n");
}
