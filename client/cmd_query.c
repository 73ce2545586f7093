/*
 * cmd_query.c - status, ranking, verify-report, indicator and target.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "report.h"
#include "sbuf.h"
#include "warnrep.h"

static void
fmt2(char *buf, size_t n, int has, double v)
{
	if (has)
		snprintf(buf, n, "%.2f", v);
	else
		snprintf(buf, n, "-");
}

/* The options of status and verify-report. */
static const char *const unit_period[] = { "--unit", "--period", "--as-of" };

static const char status_usage[] =
    "usage: popstat status --unit CODE --period P [--as-of DATE] [--json]\n"
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
	size_t k;

	if (wants_help(argc, argv)) {
		fputs(status_usage, stdout);
		return 0;
	}
	if ((rc = parse_opts("status", argc, argv, unit_period, 3, NULL, 0, &o,
	    0)) != 0)
		return rc;
	if (o.v[0] == NULL || o.v[1] == NULL)
		return usage_error("status", "needs --unit CODE and --period P");
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
	} else {
		static const char *const hdr[] = { "indicator", "value",
			"annualized", "unit", "target", "judged", "result" };
		struct table *t = table_new(7, hdr);
		char v[32], a[32], j[32], tg[64], score[32], why[2][96];

		fmt2(score, sizeof score, s->has_score, s->score);
		printf("%s %s  %s .. %s (%u days)\nstatus: %s  score: %s\n\n",
		    tx(s->unit), tx(s->name), s->period->start, s->period->end,
		    s->period->days, s->status, score);
		table_align_right(t, 1);
		table_align_right(t, 2);
		table_align_right(t, 5);
		for (k = 0; k < s->n_indicators; k++) {
			Popstat__IndicatorResult *in = s->indicators[k];
			const char *row[7];

			fmt2(v, sizeof v, in->has_value, in->value);
			fmt2(a, sizeof a, in->has_annualized, in->annualized);
			fmt2(j, sizeof j, in->has_judged && in->target, in->judged);
			if (in->target)
				snprintf(tg, sizeof tg, "%s %.15g%s", in->target->op,
				    in->target->value, in->target->veto ?
				    " veto" : "");
			else
				snprintf(tg, sizeof tg, "-");
			row[0] = in->name;
			row[1] = v;
			row[2] = in->has_annualized ? a : "";
			row[3] = in->unit;
			row[4] = tg;
			row[5] = in->target ? j : "";
			row[6] = in->result ? in->result : "";
			if (in->na_reason) {
				snprintf(why[k % 2], sizeof why[0], "%s (%s)",
				    row[6], na_reason_text(in->na_reason, 0));
				row[6] = why[k % 2];
			}
			table_add(t, row);
		}
		table_print(t, stdout);
		table_free(t);
		printf("\ncounters:");
		for (k = 0; k < s->n_counters; k++) {
			Popstat__CounterValue *c = s->counters[k];

			if (!c->has_value)
				printf(" %s=unknown", c->name);
			else if (c->integer)
				printf(" %s=%.0f", c->name, c->value);
			else
				printf(" %s=%.1f", c->name, c->value);
		}
		printf("\n");
		if (s->n_unknown_population) {
			printf("no population: ");
			for (k = 0; k < s->n_unknown_population; k++)
				printf("%s%s", k ? ", " : "",
				    tx(s->unknown_population[k]));
			printf(" (units below without a population record)\n");
		}
	}
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

static const char ranking_usage[] =
    "usage: popstat ranking --parent CODE --period P [--indicator NAME]"
    " [--as-of DATE]\n"
    "                       [--json | --csv]\n"
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
	size_t k, m;
	sbuf b;

	if (wants_help(argc, argv)) {
		fputs(ranking_usage, stdout);
		return 0;
	}
	if ((rc = parse_opts("ranking", argc, argv, names, 4, NULL, 0, &o,
	    0)) != 0)
		return rc;
	if (o.v[0] == NULL || o.v[1] == NULL)
		return usage_error("ranking", "needs --parent CODE and --period P");
	q.parent = (char *)o.v[0];
	q.period = (char *)o.v[1];
	q.as_of = (char *)o.v[2];
	q.indicator = (char *)o.v[3];
	if (opt.json && opt.csv)
		return usage_error("ranking", "--json or --csv, not both");
	rq.body_case = POPSTAT__REQUEST__BODY_RANKING;
	rq.ranking = &q;
	if ((rc = client_simple(&rq, "ranking", &reply)) != 0)
		return rc;
	r = reply->response->ranking;
	sbuf_init(&b);
	if (opt.json)
		report_ranking_json(&b, r);
	else if (opt.csv)
		report_ranking_csv(&b, r);
	fputs(sbuf_str(&b), stdout);
	sbuf_free(&b);
	if (!opt.json && !opt.csv) {
		size_t ncols = 5 + (r->n_rows ? r->n_indicator_names : 0);
		const char **cells = xcalloc(ncols, sizeof *cells);
		char **owned = xcalloc(ncols, sizeof *owned);
		struct table *t;

		printf("%s %s  %s .. %s (%u days)%s%s\n\n", tx(r->parent),
		    tx(r->parent_name), r->period->start, r->period->end,
		    r->period->days, r->indicator ? "  ranked by " : "",
		    r->indicator ? r->indicator : "");
		cells[0] = "rank";
		cells[1] = "unit";
		cells[2] = "name";
		cells[3] = "status";
		cells[4] = "score";
		for (k = 5; k < ncols; k++)
			cells[k] = r->indicator_names[k - 5];
		t = table_new((int)ncols, cells);
		table_align_right(t, 0);
		for (k = 4; k < ncols; k++)
			table_align_right(t, (int)k);
		for (k = 0; k < r->n_rows; k++) {
			Popstat__RankRow *row = r->rows[k];
			char buf[32];

			for (m = 0; m < ncols; m++) {
				free(owned[m]);
				owned[m] = NULL;
			}
			if (row->rank)
				snprintf(buf, sizeof buf, "%u", row->rank);
			else
				snprintf(buf, sizeof buf, "-");
			owned[0] = xstrdup(buf);
			cells[0] = owned[0];
			cells[1] = row->unit;
			cells[2] = row->name;
			cells[3] = row->status;
			fmt2(buf, sizeof buf, row->has_score, row->score);
			owned[4] = xstrdup(buf);
			cells[4] = owned[4];
			for (m = 5; m < ncols; m++) {
				double v;
				int has = rank_row_value(row, m - 5, &v);

				fmt2(buf, sizeof buf, has, v);
				owned[m] = xstrdup(buf);
				cells[m] = owned[m];
			}
			table_add(t, cells);
		}
		table_print(t, stdout);
		table_free(t);
		for (m = 0; m < ncols; m++)
			free(owned[m]);
		free(owned);
		free(cells);
	}
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
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

	if (wants_help(argc, argv)) {
		fputs(verify_usage, stdout);
		return 0;
	}
	if ((rc = parse_opts("verify-report", argc, argv, unit_period, 3, NULL,
	    0, &o, 0)) != 0)
		return rc;
	if (o.v[0] == NULL || o.v[1] == NULL)
		return usage_error("verify-report", "needs --unit and --period");
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
		static const char *const hdr[] = { "record_id", "unit", "name",
			"date" };
		struct table *t = table_new(4, hdr);

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
		    " (%s .. %s)\n", v->n_missed, v->verified, v->period->start,
		    v->period->end);
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
	if (!opt.quiet && reply->response->body_case ==
	    POPSTAT__RESPONSE__BODY_ACK && reply->response->ack->message)
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
	static const char *const hdr[] = { "name", "expression", "unit",
		"target", "veto", "weight", "for" };
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
		const char *row[7] = { in->name, in->expr, in->unit, "-", "", "",
			"" };

		if (in->n_targets == 0)
			table_add(t, row);
		for (m = 0; m < in->n_targets; m++) {
			char tg[64], w[32];

			snprintf(tg, sizeof tg, "%s %.15g", in->targets[m]->op,
			    in->targets[m]->value);
			snprintf(w, sizeof w, "%.15g", in->targets[m]->weight);
			row[3] = tg;
			row[4] = in->targets[m]->veto ? "yes" : "no";
			row[5] = w;
			row[6] = in->targets[m]->unit ? in->targets[m]->unit :
			    "all units";
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

	if (argc < 2 || wants_help(argc, argv)) {
		fputs(indicator_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "list") == 0) {
		if (argc > 2)
			return usage_error("indicator list", "unexpected '%s'",
			    argv[2]);
		return indicator_list();
	}
	if (strcmp(argv[1], "set") != 0)
		return usage_error("indicator", "unknown subcommand '%s'", argv[1]);
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--unit") == 0 && i + 1 < argc)
			q.unit = argv[++i];
		else if (npos == 0 && (npos = 1))
			q.name = argv[i];
		else if (npos == 1 && (npos = 2))
			q.expr = argv[i];
		else
			return usage_error("indicator set", "unexpected '%s'",
			    argv[i]);
	}
	if (q.name == NULL || q.expr == NULL || q.unit == NULL)
		return usage_error("indicator set", "needs NAME EXPR --unit UNIT");
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
	return errno == 0 && end != s && *end == '\0' && isfinite(*out) ? 0 : -1;
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

	if (argc < 2 || wants_help(argc, argv)) {
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
				return usage_error("target delete",
				    "unexpected '%s'", argv[i]);
		}
		if (d.indicator == NULL)
			return usage_error("target delete", "needs INDICATOR");
		rq.body_case = POPSTAT__REQUEST__BODY_TARGET_DELETE;
		rq.target_delete = &d;
		if ((rc = client_simple(&rq, "target delete", &reply)) != 0)
			return rc;
		return print_ack(reply);
	}
	if (strcmp(argv[1], "set") != 0)
		return usage_error("target", "unknown subcommand '%s'", argv[1]);
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
				return usage_error("target set", "--weight %s: not"
				    " a number", argv[i]);
		} else if (strcmp(argv[i], "--unit") == 0 && i + 1 < argc)
			q.unit = argv[++i];
		else if (npos < 3 && (argv[i][0] != '-' || argv[i][1] != '-'))
			pos[npos++] = argv[i];
		else
			return usage_error("target set", "unexpected '%s'", argv[i]);
	}
	if (npos != 3)
		return usage_error("target set", "needs INDICATOR OP VALUE");
	q.indicator = (char *)pos[0];
	q.op = (char *)pos[1];
	if (parse_number(pos[2], &q.value) < 0)
		return usage_error("target set", "VALUE '%s' is not a number",
		    pos[2]);
	rq.body_case = POPSTAT__REQUEST__BODY_TARGET_SET;
	rq.target_set = &q;
	if ((rc = client_simple(&rq, "target set", &reply)) != 0)
		return rc;
	return print_ack(reply);
}
