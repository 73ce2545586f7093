/*
 * warning.h - early warning and data quality (doc/indicators.md §15),
 * shared by their requests, the bulletin, the inspection summary and the
 * dashboard.
 */
#ifndef POPSTAT_WARNING_H
#define POPSTAT_WARNING_H

#include <stdint.h>

#include "period.h"
#include "popstatd.h"

/*
 * The warning of year y for the children of unit u, counted up to as_of
 * (clamped to the year's last day).  Reads only the in-memory counters.
 * Returns 0, or -1 with the error reply set.
 */
int warning_build(struct req *r, int u, int year, int32_t as_of,
    Popstat__WarningOk **out);

/* The warning row of unit u itself (the dashboard's unit page). */
int warning_one(struct req *r, int u, int year, int32_t as_of,
    Popstat__WarningRow **out);

/*
 * The data-quality flags of the children of unit u over p.  Record ids of
 * possible double registrations are listed only when ids is nonzero and
 * the caller has record-level access to both units.  Returns 0, or -1
 * with the error reply set.
 */
int quality_build(struct req *r, int u, const period *p, int ids,
    Popstat__QualityOk **out);

#endif
