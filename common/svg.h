/*
 * svg.h - the dashboard's charts, drawn as inline SVG by the server.
 *
 * Pure: numbers in, markup out, so the same data always gives the same
 * bytes and the charts can be unit-tested.  Nothing refers to anything
 * outside the document (no fonts, scripts or images to fetch).
 */
#ifndef POPSTAT_SVG_H
#define POPSTAT_SVG_H

#include "sbuf.h"

/* How a point, bar or cell is coloured. */
enum svg_mark {
	SVG_PLAIN = 0, /* no target: neutral blue */
	SVG_MET,       /* green */
	SVG_MISSED,    /* red */
	SVG_NA,        /* not assessed: grey */
	SVG_VETO,      /* a missed veto target / a vetoed unit: dark red */
};

/* The fill colour of a mark ("#2e7d32" ...). */
const char *svg_color(int mark);

/* Append s with & < > " ' escaped: safe in HTML and SVG text/attributes. */
void svg_escape(sbuf *b, const char *s);

/* A line chart of one indicator over n periods against its target. */
struct svg_trend {
	const char *id;             /* element id, or NULL */
	const char *title;          /* drawn above the plot */
	int n;                      /* points, at most 366 */
	const char *const *xlabels; /* n short labels ("1", "2", ...) */
	const int *has;             /* point i has a value */
	const double *v;
	const int *mark; /* enum svg_mark of point i */
	int has_target;
	double target;
	const char *target_label; /* e.g. "≤ 11.5" */
};
void svg_trend(sbuf *b, const struct svg_trend *t);

/* A horizontal bar chart (scores 0..max), one bar per row. */
struct svg_bar {
	const char *label;
	int has; /* no value: an empty row marked "-" */
	double value;
	int mark;
};
void svg_bars(sbuf *b, const char *id, const char *title,
    const struct svg_bar *bars, int n, double max);

/* A strip of n small squares (one per month), each with a tooltip. */
void svg_strip(sbuf *b, int n, const int *marks, const char *const *tips);

/*
 * A "nice" axis covering [lo, hi] with about `ticks` steps: rounds lo down
 * and hi up to multiples of the step (1, 2, 2.5 or 5 times a power of 10).
 */
void svg_nice_axis(double *lo, double *hi, int ticks, double *step);

#endif
