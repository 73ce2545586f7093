#!/usr/bin/env bash
# Tasks and locks by scope (doc/rules.md §10): a clerk lists the tasks
# of its subtree and the locks that concern it; a bulletin's and an
# inspection's overdue tasks are those of its parent's subtree; the
# dashboard's list of bulletins is refused outside a clerk's circulation.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
need_curl
HPORT=$(free_port)
start_server --http 127.0.0.1:"$HPORT"
H=http://127.0.0.1:$HPORT
expect_rc 0 "county C" "$PS" unit add C 县C
expect_rc 0 "township C1" "$PS" unit add C1 镇C1 --parent C
expect_rc 0 "township C2" "$PS" unit add C2 镇C2 --parent C
expect_rc 0 "county D2" "$PS" unit add D2 县D2
expect_rc 0 "township D21" "$PS" unit add D21 镇D21 --parent D2
expect_rc 0 "a department" "$PS" dept add CZJ 财政局
CLERK=$("$PS" user add clerk1 --role clerk --unit C1)
expect_rc 0 "task of C1" "$PS" task add --title TASK-OF-C1 --owner C1 --due 2026-10-20
expect_rc 0 "task of C2" "$PS" task add --title TASK-OF-C2 --owner C2 --due 2026-10-20
expect_rc 0 "task of D21" "$PS" task add --title TASK-OF-D21 --owner D21 --due 2026-10-20
expect_rc 0 "task of the department" "$PS" task add --title TASK-OF-CZJ --owner CZJ --due 2026-10-20
expect_rc 0 "lock on C1" "$PS" approve --unit C1 --period 2026Q1
expect_rc 0 "lock on C" "$PS" approve --unit C --period 2026Q2
expect_rc 0 "lock on D21" "$PS" approve --unit D21 --period 2026Q1
expect_rc 0 "lock on C2" "$PS" approve --unit C2 --period 2026Q3

# ------------------------------------------------------------- task list
expect_rc 0 "clerk: task list" "$PS" --token "$CLERK" task list --json
expect_eq "$(json '",".join(sorted(t["title"] for t in j))')" TASK-OF-C1 "a clerk lists its own subtree's tasks only"
expect_rc 3 "clerk: another county's owner refused" "$PS" --token "$CLERK" task list --owner D21
expect_err "outside your scope" "the refusal says why"
expect_rc 0 "admin: task list" "$PS" task list --json
expect_eq "$(json 'len(j)')" 4 "the admin lists every task"

# ------------------------------------------------------------- lock list
locks() { printf '%s\n' "$OUT" | awk 'NR > 1 { print $1 }' | sort | paste -sd, -; }
expect_rc 0 "clerk: lock list" "$PS" --token "$CLERK" lock list
expect_eq "$(locks)" C,C1 "a clerk sees the locks on its unit and above it"
expect_rc 3 "clerk: lock list of another county refused" "$PS" --token "$CLERK" lock list --unit D21
expect_rc 0 "admin: lock list" "$PS" lock list
expect_eq "$(locks)" C,C1,C2,D21 "the admin sees every lock"

# ----------------------------------------------- overdue tasks by parent
expect_rc 0 "bulletin of D2" "$PS" bulletin --period 2026-10 --parent D2 --lang en
expect_out TASK-OF-D21 "D2's bulletin lists D2's overdue task"
expect_no_out TASK-OF-C1 "D2's bulletin lists no task of county C"
# Departments hang under no unit: their tasks go with every top-level
# unit's bulletin and inspection.
expect_out TASK-OF-CZJ "the department's task under a top-level unit"
expect_rc 0 "bulletin of C" "$PS" bulletin --period 2026-10 --parent C --lang en
expect_out TASK-OF-C1 "C's bulletin lists C1's task"
expect_no_out TASK-OF-D21 "C's bulletin lists no task of D2"
expect_rc 0 "inspection of D2" "$PS" inspection --period 2026-11D1 --parent D2 --json
expect_eq "$(json '",".join(sorted(t["title"] for t in j["overdue"]))')" TASK-OF-CZJ,TASK-OF-D21 "D2's inspection: its own overdue tasks (and the departments') only"
expect_rc 0 "inspection of C" "$PS" inspection --period 2026-11D1 --parent C --json
expect_eq "$(json '",".join(sorted(t["title"] for t in j["overdue"]))')" TASK-OF-C1,TASK-OF-C2,TASK-OF-CZJ "C's inspection: C's townships' tasks"
expect_rc 0 "inspection of the township C1" "$PS" inspection --period 2026-11D1 --parent C1 --json
expect_eq "$(json '",".join(sorted(t["title"] for t in j["overdue"]))')" TASK-OF-C1 "a township's inspection: its own task, no department's"

# ------------------------------------------------------ /bulletins?parent=
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 -H "Authorization: Bearer $CLERK" "$H$1"; }
expect_eq "$(code '/bulletins?parent=D2')" 403 "a clerk of C1: /bulletins of county D2 refused"
expect_eq "$(code '/bulletins?parent=D21')" 403 "nor of a township of D2"
expect_eq "$(code '/bulletins?parent=C')" 200 "its own county's bulletins are circulated to it"
expect_eq "$(code '/bulletins?parent=C1')" 200 "and its own"
finish
