/*
 * test_svg.c - unit tests of common/svg.c: the dashboard's charts.
 */
#include <string.h>

#include "check.h"
#include "svg.h"

static int
count(const char *s, const char *sub)
{
	int n = 0;

	while ((s = strstr(s, sub)) != NULL) {
		n++;
		s += strlen(sub);
	}
	return n;
}

static void
test_escape(void)
{
	sbuf b;

	sbuf_init(&b);
	svg_escape(&b, "<a href=\"x\">'&'</a> 城关镇");
	CHECK_STR(sbuf_str(&b),
	    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; 城关镇");
	sbuf_free(&b);
}

static void
test_nice_axis(void)
{
	double lo = 0, hi = 13.2, step;

	svg_nice_axis(&lo, &hi, 4, &step);
	CHECK_DBL(step, 5, 1e-9);
	CHECK_DBL(lo, 0, 1e-9);
	CHECK_DBL(hi, 15, 1e-9);
	lo = -2.1;
	hi = 7.9;
	svg_nice_axis(&lo, &hi, 4, &step);
	CHECK_DBL(step, 2.5, 1e-9);
	CHECK_DBL(lo, -2.5, 1e-9);
	CHECK_DBL(hi, 10, 1e-9);
	lo = hi = 0; /* all zero: still a usable axis */
	svg_nice_axis(&lo, &hi, 4, &step);
	CHECK(hi > lo);
	CHECK(step > 0);
	lo = 5;
	hi = 5;
	svg_nice_axis(&lo, &hi, 4, &step);
	CHECK(lo <= 5 && hi > 5);
}

static void
test_trend(void)
{
	static const char *const xl[4] = { "1月", "2月", "3月", "4月" };
	int has[4] = { 1, 1, 0, 1 };
	double v[4] = { 9.5, 12.25, 0, 10 };
	int mark[4] = { SVG_MET, SVG_VETO, SVG_NA, SVG_MET };
	struct svg_trend t = { "trend-birth_rate", "出生率 <‰>", 4, xl, has, v,
		mark, 1, 11.5, "目标 ≤ 11.5" };
	sbuf b;
	const char *s;

	sbuf_init(&b);
	svg_trend(&b, &t);
	s = sbuf_str(&b);
	CHECK(strncmp(s, "<svg ", 5) == 0);
	CHECK_CONTAINS(s, "id=\"trend-birth_rate\"");
	CHECK_CONTAINS(s, "出生率 &lt;‰&gt;"); /* the title escaped */
	CHECK_CONTAINS(s, "class=\"target\"");
	CHECK_CONTAINS(s, "目标 ≤ 11.5");
	CHECK_INT(count(s, "<circle"), 3);   /* no point for no value */
	CHECK_INT(count(s, "<polyline"), 2); /* broken at the gap */
	CHECK_INT(count(s, svg_color(SVG_MET)), 2);
	CHECK_INT(count(s, svg_color(SVG_VETO)), 1);
	CHECK_CONTAINS(s, "2月: 12.25");
	CHECK_CONTAINS(s, "</svg>");
	CHECK(strstr(s, "href") == NULL); /* refers to nothing */
	sbuf_free(&b);

	/* Nothing to draw: an empty chart, still well formed. */
	has[0] = has[1] = has[3] = 0;
	t.has_target = 0;
	sbuf_init(&b);
	svg_trend(&b, &t);
	s = sbuf_str(&b);
	CHECK_INT(count(s, "<circle"), 0);
	CHECK_INT(count(s, "<polyline"), 0);
	CHECK(strstr(s, "class=\"target\"") == NULL);
	CHECK_CONTAINS(s, "</svg>");
	sbuf_free(&b);
}

static void
test_bars_and_strip(void)
{
	struct svg_bar bars[3] = {
		{ "城关镇", 1, 100, SVG_MET },
		{ "八渡镇", 1, 50, SVG_VETO },
		{ "关山林场", 0, 0, SVG_NA },
	};
	int marks[3] = { SVG_MET, SVG_MISSED, SVG_NA };
	const char *tips[3] = { "1月: 达标", "2月: 未达标", "3月: <?>" };
	sbuf b;
	const char *s;

	sbuf_init(&b);
	svg_bars(&b, "score-chart", "得分", bars, 3, 100);
	s = sbuf_str(&b);
	CHECK_CONTAINS(s, "id=\"score-chart\"");
	CHECK_INT(count(s, "<rect"), 2);      /* none for no score */
	CHECK_CONTAINS(s, "width=\"320.0\""); /* 100 of 100: full */
	CHECK_CONTAINS(s, "width=\"160.0\""); /* half */
	CHECK_CONTAINS(s, "关山林场");
	sbuf_free(&b);

	sbuf_init(&b);
	svg_strip(&b, 3, marks, tips);
	s = sbuf_str(&b);
	CHECK_INT(count(s, "<rect"), 3);
	CHECK_CONTAINS(s, "3月: &lt;?&gt;");
	CHECK_CONTAINS(s, svg_color(SVG_MISSED));
	sbuf_free(&b);
}

int
main(void)
{
	RUN(test_escape);
	RUN(test_nice_axis);
	RUN(test_trend);
	RUN(test_bars_and_strip);
	return check_summary("test_svg");
}
