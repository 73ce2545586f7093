/*
 * depts.h - departments (部门), held in memory like the unit tree.
 */
#ifndef POPSTAT_DEPTS_H
#define POPSTAT_DEPTS_H

#include <stdint.h>

struct dept {
	int64_t id;
	char *code, *name;
};

int depts_load(void);
void depts_free(void);
int depts_count(void);
const struct dept *dept_at(int i);
int dept_find(const char *code); /* index or -1 */
int dept_by_id(int64_t id);      /* index or -1 */
int depts_add(int64_t id, const char *code, const char *name);

#endif
