/*
 * fuzz_envelope.c - popstat__envelope__unpack() of arbitrary bytes (the body
 * of one frame), then the request validation the server does with common/
 * code before it touches its database:
 *
 *   Submit and Amend rows  record_validate() for the batch's kind, as
 *                          server/req_submit.c does for every row;
 *   period and as_of       date_parse() / period_parse(), as the query,
 *                          integrity, supervision and bulletin handlers do;
 *   IndicatorSet.expr      expr_compile() against the engine's counters.
 *
 * Every message text the server would send back (a Rejection reason, an
 * Error message) goes into a protobuf string field, so it must be valid
 * UTF-8 whatever the input.  Finally the message is packed, unpacked and
 * packed again: both packings must be identical.
 */
#include "fuzz.h"

#include "wirescan.h"

#include "date.h"
#include "expr.h"
#include "period.h"
#include "popstat.pb-c.h"
#include "record.h"
#include "row.h"
#include "utf8.h"

/* The 15 counters of server/engine.c, in its order. */
static const char *const counters[] = {
	"births", "births_male", "births_female", "births_policy",
	"births_order3", "deaths", "mig_in", "mig_out", "verified",
	"verified_missed", "pop_start", "pop_end", "pop_avg", "days",
	"year_days"
};

static int32_t today; /* 2026-11-28, as the end-to-end tests use */

static int
text_ok(const char *s)
{
	return s != NULL && utf8_valid(s, strlen(s));
}

/* The invariants of a record record_validate() accepted. */
static void
check_record(int kind, const record *r)
{
	FUZZ_CHECK(kind_name(kind) != NULL);
	FUZZ_CHECK(r->kind == kind);
	FUZZ_CHECK(record_id_valid(r->record_id));
	FUZZ_CHECK(unit_code_valid(r->unit));
	FUZZ_CHECK(r->day <= today);
	FUZZ_CHECK(r->day >= date_from_ymd(DATE_MIN_YEAR, 1, 1));
	FUZZ_CHECK(strlen(r->mother_id) <= MOTHER_ID_MAX);
	FUZZ_CHECK(r->has_mother == (r->mother_id[0] != '\0'));
	switch (kind) {
	case KIND_BIRTH:
		FUZZ_CHECK(r->sex == 1 || r->sex == 2);
		FUZZ_CHECK(r->birth_order >= 1 && r->birth_order <= 15);
		FUZZ_CHECK(r->policy == 0 || r->policy == 1);
		break;
	case KIND_DEATH:
		FUZZ_CHECK(r->sex == 1 || r->sex == 2);
		FUZZ_CHECK(r->age >= 0 && r->age <= 130);
		FUZZ_CHECK(!r->has_mother);
		break;
	case KIND_MIGRATION:
		FUZZ_CHECK(r->direction == 1 || r->direction == 2);
		FUZZ_CHECK(r->persons >= 1 && r->persons <= 100000);
		FUZZ_CHECK(!r->has_mother);
		break;
	case KIND_POPULATION:
		FUZZ_CHECK(r->persons >= 0 && r->persons <= POPULATION_MAX);
		FUZZ_CHECK(!r->has_mother);
		break;
	case KIND_VERIFICATION:
		FUZZ_CHECK(r->has_mother);
		break;
	}
}

/*
 * An accepted record written back as canonical text must validate again
 * to the same record.
 */
static void
check_canonical(int kind, const record *r)
{
	char day[11], order[8], age[8], persons[24], reason[320];
	const char *f[COL_COUNT] = { NULL }, *column = NULL;
	int req;
	record again;

	f[COL_RECORD_ID] = r->record_id;
	f[COL_UNIT] = r->unit;
	f[COL_DATE] = date_format(r->day, day);
	snprintf(order, sizeof order, "%d", r->birth_order);
	snprintf(age, sizeof age, "%d", r->age);
	snprintf(persons, sizeof persons, "%lld", (long long)r->persons);
	if (kind_has_col(kind, COL_SEX, &req))
		f[COL_SEX] = r->sex == 1 ? "M" : "F";
	if (kind_has_col(kind, COL_BIRTH_ORDER, &req))
		f[COL_BIRTH_ORDER] = order;
	if (kind_has_col(kind, COL_POLICY, &req))
		f[COL_POLICY] = r->policy ? "Y" : "N";
	if (kind_has_col(kind, COL_MOTHER_ID, &req))
		f[COL_MOTHER_ID] = r->mother_id;
	if (kind_has_col(kind, COL_AGE, &req))
		f[COL_AGE] = age;
	if (kind_has_col(kind, COL_DIRECTION, &req))
		f[COL_DIRECTION] = r->direction == 1 ? "in" : "out";
	if (kind_has_col(kind, COL_PERSONS, &req))
		f[COL_PERSONS] = persons;
	FUZZ_CHECK(record_validate(kind, f, today, &again, &column, reason,
	    sizeof reason) == 0);
	FUZZ_CHECK(again.kind == r->kind && again.day == r->day &&
	    again.sex == r->sex && again.birth_order == r->birth_order &&
	    again.policy == r->policy && again.has_mother == r->has_mother &&
	    again.age == r->age && again.direction == r->direction &&
	    again.persons == r->persons);
	FUZZ_CHECK(strcmp(again.record_id, r->record_id) == 0);
	FUZZ_CHECK(strcmp(again.unit, r->unit) == 0);
	FUZZ_CHECK(strcmp(again.mother_id, r->mother_id) == 0);
}

/* Every row of a Submit or Amend, as req_submit.c's submit_row(). */
static void
validate_rows(int kind, Popstat__Row *const *rows, size_t n)
{
	const char *f[COL_COUNT], *column;
	char reason[320]; /* the size req_submit.c's batch() uses */
	record r;
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		row_fields(rows[i], f);
		column = NULL;
		reason[0] = '\0';
		if (record_validate(kind, f, today, &r, &column, reason,
		    sizeof reason) == 0) {
			check_record(kind, &r);
			check_canonical(kind, &r);
			continue;
		}
		/* Rejection.column and Rejection.reason are proto strings. */
		FUZZ_CHECK(column != NULL);
		FUZZ_CHECK(strcmp(column, "kind") == 0 ||
		    col_parse(column) >= 0);
		/* The column named is the kind's, or one it does not have. */
		if (strcmp(column, "kind") == 0)
			FUZZ_CHECK(kind_name(kind) == NULL);
		else
			for (c = 0; c < COL_COUNT; c++)
				if (strcmp(column, col_name(c)) == 0)
					FUZZ_CHECK(!kind_has_col(kind, c, NULL) ==
					    (strncmp(reason, "not a column", 12) == 0));
		FUZZ_CHECK(reason[0] != '\0');
		FUZZ_CHECK(text_ok(reason));
	}
}

/*
 * A period with an optional as_of date, as req_query.c's parse_period()
 * and the supervision handlers parse them.
 */
static void
check_period(const char *spec, const char *as_of)
{
	char err[256];
	int32_t t = today;
	period p;

	err[0] = '\0';
	if (as_of != NULL && *as_of != '\0' &&
	    date_parse(as_of, &t, err, sizeof err) < 0) {
		FUZZ_CHECK(err[0] != '\0' && text_ok(err));
		return;
	}
	if (spec == NULL)
		return;
	if (period_parse(spec, t, &p, err, sizeof err) < 0) {
		FUZZ_CHECK(err[0] != '\0' && text_ok(err));
		return;
	}
	FUZZ_CHECK(p.start <= p.end);
	FUZZ_CHECK(period_days(&p) > 0);
}

static void
check_date(const char *s)
{
	char err[96];
	int32_t d;

	if (s == NULL || *s == '\0')
		return;
	err[0] = '\0';
	if (date_parse(s, &d, err, sizeof err) < 0)
		FUZZ_CHECK(err[0] != '\0' && text_ok(err));
}

static void
check_expr(const char *src)
{
	char err[256];
	expr *e;

	if (src == NULL)
		return;
	err[0] = '\0';
	e = expr_compile(src, counters, sizeof counters / sizeof counters[0],
	    err, sizeof err);
	if (e == NULL)
		FUZZ_CHECK(err[0] != '\0' && text_ok(err));
	expr_free(e);
}

static void
validate_request(const Popstat__Request *rq)
{
	switch (rq->body_case) {
	case POPSTAT__REQUEST__BODY_SUBMIT:
		validate_rows((int)rq->submit->kind, rq->submit->rows,
		    rq->submit->n_rows);
		break;
	case POPSTAT__REQUEST__BODY_AMEND:
		validate_rows((int)rq->amend->kind, rq->amend->rows,
		    rq->amend->n_rows);
		break;
	case POPSTAT__REQUEST__BODY_STATUS:
		check_period(rq->status->period, rq->status->as_of);
		break;
	case POPSTAT__REQUEST__BODY_RANKING:
		check_period(rq->ranking->period, rq->ranking->as_of);
		break;
	case POPSTAT__REQUEST__BODY_VERIFY_REPORT:
		check_period(rq->verify_report->period,
		    rq->verify_report->as_of);
		break;
	case POPSTAT__REQUEST__BODY_APPROVE:
		check_period(rq->approve->period, NULL);
		break;
	case POPSTAT__REQUEST__BODY_UNLOCK:
		check_period(rq->unlock->period, NULL);
		break;
	case POPSTAT__REQUEST__BODY_REPORT_FILE:
		check_period(rq->report_file->period, NULL);
		break;
	case POPSTAT__REQUEST__BODY_REPORT_STATUS:
		check_period(rq->report_status->period,
		    rq->report_status->as_of);
		break;
	case POPSTAT__REQUEST__BODY_BULLETIN:
		check_period(rq->bulletin->period, rq->bulletin->as_of);
		break;
	case POPSTAT__REQUEST__BODY_BULLETIN_PUBLISH:
		check_period(rq->bulletin_publish->period, NULL);
		break;
	case POPSTAT__REQUEST__BODY_BULLETIN_SHOW:
		check_period(rq->bulletin_show->period, NULL);
		break;
	case POPSTAT__REQUEST__BODY_BULLETIN_DIFF:
		check_period(rq->bulletin_diff->period, NULL);
		break;
	case POPSTAT__REQUEST__BODY_INSPECTION:
		check_period(rq->inspection->period, rq->inspection->as_of);
		break;
	case POPSTAT__REQUEST__BODY_INDICATOR_SET:
		check_expr(rq->indicator_set->expr);
		break;
	case POPSTAT__REQUEST__BODY_AUDIT:
		check_date(rq->audit->since);
		break;
	case POPSTAT__REQUEST__BODY_TASK_ADD:
		check_date(rq->task_add->due);
		break;
	case POPSTAT__REQUEST__BODY_TASK_LIST:
		check_date(rq->task_list->as_of);
		break;
	case POPSTAT__REQUEST__BODY_UNIT_ADD:
		(void)unit_code_valid(rq->unit_add->unit->code);
		break;
	default:
		break;
	}
}

/*
 * Nonzero if m or a message inside it kept an unknown field whose number
 * no protobuf writer may use: 0, or above 2^29 - 1.  libprotobuf-c 1.4.1
 * reads such a tag when it is spelt in more bytes than needed (0x80 0x00
 * is field 0) but refuses it when it reads its own packing back.  The
 * server never packs a request again (unknown fields are just dropped),
 * so the round-trip check skips such messages.
 */
static int
has_bad_unknown(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const char *base = (const char *)m;
	const ProtobufCFieldDescriptor *f;
	const ProtobufCMessage *sub;
	ProtobufCMessage *const *arr;
	unsigned i;
	size_t j, n;

	for (i = 0; i < m->n_unknown_fields; i++)
		if (m->unknown_fields[i].tag == 0 ||
		    m->unknown_fields[i].tag > 0x1fffffff)
			return 1;
	for (i = 0; i < d->n_fields; i++) {
		f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			n = *(const size_t *)(base + f->quantifier_offset);
			arr = *(ProtobufCMessage *const *const *)(base +
			    f->offset);
			for (j = 0; j < n; j++)
				if (has_bad_unknown(arr[j]))
					return 1;
			continue;
		}
		/* A oneof member's pointer is valid only when it is the case. */
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(base + f->quantifier_offset) != f->id)
			continue;
		sub = *(const ProtobufCMessage *const *)(base + f->offset);
		if (sub != NULL && has_bad_unknown(sub))
			return 1;
	}
	return 0;
}

/* Pack into an exact-size buffer; returns it and its size. */
static uint8_t *
pack(const Popstat__Envelope *env, size_t *len)
{
	size_t n = popstat__envelope__get_packed_size(env);
	uint8_t *buf = malloc(n > 0 ? n : 1);

	FUZZ_CHECK(buf != NULL);
	FUZZ_CHECK(popstat__envelope__pack(env, buf) == n);
	*len = n;
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t submit_path[] = { 3, 7 };
	Popstat__Envelope *env, *again;
	uint8_t *copy, *p1, *p2;
	size_t n1, n2;
	long rows;

	if (today == 0)
		today = date_from_ymd(2026, 11, 28);
	/* An exact-size copy: ASan then sees any read past the frame. */
	copy = malloc(size > 0 ? size : 1);
	FUZZ_CHECK(copy != NULL);
	if (size > 0)
		memcpy(copy, data, size);
	rows = wirescan_count(copy, size, submit_path, 2, 2);
	env = popstat__envelope__unpack(NULL, size, copy);
	free(copy);
	if (env == NULL)
		return 0;
	/* The server refuses from the scan what the unpacker would hold:
	 * the scan never counts fewer rows (or gives up, -1). */
	if (env->msg_case == POPSTAT__ENVELOPE__MSG_REQUEST &&
	    env->request->body_case == POPSTAT__REQUEST__BODY_SUBMIT)
		FUZZ_CHECK(rows < 0 || (size_t)rows >= env->request->submit->n_rows);

	if (env->msg_case == POPSTAT__ENVELOPE__MSG_REQUEST) {
		FUZZ_CHECK(env->request != NULL);
		validate_request(env->request);
	} else if (env->msg_case == POPSTAT__ENVELOPE__MSG_RESPONSE) {
		FUZZ_CHECK(env->response != NULL);
	}

	/* Round trip: pack, unpack, pack again; the same bytes both times. */
	p1 = pack(env, &n1);
	if (has_bad_unknown(&env->base)) {
		free(p1);
		popstat__envelope__free_unpacked(env, NULL);
		return 0;
	}
	again = popstat__envelope__unpack(NULL, n1, p1);
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(again->version == env->version);
	FUZZ_CHECK(again->request_id == env->request_id);
	FUZZ_CHECK(again->msg_case == env->msg_case);
	p2 = pack(again, &n2);
	FUZZ_CHECK(n1 == n2);
	FUZZ_CHECK(memcmp(p1, p2, n1) == 0);

	free(p1);
	free(p2);
	popstat__envelope__free_unpacked(again, NULL);
	popstat__envelope__free_unpacked(env, NULL);
	return 0;
}
