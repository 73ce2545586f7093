#!/usr/bin/env python3
"""Generate a synthetic demo county: one year of records for 12 townships.

Deterministic (fixed seed).  Writes units.txt and one CSV per record kind
into the output directory.  Some townships are built to miss targets: a high
birth rate, low policy compliance, births found by inspection but never
reported; one township has no verification at all.
"""
import datetime
import os
import random
import sys

out = sys.argv[1]
year = int(sys.argv[2]) if len(sys.argv) > 2 else 2025
rnd = random.Random(610328)

county = ("610328", "陇县")
townships = [
    ("610328100", "城关镇", 52000, 9.8, 0.99, 0.00),
    ("610328101", "东风镇", 31000, 10.4, 0.98, 0.02),
    ("610328102", "八渡镇", 24000, 12.6, 0.97, 0.01),   # birth rate too high
    ("610328103", "温水镇", 18500, 9.1, 0.93, 0.00),    # policy rate too low
    ("610328104", "天成镇", 21000, 10.9, 0.98, 0.08),   # unreported births
    ("610328105", "曹家湾镇", 16800, 8.7, 0.99, 0.00),
    ("610328106", "固关镇", 27500, 11.2, 0.96, 0.01),
    ("610328107", "东南镇", 22300, 9.5, 0.98, 0.00),
    ("610328108", "河北镇", 19900, 10.1, 0.99, 0.02),
    ("610328109", "新集川镇", 12400, 8.9, 0.98, 0.00),
    ("610328110", "杜阳镇", 14600, 10.6, 0.95, 0.00),
    ("610328111", "关山林场", 3100, 7.8, 1.00, None),   # no verification
]

def days_of(y):
    d = datetime.date(y, 1, 1)
    while d.year == y:
        yield d
        d += datetime.timedelta(days=1)

def pick_day():
    return datetime.date(year, 1, 1) + datetime.timedelta(
        days=rnd.randrange(365 + (year % 4 == 0)))

with open(os.path.join(out, "units.txt"), "w") as f:
    f.write(f"{county[0]} {county[1]} - county\n")
    for code, name, *_ in townships:
        f.write(f"{code} {name} {county[0]} township\n")

b = open(os.path.join(out, "births.csv"), "w")
d = open(os.path.join(out, "deaths.csv"), "w")
m = open(os.path.join(out, "migration.csv"), "w")
p = open(os.path.join(out, "population.csv"), "w")
v = open(os.path.join(out, "verification.csv"), "w")
b.write("record_id,unit,date,sex,birth_order,policy,mother_id\n")
d.write("record_id,unit,date,sex,age\n")
m.write("record_id,unit,date,direction,persons\n")
p.write("record_id,unit,date,persons\n")
v.write("record_id,unit,date,mother_id\n")

for code, name, pop, rate, policy, unreported in townships:
    p.write(f"P{year - 1}-{code},{code},{year - 1}-12-31,{pop}\n")
    births = round(pop * rate / 1000)
    deaths = round(pop * rnd.uniform(5.0, 6.8) / 1000)
    for i in range(births):
        day = pick_day()
        mother = f"6103281{rnd.randrange(10**10):010d}"
        order = rnd.choices([1, 2, 3], [55, 42, 3])[0]
        pol = "Y" if rnd.random() < policy else "N"
        sex = rnd.choice("MF")
        b.write(f"B{year}-{code}-{i:05d},{code},{day},{sex},{order},{pol},{mother}\n")
        # Inspectors visit about one household in six.
        if unreported is not None and rnd.random() < 1 / 6:
            v.write(f"V{year}-{code}-{i:05d},{code},{day},{mother}\n")
    if unreported:
        for i in range(max(1, round(births * unreported / 6))):
            day = pick_day()
            v.write(f"V{year}-{code}-X{i:04d},{code},{day},"
                    f"6103289{rnd.randrange(10**10):010d}\n")
    for i in range(deaths):
        d.write(f"D{year}-{code}-{i:05d},{code},{pick_day()},"
                f"{rnd.choice('MF')},{rnd.randrange(40, 98)}\n")
    for i in range(rnd.randrange(20, 60)):
        m.write(f"M{year}-{code}-{i:04d},{code},{pick_day()},"
                f"{rnd.choice(['in', 'out'])},{rnd.randrange(1, 6)}\n")

for f in (b, d, m, p, v):
    f.close()
