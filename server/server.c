/*
 * server.c - the server-wide state, srv (settings, event loop, shutdown),
 * and what is computed from it alone: today's date and a period bounded by
 * --max-period-days.  It imports nothing of the server's, so that every
 * file may import it without a circle.
 */
#include "date.h"
#include "period.h"
#include "popstatd.h"
#include "sbuf.h"

struct server srv;

int32_t
server_today(void)
{
	return srv.today_fixed ? srv.today_fixed : date_today();
}

int
server_period_parse(const char *spec, int32_t today, struct period *p,
    char *err, size_t errlen)
{
	if (period_parse(spec, today, p, err, errlen) < 0)
		return -1;
	if (period_days(p) > srv.set.max_period_days) {
		xsnprintf(err, errlen,
		    "period '%.40s' is %d days long; at most"
		    " %ld days (--max-period-days) may be asked for at once",
		    spec, period_days(p), srv.set.max_period_days);
		return -1;
	}
	return 0;
}
