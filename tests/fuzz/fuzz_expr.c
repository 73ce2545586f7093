/*
 * fuzz_expr.c - indicator expressions (common/expr.c) compiled against the
 * engine's 15 counters, then evaluated with a few value vectors.
 *
 * Checks: a compile error names a column inside the source and is valid
 * UTF-8; "expression too complex" (the value-stack bound) never fires; a
 * program computes exactly what a recursive-descent reference evaluator
 * computes over the same text; an evaluation either fails or gives a
 * finite number, and fails whenever a counter the expression uses is
 * unknown or not finite; wrapping the source as "(src)" or "-(src)"
 * changes nothing or negates the result (or fails only because the
 * nesting got too deep).
 */
#include <math.h>

#include "fuzz.h"

#include "expr.h"
#include "utf8.h"

#define NCOUNTERS 15

/* server/engine.c's engine_var_names, in its order. */
static const char *const counters[NCOUNTERS] = {
	"births", "births_male", "births_female", "births_policy",
	"births_order3", "deaths", "mig_in", "mig_out", "verified",
	"verified_missed", "pop_start", "pop_end", "pop_avg", "days",
	"year_days"
};

#define NVEC 6

struct vec {
	double v[NCOUNTERS];
	unsigned char known[NCOUNTERS];
	int all_known; /* pass known = NULL */
};

static struct vec vecs[NVEC];

static void
init_vecs(void)
{
	size_t i;

	for (i = 0; i < NCOUNTERS; i++) {
		vecs[0].v[i] = 1;                      /* all ones */
		vecs[1].v[i] = (double)(i + 1) * 7.5;  /* distinct */
		vecs[2].v[i] = 0;                      /* all zero */
		vecs[3].v[i] = i % 2 ? -1e300 : 1e300; /* overflow bait */
		vecs[4].v[i] = (double)i;              /* some unknown */
		vecs[4].known[i] = i % 3 != 0;
		vecs[5].v[i] = i == 7 ? NAN : 2;       /* a NaN counter */
	}
	vecs[1].v[13] = 30;  /* days */
	vecs[1].v[14] = 365; /* year_days */
	for (i = 0; i < NVEC; i++)
		if (i != 4) {
			memset(vecs[i].known, 1, NCOUNTERS);
			vecs[i].all_known = i % 2 == 0;
		}
}

static int
eval(const expr *e, const struct vec *x, double *out)
{
	int rc = expr_eval(e, x->v, x->all_known ? NULL : x->known, out);
	size_t i;
	int bad = 0;

	FUZZ_CHECK(rc == 0 || rc == -1);
	for (i = 0; i < NCOUNTERS; i++)
		if (expr_uses(e, i) && (!x->known[i] || !isfinite(x->v[i])))
			bad = 1;
	if (bad)
		FUZZ_CHECK(rc == -1);
	if (rc == 0)
		FUZZ_CHECK(isfinite(*out));
	return rc;
}

/*
 * A reference evaluator for sources that compiled: plain recursive descent
 * over the text (the nesting is bounded, the compiler checked it), with
 * the same rules as expr_eval(): a division by zero, an unknown counter or
 * a result that is not finite gives no value.  The compiled program must
 * give exactly the same answer.
 */
struct ref {
	const char *s;
	const struct vec *x;
	int fail;
};

static double ref_sum(struct ref *r);

static void
ref_space(struct ref *r)
{
	while (*r->s == ' ' || *r->s == '\t' || *r->s == '\r' || *r->s == '\n')
		r->s++;
}

static double
ref_atom(struct ref *r)
{
	double v;
	size_t n, i;
	char *end;

	ref_space(r);
	if (*r->s == '-') {
		r->s++;
		return -ref_atom(r);
	}
	if (*r->s == '+') {
		r->s++;
		return ref_atom(r);
	}
	if (*r->s == '(') {
		r->s++;
		v = ref_sum(r);
		ref_space(r);
		FUZZ_CHECK(*r->s == ')');
		r->s++;
		return v;
	}
	if ((*r->s >= '0' && *r->s <= '9') || *r->s == '.') {
		v = strtod(r->s, &end);
		FUZZ_CHECK(end != r->s);
		r->s = end;
		return v;
	}
	for (n = 0; (r->s[n] >= 'a' && r->s[n] <= 'z') ||
	    (r->s[n] >= 'A' && r->s[n] <= 'Z') || r->s[n] == '_' ||
	    (r->s[n] >= '0' && r->s[n] <= '9'); n++)
		;
	FUZZ_CHECK(n > 0);
	for (i = 0; i < NCOUNTERS; i++)
		if (strncmp(counters[i], r->s, n) == 0 && counters[i][n] == '\0')
			break;
	FUZZ_CHECK(i < NCOUNTERS);
	r->s += n;
	if (!r->x->known[i] || !isfinite(r->x->v[i]))
		r->fail = 1;
	return r->x->v[i];
}

static double
ref_check(struct ref *r, double v)
{
	if (!isfinite(v))
		r->fail = 1;
	return v;
}

static double
ref_product(struct ref *r)
{
	double a = ref_atom(r), b;
	char op;

	for (;;) {
		ref_space(r);
		op = *r->s;
		if (op != '*' && op != '/')
			return a;
		r->s++;
		b = ref_atom(r);
		if (op == '/' && b == 0)
			r->fail = 1;
		a = ref_check(r, op == '*' ? a * b : (b == 0 ? 0 : a / b));
	}
}

static double
ref_sum(struct ref *r)
{
	double a = ref_product(r), b;
	char op;

	for (;;) {
		ref_space(r);
		op = *r->s;
		if (op != '+' && op != '-')
			return a;
		r->s++;
		b = ref_product(r);
		a = ref_check(r, op == '+' ? a + b : a - b);
	}
}

static void
check_reference(const char *src, const struct vec *x, int rc, double v)
{
	struct ref r = { src, x, 0 };
	double want = ref_sum(&r);

	ref_space(&r);
	FUZZ_CHECK(*r.s == '\0');
	FUZZ_CHECK(rc == (r.fail ? -1 : 0));
	if (rc == 0)
		FUZZ_CHECK(memcmp(&v, &want, sizeof v) == 0 || v == want);
}

/* A compile error: "column N: ..." inside the source, or a length error. */
static void
check_error(const char *err, size_t len)
{
	unsigned long col;
	char *end;

	FUZZ_CHECK(err[0] != '\0');
	FUZZ_CHECK(utf8_valid(err, strlen(err)));
	FUZZ_CHECK(strstr(err, "too complex") == NULL);
	if (strncmp(err, "column ", 7) == 0) {
		col = strtoul(err + 7, &end, 10);
		FUZZ_CHECK(col >= 1 && col <= len + 1);
		FUZZ_CHECK(end[0] == ':');
	} else {
		FUZZ_CHECK(strncmp(err, "expression longer than", 22) == 0 ||
		    strcmp(err, "out of memory") == 0);
	}
}

/*
 * Compile the wrapped source; it must compile unless the extra level of
 * parentheses is one too many, and evaluate as sign * the original.
 */
static void
check_wrapped(const char *src, size_t len, const char *pre, double sign,
    const int *rc0, const double *v0)
{
	char err[256], *w;
	size_t plen = strlen(pre), i;
	expr *e;
	double v;
	int rc;

	if (len + plen + 1 > EXPR_MAX_LEN)
		return;
	w = malloc(len + plen + 2);
	FUZZ_CHECK(w != NULL);
	memcpy(w, pre, plen);
	memcpy(w + plen, src, len);
	w[plen + len] = ')';
	w[plen + len + 1] = '\0';
	e = expr_compile(w, counters, NCOUNTERS, err, sizeof err);
	if (e == NULL) {
		check_error(err, len + plen + 1);
		FUZZ_CHECK(strstr(err, "nesting deeper") != NULL);
		free(w);
		return;
	}
	for (i = 0; i < NVEC; i++) {
		rc = eval(e, &vecs[i], &v);
		FUZZ_CHECK(rc == rc0[i]);
		if (rc == 0)
			FUZZ_CHECK(v == sign * v0[i]);
	}
	expr_free(e);
	free(w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	char err[256], *src;
	size_t len, i;
	expr *e;
	int rc[NVEC];
	double v[NVEC];

	if (!ready) {
		init_vecs();
		ready = 1;
	}
	if (size > 2 * EXPR_MAX_LEN)
		return 0;
	src = fuzz_cstr(data, size, &len);
	memset(err, 'x', sizeof err);
	e = expr_compile(src, counters, NCOUNTERS, err, sizeof err);
	FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
	if (e == NULL) {
		check_error(err, len);
		free(src);
		return 0;
	}
	FUZZ_CHECK(len <= EXPR_MAX_LEN);
	FUZZ_CHECK(err[0] == '\0');
	FUZZ_CHECK(!expr_uses(e, NCOUNTERS));
	for (i = 0; i < NVEC; i++) {
		rc[i] = eval(e, &vecs[i], &v[i]);
		check_reference(src, &vecs[i], rc[i], v[i]);
	}
	/* Nothing unknown and nothing to divide: ones always evaluate. */
	if (strchr(src, '/') == NULL && strchr(src, 'e') == NULL &&
	    strchr(src, 'E') == NULL && len < 64)
		FUZZ_CHECK(rc[0] == 0);
	expr_free(e);

	check_wrapped(src, len, "(", 1, rc, v);
	check_wrapped(src, len, "-(", -1, rc, v);
	free(src);
	return 0;
}
