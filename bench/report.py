#!/usr/bin/env python3
"""bench/report.py - turn bench/run.sh's results.jsonl into the table.

usage: report.py RESULTS.jsonl OUT.md SCALE MID INGEST CLIENTS IDLE UNITS

Prints the table on stdout and writes OUT.md (machine, date, durability,
how every figure was measured and how each state was prepared).
"""
import json
import sys

jsonl, out_path = sys.argv[1], sys.argv[2]
N, MID, INGEST, CLIENTS, IDLE, UNITS = (int(x) for x in sys.argv[3:9])

R = {}
for line in open(jsonl):
    line = line.strip()
    if line:
        d = json.loads(line)
        R[d["key"]] = d["r"]


def human(n):
    for div, suf in ((1000000, "M"), (1000, "k")):
        if n >= div and n % (div // 10 or 1) == 0:
            v = n / div
            return ("%g" % v) + suf
    return str(n)


def g(key, field, default=None):
    return R.get(key, {}).get(field, default)


def ms(v):
    if v is None:
        return "n/a"
    if v >= 100:
        return "%.0f ms" % v
    if v >= 1:
        return "%.2f ms" % v
    return "%.3f ms" % v


def rate(v):
    return "n/a" if v is None else "{:,.0f} rec/s".format(v)


def mib(kib):
    return "n/a" if kib is None else "%.1f MiB" % (kib / 1024.0)


def median(xs):
    xs = sorted(xs)
    h = len(xs) // 2
    return xs[h] if len(xs) % 2 else (xs[h - 1] + xs[h]) / 2


def ratio(a, b):
    if a is None or b in (None, 0):
        return None
    return a / b


def info_ratio(label, v, base):
    """An info row under a target: v / base, when both are known."""
    x = ratio(v, base)
    if x:
        targets.append((label, "%.1fx (%s / %s)" % (x, ms(v), ms(base)), "-", "info"))


S, M = human(N), human(MID)
rows = []      # (measurement, value, detail)
targets = []   # (target, measured, limit, PASS/FAIL)


def verdict(ok):
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


# -- ingest ------------------------------------------------------------------------
ie, be = g("ingest_empty", "records_per_s"), g("baseline_empty", "records_per_s")
ib, bb = g("ingest_big", "records_per_s"), g("baseline_big", "records_per_s")
re_, rb = ratio(ie, be), ratio(ib, bb)


def ingest_detail(key):
    r = R.get(key, {})
    cpu = r.get("server_cpu_s")
    acc = r.get("accepted", 0)
    s = "%s connections x batches of %s, ack p50 %s p99 %s; server CPU %.1f s" % (
        r.get("conns"), r.get("batch"), ms(r.get("p50_ms")), ms(r.get("p99_ms")),
        cpu or 0)
    if cpu:
        s += " (%s per server CPU-second)" % "{:,.0f}".format(acc / cpu)
    if r.get("rejected") or r.get("errors") or r.get("duplicate"):
        s += "; REJECTED %s, ERRORS %s, DUPLICATE %s" % (
            r.get("rejected"), r.get("errors"), r.get("duplicate"))
    return s


def base_detail(key):
    r = R.get(key, {})
    cpu = r.get("cpu_s")
    s = "naive schema, 1000 rows/txn, synchronous=FULL, WAL; table held %s rows" % (
        "{:,}".format(r.get("rows_before", 0)))
    if cpu:
        s += "; CPU %.1f s (%s per CPU-second)" % (
            cpu, "{:,.0f}".format(r.get("records", 0) / cpu))
    return s


rows.append(("ingest, empty database: popstatd (%s records, db grows 0 -> %s)" % (
    human(INGEST), human(INGEST)),
             rate(ie), ingest_detail("ingest_empty")))
rows.append(("ingest, empty database: naive baseline", rate(be), base_detail("baseline_empty")))
rows.append(("ingest, empty database: ratio", "%.2fx" % re_ if re_ else "n/a", "target >= 0.6x"))

def per_cpu(kl, kb):
    a, b = R.get(kl, {}), R.get(kb, {})
    if not a.get("server_cpu_s") or not b.get("cpu_s"):
        return None
    return (a["accepted"] / a["server_cpu_s"]) / (b["records"] / b["cpu_s"])


x = per_cpu("ingest_empty", "baseline_empty")
rows.append(("ingest, empty database: ratio per CPU-second", "%.2fx" % x if x else "n/a",
             "records per server CPU-second / records per baseline CPU-second (less"
             " sensitive to other jobs on the machine; no target)"))
rows.append(("ingest at %s records: popstatd (%s more)" % (S, human(INGEST)),
             rate(ib), ingest_detail("ingest_big")))
rows.append(("ingest at %s records: naive baseline" % S, rate(bb), base_detail("baseline_big")))
rows.append(("ingest at %s records: ratio" % S, "%.2fx" % rb if rb else "n/a", "target >= 2x"))
x = per_cpu("ingest_big", "baseline_big")
rows.append(("ingest at %s records: ratio per CPU-second" % S, "%.2fx" % x if x else "n/a",
             "as above; no target"))
targets.append(("ingest, empty db >= 0.6x naive", "%.2fx" % re_ if re_ else "n/a", ">= 0.6x",
                verdict(None if re_ is None else re_ >= 0.6)))
targets.append(("ingest at %s >= 2x naive" % S, "%.2fx" % rb if rb else "n/a", ">= 2x",
                verdict(None if rb is None else rb >= 2.0)))

# -- acknowledgement latency -----------------------------------------------------------
a = R.get("acklat_mid", {})
pm = g("ping_mid", "p50_ms")
rows.append(("ack latency, 1-record submits, 16 clients (at %s)" % M,
             "p50 %s, p99 %s" % (ms(a.get("p50_ms")), ms(a.get("p99_ms"))),
             "%s submits, closed loop; p90 %s, max %s, %s acks/s" % (
                 a.get("n"), ms(a.get("p90_ms")), ms(a.get("max_ms")),
                 "{:,.0f}".format(a.get("records_per_s", 0)))))
p16 = R.get("ping16_mid", {})
rows.append(("Ping from 16 connections, closed loop (the ack run's load, no work)",
             "p50 %s, p99 %s" % (ms(p16.get("p50_ms")), ms(p16.get("p99_ms"))),
             "%s Pings, each connection sending its next as soon as the reply is in;"
             " %s replies/s" % (p16.get("n"), "{:,.0f}".format(p16.get("requests_per_s", 0)))))
ap = R.get("acklat_mid_paced", {})
rows.append(("ack latency, the same 16 clients paced at %g submits/s each (open loop)" % (
                 ap.get("rate") or 0),
             "p50 %s, p99 %s" % (ms(ap.get("p50_ms")), ms(ap.get("p99_ms"))),
             "%s submits, each due at a fixed time and timed from then (no coordinated"
             " omission); p90 %s, max %s, %s acks/s" % (
                 ap.get("n"), ms(ap.get("p90_ms")), ms(ap.get("max_ms")),
                 "{:,.0f}".format(ap.get("records_per_s", 0)))))
fp = R.get("fsync_probe", {})
rows.append(("disk floor: 4 KiB write + fdatasync (in the bench directory)",
             "p50 %s, p99 %s" % (ms(fp.get("p50_ms")), ms(fp.get("p99_ms"))),
             "%s syncs right after the ack-latency run (bench/fsyncprobe.c); one such"
             " sync is the least a durable group commit costs" % fp.get("n")))
fg = R.get("fsync_probe_group", {})
rows.append(("disk floor: 128 KiB write + fdatasync",
             "p50 %s, p99 %s" % (ms(fg.get("p50_ms")), ms(fg.get("p99_ms"))),
             "%s syncs; about what one group commit of the ack-latency run writes (~30"
             " WAL pages of 4 KiB for ~16 one-record requests: each record dirties its"
             " township's record, mother-index and counter pages)" % fg.get("n")))
an = R.get("acklat_mid_normal", {})
rows.append(("ack latency as above, --durability normal (for comparison; not the default)",
             "p50 %s, p99 %s" % (ms(an.get("p50_ms")), ms(an.get("p99_ms"))),
             "same workload, stream 3, server restarted with --durability normal"
             " (WAL synchronous=NORMAL: no sync per commit); ping p50 %s there" % ms(
                 g("ping_mid_normal", "p50_ms"))))
ff = R.get("ackfloor_sync", {})
ffs = R.get("ackfloor_sync_syncs", {})
rows.append(("floor: the same 16 clients against a server that only journals each Submit"
             " and fdatasyncs it",
             "p50 %s, p99 %s" % (ms(ff.get("p50_ms")), ms(ff.get("p99_ms"))),
             "bench/ackfloor.c: no validation, no database; %s submits, %s acks/s; its"
             " %s syncs p50 %s, p99 %s, max %s" % (
                 ff.get("n"), "{:,.0f}".format(ff.get("records_per_s", 0)),
                 ffs.get("syncs"), ms(ffs.get("sync_p50_ms")), ms(ffs.get("sync_p99_ms")),
                 ms(ffs.get("sync_max_ms")))))
fn = R.get("ackfloor_nosync", {})
rows.append(("floor without the sync: the same server, nothing synced (not durable)",
             "p50 %s, p99 %s" % (ms(fn.get("p50_ms")), ms(fn.get("p99_ms"))),
             "%s submits, %s acks/s" % (fn.get("n"),
                                        "{:,.0f}".format(fn.get("records_per_s", 0)))))
# Issue 24: the ack against its floor (bench/ackfloor.c with its sync),
# measured in the same run; the ratio to a ping is shown for reference.
for pct, lim in (("p99", 1.25), ("p50", 1.5)):
    k = pct + "_ms"
    ra = ratio(a.get(k), ff.get(k))
    targets.append(("ack %s (16 clients, 1 record) <= %gx the durable floor's" % (pct, lim),
                    "%.2fx (%s / %s)" % (ra, ms(a.get(k)), ms(ff.get(k))) if ra else "n/a",
                    "<= %gx" % lim, verdict(None if ra is None else ra <= lim)))
info_ratio("  (ack p99 against the single-connection ping p50)", a.get("p99_ms"), pm)
info_ratio("  (Pings from the same 16 closed-loop clients: p99, no work at all)",
           p16.get("p99_ms"), pm)
info_ratio("  (the disk's fdatasync p99 alone, for reference)", fp.get("p99_ms"), pm)
info_ratio("  (fdatasync p99 of a group commit's 128 KiB)", fg.get("p99_ms"), pm)
info_ratio("  (floor: a server doing nothing but journal + fdatasync: p99)",
           ff.get("p99_ms"), pm)
info_ratio("  (the same floor without the fdatasync, not durable: p99)",
           fn.get("p99_ms"), pm)

# -- trivial request, status, ranking ---------------------------------------------------
for key, label in (("ping_empty", "empty"), ("ping_mid", M), ("ping_big", S)):
    r = R.get(key, {})
    rows.append(("ping round trip (Hello'd, 1 connection), %s" % label,
                 "p50 %s" % ms(r.get("p50_ms")),
                 "p99 %s, %s requests" % (ms(r.get("p99_ms")), r.get("n"))))
for kind in ("status", "ranking"):
    for key, label in (("%s_mid" % kind, M), ("%s_big" % kind, S)):
        what = ("status of the county (sum of its %d townships), year" % UNITS
                if kind == "status" else "ranking of %d townships, year" % UNITS)
        for k, how in ((key, "repeated: the kept reply"),
                       (key + "_fresh", "computed: each request new to the reply cache"
                        if kind == "status" else
                        "computed: every township evaluated (--cold: a period new"
                        " to the reply cache and the row cache)")):
            r = R.get(k, {})
            rows.append(("%s, %s records, %s" % (what, label, how),
                         "p50 %s" % ms(r.get("p50_ms")),
                         "p99 %s, first %s, %s measured; reply %s bytes%s" % (
                             ms(r.get("p99_ms")), ms(r.get("first_ms")), r.get("n"),
                             "{:,}".format(r.get("reply_bytes") or 0),
                             "; Pings alongside p50 %s" % ms(r.get("ping_p50_ms"))
                             if r.get("ping_p50_ms") else "")))
pb = g("ping_big", "p50_ms")
for lab, k, pv in ((M, "ranking_mid", pm), (S, "ranking_big", pb)):
    rv, fv = g(k, "p50_ms"), g(k + "_fresh", "p50_ms")
    # The Pings measured in blocks alongside the repeated query
    # (--ping-every); the computed run has none of its own (see queries()
    # in run.sh) and is compared with the same Pings.
    rp = g(k, "ping_p50_ms")
    x = ratio(rv, rp)
    targets.append(("ranking at %s <= 3x ping p50 (repeated query)" % lab,
                    "%.1fx (%s / %s)" % (x, ms(rv), ms(rp)) if x else "n/a", "<= 3x",
                    verdict(None if x is None else x <= 3)))
    # Issue 24's computed ranking is the one after a commit (below): the
    # row cache keeps the townships the commit did not touch.  Every
    # township evaluated (a period nobody asked for yet) is shown beside.
    info_ratio("  (ranking at %s with every township evaluated, against the same Pings)" % lab,
               fv, rp)
    info_ratio("  the same against the separate ping phase", rv, pv)
# §15: a warning of every township costs about what a computed ranking
# costs (one evaluation per township each, plus a headroom search and a
# Poisson tail per target); same run, phases back to back.
for lab, k in ((M, "mid"), (S, "big")):
    w = R.get("warning_" + k, {})
    rows.append(("early warning of %d townships (headroom and risk), %s records" % (UNITS, lab),
                 "p50 %s" % ms(w.get("p50_ms")),
                 "p99 %s, %s measured; reply %s bytes" % (
                     ms(w.get("p99_ms")), w.get("n"), "{:,}".format(w.get("reply_bytes") or 0))))
    x = ratio(w.get("p50_ms"), g("ranking_%s_fresh" % k, "p50_ms"))
    targets.append(("warning at %s about a computed ranking (<= 2x, same run)" % lab,
                    "%.2fx (%s / %s)" % (x, ms(w.get("p50_ms")), ms(g("ranking_%s_fresh" % k, "p50_ms")))
                    if x else "n/a", "<= 2x", verdict(None if x is None else x <= 2)))
    # The data-quality checks (never kept: always computed) of the same
    # townships cost about what a computed ranking costs: one pass over
    # the townships' counters, double registrations read from the pairs
    # kept as births are stored.
    q = R.get("quality_" + k, {})
    rf = g("ranking_%s_fresh" % k, "p50_ms")
    rows.append(("data quality of %d townships (four checks), %s records" % (UNITS, lab),
                 "p50 %s" % ms(q.get("p50_ms")),
                 "p99 %s, %s measured; reply %s bytes" % (
                     ms(q.get("p99_ms")), q.get("n"), "{:,}".format(q.get("reply_bytes") or 0))))
    x = ratio(q.get("p50_ms"), rf)
    targets.append(("quality at %s about a computed ranking (<= 1.5x, same run)" % lab,
                    "%.2fx (%s / %s)" % (x, ms(q.get("p50_ms")), ms(rf)) if x else "n/a",
                    "<= 1.5x", verdict(None if x is None else x <= 1.5)))
# A ranking computed after a real commit (run.sh: before each, one new
# birth of the queried year, submitted by the clerk and acknowledged, not
# timed), against the Pings measured in blocks alongside it in the same
# run (--ping-every 100).
for lab, k in ((M, "mid"), (S, "big")):
    c = R.get("ranking_%s_commit" % k, {})
    rows.append(("ranking of %d townships, year, %s records, computed after a commit"
                 " (one new birth before each)" % (UNITS, lab),
                 "p50 %s" % ms(c.get("p50_ms")),
                 "p99 %s, %s measured after %s commits; Pings alongside p50 %s" % (
                     ms(c.get("p99_ms")), c.get("n"), c.get("commits"),
                     ms(c.get("ping_p50_ms")))))
    x = ratio(c.get("p50_ms"), c.get("ping_p50_ms"))
    targets.append(("ranking at %s after a commit <= 10x ping alongside" % lab,
                    "%.1fx (%s / %s)" % (x, ms(c.get("p50_ms")), ms(c.get("ping_p50_ms")))
                    if x else "n/a", "<= 10x", verdict(None if x is None else x <= 10)))
    info_ratio("  the same against the computed ranking with no commit between",
               c.get("p50_ms"), g("ranking_%s_fresh" % k, "p50_ms"))
# Growth side by side (run.sh): rounds of computed rankings on the two
# states in turn; each round's ratio of p50s, the median of the rounds judged.
rounds = []
r = 1
while "growth_big_%d" % r in R:
    x = ratio(g("growth_big_%d" % r, "p50_ms"), g("growth_mid_%d" % r, "p50_ms"))
    if x is not None:
        rounds.append((x, g("growth_mid_%d" % r, "p50_ms"), g("growth_big_%d" % r, "p50_ms")))
    r += 1
gm = None
if rounds:
    gm = median([x for x, _, _ in rounds])
    rows.append(("ranking computed, %s and %s side by side (%d rounds of %s each, in turn)" % (
                     M, S, len(rounds), g("growth_big_1", "n")),
                 "p50 %s / %s" % (ms(median([m for _, m, _ in rounds])),
                                  ms(median([b for _, _, b in rounds]))),
                 "medians of the rounds' p50s at %s / at %s; per-round ratios %s" % (
                     M, S, " ".join("%.2f" % x for x, _, _ in rounds))))
targets.append(("ranking growth %s -> %s <= 1.5x (computed, side by side)" % (M, S),
                "%.2fx (median of %d rounds)" % (gm, len(rounds)) if gm else "n/a", "<= 1.5x",
                verdict(None if gm is None else gm <= 1.5)))
gr = ratio(g("ranking_big_fresh", "p50_ms"), g("ranking_mid_fresh", "p50_ms"))
gk = ratio(g("ranking_big", "p50_ms"), g("ranking_mid", "p50_ms"))
targets.append(("  ranking growth, computed, phases minutes apart, for reference",
                "%.2fx" % gr if gr else "n/a", "-", "info"))
targets.append(("  ranking growth, repeated query, for reference", "%.2fx" % gk if gk else "n/a",
                "-", "info"))

# -- memory -----------------------------------------------------------------------------
e0 = g("rss_empty_start", "vmrss_kib")
b0 = g("rss_big_start", "vmrss_kib")
idl = R.get("idle_big", {})
rows.append(("server RSS at start, empty database", mib(e0), "VmRSS after the first Ping"))
rows.append(("server RSS at start, %s records" % S, mib(b0), "VmRSS after the first Ping"))
rows.append(("server with %s records + %s idle connections" % (S, "{:,}".format(IDLE)),
             "VmHWM %s" % mib(idl.get("server_vmhwm_kib")),
             "VmRSS %s; %s/%s connections open (Hello'd, then silent), opened in %.1f s" % (
                 mib(idl.get("server_vmrss_kib")), idl.get("open"), idl.get("conns"),
                 idl.get("open_seconds") or 0)))
for key, label in (("server_mid", "peak RSS over the %s-record server life (empty ingest, fill, queries)" % M),
                   ("server_big", "peak RSS over the %s-record server life (idle, queries, ingest)" % S)):
    rows.append((label, "VmHWM %s" % mib(g(key, "vmhwm_kib")), "server CPU %.0f s" % (g(key, "cpu_s") or 0)))
hw = idl.get("server_vmhwm_kib")
dm = None if hw is None or e0 is None else (hw - e0) / 1024.0
targets.append(("%s idle conns: RSS < empty-start + 64 MiB" % "{:,}".format(IDLE),
                "+%.1f MiB (VmHWM %s, empty start %s)" % (dm, mib(hw), mib(e0)) if dm is not None else "n/a",
                "< 64 MiB", verdict(None if dm is None or idl.get("open") != IDLE else dm < 64)))

# -- start-up ---------------------------------------------------------------------------
for key, label in (("startup_empty", "empty database"), ("startup_big", "%s records" % S)):
    r = R.get(key, {})
    rows.append(("start-up time, %s" % label, ms(r.get("ms")),
                 "exec -> port accepts %s -> Hello + Ping answered" % ms(r.get("accept_ms"))))

# -- preparation --------------------------------------------------------------------------
fm = R.get("fill_mid")
if fm:
    rows.append(("(prep) fill %s -> %s through popstatd" % (human(INGEST), M), rate(fm.get("records_per_s")),
                 "4 connections x Submit batches of 10000; server CPU %.0f s" % (fm.get("server_cpu_s") or 0)))
pl = R.get("preload_big", {})
rows.append(("(prep) preload %s -> %s into popstatd's file" % (M, S), rate(pl.get("records_per_s")),
             "bench/preload.c, server stopped, in parallel with the naive prep"))
npp = R.get("naive_prep", {})
rows.append(("(prep) naive table %s -> %s" % (human(INGEST), S), rate(npp.get("records_per_s")),
             "baseline, synchronous=OFF, 200000 rows/txn, 4 GiB cache"))
fb = R.get("files_big", {})
if fb:
    rows.append(("database files at %s records" % S, "%.2f GiB popstatd" % (fb["server_db_bytes"] / 2**30),
                 "naive table %.2f GiB" % (fb["naive_db_bytes"] / 2**30)))


def table(headers, body):
    w = [max(len(str(r[i])) for r in [headers] + body) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w[i]) for i, c in enumerate(r)) + " |"
    sep = "|" + "|".join("-" * (x + 2) for x in w) + "|"
    return "\n".join([line(headers), sep] + [line(r) for r in body])


t_main = table(("measurement", "value", "how / detail"), rows)
t_tgt = table(("target (ratios within this run)", "measured", "limit", "result"), targets)
print()
print(t_tgt)
print()
print(t_main)
print()

m = R.get("machine", {})
end = R.get("end", {})
npass = sum(1 for t in targets if t[3] == "PASS")
ntgt = sum(1 for t in targets if t[3] in ("PASS", "FAIL"))
# Figures measured once, for a constant in the code: each regenerated
# RESULTS.md keeps them.
EARLIER = """## Earlier measurements behind constants in the code

Not part of this run: figures measured once, when a constant was chosen, and
kept here rather than in the code's comments.

- **WAL rewind threshold** (`CKPT_REWIND`, server/store_wal.c). 16 clients
  sending one record each, 200k records stored, durability=normal: rewinding
  the WAL at 1000 pages put the p99 acknowledgement at 8-10 ms (3 runs),
  against 2.7-6.8 ms without rewinding (9 runs); each tail copy stalls the
  loop 4-17 ms (three syncs). Rewinding at 8192 pages, as now, the p99 is
  within the noise of not rewinding (3 runs each, alternated: normal
  4.6-5.6 ms against 3.7-6.1, full 5.6-9.5 against 6.9-8.8), with up to 20%
  less server CPU per record; the point is the bounded WAL (a
  durability=normal server's WAL reached 137 MB in tests/e2e/test_wal.sh
  without rewinding).
"""


# Issue 24's profiles and repeated measurements (not part of this run):
# each regenerated RESULTS.md keeps them.
ISSUE24 = """## Issue 24: the ack tail and computed rankings, profiled

Not part of this run; measured on 2026-12-03 on the same 2-core VM while
8 other agents shared it (load average 12-14 throughout: every wall-clock
figure below waited for a CPU).

- **Ack tail against the floor** (`make bench-ack`, bench/ack.sh: 200k
  records, 5 rounds of 4000 single-record Submits from 16 closed-loop
  clients, popstatd and bench/ackfloor alternated, order swapped each
  round; medians of the per-round ratios). One sync thread (before):
  p50 4.47x, p99 2.33x the floor's. Two sync threads, results applied in
  the order begun (server/commit.c, now): p50 5.89x, p99 2.55x. Per-round
  ratios ran from 1.0x to 17x in both, so the load hides any difference
  between the two; neither meets the targets (p99 <= 1.25x, p50 <= 1.5x).
  Again at 13:59 UTC with two threads, load average 4.6-5.5: p50 3.06x,
  p99 2.11x (popstatd p50 2.5-4.1 ms, the floor's 0.7-1.1 ms).
  Two threads remain because ackfloor's own runs were best with two
  (bench/ackfloor.c) and a group committed during a sync no longer waits
  for that sync to end.
- **Where an ack's time goes** (callgrind, `make bench-profile` with
  50k records, 2000 single-record Submits from 16 clients): 245M
  instructions, ~122k per acknowledged record on the event loop: sqlite
  ~62k (the record insert ~22k, the per-day counter upsert ~14.5k, the
  verification match ~10k, the audit line ~9k), the group commit's WAL
  write ~9.7k, protobuf unpack ~10k, validation ~7k, log lines ~5k,
  snprintf formatting ~14k in all. The floor does none of this, so on a
  loaded machine, where each instruction waits for a core, the ratio grows
  with the load; `perf stat` has no hardware counters on this VM (`perf
  stat -e instructions` reports "not supported"), so instruction counts
  come from callgrind only.
- **Computed ranking** (callgrind, the same state, 20 rankings of 1000
  townships each new to the reply cache): 11.8M instructions a ranking
  (h_ranking 9.5M): this year's evaluation (engine_eval) ~3.4M and last
  year's for the 同比 columns (engine_eval_yoy) ~4.2M, of which the
  indicator expressions (expr_eval) ~1.7M and the 2-decimal rounding
  (round2) ~1.5M; protobuf packing of the 63 KB reply ~2M (size, then
  pack); sorting ~0.5M. A computed status of the county: 1.57M. With a
  Ping at ~0.05 ms, 10x is ~0.5 ms: about a seventh of today's work. That
  needs each township's evaluated row kept across requests and only the
  townships a commit touched re-evaluated (per-unit invalidation), which
  needs the written, tested audit of what a row depends on (counters,
  population snapshots, targets, locks, reports, unit moves) that the issue
  asks for; not done. Per-subtree invalidation of the reply cache is not
  done either: every commit still clears the whole reply cache.
"""

md = []
md.append("# popstat benchmark results\n")
md.append("Produced by `make bench%s` (bench/run.sh) on %s; the whole run took %s s.\n" % (
    "" if N == 10000000 else " BENCH_SCALE=%d" % N, m.get("date"), end.get("elapsed_s")))
md.append("## Machine\n")
md.append("- CPU: %s, %s cores (`nproc`)" % (m.get("cpu"), m.get("nproc")))
md.append("- memory: %s GiB; kernel %s; disk %s" % (m.get("mem_gib"), m.get("kernel"), m.get("disk")))
md.append("- sqlite %s (system library); popstatd built with -O2 -g (`make`)" % m.get("sqlite"))
la = m.get("loadavg_start", ["0"])
md.append("- load average at start %s, at end %s (the run's own processes count in the"
          " latter). %s\n" % (" ".join(la), " ".join(end.get("loadavg_end", [])),
          "The 1-minute load average was above 0.5 when the run began (other jobs, or"
          " the decay of ones just ended), so the first figures may be noisy; the"
          " server-CPU-second rates in the detail column are less sensitive to that."
          if float(la[0]) > 0.5 else "The machine was quiet when the run began."))
md.append("## Durability\n")
md.append("popstatd ran with its default settings (no flags besides `--db` and `--listen`,"
          " except the one comparison run marked `--durability normal`):"
          " `--durability full` (sqlite WAL; every acknowledgement only after the WAL"
          " holding its group commit has been `fdatasync()`ed, by popstatd's sync thread,"
          " the guarantee of sqlite's `synchronous=FULL`), `--max-connections 16384`,"
          " `--log-level info`"
          " (server log to a file). The naive baseline uses WAL and `synchronous=FULL` too,"
          " 1000 rows per transaction.\n")
md.append("## Targets (%d of %d pass)\n" % (npass, ntgt))
md.append("Rows marked *info* are not targets: they show the figure next to the one judged.\n")
md.append("The ping p50 of this VM moves between about 0.03 and 0.06 ms from one phase of a run to the next, so a ratio to a ping measured in another phase is at that noise. The ranking ratios are therefore taken against Pings measured alongside the rankings (blocks of 100 rankings and 100 Pings alternating on the same connection; with blocks of 20 the Pings read 5-10% slower than in a phase of their own, with 100 no difference showed); the ratio to the separate ping phase is shown under each. The computed rankings are compared with the same Pings: Pings alongside them read ~0.38 ms: the wake-up of the VM's CPUs, idle during each ~3 ms wait, not popstat's (with two nice-19 busy loops keeping the CPUs from idling, those Pings read 0.07 ms). Plain loopback moves 25 bytes in ~0.023 ms and the 60 KB ranking reply in ~0.07 ms. The acknowledgement ratio is against the separate single-connection ping (its workload, 16 clients writing, cannot be interleaved with one connection's Pings).\n")
md.append(t_tgt + "\n")
md.append("## All figures\n")
md.append(t_main + "\n")
md.append("## How each figure was measured\n")
md.append("""- **Workload.** One county (`610328`) with %(units)d townships under it, each with one
  population snapshot (2023-12-31), added through the server (`loadgen setup`). Records
  are births (`bench/rowgen.h`): a random 16-character text `record_id`, a township,
  a date uniform over 2024-01-01..2026-10-31, sex, birth order, policy and an 18-digit
  `mother_id`. Townships come in runs of 1000 consecutive rows: a township's clerk
  submits that township's records, so each Submit of 1000 is one township's. Every
  township has one run in each round of %(units)d runs (1 million records), in an order
  that changes every round (`bench/rowgen.h`). With townships drawn independently, a
  third of them had no record at 1 million records and none at 10 million, and a
  ranking, which computes less for a township without data, compared different
  workloads at the two sizes. Row *i* is a pure function of *i*, so the server and the baseline
  insert exactly the same rows in the same order. Submissions use a clerk account of the
  county; queries the admin account. Every reply is checked (no rejection, error or
  duplicate is tolerated).
- **Ingest, records/s** (`loadgen ingest`): %(clients)d connections, each sending a
  Submit of 1000 rows, waiting for its acknowledgement (after the group commit), then
  sending the next; records acknowledged / wall time from the first send to the last
  acknowledgement. *Empty database*: the first %(ingest)s records after setup.
  *At %(S)s*: %(ingest)s more records into the %(S)s-record database.
- **Naive baseline** (`bench/baseline`): a bare C program with sqlite, the same rows,
  one rowid table `births` with the text `record_id` UNIQUE and an index on
  (unit, date), per-(unit, day) counters upserted row by row in the same transaction,
  1000 rows per transaction, WAL, `synchronous=FULL`; run right after the server's
  measurement with the server idle or stopped. Ratio = popstatd / baseline.
- **Ack latency** (`loadgen ingest --batch 1 --conns 16`): 8000 single-record Submits
  from 16 connections, each waiting for its acknowledgement before the next (closed
  loop), at the %(M)s-record state; latency from send to acknowledgement. *Pings from
  16 connections*: the same closed loop with Pings (4000), the floor of that load
  pattern on this machine with no work in the requests. *Paced*:
  4000 more from the same 16 connections, each sending 50 a second at fixed times
  (`--rate 50`, libevent's precise timers), latency counted from when a submit was due.
- **Floor** (`bench/ackfloor.c`): the ack-latency workload (8000 Submits, 16
  connections, closed loop) against a server that speaks the protocol and does nothing
  else a real server must: each Submit's rows are appended to a journal, and once a
  loop turn has served what had arrived the turn's appends are written (an overwrite
  of a file of zeros) and handed to two threads that `fdatasync()` it (a batch written
  while one sync runs starts its own in the other; each sync releases every batch
  written before it began); the SubmitOks then go out with `send()` at once. It does
  no other work, so its p99 is about the least a server that syncs before acknowledging
  pays on this machine under this load; the same server without the sync shows what
  the load pattern alone costs (compare the Ping row from 16 connections).
- **Latency** of every request is from sending it until its whole reply frame has
  arrived (before the client decodes it). loadgen decodes and checks the first reply of
  a query run in full and compares every later one with it byte for byte (all must be
  the same reply); decoding a 1000-row ranking takes the client about 0.5 ms, and doing
  it between requests let the idle CPUs sleep and slowed the next round trip, a cost
  that ping, decoded in microseconds, never pays. `decode_ms` in the JSON lines is that
  client cost.
- **Quiet server**: before the ping, status and ranking measurements of a state, the
  script waits until popstatd has used at most 10 ms of CPU in half a second (its
  checkpoint thread writing a bulk load back into the database file would otherwise
  share the 2 cores with the measurement).
- **Trivial request**: Ping on one Hello'd connection, one at a time, 2000 measured
  after one warm-up (the ack-latency target compares with this p50); and, for the
  status and ranking runs, Pings alternating with the queries in blocks of 100 on the
  same connection (`--ping-every 100`), whose p50 the ranking targets compare with.
- **status / ranking**: `StatusQuery` of the county (the sum over its %(units)d
  townships) and `RankingQuery` of its %(units)d townships, period `2025` (a year; the
  database holds almost three years), one at a time on one connection, one unmeasured
  warm-up, then up to 400 (at most 30 s at %(M)s, 60 s at %(S)s). *Repeated*: the same
  request again and again; popstatd answers from its reply cache (common/rcache.h: a
  reply is kept until the next commit). *Computed*: each request carries another
  `as_of` date, which does not change a year's answer but is a new cache key, so every
  reply is computed from the in-memory counters (common/tally.h). The 3x target is
  judged on the repeated query, the growth target on the computed one. *After a
  commit* (`loadgen query --after-commit`): before each ranking one new birth of
  2025 (record `AC<stream>-<k>`, township *k* mod %(units)d) is submitted by the
  county's clerk on a connection of its own and acknowledged (not timed; a
  duplicate would count as an error), so each ranking answers from data a commit
  has just changed; blocks of 100 such rankings alternate with 100 Pings on the
  ranking's connection, whose p50 the 10x target compares with.
- **warning / quality**: the early warning (§15) and the data-quality checks
  (`QualityQuery`) of the county's %(units)d townships for 2025, never kept in the
  reply cache, measured right after the computed rankings they are compared with.
- **Growth, side by side**: measured phase after phase, minutes apart, the same binary
  on the same data read anywhere from 0.5x to 1.7x on this VM, and one server's blocks
  of 100 computed rankings a second apart read 1.6 or 3.4 ms. So after the %(S)s
  state's queries, a second popstatd on a copy of the %(M)s state's database (taken when
  that state's measurements ended) and the %(S)s state's server answer blocks of 20
  computed rankings in turn (3 unmeasured warm-ups each, new `as_of` dates every
  block), 20 rounds, the order swapped every round. Each round gives the ratio of its
  two p50s, taken tens of milliseconds apart; the target is judged on the median of
  the 20 ratios.
- **Memory**: VmRSS / VmHWM from `/proc/PID/status` of popstatd. *Empty start*: just after
  start-up on the freshly initialised database. *Idle connections*: the server restarted
  on the %(S)s-record database and measured for ping, status and ranking, then
  `loadgen idle` opens %(idle)s connections (at most
  200 connecting at once), sends Hello on each, leaves them silent, waits 1 s and reads
  the server's VmRSS and VmHWM; the target compares that VmHWM with the empty-start VmRSS.
- **Start-up time** (`loadgen startup`): from fork+exec of popstatd until a TCP connect
  succeeds (polled every 0.5 ms) and a Hello then a Ping are answered. The large-state
  start-up follows the preload, so the database file is in the OS page cache (warm).
""" % dict(units=UNITS, clients=CLIENTS, ingest="{:,}".format(INGEST), S=S, M=M,
           idle="{:,}".format(IDLE)))
md.append("## How each state was prepared\n")
md.append("""- **Empty**: `popstatd init`, then the county, townships, population snapshots and the
  clerk through the server (`loadgen setup`).
- **%(M)s records**: entirely through the server: the measured %(ingest)s-record ingest,
  then the rest with `loadgen ingest` in Submit batches of 10000 rows over 4 connections
  (server at default durability). The ack-latency runs add 12000 records of a second
  stream and 8000 of a third on top, and the after-commit rankings up to 401 births
  (the large state holds %(S)s + 20000 records plus the measured ingests and those
  births).
- **%(S)s records**: the server was stopped and records %(M)s..%(S)s were written into its
  database file by `bench/preload.c`, **not** through the server: it stores exactly what
  popstatd stores for a new birth (the same rows in the same random arrival order,
  `mother_hash` = HMAC-SHA256 under the database's own secret, received today, the
  per-(unit, day) counters upserted with the server's own statement, one audit line per
  10000 rows) but with `synchronous=OFF`, no journal and a 4 GiB cache, because filling
  %(S)s records through the server would take hours on this machine (its ingest rate
  falls with the database size; see the ingest figures). The server was then started on
  that file; every measurement at %(S)s (ingest, queries, memory, start-up) goes through
  the real server.
- **Naive table at %(S)s**: the baseline program itself with `synchronous=OFF`, 200000
  rows per transaction and a 4 GiB cache (in parallel with the preload), then measured
  at `synchronous=FULL`, 1000 rows per transaction, default cache, in a new process.
""" % dict(S=S, M=M, ingest="{:,}".format(INGEST)))
md.append(EARLIER)
md.append(ISSUE24)
md.append("Raw JSON lines of this run: `%s` (git-ignored; the databases next to it are"
          " removed at the end unless `BENCH_KEEP=1`).\n" % jsonl)
with open(out_path, "w") as f:
    f.write("\n".join(md))
