/*
 * svg.c - inline SVG charts for the dashboard.
 */
#include "svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *
svg_color(int mark)
{
	switch (mark) {
	case SVG_MET: return "#2e7d32";
	case SVG_MISSED: return "#d32f2f";
	case SVG_NA: return "#9e9e9e";
	case SVG_VETO: return "#7f0000";
	default: return "#1565c0";
	}
}

void
svg_escape(sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': sbuf_puts(b, "&lt;"); break;
		case '>': sbuf_puts(b, "&gt;"); break;
		case '&': sbuf_puts(b, "&amp;"); break;
		case '"': sbuf_puts(b, "&quot;"); break;
		case '\'': sbuf_puts(b, "&#39;"); break;
		default: sbuf_putc(b, *s);
		}
	}
}

void
svg_nice_axis(double *lo, double *hi, int ticks, double *step)
{
	double range, raw, mag, norm, s;

	if (!isfinite(*lo) || !isfinite(*hi)) {
		*lo = 0;
		*hi = 1;
	}
	if (*hi < *lo) {
		double t = *hi;

		*hi = *lo;
		*lo = t;
	}
	range = *hi - *lo;
	if (range <= 0)
		range = fabs(*hi) > 0 ? fabs(*hi) : 1;
	raw = range / (ticks > 0 ? ticks : 1);
	mag = pow(10, floor(log10(raw)));
	norm = raw / mag;
	s = norm <= 1   ? 1 :
	    norm <= 2   ? 2 :
	    norm <= 2.5 ? 2.5 :
	    norm <= 5   ? 5 :
			  10;
	s *= mag;
	*lo = floor(*lo / s + 1e-9) * s;
	*hi = ceil(*hi / s - 1e-9) * s;
	if (*hi <= *lo)
		*hi = *lo + s;
	*step = s;
}

/* A number for an axis label: no trailing zeros, at most 2 decimals. */
static void
axis_num(char *out, size_t cap, double v)
{
	snprintf(out, cap, "%.2f", fabs(v) < 1e-9 ? 0.0 : v);
	if (strchr(out, '.')) {
		size_t n = strlen(out);

		while (n > 0 && out[n - 1] == '0')
			out[--n] = '\0';
		if (n > 0 && out[n - 1] == '.')
			out[--n] = '\0';
	}
}

#define TW 480.0 /* trend chart: view box */
#define TH 220.0
#define TL 46.0 /* margins */
#define TR 14.0
#define TT 30.0
#define TB 26.0

void
svg_trend(sbuf *b, const struct svg_trend *t)
{
	double lo = 0, hi = 0, step, pw = TW - TL - TR, ph = TH - TT - TB;
	double y, tick;
	char num[32];
	int i, any = 0, open = 0;

	for (i = 0; i < t->n; i++)
		if (t->has[i] && isfinite(t->v[i])) {
			if (t->v[i] < lo)
				lo = t->v[i];
			if (t->v[i] > hi)
				hi = t->v[i];
			any = 1;
		}
	if (t->has_target && isfinite(t->target)) {
		if (t->target < lo)
			lo = t->target;
		if (t->target > hi)
			hi = t->target;
	}
	hi += (hi - lo) * 0.08;
	svg_nice_axis(&lo, &hi, 4, &step);
#define YPOS(v) (TT + ph - ((v)-lo) / (hi - lo) * ph)
#define XPOS(i) (TL + ((i) + 0.5) * pw / (t->n > 0 ? t->n : 1))
	sbuf_puts(b,
	    "<svg class=\"chart trend\" xmlns=\"http://www.w3.org/2000/svg\""
	    " viewBox=\"0 0 480 220\" role=\"img\"");
	if (t->id) {
		sbuf_puts(b, " id=\"");
		svg_escape(b, t->id);
		sbuf_puts(b, "\"");
	}
	sbuf_puts(b, " aria-label=\"");
	svg_escape(b, t->title);
	sbuf_puts(b,
	    "\">\n<text x=\"8\" y=\"18\" font-size=\"13\""
	    " font-weight=\"bold\" fill=\"#222\">");
	svg_escape(b, t->title);
	sbuf_puts(b, "</text>\n");
	/* Grid and y labels. */
	for (tick = lo; tick <= hi + step / 1000; tick += step) {
		y = YPOS(tick);
		axis_num(num, sizeof num, tick);
		sbuf_printf(b,
		    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
		    " stroke=\"#e0e0e0\"/><text x=\"%.1f\" y=\"%.1f\""
		    " font-size=\"10\" text-anchor=\"end\" "
		    "fill=\"#555\">%s</text>\n",
		    TL, y, TW - TR, y, TL - 4, y + 3.5, num);
	}
	sbuf_printf(b,
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
	    " stroke=\"#888\"/>\n",
	    TL, TT + ph, TW - TR, TT + ph);
	for (i = 0; i < t->n; i++) {
		sbuf_printf(b,
		    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\""
		    " text-anchor=\"middle\" fill=\"#555\">",
		    XPOS(i), TH - 10);
		svg_escape(b, t->xlabels[i]);
		sbuf_puts(b, "</text>\n");
	}
	if (t->has_target && isfinite(t->target)) {
		y = YPOS(t->target);
		sbuf_printf(b,
		    "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\""
		    " x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ef6c00\""
		    " stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
		    TL, y, TW - TR, y);
		/* The label sits in the title row, clear of the points. */
		sbuf_printf(b,
		    "<line x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"14\""
		    " stroke=\"#ef6c00\" stroke-width=\"1.5\""
		    " stroke-dasharray=\"6 4\"/>",
		    TW - TR - 150, TW - TR - 128);
		sbuf_printf(b,
		    "<text x=\"%.1f\" y=\"18\" font-size=\"11\""
		    " text-anchor=\"end\" fill=\"#ef6c00\">",
		    TW - TR);
		svg_escape(b, t->target_label ? t->target_label : "");
		sbuf_puts(b, "</text>\n");
	}
	/* The line, broken where a period has no value. */
	for (i = 0; i < t->n; i++) {
		if (!t->has[i] || !isfinite(t->v[i])) {
			if (open)
				sbuf_puts(b, "\"/>\n");
			open = 0;
			continue;
		}
		if (!open)
			sbuf_puts(b,
			    "<polyline fill=\"none\" stroke=\"#1565c0\""
			    " stroke-width=\"2\" points=\"");
		sbuf_printf(b, "%s%.1f,%.1f", open ? " " : "", XPOS(i),
		    YPOS(t->v[i]));
		open = 1;
	}
	if (open)
		sbuf_puts(b, "\"/>\n");
	for (i = 0; i < t->n; i++) {
		if (!t->has[i] || !isfinite(t->v[i]))
			continue;
		axis_num(num, sizeof num, t->v[i]);
		sbuf_printf(b,
		    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\">"
		    "<title>",
		    XPOS(i), YPOS(t->v[i]), svg_color(t->mark[i]));
		svg_escape(b, t->xlabels[i]);
		sbuf_printf(b, ": %s</title></circle>\n", num);
	}
	if (!any)
		sbuf_printf(b,
		    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\""
		    " text-anchor=\"middle\" fill=\"#9e9e9e\">-</text>\n",
		    TL + pw / 2, TT + ph / 2);
	sbuf_puts(b, "</svg>\n");
#undef YPOS
#undef XPOS
}

void
svg_bars(sbuf *b, const char *id, const char *title, const struct svg_bar *bars,
    int n, double max)
{
	double w = 480, lw = 110, rw = 50, row = 20, top = 26;
	double h = top + row * n + 8, bw;
	char num[32];
	int i;

	if (!(max > 0))
		max = 100;
	sbuf_printf(b,
	    "<svg class=\"chart bars\" xmlns=\"http://www.w3.org/2000/svg\""
	    " viewBox=\"0 0 %.0f %.0f\" role=\"img\"",
	    w, h);
	if (id) {
		sbuf_puts(b, " id=\"");
		svg_escape(b, id);
		sbuf_puts(b, "\"");
	}
	sbuf_puts(b,
	    ">\n<text x=\"8\" y=\"17\" font-size=\"13\""
	    " font-weight=\"bold\" fill=\"#222\">");
	svg_escape(b, title);
	sbuf_puts(b, "</text>\n");
	for (i = 0; i < n; i++) {
		double y = top + row * i;

		sbuf_printf(b,
		    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\""
		    " text-anchor=\"end\" fill=\"#222\">",
		    lw - 6, y + 13);
		svg_escape(b, bars[i].label);
		sbuf_puts(b, "</text>");
		if (bars[i].has && isfinite(bars[i].value)) {
			bw = bars[i].value / max * (w - lw - rw);
			if (bw < 0)
				bw = 0;
			if (bw > w - lw - rw)
				bw = w - lw - rw;
			axis_num(num, sizeof num, bars[i].value);
			sbuf_printf(b,
			    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
			    " height=\"%.1f\" "
			    "fill=\"%s\"><title>%s</title></rect>"
			    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\""
			    " fill=\"#222\">%s</text>\n",
			    lw, y + 3, bw, row - 6, svg_color(bars[i].mark),
			    num, lw + bw + 4, y + 13, num);
		} else
			sbuf_printf(b,
			    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\""
			    " fill=\"#9e9e9e\">-</text>\n",
			    lw + 4, y + 13);
	}
	sbuf_puts(b, "</svg>\n");
}

void
svg_strip(sbuf *b, int n, const int *marks, const char *const *tips)
{
	int i;

	sbuf_printf(b,
	    "<svg class=\"strip\" xmlns=\"http://www.w3.org/2000/svg\""
	    " viewBox=\"0 0 %d 12\" width=\"%d\" height=\"12\" role=\"img\">",
	    n * 11, n * 11);
	for (i = 0; i < n; i++) {
		sbuf_printf(b,
		    "<rect x=\"%d\" y=\"1\" width=\"9\" height=\"10\""
		    " rx=\"2\" fill=\"%s\"><title>",
		    i * 11, svg_color(marks[i]));
		svg_escape(b, tips[i]);
		sbuf_puts(b, "</title></rect>");
	}
	sbuf_puts(b, "</svg>");
}
