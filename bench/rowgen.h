/*
 * rowgen.h - the benchmark's birth records, shared by loadgen and baseline
 * so both insert exactly the same rows.
 *
 * Row i of stream s is a pure function of (s, i): a random 16-character
 * text record_id, a township, a date uniformly in 2024-01-01..2026-10-31,
 * sex, birth order, policy and an 18-digit mother id.
 *
 * Townships come in runs of ROWGEN_RUN consecutive rows (rows
 * k*ROWGEN_RUN .. (k+1)*ROWGEN_RUN-1 share one): a township's clerk
 * submits that township's records, so a batch of 1000 is one township's,
 * as it is in the county (the naive baseline inserts the very same rows in
 * the same order).  Every township has one run in each round of nunits
 * runs, as every township reports, in an order that changes every round
 * (an affine one, a * position + b: consecutive runs' townships differ by
 * the round's step a, which is all the spread a benchmark needs):
 * with townships drawn independently, 352 of 1000 had no record at all
 * at 1 million records and none at 10 million, and a ranking, which
 * computes less for a township without data, compared different
 * workloads at the two sizes.
 *
 * With BENCH_NATIONAL=1 in the environment (make bench-national) the
 * townships are the nation's instead: the nation 000000, 31 provinces
 * PP0000 (PP = 11..41), 90 counties each PPCCCC (CCCC = 0001..0090) and 15
 * townships each PPCCCCTTT (TTT = 001..015), 41,850 townships in all, in
 * runs of ROWGEN_NAT_RUN rows (a round of runs, about one million records,
 * gives every township some records).
 */
#ifndef POPSTAT_BENCH_ROWGEN_H
#define POPSTAT_BENCH_ROWGEN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "date.h"

/* The county and its townships: COUNTY, then COUNTY + 4 digits. */
#define ROWGEN_COUNTY "610328"
/* Records are dated 2024-01-01 .. 2026-10-31; queries ask for 2025. */
#define ROWGEN_FIRST_YEAR 2024
#define ROWGEN_SPAN_DAYS 1035   /* 2024-01-01 + 1034 = 2026-10-31 */
#define ROWGEN_QUERY_PERIOD "2025"
/* Population snapshots (one per township) are dated the day before. */
#define ROWGEN_POP_DATE "2023-12-31"
/* Consecutive rows of one township. */
#define ROWGEN_RUN 1000
/* The national layout (BENCH_NATIONAL=1). */
#define ROWGEN_NATION "000000"
#define ROWGEN_NAT_PROVINCES 31
#define ROWGEN_NAT_COUNTIES 90    /* per province */
#define ROWGEN_NAT_TOWNSHIPS 15   /* per county */
#define ROWGEN_NAT_UNITS (ROWGEN_NAT_PROVINCES * ROWGEN_NAT_COUNTIES * \
	ROWGEN_NAT_TOWNSHIPS)
#define ROWGEN_NAT_RUN 25

/* BENCH_NATIONAL=1: the national layout. */
static inline int
rowgen_national(void)
{
	static int nat = -1;

	if (nat < 0) {
		const char *e = getenv("BENCH_NATIONAL");

		nat = e != NULL && e[0] == '1';
	}
	return nat;
}

/* Codes of the national layout: province p, county c of it (0-based). */
static inline void
rowgen_nat_province(unsigned p, char *buf, size_t n)
{
	snprintf(buf, n, "%02u0000", 11 + p);
}

static inline void
rowgen_nat_county(unsigned p, unsigned c, char *buf, size_t n)
{
	snprintf(buf, n, "%02u%04u", 11 + p, 1 + c);
}

struct genrow {
	char record_id[20];
	char unit[24];
	char date[12];
	char sex[2];
	char birth_order[4];
	char policy[2];
	char mother_id[24];
	unsigned unit_index;
	int32_t day;
	int male, order, compliant;
};

static inline uint64_t
rowgen_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The township of run k: round k / nunits permutes all of them. */
static inline unsigned
rowgen_run_unit(uint64_t stream, uint64_t k, unsigned nunits)
{
	uint64_t h = rowgen_mix(stream * 0x9e3779b97f4a7c15ULL ^
	    (k / nunits) ^ 0x6a09e667f3bcc909ULL);
	uint64_t a = 1 + h % nunits, b = (h >> 32) % nunits, x, y, t;

	/* a * pos + b is a permutation of 0..nunits-1 when gcd(a, nunits)
	 * is 1; a = 1 always is. */
	for (;;) {
		for (x = a, y = nunits; y != 0; t = x % y, x = y, y = t)
			;
		if (x == 1)
			break;
		a = a % nunits + 1;
	}
	return (unsigned)((a * (k % nunits) + b) % nunits);
}

static inline void
rowgen_unit_code(unsigned idx, char *buf, size_t n)
{
	if (rowgen_national())
		snprintf(buf, n, "%02u%04u%03u", 11 + idx / (ROWGEN_NAT_COUNTIES *
		    ROWGEN_NAT_TOWNSHIPS), 1 + idx / ROWGEN_NAT_TOWNSHIPS %
		    ROWGEN_NAT_COUNTIES, 1 + idx % ROWGEN_NAT_TOWNSHIPS);
	else
		snprintf(buf, n, ROWGEN_COUNTY "%04u", idx);
}

/*
 * An 18-character resident ID (GB 11643, doc/rules.md §13) from x:
 * region 6103xx, a birth date in 1970-1999 (day 1-28), a sequence number
 * and the right ISO 7064 MOD 11-2 check character, so the server accepts
 * it as a real ID.
 */
static inline void
rowgen_mother_id(char out[24], uint64_t x)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5,
	    8, 4, 2 };
	int i, sum = 0;

	snprintf(out, 24, "6103%02u%04u%02u%02u%03u", (unsigned)(x % 100),
	    1970 + (unsigned)(x / 100 % 30), 1 + (unsigned)(x / 3000 % 12),
	    1 + (unsigned)(x / 36000 % 28), (unsigned)(x / 1008000 % 1000));
	for (i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

static inline void
rowgen_birth(uint64_t stream, uint64_t i, unsigned nunits, struct genrow *r)
{
	static const char alpha[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
	uint64_t h1 = rowgen_mix(stream * 0x100000001b3ULL ^ rowgen_mix(i));
	uint64_t h2 = rowgen_mix(h1 ^ 0x5851f42d4c957f2dULL);
	uint64_t h3 = rowgen_mix(h2 ^ 0x14057b7ef767814fULL);
	uint64_t x;
	int k;

	/* 16 characters of a 34-symbol alphabet: about 81 random bits. */
	x = h1;
	for (k = 0; k < 8; k++) {
		r->record_id[k] = alpha[x % 34];
		x /= 34;
	}
	x = h2;
	for (k = 8; k < 16; k++) {
		r->record_id[k] = alpha[x % 34];
		x /= 34;
	}
	r->record_id[16] = '\0';
	r->unit_index = rowgen_run_unit(stream, i / (rowgen_national() ?
	    ROWGEN_NAT_RUN : ROWGEN_RUN), nunits);
	rowgen_unit_code(r->unit_index, r->unit, sizeof r->unit);
	x = h3 / nunits;
	r->day = date_from_ymd(ROWGEN_FIRST_YEAR, 1, 1) +
	    (int32_t)(x % ROWGEN_SPAN_DAYS);
	x /= ROWGEN_SPAN_DAYS;
	date_format(r->day, r->date);
	r->male = (int)(x & 1);
	x >>= 1;
	r->sex[0] = r->male ? 'M' : 'F';
	r->sex[1] = '\0';
	/* Birth order: 1 (55%), 2 (35%), 3 (8%), 4 (2%). */
	k = (int)(x % 100);
	x /= 100;
	r->order = k < 55 ? 1 : k < 90 ? 2 : k < 98 ? 3 : 4;
	snprintf(r->birth_order, sizeof r->birth_order, "%d", r->order);
	/* 96% policy-compliant. */
	r->compliant = x % 100 < 96;
	x /= 100;
	r->policy[0] = r->compliant ? 'Y' : 'N';
	r->policy[1] = '\0';
	rowgen_mother_id(r->mother_id, rowgen_mix(h3 ^ 0xd6e8feb86659fd93ULL));
}

#endif
