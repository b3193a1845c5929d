#!/bin/sh
# The Debian package: "make deb" (dpkg-buildpackage, debhelper) builds
# it; lintian finds nothing; it is installed into an empty temporary root
# with "dpkg --root=ROOT --force-script-chrootless", so that dpkg runs
# the package's own maintainer scripts, which honour DPKG_ROOT
# (systemd-sysusers --root, systemd-tmpfiles --root, deb-systemd-helper):
# that is the real postinst creating the custos user and the role groups
# in ROOT/etc/passwd and ROOT/etc/group, not a copy of what it should do,
# and nothing on this machine changes.  Then: the unit waits for a config
# (ConditionPathExists=, evaluated by systemd-analyze on the root's path),
# the man pages are there, the installed custosd --check-config takes the
# example turned into a config and refuses a bad one, the installed
# custosd starts a station on it and custos talks to it, a second install
# changes no user or group, and removal keeps the users and the
# operator's config.
#
# The root holds no base system, so dependencies are forced
# (--force-depends): the installed programs run against this machine's
# libraries, the same Debian 12 packages the .deb depends on.
#
# The package is "make deb" of the build directory with DEB_REUSE=1 (its
# objects linked again with PREFIX=/usr): a file target, so a package
# newer than every source is used as it is.
. "$(dirname "$0")/lib.sh"
root_only "dpkg --root installs files owned by root"
top=$(cd "$(dirname "$0")/../.." && pwd)
SRC_B=${CUSTOS_BUILD:-$(dirname "$CUSTOSD")}
case $SRC_B in
*/asan) SRC_B=${SRC_B%/asan} ;;
esac
for t in dpkg-buildpackage dh scdoc fakeroot; do
	command -v $t >/dev/null 2>&1 || fail "$t is missing (make deps)"
done
ARCH=$(dpkg --print-architecture) || fail "dpkg --print-architecture"
R=$W/root

step "make deb"
make -C "$top" --no-print-directory B="$SRC_B" DEB_REUSE=1 deb \
    >"$W/make.log" 2>&1 || fail "make deb: $(tail -n 30 "$W/make.log")"
DEB=$(ls "$SRC_B"/deb/custos_*_"$ARCH".deb 2>/dev/null | head -n 1)
[ -f "$DEB" ] || fail "make deb left no custos_*_$ARCH.deb in $SRC_B/deb"
echo "package: $DEB"
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$W/contents" ||
    fail "dpkg-deb -c"
for f in /usr/sbin/custosd /usr/bin/custos /usr/bin/custos-verify \
    /usr/libexec/custos/custos-dock-mount \
    /usr/share/custos/calendar/cn-2025.cal \
    /usr/share/custos/calendar/cn-2026.cal \
    /lib/systemd/system/custosd.service \
    /lib/systemd/system/custos-dock@.service \
    /lib/udev/rules.d/90-custos-dock.rules \
    /usr/lib/sysusers.d/custos.conf /usr/lib/tmpfiles.d/custos.conf \
    /etc/custos/custos.conf.example /usr/share/doc/custos/README.md \
    /usr/share/man/man8/custosd.8.gz /usr/share/man/man1/custos.1.gz \
    /usr/share/man/man1/custos-verify.1.gz \
    /usr/share/man/man5/custos.conf.5.gz; do
	grep -qx "$f" "$W/contents" || fail "not in the package: $f"
done
grep -qx /etc/custos/custos.conf "$W/contents" &&
    fail "the package ships /etc/custos/custos.conf (only the example)"
expect_in "Depends" "systemd | systemd-standalone-sysusers" \
    "$(dpkg-deb -f "$DEB" Depends)"

if command -v lintian >/dev/null 2>&1; then
	step "lintian"
	lintian --fail-on error,warning "$DEB" >"$W/lintian.out" 2>&1 ||
	    fail "lintian: $(grep -v 'running with root privileges' "$W/lintian.out")"
fi

step "dpkg --root: the package's own scripts install it into $R"
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/etc" ||
    fail "mkdir $R"
: >"$R/var/lib/dpkg/status"
: >"$R/var/lib/dpkg/available"
dpkgr() {
	dpkg --root="$R" --force-script-chrootless --force-depends \
	    --log="$W/dpkg.log" "$@" >>"$W/dpkg.out" 2>&1 ||
	    fail "dpkg $*: $(tail -n 30 "$W/dpkg.out")"
}
dpkgr -i "$DEB"
expect_eq "installed" "install ok installed" \
    "$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f '${Status}' custos)"
[ -x "$R/usr/sbin/custosd" ] || fail "no $R/usr/sbin/custosd"

step "the postinst created the custos user and the role groups"
pw=$(grep '^custos:' "$R/etc/passwd") || fail "no user custos in $R/etc/passwd"
uid=$(echo "$pw" | cut -d: -f3)
[ "$uid" -gt 0 ] && [ "$uid" -lt 1000 ] || fail "custos is not a system user: $pw"
expect_eq "home and shell" "/var/lib/custos /usr/sbin/nologin" \
    "$(echo "$pw" | cut -d: -f6,7 | tr : ' ')"
for g in custos custos-operator custos-reviewer custos-auditor \
    custos-admin custos-metrics; do
	grep -q "^$g:" "$R/etc/group" || fail "no group $g in $R/etc/group"
done
[ -d "$R/srv/custos/dock" ] || fail "tmpfiles: no $R/srv/custos/dock"
cp "$R/etc/passwd" "$W/passwd.1"
cp "$R/etc/group" "$W/group.1"
expect_in "postinst says what to do" \
    "custosd starts only once /etc/custos/custos.conf exists" \
    "$(cat "$W/dpkg.out")"

step "the unit waits for a config"
U=$R/lib/systemd/system/custosd.service
expect_in "condition" "ConditionPathExists=/etc/custos/custos.conf" "$(cat "$U")"
expect_in "ExecStart" "ExecStart=/usr/sbin/custosd -f -c /etc/custos/custos.conf" \
    "$(cat "$U")"
[ -L "$R/etc/systemd/system/multi-user.target.wants/custosd.service" ] ||
    fail "custosd.service is not enabled in $R"
[ -e "$R/etc/custos/custos.conf" ] && fail "the install wrote custos.conf"
# The unit's condition, on the root's path: not met while there is no
# config (so systemd would not start custosd), met once there is one.
cond="ConditionPathExists=$R/etc/custos/custos.conf"
systemd-analyze condition "$cond" >"$W/cond.out" 2>&1 &&
    fail "systemd-analyze: condition met without a config: $(cat "$W/cond.out")"

step "the man pages"
for q in "8 custosd" "1 custos" "1 custos-verify" "5 custos.conf"; do
	# shellcheck disable=SC2086
	where=$(MANPATH=$R/usr/share/man man -w $q) || fail "man -w $q in $R"
	case $where in
	"$R"/usr/share/man/*) ;;
	*) fail "man $q found $where" ;;
	esac
	out=$(MANWIDTH=80 man --warnings -l "$where" 2>"$W/man.err") ||
	    fail "man -l $where"
	[ -s "$W/man.err" ] && fail "man --warnings $where: $(cat "$W/man.err")"
	expect_in "man $q" "NAME" "$out"
done

step "the example names the role groups; custosd --check-config on it"
EX=$R/etc/custos/custos.conf.example
for g in operator reviewer auditor admin metrics; do
	grep -q "^;$g = custos-$g " "$EX" ||
	    fail "the example's [roles] does not name custos-$g"
done
CONF=$R/etc/custos/custos.conf
sed -e "s|^state_dir = .*|state_dir = $W/state|" \
    -e "s|^root = .*|root = $W/dock|" \
    -e "s|^socket = .*|socket = $W/control.sock|" \
    -e "s|^listen = 127.0.0.1:8440$|listen = 127.0.0.1:0|" "$EX" >"$CONF" ||
    fail "write $CONF"
systemd-analyze condition "$cond" >"$W/cond.out" 2>&1 ||
    fail "systemd-analyze: condition not met with a config: $(cat "$W/cond.out")"
CUSTOSD=$R/usr/sbin/custosd
CUSTOS=$R/usr/bin/custos
# Built for PREFIX=/usr: without calendar_dir it looks in
# /usr/share/custos/calendar, which this root has but this machine need not.
if [ ! -d /usr/share/custos/calendar ]; then
	exits check-nocal 1 "$CUSTOSD" --check-config -c "$CONF"
	expect_in "names the package's calendar" \
	    "nor /usr/share/custos/calendar (installed) exists" \
	    "$(cat "$W/check-nocal.err")"
fi
sed -i "s|^\[station\]\$|[station]\ncalendar_dir = $R/usr/share/custos/calendar|" \
    "$CONF" || fail "sed $CONF"
exits check 0 "$CUSTOSD" --check-config -c "$CONF"
expect_in "check-config" "$CONF: ok: station custos.example/station" \
    "$(cat "$W/check.out")"
sed 's/^after_ingest = keep$/after_ingest = wipe/' "$CONF" >"$W/bad.conf"
exits check-bad 1 "$CUSTOSD" --check-config -c "$W/bad.conf"
expect_in "bad config" "[dock] after_ingest: expected keep or delete" \
    "$(cat "$W/check-bad.err")"
[ -e "$W/state" ] && fail "--check-config created the state directory"

step "the installed custosd starts a station"
start_daemon
expect_in "custos status" "station:     custos.example/station" \
    "$("$CUSTOS" -c "$CONF" status)"
stop_daemon

step "a second install changes no user or group"
dpkgr -i "$DEB"
cmp -s "$W/passwd.1" "$R/etc/passwd" || fail "passwd changed: $(diff "$W/passwd.1" "$R/etc/passwd")"
cmp -s "$W/group.1" "$R/etc/group" || fail "group changed: $(diff "$W/group.1" "$R/etc/group")"
[ -f "$CONF" ] || fail "the second install removed custos.conf"

step "remove and purge keep the users and the operator's config"
dpkgr -r custos
[ -e "$R/usr/sbin/custosd" ] && fail "custosd still there after dpkg -r"
dpkgr -P custos
grep -q '^custos:' "$R/etc/passwd" || fail "purge removed the user custos"
[ -f "$CONF" ] || fail "purge removed the operator's custos.conf"
[ -e "$EX" ] && fail "purge left the example (a conffile)"
echo "deb: ok"
