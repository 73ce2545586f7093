#!/usr/bin/env bash
# The Debian package (make deb, debian/): built with debhelper, lintian
# clean of errors, installed with apt-get, popstatd init and a ping as the
# popstat user; an upgrade keeps the configuration and a database made by
# an older schema version (tests/fixtures/schema*.db), which the packaged
# popstatd migrates; purge removes the package and keeps the database.
# Root only (it installs and purges a package): otherwise it says it is
# skipped.  Run once, by the plain run: the package is built from source,
# so the sanitizer run would only repeat it.
. "$(dirname "$0")/lib.sh" "${1:-bin}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

# Build-Depends covers what make deps installs to build (the -dev
# packages and the protobuf compiler), whoever runs this.
for p in $(make -C "$ROOT" --no-print-directory -s -f - print-deb-pkgs <<'EOM'
include Makefile
print-deb-pkgs:
	@echo $(DEB_PKGS)
EOM
); do
	case $p in
	*-dev|protobuf-c-compiler|pkg-config)
		if grep -qE "^ +$p,?\$|Build-Depends: .*\\b$p\\b" "$ROOT/debian/control"; then ok_; else
			fail_ "Makefile DEB_PKGS has $p, debian/control's Build-Depends does not: add it"; fi ;;
	esac
done

[ "$(id -u)" = 0 ] || skip_suite "not root (it installs and purges the popstat package)"
case ${1:-bin} in
bin) ;;
*) skip_suite "the package is built and tested by the plain run (bin), not ${1}" ;;
esac
for t in dpkg-buildpackage dh lintian; do
	command -v $t >/dev/null ||
		skip_suite "$t is not installed (apt-get install debhelper dpkg-dev lintian)"
done
if dpkg-query -W -f='${Status}' popstat 2>/dev/null | grep -q installed; then
	skip_suite "the popstat package is installed here; this test would purge it"
fi
[ ! -e /var/lib/popstat ] ||
	skip_suite "/var/lib/popstat exists here; this test never touches a real database"
had_user=0
getent passwd popstat >/dev/null && had_user=1

APT=(apt-get -y -q -o DPkg::Lock::Timeout=120)
export DEBIAN_FRONTEND=noninteractive
# setpriv execs the program itself, so that "SETPRIV popstatd ... &" makes
# $! popstatd and stop_server's SIGTERM reaches it (runuser, or a shell
# function, would stay in between).
SETPRIV=(setpriv --reuid popstat --regid popstat --init-groups --)
as_popstat() { "${SETPRIV[@]}" "$@"; }
purge() {
	"${APT[@]}" purge popstat >"$WORK/purge.log" 2>&1
	rm -rf /var/lib/popstat
	[ "$had_user" = 1 ] || { userdel popstat 2>/dev/null; groupdel popstat 2>/dev/null; } || true
}
trap 'stop_server; purge; rm -rf "$WORK"' EXIT

# 1. make deb.
mkdir -p "$WORK/out"
if make -C "$ROOT" --no-print-directory deb DEB_WORK="$WORK/deb" \
	DEB_OUT="$WORK/out" >"$WORK/deb.log" 2>&1; then ok_; else
	fail_ "make deb failed: $(tail -n 20 "$WORK/deb.log")"; finish; exit 1; fi
DEB=$(ls "$WORK"/out/popstat_*.deb)
if grep -q '^E: ' "$WORK/deb.log"; then fail_ "lintian errors: $(grep '^E: ' "$WORK/deb.log")"; else ok_; fi
run dpkg-deb -f "$DEB" Depends
expect_out "libsqlite3-0" "Depends from shlibs: sqlite"
expect_out "libevent" "Depends from shlibs: libevent"
expect_out "adduser" "Depends: adduser (postinst)"
run dpkg-deb -c "$DEB"
for f in ./usr/bin/popstatd ./usr/bin/popstat ./lib/systemd/system/popstatd.service \
	./etc/popstat/popstatd.conf ./usr/share/man/man8/popstatd.8.gz; do
	expect_out "$f" "the package holds $f"
done
run sh -c "dpkg-deb --ctrl-tarfile '$DEB' | tar -xOf - ./conffiles"
expect_out "/etc/popstat/popstatd.conf" "popstatd.conf is a conffile"
run sh -c "dpkg-deb --fsys-tarfile '$DEB' | tar -xOf - ./lib/systemd/system/popstatd.service"
expect_out "ExecStart=/usr/bin/popstatd --config /etc/popstat/popstatd.conf" "the unit runs the packaged popstatd"

# 2. apt-get install ./popstat_*.deb
if (cd "$WORK/out" && "${APT[@]}" install ./"$(basename "$DEB")") >"$WORK/install.log" 2>&1; then ok_; else
	fail_ "apt-get install failed: $(tail -n 20 "$WORK/install.log")"; finish; exit 1; fi
run getent passwd popstat
expect_out "/var/lib/popstat" "the popstat system user, home /var/lib/popstat"
uid=$(id -u popstat)
if [ "$uid" -lt 1000 ]; then ok_; else fail_ "popstat is no system user (uid $uid)"; fi
expect_eq "$(stat -c '%U:%G %a' /var/lib/popstat)" "popstat:popstat 750" "/var/lib/popstat owned by popstat, 0750"
run cat "$WORK/install.log"
expect_out "sudo -u popstat popstatd init --db /var/lib/popstat/county.db" "install says what to do next"

# 3. popstatd init and a ping as the popstat user.
TOKEN=$(as_popstat /usr/bin/popstatd init --db /var/lib/popstat/county.db)
expect_eq "$(stat -c %U /var/lib/popstat/county.db)" popstat "the database belongs to popstat"
PORT=$(free_port)
"${SETPRIV[@]}" /usr/bin/popstatd --config /etc/popstat/popstatd.conf \
	--listen 127.0.0.1:"$PORT" 2>>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do
	(exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break
	sleep 0.05
done
expect_rc 0 "ping the packaged server with the packaged client" \
	as_popstat env POPSTAT_CONFIG=/nonexistent /usr/bin/popstat \
	--server 127.0.0.1:"$PORT" --token "$TOKEN" ping
stop_server

# 4. Upgrade: a local setting and old databases are kept; the packaged
# popstatd migrates a database of each older schema version.
echo "# local setting kept by the upgrade" >> /etc/popstat/popstatd.conf
for fx in "$ROOT"/tests/fixtures/schema*.db; do
	install -o popstat -g popstat -m 0640 "$fx" /var/lib/popstat/"$(basename "$fx")"
done
if (cd "$WORK/out" && "${APT[@]}" install --reinstall ./"$(basename "$DEB")") >"$WORK/upgrade.log" 2>&1; then ok_; else
	fail_ "reinstall failed: $(tail -n 20 "$WORK/upgrade.log")"; fi
run grep -c "local setting kept by the upgrade" /etc/popstat/popstatd.conf
expect_eq "$OUT" 1 "the changed conffile is kept"
for fx in "$ROOT"/tests/fixtures/schema*.db; do
	db=/var/lib/popstat/$(basename "$fx")
	old=$(sqlite3 "$db" 'PRAGMA user_version')
	PORT=$(free_port)
	"${SETPRIV[@]}" /usr/bin/popstatd --config /etc/popstat/popstatd.conf --db "$db" \
		--listen 127.0.0.1:"$PORT" --today 2026-11-28 2>>"$WORK/server.log" &
	SERVER_PID=$!
	for _ in $(seq 1 100); do
		(exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break
		sleep 0.05
	done
	P=(env POPSTAT_CONFIG=/nonexistent POPSTAT_OUTBOX=$WORK/ob.db /usr/bin/popstat
		--server 127.0.0.1:"$PORT" --token "$(cat "$fx.token")")
	expect_rc 0 "schema $old: status after the upgrade" "${P[@]}" --json status --unit 610328 --period 2026-01
	expect_eq "$(json 'j["counters"]["births"]')" 4 "schema $old: the births are kept"
	expect_eq "$(json 'j["counters"]["pop_start"]')" 35000 "schema $old: the population is kept"
	expect_rc 0 "schema $old: a clerk's account is kept" "${P[@]}" user list
	expect_out "clerk-cg" "schema $old: clerk-cg"
	stop_server
	now=$(sqlite3 "$db" 'PRAGMA user_version')
	if [ "$now" -gt "$old" ]; then ok_; else fail_ "schema $old: not migrated ($now)"; fi
	grep -q "schema migrated to version $now" "$WORK/server.log" && ok_ ||
		fail_ "schema $old: no migration logged"
done

# 5. Purge: the package goes, the database stays.
if pgrep -u popstat >/dev/null; then fail_ "a server of the test still runs: $(pgrep -a -u popstat)"; else ok_; fi
if "${APT[@]}" purge popstat >"$WORK/purge.log" 2>&1; then ok_; else
	fail_ "purge failed: $(tail -n 20 "$WORK/purge.log")"; fi
if [ -e /usr/bin/popstatd ] || [ -e /lib/systemd/system/popstatd.service ]; then
	fail_ "purge left the programs"; else ok_; fi
if [ -e /etc/popstat/popstatd.conf ]; then fail_ "purge left the configuration"; else ok_; fi
if [ -e /var/lib/popstat/county.db ]; then ok_; else fail_ "purge deleted the database"; fi
run cat "$WORK/purge.log"
expect_out "keeping /var/lib/popstat: it holds a database" "purge says it keeps the database"
finish
