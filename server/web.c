/*
 * web.c - the dashboard's pages that write (web.h): a township's whole job
 * from a browser.
 *
 *   /entry          the township page: today's entries, links; with
 *                   kind=K the form of one record kind
 *   /amend  /void   correct a stored record, with a reason
 *   /report         the dekad report, showing the counts the server holds
 *   /task           a department's (or township's) tasks and their update
 *   /upload         a register file (csv, xlsx, xls), stored in batches
 *   /upload/rejected  the rejected rows of the last upload (csv or xlsx)
 *
 * Every write is the protocol's request (Submit, Amend, Void, ReportFile,
 * TaskUpdate) run through dispatch() as the session's principal: the same
 * role table, scope, locks, validation (record_validate) and audit, inside
 * the same group commit.  The page is sent from commit_after() once
 * the commit is durable, so "stored" on the page means stored.
 *
 * Idempotency.  Every form carries a server-made key (128 random bits).
 * A record entered without a record_id gets "web-KEY" as its record_id,
 * so a re-posted form is the protocol's duplicate.  Each user's recent
 * keys are remembered with what they did: a form posted again (a double
 * click, back-and-resubmit, a retry after a timeout) is answered with the
 * first result instead of acting twice, and a record form posted again
 * with another record_id is sent with its first one (a duplicate, or a
 * conflict if its content changed), never as a second record.
 *
 * The township page lists what the account did today, read from the
 * audit log (so it survives a restart).  The rejected rows of each
 * account's last upload are kept in memory for the download, bounded per
 * account (REJ_USER_BYTES) and in all (REJ_TOTAL_BYTES, the least recently
 * used accounts' lists dropped first); a restart forgets them, and the
 * page then says to upload the file again.
 */
#include "web.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "bulletin.h"
#include "commit.h"
#include "dashboard.h"
#include "date.h"
#include "depts.h"
#include "http_headers.h"
#include "log.h"
#include "metrics.h"
#include "multipart.h"
#include "period.h"
#include "reason_zh.h"
#include "record.h"
#include "regfile.h"
#include "row.h"
#include "sbuf.h"
#include "sheet.h"
#include "store.h"
#include "units.h"
#include "utf8.h"

#define T(zh, en) (w->lang == LANG_EN ? (en) : (zh))
/* A refusal's reason in the page's language (common/reason_zh.h). */
#define REASON(r, buf)                                                         \
	(w->lang == LANG_EN ? (r) : reason_zh((r), (buf), sizeof(buf)))
#define E(x) POPSTAT__ERROR_CODE__ERR_##x
#define KEY_HEX 32
#define KEYS_PER_USER 128
#define TODAY_MAX 200
#define USERS_MAX 256
#define BATCH_ROWS 1000
/* The rejected rows kept for the download: per account and in all. */
#define REJ_USER_BYTES (8L << 20)
#define REJ_TOTAL_BYTES (64L << 20)
/* The column the rejected-rows file adds; an upload ignores it. */
#define REASON_COLUMN "错误原因"

/* ---- per-user memory ----------------------------------------------------- */

enum { K_FREE, K_PENDING, K_DONE };

struct usedkey {
	char key[KEY_HEX + 1];
	int state;
	char unit[UNIT_CODE_MAX + 1];
	char record_id[RECORD_ID_MAX + 1];
	char result[256]; /* what the first post did, as shown */
};

struct rejrow {
	unsigned line;
	size_t seq; /* the order it was found in */
	char *column, *reason;
	char **cells;
	size_t ncells;
};

struct lastup {
	char key[KEY_HEX + 1];
	char file[MULTIPART_NAME_MAX + 1];
	int kind;
	int state; /* 0 none, 1 running, 2 done, 3 cut off */
	unsigned long rows, accepted, duplicate, rejected, skipped;
	unsigned last_line; /* the last line of the last stored batch */
	char message[256];
	char **header;
	size_t nheader;
	struct rejrow *rej;
	size_t nrej, caprej;
	size_t bytes;      /* what rej holds, counted in rej_total */
	unsigned last_rej; /* the line of the last rejection counted */
	int truncated;     /* rejected rows past the caps not kept */
};

static size_t rej_total; /* bytes of every account's rejected rows */

struct wuser {
	int64_t user_id;
	time_t used;
	struct usedkey keys[KEYS_PER_USER];
	int nextkey;
	struct lastup up;
};

static struct wuser *users[USERS_MAX];

static void
lastup_clear(struct lastup *u)
{
	size_t i, j;

	for (i = 0; i < u->nheader; i++)
		free(u->header[i]);
	free(u->header);
	for (i = 0; i < u->nrej; i++) {
		for (j = 0; j < u->rej[i].ncells; j++)
			free(u->rej[i].cells[j]);
		free(u->rej[i].cells);
		free(u->rej[i].column);
		free(u->rej[i].reason);
	}
	free(u->rej);
	rej_total -= u->bytes;
	memset(u, 0, sizeof *u);
}

static struct wuser *
wuser_of(int64_t id)
{
	int i, oldest = 0;

	for (i = 0; i < USERS_MAX; i++)
		if (users[i] && users[i]->user_id == id) {
			users[i]->used = time(NULL);
			return users[i];
		}
	for (i = 0; i < USERS_MAX; i++) {
		if (users[i] == NULL)
			break;
		if (users[i]->used < users[oldest]->used)
			oldest = i;
	}
	if (i == USERS_MAX) {
		if (users[oldest]->up.state == 1)
			return NULL; /* never drop a running upload's state */
		lastup_clear(&users[oldest]->up);
		free(users[oldest]);
		users[oldest] = NULL;
		i = oldest;
	}
	users[i] = xcalloc(1, sizeof *users[i]);
	users[i]->user_id = id;
	users[i]->used = time(NULL);
	return users[i];
}

static struct usedkey *
key_find(struct wuser *u, const char *key)
{
	int i;

	for (i = 0; i < KEYS_PER_USER; i++)
		if (u->keys[i].state != K_FREE &&
		    strcmp(u->keys[i].key, key) == 0)
			return &u->keys[i];
	return NULL;
}

static struct usedkey *
key_add(struct wuser *u, const char *key)
{
	struct usedkey *k = &u->keys[u->nextkey];

	u->nextkey = (u->nextkey + 1) % KEYS_PER_USER;
	memset(k, 0, sizeof *k);
	xsnprintf(k->key, sizeof k->key, "%s", key);
	k->state = K_PENDING;
	return k;
}

/* ---- one request --------------------------------------------------------- */

/* What outlives on_request() while a write waits for its commit. */
struct wreq {
	struct evhttp_request *req;
	char path[32];
	int lang;
	struct principal who;
	char csrf[80];
	struct req r; /* the dispatched request and its reply */
	Popstat__Request rq;
	Popstat__Row row, *rows[1];
	Popstat__Submit submit;
	Popstat__Amend amend;
	Popstat__Void vd;
	Popstat__ReportFile rf;
	Popstat__TaskUpdate tu;
	struct evkeyvalq fields; /* a copy of the posted form */
	int kind;
	char key[KEY_HEX + 1];
	char record_id[RECORD_ID_MAX + 8];
	void (*done)(struct wreq *, const char *err);
};

static struct wreq *
wreq_new(const struct web_call *c)
{
	struct wreq *w = xcalloc(1, sizeof *w);
	const struct evkeyval *kv;

	w->req = c->req;
	xsnprintf(w->path, sizeof w->path, "%s", c->path);
	w->lang = c->lang;
	w->who = c->who;
	xsnprintf(w->csrf, sizeof w->csrf, "%s", c->csrf ? c->csrf : "");
	TAILQ_INIT(&w->fields);
	if (c->form)
		for (kv = c->form->tqh_first; kv; kv = kv->next.tqe_next)
			evhttp_add_header(&w->fields, kv->key, kv->value);
	return w;
}

static void
wreq_free(struct wreq *w)
{
	struct evkeyval *kv;

	req_free(&w->r);
	/* The form may hold a mother_id: zeroed before it is freed. */
	for (kv = w->fields.tqh_first; kv; kv = kv->next.tqe_next)
		explicit_bzero(kv->value, strlen(kv->value));
	evhttp_clear_headers(&w->fields);
	free(w);
}

/* A posted field, trimmed of nothing; NULL when absent or empty. */
static const char *
field(struct wreq *w, const char *name)
{
	const char *v = evhttp_find_header(&w->fields, name);

	return v && *v ? v : NULL;
}

static void
dash_of(struct wreq *w, struct dash *d, sbuf *out)
{
	memset(d, 0, sizeof *d);
	d->who = &w->who;
	d->session = 1;
	d->lang = w->lang;
	d->path = w->path;
	d->out = out;
	d->csrf = w->csrf;
	d->may_write = 1;
}

static void
send_page(struct wreq *w, int code, sbuf *b)
{
	struct evbuffer *buf = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(w->req);

	http_headers(w->req, "text/html; charset=utf-8");
	/*
	 * Kept in the browser's own cache (never a shared one), so that Back
	 * shows the form as it was, with its key: sent again, it is the
	 * duplicate of the first post, not a new record.
	 */
	evhttp_remove_header(h, "Cache-Control");
	evhttp_add_header(h, "Cache-Control", "private, no-cache");
	evbuffer_add(buf, b->s, b->len);
	evhttp_send_reply(w->req, code, code == 200 ? "OK" : "Error", buf);
	evbuffer_free(buf);
	metrics_http_request(w->path, code);
}

static void
put(sbuf *b, const char *s)
{
	sbuf_puts(b, s);
}

static void
esc(sbuf *b, const char *s)
{
	const char *p;

	for (p = s ? s : ""; *p; p++)
		switch (*p) {
		case '&': put(b, "&amp;"); break;
		case '<': put(b, "&lt;"); break;
		case '>': put(b, "&gt;"); break;
		case '"': put(b, "&quot;"); break;
		case '\'': put(b, "&#39;"); break;
		default: sbuf_putc(b, *p);
		}
}

/* ` href="PATH"` with lang=en kept. */
static void
plink(struct wreq *w, sbuf *b, const char *path, const char *label)
{
	sbuf_printf(b, "<a href=\"%s%s%s\">", path,
	    w->lang == LANG_EN ?
		(strchr(path, '?') ? "&amp;lang=en" : "?lang=en") :
		"",
	    "");
	esc(b, label);
	put(b, "</a>");
}

static void
new_key(char out[KEY_HEX + 1])
{
	unsigned char raw[KEY_HEX / 2];
	int i;

	if (RAND_bytes(raw, sizeof raw) != 1) {
		log_error("no random bytes for a form key");
		abort();
	}
	for (i = 0; i < KEY_HEX / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

static int
key_valid(const char *k)
{
	int i;

	if (k == NULL)
		return 0;
	for (i = 0; i < KEY_HEX; i++)
		if (!((k[i] >= '0' && k[i] <= '9') ||
			(k[i] >= 'a' && k[i] <= 'f')))
			return 0;
	return k[KEY_HEX] == '\0';
}

/* The hidden fields of every form: anti-forgery token, key, language. */
static void
hidden(struct wreq *w, sbuf *b, const char *key)
{
	char fresh[KEY_HEX + 1];

	if (key == NULL) {
		new_key(fresh);
		key = fresh;
	}
	sbuf_printf(b,
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
	    "<input type=\"hidden\" name=\"key\" value=\"%s\">\n",
	    w->csrf, key);
	if (w->lang == LANG_EN)
		put(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">\n");
}

static void
page_begin(struct wreq *w, struct dash *d, sbuf *b, const char *title)
{
	dash_of(w, d, b);
	dash_page_begin(d, title, "entry");
	put(b, "<h1>");
	esc(b, title);
	put(b, "</h1>\n");
}

static void
error_page(struct wreq *w, int code, const char *msg)
{
	struct dash d;
	sbuf b;

	sbuf_init(&b);
	page_begin(w, &d, &b, T("未能完成", "Not done"));
	put(&b, "<p class=\"err\" id=\"error\">");
	esc(&b, msg);
	put(&b, "</p>\n<p>");
	plink(w, &b, "/entry", T("返回填报首页", "Back to the entry page"));
	put(&b, "</p>\n");
	dash_page_end(&d);
	send_page(w, code, &b);
	sbuf_free(&b);
}

/* ---- running a write ----------------------------------------------------- */

static void
after_commit(void *arg, const char *err)
{
	struct wreq *w = arg;

	w->done(w, err);
	wreq_free(w);
}

/*
 * Dispatch w->rq as w's principal.  A write waits for its commit; anything
 * else (refused before it wrote) is answered at once.
 */
static void
run(struct wreq *w, void (*done)(struct wreq *, const char *err))
{
	int is_write = 0;

	memset(&w->r, 0, sizeof w->r);
	w->r.rq = &w->rq;
	w->r.who = &w->who;
	popstat__response__init(&w->r.resp);
	w->done = done;
	if (srv.shutting_down) {
		req_error(&w->r, E(UNAVAILABLE),
		    "the server is shutting down;"
		    " try again shortly");
	} else
		dispatch(&w->r, &is_write);
	if (is_write) {
		commit_after(after_commit, w);
		return;
	}
	after_commit(w, NULL);
}

/* The reply's error, or NULL. */
static const char *
reply_error(struct wreq *w, const char *err, int *code)
{
	if (err) {
		*code = 503;
		return err;
	}
	if (w->r.resp.body_case == POPSTAT__RESPONSE__BODY_ERROR) {
		*code = dispatch_http_status(w->r.resp.error->code);
		return w->r.resp.error->message;
	}
	return NULL;
}

/* ---- record forms -------------------------------------------------------- */

static const char *
col_label(struct wreq *w, int col)
{
	switch (col) {
	case COL_RECORD_ID:
		return T("编号（可空，系统自动生成）",
		    "Record number (optional: made for you)");
	case COL_UNIT: return T("单位", "Unit");
	case COL_DATE: return T("日期", "Date");
	case COL_SEX: return T("性别", "Sex");
	case COL_BIRTH_ORDER: return T("孩次", "Birth order");
	case COL_POLICY: return T("是否符合政策", "Within policy");
	case COL_MOTHER_ID: return T("母亲身份证号", "Mother's ID number");
	case COL_AGE: return T("年龄", "Age");
	case COL_DIRECTION: return T("迁移方向", "Direction");
	case COL_PERSONS: return T("人数", "Persons");
	}
	return "";
}

static const char *
kind_label(struct wreq *w, int kind)
{
	switch (kind) {
	case KIND_BIRTH: return T("出生", "Birth");
	case KIND_DEATH: return T("死亡", "Death");
	case KIND_MIGRATION: return T("迁移", "Migration");
	case KIND_POPULATION: return T("人口数", "Population");
	case KIND_VERIFICATION: return T("核查", "Verification");
	}
	return "";
}

/* May w's role write records of this kind at all (the dispatcher and
 * the handler decide for real; this only chooses what to offer). */
static int
may_enter(const struct principal *who, int kind)
{
	if (who->role == ROLE_ADMIN)
		return 1;
	if (who->role == ROLE_CLERK)
		return kind != KIND_NONE;
	if (who->role == ROLE_INSPECTOR)
		return kind == KIND_VERIFICATION;
	return 0;
}

/* The units a form offers: the clerk's subtree, all for admin/inspector. */
static void
unit_select(struct wreq *w, sbuf *b, const char *name, const char *chosen)
{
	int *ix = NULL, cap = 0, n, i;

	if (w->who.unit >= 0 && w->who.role != ROLE_INSPECTOR)
		n = unit_subtree(w->who.unit, &ix, &cap);
	else {
		n = units_count();
		ix = xcalloc((size_t)(n ? n : 1), sizeof *ix);
		for (i = 0; i < n; i++)
			ix[i] = i;
	}
	sbuf_printf(b, "<select id=\"f-%s\" name=\"%s\" required>\n", name,
	    name);
	for (i = 0; i < n; i++) {
		const struct unit *u = unit_at(ix[i]);

		if (u->deleted)
			continue;
		put(b, "<option value=\"");
		esc(b, u->code);
		sbuf_printf(b, "\"%s>",
		    chosen && strcmp(chosen, u->code) == 0 ? " selected" : "");
		for (cap = 0; cap < u->depth -
			     (w->who.unit >= 0 ? unit_at(w->who.unit)->depth :
						 0) &&
		     cap < 6;
		     cap++)
			put(b, "　");
		esc(b, u->name);
		put(b, " ");
		esc(b, u->code);
		put(b, "</option>\n");
	}
	put(b, "</select>\n");
	free(ix);
}

static void
choice(sbuf *b, const char *name, const char *chosen, const char *const *v,
    const char *const *labels)
{
	int i;

	sbuf_printf(b,
	    "<select id=\"f-%s\" name=\"%s\">\n<option value=\"\">"
	    "</option>\n",
	    name, name);
	for (i = 0; v[i]; i++) {
		sbuf_printf(b, "<option value=\"%s\"%s>", v[i],
		    chosen && strcmp(chosen, v[i]) == 0 ? " selected" : "");
		esc(b, labels[i]);
		put(b, "</option>\n");
	}
	put(b, "</select>\n");
}

/* What to write instead, in the page's language, for the common mistakes. */
static const char *
rej_hint(struct wreq *w, const char *column)
{
	if (strcmp(column, "date") == 0)
		return T("日期可写 2026-11-28、2026/11/28、2026.11.28、"
			 "2026年11月28日 或 20261128；日在前、两位年份不认。",
		    "Write dates as 2026-11-28, 2026/11/28, 2026.11.28,"
		    " 2026年11月28日 or 20261128; day-first dates and two-digit"
		    " years are not guessed.");
	if (strcmp(column, "sex") == 0)
		return T("性别写 男 或 女（或 M、F）。",
		    "Sex is M or F (男, 女).");
	if (strcmp(column, "policy") == 0)
		return T("政策写 是 或 否（或 Y、N）。",
		    "Policy is Y or N (是, 否).");
	if (strcmp(column, "unit") == 0)
		return T("单位写本乡镇或其下村的区划代码。",
		    "The unit is the code of your township or one of its"
		    " villages.");
	if (strcmp(column, "mother_id") == 0)
		return T("请对照身份证核对号码（最后一位是校验位）；登记表中"
			 "身份证号一列要设为“文本”格式。",
		    "Check the number against the ID card (its last character"
		    " checks the others); in a register, format the ID column"
		    " as text.");
	return NULL;
}

/*
 * Where the reason for one column starts in a row's rejection: the server
 * gives the first column apart and the others inside the reason,
 * "REASON; column: reason; ...".  Returns the length of col's part, with
 * *at at its start, or 0 when the rejection says nothing of col.
 */
static size_t
reason_of(const char *errcol, const char *errmsg, const char *col,
    const char **at)
{
	const char *p = NULL, *q, *e;
	char key[40];
	int c;

	if (errcol == NULL || errmsg == NULL)
		return 0;
	if (strcmp(errcol, col) == 0)
		p = errmsg;
	else {
		xsnprintf(key, sizeof key, "; %s: ", col);
		if ((p = strstr(errmsg, key)) != NULL)
			p += strlen(key);
	}
	if (p == NULL)
		return 0;
	/* Up to the next "; column: ". */
	for (e = p; (q = strstr(e, "; ")) != NULL; e = q + 2)
		for (c = 0; c < COL_COUNT; c++) {
			size_t n = strlen(col_name(c));

			if (strncmp(q + 2, col_name(c), n) == 0 &&
			    q[2 + n] == ':') {
				*at = p;
				return (size_t)(q - p);
			}
		}
	*at = p;
	return strlen(p);
}

/* One record's fields; values and errors from a post being shown again. */
static void
record_fields(struct wreq *w, sbuf *b, int kind, int id_required,
    const char *errcol, const char *errmsg)
{
	static const char *const sexv[] = { "M", "F", NULL };
	static const char *const polv[] = { "Y", "N", NULL };
	static const char *const dirv[] = { "in", "out", NULL };
	const char *sexl[] = { T("男", "male"), T("女", "female"), NULL };
	const char *poll[] = { T("符合", "yes"), T("不符合", "no"), NULL };
	const char *dirl[] = { T("迁入", "in"), T("迁出", "out"), NULL };
	int col, req;

	for (col = 0; col < COL_COUNT; col++) {
		const char *name = col_name(col), *v;

		if (!kind_has_col(kind, col, &req))
			continue;
		v = field(w, name);
		sbuf_printf(b, "<p class=\"field\"><label for=\"f-%s\">", name);
		esc(b,
		    col == COL_RECORD_ID && id_required ?
			T("编号", "Record number") :
			col_label(w, col));
		put(b, "</label><br>\n");
		if (col == COL_UNIT)
			unit_select(w, b, name, v);
		else if (col == COL_SEX)
			choice(b, name, v, sexv, sexl);
		else if (col == COL_POLICY)
			choice(b, name, v, polv, poll);
		else if (col == COL_DIRECTION)
			choice(b, name, v, dirv, dirl);
		else {
			sbuf_printf(b,
			    "<input id=\"f-%s\" name=\"%s\""
			    " type=\"text\" value=\"",
			    name, name);
			esc(b, v);
			put(b, "\"");
			if (col == COL_DATE)
				sbuf_printf(b, " placeholder=\"%s\"",
				    T("如 2026-11-28 或 2026年11月28日",
					"e.g. 2026-11-28"));
			if (col == COL_RECORD_ID)
				sbuf_printf(b, " maxlength=\"%d\"",
				    RECORD_ID_MAX);
			if ((req && col != COL_RECORD_ID) ||
			    (col == COL_RECORD_ID && id_required))
				put(b, " required");
			put(b, ">\n");
		}
		{
			const char *at, *hint = rej_hint(w, name);
			size_t n = reason_of(errcol, errmsg, name, &at);
			char part[512], zh[800];

			if (n > 0) {
				xsnprintf(part, sizeof part, "%.*s", (int)n,
				    at);
				sbuf_printf(b,
				    "<br><span class=\"err\""
				    " id=\"err-%s\">",
				    name);
				esc(b, REASON(part, zh));
				if (hint) {
					put(b, "<br><span class=\"note\">");
					esc(b, hint);
					put(b, "</span>");
				}
				put(b, "</span>");
			}
		}
		put(b, "</p>\n");
	}
}

static void
entry_form(struct wreq *w, sbuf *b, int kind, const char *key,
    const char *errcol, const char *errmsg)
{
	sbuf_printf(b,
	    "<form method=\"post\" action=\"/entry\" id=\"entry\""
	    " class=\"box\">\n<input type=\"hidden\" name=\"kind\""
	    " value=\"%s\">\n",
	    kind_name(kind));
	hidden(w, b, key);
	record_fields(w, b, kind, 0, errcol, errmsg);
	sbuf_printf(b,
	    "<button type=\"submit\" id=\"save\">%s</button>\n"
	    "</form>\n",
	    T("保存", "Save"));
}

static void
kind_links(struct wreq *w, sbuf *b)
{
	int k;
	char path[40];

	put(b, "<p class=\"kinds\">");
	for (k = KIND_BIRTH; k < KIND_COUNT; k++) {
		if (!may_enter(&w->who, k))
			continue;
		xsnprintf(path, sizeof path, "/entry?kind=%s", kind_name(k));
		plink(w, b, path, kind_label(w, k));
		put(b, " · ");
	}
	if (w->who.role == ROLE_ADMIN || w->who.role == ROLE_CLERK ||
	    w->who.role == ROLE_INSPECTOR) {
		plink(w, b, "/upload", T("上传登记表", "Upload a register"));
		put(b, " · ");
		plink(w, b, "/amend", T("更正", "Amend"));
		put(b, " · ");
		plink(w, b, "/void", T("作废", "Void"));
		put(b, " · ");
	}
	if (w->who.role == ROLE_ADMIN || w->who.role == ROLE_CLERK) {
		plink(w, b, "/report", T("旬报", "Dekad report"));
		put(b, " · ");
	}
	plink(w, b, "/task", T("目标任务", "Tasks"));
	put(b, "</p>\n");
}

/*
 * The township page's list of today: what the audit log says, newest
 * first.  The batches of one upload (consecutive "records.submit" lines of
 * one kind whose line ranges follow on) are shown as one row.
 */
struct today_ctx {
	struct wreq *w;
	sbuf *b;
	int n;
	/* The upload being gathered: its kind, rows, lines and time. */
	int kind;
	unsigned long count;
	unsigned first, last;
	char at[6];
};

static void
today_put(struct today_ctx *x, const char *at, const char *what,
    const char *record, const char *unit)
{
	struct wreq *w = x->w;
	sbuf *b = x->b;

	sbuf_printf(b, "<tr><td>%.5s</td><td>", at);
	esc(b, what ? what : "");
	put(b, "</td><td>");
	esc(b, record ? record : "");
	put(b, "</td><td>");
	if (unit) {
		int u = unit_find(unit);

		esc(b, unit);
		if (u >= 0) {
			put(b, " ");
			esc(b, unit_at(u)->name);
		}
	}
	put(b, "</td></tr>\n");
	x->n++;
	(void)w;
}

static void
today_flush(struct today_ctx *x)
{
	struct wreq *w = x->w;
	char what[96];

	if (x->count == 0)
		return;
	xsnprintf(what, sizeof what,
	    T("%lu 条 · 第 %u-%u 行", "%lu records · lines %u-%u"), x->count,
	    x->first, x->last);
	today_put(x, x->at, kind_label(w, x->kind), what, NULL);
	x->count = 0;
}

static int
today_row(const store_audit_row *a, void *arg)
{
	struct today_ctx *x = arg;
	struct wreq *w = x->w;
	const char *what = a->action,
		   *at = a->at && strlen(a->at) >= 16 ? a->at + 11 : "";
	unsigned long count;
	unsigned first, last;
	int k;

	if (strcmp(a->user, w->who.name) != 0)
		return 0;
	if (strcmp(a->action, "records.submit") == 0) {
		k = a->object ? kind_parse(a->object) : KIND_NONE;
		if (a->new_ && strstr(a->new_, "stored: ") == NULL &&
		    sscanf(a->new_, "%lu %*s records stored (lines %u-%u)",
			&count, &first, &last) == 3) {
			/* Newest first: the batch before ends where this
			 * starts. */
			if (x->count > 0 &&
			    (k != x->kind || last + 1 != x->first))
				today_flush(x);
			if (x->count == 0) {
				x->kind = k;
				x->last = last;
				xsnprintf(x->at, sizeof x->at, "%.5s", at);
			}
			x->count += count;
			x->first = first;
			return x->n >= TODAY_MAX;
		}
		today_flush(x);
		today_put(x, at, k != KIND_NONE ? kind_label(w, k) : a->object,
		    a->new_ && strstr(a->new_, "stored: ") ?
			strstr(a->new_, "stored: ") + 8 :
			a->new_,
		    a->unit);
		return x->n >= TODAY_MAX;
	}
	today_flush(x);
	if (strcmp(a->action, "record.amend") == 0)
		what = T("更正", "Amended");
	else if (strcmp(a->action, "record.void") == 0)
		what = T("作废", "Voided");
	else if (strncmp(a->action, "report.", 7) == 0)
		what = T("旬报", "Dekad report");
	else if (strncmp(a->action, "task.", 5) == 0)
		what = T("目标任务", "Task");
	today_put(x, at, what, a->object, a->unit);
	return x->n >= TODAY_MAX;
}

static void
today_list(struct wreq *w, sbuf *b)
{
	struct today_ctx x;
	char since[16];
	int rc;

	/* The audit log's times are the server's local time, as is this. */
	memset(&x, 0, sizeof x);
	x.w = w;
	x.b = b;
	date_format(date_today(), since);
	sbuf_printf(b,
	    "<h2>%s</h2>\n<table id=\"today\">\n<thead><tr>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>\n"
	    "<tbody>\n",
	    T("今天填报的", "What you entered today"), T("时间", "Time"),
	    T("内容", "What"), T("记录", "Record"), T("单位", "Unit"));
	rc = store_audit_query(since, today_row, &x);
	today_flush(&x);
	if (rc < 0)
		sbuf_printf(b,
		    "<tr><td colspan=\"4\" class=\"err\">%s</td>"
		    "</tr>\n",
		    T("读不到今天的记录（数据库错误）。",
			"Today's list cannot be read (database error)."));
	else if (x.n == 0)
		sbuf_printf(b,
		    "<tr><td colspan=\"4\" class=\"note\">%s</td>"
		    "</tr>\n",
		    T("今天还没有。", "Nothing yet today."));
	put(b, "</tbody>\n</table>\n");
}

static void
entry_home(struct wreq *w)
{
	struct dash d;
	sbuf b;
	char title[160];

	sbuf_init(&b);
	xsnprintf(title, sizeof title, "%s%s",
	    w->who.unit >= 0 ? unit_at(w->who.unit)->name : "",
	    T(" · 填报", " · entry"));
	page_begin(w, &d, &b, title);
	kind_links(w, &b);
	today_list(w, &b);
	dash_page_end(&d);
	send_page(w, 200, &b);
	sbuf_free(&b);
}

static int
kind_of(struct wreq *w, const char *v)
{
	int k = v ? kind_parse(v) : KIND_NONE;

	return k != KIND_NONE && may_enter(&w->who, k) ? k : KIND_NONE;
}

static void
entry_page(struct wreq *w, int code, int kind, const char *key,
    const char *result_class, const char *result, const char *errcol,
    const char *errmsg)
{
	struct dash d;
	sbuf b;
	char title[96];

	sbuf_init(&b);
	xsnprintf(title, sizeof title, "%s · %s", T("填报", "Entry"),
	    kind_label(w, kind));
	page_begin(w, &d, &b, title);
	kind_links(w, &b);
	if (result) {
		sbuf_printf(&b, "<p id=\"result\" class=\"%s\">", result_class);
		esc(&b, result);
		put(&b, "</p>\n");
	}
	entry_form(w, &b, kind, key, errcol, errmsg);
	today_list(w, &b);
	dash_page_end(&d);
	send_page(w, code, &b);
	sbuf_free(&b);
}

/* The HTTP status of a rejected row: scope and locks have their own. */
static int
rejection_status(const char *reason)
{
	if (strstr(reason, "outside your scope"))
		return 403;
	if (strstr(reason, "locked period"))
		return 423;
	return 422;
}

static void
entry_done(struct wreq *w, const char *err)
{
	struct wuser *u = wuser_of(w->who.user_id);
	struct usedkey *k = u ? key_find(u, w->key) : NULL;
	const Popstat__SubmitOk *ok;
	const char *e;
	char msg[800], zh[600];
	int code = 200;

	if ((e = reply_error(w, err, &code)) != NULL) {
		if (k && k->state == K_PENDING)
			k->state = K_FREE;
		entry_page(w, code, w->kind, w->key, "err", e, NULL, NULL);
		return;
	}
	ok = w->r.resp.submit;
	if (ok->n_rejected > 0) {
		/* Nothing stored: the same form, corrected, may come again. */
		if (k && k->state == K_PENDING)
			k->state = K_FREE;
		xsnprintf(msg, sizeof msg, "%s%s: %s",
		    T("未保存：", "Not stored: "),
		    T(reason_zh_column(ok->rejected[0]->column),
			ok->rejected[0]->column),
		    REASON(ok->rejected[0]->reason, zh));
		entry_page(w, rejection_status(ok->rejected[0]->reason),
		    w->kind, w->key, "err", msg, ok->rejected[0]->column,
		    ok->rejected[0]->reason);
		return;
	}
	xsnprintf(msg, sizeof msg, "%s %s %s · %s %s",
	    ok->accepted ? T("已保存", "Stored") :
			   T("重复，未新增（此前已保存）",
			       "Duplicate: already stored, nothing added"),
	    kind_label(w, w->kind), w->row.record_id, T("单位", "unit"),
	    w->row.unit);
	if (k) {
		k->state = K_DONE;
		xsnprintf(k->result, sizeof k->result, "%s", msg);
	}
	/* A fresh form (new key) for the next record. */
	evhttp_clear_headers(&w->fields);
	entry_page(w, 200, w->kind, NULL,
	    ok->accepted ? "ok stored" : "ok duplicate", msg, NULL, NULL);
}

/* The Row of the posted fields (pointing into w->fields). */
static void
fill_row(struct wreq *w, int kind)
{
	int col;

	popstat__row__init(&w->row);
	w->row.line = 1;
	for (col = 0; col < COL_COUNT; col++)
		if (kind_has_col(kind, col, NULL))
			*row_slot(&w->row, col) =
			    (char *)field(w, col_name(col));
}

static void
entry_post(struct wreq *w)
{
	struct wuser *u = wuser_of(w->who.user_id);
	struct usedkey *k;
	const char *key = field(w, "key");

	if (!key_valid(key)) {
		error_page(w, 400,
		    T("表单缺少系统编号，请重新打开表单。",
			"The form has no key: open the form again."));
		wreq_free(w);
		return;
	}
	if (u == NULL) {
		error_page(w, 503, "too many users at once; try again");
		wreq_free(w);
		return;
	}
	xsnprintf(w->key, sizeof w->key, "%s", key);
	fill_row(w, w->kind);
	k = key_find(u, key);
	if (k) {
		/* This form was posted before: send it as its first record. */
		w->row.unit = k->unit;
		w->row.record_id = k->record_id;
		log_info("http: %s re-posted form %.8s: sent as %s/%s",
		    w->who.name, key, k->unit, k->record_id);
	} else {
		if (w->row.record_id == NULL) {
			xsnprintf(w->record_id, sizeof w->record_id, "web-%s",
			    key);
			w->row.record_id = w->record_id;
		}
		k = key_add(u, key);
		xsnprintf(k->unit, sizeof k->unit, "%.*s", UNIT_CODE_MAX,
		    w->row.unit ? w->row.unit : "");
		xsnprintf(k->record_id, sizeof k->record_id, "%.*s",
		    RECORD_ID_MAX, w->row.record_id);
	}
	w->rows[0] = &w->row;
	popstat__submit__init(&w->submit);
	w->submit.kind = (Popstat__RecordKind)w->kind;
	w->submit.n_rows = 1;
	w->submit.rows = w->rows;
	popstat__request__init(&w->rq);
	w->rq.body_case = POPSTAT__REQUEST__BODY_SUBMIT;
	w->rq.submit = &w->submit;
	run(w, entry_done);
}

static void
r_entry(struct wreq *w, int post, const struct evkeyvalq *q)
{
	const char *kv =
	    post ? field(w, "kind") : evhttp_find_header(q, "kind");

	w->kind = kind_of(w, kv);
	if (!post && kv == NULL) {
		entry_home(w);
		wreq_free(w);
		return;
	}
	if (w->kind == KIND_NONE) {
		error_page(w,
		    w->who.role == ROLE_VIEWER ||
			    w->who.role == ROLE_DEPARTMENT ?
			403 :
			400,
		    T("此账户不能填报这类记录（或类别无效）。",
			"This account cannot enter records of that kind (or "
			"the kind"
			" is unknown)."));
		wreq_free(w);
		return;
	}
	if (!post) {
		entry_page(w, 200, w->kind, NULL, NULL, NULL, NULL, NULL);
		wreq_free(w);
		return;
	}
	entry_post(w);
}

/* ---- forms that act once (amend, void, report, task) --------------------- */

/*
 * A form posted before is answered with its first result.  Returns 1
 * when it was (the page is sent), 0 to go on with *k noted as pending.
 */
static int
once(struct wreq *w, struct usedkey **kp)
{
	struct wuser *u = wuser_of(w->who.user_id);
	const char *key = field(w, "key");
	struct usedkey *k;

	*kp = NULL;
	if (!key_valid(key)) {
		error_page(w, 400,
		    T("表单缺少系统编号，请重新打开表单。",
			"The form has no key: open the form again."));
		return 1;
	}
	xsnprintf(w->key, sizeof w->key, "%s", key);
	if (u && (k = key_find(u, key)) != NULL) {
		char msg[400];

		xsnprintf(msg, sizeof msg, "%s%s",
		    k->state == K_DONE ?
			T("此表单已提交过，未重复处理。上次结果：",
			    "This form was already posted; nothing was done "
			    "again."
			    " Its result: ") :
			T("此表单正在处理中，未重复提交。",
			    "This form is being processed; it was not sent "
			    "again."),
		    k->result);
		error_page(w, 409, msg);
		return 1;
	}
	*kp = u ? key_add(u, key) : NULL;
	return 0;
}

static void
settle(struct wreq *w, int ok, const char *result)
{
	struct wuser *u = wuser_of(w->who.user_id);
	struct usedkey *k = u ? key_find(u, w->key) : NULL;

	if (k == NULL)
		return;
	if (!ok)
		k->state = K_FREE; /* refused: the form may be posted again */
	else {
		k->state = K_DONE;
		xsnprintf(k->result, sizeof k->result, "%s", result);
	}
}

static void
simple_page(struct wreq *w, int code, const char *title, const char *cls,
    const char *msg, void (*form)(struct wreq *, sbuf *))
{
	struct dash d;
	sbuf b;

	sbuf_init(&b);
	page_begin(w, &d, &b, title);
	kind_links(w, &b);
	if (msg) {
		sbuf_printf(&b, "<p id=\"result\" class=\"%s\">", cls);
		esc(&b, msg);
		put(&b, "</p>\n");
	}
	if (form)
		form(w, &b);
	dash_page_end(&d);
	send_page(w, code, &b);
	sbuf_free(&b);
}

static void
amend_form(struct wreq *w, sbuf *b)
{
	int k;
	const char *kv = field(w, "kind");

	put(b, "<form method=\"get\" action=\"/amend\">");
	if (w->lang == LANG_EN)
		put(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
	put(b, "<select name=\"kind\">");
	for (k = KIND_BIRTH; k < KIND_COUNT; k++)
		if (may_enter(&w->who, k))
			sbuf_printf(b, "<option value=\"%s\"%s>%s</option>",
			    kind_name(k), w->kind == k ? " selected" : "",
			    kind_label(w, k));
	sbuf_printf(b, "</select> <button type=\"submit\">%s</button></form>\n",
	    T("选择类别", "Choose the kind"));
	(void)kv;
	sbuf_printf(b,
	    "<form method=\"post\" action=\"/amend\" id=\"amend\""
	    " class=\"box\">\n<input type=\"hidden\" name=\"kind\""
	    " value=\"%s\">\n",
	    kind_name(w->kind));
	hidden(w, b, NULL);
	record_fields(w, b, w->kind, 1, NULL, NULL);
	sbuf_printf(b,
	    "<p><label for=\"f-reason\">%s</label><br><input"
	    " id=\"f-reason\" name=\"reason\" required minlength=\"2\"></p>\n"
	    "<button type=\"submit\">%s</button>\n</form>\n",
	    T("更正原因", "Reason"), T("更正", "Amend"));
}

static void
amend_done(struct wreq *w, const char *err)
{
	const char *e;
	char msg[800], zh[600];
	int code = 200;

	if ((e = reply_error(w, err, &code)) != NULL) {
		settle(w, 0, NULL);
		simple_page(w, code, T("更正", "Amend"), "err", e, amend_form);
		return;
	}
	if (w->r.resp.submit->n_rejected > 0) {
		const Popstat__Rejection *j = w->r.resp.submit->rejected[0];

		settle(w, 0, NULL);
		xsnprintf(msg, sizeof msg, "%s%s: %s",
		    T("未更正：", "Not amended: "),
		    T(reason_zh_column(j->column), j->column),
		    REASON(j->reason, zh));
		simple_page(w, rejection_status(j->reason), T("更正", "Amend"),
		    "err", msg, amend_form);
		return;
	}
	xsnprintf(msg, sizeof msg, "%s %s",
	    w->r.resp.submit->accepted ? T("已更正", "Amended") :
					 T("内容相同，未改动",
					     "Unchanged (same"
					     " content)"),
	    w->row.record_id ? w->row.record_id : "");
	settle(w, 1, msg);
	evhttp_clear_headers(&w->fields);
	simple_page(w, 200, T("更正", "Amend"), "ok", msg, amend_form);
}

static void
r_amend(struct wreq *w, int post, const struct evkeyvalq *q)
{
	struct usedkey *k;
	const char *kv =
	    post ? field(w, "kind") : evhttp_find_header(q, "kind");
	const char *reason;

	w->kind = kind_of(w, kv ? kv : "birth");
	if (w->kind == KIND_NONE && w->who.role == ROLE_INSPECTOR)
		w->kind = KIND_VERIFICATION;
	if (w->kind == KIND_NONE) {
		error_page(w, 403,
		    T("此账户不能更正记录。",
			"This account cannot amend records."));
		wreq_free(w);
		return;
	}
	if (!post) {
		simple_page(w, 200, T("更正", "Amend"), NULL, NULL, amend_form);
		wreq_free(w);
		return;
	}
	if (once(w, &k)) {
		wreq_free(w);
		return;
	}
	reason = field(w, "reason");
	fill_row(w, w->kind);
	w->rows[0] = &w->row;
	popstat__amend__init(&w->amend);
	w->amend.kind = (Popstat__RecordKind)w->kind;
	w->amend.n_rows = 1;
	w->amend.rows = w->rows;
	w->amend.reason = (char *)(reason ? reason : "");
	popstat__request__init(&w->rq);
	w->rq.body_case = POPSTAT__REQUEST__BODY_AMEND;
	w->rq.amend = &w->amend;
	run(w, amend_done);
}

static void
void_form(struct wreq *w, sbuf *b)
{
	sbuf_printf(b,
	    "<form method=\"post\" action=\"/void\" id=\"void\""
	    " class=\"box\">\n");
	hidden(w, b, NULL);
	sbuf_printf(b,
	    "<p><label for=\"f-record_id\">%s</label><br><input"
	    " id=\"f-record_id\" name=\"record_id\" required></p>\n<p><label"
	    " for=\"f-unit\">%s</label><br>\n",
	    T("编号", "Record number"), T("单位", "Unit"));
	unit_select(w, b, "unit", field(w, "unit"));
	sbuf_printf(b,
	    "</p>\n<p><label for=\"f-reason\">%s</label><br><input"
	    " id=\"f-reason\" name=\"reason\" required minlength=\"2\"></p>\n"
	    "<button type=\"submit\">%s</button>\n</form>\n",
	    T("作废原因", "Reason"), T("作废", "Void"));
}

static void
void_done(struct wreq *w, const char *err)
{
	const char *e;
	char msg[400];
	int code = 200;

	if ((e = reply_error(w, err, &code)) != NULL) {
		settle(w, 0, NULL);
		simple_page(w, code, T("作废", "Void"), "err", e, void_form);
		return;
	}
	xsnprintf(msg, sizeof msg, "%s %s · %s", T("已作废", "Voided"),
	    w->vd.record_id, w->vd.unit);
	settle(w, 1, msg);
	evhttp_clear_headers(&w->fields);
	simple_page(w, 200, T("作废", "Void"), "ok", msg, void_form);
}

static void
r_void(struct wreq *w, int post)
{
	struct usedkey *k;

	if (!post) {
		simple_page(w, 200, T("作废", "Void"), NULL, NULL, void_form);
		wreq_free(w);
		return;
	}
	if (once(w, &k)) {
		wreq_free(w);
		return;
	}
	popstat__void__init(&w->vd);
	w->vd.record_id =
	    (char *)(field(w, "record_id") ? field(w, "record_id") : "");
	w->vd.unit = (char *)(field(w, "unit") ? field(w, "unit") : "");
	w->vd.reason = (char *)(field(w, "reason") ? field(w, "reason") : "");
	popstat__request__init(&w->rq);
	w->rq.body_case = POPSTAT__REQUEST__BODY_VOID;
	w->rq.void_ = &w->vd;
	run(w, void_done);
}

/* ---- dekad report -------------------------------------------------------- */

/* The last dekad that has ended, as "2026-11D2". */
static void
last_dekad(char *buf, size_t n)
{
	period dk;
	int y, m, d;

	period_dekad_of(server_today(), &dk);
	period_dekad_of(dk.start - 1, &dk);
	date_to_ymd(dk.start, &y, &m, &d);
	xsnprintf(buf, n, "%04d-%02dD%d", y, m, d == 1 ? 1 : d == 11 ? 2 : 3);
}

/* The counts the server holds for unit over a dekad (the status reply). */
static int
held_counts(struct wreq *w, const char *unit, const char *dekad, long long c[4],
    char *err, size_t errlen)
{
	static const char *const names[] = { "births", "deaths", "mig_in",
		"mig_out" };
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__StatusQuery q = POPSTAT__STATUS_QUERY__INIT;
	struct req r;
	size_t i;
	int j, rc;

	q.unit = (char *)unit;
	q.period = (char *)dekad;
	rq.body_case = POPSTAT__REQUEST__BODY_STATUS;
	rq.status = &q;
	if ((rc = dispatch_call(&w->who, &rq, &r)) != 0) {
		xsnprintf(err, errlen, "%s",
		    r.resp.error ? r.resp.error->message : "error");
		req_free(&r);
		return -1;
	}
	for (j = 0; j < 4; j++) {
		c[j] = 0;
		for (i = 0; i < r.resp.status->n_counters; i++)
			if (strcmp(r.resp.status->counters[i]->name,
				names[j]) == 0)
				c[j] = (long long)r.resp.status->counters[i]
					   ->value;
	}
	req_free(&r);
	return 0;
}

static void
report_form(struct wreq *w, sbuf *b)
{
	static const char *const names[] = { "births", "deaths", "mig_in",
		"mig_out" };
	const char *labels[] = { T("出生", "births"), T("死亡", "deaths"),
		T("迁入", "moved in"), T("迁出", "moved out") };
	char dk[16], err[256];
	const char *unit = field(w, "unit"), *period = field(w, "period");
	long long c[4];
	int j;

	if (unit == NULL && w->who.unit >= 0)
		unit = unit_at(w->who.unit)->code;
	if (period == NULL) {
		last_dekad(dk, sizeof dk);
		period = dk;
	}
	put(b, "<form method=\"get\" action=\"/report\">");
	if (w->lang == LANG_EN)
		put(b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
	unit_select(w, b, "unit", unit);
	put(b, " <input name=\"period\" value=\"");
	esc(b, period);
	sbuf_printf(b,
	    "\"> <button type=\"submit\">%s</button></form>\n"
	    "<p class=\"note\">%s</p>\n",
	    T("查看", "Show"),
	    T("旬的写法：2026-11D1 是 11 月上旬（1-10 日），D2 中旬（11-20 "
	      "日），"
	      "D3 下旬（21 日到月底）。",
		"A dekad is written 2026-11D1 for 1-10 November, D2 for 11-20,"
		" D3 for the 21st to the month's end."));
	if (unit == NULL)
		return;
	/*
	 * A sibling's counts are circulated (held_counts() may read them),
	 * but a clerk files only for its own subtree: no form for another.
	 */
	if (unit_find(unit) >= 0 &&
	    !scope_may_write(&w->who, unit_find(unit))) {
		put(b, "<p class=\"err\">");
		esc(b, unit);
		put(b,
		    T(" 不在您的填报范围内：只能为本单位及下级单位上报旬报。",
			" is outside your scope: a clerk files dekad reports "
			"only"
			" for its own unit and the units below it."));
		put(b, "</p>\n");
		return;
	}
	if (held_counts(w, unit, period, c, err, sizeof err) < 0) {
		put(b, "<p class=\"err\">");
		esc(b, err);
		put(b, "</p>\n");
		return;
	}
	sbuf_printf(b, "<h2>%s</h2>\n<table id=\"held\"><thead><tr>",
	    T("服务器现有记录数", "Counts the server holds"));
	for (j = 0; j < 4; j++)
		sbuf_printf(b, "<th>%s</th>", labels[j]);
	put(b, "</tr></thead><tbody><tr>");
	for (j = 0; j < 4; j++)
		sbuf_printf(b, "<td class=\"n\" id=\"held-%s\">%lld</td>",
		    names[j], c[j]);
	sbuf_printf(b,
	    "</tr></tbody></table>\n<form method=\"post\""
	    " action=\"/report\" id=\"report\" class=\"box\">\n");
	hidden(w, b, NULL);
	put(b, "<input type=\"hidden\" name=\"unit\" value=\"");
	esc(b, unit);
	put(b, "\">\n<input type=\"hidden\" name=\"period\" value=\"");
	esc(b, period);
	put(b, "\">\n");
	for (j = 0; j < 4; j++)
		sbuf_printf(b,
		    "<p><label for=\"f-%s\">%s %s</label><br><input"
		    " id=\"f-%s\" name=\"%s\" type=\"number\" min=\"0\""
		    " value=\"%lld\"></p>\n",
		    names[j], T("确认", "confirmed"), labels[j], names[j],
		    names[j], c[j]);
	sbuf_printf(b,
	    "<p><label for=\"f-note\">%s</label><br><input"
	    " id=\"f-note\" name=\"note\"></p>\n<button type=\"submit\""
	    " id=\"file\">%s</button>\n</form>\n",
	    T("备注", "Note"),
	    T("上报（无记录也要报零）", "File (zero is a report too)"));
}

static void
report_done(struct wreq *w, const char *err)
{
	const Popstat__ReportFiled *f;
	const char *e;
	char msg[400];
	int code = 200;

	if ((e = reply_error(w, err, &code)) != NULL) {
		settle(w, 0, NULL);
		simple_page(w, code, T("旬报", "Dekad report"), "err", e,
		    report_form);
		return;
	}
	f = w->r.resp.report_filed;
	xsnprintf(msg, sizeof msg,
	    "%s %s %s..%s · %s %lld/%lld/%lld/%lld · %s"
	    " %s%s",
	    f->refiled ? T("已重新上报", "Filed again") : T("已上报", "Filed"),
	    f->unit, f->start, f->end,
	    T("确认 出生/死亡/迁入/迁出", "confirmed births/deaths/in/out"),
	    (long long)f->confirmed->births, (long long)f->confirmed->deaths,
	    (long long)f->confirmed->mig_in, (long long)f->confirmed->mig_out,
	    T("截止", "due"), f->due,
	    f->on_time ? T("（按时）", " (on time)") :
			 T("（迟报）", " (late)"));
	settle(w, 1, msg);
	simple_page(w, 200, T("旬报", "Dekad report"), "ok", msg, report_form);
}

static int
count_field(struct wreq *w, const char *name, int64_t *out)
{
	const char *v = field(w, name);
	char *end;
	long long n;

	if (v == NULL)
		return 0;
	n = strtoll(v, &end, 10);
	if (*end != '\0' || n < 0)
		return -1;
	*out = n;
	return 1;
}

static void
r_report(struct wreq *w, int post)
{
	struct usedkey *k;
	int rc;

	if (w->who.role != ROLE_ADMIN && w->who.role != ROLE_CLERK) {
		error_page(w, 403,
		    T("只有乡镇填报员和县办可以上报旬报。",
			"Only township clerks and the county office file dekad"
			" reports."));
		wreq_free(w);
		return;
	}
	if (!post) {
		simple_page(w, 200, T("旬报", "Dekad report"), NULL, NULL,
		    report_form);
		wreq_free(w);
		return;
	}
	if (once(w, &k)) {
		wreq_free(w);
		return;
	}
	popstat__report_file__init(&w->rf);
	w->rf.unit = (char *)(field(w, "unit") ? field(w, "unit") : "");
	w->rf.period = (char *)(field(w, "period") ? field(w, "period") : "");
	w->rf.note = (char *)field(w, "note");
	rc = 0;
	rc |= (w->rf.has_births = count_field(w, "births", &w->rf.births)) < 0;
	rc |= (w->rf.has_deaths = count_field(w, "deaths", &w->rf.deaths)) < 0;
	rc |= (w->rf.has_mig_in = count_field(w, "mig_in", &w->rf.mig_in)) < 0;
	rc |=
	    (w->rf.has_mig_out = count_field(w, "mig_out", &w->rf.mig_out)) < 0;
	if (rc) {
		settle(w, 0, NULL);
		simple_page(w, 400, T("旬报", "Dekad report"), "err",
		    T("数字应为不小于 0 的整数。",
			"Counts are whole numbers, 0 or"
			" more."),
		    report_form);
		wreq_free(w);
		return;
	}
	popstat__request__init(&w->rq);
	w->rq.body_case = POPSTAT__REQUEST__BODY_REPORT_FILE;
	w->rq.report_file = &w->rf;
	run(w, report_done);
}

/* ---- tasks --------------------------------------------------------------- */

static void
task_form(struct wreq *w, sbuf *b)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__TaskList q = POPSTAT__TASK_LIST__INIT;
	struct req r;
	size_t i;
	const char *owner = NULL;

	if (w->who.role == ROLE_DEPARTMENT && w->who.dept >= 0)
		owner = dept_at(w->who.dept)->code;
	else if (w->who.role == ROLE_CLERK && w->who.unit >= 0)
		owner = unit_at(w->who.unit)->code;
	q.owner = (char *)owner;
	rq.body_case = POPSTAT__REQUEST__BODY_TASK_LIST;
	rq.task_list = &q;
	if (dispatch_call(&w->who, &rq, &r) != 0) {
		put(b, "<p class=\"err\">");
		esc(b, r.resp.error ? r.resp.error->message : "error");
		put(b, "</p>\n");
		req_free(&r);
		return;
	}
	sbuf_printf(b,
	    "<table id=\"tasks\"><thead><tr><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>\n"
	    "<tbody>\n",
	    T("编号", "No."), T("任务", "Task"), T("截止", "Due"),
	    T("状态", "Status"), T("进度", "Progress"), T("更新", "Update"));
	for (i = 0; i < r.resp.task_list->n_tasks; i++) {
		const Popstat__Task *t = r.resp.task_list->tasks[i];

		sbuf_printf(b, "<tr><td>%llu</td><td>",
		    (unsigned long long)t->id);
		esc(b, t->title);
		put(b, " · ");
		esc(b, t->owner_name);
		sbuf_printf(b,
		    "</td><td>%s%s</td><td>%s</td><td class=\"n\">"
		    "%u%%</td><td><form method=\"post\" action=\"/task\">\n",
		    t->due, t->overdue ? T("（逾期）", " (overdue)") : "",
		    t->status, t->progress);
		hidden(w, b, NULL);
		sbuf_printf(b,
		    "<input type=\"hidden\" name=\"id\" value=\"%llu\">"
		    "<input name=\"progress\" type=\"number\" min=\"0\""
		    " max=\"100\" value=\"%u\" aria-label=\"%s\">"
		    "<select name=\"status\" aria-label=\"%s\">",
		    (unsigned long long)t->id, t->progress,
		    T("进度", "progress"), T("状态", "status"));
		sbuf_printf(b,
		    "<option value=\"open\"%s>%s</option>"
		    "<option value=\"doing\"%s>%s</option>"
		    "<option value=\"done\"%s>%s</option></select>",
		    strcmp(t->status, "open") == 0 ? " selected" : "",
		    T("未开始", "open"),
		    strcmp(t->status, "doing") == 0 ? " selected" : "",
		    T("进行中", "doing"),
		    strcmp(t->status, "done") == 0 ? " selected" : "",
		    T("完成", "done"));
		sbuf_printf(b,
		    "<input name=\"note\" aria-label=\"%s\"><button"
		    " type=\"submit\">%s</button></form></td></tr>\n",
		    T("说明", "note"), T("更新", "Update"));
	}
	if (r.resp.task_list->n_tasks == 0)
		sbuf_printf(b,
		    "<tr><td colspan=\"6\" class=\"note\">%s</td>"
		    "</tr>\n",
		    T("没有任务。", "No tasks."));
	put(b, "</tbody></table>\n");
	req_free(&r);
}

static void
task_done(struct wreq *w, const char *err)
{
	const char *e;
	char msg[300];
	int code = 200;

	if ((e = reply_error(w, err, &code)) != NULL) {
		settle(w, 0, NULL);
		simple_page(w, code, T("目标任务", "Tasks"), "err", e,
		    task_form);
		return;
	}
	xsnprintf(msg, sizeof msg, "%s %llu", T("已更新任务", "Updated task"),
	    (unsigned long long)w->tu.id);
	settle(w, 1, msg);
	simple_page(w, 200, T("目标任务", "Tasks"), "ok", msg, task_form);
}

static void
r_task(struct wreq *w, int post)
{
	struct usedkey *k;
	const char *v;
	char *end;

	if (!post) {
		simple_page(w, 200, T("目标任务", "Tasks"), NULL, NULL,
		    task_form);
		wreq_free(w);
		return;
	}
	if (once(w, &k)) {
		wreq_free(w);
		return;
	}
	popstat__task_update__init(&w->tu);
	v = field(w, "id");
	w->tu.id = v ? strtoull(v, &end, 10) : 0;
	if ((v = field(w, "progress")) != NULL) {
		w->tu.has_progress = 1;
		w->tu.progress = (uint32_t)strtoul(v, &end, 10);
	}
	w->tu.status = (char *)field(w, "status");
	w->tu.note = (char *)field(w, "note");
	popstat__request__init(&w->rq);
	w->rq.body_case = POPSTAT__REQUEST__BODY_TASK_UPDATE;
	w->rq.task_update = &w->tu;
	run(w, task_done);
}

/* ---- upload -------------------------------------------------------------- */

/* One upload being stored, a batch at a time, while its page streams. */
struct upload {
	struct wreq *w;
	struct lastup *lu;
	char *data;
	size_t len;
	sheet *sh;
	struct regfile rf; /* the header mapped, rows checked */
	Popstat__Row *rows[BATCH_ROWS];
	char **cells[BATCH_ROWS]; /* each row as read, for the rejected list */
	size_t ncells[BATCH_ROWS];
	size_t n;
	struct req r;
	Popstat__Request rq;
	Popstat__Submit submit;
	unsigned long batches;
	int eof;
};

static void
chunk(struct upload *up, sbuf *b)
{
	struct evbuffer *buf;

	if (b->len == 0 || evhttp_request_get_connection(up->w->req) == NULL)
		return;
	buf = evbuffer_new();
	evbuffer_add(buf, b->s, b->len);
	evhttp_send_reply_chunk(up->w->req, buf);
	evbuffer_free(buf);
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

/*
 * The per-account cap; POPSTATD_TEST_REJ_BYTES in the environment lowers
 * it so that a test can reach it with a small file.
 */
static size_t
rej_user_cap(void)
{
	static size_t cap;
	const char *v;

	if (cap == 0) {
		v = getenv("POPSTATD_TEST_REJ_BYTES");
		cap =
		    v && atol(v) > 0 ? (size_t)atol(v) : (size_t)REJ_USER_BYTES;
	}
	return cap;
}

/* Drop the kept rejected rows of the least recently used other account. */
static int
rej_evict(const struct lastup *keep)
{
	int i, oldest = -1;

	for (i = 0; i < USERS_MAX; i++)
		if (users[i] && &users[i]->up != keep &&
		    users[i]->up.nrej > 0 && users[i]->up.state != 1 &&
		    (oldest < 0 || users[i]->used < users[oldest]->used))
			oldest = i;
	if (oldest < 0)
		return -1;
	lastup_clear(&users[oldest]->up);
	return 0;
}

/*
 * Count a rejected row (once however many reasons it has) and keep it for
 * the download while the caps allow.
 */
static void
rej_add(struct lastup *lu, unsigned line, const char *column,
    const char *reason, char **cells, size_t ncells)
{
	struct rejrow *j;
	size_t i, size;

	if (lu->rejected == 0 || line != lu->last_rej)
		lu->rejected++;
	lu->last_rej = line;
	size = sizeof *j + strlen(column) + strlen(reason) + 2 +
	    ncells * sizeof(char *);
	for (i = 0; i < ncells; i++)
		size += strlen(cells[i] ? cells[i] : "") + 1;
	while (rej_total + size > REJ_TOTAL_BYTES && rej_evict(lu) == 0)
		;
	if (lu->truncated || lu->bytes + size > rej_user_cap() ||
	    rej_total + size > REJ_TOTAL_BYTES) {
		lu->truncated = 1;
		return;
	}
	if (lu->nrej == lu->caprej) {
		lu->caprej = lu->caprej ? lu->caprej * 2 : 64;
		lu->rej = xrealloc(lu->rej, lu->caprej * sizeof *lu->rej);
	}
	lu->bytes += size;
	rej_total += size;
	j = &lu->rej[lu->nrej];
	j->seq = lu->nrej++;
	j->line = line;
	j->column = xstrdup(column);
	j->reason = xstrdup(reason);
	j->ncells = ncells;
	j->cells = xcalloc(ncells ? ncells : 1, sizeof *j->cells);
	for (i = 0; i < ncells; i++)
		j->cells[i] = xstrdup(cells[i] ? cells[i] : "");
}

/* In file order: a batch's own rejections come before the server's. */
static int
rej_cmp(const void *a, const void *b)
{
	const struct rejrow *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
batch_clear(struct upload *up)
{
	size_t i, j;
	int c;

	for (i = 0; i < up->n; i++) {
		for (c = 0; c < COL_COUNT; c++)
			free(*row_slot(up->rows[i], c));
		free(up->rows[i]);
		for (j = 0; j < up->ncells[i]; j++)
			free(up->cells[i][j]);
		free(up->cells[i]);
	}
	up->n = 0;
}

static void
upload_free(struct upload *up)
{
	batch_clear(up);
	req_free(&up->r);
	regfile_close(&up->rf);
	sheet_free(up->sh);
	free(up->data);
	wreq_free(up->w);
	free(up);
}

static const char *
state_text(struct wreq *w, int state)
{
	switch (state) {
	case 1: return T("正在处理", "in progress");
	case 2: return T("已完成", "finished");
	case 3: return T("中途停止", "stopped part way");
	}
	return "";
}

/* How far the last upload got, with the links to its rejected rows. */
static void
lastup_box(struct wreq *w, sbuf *b, const struct lastup *lu, int counts)
{
	if (lu->state == 0 ||
	    (!counts && lu->state == 2 && lu->nrej == 0 && !lu->truncated &&
		lu->message[0] == '\0'))
		return;
	put(b, "<div class=\"box\" id=\"last-upload\">");
	if (counts) {
		sbuf_printf(b, "<p>%s ", T("上次上传：", "Last upload:"));
		esc(b, lu->file);
		sbuf_printf(b,
		    " · <span id=\"up-state\">%s</span></p>\n<p"
		    " id=\"up-counts\">%s %lu · %s %lu · %s %lu · %s %lu</p>\n",
		    state_text(w, lu->state), T("已读行", "rows read"),
		    lu->rows, T("存入", "accepted"), lu->accepted,
		    T("重复", "duplicate"), lu->duplicate,
		    T("拒绝", "rejected"), lu->rejected);
	}
	if (lu->state == 3 || lu->state == 1)
		sbuf_printf(b, "<p class=\"err\" id=\"up-cut\">%s %u%s</p>\n",
		    T("已存到第", "Stored up to line"), lu->last_line,
		    T(" 行。重新上传同一文件是安全的：已存的行算作重复。",
			". Uploading the same file again is safe: stored rows "
			"count"
			" as duplicates."));
	if (lu->message[0]) {
		put(b, "<p class=\"err\">");
		esc(b, lu->message);
		put(b, "</p>\n");
	}
	if (lu->nrej > 0) {
		put(b, "<p>");
		plink(w, b, "/upload/rejected?format=csv",
		    T("下载被拒绝的行（CSV）",
			"Download the rejected rows (CSV)"));
		put(b, " · ");
		plink(w, b, "/upload/rejected?format=xlsx",
		    T("下载被拒绝的行（Excel）",
			"Download the rejected rows (Excel)"));
		sbuf_printf(b, "</p>\n<p class=\"note\">%s</p>\n",
		    T("改正后再上传；“" REASON_COLUMN "”一列上传时忽略。",
			"Fix them and upload the file again; its column "
			"\"" REASON_COLUMN "\" is ignored."));
	}
	if (lu->truncated)
		sbuf_printf(b,
		    "<p class=\"note\" id=\"up-truncated\">%s %zu"
		    "%s</p>\n",
		    T("下载只含前", "The download holds the first"), lu->nrej,
		    T(" 条被拒绝的行。改正后再上传，会列出其余的。",
			" rejected rows. Fix those and upload the file again to"
			" see the rest."));
	put(b, "</div>\n");
}

static void
upload_form(struct wreq *w, sbuf *b)
{
	struct wuser *u = wuser_of(w->who.user_id);
	int k;

	if (u)
		lastup_box(w, b, &u->up, 1);
	sbuf_printf(b,
	    "<form method=\"post\" action=\"/upload\" id=\"upload\""
	    " class=\"box\" enctype=\"multipart/form-data\">\n");
	hidden(w, b, NULL);
	sbuf_printf(b,
	    "<p><label for=\"f-file\">%s</label><br><input"
	    " id=\"f-file\" name=\"file\" type=\"file\" required"
	    " accept=\".csv,.txt,.xlsx,.xls\"></p>\n<p><label for=\"f-kind\">%s"
	    "</label><br><select id=\"f-kind\" name=\"kind\"><option"
	    " value=\"\">%s</option>",
	    T("登记表（CSV、Excel xlsx 或 xls）",
		"Register file (CSV, Excel xlsx or xls)"),
	    T("类别", "Kind"),
	    T("按表头自动识别", "recognised from the header"));
	for (k = KIND_BIRTH; k < KIND_COUNT; k++)
		if (may_enter(&w->who, k))
			sbuf_printf(b, "<option value=\"%s\">%s</option>",
			    kind_name(k), kind_label(w, k));
	sbuf_printf(b,
	    "</select></p>\n<p><label><input type=\"checkbox\""
	    " id=\"f-ignore\" name=\"ignore_unknown\" value=\"1\"> %s"
	    "</label></p>\n<p><label for=\"f-map\">%s</label><br><textarea"
	    " id=\"f-map\" name=\"map\" rows=\"2\" cols=\"40\""
	    " placeholder=\"%s\"></textarea></p>\n<p class=\"note\">%s"
	    " %ld MiB.</p>\n<button type=\"submit\" id=\"send\">%s</button>\n"
	    "</form>\n",
	    T("忽略不认识的列（如 姓名、备注）",
		"Ignore columns that are not record columns (such as a name or "
		"a"
		" remark)"),
	    T("其他列名的对应（可不填；每行一个：表头=列）",
		"Other column names (optional; one a line: HEADER=column)"),
	    T("例：出生证号=record_id", "e.g. Certificate=record_id"),
	    T("第一行写列名：中文（编号、单位、出生日期、性别、孩次、政策、"
	      "母亲身份证号……）或英文（record_id、unit、date……）均可。日期可写"
	      " 2026-11-20、2026/11/20、2026年11月20日。文件最大",
		"The first row names the columns, in Chinese (编号, 单位, "
		"出生日期,"
		" ...) or English (record_id, unit, date, ...). Dates may be"
		" written 2026-11-20, 2026/11/20 or 2026年11月20日. Largest "
		"file:"),
	    srv.set.http_max_upload / (1024 * 1024), T("上传", "Upload"));
}

/*
 * Read the header as `popstat submit` does (regfile.h): the form's kind,
 * its mapping lines (HEADER=column, like --map) and "ignore unknown
 * columns" (--ignore-unknown); the column the rejected-rows file adds is
 * always ignored.  -1 with a message naming what is wrong.
 */
static int
upload_header(struct upload *up, struct wreq *w, int kind, char *err,
    size_t errlen)
{
	struct header_opts ho;
	char *maps = NULL, *line, *save = NULL;
	const char *v;
	size_t i;
	int rc = 0;

	memset(&ho, 0, sizeof ho);
	ho.ignore[ho.nignore++] = REASON_COLUMN;
	ho.ignore_unknown = field(w, "ignore_unknown") != NULL;
	if ((v = field(w, "map")) != NULL) {
		maps = xstrdup(v);
		for (line = strtok_r(maps, "\r\n", &save); line && rc == 0;
		     line = strtok_r(NULL, "\r\n", &save)) {
			while (*line == ' ' || *line == '\t')
				line++;
			if (*line == '\0')
				continue;
			if (header_add_map(&ho, line, err, errlen) < 0) {
				char why[300];

				xsnprintf(why, sizeof why, "%s", err);
				xsnprintf(err, errlen, "%s: %s",
				    T("列名对应", "Column mapping"), why);
				rc = -1;
			}
		}
	}
	if (rc == 0)
		rc = regfile_open(&up->rf, up->sh, &ho, kind, err, errlen);
	free(maps);
	if (rc < 0)
		return -1;
	up->lu->header =
	    xcalloc(up->rf.ncols ? up->rf.ncols : 1, sizeof *up->lu->header);
	up->lu->nheader = up->rf.ncols;
	for (i = 0; i < up->rf.ncols; i++)
		up->lu->header[i] = xstrdup(sheet_cell(up->sh, i));
	up->lu->kind = up->rf.kind;
	return 0;
}

/* Read up to a batch of rows; rows that break a rule are rejected here. */
static void
upload_read(struct upload *up)
{
	const char *fields[COL_COUNT];
	struct record_issues iss;
	size_t i, nc;
	long line;
	int got, k;

	while (up->n < BATCH_ROWS && !up->eof) {
		got = regfile_next(&up->rf, fields, &line, &iss);
		if (got == 0) {
			up->eof = 1;
			break;
		}
		up->lu->rows++;
		nc = got == 1 || up->rf.read_error == 0 ? sheet_ncells(up->sh) :
							  0;
		up->cells[up->n] = xcalloc(nc ? nc : 1, sizeof(char *));
		up->ncells[up->n] = nc;
		for (i = 0; i < nc; i++)
			up->cells[up->n][i] = xstrdup(sheet_cell(up->sh, i));
		if (got != 1) {
			for (k = 0; k < iss.n; k++)
				rej_add(up->lu, (unsigned)line, iss.v[k].column,
				    iss.v[k].reason, up->cells[up->n], nc);
			for (i = 0; i < nc; i++)
				free(up->cells[up->n][i]);
			free(up->cells[up->n]);
			if (got < 0)
				up->eof = 1;
			continue;
		}
		up->rows[up->n] = xmalloc(sizeof *up->rows[up->n]);
		popstat__row__init(up->rows[up->n]);
		up->rows[up->n]->line = (uint32_t)line;
		for (k = 0; k < COL_COUNT; k++)
			if (fields[k] != NULL)
				*row_slot(up->rows[up->n], k) =
				    xstrdup(fields[k]);
		up->n++;
	}
	up->lu->skipped = up->rf.blank;
}

/*
 * The column of a rejection as the clerk's file heads it: "出生日期
 * (date)"; the record column's name alone when the file has no such header
 * (row, file, csv).
 */
static void
rej_column(sbuf *b, const struct upload *up, const char *column)
{
	int c = col_parse(column);
	size_t i;

	if (c >= 0 && up->rf.map != NULL)
		for (i = 0; i < up->rf.ncols && i < up->lu->nheader; i++)
			if (up->rf.map[i] == c &&
			    strcmp(up->lu->header[i], column) != 0) {
				esc(b, up->lu->header[i]);
				put(b, " (");
				esc(b, column);
				put(b, ")");
				return;
			}
	esc(b, column);
}

static void upload_step(evutil_socket_t fd, short what, void *arg);

static void
upload_finish(struct upload *up, sbuf *b)
{
	struct wreq *w = up->w;
	struct lastup *lu = up->lu;
	size_t i, shown = lu->nrej < 1000 ? lu->nrej : 1000;
	char zh[600];

	if (lu->state == 1)
		lu->state = 2;
	if (lu->nrej > 1)
		qsort(lu->rej, lu->nrej, sizeof *lu->rej, rej_cmp);
	sbuf_printf(b,
	    "<p class=\"%s\"><strong>%s %lu · %s %lu · %s %lu"
	    "</strong>%s</p>\n<p id=\"summary\" class=\"note\">accepted %lu,"
	    " duplicate %lu, rejected %lu</p>\n",
	    lu->state == 2 ? "ok" : "err", T("存入", "accepted"), lu->accepted,
	    T("重复（此前已存）", "duplicate (stored before)"), lu->duplicate,
	    T("拒绝", "rejected"), lu->rejected,
	    lu->skipped ? T("（空行已跳过）", " (empty rows skipped)") : "",
	    lu->accepted, lu->duplicate, lu->rejected);
	lastup_box(w, b, lu, 0);
	if (shown > 0) {
		sbuf_printf(b,
		    "<h2>%s</h2>\n<table id=\"rejected\"><thead><tr>"
		    "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
		    T("被拒绝的行", "Rejected rows"), T("行", "Line"),
		    T("列", "Column"), T("原因", "Reason"));
		for (i = 0; i < shown; i++) {
			const char *hint = rej_hint(w, lu->rej[i].column);

			sbuf_printf(b, "<tr><td class=\"n\">%u</td><td>",
			    lu->rej[i].line);
			rej_column(b, up, lu->rej[i].column);
			put(b, "</td><td>");
			esc(b, REASON(lu->rej[i].reason, zh));
			if (hint) {
				put(b, "<br><span class=\"note\">");
				esc(b, hint);
				put(b, "</span>");
			}
			put(b, "</td></tr>\n");
		}
		put(b, "</tbody></table>\n");
		if (shown < lu->nrej)
			sbuf_printf(b, "<p class=\"note\">%s</p>\n",
			    T("只显示前 1000 行；全部见下载。",
				"The first 1000 are shown; the download has "
				"all."));
	}
	sbuf_printf(b, "<p>");
	plink(w, b, "/upload", T("再上传一个文件", "Upload another file"));
	put(b, "</p>\n");
}

/* The page's end, and the upload's. */
static void
upload_end(struct upload *up, sbuf *b)
{
	struct dash d;

	dash_of(up->w, &d, b);
	dash_page_end(&d);
	chunk(up, b);
	evhttp_send_reply_end(up->w->req);
	metrics_http_request("/upload", 200);
	upload_free(up);
}

static void
batch_done(void *arg, const char *err)
{
	struct upload *up = arg;
	struct wreq *w = up->w;
	struct lastup *lu = up->lu;
	const Popstat__SubmitOk *ok;
	const char *e;
	size_t i, j;
	sbuf b;
	int code;

	sbuf_init(&b);
	if ((e = reply_error(&(struct wreq){ .r = up->r }, err, &code)) !=
	    NULL) {
		lu->state = 3;
		xsnprintf(lu->message, sizeof lu->message, "%s %s",
		    T("这一批未能保存：", "This batch was not stored:"), e);
		put(&b, "<p class=\"err\">");
		esc(&b, lu->message);
		put(&b, "</p>\n");
		upload_finish(up, &b);
		upload_end(up, &b);
		sbuf_free(&b);
		return;
	}
	ok = up->r.resp.submit;
	lu->accepted += ok->accepted;
	lu->duplicate += ok->duplicate;
	for (i = 0; i < ok->n_rejected; i++) {
		for (j = 0; j < up->n; j++)
			if (up->rows[j]->line == ok->rejected[i]->line)
				break;
		rej_add(lu, ok->rejected[i]->line, ok->rejected[i]->column,
		    ok->rejected[i]->reason, j < up->n ? up->cells[j] : NULL,
		    j < up->n ? up->ncells[j] : 0);
	}
	if (up->n > 0)
		lu->last_line = up->rows[up->n - 1]->line;
	up->batches++;
	sbuf_printf(&b, "<li>%s%lu%s: %s %u · %s %lu · %s %lu</li>\n",
	    T("第 ", "batch "), up->batches, T(" 批", ""),
	    T("已存到行", "stored up to line"), lu->last_line,
	    T("累计存入", "accepted so far"), lu->accepted,
	    T("重复", "duplicate"), lu->duplicate);
	chunk(up, &b);
	sbuf_free(&b);
	batch_clear(up);
	req_free(&up->r);
	memset(&up->r, 0, sizeof up->r);
	event_base_once(srv.base, -1, EV_TIMEOUT, upload_step, up,
	    &(struct timeval){ 0, 0 });
}

/* Send the next batch, or end. */
static void
upload_step(evutil_socket_t fd, short what, void *arg)
{
	struct upload *up = arg;
	struct wreq *w = up->w;
	int is_write = 0;
	sbuf b;

	(void)fd;
	(void)what;
	sbuf_init(&b);
	if (evhttp_request_get_connection(w->req) == NULL) {
		/* The browser went away: stop; what was stored stays. */
		up->lu->state = 3;
		xsnprintf(up->lu->message, sizeof up->lu->message, "%s",
		    T("连接中断，上传已停止。",
			"The connection dropped; the upload"
			" stopped."));
		log_info("http: upload of %s by %s cut off after line %u",
		    up->lu->file, w->who.name, up->lu->last_line);
		evhttp_send_reply_end(w->req);
		upload_free(up);
		sbuf_free(&b);
		return;
	}
	upload_read(up);
	if (up->n == 0 && up->eof) {
		put(&b, "</ol>\n");
		upload_finish(up, &b);
		upload_end(up, &b);
		sbuf_free(&b);
		return;
	}
	sbuf_free(&b);
	popstat__submit__init(&up->submit);
	up->submit.kind = (Popstat__RecordKind)up->rf.kind;
	up->submit.n_rows = up->n;
	up->submit.rows = up->rows;
	popstat__request__init(&up->rq);
	up->rq.body_case = POPSTAT__REQUEST__BODY_SUBMIT;
	up->rq.submit = &up->submit;
	memset(&up->r, 0, sizeof up->r);
	up->r.rq = &up->rq;
	up->r.who = &w->who;
	popstat__response__init(&up->r.resp);
	if (srv.shutting_down)
		req_error(&up->r, E(UNAVAILABLE),
		    "the server is shutting down");
	else
		dispatch(&up->r, &is_write);
	if (is_write)
		commit_after(batch_done, up);
	else
		batch_done(up, NULL);
}

static void
r_upload(struct wreq *w, const struct web_call *c)
{
	const struct mp_part *f;
	struct upload *up;
	struct wuser *u;
	struct dash d;
	const char *kv;
	char err[512];
	sbuf b;

	if (!may_enter(&w->who, KIND_VERIFICATION)) {
		error_page(w, 403,
		    T("此账户不能上传记录。",
			"This account cannot upload records."));
		wreq_free(w);
		return;
	}
	if (!c->post) {
		simple_page(w, 200, T("上传登记表", "Upload a register"), NULL,
		    NULL, upload_form);
		wreq_free(w);
		return;
	}
	f = c->parts ? multipart_find(c->parts, c->nparts, "file") : NULL;
	if (f == NULL || !f->is_file || f->len == 0) {
		simple_page(w, 400, T("上传登记表", "Upload a register"), "err",
		    T("请选择一个文件。", "Choose a file to upload."),
		    upload_form);
		wreq_free(w);
		return;
	}
	if ((u = wuser_of(w->who.user_id)) == NULL || u->up.state == 1) {
		simple_page(w, 409, T("上传登记表", "Upload a register"), "err",
		    T("上一个上传还在处理，请稍候。",
			"Your previous upload is still being stored; wait for "
			"it."),
		    NULL);
		wreq_free(w);
		return;
	}
	kv = field(w, "kind");
	up = xcalloc(1, sizeof *up);
	up->w = w;
	up->lu = &u->up;
	lastup_clear(&u->up);
	xsnprintf(u->up.key, sizeof u->up.key, "%s",
	    field(w, "key") ? field(w, "key") : "");
	xsnprintf(u->up.file, sizeof u->up.file, "%s", f->filename);
	up->data = xmalloc(f->len);
	memcpy(up->data, f->data, f->len);
	up->len = f->len;
	err[0] = '\0';
	up->sh = sheet_open_mem(up->data, up->len, f->filename, NULL, err,
	    sizeof err);
	if (up->sh == NULL ||
	    upload_header(up, w, kv ? kind_parse(kv) : KIND_NONE, err,
		sizeof err) < 0) {
		u->up.state = 3;
		xsnprintf(u->up.message, sizeof u->up.message, "%s", err);
		simple_page(w, 422, T("上传登记表", "Upload a register"), "err",
		    err, upload_form);
		up->w = NULL;
		wreq_free(w);
		regfile_close(&up->rf);
		sheet_free(up->sh);
		free(up->data);
		free(up);
		return;
	}
	u->up.state = 1;
	log_info("http: %s uploads %s (%zu bytes, %s, %s)", w->who.name,
	    f->filename, f->len, sheet_format(up->sh), kind_name(up->rf.kind));
	/* The page streams: a line per stored batch, then the results. */
	http_headers(w->req, "text/html; charset=utf-8");
	evhttp_send_reply_start(w->req, 200, "OK");
	sbuf_init(&b);
	dash_of(w, &d, &b);
	dash_page_begin(&d, T("上传登记表", "Upload a register"), "entry");
	put(&b, "<h1>");
	esc(&b, T("上传登记表", "Upload a register"));
	put(&b, "</h1>\n<p>");
	esc(&b, f->filename);
	sbuf_printf(&b, " · %s · %s</p>\n<ol id=\"batches\">\n",
	    sheet_format(up->sh), kind_label(w, up->rf.kind));
	chunk(up, &b);
	sbuf_free(&b);
	upload_step(-1, 0, up);
}

static void
send_file(struct wreq *w, const char *ctype, const char *name, const void *data,
    size_t len)
{
	struct evbuffer *buf = evbuffer_new();
	char disp[128];

	http_headers(w->req, ctype);
	xsnprintf(disp, sizeof disp, "attachment; filename=\"%s\"", name);
	evhttp_add_header(evhttp_request_get_output_headers(w->req),
	    "Content-Disposition", disp);
	evbuffer_add(buf, data, len);
	evhttp_send_reply(w->req, 200, "OK", buf);
	evbuffer_free(buf);
	metrics_http_request("/upload/rejected", 200);
}

static void
reason_text(char *buf, size_t n, const struct rejrow *j)
{
	xsnprintf(buf, n, "line %u: %s: %s", j->line, j->column, j->reason);
}

static void
r_rejected(struct wreq *w, const struct evkeyvalq *q)
{
	struct wuser *u = wuser_of(w->who.user_id);
	const char *fmt = evhttp_find_header(q, "format");
	struct lastup *lu;
	char why[700];
	size_t i, c;

	if (u == NULL || u->up.nrej == 0) {
		error_page(w, 404,
		    T("没有被拒绝的行可下载。被拒绝的行只保留到"
		      "下一次上传或服务器重启；请重新上传文件，已存的行算作重复"
		      "。",
			"There are no rejected rows to download. They are kept "
			"until"
			" your next upload or a server restart; upload the file"
			" again (stored rows count as duplicates)."));
		wreq_free(w);
		return;
	}
	lu = &u->up;
	if (fmt && strcmp(fmt, "xlsx") == 0) {
		char path[] = "/tmp/popstat-rejected-XXXXXX";
		int fd = mkstemp(path);
		lxw_workbook *wb;
		lxw_worksheet *ws;
		lxw_format *text;
		sbuf data;
		FILE *f;
		char chunkbuf[65536];
		size_t n;

		if (fd < 0) {
			error_page(w, 500, "cannot make a temporary file");
			wreq_free(w);
			return;
		}
		close(fd);
		wb = workbook_new(path);
		ws = workbook_add_worksheet(wb, NULL);
		text = workbook_add_format(wb);
		format_set_num_format(text, "@");
		for (c = 0; c < lu->nheader; c++)
			worksheet_write_string(ws, 0, (lxw_col_t)c,
			    lu->header[c], text);
		worksheet_write_string(ws, 0, (lxw_col_t)lu->nheader,
		    REASON_COLUMN, text);
		for (i = 0; i < lu->nrej; i++) {
			for (c = 0; c < lu->rej[i].ncells && c < lu->nheader;
			     c++)
				worksheet_write_string(ws, (lxw_row_t)(i + 1),
				    (lxw_col_t)c, lu->rej[i].cells[c], text);
			reason_text(why, sizeof why, &lu->rej[i]);
			worksheet_write_string(ws, (lxw_row_t)(i + 1),
			    (lxw_col_t)lu->nheader, why, text);
		}
		worksheet_set_column(ws, 0, (lxw_col_t)lu->nheader, 18, text);
		if (workbook_close(wb) != LXW_NO_ERROR ||
		    (f = fopen(path, "rb")) == NULL) {
			unlink(path);
			error_page(w, 500, "cannot write the workbook");
			wreq_free(w);
			return;
		}
		sbuf_init(&data);
		while ((n = fread(chunkbuf, 1, sizeof chunkbuf, f)) > 0)
			sbuf_add(&data, chunkbuf, n);
		fclose(f);
		unlink(path);
		send_file(w,
		    "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet",
		    "rejected.xlsx", data.s, data.len);
		sbuf_free(&data);
	} else {
		sbuf b;

		sbuf_init(&b);
		put(&b, "\xef\xbb\xbf"); /* a BOM, so Excel reads UTF-8 */
		for (c = 0; c < lu->nheader; c++) {
			sbuf_csv_field(&b, lu->header[c]);
			put(&b, ",");
		}
		put(&b, REASON_COLUMN "\r\n");
		for (i = 0; i < lu->nrej; i++) {
			for (c = 0; c < lu->nheader; c++) {
				sbuf_csv_field(&b,
				    c < lu->rej[i].ncells ?
					lu->rej[i].cells[c] :
					"");
				put(&b, ",");
			}
			reason_text(why, sizeof why, &lu->rej[i]);
			sbuf_csv_field(&b, why);
			put(&b, "\r\n");
		}
		send_file(w, "text/csv; charset=utf-8", "rejected.csv", b.s,
		    b.len);
		sbuf_free(&b);
	}
	wreq_free(w);
}

/* ---- entry point --------------------------------------------------------- */

void
web_serve(struct web_call *c)
{
	struct wreq *w = wreq_new(c);

	if (strcmp(c->path, "/entry") == 0)
		r_entry(w, c->post, c->q);
	else if (strcmp(c->path, "/amend") == 0)
		r_amend(w, c->post, c->q);
	else if (strcmp(c->path, "/void") == 0)
		r_void(w, c->post);
	else if (strcmp(c->path, "/report") == 0) {
		const struct evkeyval *kv;

		if (!c->post) /* the unit and dekad come in the query */
			for (kv = c->q->tqh_first; kv; kv = kv->next.tqe_next)
				evhttp_add_header(&w->fields, kv->key,
				    kv->value);
		r_report(w, c->post);
	} else if (strcmp(c->path, "/task") == 0)
		r_task(w, c->post);
	else if (strcmp(c->path, "/upload") == 0)
		r_upload(w, c);
	else if (strcmp(c->path, "/upload/rejected") == 0)
		r_rejected(w, c->q);
	else {
		error_page(w, 404, "no such page");
		wreq_free(w);
	}
}
