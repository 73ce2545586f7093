#!/usr/bin/env python3
"""oracle.py - an independent reference model of doc/indicators.md §4-§7 and doc/rules.md §3.

Randomized differential testing of the indicator engine: for a seed, generate
a small random county (units and records of all five kinds, written as CSV
files in the formats of doc/rules.md §3), and compute from the specification
alone what `popstat status --json` and `popstat ranking --json` must print for
a set of (unit, period) queries covering every period form of section 4, and
what `popstat ranking --indicator NAME --json` must print for a subset of
them, with the 同比 of §14 ("yoy": last year's value and the change) of each
indicator of a status and each targeted indicator of a ranking row.  Nothing here is taken from the program's output or its source, except
where the specification is silent (marked "Spec silent" where it matters).
For a subset, `popstat ranking [--indicator NAME] --csv` is compared with the
JSON form of the same ranking (same rows, order and numbers at 2 decimals).

    oracle.py gen SEED DIR      write DIR/units.tsv, DIR/<kind>.csv,
                                DIR/queries-<profile>.tsv (qid, kind, unit,
                                period; kind status, ranking, ranking/NAME,
                                csv or csv/NAME), DIR/targets-alt.txt and
                                DIR/expected-<profile>.json
    oracle.py compare DIR PROF  read DIR/out-PROF/<id>.json or .csv (+ .rc)
                                and print "OK" for each query whose every
                                field is as expected, "FAIL ..." for each
                                field that is not
    oracle.py counts DIR        rows per kind in the CSV files

SEED is an integer (a random county) or "edge" (a fixed county on rounding
ties and target boundaries).

Target profiles: "default" (the §6 defaults) and "alt", the defaults after
the admin commands of DIR/targets-alt.txt (non-veto targets, other weights,
a target on death_rate and an override for one township), which give the
`missed` status and rankings where a vetoed unit outscores a non-vetoed one.

Python 3 standard library only.
"""
import calendar
import csv
import datetime as dt
import json
import math
import os
import random
import sys

TODAY = dt.date.fromisoformat(os.environ.get("TODAY", "2026-11-28"))
FIRST_DAY = dt.date(2025, 1, 1)
LAST_DAY = dt.date(2026, 11, 27)
ONE = dt.timedelta(days=1)

# Dates on period edges (§4) get extra events, so inclusive bounds matter.
EDGE_DATES = [dt.date.fromisoformat(s) for s in (
    "2025-01-01", "2025-01-31", "2025-02-28", "2025-03-01", "2025-06-30",
    "2025-07-01", "2025-09-30", "2025-10-01", "2025-11-10", "2025-11-11",
    "2025-11-20", "2025-11-21", "2025-12-31", "2026-01-01", "2026-02-20",
    "2026-02-21", "2026-02-28", "2026-03-01", "2026-03-10", "2026-03-11",
    "2026-03-15", "2026-06-30", "2026-07-01", "2026-09-30", "2026-10-01",
    "2026-11-27")]

# Every period form of §4; a few dates fixed here also get extra events.
PERIODS = [
    "2025", "2026", "SY2026", "2025H2", "2026H1", "2025Q4", "2026Q1",
    "2025-07", "2026-02", "2026-03D1", "2025-11D2", "2025-01D3", "2026-02D3",
    "2024-02D3", "2026-03-15", "2025-12-31",
    "2025-06-15..2026-03-10", "2024-02-29..2025-02-27", "2026YTD",
    "2026YTD@2026-06-30", "2024Q4",
]
# P@DATE: the period P asked with --as-of DATE.

# §6 default indicators: name, kind of unit, default target (op, T, veto, w).
INDICATORS = [
    ("birth_rate", "permille", ("<=", 11.5, True, 25)),
    ("death_rate", "permille", None),
    ("natural_growth_rate", "permille", ("<=", 5.5, True, 25)),
    ("birth_error_rate", "percent", ("<=", 3.0, True, 25)),
    ("policy_rate", "percent", (">=", 95.0, True, 25)),
    ("sex_ratio", "other", None),
    ("multi_child_rate", "percent", None),
]
COUNTERS = ["births", "births_male", "births_female", "births_policy",
            "births_order3", "deaths", "mig_in", "mig_out", "verified",
            "verified_missed", "pop_start", "pop_end", "pop_avg", "days",
            "year_days"]


def alt_targets(county, township):
    """The "alt" profile: (indicator, op, value, veto, weight, unit or None),
    in the order the admin sets them."""
    return [
        ("policy_rate", ">=", 95.0, False, 40, None),
        ("birth_error_rate", "<=", 3.0, False, 10, None),
        ("death_rate", "<=", 7.0, False, 20, None),
        ("birth_rate", "<=", 13.0, True, 30, township),
    ]


def r2(v):
    """What a user sees: C printf("%.2f") on the double, back as a number."""
    return None if v is None else float("%.2f" % v)


# ---------------------------------------------------------------- periods (§4)
def r4(v):
    """4 decimals as C printf("%.4f") shows them, back as a number."""
    return None if v is None else float("%.4f" % v) + 0.0


def poisson_cdf(k, lam):
    """P(X <= k), X Poisson(lam): the terms summed in log space."""
    if k < 0:
        return 0.0
    if lam == 0:
        return 1.0
    return min(1.0, math.fsum(math.exp(i * math.log(lam) - lam - math.lgamma(i + 1))
                              for i in range(k + 1)))


def wilson(m, n, z):
    """The Wilson score interval of m/n, in its closed form
    (2np + z^2 -+ z sqrt(z^2 + 4np(1-p))) / 2(n + z^2)."""
    p = m / n
    root = z * math.sqrt(z * z + 4 * n * p * (1 - p))
    lo = (2 * n * p + z * z - root) / (2 * (n + z * z))
    hi = (2 * n * p + z * z + root) / (2 * (n + z * z))
    return max(0.0, lo), min(1.0, hi)


def parse_period(p, today=TODAY):
    if "@" in p:
        p, asof = p.split("@")
        today = dt.date.fromisoformat(asof)
    if ".." in p:
        a, b = p.split("..")
        return dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    if p.endswith("YTD"):
        return dt.date(int(p[:4]), 1, 1), today
    if p.startswith("SY"):
        y = int(p[2:])
        return dt.date(y - 1, 10, 1), dt.date(y, 9, 30)
    if len(p) == 4:
        y = int(p)
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if p[4] == "H":
        y, h = int(p[:4]), int(p[5])
        return (dt.date(y, 1, 1), dt.date(y, 6, 30)) if h == 1 else \
            (dt.date(y, 7, 1), dt.date(y, 12, 31))
    if p[4] == "Q":
        y, q = int(p[:4]), int(p[5])
        m0 = 3 * (q - 1) + 1
        return dt.date(y, m0, 1), dt.date(y, m0 + 2, calendar.monthrange(y, m0 + 2)[1])
    if len(p) == 10:
        d = dt.date.fromisoformat(p)
        return d, d
    y, m = int(p[:4]), int(p[5:7])
    last = calendar.monthrange(y, m)[1]
    if len(p) == 7:
        return dt.date(y, m, 1), dt.date(y, m, last)
    k = int(p[8])                      # YYYY-MMDk
    if k == 1:
        return dt.date(y, m, 1), dt.date(y, m, 10)
    if k == 2:
        return dt.date(y, m, 11), dt.date(y, m, 20)
    return dt.date(y, m, 21), dt.date(y, m, last)


def year_days(a):
    """366 if the 365 days starting at a include a 29 February."""
    d = a
    for _ in range(365):
        if d.month == 2 and d.day == 29:
            return 366
        d += ONE
    return 365


def last_year(d):
    """§14, 同比: the same day one year earlier, 29 February becoming
    28 February."""
    if d.month == 2 and d.day == 29:
        return dt.date(d.year - 1, 2, 28)
    return dt.date(d.year - 1, d.month, d.day)


def yoy_text(y):
    """A "yoy" member as compared: null, or "VALUE CHANGE" at 2 decimals."""
    if not isinstance(y, dict):
        return fmt(y)
    return "%s %s" % (fmt(y.get("value")), fmt(y.get("change")))


# ---------------------------------------------------------------- the model
def competition_ranks(rows, key):
    """rows sorted by key: equal keys share a rank, the next rank skips
    (1, 2, 2, 4), as §7 says."""
    for i, r in enumerate(rows):
        if i > 0 and key(rows[i - 1]) == key(r):
            r["rank"] = rows[i - 1]["rank"]
        else:
            r["rank"] = i + 1


class Model:
    def __init__(self):
        self.units = {}        # code -> dict(name, parent, level)
        self.children = {}     # code -> [codes] in insertion order
        self.births = []       # dict(unit, date, sex, order, policy, mother)
        self.deaths = []       # dict(unit, date)
        self.migs = []         # dict(unit, date, dir, persons)
        self.pops = []         # dict(unit, date, persons)
        self.verifs = []       # dict(unit, date, mother)
        self.overrides = []    # (indicator, op, T, veto, w, unit or None)
        # Unit changes (issue 22): (unit, day, old parent, new parent,
        # merged) in the order made; a merged unit is retired from its day.
        self.moves = []
        self.retired = {}      # code -> first day no longer listed

    def move(self, u, parent, day, merged=False):
        self.moves.append((u, day, self.parent_at(u, day), parent, merged))
        if merged:
            self.retired[u] = day
        self.pcache = {}
        self.chcache = {}

    def parent_at(self, u, d):
        """The parent of u at the end of day d: the latest move of u dated
        on or before d, else the parent it was added with."""
        p = self.units[u]["parent"]
        for v, day, _, to, _ in self.moves:
            if v == u and day <= d:
                p = to
        return p

    def under(self, u, a, d):
        """u is a or lies under a, in the tree of day d."""
        key = (u, a, d)
        if key not in self.chcache:
            x, hit = u, False
            while x is not None:
                if x == a:
                    hit = True
                    break
                x = self.parent_at(x, d)
            self.chcache[key] = hit
        return self.chcache[key]

    def kids_at(self, u, d):
        """Children of u in the tree of day d (merged ones included: their
        records and people count there)."""
        return [c for c in self.units if self.parent_at(c, d) == u]

    def listed(self, parent, d):
        """The children a table of a period ending on d lists: active then."""
        return sorted(c for c in self.kids_at(parent, d)
                      if c not in self.retired or d < self.retired[c])

    def target(self, name, default, unit):
        """The target of an indicator for a unit: a unit's own override,
        else the (possibly changed) general target, else the default."""
        t = default
        for ind, op, T, veto, w, u in self.overrides:
            if ind == name and u is None:
                t = (op, T, veto, w)
        for ind, op, T, veto, w, u in self.overrides:
            if ind == name and u == unit:
                t = (op, T, veto, w)
        return t

    def add_unit(self, code, name, parent, level):
        self.units[code] = dict(name=name, parent=parent, level=level)
        self.children.setdefault(code, [])
        if parent:
            self.children[parent].append(code)

    def subtree(self, code):
        out, stack = [], [code]
        while stack:
            u = stack.pop()
            out.append(u)
            stack.extend(self.children[u])
        return set(out)

    def prepare(self):
        """Index events by subtree: net change per day for the balancing
        equation, population records per unit."""
        self.sub = {u: self.subtree(u) for u in self.units}
        for v in self.verifs:              # matching does not depend on the period
            v["missed"] = self.verif_missed(v)
        self.own_pops = {}
        for r in self.pops:
            self.own_pops.setdefault(r["unit"], {})[r["date"]] = r["persons"]
        net_by_unit = {}
        for r in self.births:
            net_by_unit.setdefault(r["unit"], []).append((r["date"], 1))
        for r in self.deaths:
            net_by_unit.setdefault(r["unit"], []).append((r["date"], -1))
        for r in self.migs:
            net_by_unit.setdefault(r["unit"], []).append(
                (r["date"], r["persons"] if r["dir"] == "in" else -r["persons"]))
        self.net_by_unit = net_by_unit
        self.chcache = {}
        self.net = {}
        for u in self.units:
            evs = []
            for v in self.sub[u]:
                evs.extend(net_by_unit.get(v, []))
            self.net[u] = evs
        self.pcache = {}

    def net_change(self, u, lo, hi):
        """births - deaths + in - out over days lo..hi (inclusive).  With
        unit moves: the events of every unit under u on the event's day,
        and the people a unit brings when it joins u's subtree on day D
        (its population at the end of D - 1), minus those one takes away
        when it leaves; None when such a population is unknown."""
        if not self.moves:
            return sum(n for d, n in self.net[u] if lo <= d <= hi)
        tot = 0
        for v, evs in self.net_by_unit.items():
            for d, n in evs:
                if lo <= d <= hi and self.under(v, u, d):
                    tot += n
        for v, day, frm, to, _ in self.moves:
            if v == u or not lo <= day <= hi:
                continue
            before = frm is not None and self.under(frm, u, day - ONE)
            after = self.under(to, u, day)
            if before == after:
                continue
            pv = self.P(v, day - ONE)
            if pv is None:
                return None
            tot += pv if after else -pv
        return tot

    def P(self, u, d):
        """§5: population at the end of day d, None when unknown."""
        key = (u, d)
        if key in self.pcache:
            return self.pcache[key]
        recs = self.own_pops.get(u)
        if recs:
            before = [s for s in recs if s <= d]
            if before:
                s = max(before)
                n = self.net_change(u, s + ONE, d)
                val = None if n is None else recs[s] + n
            else:
                s = min(recs)
                n = self.net_change(u, d + ONE, s)
                val = None if n is None else recs[s] - n
        elif (self.kids_at(u, d) if self.moves else self.children[u]):
            val = 0
            for c in (self.kids_at(u, d) if self.moves else self.children[u]):
                pc = self.P(c, d)
                if pc is None:
                    val = None
                    break
                val += pc
        else:
            val = None
        self.pcache[key] = val
        return val

    def verif_missed(self, v):
        """A verification with no reported birth in the same unit, same
        mother, date within +-30 days."""
        for b in self.births:
            if b["unit"] == v["unit"] and b["mother"] and b["mother"] == v["mother"] \
                    and abs((b["date"] - v["date"]).days) <= 30:
                return False
        return True

    def counters(self, u, a, b):
        sub = self.sub[u]
        inside = lambda r: r["unit"] in sub and a <= r["date"] <= b
        if self.moves:                 # the tree of each record's day
            inside = lambda r: a <= r["date"] <= b and self.under(r["unit"], u, r["date"])
        bs = [r for r in self.births if inside(r)]
        vs = [r for r in self.verifs if inside(r)]
        c = dict(
            births=len(bs),
            births_male=sum(1 for r in bs if r["sex"] == "M"),
            births_female=sum(1 for r in bs if r["sex"] == "F"),
            births_policy=sum(1 for r in bs if r["policy"]),
            births_order3=sum(1 for r in bs if r["order"] >= 3),
            deaths=sum(1 for r in self.deaths if inside(r)),
            mig_in=sum(r["persons"] for r in self.migs if inside(r) and r["dir"] == "in"),
            mig_out=sum(r["persons"] for r in self.migs if inside(r) and r["dir"] == "out"),
            verified=len(vs),
            verified_missed=sum(1 for r in vs if r["missed"]),
            days=(b - a).days + 1,
            year_days=year_days(a),
        )
        ps, pe = self.P(u, a - ONE), self.P(u, b)
        c["pop_start"], c["pop_end"] = ps, pe
        c["pop_avg"] = None if ps is None or pe is None else (ps + pe) / 2
        return c

    @staticmethod
    def indicator_values(c):
        """Raw values in the order of each expression (§6), None = no value."""
        def div(x, y):
            return None if x is None or y is None or y == 0 else x / y
        pa = c["pop_avg"]
        mul = lambda x, k: None if x is None else x * k
        return {
            "birth_rate": mul(div(c["births"], pa), 1000),
            "death_rate": mul(div(c["deaths"], pa), 1000),
            "natural_growth_rate": mul(div(c["births"] - c["deaths"], pa), 1000),
            "birth_error_rate": mul(div(c["verified_missed"], c["verified"]), 100),
            "policy_rate": mul(div(c["births_policy"], c["births"]), 100),
            "sex_ratio": mul(div(c["births_male"], c["births_female"]), 100),
            "multi_child_rate": mul(div(c["births_order3"], c["births"]), 100),
        }

    def status(self, u, a, b):
        c = self.counters(u, a, b)
        raw = self.indicator_values(c)
        inds = []
        num = 0.0
        den = 0
        any_veto = any_na = any_missed = False
        for name, kind, tgt in INDICATORS:
            tgt = self.target(name, tgt, u)
            v = raw[name]
            ann = None
            if kind == "permille" and v is not None:
                ann = v * c["year_days"] / c["days"]
            judged = r2(ann if kind == "permille" else v)
            result = None
            if tgt is not None:
                op, T, veto, w = tgt
                if judged is None:
                    result = "not_assessed"
                    any_na = True
                else:
                    ok = {"<=": judged <= T, ">=": judged >= T,
                          "<": judged < T, ">": judged > T}[op]
                    result = "met" if ok else "missed"
                    if ok:
                        s = 1.0
                    else:
                        s = 0.0 if T == 0 else max(0.0, 1 - abs(judged - T) / abs(T))
                        if veto:
                            any_veto = True
                        else:
                            any_missed = True
                    num += w * s
                    den += w
            inds.append(dict(name=name, value=r2(v), annualized=r2(ann),
                             judged=judged, result=result,
                             target=None if tgt is None else list(tgt)))
        # §14, 同比: each indicator's value over [a - 1 year, b - 1 year]
        # and this value minus it (both rounded); null if either is missing.
        raw0 = self.indicator_values(self.counters(u, last_year(a), last_year(b)))
        for i in inds:
            v, v0 = i["value"], r2(raw0[i["name"]])
            i["yoy"] = None if v is None or v0 is None else \
                dict(value=v0, change=r2(v - v0))
        status = "veto" if any_veto else "incomplete" if any_na else \
            "missed" if any_missed else "met"
        # No assessed target at all: sum(w) = 0 and §7 does not define the
        # score; the comparison leaves it (and that row's rank) open.
        score = None if den == 0 else 100 * num / den
        return dict(unit=u, name=self.units[u]["name"],
                    period=dict(start=a.isoformat(), end=b.isoformat(),
                                days=c["days"]),
                    status=status, score=r2(score), counters=c,
                    indicators=inds)

    def ranking(self, parent, a, b):
        """§7 (four tiers): every target assessed and none vetoed (met,
        missed), then incomplete, then vetoed, each by score highest first;
        a unit without a score (nothing assessed) has rank None and comes
        last.  Equal (tier, score at 2 decimals) share a rank; within a
        tie, and among the unranked, by unit code."""
        rows = []
        for ch in (self.listed(parent, b) if self.moves else self.children[parent]):
            st = self.status(ch, a, b)
            # 同比 in ranking rows: the indicators with a general target
            # (our reading of §14's "the four target indicators").
            rows.append(dict(unit=ch, name=st["name"], status=st["status"], score=st["score"],
                             indicators={i["name"]: i["judged"] for i in st["indicators"]},
                             yoy={i["name"]: i["yoy"] for i, (n, _, t) in
                                  zip(st["indicators"], INDICATORS)
                                  if self.target(n, t, None) is not None}))
        tier = {"met": 0, "missed": 0, "incomplete": 1, "veto": 2}
        defined = [r for r in rows if r["score"] is not None]
        key = lambda r: (tier[r["status"]], -r2(r["score"]))
        defined.sort(key=lambda r: (key(r), r["unit"]))
        competition_ranks(defined, key)
        rest = sorted((r for r in rows if r["score"] is None), key=lambda r: r["unit"])
        for r in rest:
            r["rank"] = None
        return dict(parent=parent, period=dict(start=a.isoformat(), end=b.isoformat(),
                                               days=(b - a).days + 1),
                    rows=defined + rest)

    def indicator_ranking(self, parent, a, b, name):
        """`ranking --indicator NAME` (§7, §12): the rows of the overall
        ranking (same unit, name, status, score, indicators), ordered by the
        judged value of NAME in its target's direction: ascending for `<=`
        and `<` ("lower is better for <="), descending for `>=` and `>`.
        Vetoes and scores play no part in this order.

        Our reading of §7: units whose judged values are equal at 2 decimals
        share a rank and the next rank skips (1, 2, 2, 4), as §7 says for
        the overall ranking.

        Units without a value there are listed last, unranked (§7): rank
        None (JSON null), by unit code.

        Spec silent: the direction of an indicator with no target (not
        queried) and of a per-unit override whose op differs from the
        general target's (not generated): the general target's direction is
        used here."""
        tgt = self.target(name, dict((n, t) for n, _, t in INDICATORS)[name], None)
        assert tgt is not None, "ranking by %s: no target, no direction" % name
        desc = tgt[0] in (">=", ">")
        base = self.ranking(parent, a, b)
        rows = [dict(r) for r in base["rows"]]
        for r in rows:
            r.pop("rank", None)
        assessed = [r for r in rows if r["indicators"][name] is not None]
        unassessed = [r for r in rows if r["indicators"][name] is None]
        val = lambda r: r2(r["indicators"][name])
        assessed.sort(key=lambda r: (-val(r) if desc else val(r), r["unit"]))
        competition_ranks(assessed, val)
        unassessed.sort(key=lambda r: r["unit"])
        for r in unassessed:
            r["rank"] = None
        return dict(parent=parent, period=base["period"], indicator=name,
                    rows=assessed + unassessed)


    # ------------------------------------------------------------ §15
    def warning(self, parent, year, asof):
        """§15 early warning, written from the text: for each child and
        each per-mille `<=` target of an indicator that counts births
        (birth_rate, natural_growth_rate; death_rate's target in "alt" has
        no births in it, so no headroom), over [Y-01-01, D]."""
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        N = (end - start).days + 1
        D = min(asof, end)
        t = (D - start).days + 1
        rows = []
        for ch in self.children[parent]:
            cells = {}
            c = self.counters(ch, start, D) if t > 0 else None
            for name, kind, tgt in INDICATORS:
                tgt = self.target(name, tgt, ch)
                if tgt is None or tgt[0] != "<=" or name not in ("birth_rate", "natural_growth_rate"):
                    continue
                cells[name] = self.warning_cell(name, tgt[1], c, N, t)
            rows.append(dict(unit=ch, name=self.units[ch]["name"], indicators=cells))

        def worst(r):
            risks = [x["risk"] for x in r["indicators"].values() if x["risk"] is not None]
            heads = [x["headroom"] for x in r["indicators"].values() if x["headroom"] is not None]
            return (0 if risks else 1, -max(risks) if risks else 0,
                    0 if heads else 1, min(heads) if heads else 0, r["unit"])
        rows.sort(key=worst)
        return dict(parent=parent, year=year, as_of=D.isoformat(), rows=rows)

    @staticmethod
    def warning_cell(name, T, c, N, t):
        none = dict(projected=None, headroom=None, risk=None, level=None)
        if c is None or c["pop_avg"] is None:
            return none
        b, d, p = c["births"], c["deaths"], c["pop_avg"]
        cell = dict(none)
        if p != 0:
            num = b if name == "birth_rate" else b - d
            cell["projected"] = r2(num / p * 1000 * N / t)
        if not p > 0:
            return cell
        dproj = d * N / t if name == "natural_growth_rate" else 0.0

        def meets(h):                    # the judged year-end value, §6
            return r2(((b + h) - dproj) / p * 1000) <= T
        h = math.floor(T * p / 1000 + dproj) - b + 3
        while h > -b and not meets(h):
            h -= 1
        while meets(h + 1):
            h += 1
        lam = b * (N - t) / t
        if not meets(h):
            # Spec silent: no h >= -b meets T (a target below what zero
            # more births give): headroom null, certainly over.
            cell.update(risk=1.0, level="over")
            return cell
        cdf = poisson_cdf(h, lam)
        risk = r4(1.0 - cdf) if h >= 0 else 1.0
        level = "over" if h < 0 else "high" if risk >= 0.5 else \
            "watch" if risk >= 0.2 else "low"
        cell.update(headroom=h, risk=risk, level=level)
        return cell

    def quality(self, parent, a, b):
        """§15 data quality, written from the text."""
        flags = []
        kids = self.children[parent]
        cs = {ch: self.counters(ch, a, b) for ch in kids}
        pc = self.counters(parent, a, b)
        for ch in kids:                   # sex ratio at birth
            m, f = cs[ch]["births_male"], cs[ch]["births_female"]
            if m + f == 0:
                continue
            lo, hi = wilson(m, m + f, 1.959964)
            rlo = r2(100 * lo / (1 - lo)) if lo < 1 else None
            rhi = r2(100 * hi / (1 - hi)) if hi < 1 else None
            check = "sex_ratio_high" if rlo is None or rlo > 107 else \
                "sex_ratio_low" if rhi is not None and rhi < 103 else None
            if check:
                flags.append(dict(unit=ch, check=check, detail=dict(
                    boys=m, girls=f, ratio=r2(100 * m / f) if f else None,
                    ratio_low=rlo, ratio_high=rhi)))
        for ch in kids:                   # possible under-reporting
            pa, ppa = cs[ch]["pop_avg"], pc["pop_avg"]
            if pa is None or ppa is None or not pa > 0 or not ppa - pa > 0:
                continue
            rate = (pc["births"] - cs[ch]["births"]) / (ppa - pa) * 1000
            e = rate * pa / 1000
            pr = poisson_cdf(cs[ch]["births"], e)
            if pr < 0.01:
                flags.append(dict(unit=ch, check="under_reporting", detail=dict(
                    births=cs[ch]["births"], expected=r2(e), probability=r4(pr))))
        # possible double registration: one mother, two units, <= 30 days,
        # one of the two in the period
        sub = self.sub[parent]
        bs = sorted((x for x in self.births if x["mother"] and x["unit"] in sub),
                    key=lambda x: (x["mother"], x["date"], x["unit"], x["rid"]))
        pairs = []
        for i, x in enumerate(bs):
            for y in bs[i + 1:]:
                if y["mother"] != x["mother"] or (y["date"] - x["date"]).days > 30:
                    break
                if y["unit"] != x["unit"] and (a <= x["date"] <= b or a <= y["date"] <= b):
                    pairs.append((x, y))
        pairs.sort(key=lambda q: (q[0]["date"], q[0]["unit"], q[0]["rid"],
                                  q[1]["date"], q[1]["unit"], q[1]["rid"]))
        for x, y in pairs:
            flags.append(dict(unit=x["unit"], check="double_registration", detail=dict(
                units=[x["unit"], y["unit"]], dates=[x["date"].isoformat(), y["date"].isoformat()],
                record_ids=[x["rid"], y["rid"]])))
        for ch in kids:                   # late records (§9 timeliness)
            sub_ch = self.sub[ch]
            recs = [r["date"] for lst in (self.births, self.deaths, self.migs, self.pops, self.verifs)
                    for r in lst if r["unit"] in sub_ch and a <= r["date"] <= b]
            if not recs:
                continue
            timely = sum(1 for d in recs if (TODAY - d).days <= 30)
            if timely / len(recs) < 0.9:
                flags.append(dict(unit=ch, check="late_records", detail=dict(
                    records=len(recs), timely=timely, timeliness=r2(100 * timely / len(recs)))))
        return dict(parent=parent, period=dict(start=a.isoformat(), end=b.isoformat(),
                                               days=(b - a).days + 1), flags=flags)


# ---------------------------------------------------------------- generator
def rand_date(rng, edge_share=0.25):
    if rng.random() < edge_share:
        return rng.choice(EDGE_DATES)
    return FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))


def mother_id(rng):
    s = "61%04d%04d%02d%02d%03d" % (rng.randrange(10000), rng.randrange(1960, 2006),
                                     rng.randrange(1, 13), rng.randrange(1, 29),
                                     rng.randrange(1000))
    rng.choice("0123456789X")   # (kept: the same draws as before)
    # §13: a resident ID's check character (ISO 7064 MOD 11-2) must be right.
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return s + "10X98765432"[sum(int(c) * k for c, k in zip(s, w)) % 11]


def generate(seed):
    """A random county for seed: returns (model, seedinfo)."""
    rng = random.Random(seed)
    m = Model()
    county = "64%04d" % (seed % 10000)
    m.add_unit(county, "随机县%d" % seed, None, "county")
    # Township kinds: own = own population records; vil = villages
    # (kind of each: True = own records, False = none).
    kinds = [
        ("own", []),                       # records, no villages
        ("own", [True, False]),            # own records win over villages
        ("sum", [True, True, True]),       # population = sum of villages
        ("unknown", [True, False]),        # one village unknown -> unknown
        ("none", []),                      # no records anywhere -> unknown
    ]
    rng.shuffle(kinds)
    if rng.random() < 0.5:
        kinds.append(("sum", [True, True]))
    # county: own records (seed-dependent), else the sum of its townships
    county_own = seed % 3 == 1
    if seed % 3 == 2:                     # every township known: county known
        swap = {"unknown": ("sum", [True, True]), "none": ("own", [])}
        kinds = [swap.get(k, (k, v)) for k, v in kinds]
    pop_units = {}                        # unit -> base population
    event_units = []                      # (unit, base population for rates)
    if county_own:
        pop_units[county] = rng.randrange(20000, 40000)
    for ti, (kind, vil) in enumerate(kinds, 1):
        t = "%s%03d" % (county, ti)
        m.add_unit(t, "%s%d镇" % ("东南西北中上下"[ti % 7], ti), county, "township")
        base = rng.randrange(1500, 8000)
        if kind == "own":
            pop_units[t] = base
        event_units.append((t, base if not vil else base // 4))
        for vi, has in enumerate(vil, 1):
            v = "%s%03d" % (t, vi)
            m.add_unit(v, "%d村" % vi, t, "village")
            vb = rng.randrange(400, 3000)
            if has:
                pop_units[v] = vb
            event_units.append((v, vb))
    event_units.append((county, 300))     # a few events at the county itself
    # population snapshots (never two for one unit on one day)
    for u, base in pop_units.items():
        n = rng.choice([1, 1, 2, 3])
        days = set()
        while len(days) < n:
            days.add(rand_date(rng, 0.4))
        for d in sorted(days):
            m.pops.append(dict(unit=u, date=d, persons=base + rng.randrange(-60, 61)))
    mothers = []
    for u, base in event_units:
        years = (LAST_DAY - FIRST_DAY).days / 365
        brate = rng.uniform(5, 16) / 1000
        drate = rng.uniform(3, 10) / 1000
        pol = rng.choice([1.0, 0.97, 0.93, 0.85])
        nb = max(0, int(round(base * brate * years)) + rng.randrange(-2, 3))
        nd = max(0, int(round(base * drate * years)) + rng.randrange(-2, 3))
        for _ in range(nb):
            mo = "" if rng.random() < 0.2 else (
                rng.choice(mothers) if mothers and rng.random() < 0.1 else mother_id(rng))
            if mo:
                mothers.append(mo)
            order = rng.choices([1, 2, 3, 4, 5, 15], [50, 35, 8, 4, 2, 1])[0]
            m.births.append(dict(unit=u, date=rand_date(rng), sex=rng.choice("MF"),
                                 order=order, policy=rng.random() < pol, mother=mo))
        for _ in range(nd):
            m.deaths.append(dict(unit=u, date=rand_date(rng), sex=rng.choice("MF"),
                                 age=rng.randrange(0, 131)))
        for _ in range(rng.randrange(0, 8)):
            persons = rng.choice([1, 2, 3, 5, 8, 13, 40])
            m.migs.append(dict(unit=u, date=rand_date(rng),
                               dir=rng.choice(["in", "out"]), persons=persons))
    # verifications: matched within +-30 days (some exactly 30), just outside
    # (31..33), birth in another unit, mother never reported.
    all_births = [b for b in m.births if b["mother"]]
    for u, _ in event_units:
        own = [b for b in all_births if b["unit"] == u]
        for _ in range(rng.randrange(0, 7)):
            kind = rng.choices(["match", "edge", "outside", "other", "none"],
                               [50, 12, 15, 10, 13])[0]
            if kind in ("match", "edge", "outside") and own:
                b = rng.choice(own)
                delta = {"match": rng.randrange(-29, 30), "edge": rng.choice([-30, 30]),
                         "outside": rng.choice([-33, -32, -31, 31, 32, 33])}[kind]
                d, mo = b["date"] + dt.timedelta(days=delta), b["mother"]
            elif kind == "other" and all_births:
                b = rng.choice(all_births)
                d, mo = b["date"], b["mother"]
            else:
                d, mo = rand_date(rng), mother_id(rng)
            if d < FIRST_DAY or d > LAST_DAY:
                d = rand_date(rng)
            m.verifs.append(dict(unit=u, date=d, mother=mo))
    m.prepare()
    return m, county


def generate_edge():
    """A fixed county whose numbers sit on rounding ties and target
    boundaries (what a user sees is what is judged, §6)."""
    m = Model()
    county = "649000"
    m.add_unit(county, "边界县", None, "county")
    d0, d1 = dt.date(2025, 12, 31), dt.date(2026, 5, 1)
    seq = [0]

    def mo():
        seq[0] += 1
        return "EDGE%06d" % seq[0]

    def births(u, n, male, policy, order3, mothers=0, date=d1):
        out = []
        for i in range(n):
            b = dict(unit=u, date=date, sex="M" if i < male else "F",
                     order=3 if i < order3 else 1, policy=i < policy,
                     mother=mo() if i < mothers else "")
            m.births.append(b)
            out.append(b)
        return out

    def deaths(u, n, date=d1):
        for _ in range(n):
            m.deaths.append(dict(unit=u, date=date, sex="M", age=70))

    def verifs(u, matched, missed, date=d1):
        for b in matched:
            m.verifs.append(dict(unit=u, date=date, mother=b["mother"]))
        for _ in range(missed):
            m.verifs.append(dict(unit=u, date=date, mother=mo()))

    t = ["%s%03d" % (county, i) for i in range(1, 11)]
    for i, u in enumerate(t, 1):
        m.add_unit(u, "边%d镇" % i, county, "township")
    # E1: pop 199500 -> 200500, avg 200000: birth_rate 2301/200000*1000 =
    # 11.504999999999999 -> 11.50 (met; a round-half-up of x*100 gives 11.51);
    # growth 1000/200000*1000 = 5.00; policy 2186/2301 = 95.002 -> 95.00 (met);
    # 3 of 100 verifications missed -> 3.00 (met at the boundary).
    m.pops.append(dict(unit=t[0], date=d0, persons=199500))
    bs = births(t[0], 2301, 1151, 2186, 115, mothers=97)
    deaths(t[0], 1301)
    verifs(t[0], bs[:97], 3)
    # E2: pop 199450, 2301 births, 1200 deaths, 1 out -> avg 200000:
    # growth 1101/200000*1000 = 5.505000000000001 -> 5.51 (missed, veto).
    m.pops.append(dict(unit=t[1], date=d0, persons=199450))
    births(t[1], 2301, 1150, 2301, 0)
    deaths(t[1], 1200)
    m.migs.append(dict(unit=t[1], date=d1, dir="out", persons=1))
    # E3: 32 births, 1 of order 3 -> 3.125 -> 3.12 (ties to even),
    # policy 31/32 -> 96.875 -> 96.88; 1 of 32 verifications missed -> 3.12.
    m.pops.append(dict(unit=t[2], date=d0, persons=3000))
    bs = births(t[2], 32, 16, 31, 1, mothers=31)
    verifs(t[2], bs[:31], 1)
    # 同比 of 2024-02-29 is 2023-02-28, not 2023-03-01 (§14): 3 births on
    # the one, 1 on the other (long before every other query's periods).
    births(t[2], 3, 2, 3, 0, date=dt.date(2023, 2, 28))
    births(t[2], 1, 1, 1, 0, date=dt.date(2023, 3, 1))
    # E4: 33 boys, 32 girls -> sex_ratio 103.125 -> 103.12 (ties to even);
    # policy 61/65; a migration of the largest size (100000 persons).
    m.pops.append(dict(unit=t[3], date=d0, persons=5000))
    births(t[3], 65, 33, 61, 5)
    m.migs.append(dict(unit=t[3], date=dt.date(2026, 6, 1), dir="in", persons=100000))
    # E5: only 2 births and a population snapshot after them (rolled back).
    m.pops.append(dict(unit=t[4], date=dt.date(2026, 9, 30), persons=64000))
    births(t[4], 2, 1, 2, 0, date=dt.date(2026, 3, 15))
    # E6 and E7 tie in a ranking only after rounding the score (§7), both
    # vetoed, birth_error_rate not assessed (sum of weights 75):
    # E6: 1992 + 23 births - 13 deaths + 2 in -> avg 1998, birth_rate
    # 11.5115 -> 11.51: score 100*(50 + 25*(1 - 0.01/11.5))/75 = 99.97101;
    # E7: 10000, 59 births (56 policy), 59 deaths: policy 94.915 -> 94.92:
    # score 100*(50 + 25*(1 - 0.08/95))/75 = 99.97193.  Both 99.97: one rank.
    m.pops.append(dict(unit=t[5], date=d0, persons=1992))
    births(t[5], 23, 12, 23, 0)
    deaths(t[5], 13)
    m.migs.append(dict(unit=t[5], date=d1, dir="in", persons=2))
    m.pops.append(dict(unit=t[6], date=d0, persons=10000))
    births(t[6], 59, 30, 56, 0)
    deaths(t[6], 59)
    # E8 ties with E6 on birth_rate only after rounding (a per-indicator
    # ranking, §7): 1999, 23 births, 23 deaths -> avg 1999, birth_rate
    # 11.5058 -> 11.51 (E6: 11.5115 -> 11.51); score 99.97 as E6 and E7.
    m.pops.append(dict(unit=t[7], date=d0, persons=1999))
    births(t[7], 23, 11, 23, 0)
    deaths(t[7], 23)
    # §15: E9 700 boys, 500 girls (ratio interval above 107: high), E10 400
    # boys, 500 girls (below 103: low).  One mother in E9 on 05-01 and in
    # E10 on 05-31 (30 days: possible double registration) and another on
    # 05-01 and 06-01 (31 days: not).
    m.pops.append(dict(unit=t[8], date=d0, persons=100000))
    births(t[8], 1200, 700, 1200, 0)
    m.pops.append(dict(unit=t[9], date=d0, persons=80000))
    births(t[9], 900, 400, 900, 0)
    for u, date, mother in ((t[8], d1, "DUP1"), (t[9], dt.date(2026, 5, 31), "DUP1"),
                            (t[8], d1, "DUP2"), (t[9], dt.date(2026, 6, 1), "DUP2")):
        m.births.append(dict(unit=u, date=date, sex="F", order=1, policy=True, mother=mother))
    m.prepare()
    return m, county


def write_csv(path, header, rows, rng):
    """§3: header names the columns in any order; UTF-8, optional BOM,
    CRLF or LF."""
    cols = list(header)
    rng.shuffle(cols)
    eol = rng.choice(["\n", "\r\n"])
    bom = "\ufeff" if rng.random() < 0.3 else ""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(bom + ",".join(cols) + eol)
        for r in rows:
            f.write(",".join(str(r[c]) for c in cols) + eol)


def write_files(m, seed, outdir):
    rng = random.Random(seed * 7919 + 1)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "units.tsv"), "w", encoding="utf-8") as f:
        for code, u in m.units.items():
            f.write("%s\t%s\t%s\t%s\n" % (code, u["name"], u["parent"] or "-", u["level"]))
    seq = {}

    def rid(unit, prefix):
        seq[unit] = seq.get(unit, 0) + 1
        return "%s%d" % (prefix, seq[unit])

    zh = lambda: rng.random() < 0.1       # §3's Chinese spellings, now and then
    rows = []
    for b in m.births:
        sex = b["sex"] if not zh() else {"M": "男", "F": "女"}[b["sex"]]
        pol = ("Y" if b["policy"] else "N") if not zh() else ("符合" if b["policy"] else "不符合")
        b["rid"] = rid(b["unit"], "b")
        rows.append(dict(record_id=b["rid"], unit=b["unit"], date=b["date"],
                         sex=sex, birth_order=b["order"], policy=pol, mother_id=b["mother"]))
    write_csv(os.path.join(outdir, "birth.csv"),
              ["record_id", "unit", "date", "sex", "birth_order", "policy", "mother_id"], rows, rng)
    rows = [dict(record_id=rid(r["unit"], "d"), unit=r["unit"], date=r["date"],
                 sex=r["sex"], age=r["age"]) for r in m.deaths]
    write_csv(os.path.join(outdir, "death.csv"),
              ["record_id", "unit", "date", "sex", "age"], rows, rng)
    rows = [dict(record_id=rid(r["unit"], "m"), unit=r["unit"], date=r["date"],
                 direction=r["dir"], persons=r["persons"]) for r in m.migs]
    write_csv(os.path.join(outdir, "migration.csv"),
              ["record_id", "unit", "date", "direction", "persons"], rows, rng)
    rows = [dict(record_id=rid(r["unit"], "p"), unit=r["unit"], date=r["date"],
                 persons=r["persons"]) for r in m.pops]
    write_csv(os.path.join(outdir, "population.csv"),
              ["record_id", "unit", "date", "persons"], rows, rng)
    rows = [dict(record_id=rid(r["unit"], "v"), unit=r["unit"], date=r["date"],
                 mother_id=r["mother"]) for r in m.verifs]
    write_csv(os.path.join(outdir, "verification.csv"),
              ["record_id", "unit", "date", "mother_id"], rows, rng)
    return dict(birth=len(m.births), death=len(m.deaths), migration=len(m.migs),
                population=len(m.pops), verification=len(m.verifs))


def jdate(o):
    if isinstance(o, dt.date):
        return o.isoformat()
    raise TypeError(o)


EDGE_PERIODS = ["2026", "SY2026", "2026H1", "2026Q2", "2026-05", "2026-04D3",
                "2026-05-01", "2026-05-01..2026-05-31", "2026YTD", "2025-12",
                "2024-02-29", "2024-02-21..2024-02-29"]

# The subset of (unit, period) pairs for per-indicator rankings and the CSV
# form: whole year, half year and dekad (annualization), one day and a
# quarter before any record (zeros tie, policy_rate not assessed).  Each
# township ranked gets two of the three township periods, in turn.
IND_PERIODS_COUNTY = ["2026", "2026H1", "2025-11D2", "2026-03-15",
                      "2026YTD@2026-06-30", "2024Q4"]
IND_PERIODS_TOWNSHIP = ["SY2026", "2025Q4", "2026-02D3"]
IND_PERIODS_EDGE = ["2026", "2026-05", "2026-05-01", "2026-04D3", "2025-12"]
CSV_PERIODS = ["2026", "2025-11D2"]
# §15: warning YEAR@AS_OF (a day into the year, mid-year, the last day with
# records, a past year asked after it ended and during it, before the
# year), quality over a year, a half, a month and a dekad.
WARN_QUERIES = ["2026@2026-01-01", "2026@2026-06-30", "2026@2026-11-27",
                "2025@2026-03-01", "2025@2025-02-28", "2026@2025-12-31"]
WARN_EDGE = ["2026@2026-05-31", "2026@2026-11-28"]
QUALITY_PERIODS = ["2026", "2025H2", "2026-03", "2025-11D2"]
QUALITY_EDGE = ["2026", "2026-05"]


def ranked_indicators(profile, alt):
    """Indicators ranked with --indicator: under the defaults every one with
    a target; under "alt" those whose target the admin changes (death_rate
    gets one there)."""
    if profile == "default":
        return [n for n, _, t in INDICATORS if t is not None]
    changed = {a[0] for a in alt}
    return [n for n, _, _ in INDICATORS if n in changed]


def gen(seed, outdir):
    if seed == "edge":
        m, county = generate_edge()
        periods = EDGE_PERIODS
    else:
        seed = int(seed)
        m, county = generate(seed)
        periods = PERIODS
    counts = write_files(m, 0 if seed == "edge" else seed, outdir)
    townships = m.children[county]
    alt = alt_targets(county, townships[0])
    with open(os.path.join(outdir, "targets-alt.txt"), "w") as f:
        for ind, op, T, veto, w, u in alt:
            f.write("%s %s %g %s %d %s\n" % (ind, op, T, "--veto" if veto else "--no-veto",
                                             w, u or "-"))
    villages = [v for t in townships for v in m.children[t]]
    # status: the county, every township, a village with and one without
    # records; ranking: the county and every township with >= 2 villages.
    su = [county] + townships
    with_rec = [v for v in villages if v in m.own_pops]
    without = [v for v in villages if v not in m.own_pops]
    su += with_rec[:1] + without[:1]
    ru = [county] + [t for t in townships if len(m.children[t]) >= 2]
    base = []
    for p in periods:
        for u in su:
            base.append(("s%d" % len(base), "status", u, p))
        for u in ru:
            base.append(("r%d" % len(base), "ranking", u, p))
    # Per-indicator rankings (kind "ranking/NAME") and the CSV form (kind
    # "csv" or "csv/NAME": `ranking --csv`, compared with the JSON of the
    # same ranking) for a subset of (unit, period) pairs, to keep the suite
    # short (and the sanitizer build under ~50 s).
    if seed == "edge":
        ind_pairs = [(county, p) for p in IND_PERIODS_EDGE]
        csv_pairs = [(county, p) for p in IND_PERIODS_EDGE]
    else:
        ind_pairs = [(county, p) for p in IND_PERIODS_COUNTY] + \
            [(t, IND_PERIODS_TOWNSHIP[(i + k) % len(IND_PERIODS_TOWNSHIP)])
             for i, t in enumerate(ru[1:]) for k in range(2)]
        csv_pairs = [(u, p) for u in ru for p in CSV_PERIODS]
    profiles = (("default", []), ("alt", alt))
    for profile, overrides in profiles:
        queries = list(base)

        def add(kind, u, p):
            queries.append(("%s%d" % (kind[0] if kind[0] != "r" else "i", len(queries)),
                            kind, u, p))
        for u, p in csv_pairs:
            add("csv", u, p)
        for u in ru:
            for p in (WARN_EDGE if seed == "edge" else WARN_QUERIES):
                add("warning", u, p)
            for p in (QUALITY_EDGE if seed == "edge" else QUALITY_PERIODS):
                add("quality", u, p)
        for name in ranked_indicators(profile, alt):
            for u, p in ind_pairs:
                add("ranking/" + name, u, p)
            add("csv/" + name, ind_pairs[0][0], ind_pairs[0][1])
        with open(os.path.join(outdir, "queries-%s.tsv" % profile), "w") as f:
            for q in queries:
                f.write("\t".join(q) + "\n")
        m.overrides = overrides
        expected = {}
        for qid, kind, u, p in queries:
            if kind == "warning":
                y, d = p.split("@")
                expected[qid] = m.warning(u, int(y), dt.date.fromisoformat(d))
                continue
            a, b = parse_period(p)
            if kind == "quality":
                expected[qid] = m.quality(u, a, b)
            elif kind == "status":
                expected[qid] = m.status(u, a, b)
            elif kind == "ranking":
                expected[qid] = m.ranking(u, a, b)
            elif kind.startswith("ranking/"):
                expected[qid] = m.indicator_ranking(u, a, b, kind.split("/", 1)[1])
            else:                          # csv: the JSON query it is compared with
                twin = "ranking" + kind[3:]
                expected[qid] = dict(json=[q[0] for q in queries
                                           if q[1:] == (twin, u, p)][0])
        with open(os.path.join(outdir, "expected-%s.json" % profile), "w", encoding="utf-8") as f:
            json.dump(dict(seed=seed, profile=profile, counts=counts,
                           queries={q[0]: list(q[1:]) for q in queries},
                           expected=expected), f, default=jdate, ensure_ascii=False)
    if seed != "edge":
        gen_moved(m, county, periods, counts, outdir, seed)


# Issue 22: after "alt", a village moves to another township from
# MOVE_DAY and another merges into a village of a third one from
# MERGE_DAY; "moved" asks status and ranking of the units whose tree
# changed, over every period (before, across and after the changes).
MOVE_DAY = dt.date(2026, 3, 1)
MERGE_DAY = dt.date(2026, 5, 1)


def gen_moved(m, county, periods, counts, outdir, seed):
    townships = m.children[county]
    tw3 = [t for t in townships if len(m.children[t]) == 3][0]
    towv = [t for t in townships if t in m.own_pops and len(m.children[t]) == 2][0]
    mover, old = m.children[tw3][0], m.children[tw3][1]
    new = m.children[towv][0]
    m.move(mover, towv, MOVE_DAY)
    m.move(old, new, MERGE_DAY, merged=True)
    with open(os.path.join(outdir, "moves.txt"), "w") as f:
        f.write("move %s %s %s\n" % (mover, towv, MOVE_DAY.isoformat()))
        f.write("merge %s %s %s\n" % (old, new, MERGE_DAY.isoformat()))
    queries = []
    for p in periods:
        for u in (county, tw3, towv, mover, old, new):
            queries.append(("s%d" % len(queries), "status", u, p))
        for u in (county, tw3, towv):
            queries.append(("r%d" % len(queries), "ranking", u, p))
    with open(os.path.join(outdir, "queries-moved.tsv"), "w") as f:
        for q in queries:
            f.write("\t".join(q) + "\n")
    expected = {}
    for qid, kind, u, p in queries:
        a, b = parse_period(p)
        expected[qid] = m.status(u, a, b) if kind == "status" else m.ranking(u, a, b)
    with open(os.path.join(outdir, "expected-moved.json"), "w", encoding="utf-8") as f:
        json.dump(dict(seed=seed, profile="moved", counts=counts,
                       queries={q[0]: list(q[1:]) for q in queries},
                       expected=expected), f, default=jdate, ensure_ascii=False)


# ---------------------------------------------------------------- comparison
def fmt(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)):
        return "%.2f" % v
    return str(v)


def compare(outdir, profile):
    with open(os.path.join(outdir, "expected-%s.json" % profile), encoding="utf-8") as f:
        E = json.load(f)
    seed = "%s (%s targets)" % (E["seed"], profile)
    out = []

    def check(qdesc, field, exp, got):
        if fmt(exp) != fmt(got):
            out.append("FAIL seed %s %s field %s: expected %s, got %s"
                       % (seed, qdesc, field, fmt(exp), fmt(got)))

    for qid, (kind, unit, period) in E["queries"].items():
        before = len(out)
        compare_one(E, seed, qid, kind, unit, period, outdir, profile, out, check)
        if len(out) == before:
            out.append("OK")
    print("\n".join(out))


def compare_one(E, seed, qid, kind, unit, period, outdir, profile, out, check):
    """Append a FAIL line to out for each field of query qid that differs."""
    exp = E["expected"][qid]
    qdesc = "%s unit %s period %s" % (kind, unit, period)
    if kind in ("warning", "quality"):
        compare_s15(seed, qid, kind, qdesc, exp, outdir, profile, out, check)
        return
    if kind.startswith("csv"):
        compare_csv(E, seed, qid, qdesc, outdir, profile, out, check)
        return
    try:
        with open(os.path.join(outdir, "out-" + profile, qid + ".rc")) as f:
            rc = f.read().strip()
        with open(os.path.join(outdir, "out-" + profile, qid + ".json"), encoding="utf-8") as f:
            txt = f.read()
        got = json.loads(txt) if rc == "0" else None
    except (OSError, ValueError) as e:
        got, rc = None, "unparsable output (%s)" % e
    if got is None:
        out.append("FAIL seed %s %s: exit %s" % (seed, qdesc, rc))
        return
    gp = got.get("period") or {}
    for k in ("start", "end", "days"):
        check(qdesc, "period." + k, exp["period"][k], gp.get(k))
    if kind == "status":
        check(qdesc, "unit", exp["unit"], got.get("unit"))
        check(qdesc, "name", exp["name"], got.get("name"))
        gc = got.get("counters") or {}
        for k in COUNTERS:
            check(qdesc, "counters." + k, exp["counters"][k], gc.get(k))
        check(qdesc, "status", exp["status"], got.get("status"))
        check(qdesc, "score", exp["score"], got.get("score"))
        gi = {i.get("name"): i for i in got.get("indicators") or []}
        for ei in exp["indicators"]:
            g = gi.get(ei["name"])
            if g is None:
                out.append("FAIL seed %s %s: indicator %s missing" % (seed, qdesc, ei["name"]))
                continue
            for k in ("value", "annualized", "judged", "result"):
                check(qdesc, "%s.%s" % (ei["name"], k), ei[k], g.get(k))
            if "yoy" not in g:
                out.append("FAIL seed %s %s: %s has no yoy" % (seed, qdesc, ei["name"]))
            else:
                check(qdesc, ei["name"] + ".yoy", yoy_text(ei["yoy"]), yoy_text(g["yoy"]))
            gt = g.get("target")
            gts = None if gt is None else [gt.get("op"), gt.get("value"), gt.get("veto"), gt.get("weight")]
            check(qdesc, ei["name"] + ".target",
                  None if ei["target"] is None else " ".join(map(fmt, ei["target"])),
                  None if gts is None else " ".join(map(fmt, gts)))
    else:
        rows = got.get("rows") or []
        check(qdesc, "parent", exp["parent"], got.get("parent"))
        check(qdesc, "units", " ".join(sorted(r["unit"] for r in exp["rows"])),
              " ".join(sorted(str(r.get("unit")) for r in rows)))
        # Every row is compared, rank included (None: "rank": null for a
        # unit with no score, or no value in a per-indicator ranking).  Its
        # top-level "indicator" member (the server echoes NAME) is not in
        # §12: not compared.
        byunit = {r.get("unit"): r for r in rows}
        for er in exp["rows"]:
            g = byunit.get(er["unit"])
            if g is None:
                continue
            rdesc = "%s row %s" % (qdesc, er["unit"])
            check(rdesc, "name", er["name"], g.get("name"))
            check(rdesc, "status", er["status"], g.get("status"))
            check(rdesc, "score", er["score"], g.get("score"))
            check(rdesc, "rank", er["rank"], g.get("rank"))
            gi = g.get("indicators") or {}
            for name, v in er["indicators"].items():
                check(rdesc, "indicators." + name, v, gi.get(name))
            gy = g.get("yoy")
            if not isinstance(gy, dict):
                out.append("FAIL seed %s %s: no yoy object" % (seed, rdesc))
                continue
            check(rdesc, "yoy keys", " ".join(sorted(er["yoy"])), " ".join(sorted(gy)))
            for name, y in er["yoy"].items():
                check(rdesc, "yoy." + name, yoy_text(y), yoy_text(gy.get(name)))
        # rows come in the expected order (rank order, the unranked last)
        check(qdesc, "rows order", " ".join(r["unit"] for r in exp["rows"]),
              " ".join(str(r.get("unit")) for r in rows))


def compare_s15(seed, qid, kind, qdesc, exp, outdir, profile, out, check):
    """`warning --json` and `quality --json` (§15) field by field: every
    row (unit, name, and per indicator projected, headroom, risk at 4
    decimals, level) and the row order; every flag (unit, check, each
    detail member) in order."""
    try:
        with open(os.path.join(outdir, "out-" + profile, qid + ".rc")) as f:
            rc = f.read().strip()
        with open(os.path.join(outdir, "out-" + profile, qid + ".json"), encoding="utf-8") as f:
            got = json.loads(f.read()) if rc == "0" else None
    except (OSError, ValueError) as e:
        got, rc = None, "unparsable output (%s)" % e
    if got is None:
        out.append("FAIL seed %s %s: exit %s" % (seed, qdesc, rc))
        return
    r4s = lambda v: "null" if v is None else "%.4f" % v
    check(qdesc, "parent", exp["parent"], got.get("parent"))
    if kind == "warning":
        check(qdesc, "year", exp["year"], got.get("year"))
        check(qdesc, "as_of", exp["as_of"], got.get("as_of"))
        rows = got.get("rows") or []
        check(qdesc, "rows order", " ".join(r["unit"] for r in exp["rows"]),
              " ".join(str(r.get("unit")) for r in rows))
        byunit = {r.get("unit"): r for r in rows}
        for er in exp["rows"]:
            g = byunit.get(er["unit"])
            if g is None:
                continue
            rdesc = "%s row %s" % (qdesc, er["unit"])
            check(rdesc, "name", er["name"], g.get("name"))
            gi = g.get("indicators") or {}
            check(rdesc, "indicators", " ".join(sorted(er["indicators"])), " ".join(sorted(gi)))
            for name, ec in er["indicators"].items():
                gc = gi.get(name) or {}
                check(rdesc, name + " keys", "headroom level projected risk", " ".join(sorted(gc)))
                check(rdesc, name + ".projected", ec["projected"], gc.get("projected"))
                check(rdesc, name + ".headroom", "null" if ec["headroom"] is None else str(ec["headroom"]),
                      "null" if gc.get("headroom") is None else str(gc.get("headroom")))
                check(rdesc, name + ".risk", r4s(ec["risk"]), r4s(gc.get("risk")))
                check(rdesc, name + ".level", ec["level"], gc.get("level"))
        return
    gp = got.get("period") or {}
    for k in ("start", "end", "days"):
        check(qdesc, "period." + k, exp["period"][k], gp.get(k))
    flags = got.get("flags") or []
    check(qdesc, "flags", " ".join("%s:%s" % (f["unit"], f["check"]) for f in exp["flags"]),
          " ".join("%s:%s" % (f.get("unit"), f.get("check")) for f in flags))
    for i, (ef, gf) in enumerate(zip(exp["flags"], flags)):
        fdesc = "%s flag %d (%s %s)" % (qdesc, i + 1, ef["unit"], ef["check"])
        gd = gf.get("detail") or {}
        check(fdesc, "detail keys", " ".join(sorted(ef["detail"])), " ".join(sorted(gd)))
        for k, v in ef["detail"].items():
            if k == "probability":
                check(fdesc, k, r4s(v), r4s(gd.get(k)))
            elif isinstance(v, list):
                check(fdesc, k, " ".join(v), " ".join(gd.get(k) or []))
            else:
                check(fdesc, k, v, gd.get(k))


def compare_csv(E, seed, qid, qdesc, outdir, profile, out, check):
    """`ranking --csv` against the server's own `ranking --json` of the same
    query (which is compared with the model on its own): the same rows in
    the same order, the same rank, unit, name, status, and the same score and
    indicator values at 2 decimals (an empty CSV cell is JSON null).  The CSV
    form is not fixed by §12: columns are found by the names of the header
    row (here: rank, unit, name, status, score, then one per indicator), and
    the header must name the five and every indicator of the JSON rows."""
    twin = E["expected"][qid]["json"]
    d = os.path.join(outdir, "out-" + profile)
    try:
        with open(os.path.join(d, qid + ".rc")) as f:
            rc = f.read().strip()
        with open(os.path.join(d, qid + ".csv"), encoding="utf-8-sig", newline="") as f:
            table = list(csv.reader(f))
        with open(os.path.join(d, twin + ".rc")) as f:
            trc = f.read().strip()
        with open(os.path.join(d, twin + ".json"), encoding="utf-8") as f:
            j = json.loads(f.read()) if trc == "0" else None
    except (OSError, ValueError, csv.Error) as e:
        out.append("FAIL seed %s %s: unreadable output (%s)" % (seed, qdesc, e))
        return
    if rc != "0" or not table:
        out.append("FAIL seed %s %s: exit %s, %d lines" % (seed, qdesc, rc, len(table)))
        return
    if j is None:
        out.append("FAIL seed %s %s: its JSON twin %s failed (exit %s)" % (seed, qdesc, twin, trc))
        return
    header, body = table[0], table[1:]
    jrows = j.get("rows") or []
    names = []
    for r in jrows:
        for n in (r.get("indicators") or {}):
            if n not in names:
                names.append(n)
    missing = [c for c in ["rank", "unit", "name", "status", "score"] + names if c not in header]
    if missing:
        out.append("FAIL seed %s %s: CSV header %s lacks %s" % (seed, qdesc, ",".join(header),
                                                             " ".join(missing)))
        return
    col = {c: i for i, c in enumerate(header)}
    check(qdesc, "csv rows", len(jrows), len(body))
    for i, (jr, cr) in enumerate(zip(jrows, body)):
        if len(cr) != len(header):
            out.append("FAIL seed %s %s: CSV row %d has %d cells, header %d"
                       % (seed, qdesc, i + 1, len(cr), len(header)))
            continue
        cell = lambda c: cr[col[c]]
        num = lambda c: None if cell(c) == "" else float(cell(c))
        rdesc = "%s csv row %d" % (qdesc, i + 1)
        try:
            check(rdesc, "rank", jr.get("rank"),
                  None if cell("rank") == "" else int(cell("rank")))
            for c in ("unit", "name", "status"):
                check(rdesc, c, jr.get(c), cell(c))
            check(rdesc, "score", jr.get("score"), num("score"))
            for n in names:
                check(rdesc, n, (jr.get("indicators") or {}).get(n), num(n))
        except ValueError as e:
            out.append("FAIL seed %s %s: not a number (%s)" % (seed, rdesc, e))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "gen":
        gen(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "counts":
        with open(os.path.join(sys.argv[2], "expected-default.json"), encoding="utf-8") as f:
            for k, v in json.load(f)["counts"].items():
                print(k, v)
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
