/*
 * warnrep.c - JSON and words for early warning and data quality
 * (doc/indicators.md §15).
 */
#include "report.h"
#include "warnrep.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define T(zh_, en_) (zh ? (zh_) : (en_))

static void
str_or_null(sbuf *b, const char *s)
{
	if (s)
		sbuf_json_str(b, s);
	else
		sbuf_puts(b, "null");
}

/*
 * {"parent", "year", "as_of", "rows": [{"unit", "name", "indicators":
 * {NAME: {"projected", "headroom", "risk", "level"}}}]}, projected to 2
 * and risk to 4 decimals, null when not computable.
 */
void
report_warning_json(sbuf *b, const Popstat__WarningOk *w)
{
	size_t i, k;

	sbuf_puts(b, "{\"parent\": ");
	sbuf_json_str(b, w->parent);
	sbuf_printf(b, ", \"year\": %u, \"as_of\": ", w->year);
	sbuf_json_str(b, w->as_of);
	sbuf_puts(b, ",\n \"rows\": [");
	for (i = 0; i < w->n_rows; i++) {
		const Popstat__WarningRow *r = w->rows[i];

		sbuf_puts(b, i ? ",\n   {\"unit\": " : "\n   {\"unit\": ");
		sbuf_json_str(b, r->unit);
		sbuf_puts(b, ", \"name\": ");
		sbuf_json_str(b, r->name);
		sbuf_puts(b, ", \"indicators\": {");
		for (k = 0; k < r->n_indicators; k++) {
			const Popstat__WarningCell *c = r->indicators[k];

			if (k)
				sbuf_puts(b, ", ");
			sbuf_json_str(b, c->indicator);
			sbuf_puts(b, ": {\"projected\": ");
			report_num2_or_null(b, c->has_projected, c->projected);
			sbuf_puts(b, ", \"headroom\": ");
			if (c->has_headroom)
				sbuf_printf(b, "%" PRId64, c->headroom);
			else
				sbuf_puts(b, "null");
			sbuf_puts(b, ", \"risk\": ");
			if (c->has_risk)
				sbuf_printf(b, "%.4f", c->risk);
			else
				sbuf_puts(b, "null");
			sbuf_puts(b, ", \"level\": ");
			str_or_null(b, c->level);
			sbuf_puts(b, "}");
		}
		sbuf_puts(b, "}}");
	}
	sbuf_puts(b, "]}\n");
}

static void
str_array(sbuf *b, char **v, size_t n)
{
	size_t i;

	if (n == 0) {
		sbuf_puts(b, "null");
		return;
	}
	sbuf_putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			sbuf_puts(b, ", ");
		sbuf_json_str(b, v[i]);
	}
	sbuf_putc(b, ']');
}

/*
 * {"parent", "period", "flags": [{"unit", "check", "detail": {...}}]};
 * detail by check: sex ratio {"boys", "girls", "ratio", "ratio_low",
 * "ratio_high"}; under_reporting {"births", "expected", "probability"};
 * double_registration {"units", "dates", "record_ids"} (record_ids null
 * without record-level access); late_records {"records", "timely",
 * "timeliness"}.
 */
void
report_quality_json(sbuf *b, const Popstat__QualityOk *q)
{
	size_t i;

	sbuf_puts(b, "{\"parent\": ");
	sbuf_json_str(b, q->parent);
	sbuf_puts(b, ", \"period\": ");
	report_period_json(b, q->period);
	sbuf_puts(b, ",\n \"flags\": [");
	for (i = 0; i < q->n_flags; i++) {
		const Popstat__QualityFlag *f = q->flags[i];

		sbuf_puts(b, i ? ",\n   {\"unit\": " : "\n   {\"unit\": ");
		sbuf_json_str(b, f->unit);
		sbuf_puts(b, ", \"check\": ");
		sbuf_json_str(b, f->check);
		sbuf_puts(b, ", \"detail\": {");
		if (strncmp(f->check, "sex_ratio", 9) == 0) {
			sbuf_printf(b, "\"boys\": %u, \"girls\": %u,", f->boys,
			    f->girls);
			sbuf_puts(b, " \"ratio\": ");
			report_num2_or_null(b, f->has_ratio, f->ratio);
			sbuf_puts(b, ", \"ratio_low\": ");
			report_num2_or_null(b, f->has_ratio_low, f->ratio_low);
			sbuf_puts(b, ", \"ratio_high\": ");
			report_num2_or_null(b, f->has_ratio_high,
			    f->ratio_high);
		} else if (strcmp(f->check, "under_reporting") == 0) {
			sbuf_printf(b, "\"births\": %u,", f->births);
			sbuf_puts(b, " \"expected\": ");
			report_num2_or_null(b, f->has_expected, f->expected);
			sbuf_puts(b, ", \"probability\": ");
			if (f->has_probability)
				sbuf_printf(b, "%.4f", f->probability);
			else
				sbuf_puts(b, "null");
		} else if (strcmp(f->check, "double_registration") == 0) {
			sbuf_puts(b, "\"units\": ");
			str_array(b, f->units, f->n_units);
			sbuf_puts(b, ", \"dates\": ");
			str_array(b, f->dates, f->n_dates);
			sbuf_puts(b, ", \"record_ids\": ");
			str_array(b, f->record_ids, f->n_record_ids);
		} else if (strcmp(f->check, "late_records") == 0) {
			sbuf_printf(b,
			    "\"records\": %u, \"timely\": %u,"
			    " \"timeliness\": ",
			    f->records, f->timely);
			report_num2_or_null(b, f->has_timeliness,
			    f->timeliness);
		}
		sbuf_puts(b, "}}");
	}
	sbuf_puts(b, "]}\n");
}

const char *
warning_level_name(const char *level, int zh)
{
	if (level == NULL)
		return "-";
	if (strcmp(level, "over") == 0)
		return T("已超", "over");
	if (strcmp(level, "high") == 0)
		return T("高", "high");
	if (strcmp(level, "watch") == 0)
		return T("关注", "watch");
	if (strcmp(level, "low") == 0)
		return T("低", "low");
	return level;
}

const char *
quality_check_name(const char *check, int zh)
{
	if (strcmp(check, "sex_ratio_high") == 0)
		return T("出生性别比偏高", "sex ratio at birth high");
	if (strcmp(check, "sex_ratio_low") == 0)
		return T("出生性别比偏低", "sex ratio at birth low");
	if (strcmp(check, "under_reporting") == 0)
		return T("可能漏报", "possible under-reporting");
	if (strcmp(check, "double_registration") == 0)
		return T("可能重复登记", "possible double registration");
	if (strcmp(check, "late_records") == 0)
		return T("报送不及时", "late records");
	return check;
}

const char *
warning_indicator_name(const char *name, int zh)
{
	if (strcmp(name, "birth_rate") == 0)
		return T("出生率", "birth rate");
	if (strcmp(name, "natural_growth_rate") == 0)
		return T("自然增长率", "natural growth rate");
	return name;
}

void
warning_headroom_text(char *buf, size_t n, const Popstat__WarningCell *c,
    int zh)
{
	if (!c->has_headroom)
		snprintf(buf, n, "%s",
		    c->level && strcmp(c->level, "over") == 0 ?
			T("已超", "over") :
			"-");
	else if (c->headroom >= 0)
		snprintf(buf, n,
		    T("还可出生 %" PRId64 " 人", "%" PRId64 " more births"),
		    c->headroom);
	else
		snprintf(buf, n, T("已超 %" PRId64 " 人", "%" PRId64 " over"),
		    -c->headroom);
}

void
quality_flag_text(char *buf, size_t n, const Popstat__QualityFlag *f, int zh)
{
	char lo[32] = "-", hi[32] = "-", ratio[32] = "-";

	if (strncmp(f->check, "sex_ratio", 9) == 0) {
		if (f->has_ratio)
			snprintf(ratio, sizeof ratio, "%.2f", f->ratio);
		if (f->has_ratio_low)
			snprintf(lo, sizeof lo, "%.2f", f->ratio_low);
		if (f->has_ratio_high)
			snprintf(hi, sizeof hi, "%.2f", f->ratio_high);
		snprintf(buf, n,
		    T("男 %u 女 %u，性别比 %s，95%% 区间 %s–%s"
		      "（正常 103–107）",
			"%u boys, %u girls, ratio %s, 95%%"
			" interval %s-%s (normal 103-107)"),
		    f->boys, f->girls, ratio, lo, hi);
	} else if (strcmp(f->check, "under_reporting") == 0) {
		snprintf(buf, n,
		    T("报告出生 %u 人，按同级单位出生率应约 %.2f 人"
		      "（概率 %.4f）",
			"%u births reported, about %.2f expected at"
			" the other units' rate (probability %.4f)"),
		    f->births, f->expected, f->probability);
	} else if (strcmp(f->check, "double_registration") == 0) {
		if (f->n_record_ids == 2)
			snprintf(buf, n,
			    T("同一母亲 %s 于 %s（%s）与 %s 于 %s（%s）"
			      "均登记出生",
				"the same mother: %s on %s (%s) and %s"
				" on %s (%s)"),
			    f->units[0], f->dates[0], f->record_ids[0],
			    f->units[1], f->dates[1], f->record_ids[1]);
		else if (f->n_units == 2 && f->n_dates == 2)
			snprintf(buf, n,
			    T("同一母亲 %s 于 %s 与 %s 于 %s 均登记出生",
				"the same mother: %s on %s and %s on %s"),
			    f->units[0], f->dates[0], f->units[1], f->dates[1]);
		else
			snprintf(buf, n, "-");
	} else if (strcmp(f->check, "late_records") == 0) {
		snprintf(buf, n,
		    T("记录 %u 条，及时 %u 条，及时率 %.2f%%",
			"%u records, %u on time, timeliness %.2f%%"),
		    f->records, f->timely, f->timeliness);
	} else
		snprintf(buf, n, "-");
}

const char *
na_reason_text(const char *code, int zh)
{
	if (code == NULL)
		return "";
	if (strcmp(code, "no_population") == 0)
		return T("无人口记录", "no population record");
	if (strcmp(code, "no_verification") == 0)
		return T("无核查记录（未核查）",
		    "no verification (never"
		    " inspected)");
	if (strcmp(code, "no_births") == 0)
		return T("无出生记录", "no births");
	return T("分母为零", "a zero denominator");
}
