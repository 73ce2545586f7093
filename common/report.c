/*
 * report.c - JSON and CSV renderings of status and ranking replies.
 */
#include "report.h"

#include <math.h>
#include <stdio.h>

#include "csvout.h"

void
report_json_g(sbuf *b, double v)
{
	if (!isfinite(v))
		sbuf_puts(b, "null");
	else
		sbuf_printf(b, "%.15g", v);
}

void
report_num2_or_null(sbuf *b, int has, double v)
{
	if (has)
		sbuf_json_num2(b, v);
	else
		sbuf_puts(b, "null");
}

void
report_period_json(sbuf *b, const Popstat__Period *p)
{
	sbuf_puts(b, "{\"start\": ");
	sbuf_json_str(b, p->start);
	sbuf_puts(b, ", \"end\": ");
	sbuf_json_str(b, p->end);
	sbuf_printf(b, ", \"days\": %u}", p->days);
}

/* 同比 (doc/indicators.md §14): {"value": V, "change": C} or null. */
static void
yoy_json(sbuf *b, int has, double v, double c)
{
	if (!has) {
		sbuf_puts(b, "null");
		return;
	}
	sbuf_puts(b, "{\"value\": ");
	sbuf_json_num2(b, v);
	sbuf_puts(b, ", \"change\": ");
	sbuf_json_num2(b, c);
	sbuf_puts(b, "}");
}

void
report_status_json(sbuf *b, const Popstat__StatusOk *s)
{
	size_t i;

	sbuf_puts(b, "{\"unit\": ");
	sbuf_json_str(b, s->unit);
	sbuf_puts(b, ", \"name\": ");
	sbuf_json_str(b, s->name);
	sbuf_puts(b, ",\n \"period\": ");
	report_period_json(b, s->period);
	sbuf_puts(b, ",\n \"status\": ");
	sbuf_json_str(b, s->status);
	sbuf_puts(b, ", \"score\": ");
	report_num2_or_null(b, s->has_score, s->score);
	sbuf_puts(b, ",\n \"counters\": {");
	for (i = 0; i < s->n_counters; i++) {
		const Popstat__CounterValue *c = s->counters[i];

		if (i)
			sbuf_puts(b, ", ");
		sbuf_json_str(b, c->name);
		sbuf_puts(b, ": ");
		if (!c->has_value)
			sbuf_puts(b, "null");
		else if (c->integer)
			sbuf_printf(b, "%.0f", c->value);
		else
			sbuf_json_num2(b, c->value);
	}
	sbuf_puts(b, "},\n \"indicators\": [");
	for (i = 0; i < s->n_indicators; i++) {
		const Popstat__IndicatorResult *in = s->indicators[i];

		sbuf_puts(b, i ? ",\n   {\"name\": " : "\n   {\"name\": ");
		sbuf_json_str(b, in->name);
		sbuf_puts(b, ", \"value\": ");
		report_num2_or_null(b, in->has_value, in->value);
		sbuf_puts(b, ", \"annualized\": ");
		report_num2_or_null(b, in->has_annualized, in->annualized);
		sbuf_puts(b, ", \"unit\": ");
		sbuf_json_str(b, in->unit);
		sbuf_puts(b, ",\n    \"target\": ");
		if (in->target) {
			sbuf_puts(b, "{\"op\": ");
			sbuf_json_str(b, in->target->op);
			sbuf_puts(b, ", \"value\": ");
			report_json_g(b, in->target->value);
			sbuf_printf(b, ", \"veto\": %s, \"weight\": ",
			    in->target->veto ? "true" : "false");
			report_json_g(b, in->target->weight);
			sbuf_puts(b, "}");
		} else
			sbuf_puts(b, "null");
		sbuf_puts(b, ",\n    \"judged\": ");
		report_num2_or_null(b, in->has_judged, in->judged);
		sbuf_puts(b, ", \"result\": ");
		if (in->result)
			sbuf_json_str(b, in->result);
		else
			sbuf_puts(b, "null");
		sbuf_puts(b, ",\n    \"yoy\": ");
		yoy_json(b, in->has_yoy_value && in->has_yoy_change,
		    in->yoy_value, in->yoy_change);
		sbuf_puts(b, "}");
	}
	sbuf_puts(b, "]}\n");
}

void
report_ranking_json(sbuf *b, const Popstat__RankingOk *r)
{
	size_t i, k;

	sbuf_puts(b, "{\"parent\": ");
	sbuf_json_str(b, r->parent);
	sbuf_puts(b, ", \"period\": ");
	report_period_json(b, r->period);
	if (r->indicator) {
		sbuf_puts(b, ", \"indicator\": ");
		sbuf_json_str(b, r->indicator);
	}
	sbuf_puts(b, ",\n \"rows\": [");
	for (i = 0; i < r->n_rows; i++) {
		const Popstat__RankRow *row = r->rows[i];

		sbuf_puts(b, i ? ",\n   {\"rank\": " : "\n   {\"rank\": ");
		/* Rank 0: no rank (no score, doc/indicators.md §7). */
		if (row->rank)
			sbuf_printf(b, "%u", row->rank);
		else
			sbuf_puts(b, "null");
		sbuf_puts(b, ", \"unit\": ");
		sbuf_json_str(b, row->unit);
		sbuf_puts(b, ", \"name\": ");
		sbuf_json_str(b, row->name);
		sbuf_puts(b, ", \"status\": ");
		sbuf_json_str(b, row->status);
		sbuf_puts(b, ", \"score\": ");
		report_num2_or_null(b, row->has_score, row->score);
		sbuf_puts(b, ",\n    \"indicators\": {");
		for (k = 0; k < rank_row_count(row) && k < r->n_indicator_names;
		     k++) {
			double v;
			int has = rank_row_value(row, k, &v);

			if (k)
				sbuf_puts(b, ", ");
			sbuf_json_str(b, r->indicator_names[k]);
			sbuf_puts(b, ": ");
			report_num2_or_null(b, has, v);
		}
		sbuf_puts(b, "},\n    \"yoy\": {");
		for (k = 0; k < r->n_yoy_names; k++) {
			double v, c;
			int has = rank_row_yoy(row, k, &v, &c);

			if (k)
				sbuf_puts(b, ", ");
			sbuf_json_str(b, r->yoy_names[k]);
			sbuf_puts(b, ": ");
			yoy_json(b, has, v, c);
		}
		sbuf_puts(b, "}}");
	}
	sbuf_puts(b, "]}\n");
}

static void
csv_num2(sbuf *b, int has, double v)
{
	/* -0.004 is 0.00, never "-0.00" (a change that rounds to none). */
	if (has)
		sbuf_printf(b, "%.2f", fabs(v) < 0.005 ? 0.0 : v);
}

void
report_ranking_csv(sbuf *b, const Popstat__RankingOk *r)
{
	size_t i, k;

	/*
	 * Text cells go through csv_put_text: a unit named "=HYPERLINK(..)"
	 * stays text in a spreadsheet (issue 21 item 8).  The 同比 columns
	 * (doc/indicators.md §14) come last, so scripts reading the columns
	 * before them by position keep working.
	 */
	sbuf_puts(b, "rank,unit,name,status,score");
	if (r->n_rows > 0) {
		for (k = 0; k < r->n_indicator_names; k++) {
			sbuf_putc(b, ',');
			csv_put_text(b, r->indicator_names[k]);
		}
		for (k = 0; k < r->n_yoy_names; k++) {
			sbuf_printf(b, ",%s_yoy_value,%s_yoy_change",
			    r->yoy_names[k], r->yoy_names[k]);
		}
	}
	sbuf_puts(b, "\n");
	for (i = 0; i < r->n_rows; i++) {
		const Popstat__RankRow *row = r->rows[i];

		if (row->rank)
			sbuf_printf(b, "%u", row->rank);
		sbuf_putc(b, ',');
		csv_put_text(b, row->unit);
		sbuf_putc(b, ',');
		csv_put_text(b, row->name);
		sbuf_printf(b, ",%s,", row->status);
		csv_num2(b, row->has_score, row->score);
		for (k = 0; k < r->n_indicator_names; k++) {
			double v;
			int has = rank_row_value(row, k, &v);

			sbuf_putc(b, ',');
			csv_num2(b, has, v);
		}
		for (k = 0; k < r->n_yoy_names; k++) {
			double v, c;
			int has = rank_row_yoy(row, k, &v, &c);

			sbuf_putc(b, ',');
			csv_num2(b, has, v);
			sbuf_putc(b, ',');
			csv_num2(b, has, c);
		}
		sbuf_puts(b, "\n");
	}
}

void
report_verify_json(sbuf *b, const Popstat__VerifyReportOk *v)
{
	size_t k;

	sbuf_printf(b, "{\"verified\": %u, \"missed\": [", v->verified);
	for (k = 0; k < v->n_missed; k++) {
		sbuf_puts(b, k ? ", {\"record_id\": " : "{\"record_id\": ");
		sbuf_json_str(b, v->missed[k]->record_id);
		sbuf_puts(b, ", \"unit\": ");
		sbuf_json_str(b, v->missed[k]->unit);
		sbuf_puts(b, ", \"date\": ");
		sbuf_json_str(b, v->missed[k]->date);
		sbuf_puts(b, "}");
	}
	sbuf_puts(b, "]}\n");
}

/* Hundredths are exact below this (common/score.c, score_round2). */
#define EXACT_LIMIT 1e13

void
rank_row_set_values(Popstat__RankRow *row, size_t n, const int *has,
    const double *v, int64_t *ibuf, double *dbuf)
{
	size_t k;
	int exact = 0;

	row->has_no_value = 1;
	row->no_value = 0;
	for (k = 0; k < n; k++) {
		if (!has[k])
			row->no_value |= (uint64_t)1 << k;
		else if (!(fabs(v[k]) < EXACT_LIMIT))
			exact = 1;
	}
	for (k = 0; k < n; k++) {
		ibuf[k] = has[k] && !exact ? llround(v[k] * 100.0) : 0;
		dbuf[k] = has[k] ? v[k] : 0;
	}
	if (exact) {
		row->n_exact_values = n;
		row->exact_values = dbuf;
	} else {
		row->n_values = n;
		row->values = ibuf;
	}
}

size_t
rank_row_count(const Popstat__RankRow *row)
{
	return row->n_exact_values ? row->n_exact_values : row->n_values;
}

int
rank_row_value(const Popstat__RankRow *row, size_t k, double *v)
{
	*v = 0;
	if (k >= rank_row_count(row) || k >= 64 || (row->no_value >> k & 1))
		return 0;
	*v = row->n_exact_values ? row->exact_values[k] :
				   (double)row->values[k] / 100.0;
	return 1;
}

int
rank_row_yoy(const Popstat__RankRow *row, size_t k, double *v, double *c)
{
	*v = *c = 0;
	if (k >= row->n_yoy_values || k >= row->n_yoy_changes || k >= 64 ||
	    (row->yoy_none >> k & 1))
		return 0;
	*v = row->yoy_values[k];
	*c = row->yoy_changes[k];
	return 1;
}
