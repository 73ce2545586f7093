/*
 * cmd_warning.c - popstat warning and popstat quality (doc/indicators.md
 * §15): who will miss the year's target and how many more births each
 * township may have; which numbers deserve a second look.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "lang.h"
#include "sbuf.h"
#include "utf8.h"
#include "warnrep.h"

#define T(zh, en) (lang == LANG_ZH ? (zh) : (en))

static const char warning_usage[] =
    "usage: popstat warning --parent CODE [--year Y] [--as-of DATE]"
    " [--lang zh|en] [--json]\n"
    "  Early warning (预警) for the units under CODE: for each per-mille"
    " target with <=\n"
    "  (birth rate, natural growth rate), the value projected to the year's"
    " end,\n"
    "  how many more births the unit may have this year and still meet it"
    " (headroom),\n"
    "  and the probability that it will not (risk); highest risk first.\n";

static const char quality_usage[] =
    "usage: popstat quality --parent CODE --period P [--as-of DATE]"
    " [--lang zh|en] [--json]\n"
    "  Data quality (数据质量) of the units under CODE: sex ratio at birth"
    " outside\n"
    "  103-107 beyond chance, possible under-reporting against the other"
    " units' rate,\n"
    "  the same mother registered in two units within 30 days, record"
    " timeliness\n"
    "  below 90%.  A flag is a reason to check, not a finding.\n";

static int
pick_lang(const char *cmd, const char *flag, int *lang)
{
	/* main takes a global --lang; "lang =" in the config comes next. */
	if ((*lang = lang_pick(flag ? flag : opt.lang_flag, opt.lang_config)) <
	    0)
		return args_usage_error(cmd, "--lang must be zh or en");
	return 0;
}

/* The risk as a county head reads it: a percentage. */
static void
risk_text(char *buf, size_t n, const Popstat__WarningCell *c)
{
	if (c->has_risk)
		snprintf(buf, n, "%.1f%%", c->risk * 100);
	else
		snprintf(buf, n, "-");
}

/*
 * The units of one level ("over", "high", "watch"), each with the
 * indicators at that level: "乡4（出生率、自然增长率）、乡3（自然增长率）";
 * for "high" and "watch" with their headroom: "城关镇（出生率还可出生 2
 * 人；自然增长率还可出生 1 人）".  Returns how many units.
 */
static size_t
level_units(sbuf *b, const Popstat__WarningOk *w, const char *level, int lang)
{
	size_t i, k, n = 0, m;
	char hr[96];

	for (i = 0; i < w->n_rows; i++) {
		const Popstat__WarningRow *r = w->rows[i];

		for (k = 0, m = 0; k < r->n_indicators; k++) {
			const Popstat__WarningCell *c = r->indicators[k];

			if (c->level == NULL || strcmp(c->level, level) != 0)
				continue;
			if (m++ == 0)
				sbuf_printf(b, "%s%s%s",
				    n++ ? T("、", ", ") : "", r->name,
				    T("（", " ("));
			else if (strcmp(level, "over") == 0)
				sbuf_puts(b, T("、", ", "));
			else
				sbuf_puts(b, T("；", "; "));
			sbuf_puts(b,
			    warning_indicator_name(c->indicator,
				lang == LANG_ZH));
			if (strcmp(level, "over") != 0) {
				warning_headroom_text(hr, sizeof hr, c,
				    lang == LANG_ZH);
				sbuf_printf(b, T("%s", ": %s"), hr);
			}
		}
		if (m > 0)
			sbuf_puts(b, T("）", ")"));
	}
	return n;
}

/*
 * Print s as lines of at most WRAP_COLS columns, the first after "  ",
 * the others after "    ": at a space, or between two Chinese characters
 * (never before a closing mark such as "，" or "）").
 */
#define WRAP_COLS 118

static void
print_wrapped(const char *s)
{
	static const char *const closing[] = { "，", "。", "、", "；", "：",
		"）", "”", "%", NULL };
	const char *line = s, *brk = NULL, *p = s;
	int col = 2, atbrk = 0, indent = 2;

	while (*p != '\0') {
		char ch[8];
		size_t n = 1, k;
		int w, closes = 0;

		while (p[n] != '\0' && ((unsigned char)p[n] & 0xc0) == 0x80 &&
		    n < sizeof ch - 1)
			n++;
		memcpy(ch, p, n);
		ch[n] = '\0';
		w = utf8_width(ch);
		for (k = 0; closing[k] != NULL; k++)
			if (strcmp(ch, closing[k]) == 0)
				closes = 1;
		/* A place to break: before a wide character that does not
		 * close, or after a space. */
		if (p > line && w == 2 && !closes) {
			brk = p;
			atbrk = col;
		}
		if (col + w > WRAP_COLS && brk != NULL) {
			size_t len = (size_t)(brk - line);

			while (len > 0 && line[len - 1] == ' ')
				len--;
			printf("%*s%.*s\n", indent, "", (int)len, line);
			line = brk[0] == ' ' ? brk + 1 : brk;
			indent = 4;
			col = 4 + (col - atbrk) - (brk[0] == ' ' ? 1 : 0);
			brk = NULL;
		}
		col += w;
		if (ch[0] == ' ') {
			brk = p + 1;
			atbrk = col;
		}
		p += n;
	}
	printf("%*s%s\n", indent, "", line);
}

/*
 * What the table means for the county head, now: who will be vetoed at
 * the year's end on the present data, who is likely to be, who to watch,
 * and what to do about each; and that the other veto targets are not in
 * this table.
 */
static void
print_warning_summary(const Popstat__WarningOk *w, int lang)
{
	static const struct {
		const char *level, *zh, *en, *zh_do, *en_do;
	} lv[] = {
		{ "over",
		    "年底将被一票否决（余量已为负，今后不再出生也超标）：",
		    "vetoed at the year's end on the present data (headroom "
		    "below"
		    " 0: over the target even with no more births): ",
		    "请现在核实这些单位的出生、死亡、迁移和人口记录是否齐全准确"
		    "，"
		    "并准备整改。",
		    "Check their birth, death, migration and population records"
		    " now and prepare the rectification." },
		{ "high", "很可能超标（风险≥50%）：",
		    "likely to miss the target (risk >= 50%): ",
		    "今年余下的出生须控制在余量之内，请逐月跟踪。",
		    "The rest of the year's births must stay within the"
		    " headroom: follow them every month." },
		{ "watch", "需要关注（风险≥20%）：",
		    "to watch (risk >= 20%): ", "请每旬跟踪出生登记。",
		    "Follow their birth registers every dekad." },
	};
	size_t j, any = 0;
	sbuf b;

	printf("\n%s\n", T("结论：", "What this means now:"));
	for (j = 0; j < sizeof lv / sizeof lv[0]; j++) {
		sbuf_init(&b);
		if (level_units(&b, w, lv[j].level, lang) > 0) {
			sbuf line;

			sbuf_init(&line);
			sbuf_printf(&line, "%s%s%s%s", T(lv[j].zh, lv[j].en),
			    sbuf_str(&b), T("。", ". "),
			    T(lv[j].zh_do, lv[j].en_do));
			print_wrapped(sbuf_str(&line));
			sbuf_free(&line);
			any++;
		}
		sbuf_free(&b);
	}
	if (any == 0)
		printf("  %s\n",
		    T("按目前速度，各单位的这些指标都可以达标。",
			"At the pace so far every unit meets these targets."));
	/* The days the warning counted; the command on a line of its own. */
	print_wrapped(
	    T("本表只看出生率和自然增长率；出生统计误差率、符合政策生育率"
	      "也是一票否决指标，见：",
		"This table covers the birth and natural"
		" growth rates only; the birth statistics error rate and the"
		" policy-compliant birth rate are veto targets too: see"));
	printf("    popstat ranking --parent %s --period %u-01-01..%s\n",
	    w->parent, w->year, w->as_of);
}

static void
print_warning(const Popstat__WarningOk *w, int lang)
{
	size_t ncell = 0, ncols, i, k, m;
	const char **cells;
	char **owned, **hdr;
	struct table *t;

	for (i = 0; i < w->n_rows; i++)
		if (w->rows[i]->n_indicators > ncell)
			ncell = w->rows[i]->n_indicators;
	printf(T("%s %s %u 年预警（截至 %s）：按超标风险从高到低\n\n",
		   "%s %s early warning for %u (as of %s): highest risk "
		   "first\n\n"),
	    w->parent, w->parent_name, w->year, w->as_of);
	ncols = 2 + 4 * ncell;
	cells = xcalloc(ncols, sizeof *cells);
	owned = xcalloc(ncols, sizeof *owned);
	hdr = xcalloc(ncols, sizeof *hdr);
	cells[0] = T("单位代码", "unit");
	cells[1] = T("单位", "name");
	for (k = 0; k < ncell; k++) {
		const char *in = NULL;
		sbuf s;

		for (i = 0; i < w->n_rows && in == NULL; i++)
			if (k < w->rows[i]->n_indicators)
				in = w->rows[i]->indicators[k]->indicator;
		/* English as short as the ranking's, to fit 120 columns. */
		if (lang != LANG_ZH && in && strcmp(in, "birth_rate") == 0)
			in = "birth ‰";
		else if (lang != LANG_ZH && in &&
		    strcmp(in, "natural_growth_rate") == 0)
			in = "growth ‰";
		else
			in = warning_indicator_name(in ? in : "",
			    lang == LANG_ZH);
		sbuf_init(&s);
		sbuf_printf(&s, T("%s预计(‰)", "%s projected"), in);
		hdr[2 + 4 * k] = xstrdup(sbuf_str(&s));
		sbuf_free(&s);
		hdr[3 + 4 * k] = xstrdup(T("余量", "headroom"));
		hdr[4 + 4 * k] = xstrdup(T("超标风险", "risk"));
		hdr[5 + 4 * k] = xstrdup(T("预警", "level"));
		for (m = 2; m < 6; m++)
			cells[m + 4 * k] = hdr[m + 4 * k];
	}
	t = table_new((int)ncols, cells);
	for (k = 0; k < ncell; k++) {
		table_align_right(t, (int)(2 + 4 * k));
		table_align_right(t, (int)(3 + 4 * k));
		table_align_right(t, (int)(4 + 4 * k));
	}
	for (i = 0; i < w->n_rows; i++) {
		const Popstat__WarningRow *r = w->rows[i];
		char buf[96];

		cells[0] = r->unit;
		cells[1] = r->name;
		for (k = 0; k < ncell; k++) {
			const Popstat__WarningCell *c =
			    k < r->n_indicators ? r->indicators[k] : NULL;

			for (m = 2; m < 6; m++) {
				free(owned[m + 4 * k]);
				owned[m + 4 * k] = NULL;
				cells[m + 4 * k] = "-";
			}
			if (c == NULL)
				continue;
			if (c->has_projected) {
				snprintf(buf, sizeof buf, "%.2f", c->projected);
				owned[2 + 4 * k] = xstrdup(buf);
			}
			warning_headroom_text(buf, sizeof buf, c,
			    lang == LANG_ZH);
			owned[3 + 4 * k] = xstrdup(buf);
			risk_text(buf, sizeof buf, c);
			owned[4 + 4 * k] = xstrdup(buf);
			owned[5 + 4 * k] =
			    xstrdup(warning_level_name(c->level, lang));
			for (m = 2; m < 6; m++)
				if (owned[m + 4 * k])
					cells[m + 4 * k] = owned[m + 4 * k];
		}
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
	printf("\n%s\n",
	    T("余量：今年还可出生多少人仍能达标（按年底判定，保留两位"
	      "小数）；超标风险：按目前出生速度，全年出生超过余量的概率；预警："
	      "已超"
	      "（余量为负）、高（≥50%）、关注（≥20%"
	      "）、低。这是提醒，不是结论。",
		"headroom: births the unit may still have this year and meet "
		"the"
		" target (judged at\nyear end, 2 decimals); risk: the "
		"probability"
		" that, at the pace so far, the year's\nbirths exceed that; "
		"level:"
		" over (headroom below 0), high (>= 50%), watch (>= 20%),\nlow."
		" A warning is a reason to look, not a verdict."));
	print_warning_summary(w, lang);
	for (m = 0; m < ncols; m++) {
		free(owned[m]);
		free(hdr[m]);
	}
	free(owned);
	free(hdr);
	free(cells);
}

int
cmd_warning(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__WarningQuery q = POPSTAT__WARNING_QUERY__INIT;
	Popstat__Envelope *reply;
	static const char *const names[] = { "--parent", "--year", "--as-of",
		"--lang" };
	struct opts o;
	int rc, lang;
	char *end;
	sbuf b;

	if (args_help(argc, argv)) {
		fputs(warning_usage, stdout);
		return 0;
	}
	if ((rc = args_parse("warning", argc, argv, names, 4, NULL, 0, &o,
		 0)) != 0)
		return rc;
	if (o.v[0] == NULL)
		return args_usage_error("warning", "needs --parent CODE");
	if ((rc = pick_lang("warning", o.v[3], &lang)) != 0)
		return rc;
	q.parent = (char *)o.v[0];
	if (o.v[1]) {
		long y = strtol(o.v[1], &end, 10);

		if (*o.v[1] == '\0' || *end != '\0' || y < 1900 || y > 9999)
			return args_usage_error("warning",
			    "--year %s: expected a year"
			    " such as 2026",
			    o.v[1]);
		q.has_year = 1;
		q.year = (uint32_t)y;
	}
	q.as_of = (char *)o.v[2];
	rq.body_case = POPSTAT__REQUEST__BODY_WARNING;
	rq.warning = &q;
	if ((rc = client_simple(&rq, "warning", &reply)) != 0)
		return rc;
	if (opt.json) {
		sbuf_init(&b);
		report_warning_json(&b, reply->response->warning);
		fputs(sbuf_str(&b), stdout);
		sbuf_free(&b);
	} else
		print_warning(reply->response->warning, lang);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

static void
print_quality(const Popstat__QualityOk *qo, int lang)
{
	const char *cells[3];
	struct table *t;
	size_t i;

	printf(T("%s %s 数据质量 %s 至 %s\n\n",
		   "%s %s data quality %s .. %s\n\n"),
	    qo->parent, qo->parent_name, qo->period->start, qo->period->end);
	if (qo->n_flags == 0) {
		printf("%s\n",
		    T("未发现需要复核的数字。",
			"No number needs a second look."));
		return;
	}
	cells[0] = T("单位", "unit");
	cells[1] = T("检查", "check");
	cells[2] = T("情况", "detail");
	t = table_new(3, cells);
	for (i = 0; i < qo->n_flags; i++) {
		const Popstat__QualityFlag *f = qo->flags[i];
		char unit[160], detail[512];

		snprintf(unit, sizeof unit, "%s %s", f->unit, f->name);
		quality_flag_text(detail, sizeof detail, f, lang == LANG_ZH);
		cells[0] = unit;
		cells[1] = quality_check_name(f->check, lang == LANG_ZH);
		cells[2] = detail;
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
	if (qo->ids_withheld)
		printf("\n%s\n",
		    T("记录编号仅向有权查看双方记录的用户显示。",
			"Record ids are shown only to users who may read both "
			"units'"
			" records."));
	printf("\n%s\n",
	    T("标记是复核的理由，不是结论。",
		"A flag is a reason to check, not a finding."));
}

int
cmd_quality(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__QualityQuery q = POPSTAT__QUALITY_QUERY__INIT;
	Popstat__Envelope *reply;
	static const char *const names[] = { "--parent", "--period", "--as-of",
		"--lang" };
	struct opts o;
	int rc, lang;
	sbuf b;

	if (args_help(argc, argv)) {
		fputs(quality_usage, stdout);
		return 0;
	}
	if ((rc = args_parse("quality", argc, argv, names, 4, NULL, 0, &o,
		 0)) != 0)
		return rc;
	if (o.v[0] == NULL || o.v[1] == NULL)
		return args_usage_error("quality",
		    "needs --parent CODE and --period P");
	if ((rc = pick_lang("quality", o.v[3], &lang)) != 0)
		return rc;
	q.parent = (char *)o.v[0];
	q.period = (char *)o.v[1];
	q.as_of = (char *)o.v[2];
	rq.body_case = POPSTAT__REQUEST__BODY_QUALITY;
	rq.quality = &q;
	if ((rc = client_simple(&rq, "quality", &reply)) != 0)
		return rc;
	if (opt.json) {
		sbuf_init(&b);
		report_quality_json(&b, reply->response->quality);
		fputs(sbuf_str(&b), stdout);
		sbuf_free(&b);
	} else
		print_quality(reply->response->quality, lang);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}
