/*
 * tally.c - in-memory counters by unit and day (see tally.h).
 */
#include "tally.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "sbuf.h"

/* First day of each month within the year, common and leap years. */
static const int mstart[2][13] = {
	{ 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365 },
	{ 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366 },
};

struct yblock {
	int year;
	int leap;
	int width;                 /* bytes per day value: 1, 2, 4 or 8 */
	int32_t first;             /* day number of 1 January */
	int64_t mcum[13][TALLY_K]; /* mcum[m]: sum over the months before m */
	void *days;                /* [366][TALLY_K] values of `width` bytes */
};

struct snap {
	int32_t day;
	int32_t n; /* records giving this figure on this day */
	int64_t persons;
};

struct tunit {
	struct yblock *y; /* by year, ascending */
	int ny, capy;
	struct snap *s; /* by (day, persons), ascending */
	int ns, caps;
};

enum { OP_ADD = 0, OP_POP_IN = 1, OP_POP_OUT = 2 };

struct pend {
	int u;
	int op;
	int32_t day;
	int64_t persons;
	int64_t d[TALLY_K];
};

static struct tunit *tu;
static int ntu;
static struct pend *log_;
static size_t nlog, caplog;
static size_t bytes;

/* --- day values of a year block ---------------------------------------- */

static int64_t
dget(const struct yblock *b, int i)
{
	switch (b->width) {
	case 1: return ((const int8_t *)b->days)[i];
	case 2: return ((const int16_t *)b->days)[i];
	case 4: return ((const int32_t *)b->days)[i];
	default: return ((const int64_t *)b->days)[i];
	}
}

static void
dset(struct yblock *b, int i, int64_t v)
{
	switch (b->width) {
	case 1: ((int8_t *)b->days)[i] = (int8_t)v; break;
	case 2: ((int16_t *)b->days)[i] = (int16_t)v; break;
	case 4: ((int32_t *)b->days)[i] = (int32_t)v; break;
	default: ((int64_t *)b->days)[i] = v; break;
	}
}

static int
width_for(int64_t v)
{
	if (v >= INT8_MIN && v <= INT8_MAX)
		return 1;
	if (v >= INT16_MIN && v <= INT16_MAX)
		return 2;
	if (v >= INT32_MIN && v <= INT32_MAX)
		return 4;
	return 8;
}

/* Re-store the block's days `w` bytes wide (w > b->width). */
static void
widen(struct yblock *b, int w)
{
	struct yblock nb = *b;
	int i, n = 366 * TALLY_K;

	nb.width = w;
	nb.days = xcalloc((size_t)n, (size_t)w);
	for (i = 0; i < n; i++)
		dset(&nb, i, dget(b, i));
	free(b->days);
	bytes += (size_t)n * (size_t)(w - b->width);
	*b = nb;
}

/*
 * Add sign * (the day values of [a, z]) to out.  The loops per width keep
 * the common narrow case a plain walk over bytes.
 */
#define SUM_DAYS(T)                                                            \
	do {                                                                   \
		const T *p = (const T *)b->days + (size_t)a * TALLY_K;         \
		for (i = a; i <= z; i++, p += TALLY_K)                         \
			for (k = 0; k < TALLY_K; k++)                          \
				acc[k] += p[k];                                \
	} while (0)

static void
sum_days(const struct yblock *b, int a, int z, int sign, int64_t out[TALLY_K])
{
	int64_t acc[TALLY_K] = { 0 };
	int i, k;

	switch (b->width) {
	case 1: SUM_DAYS(int8_t); break;
	case 2: SUM_DAYS(int16_t); break;
	case 4: SUM_DAYS(int32_t); break;
	default: SUM_DAYS(int64_t); break;
	}
	for (k = 0; k < TALLY_K; k++)
		out[k] += sign * acc[k];
}

static int
month_of(const struct yblock *b, int doy)
{
	int m = doy / 31; /* never past the true month */

	while (mstart[b->leap][m + 1] <= doy)
		m++;
	return m;
}

/*
 * Add sign * (the sum over days 0..doy of the block) to out: whole months
 * from the running totals, and the rest of the month from whichever end
 * of it is nearer.
 */
static void
prefix(const struct yblock *b, int doy, int sign, int64_t out[TALLY_K])
{
	int m, ms, me, k;

	if (doy < 0)
		return;
	m = month_of(b, doy);
	ms = mstart[b->leap][m];
	me = mstart[b->leap][m + 1] - 1;
	if (doy == me || doy - ms >= me - doy) {
		for (k = 0; k < TALLY_K; k++)
			out[k] += sign * b->mcum[m + 1][k];
		if (doy < me)
			sum_days(b, doy + 1, me, -sign, out);
	} else {
		for (k = 0; k < TALLY_K; k++)
			out[k] += sign * b->mcum[m][k];
		sum_days(b, ms, doy, sign, out);
	}
}

/* --- units -------------------------------------------------------------- */

static struct tunit *
unit_get(int u)
{
	if (u < 0)
		return NULL;
	if (u >= ntu) {
		int n = ntu ? ntu : 64;

		while (n <= u)
			n *= 2;
		tu = xrealloc(tu, (size_t)n * sizeof *tu);
		memset(tu + ntu, 0, (size_t)(n - ntu) * sizeof *tu);
		bytes += (size_t)(n - ntu) * sizeof *tu;
		ntu = n;
	}
	return &tu[u];
}

static struct yblock *
block_get(struct tunit *t, int year)
{
	struct yblock *b;
	int i;

	for (i = 0; i < t->ny && t->y[i].year < year; i++)
		;
	if (i < t->ny && t->y[i].year == year)
		return &t->y[i];
	if (t->ny == t->capy) {
		t->capy = t->capy ? t->capy * 2 : 2;
		t->y = xrealloc(t->y, (size_t)t->capy * sizeof *t->y);
		bytes += (size_t)(t->capy - t->ny) * sizeof *t->y;
	}
	memmove(&t->y[i + 1], &t->y[i], (size_t)(t->ny - i) * sizeof *t->y);
	t->ny++;
	b = &t->y[i];
	memset(b, 0, sizeof *b);
	b->year = year;
	b->leap = date_is_leap(year);
	b->width = 1;
	b->first = date_from_ymd(year, 1, 1);
	b->days = xcalloc(366 * TALLY_K, 1);
	bytes += 366 * TALLY_K;
	return b;
}

/* Set a day's values, widening the block when one does not fit. */
static void
day_add(struct yblock *b, int doy, int k, int64_t d)
{
	int64_t v = dget(b, doy * TALLY_K + k) + d;
	int w = width_for(v);

	if (w > b->width)
		widen(b, w);
	dset(b, doy * TALLY_K + k, v);
}

static void
apply_add(int u, int32_t day, const int64_t d[TALLY_K])
{
	struct tunit *t = unit_get(u);
	struct yblock *b;
	int y, mo, dd, doy, k, m;

	if (t == NULL)
		return;
	date_to_ymd(day, &y, &mo, &dd);
	b = block_get(t, y);
	doy = day - b->first;
	for (k = 0; k < TALLY_K; k++) {
		if (d[k] == 0)
			continue;
		day_add(b, doy, k, d[k]);
		for (m = mo; m <= 12; m++)
			b->mcum[m][k] += d[k];
	}
}

/* Index of the first snapshot not before (day, persons). */
static int
snap_lower(const struct tunit *t, int32_t day, int64_t persons)
{
	int lo = 0, hi = t->ns;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		const struct snap *s = &t->s[mid];

		if (s->day < day || (s->day == day && s->persons < persons))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
apply_pop(int u, int32_t day, int64_t persons, int sign)
{
	struct tunit *t = unit_get(u);
	int i;

	if (t == NULL)
		return;
	i = snap_lower(t, day, persons);
	if (i < t->ns && t->s[i].day == day && t->s[i].persons == persons) {
		t->s[i].n += sign;
		if (t->s[i].n <= 0) {
			memmove(&t->s[i], &t->s[i + 1],
			    (size_t)(t->ns - i - 1) * sizeof *t->s);
			t->ns--;
		}
		return;
	}
	if (sign < 0)
		return; /* nothing to take away */
	if (t->ns == t->caps) {
		t->caps = t->caps ? t->caps * 2 : 4;
		t->s = xrealloc(t->s, (size_t)t->caps * sizeof *t->s);
		bytes += (size_t)(t->caps - t->ns) * sizeof *t->s;
	}
	memmove(&t->s[i + 1], &t->s[i], (size_t)(t->ns - i) * sizeof *t->s);
	t->ns++;
	t->s[i].day = day;
	t->s[i].n = 1;
	t->s[i].persons = persons;
}

/* --- pending writes ----------------------------------------------------- */

static struct pend *
pend_new(int u, int op, int32_t day)
{
	struct pend *p;

	if (nlog == caplog) {
		caplog = caplog ? caplog * 2 : 256;
		log_ = xrealloc(log_, caplog * sizeof *log_);
	}
	p = &log_[nlog++];
	p->u = u;
	p->op = op;
	p->day = day;
	p->persons = 0;
	return p;
}

void
tally_add(int u, int32_t day, const int64_t delta[TALLY_K])
{
	memcpy(pend_new(u, OP_ADD, day)->d, delta, sizeof(int64_t) * TALLY_K);
}

void
tally_pop(int u, int32_t day, int64_t persons, int sign)
{
	pend_new(u, sign > 0 ? OP_POP_IN : OP_POP_OUT, day)->persons = persons;
}

/*
 * Loading: day values only; tally_loaded() then computes the month totals
 * once per block instead of once per day.
 */
void
tally_put(int u, int32_t day, const int64_t delta[TALLY_K])
{
	struct tunit *t = unit_get(u);
	struct yblock *b;
	int y, mo, dd, k;

	if (t == NULL)
		return;
	date_to_ymd(day, &y, &mo, &dd);
	b = block_get(t, y);
	for (k = 0; k < TALLY_K; k++)
		if (delta[k] != 0)
			day_add(b, day - b->first, k, delta[k]);
}

void
tally_loaded(void)
{
	int i, j, m, k;

	for (i = 0; i < ntu; i++)
		for (j = 0; j < tu[i].ny; j++) {
			struct yblock *b = &tu[i].y[j];

			memset(b->mcum, 0, sizeof b->mcum);
			for (m = 0; m < 12; m++) {
				int64_t s[TALLY_K] = { 0 };

				sum_days(b, mstart[b->leap][m],
				    mstart[b->leap][m + 1] - 1, 1, s);
				for (k = 0; k < TALLY_K; k++)
					b->mcum[m + 1][k] =
					    b->mcum[m][k] + s[k];
			}
		}
}

void
tally_put_pop(int u, int32_t day, int64_t persons)
{
	apply_pop(u, day, persons, 1);
}

size_t
tally_mark(void)
{
	return nlog;
}

static int
cmp_pend(const void *a, const void *b)
{
	const struct pend *x = *(const struct pend *const *)a;
	const struct pend *y = *(const struct pend *const *)b;

	if (x->u != y->u)
		return x->u < y->u ? -1 : 1;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x < y ? -1 : x > y;
}

int
tally_pending_sums(size_t mark,
    int (*cb)(int u, int32_t day, const int64_t sum[TALLY_K], void *arg),
    void *arg)
{
	const struct pend **v;
	size_t i, j, n = 0;
	int64_t sum[TALLY_K];
	int k, rc = 0;

	if (mark >= nlog)
		return 0;
	v = xmalloc((nlog - mark) * sizeof *v);
	for (i = mark; i < nlog; i++)
		if (log_[i].op == OP_ADD)
			v[n++] = &log_[i];
	qsort(v, n, sizeof *v, cmp_pend);
	for (i = 0; i < n && rc == 0; i = j) {
		memset(sum, 0, sizeof sum);
		for (j = i;
		     j < n && v[j]->u == v[i]->u && v[j]->day == v[i]->day; j++)
			for (k = 0; k < TALLY_K; k++)
				sum[k] += v[j]->d[k];
		rc = cb(v[i]->u, v[i]->day, sum, arg);
	}
	free(v);
	return rc;
}

void
tally_rollback_to(size_t mark)
{
	if (mark < nlog)
		nlog = mark;
}

/* A big batch's log is not kept for ever. */
static void
log_trim(void)
{
	nlog = 0;
	if (caplog > 4096) {
		free(log_);
		log_ = NULL;
		caplog = 0;
	}
}

void
tally_commit(void)
{
	size_t i;

	for (i = 0; i < nlog; i++) {
		const struct pend *p = &log_[i];

		if (p->op == OP_ADD)
			apply_add(p->u, p->day, p->d);
		else
			apply_pop(p->u, p->day, p->persons,
			    p->op == OP_POP_IN ? 1 : -1);
	}
	log_trim();
}

void
tally_abort(void)
{
	log_trim();
}

/* --- queries ------------------------------------------------------------ */

void
tally_sum(int u, int32_t start, int32_t end, int64_t out[TALLY_K])
{
	const struct tunit *t;
	int i;

	memset(out, 0, sizeof(int64_t) * TALLY_K);
	if (u < 0 || u >= ntu || start > end)
		return;
	t = &tu[u];
	for (i = 0; i < t->ny; i++) {
		const struct yblock *b = &t->y[i];
		int32_t last = b->first + mstart[b->leap][12] - 1;
		int32_t lo, hi;

		if (last < start)
			continue;
		if (b->first > end)
			break;
		lo = start > b->first ? start : b->first;
		hi = end < last ? end : last;
		prefix(b, hi - b->first, 1, out);
		prefix(b, lo - b->first - 1, -1, out);
	}
}

int
tally_has_pop(int u)
{
	return u >= 0 && u < ntu && tu[u].ns > 0;
}

int
tally_pop_near(int u, int32_t d, int before, int32_t *day, int64_t *persons)
{
	const struct tunit *t;
	int i;

	if (u < 0 || u >= ntu)
		return 0;
	t = &tu[u];
	/* First snapshot after day d. */
	i = snap_lower(t, d + 1, INT64_MIN);
	if (before)
		i--;
	if (i < 0 || i >= t->ns)
		return 0;
	*day = t->s[i].day;
	*persons = t->s[i].persons;
	return 1;
}

int
tally_units(void)
{
	return ntu;
}

void
tally_reset(void)
{
	int i, j;

	for (i = 0; i < ntu; i++) {
		for (j = 0; j < tu[i].ny; j++)
			free(tu[i].y[j].days);
		free(tu[i].y);
		free(tu[i].s);
	}
	free(tu);
	tu = NULL;
	ntu = 0;
	free(log_);
	log_ = NULL;
	nlog = caplog = 0;
	bytes = 0;
}

size_t
tally_bytes(void)
{
	return bytes;
}
