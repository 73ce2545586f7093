/*
 * scope.c - what a principal may read, and the refusal when it may not:
 * the rule of common/scope.h applied to the unit tree, for every read
 * handler (and so for the dashboard, which calls them).
 */
#include <string.h>

#include "popstatd.h"
#include "scope.h"
#include "units.h"

#define FORBIDDEN POPSTAT__ERROR_CODE__ERR_FORBIDDEN

static int
parent_of(int u, void *arg)
{
	(void)arg;
	return u >= 0 && u < units_count() ? unit_at(u)->parent : -1;
}

static enum scope_reader
reader_of(const struct principal *who)
{
	switch (who->role) {
	case ROLE_ADMIN:
	case ROLE_INSPECTOR: return SCOPE_READER_ALL;
	case ROLE_DEPARTMENT:
	case ROLE_VIEWER: return SCOPE_READER_AGGREGATE;
	case ROLE_CLERK:
		return who->unit >= 0 ? SCOPE_READER_UNIT : SCOPE_READER_NONE;
	default: return SCOPE_READER_NONE;
	}
}

int
scope_may_read(const struct principal *who, int unit, enum scope_level level)
{
	if (unit < 0 || unit >= units_count())
		return 0;
	return scope_rule(reader_of(who), who->unit, unit, level, parent_of,
	    NULL, units_count());
}

int
scope_refuse(struct req *r, int unit, enum scope_level level)
{
	const struct principal *who = r->who;
	const char *code = unit >= 0 && unit < units_count() ?
	    unit_at(unit)->code :
	    "?",
		   *home;

	/* Only record-level data is out of an aggregate reader's reach. */
	if (who->role != ROLE_CLERK)
		return req_error(r, FORBIDDEN,
		    "unit %s: record-level data is"
		    " not for role %s",
		    code, role_name(who->role));
	if (who->unit < 0)
		return req_error(r, FORBIDDEN,
		    "unit %s is outside your scope:"
		    " a clerk without a unit reads nothing",
		    code);
	home = unit_at(who->unit)->code;
	switch (level) {
	case SCOPE_RECORD:
		return req_error(r, FORBIDDEN,
		    "unit %s is outside your scope"
		    " (%s): record-level data (record ids, verification lists,"
		    " the audit log) only of %s and the units below it",
		    code, home, home);
	case SCOPE_BELOW:
		return req_error(r, FORBIDDEN,
		    "unit %s is outside your scope"
		    " (%s): tasks, locks and inspection summaries only of %s"
		    " and the units below it",
		    code, home, home);
	case SCOPE_STATUS:
		return req_error(r, FORBIDDEN,
		    "unit %s is outside your scope"
		    " (%s): you read the status of %s, the units below it, the"
		    " units above it and the units their rankings list",
		    code, home, home);
	case SCOPE_RANKING: break;
	}
	return req_error(r, FORBIDDEN,
	    "unit %s is outside your scope (%s):"
	    " you read the rankings, bulletins and reporting of %s, the units"
	    " below it and the units above it",
	    code, home, home);
}

int
scope_unit(struct req *r, const char *code, enum scope_level level)
{
	int u = unit_find(code);

	if (u < 0)
		return req_error(r, POPSTAT__ERROR_CODE__ERR_NOT_FOUND,
		    "unit %.40s does not exist", code);
	if (!scope_may_read(r->who, u, level))
		return scope_refuse(r, u, level);
	return u;
}

/* The unit a request about the units under one is about (popstatd.h). */
int
scope_parent_at(struct req *r, const char *code, enum scope_level level)
{
	int i, root = -1, nroots = 0;

	if (code && *code)
		return scope_unit(r, code, level);
	if (r->who->role == ROLE_CLERK)
		return r->who->unit >= 0 ? r->who->unit :
					   scope_refuse(r, -1, level);
	for (i = 0; i < units_count(); i++)
		if (unit_at(i)->parent < 0 && !unit_at(i)->deleted) {
			root = i;
			nroots++;
		}
	if (nroots != 1)
		return req_error(r, POPSTAT__ERROR_CODE__ERR_BAD_REQUEST,
		    nroots ? "several top-level units: say which with --parent"
			     " CODE" :
			     "no units yet");
	return root;
}

int
scope_parent(struct req *r, const char *code)
{
	return scope_parent_at(r, code, SCOPE_RANKING);
}
