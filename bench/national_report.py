#!/usr/bin/env python3
"""bench/national_report.py - the table of make bench-national.

Reads the JSON lines of bench/national.sh and writes the growth curve and
the figures of the largest size against issue 24's targets."""
import json, os, platform, sys, time

rows = [json.loads(l) for l in open(sys.argv[1])]
out = sys.argv[2]
R = {}
for x in rows:
    R.setdefault(x["size"], {})[x["key"]] = dict(x["r"], loadavg=x["loadavg"])
sizes = sorted(s for s in R if s > 0)
setup = R.get(0, {}).get("setup", {})

def g(s, k, f):
    return R.get(s, {}).get(k, {}).get(f)

def ms(v):
    if v is not None and v >= 1000:
        return "%.1f s" % (v / 1000)
    return "n/a" if v is None else ("%.3f ms" % v if v < 1 else "%.2f ms" % v if v < 100 else "%.0f ms" % v)

def mib(k):
    return "n/a" if k is None else "%.1f MiB" % (k / 1024)

def num(n):
    return "{:,}".format(n)

hdr = ("records", "db size (popstatd / naive)", "bytes per record", "start-up",
       "RSS after start / peak", "ping p50", "nation status p50 (computed)",
       "province status p50", "province ranking p50 (90 counties)",
       "county warning p50 (15 townships)", "ingest popstatd / naive",
       "ratio", "popstatd rec per server CPU-s", "load avg at ingest")
body = []
for s in sizes:
    f = R[s].get("files", {})
    sb, nb = f.get("server_db_bytes"), f.get("naive_db_bytes")
    ing, base = R[s].get("ingest", {}), R[s].get("baseline", {})
    ir, br = ing.get("records_per_s"), base.get("records_per_s")
    body.append((num(s), "%.2f / %.2f GiB" % (sb / 2**30, nb / 2**30) if sb else "n/a",
                 "%.0f / %.0f" % (sb / s, nb / s) if sb else "n/a",
                 ms(g(s, "startup", "ms")),
                 "%s / %s" % (mib(g(s, "startup", "vmrss_kib")), mib(g(s, "rss_end", "vmhwm_kib"))),
                 ms(g(s, "ping", "p50_ms")),
                 ms(g(s, "status_nation", "p50_ms")), ms(g(s, "status_province", "p50_ms")),
                 ms(g(s, "ranking_province", "p50_ms")), ms(g(s, "warning_county", "p50_ms")),
                 "%s / %s rec/s" % (num(int(ir)) if ir else "n/a", num(int(br)) if br else "n/a"),
                 "%.2fx" % (ir / br) if ir and br else "n/a",
                 num(int(ing["records"] / ing["server_cpu_s"])) if ing.get("server_cpu_s") else "n/a",
                 ing.get("loadavg", "")))

def table(h, b):
    w = [max(len(str(r[i])) for r in [h] + b) for i in range(len(h))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w[i]) for i, c in enumerate(r)) + " |"
    return "\n".join([line(h), "|" + "|".join("-" * (x + 2) for x in w) + "|"] + [line(r) for r in b])

tg = []
if sizes:
    s = sizes[-1]
    def verdict(v, ok):
        return "n/a" if v is None else ("PASS" if ok(v) else "FAIL")
    ir = g(s, "ingest", "records_per_s")
    tg.append(("ingest at %s records >= 10,000 rec/s" % num(s), "%s rec/s" % num(int(ir)) if ir else "n/a",
               ">= 10,000", verdict(ir, lambda v: v >= 10000)))
    v = g(s, "status_nation", "p50_ms")
    tg.append(("the nation's status, computed, <= 50 ms", ms(v), "<= 50 ms", verdict(v, lambda v: v <= 50)))
    v = g(s, "startup", "ms")
    tg.append(("start-up <= 10 s", ms(v), "<= 10 s", verdict(v, lambda v: v <= 10000)))
    v = g(s, "rss_end", "vmhwm_kib")
    tg.append(("peak RSS <= 2 GiB", mib(v), "<= 2 GiB", verdict(v, lambda v: v <= 2 * 1048576)))

md = ["# popstat national benchmark (make bench-national)\n",
      "Produced by bench/national.sh on %s; %s townships (%s counties, %s provinces) set up through the server in %.1f s; the run took %s s.\n" % (
          time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), num(setup.get("units", 0)),
          num(setup.get("counties", 0)), setup.get("provinces", 0), setup.get("seconds", 0),
          R.get(0, {}).get("end", {}).get("elapsed_s")),
      "Machine: %s, %d cores, kernel %s. The machine was shared with other jobs: the load average (1, 5, 15 min) at each ingest is in the last column (2 cores: above 2 the measurement waited for CPU).\n" % (
          platform.machine(), os.cpu_count(), platform.release()),
      "## Targets, at the largest size measured\n", table(("target", "measured", "limit", "result"), tg), "",
      "## Growth curve\n", table(hdr, body), "",
      "Each query figure is the p50 of up to 40 requests, each new to the reply cache (computed), except the warning, which is never kept. Ingest: %s records through popstatd (8 connections x Submits of 1000, durability full) right after the queries, then the same rows into the naive baseline (1000 rows a transaction, synchronous=FULL) at the same size.\n" % num(int(g(sizes[-1], "ingest", "records") or 0)) if sizes else ""]
LIMITS = """## What limits it (profiles of 2026-12-03, 41,850 townships)

- **Memory and start-up scale with townships x years, not records.**
  common/tally.c keeps a dense block per unit and calendar year (366 days x
  12 counters, 1 byte each until a value needs more, plus month totals:
  ~5.6 KiB); 41,850 townships with the 2023 population snapshot and births
  in 2024-2026 hold four blocks each, ~0.9 GiB, whatever the number of
  records. Each further year adds ~0.23 GiB, so 2 GiB holds about eight
  years of the whole country. Start-up reads every `daily` row and then
  sums every block's months (tally_loaded): a software-clock `perf record`
  of a start at 300k records spent 25% zeroing the blocks' fresh pages, 13%
  in the month sums and ~15% in sqlite reading the rows.
- **The nation's status walks all 41,850 townships** for every span an
  indicator needs (populations at the period's ends and middle, this
  year's and last year's counters): callgrind counted 76M instructions per
  computed status of the nation at 300k records, ~1,800 per township: two
  walks of the whole tree for the counters and, for each township, three
  populations (a snapshot and the net change since); the count depends on
  the number of townships, hardly on the records. Meeting 50 ms needs
  counters kept per county (and province) as well as per township, which
  the units' move-and-merge history (the tree of each day) makes more than
  a sum; not done.
- **Ingest** of the national layout spreads each Submit of 1000 rows over
  40 townships (runs of 25 rows), so every batch dirties ~40 leaf pages of
  the records table and of its mother index and ~1000 `daily` rows, where
  the county bench's batch is one township's; server CPU stayed at about
  30,000 records per CPU-second, and the wall rate fell with the load and
  with the disk's random writes as the file outgrew the page cache.
- **Not measured**: 100 million records. At ~175 bytes per record
  (30M: 4.85 GB) 100M is ~17 GB for popstatd plus ~19 GB for the naive
  table; the preload of 2026-12-03 ran at ~17,000 records/s on a quiet
  machine, so 30M -> 100M is ~70 minutes more, not run. Start-up grows
  with the `daily` rows (2.5 s at 1M, 8.4 s at 10M, 34 s at 30M under
  load), so 100M would not start in 10 s without a persisted per-year
  block. Cold start-up (page cache dropped) was not measured: every
  start followed a copy of the files.
"""
md.append(LIMITS)
open(out, "w").write("\n".join(md) + "\n")
print("\n".join(md))
