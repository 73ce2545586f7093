/*
 * dashboard.c - the dashboard's HTML pages.
 *
 * Every page asks the same read handlers the protocol serves (through
 * dispatch_read(), so the role table and the read scopes apply unchanged)
 * and renders their typed replies.  The monthly trends evaluate the unit
 * over each month with the indicator engine, after the handler has checked
 * that the caller may read that unit.  Anonymous visitors of
 * --http-public get the aggregate pages only; nothing record-level is
 * rendered for them.
 */
#include "dashboard.h"

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bulletin.h"
#include "date.h"
#include "engine.h"
#include "period.h"
#include "report.h"
#include "store.h"
#include "svg.h"
#include "units.h"
#include "warning.h"
#include "warnrep.h"

#define T(zh, en) (d->lang == LANG_EN ? (en) : (zh))
#define E(x) POPSTAT__ERROR_CODE__ERR_##x
#define MAX_MONTHS 12
/* Above this many unit-months the ranking leaves out the monthly strips. */
#define MAX_STRIP_EVALS 1200

static const char css[] =
    "body{font-family:system-ui,\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\","
    "\"Microsoft YaHei\",sans-serif;margin:0;color:#222;background:#f6f7f9}"
    "header.top{display:flex;flex-wrap:wrap;align-items:center;gap:1em;"
    "background:#9b1c1c;color:#fff;padding:.5em 1em}"
    "header.top a{color:#fff;text-decoration:none}"
    ".brand{font-weight:bold;font-size:1.1em}"
    "header.top nav a{margin-right:1em;opacity:.85}"
    "header.top nav a.on{opacity:1;border-bottom:2px solid #fff}"
    ".who{margin-left:auto;font-size:.9em}"
    ".who form{display:inline;margin-left:.5em}"
    ".who button{background:none;border:1px solid #fff;color:#fff;"
    "border-radius:3px;cursor:pointer}"
    "main{max-width:1200px;margin:0 auto;padding:1em}"
    "h1{font-size:1.4em;margin:.3em 0}h2{font-size:1.15em;margin:1.2em 0 .4em}"
    ".crumbs{font-size:.9em;color:#555}.crumbs a{color:#1565c0}"
    ".period{color:#444}form.period{margin:.5em 0}"
    "form.period input{width:13em}form.period a{margin-left:.6em;"
    "font-size:.9em;color:#1565c0}"
    "table{border-collapse:collapse;background:#fff;margin:.5em 0 1em}"
    "th,td{border:1px solid #d0d4da;padding:.3em .6em;text-align:left;"
    "vertical-align:middle}"
    "th{background:#eceff3;font-weight:600;white-space:nowrap}"
    "td.name{white-space:nowrap}.wide{overflow-x:auto}"
    "th small{font-weight:normal;color:#555}td a{color:#1565c0}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "td.met{background:#e8f5e9;color:#1b5e20}"
    "td.missed{background:#ffebee;color:#b71c1c;font-weight:600}"
    "td.veto{background:#7f0000;color:#fff;font-weight:600}"
    "td.na{background:#f0f0f0;color:#757575}"
    "tr.vetoed td:first-child{border-left:4px solid #7f0000}"
    ".badge{display:inline-block;padding:.1em .5em;border-radius:3px;"
    "font-size:.9em;color:#fff;white-space:nowrap}"
    ".st-met{background:#2e7d32}.st-missed{background:#d32f2f}"
    ".st-veto{background:#7f0000;font-weight:bold}"
    ".st-incomplete,.st-not_assessed{background:#9e9e9e}"
    ".big{font-size:1.2em}"
    ".legend{margin:.3em 0 1em}.legend span{display:inline-block;"
    "margin-right:1.2em;font-size:.9em}"
    ".legend i{display:inline-block;width:.9em;height:.9em;"
    "vertical-align:middle;margin-right:.3em;border-radius:2px}"
    ".charts{display:flex;flex-wrap:wrap;gap:1em}"
    "svg.trend{width:480px;max-width:100%;background:#fff;"
    "border:1px solid #d0d4da}"
    "svg.bars{width:100%;max-width:640px;background:#fff;"
    "border:1px solid #d0d4da}"
    ".note{color:#555;font-size:.9em}"
    ".box{background:#fff;border:1px solid #d0d4da;padding:1em;"
    "max-width:30em}"
    ".box input{width:100%;box-sizing:border-box;padding:.4em;"
    "margin:.4em 0}.box button{padding:.4em 1.2em}"
    ".err{color:#b71c1c;font-weight:600}"
    ".draft{background:#fff8e1;border:1px solid #ffcc80;padding:.5em}"
    "article.bulletin{background:#fff;padding:1em 2em;border:1px solid "
    "#d0d4da;font-family:serif;max-width:190mm;line-height:1.5}"
    "article.bulletin h1{text-align:center}"
    "article.bulletin .sign{text-align:right;margin-top:2em}"
    "article.bulletin .office{color:#c00;text-align:center;font-size:1.8em;"
    "font-weight:bold}article.bulletin .docno{text-align:center}"
    "article.bulletin .red{border-top:2px solid #c00;margin:.5em 0}"
    "footer{color:#777;font-size:.8em;text-align:center;padding:1em}"
    ".warnstrip{background:#fff;border:1px solid #d0d4da;padding:.5em;"
    "margin:.5em 0 1em}.warnstrip svg{width:100%;max-width:960px}"
    ".warnstrip ul{margin:.3em 0;padding-left:1.2em;font-size:.9em}";

static void
put(struct dash *d, const char *s)
{
	sbuf_puts(d->out, s);
}

static void
esc(struct dash *d, const char *s)
{
	svg_escape(d->out, s ? s : "");
}

static void
url_enc(sbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~')
			sbuf_putc(b, (char)c);
		else {
			sbuf_putc(b, '%');
			sbuf_putc(b, hex[c >> 4]);
			sbuf_putc(b, hex[c & 15]);
		}
	}
}

/* ` href="PATH?K1=V1&amp;K2=V2&amp;lang=en"` (NULL keys are left out). */
static void
href(struct dash *d, const char *path, const char *k1, const char *v1,
    const char *k2, const char *v2)
{
	const char *sep = "?";

	put(d, " href=\"");
	put(d, path);
	if (k1 && v1) {
		sbuf_printf(d->out, "%s%s=", sep, k1);
		url_enc(d->out, v1);
		sep = "&amp;";
	}
	if (k2 && v2) {
		sbuf_printf(d->out, "%s%s=", sep, k2);
		url_enc(d->out, v2);
		sep = "&amp;";
	}
	if (d->lang == LANG_EN)
		sbuf_printf(d->out, "%slang=en", sep);
	put(d, "\"");
}

const char *
dash_param(const struct dash *d, const char *name)
{
	const char *v = d->q ? evhttp_find_header(d->q, name) : NULL;

	return v && *v ? v : NULL;
}

/* ---- page frame ---------------------------------------------------------- */

/* The current URL with lang set to `lang` (the language switch). */
static void
lang_link(struct dash *d, const char *lang, const char *label)
{
	const struct evkeyval *kv;
	const char *sep = "?";

	put(d, "<a href=\"");
	esc(d, d->path);
	if (d->q)
		for (kv = d->q->tqh_first; kv; kv = kv->next.tqe_next) {
			if (strcmp(kv->key, "lang") == 0)
				continue;
			sbuf_printf(d->out, "%s", sep);
			url_enc(d->out, kv->key);
			put(d, "=");
			url_enc(d->out, kv->value);
			sep = "&amp;";
		}
	if (strcmp(lang, "en") == 0)
		sbuf_printf(d->out, "%slang=en", sep);
	sbuf_printf(d->out, "\" lang=\"%s\">%s</a>", lang, label);
}

static void
page_begin(struct dash *d, const char *title, const char *nav)
{
	sbuf_printf(d->out,
	    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\""
	    " content=\"width=device-width, initial-scale=1\">\n<title>",
	    T("zh-CN", "en"));
	esc(d, title);
	sbuf_printf(d->out,
	    " · popstat</title>\n<style>%s</style>\n</head>\n"
	    "<body>\n<header class=\"top\">\n<a class=\"brand\"",
	    css);
	href(d, "/", NULL, NULL, NULL, NULL);
	sbuf_printf(d->out, ">%s</a>\n<nav>",
	    T("人口和计划生育目标考核",
		"Population and family planning targets"));
	put(d, "<a");
	href(d, "/ranking", NULL, NULL, NULL, NULL);
	sbuf_printf(d->out, "%s>%s</a><a",
	    strcmp(nav, "ranking") == 0 ? " class=\"on\"" : "",
	    T("排名", "Ranking"));
	href(d, "/bulletins", NULL, NULL, NULL, NULL);
	sbuf_printf(d->out, "%s>%s</a>",
	    strcmp(nav, "bulletins") == 0 ? " class=\"on\"" : "",
	    T("通报", "Bulletins"));
	if (d->may_write && d->who && !d->anonymous &&
	    d->who->role != ROLE_VIEWER) {
		put(d, "<a id=\"nav-entry\"");
		href(d, "/entry", NULL, NULL, NULL, NULL);
		sbuf_printf(d->out, "%s>%s</a>",
		    strcmp(nav, "entry") == 0 ? " class=\"on\"" : "",
		    T("填报", "Entry"));
	}
	put(d, "</nav>\n<div class=\"who\">");
	if (d->lang == LANG_EN)
		lang_link(d, "zh", "中文");
	else
		lang_link(d, "en", "English");
	if (d->who && !d->anonymous) {
		put(d, " · ");
		esc(d, d->who->name);
		sbuf_printf(d->out, " (%s)", role_name(d->who->role));
		if (d->session) {
			put(d, "<form method=\"post\" action=\"/logout\">");
			if (d->csrf)
				sbuf_printf(d->out,
				    "<input type=\"hidden\""
				    " name=\"csrf\" value=\"%s\">",
				    d->csrf);
			sbuf_printf(d->out,
			    "<button type=\"submit\">%s</button>"
			    "</form>",
			    T("退出", "Log out"));
		}
	} else if (d->who) {
		sbuf_printf(d->out, " · %s · <a", T("公开访问", "public view"));
		href(d, "/login", NULL, NULL, NULL, NULL);
		sbuf_printf(d->out, ">%s</a>", T("登录", "Log in"));
	}
	put(d, "</div>\n</header>\n<main>\n");
}

static void
page_end(struct dash *d)
{
	char today[11];

	sbuf_printf(d->out,
	    "</main>\n<footer>popstat · %s %s</footer>\n"
	    "</body>\n</html>\n",
	    T("服务器日期", "server date"), date_format(server_today(), today));
}

void
dash_page_begin(struct dash *d, const char *title, const char *nav)
{
	page_begin(d, title, nav);
}

void
dash_page_end(struct dash *d)
{
	page_end(d);
}

void
dash_esc(struct dash *d, const char *s)
{
	esc(d, s);
}

void
dash_error(struct dash *d, int status, const char *message)
{
	char title[64];

	xsnprintf(title, sizeof title, "%s %d", T("错误", "Error"), status);
	page_begin(d, title, "");
	sbuf_printf(d->out, "<h1>%s</h1>\n<p class=\"err\">", title);
	esc(d, message);
	put(d, "</p>\n<p><a");
	href(d, "/", NULL, NULL, NULL, NULL);
	sbuf_printf(d->out, ">%s</a></p>\n",
	    T("返回首页", "Back to the start"));
	page_end(d);
}

void
dash_login(struct dash *d, const char *next, const char *error)
{
	page_begin(d, T("登录", "Log in"), "");
	sbuf_printf(d->out, "<h1>%s</h1>\n<div class=\"box\">\n",
	    T("登录", "Log in"));
	if (error) {
		put(d, "<p class=\"err\">");
		esc(d, error);
		put(d, "</p>\n");
	}
	sbuf_printf(d->out,
	    "<form method=\"post\" action=\"/login\">\n"
	    "<label for=\"token\">%s</label>\n"
	    "<input id=\"token\" name=\"token\" type=\"password\""
	    " autocomplete=\"current-password\" required autofocus>\n"
	    "<input type=\"hidden\" name=\"next\" value=\"",
	    T("访问令牌（由县办分配，以 pst_ 开头）",
		"Access token (given by the county office, starts with pst_)"));
	esc(d, next ? next : "/");
	sbuf_printf(d->out,
	    "\">\n%s<button type=\"submit\">%s</button>\n"
	    "</form>\n<p class=\"note\">%s</p>\n</div>\n",
	    d->lang == LANG_EN ? "<input type=\"hidden\" name=\"lang\""
				 " value=\"en\">\n" :
				 "",
	    T("登录", "Log in"),
	    T("登录后在本浏览器保持 12 小时；令牌本身不会保存在浏览器中。",
		"The login lasts 12 hours in this browser; the token itself is"
		" not kept by the browser."));
	page_end(d);
}

/* ---- shared pieces ------------------------------------------------------- */

static const char *
status_name(struct dash *d, const char *status)
{
	return bulletin_status_name(status, d->lang);
}

static void
badge(struct dash *d, const char *status, int big)
{
	sbuf_printf(d->out, "<span class=\"badge st-%s%s\">", status,
	    big ? " big" : "");
	esc(d, status_name(d, status));
	put(d, "</span>");
}

static int
status_mark(unit_status s)
{
	switch (s) {
	case STATUS_MET: return SVG_MET;
	case STATUS_MISSED: return SVG_MISSED;
	case STATUS_VETO: return SVG_VETO;
	default: return SVG_NA;
	}
}

static const char *
op_text(const char *op)
{
	if (strcmp(op, "<=") == 0)
		return "≤";
	if (strcmp(op, ">=") == 0)
		return "≥";
	return op;
}

static void
legend(struct dash *d)
{
	sbuf_printf(d->out,
	    "<div class=\"legend\">"
	    "<span><i style=\"background:%s\"></i>%s</span>"
	    "<span><i style=\"background:%s\"></i>%s</span>"
	    "<span><i style=\"background:%s\"></i>%s</span>"
	    "<span><i style=\"background:%s\"></i>%s</span></div>\n",
	    svg_color(SVG_MET), T("达标", "met"), svg_color(SVG_MISSED),
	    T("未达标", "missed"), svg_color(SVG_VETO),
	    T("一票否决（否决指标未达标）", "veto (a veto target missed)"),
	    svg_color(SVG_NA),
	    T("未考核（无数据）", "not assessed (no value)"));
}

/* The first root unit, or the unit of a clerk; -1 when there is none. */
static int
default_unit(const struct dash *d)
{
	int i;

	if (d->who->role == ROLE_CLERK && d->who->unit >= 0)
		return d->who->unit;
	for (i = 0; i < units_count(); i++)
		if (unit_at(i)->parent < 0 && !unit_at(i)->deleted)
			return i;
	return -1;
}

/*
 * The unit whose ranking and bulletins a visitor sees first: a clerk of a
 * unit with nothing below it (a township) sees its parent's, circulated
 * to it (doc/rules.md §10); everyone else as default_unit().
 */
static int
default_parent(const struct dash *d)
{
	int u = default_unit(d);

	if (d->who->role == ROLE_CLERK && u >= 0 &&
	    unit_at(u)->nchildren == 0 && unit_at(u)->parent >= 0)
		return unit_at(u)->parent;
	return u;
}

static const char *
default_period(char *buf, size_t cap)
{
	int y, m, day;

	date_to_ymd(server_today(), &y, &m, &day);
	return xsnprintf(buf, cap, "%04dYTD", y);
}

static int
period_of(const Popstat__Period *m, period *p)
{
	char err[64];

	if (date_parse(m->start, &p->start, err, sizeof err) < 0 ||
	    date_parse(m->end, &p->end, err, sizeof err) < 0)
		return -1;
	return 0;
}

static void
period_line(struct dash *d, const Popstat__Period *p)
{
	sbuf_printf(d->out, "<p class=\"period\">%s %s %s %s%s%u%s</p>\n",
	    T("考核期", "Period"), p->start, T("至", "to"), p->end,
	    T("（", " ("), p->days, T(" 天）", " days)"));
}

/* The period form: period presets, keeping the unit parameter. */
static void
period_form(struct dash *d, const char *action, const char *key,
    const char *code, const char *current)
{
	static const char *const zh[] = { "本年累计", "本年", "上月", "上年" };
	static const char *const en[] = { "year to date", "this year",
		"last month", "last year" };
	char p[4][24];
	int y, m, day, i;

	date_to_ymd(server_today(), &y, &m, &day);
	xsnprintf(p[0], sizeof p[0], "%04dYTD", y);
	xsnprintf(p[1], sizeof p[1], "%04d", y);
	xsnprintf(p[2], sizeof p[2], "%04d-%02d", m == 1 ? y - 1 : y,
	    m == 1 ? 12 : m - 1);
	xsnprintf(p[3], sizeof p[3], "%04d", y - 1);
	sbuf_printf(d->out,
	    "<form class=\"period\" method=\"get\" action=\"%s\">"
	    "<input type=\"hidden\" name=\"%s\" value=\"",
	    action, key);
	esc(d, code);
	put(d, "\">");
	if (d->lang == LANG_EN)
		put(d, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
	sbuf_printf(d->out, "<label>%s <input name=\"period\" value=\"",
	    T("考核期", "Period"));
	esc(d, current);
	sbuf_printf(d->out,
	    "\" title=\"2026, 2026H1, 2026Q3, 2026-11,"
	    " 2026YTD, SY2026, 2026-01-01..2026-06-30\"></label>"
	    " <button type=\"submit\">%s</button>",
	    T("查询", "Show"));
	for (i = 0; i < 4; i++) {
		put(d, "<a");
		href(d, action, key, code, "period", p[i]);
		sbuf_printf(d->out, ">%s</a>",
		    d->lang == LANG_EN ? en[i] : zh[i]);
	}
	put(d, "</form>\n");
}

/*
 * The months that overlap p, the last MAX_MONTHS of them, each clipped to
 * p; labels are "3月" or "Mar".  Returns how many.
 */
static int
months_of(struct dash *d, const period *p, period *out, char labels[][16])
{
	static const char *const en[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	period tmp[MAX_MONTHS];
	char lab[MAX_MONTHS][16];
	int y, m, day, n = 0, i;

	date_to_ymd(p->end, &y, &m, &day);
	while (n < MAX_MONTHS) {
		int32_t ms = date_from_ymd(y, m, 1);
		int32_t me = ms + date_days_in_month(y, m) - 1;

		if (me < p->start)
			break;
		tmp[n].start = ms < p->start ? p->start : ms;
		tmp[n].end = me > p->end ? p->end : me;
		if (d->lang == LANG_EN)
			xsnprintf(lab[n], sizeof lab[n], "%s", en[m - 1]);
		else
			xsnprintf(lab[n], sizeof lab[n], "%d月", m);
		n++;
		if (--m == 0) {
			m = 12;
			y--;
		}
	}
	for (i = 0; i < n; i++) {
		out[i] = tmp[n - 1 - i];
		memcpy(labels[i], lab[n - 1 - i], sizeof lab[0]);
	}
	return n;
}

/* The ancestors of u, root first, each linking to its ranking. */
static void
crumbs(struct dash *d, int u, const char *per)
{
	int chain[64], n = 0, i;

	for (i = unit_at(u)->parent; i >= 0 && n < 64; i = unit_at(i)->parent)
		chain[n++] = i;
	put(d, "<p class=\"crumbs\">");
	for (i = n - 1; i >= 0; i--) {
		/* A link only where the reader may follow it. */
		if (!scope_may_read(d->who, chain[i], SCOPE_RANKING)) {
			esc(d, unit_at(chain[i])->name);
		} else {
			put(d, "<a");
			href(d, "/ranking", "parent", unit_at(chain[i])->code,
			    "period", per);
			put(d, ">");
			esc(d, unit_at(chain[i])->name);
			put(d, "</a>");
		}
		if (i > 0)
			put(d, " › ");
	}
	put(d, "</p>\n");
}

static void
ranking_warning(struct dash *d, const char *parent, const char *end);

/* ---- ranking ------------------------------------------------------------- */

struct column {
	int ind;                /* engine index */
	const struct target *t; /* the default target (for the header) */
};

/* The 同比 of indicator name in a ranking row: a signed change, or -. */
static void
yoy_cell(struct dash *d, const Popstat__RankingOk *ok,
    const Popstat__RankRow *row, const char *name)
{
	double v, c;
	size_t k;

	for (k = 0; k < ok->n_yoy_names; k++)
		if (strcmp(ok->yoy_names[k], name) == 0 &&
		    rank_row_yoy(row, k, &v, &c)) {
			sbuf_printf(d->out,
			    "<td class=\"n yoy\" title=\"%s %.2f\">"
			    "%s%.2f</td>",
			    T("去年同期", "same period last year"), v,
			    c > 0 ? "+" : "", c == 0 ? 0.0 : c);
			return;
		}
	put(d, "<td class=\"n yoy na\">-</td>");
}

/* What the parts of the ranking page share. */
struct ranking {
	const Popstat__RankingOk *ok;
	const char *per; /* the period as asked */
	struct column cols[ENGINE_MAX_INDICATORS];
	int ncols;
	period p, months[MAX_MONTHS];
	char labels[MAX_MONTHS][16];
	int nm;
	int strips;           /* a status strip per row */
	struct unit_eval *ev; /* nm of them, for a row's strip */
};

/* The title, the period and its form, the legend and the table's head. */
static void
ranking_header(struct dash *d, const struct ranking *g, int u)
{
	const Popstat__RankingOk *ok = g->ok;
	char title[256];
	int i;

	xsnprintf(title, sizeof title, "%s · %s", ok->parent_name,
	    T("下属单位排名", "ranking of the units below"));
	page_begin(d, title, "ranking");
	crumbs(d, u, g->per);
	put(d, "<h1>");
	esc(d, title);
	put(d, "</h1>\n");
	period_line(d, ok->period);
	period_form(d, "/ranking", "parent", ok->parent, g->per);
	if (d->anonymous)
		sbuf_printf(d->out, "<p class=\"note\">%s</p>\n",
		    T("公开页面：只显示汇总数据。",
			"Public page: aggregates only."));
	legend(d);

	sbuf_printf(d->out,
	    "<div class=\"wide\">"
	    "<table id=\"ranking\" class=\"ranking\">\n<thead><tr>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th>",
	    T("名次", "Rank"), T("单位", "Unit"), T("状态", "Status"),
	    T("得分", "Score"));
	for (i = 0; i < g->ncols; i++) {
		const struct indicator *in = engine_indicator(g->cols[i].ind);

		put(d, "<th>");
		esc(d, bulletin_indicator_name(in->name, d->lang));
		put(d, "<br><small>");
		esc(d, op_text(score_op_str(g->cols[i].t->op)));
		sbuf_printf(d->out, " %.15g", g->cols[i].t->value);
		esc(d, bulletin_unit_name(in->unit, d->lang));
		if (g->cols[i].t->veto)
			sbuf_printf(d->out, " · %s", T("否决", "veto"));
		put(d, "</small></th>");
		sbuf_printf(d->out, "<th class=\"yoy\" title=\"%s\">%s</th>",
		    T("本期值与去年同期之差",
			"this value minus the same period"
			" last year's"),
		    T("同比", "YoY"));
	}
	if (g->strips)
		sbuf_printf(d->out, "<th title=\"%s\">%s</th>",
		    T("从考核期开始累计到各月末的状态",
			"status from the start of the period to each month's "
			"end"),
		    T("累计状态走势", "Status, month by month"));
	put(d, "</tr></thead>\n<tbody>\n");
}

/* One unit's row: rank, name, status, score, each indicator, its strip. */
static void
ranking_row(struct dash *d, struct ranking *g, const Popstat__RankRow *row)
{
	const Popstat__RankingOk *ok = g->ok;
	int c = unit_find(row->unit), i;

	sbuf_printf(d->out, "<tr%s><td class=\"n\">",
	    strcmp(row->status, "veto") == 0 ? " class=\"vetoed\"" : "");
	if (row->rank)
		sbuf_printf(d->out, "%u", row->rank);
	else
		put(d, "-");
	put(d, "</td><td class=\"name\">");
	if (scope_may_read(d->who, c, SCOPE_STATUS)) {
		put(d, "<a");
		href(d, "/unit", "unit", row->unit, "period", g->per);
		put(d, ">");
		esc(d, row->name);
		put(d, "</a>");
	} else
		esc(d, row->name);
	/* A sibling's own ranking is not circulated to a clerk. */
	if (c >= 0 && unit_at(c)->nchildren > 0 &&
	    scope_may_read(d->who, c, SCOPE_RANKING)) {
		put(d, " <a class=\"sub\"");
		href(d, "/ranking", "parent", row->unit, "period", g->per);
		sbuf_printf(d->out, ">%s</a>", T("下级›", "below›"));
	}
	put(d, "</td><td>");
	badge(d, row->status, 0);
	put(d, "</td>");
	if (row->has_score)
		sbuf_printf(d->out, "<td class=\"n\">%.2f</td>", row->score);
	else
		put(d, "<td class=\"n na\">-</td>");
	for (i = 0; i < g->ncols; i++) {
		const struct indicator *in = engine_indicator(g->cols[i].ind);
		const struct target *t = engine_target(g->cols[i].ind, c);
		struct {
			double value;
		} vv, *v = NULL;
		size_t m;

		for (m = 0; m < ok->n_indicator_names; m++)
			if (strcmp(ok->indicator_names[m], in->name) == 0 &&
			    rank_row_value(row, m, &vv.value))
				v = &vv;
		if (v == NULL) {
			sbuf_printf(d->out,
			    "<td class=\"n na\" title=\"%s\">-</td>",
			    T("未考核", "not assessed"));
		} else if (t == NULL) {
			sbuf_printf(d->out, "<td class=\"n\">%.2f</td>",
			    v->value);
		} else if (score_target_met(t->op, t->value, v->value)) {
			sbuf_printf(d->out, "<td class=\"n met\">%.2f</td>",
			    v->value);
		} else {
			sbuf_printf(d->out,
			    "<td class=\"n %s\" title=\"%s\">"
			    "%.2f ✗</td>",
			    t->veto ? "veto" : "missed",
			    t->veto ?
				T("否决指标未达标", "veto target missed") :
				T("未达标", "missed"),
			    v->value);
		}
		yoy_cell(d, ok, row, in->name);
	}
	if (g->strips) {
		int marks[MAX_MONTHS], evok[MAX_MONTHS];
		char tipbuf[MAX_MONTHS][64];
		const char *tips[MAX_MONTHS];

		/* Year to date at the end of each month. */
		engine_eval_months(c, g->months, g->nm, &g->p.start, g->ev,
		    evok);
		for (i = 0; i < g->nm; i++) {
			if (!evok[i]) {
				marks[i] = SVG_NA;
				xsnprintf(tipbuf[i], sizeof tipbuf[i], "%s: ?",
				    g->labels[i]);
			} else {
				marks[i] = status_mark(g->ev[i].status);
				xsnprintf(tipbuf[i], sizeof tipbuf[i], "%s: %s",
				    g->labels[i],
				    status_name(d,
					score_status_str(g->ev[i].status)));
			}
			tips[i] = tipbuf[i];
		}
		put(d, "<td>");
		svg_strip(d->out, g->nm, marks, tips);
		put(d, "</td>");
	}
	put(d, "</tr>\n");
}

/* The score chart under the table, and the early warning. */
static void
ranking_chart(struct dash *d, const struct ranking *g)
{
	const Popstat__RankingOk *ok = g->ok;
	struct svg_bar *bars;
	size_t j;

	bars = xcalloc(ok->n_rows, sizeof *bars);
	for (j = 0; j < ok->n_rows; j++) {
		const Popstat__RankRow *row = ok->rows[j];

		bars[j].label = row->name;
		bars[j].has = row->has_score;
		bars[j].value = row->score;
		bars[j].mark = strcmp(row->status, "veto") == 0 ? SVG_VETO :
		    strcmp(row->status, "met") == 0             ? SVG_MET :
		    strcmp(row->status, "missed") == 0          ? SVG_MISSED :
								  SVG_NA;
	}
	sbuf_printf(d->out, "<h2>%s</h2>\n<div class=\"charts\">",
	    T("综合得分", "Scores"));
	svg_bars(d->out, "score-chart",
	    T("得分（满分 100）", "Score (out of 100)"), bars, (int)ok->n_rows,
	    100);
	put(d, "</div>\n");
	free(bars);
	ranking_warning(d, ok->parent, ok->period->end);
}

int
dash_ranking(struct dash *d)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__RankingQuery q = POPSTAT__RANKING_QUERY__INIT;
	const Popstat__RankingOk *ok;
	struct ranking g;
	char ytd[16];
	const char *per = dash_param(d, "period"),
		   *code = dash_param(d, "parent");
	struct req r;
	int rc, u, k;
	size_t j;

	if (per == NULL)
		per = default_period(ytd, sizeof ytd);
	if (code == NULL) {
		if ((u = default_parent(d)) < 0) {
			page_begin(d, T("排名", "Ranking"), "ranking");
			sbuf_printf(d->out, "<p>%s</p>\n",
			    T("还没有任何单位。", "No units yet."));
			page_end(d);
			return 200;
		}
		code = unit_at(u)->code;
	}
	q.parent = (char *)code;
	q.period = (char *)per;
	rq.body_case = POPSTAT__REQUEST__BODY_RANKING;
	rq.ranking = &q;
	if ((rc = dispatch_call(d->who, &rq, &r)) != 0) {
		dash_error(d, rc,
		    r.resp.error ? r.resp.error->message : "error");
		req_free(&r);
		return rc;
	}
	ok = r.resp.ranking;
	memset(&g, 0, sizeof g);
	g.ok = ok;
	g.per = per;
	u = unit_find(ok->parent);
	if (period_of(ok->period, &g.p) < 0 || u < 0) {
		req_free(&r);
		dash_error(d, 500, "bad period in reply");
		return 500;
	}
	/* Columns: the indicators that have a target somewhere. */
	for (k = 0; k < engine_count(); k++) {
		const struct target *t = engine_target(k, -1);

		for (j = 0; t == NULL && j < ok->n_rows; j++)
			t = engine_target(k, unit_find(ok->rows[j]->unit));
		if (t) {
			g.cols[g.ncols].ind = k;
			g.cols[g.ncols++].t = t;
		}
	}
	g.strips = ok->n_rows > 0;
	if (g.strips) {
		g.nm = months_of(d, &g.p, g.months, g.labels);
		g.strips = (size_t)g.nm * ok->n_rows <= MAX_STRIP_EVALS;
		g.ev = xcalloc((size_t)(g.nm ? g.nm : 1), sizeof *g.ev);
	}

	ranking_header(d, &g, u);
	for (j = 0; j < ok->n_rows; j++)
		ranking_row(d, &g, ok->rows[j]);
	put(d, "</tbody></table></div>\n");
	if (ok->n_rows == 0)
		sbuf_printf(d->out, "<p class=\"note\">%s</p>\n",
		    T("该单位没有下级单位。",
			"This unit has no units below it."));
	else
		ranking_chart(d, &g);
	sbuf_printf(d->out, "<p class=\"note\">%s</p>\n",
	    T("‰ "
	      "指标按年化值考核；数值保留两位小数后判定。排名：先列各项均已考核"
	      "且未被否决的单位，"
	      "再列有未考核指标的单位，再列否决单位，各按得分；无一项可考核的单"
	      "位不排名（-）。",
		"‰ rates are judged annualised; values are judged as shown, "
		"rounded"
		" to 2 decimals. Ranking: units with every target assessed and "
		"none"
		" vetoed first, then incomplete ones, then vetoed ones, each by"
		" score; a unit with nothing assessed has no rank (-)."));
	page_end(d);
	free(g.ev);
	req_free(&r);
	return 200;
}

/* ---- early warning strip (doc/indicators.md §15) ------------------------- */

static const char *
level_color(const char *level)
{
	if (level == NULL)
		return "#9e9e9e";
	if (strcmp(level, "over") == 0)
		return "#7f0000";
	if (strcmp(level, "high") == 0)
		return "#d32f2f";
	if (strcmp(level, "watch") == 0)
		return "#f9a825";
	return "#2e7d32";
}

/* The worst cell of a row: the highest risk. */
static const Popstat__WarningCell *
worst_cell(const Popstat__WarningRow *row)
{
	const Popstat__WarningCell *w = NULL;
	size_t k;

	for (k = 0; k < row->n_indicators; k++) {
		const Popstat__WarningCell *c = row->indicators[k];

		if (w == NULL ||
		    (c->has_risk && (!w->has_risk || c->risk > w->risk)))
			w = c;
	}
	return w;
}

/*
 * A strip of one coloured cell per unit (over, high, watch, low, grey
 * when not computable) in SVG, and under it each unit's headroom in
 * words: what a county head reads at a glance.
 */
static void
warning_strip(struct dash *d, Popstat__WarningRow *const *rows, size_t n,
    unsigned year, const char *as_of)
{
	const int cw = 120, ch = 44;
	char buf[96];
	size_t i, k;

	if (n == 0)
		return;
	sbuf_printf(d->out,
	    "<h2>%s</h2>\n<div class=\"warnstrip\""
	    " id=\"warning-strip\">\n",
	    T("预警", "Early warning"));
	sbuf_printf(d->out,
	    "<svg class=\"warning\" xmlns=\"http://www.w3.org/"
	    "2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\"><title>",
	    cw * (int)n, ch);
	sbuf_printf(d->out,
	    T("%u 年预警（截至 %s）",
		"Early warning %u (as of"
		" %s)"),
	    year, as_of);
	put(d, "</title>");
	for (i = 0; i < n; i++) {
		const Popstat__WarningCell *c = worst_cell(rows[i]);
		const char *lvl = c ? c->level : NULL;

		sbuf_printf(d->out,
		    "<g class=\"wcell\" data-unit=\"%s\""
		    " data-level=\"%s\"><rect x=\"%d\" y=\"0\" width=\"%d\""
		    " height=\"%d\" fill=\"%s\" stroke=\"#fff\"><title>",
		    rows[i]->unit, lvl ? lvl : "none", (int)i * cw, cw, ch,
		    level_color(lvl));
		esc(d, rows[i]->name);
		if (c) {
			warning_headroom_text(buf, sizeof buf, c,
			    d->lang != LANG_EN);
			put(d, ": ");
			esc(d, buf);
			if (c->has_risk)
				sbuf_printf(d->out,
				    T("，超标风险 %.1f%%", ", risk %.1f%%"),
				    c->risk * 100);
		}
		sbuf_printf(d->out,
		    "</title></rect><text x=\"%d\" y=\"18\""
		    " font-size=\"13\" fill=\"#fff\" text-anchor=\"middle\">",
		    (int)i * cw + cw / 2);
		esc(d, rows[i]->name);
		sbuf_printf(d->out,
		    "</text><text x=\"%d\" y=\"36\""
		    " font-size=\"11\" fill=\"#fff\" text-anchor=\"middle\">%s"
		    "</text></g>",
		    (int)i * cw + cw / 2,
		    warning_level_name(lvl, d->lang != LANG_EN));
	}
	put(d, "</svg>\n<ul>");
	for (i = 0; i < n; i++) {
		sbuf_printf(d->out, "<li data-unit=\"%s\"><b>", rows[i]->unit);
		esc(d, rows[i]->name);
		put(d, "</b>");
		for (k = 0; k < rows[i]->n_indicators; k++) {
			const Popstat__WarningCell *c = rows[i]->indicators[k];

			warning_headroom_text(buf, sizeof buf, c,
			    d->lang != LANG_EN);
			sbuf_printf(d->out, " · %s ",
			    warning_indicator_name(c->indicator,
				d->lang != LANG_EN));
			if (c->has_projected)
				sbuf_printf(d->out,
				    T("预计 %.2f‰，",
					"projected"
					" %.2f‰, "),
				    c->projected);
			esc(d, buf);
			if (c->has_risk)
				sbuf_printf(d->out,
				    T("，超标风险 %.1f%%（%s）",
					", risk %.1f%% (%s)"),
				    c->risk * 100,
				    warning_level_name(c->level,
					d->lang != LANG_EN));
		}
		put(d, "</li>");
	}
	sbuf_printf(d->out, "</ul>\n<p class=\"note\">%s</p></div>\n",
	    T("余量：今年还可出生多少人仍能达标；超标风险：按目前出生速度，全年"
	      "出生超过余量的概率。这是提醒，不是结论。",
		"Headroom: births the"
		" unit may still have this year and meet the target; risk: the"
		" probability that, at the pace so far, the year's births "
		"exceed"
		" it. A warning is a reason to look, not a verdict."));
}

/* The warning of the units under parent, as of the period's end. */
static void
ranking_warning(struct dash *d, const char *parent, const char *end)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__WarningQuery q = POPSTAT__WARNING_QUERY__INIT;
	struct req r;
	char today[11];

	date_format(server_today(), today);
	q.parent = (char *)parent;
	if (strcmp(end, today) < 0)
		q.as_of = (char *)end;
	rq.body_case = POPSTAT__REQUEST__BODY_WARNING;
	rq.warning = &q;
	if (dispatch_call(d->who, &rq, &r) == 0)
		warning_strip(d, r.resp.warning->rows, r.resp.warning->n_rows,
		    r.resp.warning->year, r.resp.warning->as_of);
	req_free(&r);
}

/* ---- one unit ------------------------------------------------------------ */

static const struct {
	const char *name, *zh, *en;
} counter_labels[] = {
	{ "births", "出生", "births" },
	{ "births_male", "出生（男）", "births, boys" },
	{ "births_female", "出生（女）", "births, girls" },
	{ "births_policy", "政策内出生", "policy-compliant births" },
	{ "births_order3", "三孩及以上", "third or later births" },
	{ "deaths", "死亡", "deaths" },
	{ "mig_in", "迁入", "moved in" },
	{ "mig_out", "迁出", "moved out" },
	{ "verified", "核查出生", "births found by inspection" },
	{ "verified_missed", "核查漏报", "of which never reported" },
	{ "pop_start", "期初人口", "population at start" },
	{ "pop_end", "期末人口", "population at end" },
	{ "pop_avg", "平均人口", "average population" },
	{ "days", "天数", "days" },
	{ "year_days", "年天数", "days in the year" },
};

static const char *
counter_label(struct dash *d, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof counter_labels / sizeof counter_labels[0]; i++)
		if (strcmp(counter_labels[i].name, name) == 0)
			return d->lang == LANG_EN ? counter_labels[i].en :
						    counter_labels[i].zh;
	return name;
}

static void
num_cell(struct dash *d, int has, double v, const char *cls)
{
	if (has)
		sbuf_printf(d->out, "<td class=\"n%s%s\">%.2f</td>",
		    *cls ? " " : "", cls, v);
	else
		put(d, "<td class=\"n na\">-</td>");
}

static void
indicator_table(struct dash *d, const Popstat__StatusOk *s)
{
	size_t i;

	sbuf_printf(d->out,
	    "<table id=\"indicators\">\n<thead><tr><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th></tr>"
	    "</thead>\n<tbody>\n",
	    T("指标", "Indicator"), T("数值", "Value"), T("年化", "Annualised"),
	    T("目标", "Target"), T("考核值", "Judged"), T("结果", "Result"),
	    T("去年同期", "Same period last year"), T("同比", "YoY"));
	for (i = 0; i < s->n_indicators; i++) {
		const Popstat__IndicatorResult *in = s->indicators[i];
		const char *cls = "";

		if (in->result && strcmp(in->result, "met") == 0)
			cls = "met";
		else if (in->result && strcmp(in->result, "missed") == 0)
			cls =
			    in->target && in->target->veto ? "veto" : "missed";
		else if (in->result)
			cls = "na";
		put(d, "<tr><td>");
		esc(d, bulletin_indicator_name(in->name, d->lang));
		put(d, " <small>");
		esc(d, bulletin_unit_name(in->unit, d->lang));
		put(d, "</small></td>");
		num_cell(d, in->has_value, in->value, "");
		num_cell(d, in->has_annualized, in->annualized, "");
		put(d, "<td>");
		if (in->target) {
			esc(d, op_text(in->target->op));
			sbuf_printf(d->out, " %.15g", in->target->value);
			esc(d, bulletin_unit_name(in->unit, d->lang));
			if (in->target->veto)
				sbuf_printf(d->out, " · %s", T("否决", "veto"));
		} else
			put(d, "-");
		put(d, "</td>");
		num_cell(d, in->has_judged, in->judged, cls);
		if (in->result == NULL)
			put(d, "<td>-</td>");
		else {
			sbuf_printf(d->out, "<td class=\"%s\">", cls);
			if (strcmp(cls, "veto") == 0)
				esc(d, T("一票否决", "veto"));
			else
				esc(d, status_name(d, in->result));
			if (in->na_reason) {
				put(d, " <small class=\"why\">（");
				esc(d,
				    na_reason_text(in->na_reason,
					d->lang != LANG_EN));
				put(d, "）</small>");
			}
			put(d, "</td>");
		}
		num_cell(d, in->has_yoy_value && in->has_yoy_change,
		    in->yoy_value, "");
		if (in->has_yoy_value && in->has_yoy_change)
			sbuf_printf(d->out, "<td class=\"n yoy\">%s%.2f</td>",
			    in->yoy_change > 0 ? "+" : "",
			    in->yoy_change == 0 ? 0.0 : in->yoy_change);
		else
			put(d, "<td class=\"n yoy na\">-</td>");
		put(d, "</tr>\n");
	}
	put(d, "</tbody></table>\n");
	if (s->n_unknown_population) {
		size_t k;

		sbuf_printf(d->out, "<p class=\"note\" id=\"no-population\">%s",
		    T("无人口记录的下级单位：",
			"Units below without a population"
			" record: "));
		for (k = 0; k < s->n_unknown_population; k++) {
			if (k)
				put(d, T("、", ", "));
			esc(d, s->unknown_population[k]);
		}
		put(d, "</p>\n");
	}
}

static void
counter_table(struct dash *d, const Popstat__StatusOk *s)
{
	size_t i;

	sbuf_printf(d->out,
	    "<table id=\"counters\">\n<thead><tr><th>%s</th>"
	    "<th>%s</th></tr></thead>\n<tbody>\n",
	    T("计数", "Counter"), T("数值", "Value"));
	for (i = 0; i < s->n_counters; i++) {
		const Popstat__CounterValue *c = s->counters[i];

		put(d, "<tr><td>");
		esc(d, counter_label(d, c->name));
		put(d, "</td>");
		if (!c->has_value)
			put(d, "<td class=\"n na\">-</td>");
		else if (c->integer)
			sbuf_printf(d->out, "<td class=\"n\">%.0f</td>",
			    c->value);
		else
			sbuf_printf(d->out, "<td class=\"n\">%.1f</td>",
			    c->value);
		put(d, "</tr>\n");
	}
	put(d, "</tbody></table>\n");
}

/* One chart per indicator: its judged value month by month and its target. */
static void
trend_charts(struct dash *d, int u, const period *p)
{
	struct unit_eval *ev;
	period months[MAX_MONTHS];
	char labels[MAX_MONTHS][16], title[160], tl[64], id[64];
	const char *xl[MAX_MONTHS];
	int has[MAX_MONTHS], mark[MAX_MONTHS];
	double v[MAX_MONTHS];
	int nm, i, k, nind = engine_count(), ok[MAX_MONTHS];

	nm = months_of(d, p, months, labels);
	ev = xcalloc((size_t)(nm ? nm : 1), sizeof *ev);
	engine_eval_months(u, months, nm, NULL, ev, ok);
	for (i = 0; i < nm; i++)
		xl[i] = labels[i];
	sbuf_printf(d->out,
	    "<h2>%s</h2>\n<p class=\"note\">%s</p>\n"
	    "<div class=\"charts\">\n",
	    T("逐月走势", "Month by month"),
	    T("每个点是该月的考核值（‰ 指标为年化值），虚线为目标。",
		"Each point is the month's judged value (‰ rates annualised); "
		"the"
		" dashed line is the target."));
	for (k = 0; k < nind && k < ENGINE_MAX_INDICATORS; k++) {
		const struct indicator *in = engine_indicator(k);
		const struct target *t = engine_target(k, u);

		for (i = 0; i < nm; i++) {
			has[i] = ok[i] && k < ev[i].nind && ev[i].has_value[k];
			v[i] = has[i] ? ev[i].te[k].judged : 0;
			if (!has[i] || t == NULL)
				mark[i] = t ? SVG_NA : SVG_PLAIN;
			else if (ev[i].te[k].result == RESULT_MET)
				mark[i] = SVG_MET;
			else
				mark[i] = t->veto ? SVG_VETO : SVG_MISSED;
		}
		xsnprintf(title, sizeof title, "%s（%s%s）",
		    bulletin_indicator_name(in->name, d->lang),
		    bulletin_unit_name(in->unit, d->lang),
		    in->permille ? T("，年化", ", annualised") : "");
		if (t)
			xsnprintf(tl, sizeof tl, "%s %s %.15g%s",
			    T("目标", "target"), op_text(score_op_str(t->op)),
			    t->value, t->veto ? T("（否决）", " (veto)") : "");
		xsnprintf(id, sizeof id, "trend-%s", in->name);
		{
			struct svg_trend st = { id, title, nm, xl, has, v, mark,
				t != NULL, t ? t->value : 0, t ? tl : NULL };

			svg_trend(d->out, &st);
		}
	}
	put(d, "</div>\n");
	free(ev);
}

/* Record-level: the inspection's births never reported (not public). */
static void
missed_births(struct dash *d, const char *code, const char *per)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__VerifyReport q = POPSTAT__VERIFY_REPORT__INIT;
	const Popstat__VerifyReportOk *v;
	struct req r;
	size_t i;

	if (d->anonymous ||
	    !scope_may_read(d->who, unit_find(code), SCOPE_RECORD))
		return;
	q.unit = (char *)code;
	q.period = (char *)per;
	rq.body_case = POPSTAT__REQUEST__BODY_VERIFY_REPORT;
	rq.verify_report = &q;
	if (dispatch_call(d->who, &rq, &r) != 0) {
		req_free(&r); /* e.g. a viewer: not for this role */
		return;
	}
	v = r.resp.verify_report;
	sbuf_printf(d->out, "<h2>%s</h2>\n<p>%s %u%s %zu</p>\n",
	    T("核查发现的漏报出生",
		"Births found by inspection, never reported"),
	    T("核查记录", "verification records"), v->verified,
	    T("，其中未报", ", never reported:"), v->n_missed);
	if (v->n_missed) {
		sbuf_printf(d->out,
		    "<table id=\"missed\"><thead><tr><th>%s</th>"
		    "<th>%s</th><th>%s</th></tr></thead><tbody>\n",
		    T("记录号", "record_id"), T("单位", "unit"),
		    T("日期", "date"));
		for (i = 0; i < v->n_missed; i++) {
			put(d, "<tr><td>");
			esc(d, v->missed[i]->record_id);
			put(d, "</td><td>");
			esc(d, v->missed[i]->unit_name);
			put(d, "</td><td>");
			esc(d, v->missed[i]->date);
			put(d, "</td></tr>\n");
		}
		put(d, "</tbody></table>\n");
	}
	req_free(&r);
}

int
dash_unit(struct dash *d)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__StatusQuery q = POPSTAT__STATUS_QUERY__INIT;
	const Popstat__StatusOk *s;
	const char *per = dash_param(d, "period"),
		   *code = dash_param(d, "unit");
	char ytd[16], title[256];
	struct req r;
	period p;
	int rc, u;

	if (per == NULL)
		per = default_period(ytd, sizeof ytd);
	if (code == NULL) {
		if ((u = default_unit(d)) < 0) {
			dash_error(d, 404,
			    T("还没有任何单位。", "No units yet."));
			return 404;
		}
		code = unit_at(u)->code;
	}
	q.unit = (char *)code;
	q.period = (char *)per;
	rq.body_case = POPSTAT__REQUEST__BODY_STATUS;
	rq.status = &q;
	if ((rc = dispatch_call(d->who, &rq, &r)) != 0) {
		dash_error(d, rc,
		    r.resp.error ? r.resp.error->message : "error");
		req_free(&r);
		return rc;
	}
	s = r.resp.status;
	u = unit_find(s->unit);
	if (period_of(s->period, &p) < 0 || u < 0) {
		req_free(&r);
		dash_error(d, 500, "bad period in reply");
		return 500;
	}
	xsnprintf(title, sizeof title, "%s（%s）", s->name, s->unit);
	page_begin(d, title, "ranking");
	crumbs(d, u, per);
	put(d, "<h1>");
	esc(d, title);
	put(d, " ");
	badge(d, s->status, 1);
	put(d, "</h1>\n");
	period_line(d, s->period);
	if (s->has_score)
		sbuf_printf(d->out, "<p>%s <b>%.2f</b></p>\n",
		    T("综合得分", "Score"), s->score);
	if (unit_at(u)->nchildren > 0 &&
	    scope_may_read(d->who, u, SCOPE_RANKING)) {
		put(d, "<p><a");
		href(d, "/ranking", "parent", s->unit, "period", per);
		sbuf_printf(d->out, ">%s ›</a></p>\n",
		    T("下级单位排名", "Ranking of the units below"));
	}
	period_form(d, "/unit", "unit", s->unit, per);
	legend(d);
	indicator_table(d, s);
	{
		Popstat__WarningRow *wr;
		int32_t asof = p.end < server_today() ? p.end : server_today();
		int wy, wm, wd;
		char b[11];

		date_to_ymd(asof, &wy, &wm, &wd);
		if (warning_one(&r, u, wy, asof, &wr) == 0 && wr->n_indicators)
			warning_strip(d, &wr, 1, (unsigned)wy,
			    date_format(asof, b));
	}
	trend_charts(d, u, &p);
	sbuf_printf(d->out, "<h2>%s</h2>\n", T("基础计数", "Counters"));
	counter_table(d, s);
	missed_births(d, s->unit, per);
	page_end(d);
	req_free(&r);
	return 200;
}

int
dash_home(struct dash *d)
{
	int u = units_count() > 0 ? default_unit(d) : -1;

	if (u >= 0 && unit_at(u)->nchildren == 0)
		return dash_unit(d);
	return dash_ranking(d);
}

/* ---- bulletins ----------------------------------------------------------- */

static void
got_at(const char *at, const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	xsnprintf(arg, 32, "%s", at);
}

/* A link to a bulletin: correction n (0: the original), printable. */
static void
bulletin_href(struct dash *d, const char *code, const char *month, unsigned n,
    int print)
{
	put(d, " href=\"/bulletin?parent=");
	url_enc(d->out, code);
	put(d, "&amp;period=");
	url_enc(d->out, month);
	if (n)
		sbuf_printf(d->out, "&amp;correction=%u", n);
	if (print)
		put(d, "&amp;print=1");
	if (d->lang == LANG_EN)
		put(d, "&amp;lang=en");
	put(d, "\"");
}

/* The rows of a month's corrections (更正), each beside the original. */
static void
correction_rows(struct dash *d, const char *code, const char *month)
{
	char key[80], at[32];
	unsigned n;

	for (n = 1; n < 1000; n++) {
		xsnprintf(key, sizeof key, "%s:%s#%u", code, month, n);
		at[0] = '\0';
		if (store_bulletin_get(key, got_at, at) != 1)
			break;
		sbuf_printf(d->out, "<tr><td>%s</td><td>", month);
		sbuf_printf(d->out,
		    T("第%u次更正 已发布 ",
			"correction %u,"
			" published "),
		    n);
		esc(d, at);
		put(d, "</td><td><a");
		bulletin_href(d, code, month, n, 0);
		sbuf_printf(d->out, ">%s</a> <a", T("阅读", "read"));
		bulletin_href(d, code, month, n, 1);
		sbuf_printf(d->out, ">%s</a></td></tr>\n", T("打印", "print"));
	}
}

int
dash_bulletins(struct dash *d)
{
	const char *code = dash_param(d, "parent");
	char key[64], month[16], at[32];
	int u, y, m, day, i, rc;

	u = code ? unit_find(code) : default_parent(d);
	if (u < 0) {
		dash_error(d, 404,
		    code ? T("没有这个单位。", "No such unit.") :
			   T("还没有任何单位。", "No units yet."));
		return 404;
	}
	/*
	 * A clerk's circulation: the bulletins that cover its unit (of the
	 * unit or a unit above it) and those of units below it; another
	 * county's list of months and publication dates is not its to read.
	 */
	if (!scope_may_read(d->who, u, SCOPE_RANKING)) {
		dash_error(d, 403,
		    T("这个单位的通报不在您的传阅范围内。",
			"The bulletins of this unit are not circulated to "
			"you."));
		return 403;
	}
	code = unit_at(u)->code;
	page_begin(d, T("月通报", "Monthly bulletins"), "bulletins");
	put(d, "<h1>");
	esc(d, unit_at(u)->name);
	sbuf_printf(d->out, " · %s</h1>\n<p class=\"note\">%s</p>\n",
	    T("月通报", "monthly bulletins"),
	    T("已发布的通报按发布时的数据冻结；未发布的月份按当前数据计算（草稿"
	      "）。",
		"A published bulletin is frozen with the data it was computed"
		" from; a month not yet published is computed from today's data"
		" (a draft)."));
	sbuf_printf(d->out,
	    "<table id=\"bulletins\">\n<thead><tr><th>%s</th>"
	    "<th>%s</th><th>%s</th></tr></thead>\n<tbody>\n",
	    T("月份", "Month"), T("状态", "State"), T("查看", "Read"));
	date_to_ymd(server_today(), &y, &m, &day);
	for (i = 0; i < 12; i++) {
		xsnprintf(month, sizeof month, "%04d-%02d", y, m);
		xsnprintf(key, sizeof key, "%s:%s", code, month);
		at[0] = '\0';
		rc = store_bulletin_get(key, got_at, at);
		sbuf_printf(d->out, "<tr><td>%s</td><td>", month);
		if (rc == 1) {
			sbuf_printf(d->out, "%s ", T("已发布", "published"));
			esc(d, at);
		} else
			put(d, T("未发布（草稿）", "not published (draft)"));
		put(d, "</td><td><a");
		href(d, "/bulletin", "parent", code, "period", month);
		sbuf_printf(d->out, ">%s</a> <a", T("阅读", "read"));
		bulletin_href(d, code, month, 0, 1);
		sbuf_printf(d->out, ">%s</a></td></tr>\n", T("打印", "print"));
		if (rc == 1)
			correction_rows(d, code, month);
		if (--m == 0) {
			m = 12;
			y--;
		}
	}
	put(d, "</tbody></table>\n");
	page_end(d);
	return 200;
}

int
dash_bulletin(struct dash *d)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__BulletinShow show = POPSTAT__BULLETIN_SHOW__INIT;
	Popstat__Bulletin comp = POPSTAT__BULLETIN__INIT;
	const Popstat__BulletinOk *b;
	const char *per = dash_param(d, "period"),
		   *code = dash_param(d, "parent");
	const char *cs = dash_param(d, "correction");
	const char *body, *end;
	char month[16], title[128], *e;
	struct req r;
	int rc, y, m, day, draft = 0;
	unsigned long corr = 0;

	if (per == NULL) {
		date_to_ymd(server_today(), &y, &m, &day);
		per = xsnprintf(month, sizeof month, "%04d-%02d", y, m);
	}
	if (code == NULL && default_parent(d) >= 0)
		code = unit_at(default_parent(d))->code;
	show.period = (char *)per;
	show.parent = (char *)code;
	show.lang = d->lang == LANG_EN ? "en" : "zh";
	show.format = "html";
	if (cs) {
		corr = strtoul(cs, &e, 10);
		if (*e || corr < 1 || corr > 100000 || *cs == '-') {
			dash_error(d, 400,
			    T("correction 应为更正的序号：1、2……",
				"correction is the number of a correction: 1, "
				"2, ..."));
			return 400;
		}
		show.has_correction = 1;
		show.correction = (uint32_t)corr;
	}
	rq.body_case = POPSTAT__REQUEST__BODY_BULLETIN_SHOW;
	rq.bulletin_show = &show;
	rc = dispatch_call(d->who, &rq, &r);
	if (rc == 404 && corr == 0) {
		/* Not published (or no such unit: the draft says which). */
		req_free(&r);
		comp.period = (char *)per;
		comp.parent = (char *)code;
		comp.lang = show.lang;
		comp.format = "html";
		rq.body_case = POPSTAT__REQUEST__BODY_BULLETIN;
		rq.bulletin = &comp;
		rc = dispatch_call(d->who, &rq, &r);
		draft = 1;
	}
	if (rc != 0) {
		dash_error(d, rc,
		    r.resp.error ? r.resp.error->message : "error");
		req_free(&r);
		return rc;
	}
	b = r.resp.bulletin;
	if (dash_param(d, "print")) {
		/* The standalone page, to print as it is (GB/T 9704). */
		put(d, b->text);
		req_free(&r);
		return 200;
	}
	xsnprintf(title, sizeof title, "%s %s", T("月通报", "Bulletin"), per);
	page_begin(d, title, "bulletins");
	if (draft)
		sbuf_printf(d->out, "<p class=\"draft\">%s</p>\n",
		    T("此月通报尚未发布：以下按当前数据计算，仅供参考。",
			"This month's bulletin is not published: computed from"
			" today's data, for reference only."));
	else {
		sbuf_printf(d->out, "<p class=\"note\">%s ",
		    T("发布于", "Published"));
		esc(d, b->published_at);
		put(d, "</p>\n");
	}
	put(d, "<p class=\"note\"><a");
	bulletin_href(d, b->data->parent, b->data->month, (unsigned)corr, 1);
	sbuf_printf(d->out, ">%s</a></p>\n",
	    T("打印版（A4，公文格式）",
		"Printable page (A4, official document layout)"));
	/* The renderer makes a whole page: keep what is inside <body>. */
	body = strstr(b->text, "<body>");
	end = body ? strstr(body, "</body>") : NULL;
	put(d, "<article class=\"bulletin\">\n");
	if (body && end)
		sbuf_add(d->out, body + 6, (size_t)(end - body - 6));
	put(d, "</article>\n");
	page_end(d);
	req_free(&r);
	return 200;
}
