/*
 * test_report.c - ranking rows on the wire (common/report.c): values as
 * packed hundredths survive encoding, packing and decoding bit for bit,
 * the exact-double fallback for huge values, the no-value mask, and the
 * JSON and CSV a ranking renders to.
 */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "report.h"
#include "score.h"

/* Encode, pack, unpack, decode: the values come back identical. */
static int
round_trip(size_t n, const int *has, const double *v, int *exact)
{
	Popstat__RankRow row = POPSTAT__RANK_ROW__INIT, *back;
	int64_t ib[64];
	double db[64], x;
	uint8_t buf[4096];
	size_t len, k;
	int ok = 1;

	row.unit = "u";
	row.name = "n";
	row.status = "met";
	rank_row_set_values(&row, n, has, v, ib, db);
	*exact = row.n_exact_values > 0;
	len = popstat__rank_row__pack(&row, buf);
	back = popstat__rank_row__unpack(NULL, len, buf);
	if (back == NULL)
		return 0;
	ok = rank_row_count(back) == n;
	for (k = 0; k < n && ok; k++) {
		int h = rank_row_value(back, k, &x);

		ok = h == has[k] && (!h || memcmp(&x, &v[k], sizeof x) == 0);
	}
	ok = ok && !rank_row_value(back, n, &x); /* past the end */
	popstat__rank_row__free_unpacked(back, NULL);
	return ok;
}

static void
test_values(void)
{
	int has[64], exact, bad = 0, i, k;
	double v[64];

	check_current = "values";
	/* Rounded values of every magnitude up to the hundredths limit. */
	for (i = 0; i < 20000; i++) {
		size_t n = check_rand() % 12 + 1;

		for (k = 0; k < (int)n; k++) {
			double mag = pow(10, (double)(check_rand() % 13) - 2);

			has[k] = check_rand() % 5 != 0;
			v[k] = score_round2(
			    ((double)(check_rand() >> 11) / 9007199254740992.0 -
				0.3) *
			    mag);
		}
		bad += !round_trip(n, has, v, &exact);
		bad += exact; /* all below the limit: hundredths */
	}
	CHECK_INT(bad, 0);
	/* A huge value: the row goes as exact doubles, all still right. */
	has[0] = has[1] = has[2] = 1;
	v[0] = 1.25;
	v[1] = score_round2(3e15 + 0.5);
	v[2] = -0.07;
	CHECK(round_trip(3, has, v, &exact));
	CHECK(exact);
	/* 64 indicators, every other one without a value. */
	for (k = 0; k < 64; k++) {
		has[k] = k % 2;
		v[k] = has[k] ? score_round2(k * 1.01) : 0;
	}
	CHECK(round_trip(64, has, v, &exact));
	CHECK(!exact);
	/* No indicators at all. */
	CHECK(round_trip(0, has, v, &exact));
}

static void
test_render(void)
{
	Popstat__RankingOk r = POPSTAT__RANKING_OK__INIT;
	Popstat__Period per = POPSTAT__PERIOD__INIT;
	Popstat__RankRow a = POPSTAT__RANK_ROW__INIT,
			 b = POPSTAT__RANK_ROW__INIT;
	Popstat__RankRow *rows[2] = { &a, &b };
	char *names[2] = { "birth_rate", "policy_rate" };
	int ha[2] = { 1, 1 }, hb[2] = { 1, 0 };
	double va[2] = { 10.94, 100 }, vb[2] = { 11.51, 0 };
	int64_t ib[2][2];
	double db[2][2], yv = 9.84, yc = 1.1;
	sbuf s;

	check_current = "render";
	per.start = "2026-01-01";
	per.end = "2026-12-31";
	per.days = 365;
	r.parent = "610328";
	r.period = &per;
	r.n_rows = 2;
	r.rows = rows;
	r.n_indicator_names = 2;
	r.indicator_names = names;
	a.rank = 1;
	a.unit = "610328101";
	a.name = "城关镇";
	a.status = "met";
	a.has_score = 1;
	a.score = 100;
	b.rank = 2;
	b.unit = "610328102";
	b.name = "东风镇";
	b.status = "veto";
	b.has_score = 1;
	b.score = 50;
	rank_row_set_values(&a, 2, ha, va, ib[0], db[0]);
	rank_row_set_values(&b, 2, hb, vb, ib[1], db[1]);
	/* 同比 of birth_rate: a has it, b has none. */
	r.n_yoy_names = 1;
	r.yoy_names = names;
	a.n_yoy_values = a.n_yoy_changes = 1;
	a.yoy_values = &yv;
	a.yoy_changes = &yc;
	b.n_yoy_values = b.n_yoy_changes = 1;
	b.yoy_values = &yv;
	b.yoy_changes = &yc;
	b.has_yoy_none = 1;
	b.yoy_none = 1;
	sbuf_init(&s);
	report_ranking_json(&s, &r);
	CHECK_STR(sbuf_str(&s),
	    "{\"parent\": \"610328\", \"period\": "
	    "{\"start\": \"2026-01-01\", \"end\": \"2026-12-31\", \"days\": "
	    "365},\n"
	    " \"rows\": [\n"
	    "   {\"rank\": 1, \"unit\": \"610328101\", \"name\": \"城关镇\", "
	    "\"status\": \"met\", \"score\": 100.0,\n"
	    "    \"indicators\": {\"birth_rate\": 10.94, \"policy_rate\": "
	    "100.0},\n"
	    "    \"yoy\": {\"birth_rate\": {\"value\": 9.84, \"change\": "
	    "1.1}}},\n"
	    "   {\"rank\": 2, \"unit\": \"610328102\", \"name\": \"东风镇\", "
	    "\"status\": \"veto\", \"score\": 50.0,\n"
	    "    \"indicators\": {\"birth_rate\": 11.51, \"policy_rate\": "
	    "null},\n"
	    "    \"yoy\": {\"birth_rate\": null}}]}\n");
	sbuf_free(&s);
	sbuf_init(&s);
	report_ranking_csv(&s, &r);
	/* 同比 last, after the columns scripts already read. */
	CHECK_STR(sbuf_str(&s),
	    "rank,unit,name,status,score,birth_rate,"
	    "policy_rate,birth_rate_yoy_value,birth_rate_yoy_change\n"
	    "1,610328101,城关镇,met,100.00,10.94,100.00,9.84,1.10\n"
	    "2,610328102,东风镇,veto,50.00,11.51,,,\n");
	sbuf_free(&s);
	/* A name a spreadsheet would run as a formula stays text. */
	b.name = "=HYPERLINK(\"http://x\",\"y\")";
	a.name = "-2+3";
	yc = -1.1;
	sbuf_init(&s);
	report_ranking_csv(&s, &r);
	CHECK_CONTAINS(sbuf_str(&s),
	    "\n1,610328101,'-2+3,met,100.00,10.94,"
	    "100.00,9.84,-1.10\n");
	CHECK_CONTAINS(sbuf_str(&s),
	    "\n2,610328102,\"'=HYPERLINK(\"\"http://x"
	    "\"\",\"\"y\"\")\",veto,");
	sbuf_free(&s);
}

int
main(void)
{
	test_values();
	test_render();
	return check_summary("test_report");
}
