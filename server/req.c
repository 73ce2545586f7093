/*
 * req.c - one request being served: its arena, from which everything a
 * handler allocates for the reply comes and which is freed in one place
 * after the reply is packed, and the two common replies (Error, Ack).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "popstatd.h"
#include "sbuf.h"
#include "utf8.h"

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

void *
req_alloc_raw(struct req *r, size_t n)
{
	struct arena_block *b = r->arena;
	size_t align = sizeof(max_align_t);
	void *p;

	n = (n + align - 1) / align * align;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > 16384 ? n : 16384;

		b = xmalloc(sizeof *b + cap);
		b->cap = cap;
		b->used = 0;
		b->next = r->arena;
		r->arena = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

void *
req_alloc(struct req *r, size_t n)
{
	return memset(req_alloc_raw(r, n), 0, n);
}

char *
req_strdup(struct req *r, const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(req_alloc(r, n), s, n);
}

char *
req_printf(struct req *r, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = req_alloc(r, (size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

void
req_free(struct req *r)
{
	struct arena_block *b;

	if (r->owned_data) {
		popstat__bulletin_data__free_unpacked(r->owned_data, NULL);
		r->owned_data = NULL;
	}
	while ((b = r->arena) != NULL) {
		r->arena = b->next;
		free(b);
	}
}

int
req_error(struct req *r, Popstat__ErrorCode code, const char *fmt, ...)
{
	Popstat__Error *e = req_alloc(r, sizeof *e);
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Messages quote request text, maybe cut mid-character. */
	utf8_scrub(msg);
	popstat__error__init(e);
	e->code = code;
	e->message = req_strdup(r, msg);
	r->resp.body_case = POPSTAT__RESPONSE__BODY_ERROR;
	r->resp.error = e;
	return -1;
}

void
req_ack(struct req *r, const char *message)
{
	Popstat__Ack *a = req_alloc(r, sizeof *a);

	popstat__ack__init(a);
	if (message)
		a->message = req_strdup(r, message);
	r->resp.body_case = POPSTAT__RESPONSE__BODY_ACK;
	r->resp.ack = a;
}
