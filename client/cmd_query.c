/*
 * cmd_query.c - status, ranking, verify-report, indicator and target.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "client.h"
#include "csvout.h"
#include "grid.h"
#include "lang.h"
#include "report.h"
#include "sbuf.h"
#include "sheets.h"
#include "warnrep.h"

static void
fmt2(char *buf, size_t n, int has, double v)
{
	if (has)
		snprintf(buf, n, "%.2f", v);
	else
		snprintf(buf, n, "-");
}

#define T(zh, en) (opt.lang == LANG_ZH ? (zh) : (en))

/* A counter's label in the reader's language. */
static const char *
counter_label(const char *name)
{
	return counter_name(name, opt.lang);
}

/* An indicator's column header: the bulletin's term in Chinese. */
static const char *
indicator_label(const char *name)
{
	return opt.lang == LANG_ZH ? bulletin_indicator_name(name, LANG_ZH) :
				     name;
}

/* A status or result in the reader's language (met, 达标, ...). */
static const char *
status_label(const char *s)
{
	return opt.lang == LANG_ZH ? bulletin_status_name(s, LANG_ZH) : s;
}

static int
status_table(const Popstat__StatusOk *s)
{
	struct grid *g = grid_new(T("考核情况", "status"));
	char score[32];
	size_t k;

	fmt2(score, sizeof score, s->has_score, s->score);
	if (!opt.xlsx) {
		if (opt.lang == LANG_ZH)
			printf("%s %s  %s 至 %s（%u天）\n考核结果：%s  "
			       "得分：%s\n\n",
			    tx(s->unit), tx(s->name), s->period->start,
			    s->period->end, s->period->days,
			    status_label(s->status), score);
		else
			printf("%s %s  %s .. %s (%u days)\nstatus: %s  score: "
			       "%s\n\n",
			    tx(s->unit), tx(s->name), s->period->start,
			    s->period->end, s->period->days, s->status, score);
	}
	grid_col(g, T("指标", "indicator"), 0);
	grid_col(g, T("本期值", "value"), 1);
	grid_col(g, T("年化值", "annualized"), 1);
	grid_col(g, T("单位", "unit"), 0);
	grid_col(g, T("目标", "target"), 0);
	grid_col(g, T("考核值", "judged"), 1);
	grid_col(g, T("结果", "result"), 0);
	grid_col(g, T("去年同期", "last year"), 1);
	grid_col(g, T("同比", "yoy"), 1);
	for (k = 0; k < s->n_indicators; k++) {
		Popstat__IndicatorResult *in = s->indicators[k];
		int missed = in->result && strcmp(in->result, "missed") == 0;
		int yoy = in->has_yoy_value && in->has_yoy_change;
		char tg[64];

		if (in->target)
			snprintf(tg, sizeof tg, "%s %.15g%s", in->target->op,
			    in->target->value,
			    in->target->veto ? T(" 一票否决", " veto") : "");
		else
			snprintf(tg, sizeof tg, "-");
		grid_text(g, indicator_label(in->name));
		grid_num(g, in->has_value, in->value, 0);
		if (in->has_annualized)
			grid_num(g, 1, in->annualized, 0);
		else
			grid_text(g, "");
		grid_text(g, bulletin_unit_name(in->unit, opt.lang));
		grid_text(g, tg);
		if (in->target) {
			grid_num(g, in->has_judged, in->judged, missed);
			if (missed) {
				char note[96];

				snprintf(note, sizeof note,
				    T("未达标：目标 %s", "missed: target %s"),
				    tg);
				grid_note(g, note);
			}
		} else
			grid_text(g, "");
		if (in->result && in->na_reason) {
			char why[128];

			/* The Chinese reason has its own （）: one level. */
			snprintf(why, sizeof why,
			    opt.lang == LANG_ZH ? "%s：%s" : "%s (%s)",
			    status_label(in->result),
			    na_reason_text(in->na_reason, opt.lang == LANG_ZH));
			grid_text(g, why);
		} else
			grid_text_mark(g,
			    in->result ? status_label(in->result) : "", missed);
		grid_num(g, yoy, in->yoy_value, 0);
		grid_change(g, yoy, in->yoy_change);
		grid_end_row(g);
	}
	if (opt.xlsx) {
		struct grid *c = grid_new(T("计数", "counters"));

		grid_col(c, T("计数", "counter"), 0);
		grid_col(c, T("数值", "value"), 1);
		for (k = 0; k < s->n_counters; k++) {
			grid_text(c, counter_label(s->counters[k]->name));
			if (!s->counters[k]->has_value)
				grid_num(c, 0, 0, 0);
			else if (s->counters[k]->integer)
				grid_int(c, (long long)s->counters[k]->value);
			else
				grid_num(c, 1, s->counters[k]->value, 0);
			grid_end_row(c);
		}
		{
			struct grid *two[2] = { g, c };

			return out_grids(two, 2);
		}
	}
	out_grids(&g, 1);
	printf(T("\n计数：", "\ncounters:"));
	for (k = 0; k < s->n_counters; k++) {
		Popstat__CounterValue *c = s->counters[k];

		if (!c->has_value)
			printf(" %s=%s", counter_label(c->name),
			    T("未知", "unknown"));
		else if (c->integer)
			printf(" %s=%.0f", counter_label(c->name), c->value);
		else
			printf(" %s=%.1f", counter_label(c->name), c->value);
	}
	printf("\n");
	if (s->n_unknown_population) {
		printf(T("无人口数：", "no population: "));
		for (k = 0; k < s->n_unknown_population; k++)
			printf("%s%s", k ? T("、", ", ") : "",
			    tx(s->unknown_population[k]));
		printf(T("（下级单位无人口记录）\n",
		    " (units below without a population record)\n"));
	}
	return 0;
}

/* Index of name in r's yoy_names, or -1. */
static int
yoy_index(const Popstat__RankingOk *r, const char *name)
{
	size_t k;

	for (k = 0; k < r->n_yoy_names; k++)
		if (strcmp(r->yoy_names[k], name) == 0)
			return (int)k;
	return -1;
}

/* The short English header of a target indicator in the compact table. */
static const char *
short_label(const char *name)
{
	static const char *const m[][2] = {
		{ "birth_rate", "birth ‰" },
		{ "natural_growth_rate", "growth ‰" },
		{ "birth_error_rate", "error %" },
		{ "policy_rate", "policy %" },
	};
	size_t i;

	if (opt.lang == LANG_ZH)
		return bulletin_indicator_name(name, LANG_ZH);
	for (i = 0; i < sizeof m / sizeof m[0]; i++)
		if (strcmp(m[i][0], name) == 0)
			return m[i][1];
	return name;
}

/*
 * The ranking as a table: by default compact (rank, name, status, score,
 * and each target indicator with its 同比: fits 120 columns); --wide and
 * workbooks: the unit code and every indicator too.
 */
static int
ranking_table(const Popstat__RankingOk *r)
{
	struct grid *g = grid_new(T("排名", "ranking"));
	int wide = opt.wide || opt.xlsx;
	size_t i, k;

	if (!opt.xlsx) {
		if (opt.lang == LANG_ZH)
			printf("%s %s  %s 至 %s（%u天）%s%s\n\n", tx(r->parent),
			    tx(r->parent_name), r->period->start,
			    r->period->end, r->period->days,
			    r->indicator ? "  按" : "",
			    r->indicator ? indicator_label(r->indicator) : "");
		else
			printf("%s %s  %s .. %s (%u days)%s%s\n\n",
			    tx(r->parent), tx(r->parent_name), r->period->start,
			    r->period->end, r->period->days,
			    r->indicator ? "  ranked by " : "",
			    r->indicator ? r->indicator : "");
	}
	grid_col(g, T("名次", "rank"), 1);
	if (wide)
		grid_col(g, T("代码", "unit"), 0);
	grid_col(g, T("单位", "name"), 0);
	grid_col(g, T("考核结果", "status"), 0);
	grid_col(g, T("得分", "score"), 1);
	for (k = 0; k < r->n_indicator_names; k++) {
		int y = yoy_index(r, r->indicator_names[k]);

		if (!wide && y < 0)
			continue;
		grid_col(g,
		    wide ? indicator_label(r->indicator_names[k]) :
			   short_label(r->indicator_names[k]),
		    1);
		if (y >= 0)
			grid_col(g, T("同比", "yoy"), 1);
	}
	for (i = 0; i < r->n_rows; i++) {
		const Popstat__RankRow *row = r->rows[i];
		int bad = strcmp(row->status, "veto") == 0 ||
		    strcmp(row->status, "missed") == 0;

		if (row->rank)
			grid_int(g, row->rank);
		else
			grid_text(g, "-");
		if (wide)
			grid_text(g, opt.xlsx ? row->unit : tx(row->unit));
		grid_text(g, opt.xlsx ? row->name : tx(row->name));
		grid_text_mark(g, status_label(row->status), bad);
		if (strcmp(row->status, "veto") == 0)
			grid_note(g,
			    T("一票否决：否决指标未达标，排在最后",
				"veto: a veto target missed, ranked last"));
		grid_num(g, row->has_score, row->score, 0);
		for (k = 0; k < r->n_indicator_names; k++) {
			int y = yoy_index(r, r->indicator_names[k]), has, hy;
			double v, yv, yc;

			if (!wide && y < 0)
				continue;
			has = rank_row_value(row, k, &v);
			grid_num(g, has, v, k < 64 && (row->missed >> k & 1));
			if (k < 64 && (row->missed >> k & 1))
				grid_note(g, T("未达标", "target missed"));
			if (y >= 0) {
				hy = rank_row_yoy(row, (size_t)y, &yv, &yc);
				grid_change(g, hy, yc);
			}
		}
		grid_end_row(g);
	}
	return out_grids(&g, 1);
}

/*
 * status --csv: one row per indicator, English keys (doc/indicators.md
 * §14), the unit's code and name on every row so rows can be pasted
 * together; text through csv_put_text (issue 21 item 8).
 */
static void
status_csv(sbuf *b, const Popstat__StatusOk *s)
{
	size_t k;

	sbuf_puts(b,
	    "unit,name,start,end,status,score,indicator,value,"
	    "annualized,indicator_unit,op,target,veto,weight,judged,result,"
	    "yoy_value,yoy_change\n");
	for (k = 0; k < s->n_indicators; k++) {
		const Popstat__IndicatorResult *in = s->indicators[k];
		int yoy = in->has_yoy_value && in->has_yoy_change;

		csv_put_text(b, s->unit);
		sbuf_putc(b, ',');
		csv_put_text(b, s->name);
		sbuf_printf(b, ",%s,%s,%s,", s->period->start, s->period->end,
		    s->status);
		if (s->has_score)
			sbuf_printf(b, "%.2f", s->score);
		sbuf_putc(b, ',');
		csv_put_text(b, in->name);
		sbuf_putc(b, ',');
		if (in->has_value)
			sbuf_printf(b, "%.2f", in->value);
		sbuf_putc(b, ',');
		if (in->has_annualized)
			sbuf_printf(b, "%.2f", in->annualized);
		sbuf_putc(b, ',');
		csv_put_text(b, in->unit);
		if (in->target)
			sbuf_printf(b, ",%s,%.15g,%s,%.15g,", in->target->op,
			    in->target->value,
			    in->target->veto ? "true" : "false",
			    in->target->weight);
		else
			sbuf_puts(b, ",,,,,");
		if (in->target && in->has_judged)
			sbuf_printf(b, "%.2f", in->judged);
		sbuf_printf(b, ",%s,", in->result ? in->result : "");
		if (yoy)
			sbuf_printf(b, "%.2f,%.2f", in->yoy_value,
			    fabs(in->yoy_change) < 0.005 ? 0.0 :
							   in->yoy_change);
		else
			sbuf_putc(b, ',');
		sbuf_putc(b, '\n');
	}
}

/* The options of status and verify-report. */
static const char *const unit_period[] = { "--unit", "--period", "--as-of" };

static const char status_usage[] =
    "usage: popstat status --unit CODE --period P [--as-of DATE]\n"
    "                      [--json | --csv | --format xlsx --output FILE]\n"
    "  Counters, indicators and target status of one unit over a period.\n"
    "  Periods: 2026, SY2026, 2026H1, 2026Q3, 2026-11, 2026-11D2,"
    " 2026-11-05,\n"
    "           2026-01-01..2026-06-30, 2026YTD (up to today or --as-of).\n";

int
cmd_status(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__StatusQuery q = POPSTAT__STATUS_QUERY__INIT;
	Popstat__Envelope *reply;
	Popstat__StatusOk *s;
	struct opts o;
	int rc;

	if (args_help(argc, argv)) {
		fputs(status_usage, stdout);
		return 0;
	}
	if ((rc = args_parse("status", argc, argv, unit_period, 3, NULL, 0, &o,
		 0)) != 0)
		return rc;
	if (o.v[0] == NULL || o.v[1] == NULL)
		return args_usage_error("status",
		    "needs --unit CODE and --period P");
	if (opt.json && opt.csv)
		return args_usage_error("status", "--json or --csv, not both");
	if ((rc = out_check("status", opt.csv)) != 0)
		return rc;
	q.unit = (char *)o.v[0];
	q.period = (char *)o.v[1];
	q.as_of = (char *)o.v[2];
	rq.body_case = POPSTAT__REQUEST__BODY_STATUS;
	rq.status = &q;
	if ((rc = client_simple(&rq, "status", &reply)) != 0)
		return rc;
	s = reply->response->status;
	if (opt.json) {
		sbuf b;

		sbuf_init(&b);
		report_status_json(&b, s);
		fputs(sbuf_str(&b), stdout);
		sbuf_free(&b);
	} else if (opt.csv) {
		sbuf b;

		sbuf_init(&b);
		status_csv(&b, s);
		rc = out_csv("status", &b);
		sbuf_free(&b);
	} else
		rc = status_table(s);
	popstat__envelope__free_unpacked(reply, NULL);
	return rc;
}

static const char ranking_usage[] =
    "usage: popstat ranking --parent CODE --period P [--indicator NAME]"
    " [--as-of DATE]\n"
    "                       [--json | --csv | --format xlsx --output FILE]\n"
    "  Rank the units directly under CODE: vetoed units below all others,"
    " then by\n"
    "  score; with --indicator, by that indicator in its target's"
    " direction.\n";

int
cmd_ranking(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__RankingQuery q = POPSTAT__RANKING_QUERY__INIT;
	Popstat__Envelope *reply;
	Popstat__RankingOk *r;
	static const char *const names[] = { "--parent", "--period", "--as-of",
		"--indicator" };
	struct opts o;
	int rc;
	sbuf b;

	if (args_help(argc, argv)) {
		fputs(ranking_usage, stdout);
		return 0;
	}
	if ((rc = args_parse("ranking", argc, argv, names, 4, NULL, 0, &o,
		 0)) != 0)
		return rc;
	if (o.v[0] == NULL || o.v[1] == NULL)
		return args_usage_error("ranking",
		    "needs --parent CODE and --period P");
	q.parent = (char *)o.v[0];
	q.period = (char *)o.v[1];
	q.as_of = (char *)o.v[2];
	q.indicator = (char *)o.v[3];
	if (opt.json && opt.csv)
		return args_usage_error("ranking", "--json or --csv, not both");
	if ((rc = out_check("ranking", opt.csv)) != 0)
		return rc;
	rq.body_case = POPSTAT__REQUEST__BODY_RANKING;
	rq.ranking = &q;
	if ((rc = client_simple(&rq, "ranking", &reply)) != 0)
		return rc;
	r = reply->response->ranking;
	sbuf_init(&b);
	if (opt.json)
		report_ranking_json(&b, r);
	else if (opt.csv) {
		report_ranking_csv(&b, r);
		rc = out_csv("ranking", &b);
	} else
		rc = ranking_table(r);
	if (opt.json)
		fputs(sbuf_str(&b), stdout);
	sbuf_free(&b);
	popstat__envelope__free_unpacked(reply, NULL);
	return rc;
}

static const char verify_usage[] =
    "usage: popstat verify-report --unit CODE --period P [--as-of DATE]"
    " [--json]\n"
    "  Verification records with no reported birth of the same mother in"
    " the same\n"
    "  unit within 30 days: the births the statistics missed.\n";

int
cmd_verify_report(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__VerifyReport q = POPSTAT__VERIFY_REPORT__INIT;
	Popstat__Envelope *reply;
	Popstat__VerifyReportOk *v;
	struct opts o;
	int rc;
	size_t k;

	if (args_help(argc, argv)) {
		fputs(verify_usage, stdout);
		return 0;
	}
	if ((rc = args_parse("verify-report", argc, argv, unit_period, 3, NULL,
		 0, &o, 0)) != 0)
		return rc;
	if (o.v[0] == NULL || o.v[1] == NULL)
		return args_usage_error("verify-report",
		    "needs --unit and --period");
	q.unit = (char *)o.v[0];
	q.period = (char *)o.v[1];
	q.as_of = (char *)o.v[2];
	rq.body_case = POPSTAT__REQUEST__BODY_VERIFY_REPORT;
	rq.verify_report = &q;
	if ((rc = client_simple(&rq, "verify-report", &reply)) != 0)
		return rc;
	v = reply->response->verify_report;
	if (opt.json) {
		sbuf b;

		sbuf_init(&b);
		report_verify_json(&b, v);
		fputs(sbuf_str(&b), stdout);
		sbuf_free(&b);
	} else {
		static const char *const en[] = { "record_id", "unit", "name",
			"date" };
		static const char *const zh[] = { "核查记录编号", "单位代码",
			"单位", "核查日期" };
		struct table *t = table_new(4, opt.lang == LANG_ZH ? zh : en);

		for (k = 0; k < v->n_missed; k++) {
			const char *row[4] = { v->missed[k]->record_id,
				v->missed[k]->unit, v->missed[k]->unit_name,
				v->missed[k]->date };

			table_add(t, row);
		}
		if (v->n_missed)
			table_print(t, stdout);
		table_free(t);
		printf("%zu of %u verified births missing from the statistics"
		       " (%s .. %s)\n",
		    v->n_missed, v->verified, v->period->start, v->period->end);
	}
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

static const char indicator_usage[] =
    "usage: popstat indicator set NAME EXPR --unit ‰|%|TEXT\n"
    "       popstat indicator list [--json]\n"
    "  EXPR uses + - * / ( ) numbers and the counters: births, births_male,\n"
    "  births_female, births_policy, births_order3, deaths, mig_in,"
    " mig_out,\n"
    "  verified, verified_missed, pop_start, pop_end, pop_avg, days,"
    " year_days.\n"
    "  Indicators in ‰ are also annualized and judged annualized.\n";

static int
print_ack(Popstat__Envelope *reply)
{
	if (!opt.quiet &&
	    reply->response->body_case == POPSTAT__RESPONSE__BODY_ACK &&
	    reply->response->ack->message)
		printf("%s\n", reply->response->ack->message);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

static int
indicator_list(void)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__IndicatorList q = POPSTAT__INDICATOR_LIST__INIT;
	Popstat__Envelope *reply;
	Popstat__IndicatorListOk *l;
	static const char *const en[] = { "name", "expression", "unit",
		"target", "veto", "weight", "for" };
	static const char *const zh[] = { "指标", "计算式", "单位", "目标",
		"一票否决", "权重", "适用单位" };
	const char *const *hdr = opt.lang == LANG_ZH ? zh : en;
	struct table *t;
	size_t k, m;
	int rc;

	rq.body_case = POPSTAT__REQUEST__BODY_INDICATOR_LIST;
	rq.indicator_list = &q;
	if ((rc = client_simple(&rq, "indicator list", &reply)) != 0)
		return rc;
	l = reply->response->indicator_list;
	if (opt.json) {
		sbuf b;

		sbuf_init(&b);
		sbuf_puts(&b, "[");
		for (k = 0; k < l->n_indicators; k++) {
			Popstat__Indicator *in = l->indicators[k];

			sbuf_puts(&b, k ? ",\n {\"name\": " : "{\"name\": ");
			sbuf_json_str(&b, in->name);
			sbuf_puts(&b, ", \"expr\": ");
			sbuf_json_str(&b, in->expr);
			sbuf_puts(&b, ", \"unit\": ");
			sbuf_json_str(&b, in->unit);
			sbuf_puts(&b, ", \"targets\": [");
			for (m = 0; m < in->n_targets; m++) {
				Popstat__TargetInfo *ti = in->targets[m];

				sbuf_puts(&b, m ? ", {\"op\": " : "{\"op\": ");
				sbuf_json_str(&b, ti->op);
				sbuf_puts(&b, ", \"value\": ");
				report_json_g(&b, ti->value);
				sbuf_printf(&b, ", \"veto\": %s, \"weight\": ",
				    ti->veto ? "true" : "false");
				report_json_g(&b, ti->weight);
				sbuf_puts(&b, ", \"unit\": ");
				if (ti->unit)
					sbuf_json_str(&b, ti->unit);
				else
					sbuf_puts(&b, "null");
				sbuf_puts(&b, "}");
			}
			sbuf_puts(&b, "]}");
		}
		sbuf_puts(&b, "]\n");
		fputs(sbuf_str(&b), stdout);
		sbuf_free(&b);
		popstat__envelope__free_unpacked(reply, NULL);
		return 0;
	}
	t = table_new(7, hdr);
	for (k = 0; k < l->n_indicators; k++) {
		Popstat__Indicator *in = l->indicators[k];
		const char *row[7] = { in->name, in->expr,
			bulletin_unit_name(in->unit, opt.lang), "-", "", "",
			"" };

		if (in->n_targets == 0)
			table_add(t, row);
		for (m = 0; m < in->n_targets; m++) {
			char tg[64], w[32];

			snprintf(tg, sizeof tg, "%s %.15g", in->targets[m]->op,
			    in->targets[m]->value);
			snprintf(w, sizeof w, "%.15g", in->targets[m]->weight);
			row[3] = tg;
			row[4] = in->targets[m]->veto ? T("是", "yes") :
							T("否", "no");
			row[5] = w;
			row[6] = in->targets[m]->unit ?
			    in->targets[m]->unit :
			    T("全部单位", "all units");
			table_add(t, row);
			row[0] = row[1] = row[2] = "";
		}
	}
	table_print(t, stdout);
	table_free(t);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

int
cmd_indicator(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__IndicatorSet q = POPSTAT__INDICATOR_SET__INIT;
	Popstat__Envelope *reply;
	int i, npos = 0, rc;

	if (argc < 2 || args_help(argc, argv)) {
		fputs(indicator_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "list") == 0) {
		if (argc > 2)
			return args_usage_error("indicator list",
			    "unexpected '%s'", argv[2]);
		return indicator_list();
	}
	if (strcmp(argv[1], "set") != 0)
		return args_usage_error("indicator", "unknown subcommand '%s'",
		    argv[1]);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--unit") == 0 && i + 1 < argc)
			q.unit = argv[++i];
		else if (npos == 0 && (npos = 1))
			q.name = argv[i];
		else if (npos == 1 && (npos = 2))
			q.expr = argv[i];
		else
			return args_usage_error("indicator set",
			    "unexpected '%s'", argv[i]);
	}
	if (q.name == NULL || q.expr == NULL || q.unit == NULL)
		return args_usage_error("indicator set",
		    "needs NAME EXPR --unit UNIT");
	rq.body_case = POPSTAT__REQUEST__BODY_INDICATOR_SET;
	rq.indicator_set = &q;
	if ((rc = client_simple(&rq, "indicator set", &reply)) != 0)
		return rc;
	return print_ack(reply);
}

static const char target_usage[] =
    "usage: popstat target set INDICATOR OP VALUE [--veto | --no-veto]"
    " [--weight W]\n"
    "                          [--unit CODE]\n"
    "       popstat target delete INDICATOR [--unit CODE]\n"
    "       popstat target list\n"
    "  OP is <=, >=, < or >.  --unit sets an override for one unit only.\n"
    "  Flags not given keep their value (a new override inherits the"
    " default).\n";

static int
parse_number(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && isfinite(*out) ? 0 :
									  -1;
}

int
cmd_target(int argc, char **argv)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__TargetSet q = POPSTAT__TARGET_SET__INIT;
	Popstat__TargetDelete d = POPSTAT__TARGET_DELETE__INIT;
	Popstat__Envelope *reply;
	const char *pos[3];
	int i, npos = 0, rc;

	if (argc < 2 || args_help(argc, argv)) {
		fputs(target_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "list") == 0)
		return indicator_list();
	if (strcmp(argv[1], "delete") == 0) {
		for (i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--unit") == 0 && i + 1 < argc)
				d.unit = argv[++i];
			else if (d.indicator == NULL)
				d.indicator = argv[i];
			else
				return args_usage_error("target delete",
				    "unexpected '%s'", argv[i]);
		}
		if (d.indicator == NULL)
			return args_usage_error("target delete",
			    "needs INDICATOR");
		rq.body_case = POPSTAT__REQUEST__BODY_TARGET_DELETE;
		rq.target_delete = &d;
		if ((rc = client_simple(&rq, "target delete", &reply)) != 0)
			return rc;
		return print_ack(reply);
	}
	if (strcmp(argv[1], "set") != 0)
		return args_usage_error("target", "unknown subcommand '%s'",
		    argv[1]);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--veto") == 0) {
			q.has_veto = 1;
			q.veto = 1;
		} else if (strcmp(argv[i], "--no-veto") == 0) {
			q.has_veto = 1;
			q.veto = 0;
		} else if (strcmp(argv[i], "--weight") == 0 && i + 1 < argc) {
			q.has_weight = 1;
			if (parse_number(argv[++i], &q.weight) < 0)
				return args_usage_error("target set",
				    "--weight %s: not"
				    " a number",
				    argv[i]);
		} else if (strcmp(argv[i], "--unit") == 0 && i + 1 < argc)
			q.unit = argv[++i];
		else if (npos < 3 && (argv[i][0] != '-' || argv[i][1] != '-'))
			pos[npos++] = argv[i];
		else
			return args_usage_error("target set", "unexpected '%s'",
			    argv[i]);
	}
	if (npos != 3)
		return args_usage_error("target set",
		    "needs INDICATOR OP VALUE");
	q.indicator = (char *)pos[0];
	q.op = (char *)pos[1];
	if (parse_number(pos[2], &q.value) < 0)
		return args_usage_error("target set",
		    "VALUE '%s' is not a number", pos[2]);
	rq.body_case = POPSTAT__REQUEST__BODY_TARGET_SET;
	rq.target_set = &q;
	if ((rc = client_simple(&rq, "target set", &reply)) != 0)
		return rc;
	return print_ack(reply);
}
