#!/usr/bin/env bash
# Submitting records: the five kinds, CSV variants, idempotency, every
# rejection reason, scope by role, mother_id privacy, verification matching,
# a large file.  Counters are checked white-box in the daily table.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
start_server

# ---------------------------------------------------------------- helpers
# has_rec UNIT RECORD_ID: 1 if stored, else 0.
has_rec() {
	sql "select count(*) from records where unit_id =
	    (select id from units where code = '$1') and record_id = '$2'"
}
# Everything a submission can change, as one fingerprint.
snapshot() {
	sql "select * from daily order by unit_id, day;
	     select unit_id, record_id, kind, day, sex, birth_order, policy,
	       hex(mother_hash), age, direction, persons, matched
	       from records order by unit_id, record_id;" | md5sum
}
# expect_nlines PATTERN N DESC: stdout has N lines matching the ERE.
expect_nlines() {
	local n
	n=$(printf '%s\n' "$OUT" | grep -cE -- "$1")
	expect_eq "$n" "$2" "$3"
}
F=$WORK/f
mkdir -p "$F"

# ---------------------------------------------------------------- set-up
expect_rc 0 "add county" "$PS" unit add 610328 陇县 --level county
expect_rc 0 "add township 101" "$PS" unit add 610328101 城关镇 --parent 610328 --level township
expect_rc 0 "add township 102" "$PS" unit add 610328102 东风镇 --parent 610328 --level township
expect_rc 0 "add village" "$PS" unit add 610328101001 东关村 --parent 610328101 --level village
expect_rc 0 "add clerk" "$PS" user add clerk101 --role clerk --unit 610328101
CLERK=$OUT
expect_rc 0 "add inspector" "$PS" user add insp1 --role inspector
INSPECTOR=$OUT
expect_rc 0 "add viewer" "$PS" user add view1 --role viewer
VIEWER=$OUT
expect_rc 0 "add a department" "$PS" dept add JSJ 计生局
expect_rc 0 "add department" "$PS" user add dept1 --role department --dept JSJ
DEPT=$OUT
expect_eq "$(printf '%s\n%s\n%s\n%s\n' "$CLERK" "$INSPECTOR" "$VIEWER" "$DEPT" | grep -cE '^pst_[0-9a-f]+$')" 4 "four tokens"

# ---------------------------------------------------------------- every kind
cat > "$F/birth.csv" <<'EOF'
record_id,unit,date,sex,birth_order,policy,mother_id
b1,610328101,2026-01-05,M,1,Y,
b2,610328101,2026-01-05,F,2,Y,
b3,610328101,2026-01-05,F,3,N,
b4,610328101,2026-01-06,M,4,Y,
EOF
expect_rc 0 "submit births" "$PS" submit "$F/birth.csv"
expect_last "accepted 4, duplicate 0, rejected 0" "births accepted"
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 1 "clean submit prints only the totals"
expect_eq "$(sql "select day from records where record_id = 'b1'")" "$(dnum 2026-01-05)" "day stored as day number"
expect_eq "$(ctr 610328101 births 2026-01-05)" 3 "births on 01-05"
expect_eq "$(ctr 610328101 births_male 2026-01-05)" 1 "births_male on 01-05"
expect_eq "$(ctr 610328101 births_female 2026-01-05)" 2 "births_female on 01-05"
expect_eq "$(ctr 610328101 births_policy 2026-01-05)" 2 "births_policy on 01-05"
expect_eq "$(ctr 610328101 births_order3 2026-01-05)" 1 "births_order3 on 01-05"
expect_eq "$(ctr 610328101 births 2026-01-06)" 1 "births on 01-06"
expect_eq "$(ctr 610328101 births_order3 2026-01-06)" 1 "births_order3 on 01-06 (order 4)"
expect_eq "$(ctr 610328101 births_policy 2026-01-06)" 1 "births_policy on 01-06"
expect_eq "$(ctr 610328 births 2026-01-01 2026-01-31)" 0 "counters kept on the record's own unit"
expect_eq "$(nrec 610328101 'kind = 1')" 4 "four birth records"
expect_eq "$(sql "select count(*) from records where mother_hash is not null")" 0 "empty mother_id stores no hash"

cat > "$F/death.csv" <<'EOF'
record_id,unit,date,sex,age
d1,610328101,2026-01-07,M,80
d2,610328101,2026-01-07,F,0
d3,610328101,2026-01-08,男,130
EOF
expect_rc 0 "submit deaths" "$PS" submit "$F/death.csv"
expect_last "accepted 3, duplicate 0, rejected 0" "deaths accepted"
expect_eq "$(ctr 610328101 deaths 2026-01-07)" 2 "deaths on 01-07"
expect_eq "$(ctr 610328101 deaths 2026-01-08)" 1 "deaths on 01-08"
expect_eq "$(ctr 610328101 births 2026-01-07 2026-01-08)" 0 "deaths add no births"
expect_eq "$(sql "select age from records where record_id = 'd3'")" 130 "age stored"

cat > "$F/migration.csv" <<'EOF'
record_id,unit,date,direction,persons
m1,610328101,2026-01-09,in,5
m2,610328101,2026-01-09,out,3
m3,610328101,2026-01-09,in,2
m4,610328101,2026-01-10,out,100000
EOF
expect_rc 0 "submit migration" "$PS" submit "$F/migration.csv"
expect_last "accepted 4, duplicate 0, rejected 0" "migration accepted"
expect_eq "$(ctr 610328101 mig_in 2026-01-09)" 7 "mig_in sums persons"
expect_eq "$(ctr 610328101 mig_out 2026-01-09)" 3 "mig_out on 01-09"
expect_eq "$(ctr 610328101 mig_out 2026-01-10)" 100000 "mig_out 100000 (upper bound)"
expect_eq "$(ctr 610328101 mig_in 2026-01-10)" 0 "no mig_in on 01-10"

cat > "$F/population.csv" <<'EOF'
record_id,unit,date,persons
p1,610328101,2025-12-31,20000
p2,610328102,2025-12-31,15000
EOF
expect_rc 0 "submit population" "$PS" submit "$F/population.csv"
expect_last "accepted 2, duplicate 0, rejected 0" "population accepted"
expect_eq "$(nrec 610328101 'kind = 4 and persons = 20000')" 1 "population of 101 stored"
expect_eq "$(nrec 610328102 'kind = 4 and persons = 15000')" 1 "population of 102 stored"
expect_eq "$(sql "select count(*) from daily where day = $(dnum 2025-12-31) and (births or deaths or mig_in or mig_out or verified or verified_missed)")" 0 "population adds no base counters"
expect_eq "$(sql "select sum(records) from daily where day = $(dnum 2025-12-31)")" 2 "population records are counted for timeliness"
printf 'record_id,unit,date,persons\np3,610328101,2025-12-31,20001\n' > "$F/pop_conflict.csv"
expect_rc 1 "second population for the same day" "$PS" submit "$F/pop_conflict.csv"
expect_line "line 2: persons: population of 610328101 on this date is already 20000 (record p1); amend that record" "population clash message"
expect_last "accepted 0, duplicate 0, rejected 1" "population clash counted"

cat > "$F/verification.csv" <<'EOF'
record_id,unit,date,mother_id
v1,610328101,2026-01-20,610328199001011113
EOF
expect_rc 0 "submit verification" "$PS" submit "$F/verification.csv"
expect_last "accepted 1, duplicate 0, rejected 0" "verification accepted"
expect_eq "$(ctr 610328101 verified 2026-01-20)" 1 "verified counted"
expect_eq "$(ctr 610328101 verified_missed 2026-01-20)" 1 "verification without birth is missed"
expect_eq "$(sql "select length(mother_hash) from records where record_id = 'v1'")" 32 "mother_id kept as a 32-byte hash"

# ---------------------------------------------------------------- CSV variants
# Columns in another order, no mother_id column; the kind is guessed.
cat > "$F/reorder.csv" <<'EOF'
sex,date,policy,unit,birth_order,record_id
F,2026-02-01,Y,610328102,1,ro1
M,2026-02-01,N,610328102,3,ro2
EOF
expect_rc 0 "reordered columns" "$PS" submit "$F/reorder.csv"
expect_last "accepted 2, duplicate 0, rejected 0" "reordered columns accepted"
expect_eq "$(sql "select sex || birth_order || policy from records where record_id = 'ro2'")" "130" "reordered fields land in the right columns (M, 3, N)"
expect_eq "$(ctr 610328102 births_order3 2026-02-01)" 1 "reordered order3"
expect_eq "$(ctr 610328102 births_policy 2026-02-01)" 1 "reordered policy"

# UTF-8 BOM (LF), CRLF (no BOM), and both.
printf '\xef\xbb\xbfrecord_id,unit,date,sex,age\nbom1,610328102,2026-02-02,M,70\n' > "$F/bom.csv"
expect_rc 0 "BOM" "$PS" submit "$F/bom.csv"
expect_last "accepted 1, duplicate 0, rejected 0" "BOM file accepted"
printf 'record_id,unit,date,sex,age\r\ncr1,610328102,2026-02-02,F,71\r\ncr2,610328102,2026-02-02,F,72\r\n' > "$F/crlf.csv"
expect_rc 0 "CRLF" "$PS" submit "$F/crlf.csv"
expect_last "accepted 2, duplicate 0, rejected 0" "CRLF file accepted"
expect_eq "$(sql "select age from records where record_id = 'cr2'")" 72 "CRLF: last field has no CR"
printf '\xef\xbb\xbfrecord_id,unit,date,direction,persons\r\nbc1,610328102,2026-02-02,out,4\r\nbc2,610328102,2026-02-02,sideways,4\r\n' > "$F/bomcrlf.csv"
expect_rc 1 "BOM and CRLF" "$PS" submit "$F/bomcrlf.csv"
expect_line "line 3: direction: 'sideways' is not in, out, 迁入 or 迁出" "BOM+CRLF keeps line numbers"
expect_last "accepted 1, duplicate 0, rejected 1" "BOM+CRLF counts"
expect_eq "$(ctr 610328102 deaths 2026-02-02)" 3 "BOM/CRLF deaths counted"
expect_eq "$(ctr 610328102 mig_out 2026-02-02)" 4 "BOM/CRLF migration counted"

# Quoted fields with commas and doubled quotes; mother_id with a comma.
cat > "$F/quoted.csv" <<'EOF'
record_id,unit,date,sex,birth_order,policy,mother_id
"q,1","610328102","2026-02-03","F","1","Y","Zhang, register 12"
"q""2",610328102,2026-02-03,M,"2",N,"a ""quoted"" id"
EOF
expect_rc 0 "quoted fields" "$PS" submit "$F/quoted.csv"
expect_last "accepted 2, duplicate 0, rejected 0" "quoted fields accepted"
expect_eq "$(has_rec 610328102 'q,1')" 1 "record_id with a comma stored"
expect_eq "$(has_rec 610328102 'q"2')" 1 "record_id with a quote stored"
expect_eq "$(ctr 610328102 births 2026-02-03)" 2 "quoted births counted"

# Chinese spellings.
cat > "$F/chinese.csv" <<'EOF'
record_id,unit,date,sex,birth_order,policy,mother_id
zh1,610328102,2026-02-04,男,1,符合,
zh2,610328102,2026-02-04,女,1,不符合,
zh3,610328102,2026-02-04,女,3,符合,
EOF
expect_rc 0 "Chinese spellings" "$PS" submit "$F/chinese.csv"
expect_last "accepted 3, duplicate 0, rejected 0" "Chinese spellings accepted"
expect_eq "$(ctr 610328102 births_male 2026-02-04)" 1 "男 is male"
expect_eq "$(ctr 610328102 births_female 2026-02-04)" 2 "女 is female"
expect_eq "$(ctr 610328102 births_policy 2026-02-04)" 2 "符合 is compliant, 不符合 is not"
expect_eq "$(ctr 610328102 births_order3 2026-02-04)" 1 "order3 with Chinese spellings"

# --kind given explicitly, also the plural; a kind that does not fit.
printf 'record_id,unit,date,sex,age\nk1,610328102,2026-02-05,M,60\n' > "$F/kind.csv"
expect_rc 0 "--kind death" "$PS" submit "$F/kind.csv" --kind death
expect_last "accepted 1, duplicate 0, rejected 0" "--kind death accepted"
printf 'record_id,unit,date,sex,age\nk2,610328102,2026-02-05,F,61\n' > "$F/kind2.csv"
expect_rc 0 "--kind deaths (plural)" "$PS" submit --kind deaths "$F/kind2.csv"
expect_eq "$(ctr 610328102 deaths 2026-02-05)" 2 "explicit-kind deaths counted"
expect_rc 1 "--kind birth on a death file" "$PS" submit "$F/kind.csv" --kind birth
expect_out "line 1: " "wrong kind names the header line"
expect_rc 2 "--kind nonsense" "$PS" submit "$F/kind.csv" --kind marriage
printf 'record_id,unit,date,mother_id\nkv1,610328102,2026-02-06,KINDMOTHER01\n' > "$F/kindv.csv"
expect_rc 1 "--kind birth on a verification header" "$PS" submit "$F/kindv.csv" --kind birth
expect_line "line 1: sex: required column missing for birth records" "explicit kind checks required columns"
expect_eq "$(has_rec 610328102 kv1)" 0 "nothing stored for a refused header"
expect_rc 0 "kind guessed: verification" "$PS" submit "$F/kindv.csv"
expect_eq "$(nrec 610328102 "record_id = 'kv1' and kind = 5")" 1 "guessed verification stored as kind 5"
expect_rc 0 "kind guessed: population" "$PS" submit /dev/stdin <<'EOF'
record_id,unit,date,persons
kp1,610328101001,2025-12-31,900
EOF
expect_eq "$(nrec 610328101001 'kind = 4')" 1 "guessed population stored as kind 4"

# Standard input with '-'.
printf 'record_id,unit,date,direction,persons\nsi1,610328102,2026-02-07,in,9\nsi2,610328102,2026-02-07,迁出,2\n' > "$F/stdin.csv"
expect_rc 0 "stdin" sh -c 'exec "$0" submit - < "$1"' "$PS" "$F/stdin.csv"
expect_last "accepted 2, duplicate 0, rejected 0" "stdin accepted"
expect_eq "$(ctr 610328102 mig_in 2026-02-07)" 9 "stdin migration in"
expect_eq "$(ctr 610328102 mig_out 2026-02-07)" 2 "stdin migration out (迁出)"
expect_rc 0 "stdin with --kind" sh -c 'exec "$0" submit --kind migration - < "$1"' "$PS" "$F/stdin.csv"
expect_last "accepted 0, duplicate 2, rejected 0" "stdin resend is duplicate"

# Blank lines and quoted line breaks keep physical line numbers.
printf 'record_id,unit,date,sex,age\n\n"nl\nid",610328102,2026-02-08,M,50\nok_nl,610328102,2026-02-08,M,50\n\nbad_nl,610328102,2026-02-08,M,131\n' > "$F/lines.csv"
expect_rc 1 "line numbering" "$PS" submit "$F/lines.csv"
expect_line "line 3: record_id: 'nl?id' must be printable ASCII characters" "quoted line break in record_id"
expect_line "line 7: age: 131 is out of range 0-130" "line after blank and quoted break"
expect_last "accepted 1, duplicate 0, rejected 2" "line numbering counts"
printf 'record_id,unit,date,sex,age\nu1,610328102,2026-02-09,M,50\n"u2,610328102,2026-02-09,M,50\n' > "$F/unterminated.csv"
expect_rc 1 "unterminated quote" "$PS" submit "$F/unterminated.csv"
expect_line "line 3: csv: unterminated quoted field" "unterminated quote reported"
expect_last "accepted 1, duplicate 0, rejected 1" "row before the bad quote stored"

# ---------------------------------------------------------------- idempotency
S0=$(snapshot)
for k in birth death migration population verification; do
	expect_rc 0 "resend $k" "$PS" submit "$F/$k.csv"
	expect_out "accepted 0, duplicate " "resend $k accepts nothing"
	expect_out ", rejected 0" "resend $k rejects nothing"
done
run "$PS" submit "$F/birth.csv"
expect_last "accepted 0, duplicate 4, rejected 0" "resent births are 4 duplicates"
expect_eq "$(snapshot)" "$S0" "resending changes nothing"

printf 'record_id,unit,date,sex,birth_order,policy,mother_id\nb1,610328101,2026-01-05,F,1,Y,\n' > "$F/conflict.csv"
expect_rc 1 "same record_id, other content" "$PS" submit "$F/conflict.csv"
expect_line "line 2: record_id: conflict: b1 is already stored with different content (use amend to change it)" "conflict names record_id"
expect_last "accepted 0, duplicate 0, rejected 1" "conflict counted as rejected"
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\nb1,610328101,2026-01-05,男,1,符合,\n b2 ,610328101, 2026-01-05 ,女,2,y,\n' > "$F/samezh.csv"
expect_rc 0 "same content, other spelling" "$PS" submit "$F/samezh.csv"
expect_last "accepted 0, duplicate 2, rejected 0" "男/符合/blanks spelling is a duplicate"
printf 'record_id,unit,date,sex,age\nb1,610328101,2026-01-05,M,1\n' > "$F/crosskind.csv"
expect_rc 1 "record_id reused by another kind" "$PS" submit "$F/crosskind.csv"
expect_out "line 2: record_id: conflict: b1" "cross-kind reuse is a conflict"
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\nb1,610328101,2026-01-05,M,1,Y,SOMEMOTHER77\n' > "$F/addmother.csv"
expect_rc 1 "same record plus a mother_id" "$PS" submit "$F/addmother.csv"
expect_out "line 2: record_id: conflict: b1" "adding a mother_id is a conflict"
expect_eq "$(snapshot)" "$S0" "conflicts and duplicates change nothing"
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\nb1,610328102,2026-01-05,F,1,Y,\n' > "$F/otherunit.csv"
expect_rc 0 "same record_id in another unit" "$PS" submit "$F/otherunit.csv"
expect_last "accepted 1, duplicate 0, rejected 0" "record_id is unique per unit only"
printf 'record_id,unit,date,sex,age\ndd1,610328102,2026-02-10,M,50\ndd1,610328102,2026-02-10,M,50\ndd1,610328102,2026-02-10,M,51\n' > "$F/dupinfile.csv"
expect_rc 1 "repeats inside one file" "$PS" submit "$F/dupinfile.csv"
expect_line "line 4: record_id: conflict: dd1 is already stored with different content (use amend to change it)" "conflict inside one file"
expect_last "accepted 1, duplicate 1, rejected 1" "repeat in one file: duplicate, then conflict"
expect_eq "$(ctr 610328102 deaths 2026-02-10)" 1 "repeat in one file counted once"

# ---------------------------------------------------------------- rejections
ID64=$(printf 'x%.0s' $(seq 1 64))
ID65=$(printf 'y%.0s' $(seq 1 65))
cat > "$F/mixed.csv" <<EOF
record_id,unit,date,sex,birth_order,policy,mother_id
ok1,610328102,2026-03-01,M,1,Y,
r_fmt,610328102,01/03/2026,M,1,Y,
r_imp,610328102,2026-02-30,M,1,Y,
r_fut,610328102,2026-11-29,M,1,Y,
r_old,610328102,1899-12-31,M,1,Y,
ok2,610328102,2026-11-28,F,1,Y,
r_sex,610328102,2026-03-01,X,1,Y,
r_o0,610328102,2026-03-01,M,0,Y,
r_o16,610328102,2026-03-01,M,16,Y,
ok3,610328102,2026-03-01,M,15,N,
r_pol,610328102,2026-03-01,M,1,maybe,
r_unit,999999,2026-03-01,M,1,Y,
$ID65,610328102,2026-03-01,M,1,Y,
r_nf,610328102,2026-03-01,M,1
ok4,610328102,1900-01-01,F,1,Y,
$ID64,610328102,2026-03-01,F,2,Y,
r_leap,610328102,2025-02-29,F,1,Y,
ok5,610328102,2024-02-29,F,1,Y,
EOF
N_BEFORE=$(nrec 610328102)
expect_rc 1 "mixed file" "$PS" submit "$F/mixed.csv"
expect_line "line 3: date: '01/03/2026': expected YYYY-MM-DD" "bad date format"
expect_line "line 4: date: '2026-02-30': no such day: 2026-02 has 28 days" "impossible date"
expect_line "line 5: date: 2026-11-29 is after today (2026-11-28)" "date after today"
expect_line "line 6: date: '1899-12-31': year must be 1900-9999" "date before 1900"
expect_line "line 8: sex: 'X' is not M, F, 男 or 女" "bad sex"
expect_line "line 9: birth_order: 0 is out of range 1-15" "birth_order 0"
expect_line "line 10: birth_order: 16 is out of range 1-15" "birth_order 16"
expect_line "line 12: policy: 'maybe' is not Y, N, 符合, 不符合, 是 or 否" "bad policy"
expect_line "line 13: unit: unknown unit 999999" "unknown unit"
expect_line "line 14: record_id: longer than 64 characters" "record_id of 65"
expect_line "line 15: row: has 5 fields, the header has 7" "wrong number of fields"
expect_line "line 18: date: '2025-02-29': no such day: 2025-02 has 28 days" "29 February of a common year"
expect_last "accepted 6, duplicate 0, rejected 12" "mixed file counts"
expect_eq "$(printf '%s\n' "$OUT" | grep -oE '^line [0-9]+' | awk '{print $2}' | tr '\n' ' ')" \
    "3 4 5 6 8 9 10 12 13 14 15 18 " "rejections in file order (client and server merged)"
expect_eq "$(nrec 610328102)" "$((N_BEFORE + 6))" "every valid row of the mixed file stored"
for id in ok1 ok2 ok3 ok4 ok5 "$ID64"; do
	expect_eq "$(has_rec 610328102 "$id")" 1 "valid row $id stored"
done
expect_eq "$(nrec 610328102 "record_id like 'r\\_%' escape '\\'")" 0 "no rejected row stored"
expect_eq "$(ctr 610328102 births 2026-11-28)" 1 "today is accepted"
expect_eq "$(ctr 610328102 births 1900-01-01)" 1 "1900-01-01 is accepted"
expect_eq "$(ctr 610328102 births 2026-03-01)" 3 "births of 03-01"

cat > "$F/badnum.csv" <<'EOF'
record_id,unit,date,sex,birth_order,policy,mother_id
n1,610328102,2026-03-02,M,two,Y,
n2,610328102,2026-03-02,M,,Y,
n3,,2026-03-02,M,1,Y,
n4,6103 28102,2026-03-02,M,1,Y,
EOF
expect_rc 1 "non-numeric and empty fields" "$PS" submit "$F/badnum.csv"
expect_line "line 2: birth_order: 'two' is not a whole number" "birth_order not a number"
expect_line "line 3: birth_order: empty; a value is required" "empty birth_order"
expect_out "line 4: unit: " "empty unit"
expect_out "line 5: unit: " "unit with a blank inside"
expect_last "accepted 0, duplicate 0, rejected 4" "no bad number stored"

cat > "$F/baddeath.csv" <<'EOF'
record_id,unit,date,sex,age
da1,610328102,2026-03-03,F,131
da2,610328102,2026-03-03,F,130
da3,610328102,2026-03-03,F,-1
EOF
expect_rc 1 "age 131" "$PS" submit "$F/baddeath.csv"
expect_line "line 2: age: 131 is out of range 0-130" "age 131 rejected"
expect_out "line 4: age: " "negative age rejected"
expect_last "accepted 1, duplicate 0, rejected 2" "age 130 stored"
expect_eq "$(ctr 610328102 deaths 2026-03-03)" 1 "only the valid death counted"

cat > "$F/badmig.csv" <<'EOF'
record_id,unit,date,direction,persons
mg1,610328102,2026-03-04,sideways,3
mg2,610328102,2026-03-04,in,0
mg3,610328102,2026-03-04,in,100001
mg4,610328102,2026-03-04,in,1
EOF
expect_rc 1 "bad migration" "$PS" submit "$F/badmig.csv"
expect_line "line 2: direction: 'sideways' is not in, out, 迁入 or 迁出" "direction sideways"
expect_line "line 3: persons: 0 is out of range 1-100000" "migration persons 0"
expect_line "line 4: persons: 100001 is out of range 1-100000" "migration persons 100001"
expect_last "accepted 1, duplicate 0, rejected 3" "bad migration counts"
expect_eq "$(ctr 610328102 mig_in 2026-03-04)" 1 "only the valid migration counted"

printf 'record_id,unit,date,mother_id\nvm1,610328102,2026-03-05,\nvm2,610328102,2026-03-05,  \n' > "$F/nomother.csv"
expect_rc 1 "verification without mother_id" "$PS" submit "$F/nomother.csv"
expect_line "line 2: mother_id: empty; a value is required" "empty mother_id in a verification"
expect_line "line 3: mother_id: empty; a value is required" "blank mother_id in a verification"
expect_last "accepted 0, duplicate 0, rejected 2" "verification without mother counts"
expect_eq "$(ctr 610328102 verified 2026-03-05)" 0 "nothing verified"
printf 'record_id,unit,date\nvm3,610328102,2026-03-05\n' > "$F/nomothercol.csv"
expect_rc 1 "verification header without mother_id" "$PS" submit --kind verification "$F/nomothercol.csv"
expect_line "line 1: mother_id: required column missing for verification records" "verification header needs mother_id"

printf 'record_id,unit,date,sex,age\n%s,610328102,2026-03-05,M,5\n' "$(printf 'w%.0s' $(seq 1 300))" > "$F/longid.csv"
expect_rc 1 "record_id of 300 characters" "$PS" submit "$F/longid.csv"
expect_out "line 2: record_id: " "very long record_id rejected on its column"
printf ' age , sex ,record_id, date,unit\n40,F,sp1,2026-03-05,610328102\n' > "$F/spacedhdr.csv"
expect_rc 0 "blanks around header names" "$PS" submit "$F/spacedhdr.csv"
expect_eq "$(sql "select age from records where record_id = 'sp1'")" 40 "spaced header mapped"
printf 'record_id,unit,date,sex,age\n' > "$F/headeronly.csv"
expect_rc 0 "header only" "$PS" submit "$F/headeronly.csv"
expect_last "accepted 0, duplicate 0, rejected 0" "header only: nothing"

# Header problems reject the whole file.
N_ALL=$(sql "select count(*) from records")
printf 'record_id,unit,date,sex,policy,mother_id\nh1,610328102,2026-03-06,M,Y,\n' > "$F/missingcol.csv"
expect_rc 1 "missing required column (--kind)" "$PS" submit --kind birth "$F/missingcol.csv"
expect_line "line 1: birth_order: required column missing for birth records" "missing column named"
expect_nlines '^line ' 1 "only the header is reported"
expect_rc 1 "missing required column (guessing)" "$PS" submit "$F/missingcol.csv"
expect_line "line 1: header: cannot tell the record kind from these columns; use --kind" "kind cannot be guessed"
printf 'record_id,unit,date,sex,age,colour\nh2,610328102,2026-03-06,M,50,red\n' > "$F/unknowncol.csv"
expect_rc 1 "unknown header column" "$PS" submit "$F/unknowncol.csv"
expect_out "line 1: colour: unknown column" "unknown column named"
printf 'record_id,unit,date,sex,age,age\nh3,610328102,2026-03-06,M,50,50\n' > "$F/twicecol.csv"
expect_rc 1 "column named twice" "$PS" submit "$F/twicecol.csv"
expect_line "line 1: age: column named twice" "column named twice"
: > "$F/empty.csv"
expect_rc 1 "empty file" "$PS" submit "$F/empty.csv"
expect_out "line 1: header: " "empty file reported"
expect_eq "$(sql "select count(*) from records")" "$N_ALL" "header errors store nothing"

# ---------------------------------------------------------------- scope
cat > "$F/clerk.csv" <<'EOF'
record_id,unit,date,sex,birth_order,policy,mother_id
c1,610328101,2026-04-01,M,1,Y,
c2,610328101001,2026-04-01,F,1,Y,
c3,610328102,2026-04-01,F,1,Y,
c4,610328,2026-04-01,F,1,Y,
EOF
expect_rc 1 "clerk writes own subtree only" "$PS" --token "$CLERK" submit "$F/clerk.csv"
expect_line "line 4: unit: unit 610328102 is outside your scope (610328101)" "other township refused"
expect_out "line 5: unit: " "parent county refused"
expect_last "accepted 2, duplicate 0, rejected 2" "clerk counts"
expect_eq "$(has_rec 610328101 c1)" 1 "clerk wrote its township"
expect_eq "$(has_rec 610328101001 c2)" 1 "clerk wrote its village"
expect_eq "$(has_rec 610328102 c3)" 0 "clerk did not write 610328102"
expect_eq "$(ctr 610328102 births 2026-04-01)" 0 "no counters for 610328102"
expect_eq "$(has_rec 610328 c4)" 0 "clerk did not write the county"
expect_eq "$(sql "select u.name from records r join users u on u.id = r.user_id where r.record_id = 'c2'")" clerk101 "record remembers its submitter"

N_ALL=$(sql "select count(*) from records")
printf 'record_id,unit,date,sex,age\nvw1,610328102,2026-04-02,M,50\n' > "$F/viewer.csv"
expect_rc 3 "viewer cannot submit" "$PS" --token "$VIEWER" submit "$F/viewer.csv"
expect_err "not allowed" "viewer refusal message"
expect_rc 3 "department cannot submit" "$PS" --token "$DEPT" submit "$F/viewer.csv"
expect_err "not allowed" "department refusal message"
expect_eq "$(sql "select count(*) from records")" "$N_ALL" "viewer and department stored nothing"

printf 'record_id,unit,date,mother_id\ni1,610328102,2026-04-03,INSPMOTHER1\ni2,610328101001,2026-04-03,INSPMOTHER2\n' > "$F/insp.csv"
expect_rc 0 "inspector verifies any unit" "$PS" --token "$INSPECTOR" submit "$F/insp.csv"
expect_last "accepted 2, duplicate 0, rejected 0" "inspector verification accepted"
expect_eq "$(ctr 610328102 verified 2026-04-03)" 1 "inspector verification in 102"
expect_eq "$(ctr 610328101001 verified 2026-04-03)" 1 "inspector verification in the village"
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\nib1,610328102,2026-04-03,M,1,Y,\n' > "$F/inspbirth.csv"
expect_rc 3 "inspector cannot submit births" "$PS" --token "$INSPECTOR" submit "$F/inspbirth.csv"
expect_err "verification records only" "inspector refusal message"
expect_eq "$(has_rec 610328102 ib1)" 0 "inspector birth not stored"

# ---------------------------------------------------------------- verification matching
cat > "$F/vbirth1.csv" <<'EOF'
record_id,unit,date,sex,birth_order,policy,mother_id
mb1,610328102,2026-05-10,F,1,Y,61032819900101009X
mb2,610328102,2026-05-10,M,1,Y,MOTHER-B-002
EOF
expect_rc 0 "births with mothers" "$PS" submit "$F/vbirth1.csv"
cat > "$F/vver1.csv" <<'EOF'
record_id,unit,date,mother_id
mv1,610328102,2026-06-09,61032819900101009x
mv2,610328102,2026-06-10,MOTHER-B-002
mv3,610328102,2026-04-10,61032819900101009X
mv4,610328102,2026-04-09,MOTHER-B-002
mv5,610328101,2026-05-10,61032819900101009X
mv6,610328102,2026-05-10,MOTHER-C-003
EOF
expect_rc 0 "verifications" "$PS" submit "$F/vver1.csv"
expect_last "accepted 6, duplicate 0, rejected 0" "verifications accepted"
expect_eq "$(ctr 610328102 verified_missed 2026-06-09)" 0 "30 days after the birth: found"
expect_eq "$(ctr 610328102 verified 2026-06-09)" 1 "30 days after: verified"
expect_eq "$(ctr 610328102 verified_missed 2026-06-10)" 1 "31 days after the birth: missed"
expect_eq "$(ctr 610328102 verified_missed 2026-04-10)" 0 "30 days before the birth: found"
expect_eq "$(ctr 610328102 verified_missed 2026-04-09)" 1 "31 days before the birth: missed"
expect_eq "$(ctr 610328101 verified_missed 2026-05-10)" 1 "same mother in another unit: missed"
expect_eq "$(ctr 610328102 verified_missed 2026-05-10)" 1 "unknown mother: missed"
expect_eq "$(ctr 610328102 verified 2026-04-01 2026-06-30)" 6 "verified in 102, April-June"
expect_eq "$(sql "select group_concat(record_id || '=' || matched, ' ') from (select * from records where record_id like 'mv%' order by record_id)")" \
    "mv1=1 mv2=0 mv3=1 mv4=0 mv5=0 mv6=0" "matched flags"

printf 'record_id,unit,date,sex,birth_order,policy,mother_id\nmb1,610328102,2026-05-10,F,1,Y, 61032819900101009x \n' > "$F/vbirthx.csv"
expect_rc 0 "mother_id spelled with x" "$PS" submit "$F/vbirthx.csv"
expect_last "accepted 0, duplicate 1, rejected 0" "x and X of an ID number are the same mother"

# Verifications that arrive before their birth.
cat > "$F/vver2.csv" <<'EOF'
record_id,unit,date,mother_id
mv7,610328102,2026-07-01,MOTHER-D-004
mv8,610328102,2026-07-01,MOTHER-D-004
mv9,610328102,2026-08-20,MOTHER-D-004
EOF
expect_rc 0 "verifications before births" "$PS" submit "$F/vver2.csv"
expect_eq "$(ctr 610328102 verified_missed 2026-07-01)" 2 "pending verifications missed"
expect_eq "$(ctr 610328102 verified_missed 2026-08-20)" 1 "later verification missed"
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\nmb4,610328102,2026-07-20,F,2,Y,MOTHER-D-004\n' > "$F/vbirth2.csv"
expect_rc 0 "late birth" "$PS" submit "$F/vbirth2.csv"
expect_eq "$(ctr 610328102 verified_missed 2026-07-01)" 0 "birth arrives: both verifications found"
expect_eq "$(ctr 610328102 verified 2026-07-01)" 2 "verified unchanged by the birth"
expect_eq "$(ctr 610328102 verified_missed 2026-08-20)" 1 "31 days after the late birth: still missed"
S1=$(snapshot)
expect_rc 0 "resend late birth" "$PS" submit "$F/vbirth2.csv"
expect_last "accepted 0, duplicate 1, rejected 0" "late birth duplicate"
expect_rc 0 "resend verifications" "$PS" submit "$F/vver2.csv"
expect_last "accepted 0, duplicate 3, rejected 0" "matched verifications still duplicates"
expect_eq "$(snapshot)" "$S1" "resending matched records changes nothing"
printf 'record_id,unit,date,sex,birth_order,policy,mother_id\nmb5,610328102,2026-07-25,M,3,Y,MOTHER-D-004\n' > "$F/vbirth3.csv"
expect_rc 0 "second birth of the mother" "$PS" submit "$F/vbirth3.csv"
expect_eq "$(ctr 610328102 verified_missed 2026-08-20)" 0 "second birth finds the later verification"
expect_eq "$(ctr 610328102 verified_missed 2026-07-01)" 0 "already found ones are not counted again"
expect_eq "$(sql "select count(*) from daily where verified_missed < 0 or verified_missed > verified")" 0 "verified_missed within 0..verified"
expect_eq "$(sql "select coalesce(sum(verified_missed), 0) from daily")" \
    "$(sql "select count(*) from records where kind = 5 and matched = 0")" "daily misses equal unmatched verification records"

# ---------------------------------------------------------------- large file
awk 'BEGIN {
	print "record_id,unit,date,sex,birth_order,policy,mother_id"
	for (i = 1; i <= 25000; i++)
		printf "L%05d,610328101001,2025-%02d-%02d,%s,%d,%s,\n", i,
		    i % 12 + 1, i % 28 + 1, (i % 2 ? "M" : "F"), i % 5 + 1,
		    (i % 10 ? "Y" : "N")
}' > "$F/large.csv"
expect_eq "$(wc -l < "$F/large.csv")" 25001 "large file generated"
expect_rc 0 "large file" "$PS" submit "$F/large.csv"
expect_last "accepted 25000, duplicate 0, rejected 0" "25000 accepted"
expect_eq "$(nrec 610328101001 "record_id like 'L%'")" 25000 "25000 records stored"
expect_eq "$(ctr 610328101001 births 2025-01-01 2025-12-31)" 25000 "25000 births counted"
expect_eq "$(ctr 610328101001 births_male 2025-01-01 2025-12-31)" 12500 "large: male"
expect_eq "$(ctr 610328101001 births_female 2025-01-01 2025-12-31)" 12500 "large: female"
expect_eq "$(ctr 610328101001 births_order3 2025-01-01 2025-12-31)" 15000 "large: order >= 3"
expect_eq "$(ctr 610328101001 births_policy 2025-01-01 2025-12-31)" 22500 "large: policy"
S2=$(snapshot)
expect_rc 0 "large file again" "$PS" submit "$F/large.csv"
expect_last "accepted 0, duplicate 25000, rejected 0" "25000 duplicates"
expect_eq "$(snapshot)" "$S2" "large resend changes nothing"

# ---------------------------------------------------------------- usage and connection
expect_rc 3 "bad token" "$PS" --token pst_nope submit "$F/birth.csv"
expect_err "invalid token" "bad token message"
expect_rc 3 "no server" "$PS" --server 127.0.0.1:1 submit "$F/birth.csv"
expect_rc 2 "no file" "$PS" submit
expect_rc 2 "missing file" "$PS" submit "$F/does-not-exist.csv"
expect_rc 2 "two files" "$PS" submit "$F/birth.csv" "$F/death.csv"
expect_rc 2 "unknown option" "$PS" submit "$F/birth.csv" --force
expect_rc 0 "help" "$PS" submit --help
expect_out "verification  record_id,unit,date,mother_id" "help lists verification columns"

# ---------------------------------------------------------------- mother_id privacy
MOTHERS="61032819900101009X 61032819900101009x 610328199001011113 MOTHER-B-002
MOTHER-C-003 MOTHER-D-004 INSPMOTHER1 INSPMOTHER2 KINDMOTHER01 Zhang
quoted"
check_private() {
	local f m n
	for f in "$DB" "$DB-wal" "$WORK/server.log"; do
		[ -f "$f" ] || continue
		for m in $MOTHERS; do
			n=$(grep -caF -- "$m" "$f")
			expect_eq "$n" 0 "$1: '$m' absent from $(basename "$f")"
		done
	done
}
expect_eq "$([ -s "$DB-wal" ] && echo yes)" yes "WAL file present while running"
check_private "running"
stop_server
expect_eq "$SERVER_RC" 0 "clean shutdown"
check_private "stopped"
expect_eq "$(sql "select count(*) from records where mother_hash is not null and length(mother_hash) <> 32")" 0 "all mother hashes are 32 bytes"
finish
