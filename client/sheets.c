/*
 * sheets.c - report status and the monthly bulletin as grids: the tables
 * of a workbook (--format xlsx, doc/indicators.md §14) and report status as
 * CSV.  The bulletin's sheets come from its structured data (BulletinData),
 * the same numbers its text is rendered from, never from the text.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "client.h"
#include "csvout.h"
#include "grid.h"
#include "lang.h"
#include "sbuf.h"
#include "sheets.h"
#include "warnrep.h"

#define TL(zh, en) (lang == LANG_ZH ? (zh) : (en))

const char *
counter_name(const char *name, int lang)
{
	static const struct {
		const char *name, *zh;
	} l[] = {
		{ "births", "出生" },
		{ "births_male", "男婴" },
		{ "births_female", "女婴" },
		{ "births_policy", "政策内出生" },
		{ "births_order3", "三孩及以上" },
		{ "deaths", "死亡" },
		{ "mig_in", "迁入" },
		{ "mig_out", "迁出" },
		{ "verified", "核查" },
		{ "verified_missed", "核查漏报" },
		{ "pop_start", "期初人口" },
		{ "pop_end", "期末人口" },
		{ "pop_avg", "平均人口" },
		{ "days", "天数" },
		{ "year_days", "全年天数" },
	};
	size_t i;

	if (lang != LANG_ZH)
		return name;
	for (i = 0; i < sizeof l / sizeof l[0]; i++)
		if (strcmp(l[i].name, name) == 0)
			return l[i].zh;
	return name;
}

/* a / d as a percentage (a number to 2 decimals), none when d is 0. */
static void
grid_pct(struct grid *g, unsigned a, unsigned d, int mark)
{
	grid_num(g, d > 0, d > 0 ? round(10000.0 * a / d) / 100 : 0, mark);
}

/* The dekads of u missing or late, as "2026-10-11 late, ..." (in Chinese
 * "2026-10-11 迟报，...", as the text table writes them). */
static void
missing_text(sbuf *b, const Popstat__UnitReporting *u, int lang)
{
	size_t k;

	for (k = 0; k < u->n_dekads; k++) {
		const Popstat__DekadState *d = u->dekads[k];
		int late = strcmp(d->state, "late") == 0;

		if (late || strcmp(d->state, "missing") == 0)
			sbuf_printf(b, "%s%s %s", b->len ? TL("，", ", ") : "",
			    d->start,
			    lang == LANG_ZH ? (late ? "迟报" : "缺报") :
					      d->state);
	}
}

int
reporting_xlsx(const Popstat__ReportStatusOk *s)
{
	int lang = opt.lang;
	struct grid *g = grid_new(TL("旬报报送", "dekad reports"));
	char h[64];
	size_t i;

	grid_col(g, TL("单位代码", "unit"), 0);
	grid_col(g, TL("单位", "name"), 0);
	grid_col(g, TL("应报", "due"), 1);
	grid_col(g, TL("已报", "filed"), 1);
	grid_col(g, TL("按时", "on time"), 1);
	grid_col(g, TL("报送率(%)", "reporting (%)"), 1);
	grid_col(g, TL("及时率(%)", "timeliness (%)"), 1);
	grid_col(g, TL("记录数", "records"), 1);
	snprintf(h, sizeof h, TL("%u日内录入率(%%)", "within %u days (%%)"),
	    s->timely_days);
	grid_col(g, h, 1);
	grid_col(g, TL("缺报 / 迟报", "missing / late"), 0);
	for (i = 0; i < s->n_units; i++) {
		const Popstat__UnitReporting *u = s->units[i];
		sbuf miss;

		sbuf_init(&miss);
		missing_text(&miss, u, lang);
		grid_text(g, u->unit);
		grid_text(g, u->name);
		grid_int(g, u->due);
		grid_int(g, u->filed);
		grid_int(g, u->on_time);
		grid_pct(g, u->filed, u->due, u->filed < u->due);
		if (u->filed < u->due)
			grid_note(g,
			    TL("有旬报未报", "a dekad report is missing"));
		grid_pct(g, u->on_time, u->due, u->on_time < u->due);
		grid_int(g, u->records);
		grid_pct(g, u->records_timely, u->records, 0);
		grid_text_mark(g, sbuf_str(&miss), miss.len > 0);
		grid_end_row(g);
		sbuf_free(&miss);
	}
	return out_grids(&g, 1);
}

void
reporting_csv(sbuf *b, const Popstat__ReportStatusOk *s)
{
	size_t i;

	sbuf_puts(b,
	    "unit,name,start,end,due,filed,on_time,records,"
	    "records_timely,missing_late\n");
	for (i = 0; i < s->n_units; i++) {
		const Popstat__UnitReporting *u = s->units[i];
		sbuf miss;

		sbuf_init(&miss);
		missing_text(&miss, u, LANG_EN);
		csv_put_text(b, u->unit);
		sbuf_putc(b, ',');
		csv_put_text(b, u->name);
		sbuf_printf(b, ",%s,%s,%u,%u,%u,%u,%u,", s->period->start,
		    s->period->end, u->due, u->filed, u->on_time, u->records,
		    u->records_timely);
		csv_put_text(b, sbuf_str(&miss));
		sbuf_putc(b, '\n');
		sbuf_free(&miss);
	}
}

/* ---- the bulletin ------------------------------------------------------- */

/* The indicators judged for any unit, in order of first appearance. */
static size_t
columns(const Popstat__BulletinData *d, const char ***names,
    const char ***units)
{
	size_t i, k, j, n = 0;
	size_t cap = 1;

	for (i = 0; i < d->n_units; i++)
		cap += d->units[i]->n_indicators;
	*names = xcalloc(cap, sizeof **names);
	*units = xcalloc(cap, sizeof **units);
	for (i = 0; i < d->n_units; i++)
		for (k = 0; k < d->units[i]->n_indicators; k++) {
			const Popstat__IndicatorJudgement *x =
			    d->units[i]->indicators[k];

			for (j = 0; j < n; j++)
				if (strcmp((*names)[j], x->name) == 0)
					break;
			if (j == n) {
				(*names)[n] = x->name;
				(*units)[n++] = x->unit;
			}
		}
	return n;
}

static const Popstat__IndicatorJudgement *
judgement(Popstat__IndicatorJudgement *const *v, size_t n, const char *name)
{
	size_t m;

	for (m = 0; m < n; m++)
		if (strcmp(v[m]->name, name) == 0)
			return v[m];
	return NULL;
}

static struct grid *
ranking_sheet(const Popstat__BulletinData *d, int lang, const char **names,
    const char **units, size_t nc)
{
	struct grid *g = grid_new(TL("排名", "Ranking"));
	char h[128];
	size_t i, k;

	grid_col(g, TL("名次", "Rank"), 1);
	grid_col(g, TL("单位代码", "Code"), 0);
	grid_col(g, TL("单位", "Unit"), 0);
	grid_col(g, TL("考核结果", "Status"), 0);
	grid_col(g, TL("得分", "Score"), 1);
	for (k = 0; k < nc; k++) {
		snprintf(h, sizeof h, "%s(%s)",
		    bulletin_indicator_name(names[k], lang),
		    bulletin_unit_name(units[k], lang));
		grid_col(g, h, 1);
	}
	for (i = 0; i < d->n_units; i++) {
		const Popstat__BulletinUnit *u = d->units[i];
		int veto = strcmp(u->status, "veto") == 0;

		if (u->rank)
			grid_int(g, u->rank);
		else
			grid_text(g, "-");
		grid_text(g, u->unit);
		grid_text(g, u->name);
		grid_text_mark(g, bulletin_status_name(u->status, lang),
		    veto || strcmp(u->status, "missed") == 0);
		if (veto)
			grid_note(g,
			    TL("一票否决：否决指标未达标",
				"veto: a veto target missed"));
		grid_num(g, u->has_score, u->score, 0);
		for (k = 0; k < nc; k++) {
			const Popstat__IndicatorJudgement *j =
			    judgement(u->indicators, u->n_indicators, names[k]);
			int missed =
			    j && j->result && strcmp(j->result, "missed") == 0;

			if (j == NULL) {
				grid_text(g, "");
				continue;
			}
			grid_num(g, j->has_value, j->value, missed);
			if (missed && j->op && j->has_target) {
				snprintf(h, sizeof h,
				    TL("未达标：目标 %s %.15g%s",
					"missed: target %s %.15g%s"),
				    j->op, j->target,
				    j->veto ? TL("（一票否决）", " (veto)") :
					      "");
				grid_note(g, h);
			}
		}
		grid_end_row(g);
	}
	return g;
}

static struct grid *
yoy_sheet(const Popstat__BulletinData *d, int lang, const char **names,
    const char **units, size_t nc)
{
	struct grid *g = grid_new(TL("同比", "Year on year"));
	char h[128];
	size_t i, k;

	grid_col(g, TL("单位代码", "Code"), 0);
	grid_col(g, TL("单位", "Unit"), 0);
	for (k = 0; k < nc; k++) {
		snprintf(h, sizeof h, "%s(%s)",
		    bulletin_indicator_name(names[k], lang),
		    bulletin_unit_name(units[k], lang));
		grid_col(g, h, 1);
		grid_col(g, TL("去年同期", "Last year"), 1);
		grid_col(g, TL("同比", "Change"), 1);
	}
	for (i = 0; i <= d->n_units; i++) {
		Popstat__IndicatorJudgement *const *v =
		    i == 0 ? d->parent_indicators : d->units[i - 1]->indicators;
		size_t nv = i == 0 ? d->n_parent_indicators :
				     d->units[i - 1]->n_indicators;

		if (i == 0 && nv == 0)
			continue; /* published before the parent's values */
		grid_text(g, i == 0 ? d->parent : d->units[i - 1]->unit);
		grid_text(g, i == 0 ? d->parent_name : d->units[i - 1]->name);
		for (k = 0; k < nc; k++) {
			const Popstat__IndicatorJudgement *j =
			    judgement(v, nv, names[k]);
			int yoy = j && j->has_yoy_value && j->has_yoy_change;

			grid_num(g, j && j->has_cumulative,
			    j ? j->cumulative : 0, 0);
			grid_num(g, yoy, yoy ? j->yoy_value : 0, 0);
			grid_change(g, yoy, yoy ? j->yoy_change : 0);
		}
		grid_end_row(g);
	}
	return g;
}

static struct grid *
reporting_sheet(const Popstat__BulletinData *d, int lang)
{
	struct grid *g = grid_new(TL("旬报及时", "Reporting"));
	char h[64];
	size_t i;

	grid_col(g, TL("单位代码", "Code"), 0);
	grid_col(g, TL("单位", "Unit"), 0);
	grid_col(g, TL("本月应报", "Due (month)"), 1);
	grid_col(g, TL("本月已报", "Filed (month)"), 1);
	grid_col(g, TL("本月按时", "On time (month)"), 1);
	grid_col(g, TL("年度报送率(%)", "Reporting rate, YTD (%)"), 1);
	grid_col(g, TL("年度及时率(%)", "Timeliness, YTD (%)"), 1);
	snprintf(h, sizeof h,
	    TL("%u日内录入率(%%)",
		"Records within %u days"
		" (%%)"),
	    d->timely_days);
	grid_col(g, h, 1);
	grid_col(g, TL("记录数", "Records"), 1);
	for (i = 0; i < d->n_units; i++) {
		const Popstat__BulletinUnit *u = d->units[i];

		grid_text(g, u->unit);
		grid_text(g, u->name);
		grid_int(g, u->due_month);
		grid_int(g, u->filed_month);
		grid_int(g, u->on_time_month);
		grid_pct(g, u->filed_ytd, u->due_ytd,
		    u->filed_ytd < u->due_ytd);
		grid_pct(g, u->on_time_ytd, u->due_ytd, 0);
		grid_pct(g, u->records_timely, u->records, 0);
		grid_int(g, u->records);
		grid_end_row(g);
	}
	return g;
}

/* The overdue tasks of departments (dept) or townships, as the bulletin
 * lists them in two tables; NULL when there are none. */
static struct grid *
tasks_sheet(const Popstat__BulletinData *d, int lang, int dept)
{
	struct grid *g = grid_new(dept ?
		TL("逾期任务（部门）", "Overdue tasks (departments)") :
		TL("逾期任务（乡镇）", "Overdue tasks (townships)"));
	size_t i;

	grid_col(g, dept ? TL("部门", "Department") : TL("单位", "Unit"), 0);
	grid_col(g, TL("任务", "Task"), 0);
	grid_col(g, TL("责任人", "Responsible"), 0);
	grid_col(g, TL("截止日期", "Due"), 0);
	grid_col(g, TL("进度(%)", "Progress (%)"), 1);
	for (i = 0; i < d->n_overdue; i++) {
		const Popstat__Task *t = d->overdue[i];

		if ((strcmp(t->owner_kind, "department") == 0) != dept)
			continue;
		grid_text(g, t->owner_name);
		grid_text(g, t->title);
		grid_text(g, t->person ? t->person : "");
		grid_text_mark(g, t->due, 1);
		grid_note(g, TL("已逾期", "overdue"));
		grid_int(g, t->progress);
		grid_end_row(g);
	}
	if (grid_rows(g) == 0) {
		grid_free(g);
		return NULL;
	}
	return g;
}

static struct grid *
warning_sheet(const Popstat__WarningOk *w, int lang)
{
	struct grid *g = grid_new(TL("预警", "Early warning"));
	size_t i, k, nc = 0;
	char h[128];

	for (i = 0; i < w->n_rows; i++)
		if (w->rows[i]->n_indicators > nc)
			nc = w->rows[i]->n_indicators;
	grid_col(g, TL("单位代码", "Code"), 0);
	grid_col(g, TL("单位", "Unit"), 0);
	for (k = 0; k < nc; k++) {
		const char *in = "";

		for (i = 0; i < w->n_rows; i++)
			if (k < w->rows[i]->n_indicators)
				in = w->rows[i]->indicators[k]->indicator;
		in = warning_indicator_name(in, lang == LANG_ZH);
		snprintf(h, sizeof h, TL("%s预计(‰)", "%s projected (‰)"), in);
		grid_col(g, h, 1);
		snprintf(h, sizeof h, TL("%s余量(人)", "%s headroom (births)"),
		    in);
		grid_col(g, h, 1);
		grid_col(g, TL("超标风险(%)", "Risk (%)"), 1);
		grid_col(g, TL("预警", "Level"), 0);
	}
	for (i = 0; i < w->n_rows; i++) {
		const Popstat__WarningRow *r = w->rows[i];

		grid_text(g, r->unit);
		grid_text(g, r->name);
		for (k = 0; k < nc; k++) {
			const Popstat__WarningCell *x =
			    k < r->n_indicators ? r->indicators[k] : NULL;
			int over =
			    x && x->level && strcmp(x->level, "over") == 0;

			grid_num(g, x && x->has_projected, x ? x->projected : 0,
			    over);
			if (x && x->has_headroom)
				grid_int(g, x->headroom);
			else
				grid_text(g, "");
			grid_num(g, x && x->has_risk,
			    x && x->has_risk ? round(x->risk * 10000) / 100 : 0,
			    0);
			grid_text_mark(g,
			    x && x->level ?
				warning_level_name(x->level, lang == LANG_ZH) :
				"",
			    over);
		}
		grid_end_row(g);
	}
	return g;
}

static struct grid *
quality_sheet(const Popstat__QualityOk *q, int lang)
{
	struct grid *g = grid_new(TL("数据质量", "Data quality"));
	char detail[512];
	size_t i;

	grid_col(g, TL("单位代码", "Code"), 0);
	grid_col(g, TL("单位", "Unit"), 0);
	grid_col(g, TL("检查", "Check"), 0);
	grid_col(g, TL("情况", "Detail"), 0);
	for (i = 0; i < q->n_flags; i++) {
		quality_flag_text(detail, sizeof detail, q->flags[i],
		    lang == LANG_ZH);
		grid_text(g, q->flags[i]->unit);
		grid_text(g, q->flags[i]->name);
		grid_text(g,
		    quality_check_name(q->flags[i]->check, lang == LANG_ZH));
		grid_text(g, detail);
		grid_end_row(g);
	}
	return g;
}

int
bulletin_xlsx(const Popstat__BulletinData *d, int lang)
{
	struct grid *g[7];
	const char **names, **units;
	size_t nc = columns(d, &names, &units);
	int n = 0, rc;

	/* The tables of bulletin_render (common/bulletin.c), in its order
	 * and on its conditions: one sheet for each. */
	g[n++] = ranking_sheet(d, lang, names, units, nc);
	if (d->n_units > 0)
		g[n++] = yoy_sheet(d, lang, names, units, nc);
	g[n++] = reporting_sheet(d, lang);
	if ((g[n] = tasks_sheet(d, lang, 1)) != NULL)
		n++;
	if ((g[n] = tasks_sheet(d, lang, 0)) != NULL)
		n++;
	if (d->warning)
		g[n++] = warning_sheet(d->warning, lang);
	if (d->quality && d->quality->n_flags > 0)
		g[n++] = quality_sheet(d->quality, lang);
	rc = out_grids(g, n);
	free(names);
	free(units);
	return rc;
}
