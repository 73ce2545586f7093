"""The two-year county fixture of test_outputs.sh and test_xlsx.sh.

write(f, spec) writes into directory f the files those suites load:
units.tsv (code, name), births.csv, deaths.csv, pop.csv and verif.csv, so
that every target indicator has a value in 2025 and in 2026 (for 同比).
spec maps a unit code to (name, population on 2024-12-31, births 2025,
births 2026, deaths 2025, deaths 2026, births against the policy in 2026,
verifications of 2026 that match no birth).
"""


def write(f, spec):
    with open(f + '/units.tsv', 'w') as u:
        for code, s in spec.items():
            u.write('%s\t%s\n' % (code, s[0]))
    with open(f + '/births.csv', 'w') as b, open(f + '/deaths.csv', 'w') as d, \
            open(f + '/pop.csv', 'w') as p, open(f + '/verif.csv', 'w') as v:
        b.write('record_id,unit,date,sex,birth_order,policy,mother_id\n')
        d.write('record_id,unit,date,sex,age\n')
        p.write('record_id,unit,date,persons\n')
        v.write('record_id,unit,date,mother_id\n')
        for code, (name, pop, b25, b26, d25, d26, pn, um) in spec.items():
            p.write('P-%s,%s,2024-12-31,%d\n' % (code, code, pop))
            for y, n in ((2025, b25), (2026, b26)):
                for i in range(n):
                    pol = 'N' if y == 2026 and i < pn else 'Y'
                    b.write('B%d-%s-%d,%s,%d-%02d-15,%s,%d,%s,M%d%s%02d\n' % (
                        y, code, i, code, y, 1 + i % 10, 'MF'[i % 2],
                        3 if i % 7 == 6 else 1, pol, y, code, i))
            for y, n in ((2025, d25), (2026, d26)):
                for i in range(n):
                    d.write('D%d-%s-%d,%s,%d-%02d-20,%s,80\n' % (
                        y, code, i, code, y, 1 + i % 10, 'MF'[i % 2]))
            for y in (2025, 2026):
                for i in range(4):
                    mother = 'NOBIRTH%d%s' % (y, code) \
                        if y == 2026 and i < um else 'M%d%s%02d' % (y, code, i)
                    v.write('V%d-%s-%d,%s,%d-%02d-15,%s\n' % (
                        y, code, i, code, y, 1 + i % 10, mother))
