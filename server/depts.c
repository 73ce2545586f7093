/*
 * depts.c - the department list.  Small (a county has a few dozen), so a
 * linear search is the simple, obviously correct choice.
 */
#include "depts.h"

#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "store.h"

static struct dept *depts;
static int ndepts, capdepts;

int
depts_count(void)
{
	return ndepts;
}

const struct dept *
dept_at(int i)
{
	return i >= 0 && i < ndepts ? &depts[i] : NULL;
}

int
dept_find(const char *code)
{
	int i;

	for (i = 0; i < ndepts; i++)
		if (strcmp(depts[i].code, code) == 0)
			return i;
	return -1;
}

int
dept_by_id(int64_t id)
{
	int i;

	for (i = 0; i < ndepts; i++)
		if (depts[i].id == id)
			return i;
	return -1;
}

int
depts_add(int64_t id, const char *code, const char *name)
{
	if (ndepts == capdepts) {
		capdepts = capdepts ? capdepts * 2 : 16;
		depts = xrealloc(depts, (size_t)capdepts * sizeof *depts);
	}
	depts[ndepts].id = id;
	depts[ndepts].code = xstrdup(code);
	depts[ndepts].name = xstrdup(name);
	return ndepts++;
}

static void
load_one(int64_t id, const char *code, const char *name, void *arg)
{
	(void)arg;
	depts_add(id, code, name);
}

int
depts_load(void)
{
	depts_free();
	return store_depts_load(load_one, NULL);
}

void
depts_free(void)
{
	int i;

	for (i = 0; i < ndepts; i++) {
		free(depts[i].code);
		free(depts[i].name);
	}
	free(depts);
	depts = NULL;
	ndepts = capdepts = 0;
}
