/*
 * supervision.h - pieces of the supervision requests shared with the
 * bulletin.
 */
#ifndef POPSTAT_SUPERVISION_H
#define POPSTAT_SUPERVISION_H

#include "engine.h"
#include "period.h"
#include "popstatd.h"

int supervision_reporting(struct req *r, int u, const period *p, int32_t as_of,
    int with_dekads, Popstat__UnitReporting **out);
int supervision_tasks(struct req *r, int32_t as_of, int overdue_only,
    const char *owner, int scope, Popstat__Task ***v, size_t *n);
int supervision_failing(struct req *r, const struct unit_eval *ev,
    Popstat__IndicatorJudgement ***v, size_t *n, int only_missed);

#endif
