#!/bin/sh
# A real S3 server for the tests: a throw-away single-node Ceph (one
# monitor, one OSD on memstore, radosgw) from Debian's packages, with its
# configuration, keys, data, sockets, pid files and logs all under DIR.
# Nothing outside DIR is read or written (not /etc/ceph, not
# /var/lib/ceph), so several can run side by side.  Needs root and the
# packages ceph-mon ceph-osd radosgw ceph-common (scripts/deps.sh).
#
#   s3server.sh up DIR PORT    starts it (a first start creates the
#                              cluster and an S3 user; a later one on the
#                              same DIR restarts it with its data), prints
#                              S3_ENDPOINT=http://127.0.0.1:PORT,
#                              ACCESS_KEY=... and SECRET_KEY=..., and
#                              returns once S3 answers
#   s3server.sh down DIR       stops every daemon it started, by their pid
#                              files, and returns once they are gone
#   s3server.sh stop-rgw DIR   kills radosgw alone (SIGKILL, as a crash
#                              would) and returns once it is gone
#   s3server.sh start-rgw DIR  starts radosgw again, returns once S3
#                              answers
#
# Radosgw checks what an S3 client must get right: SigV4 signatures (a
# wrong secret is 403 SignatureDoesNotMatch) and signed payload hashes (a
# wrong x-amz-content-sha256 is 400 XAmzContentSHA256Mismatch, nothing
# stored).  S3_TIMEOUT (seconds, default 120) bounds each wait.
set -eu

PROG=s3server
TIMEOUT=${S3_TIMEOUT:-120}

say() {
	echo "$PROG: $*" >&2
}

usage() {
	say "usage: s3server.sh up DIR PORT | down DIR | stop-rgw DIR |" \
	    "start-rgw DIR"
	exit 2
}

# die MESSAGE: says it with the tail of each daemon's log, stops what was
# started (half a cluster is never left running) and exits 1.
die() {
	say "$*"
	for _l in "$D"/log/*.log; do
		[ -s "$_l" ] || continue
		echo "== $_l" >&2
		tail -n 15 "$_l" >&2
	done
	stop_all || true
	exit 1
}

# pid_of NAME: the pid of DIR's daemon NAME when it runs, else nothing.
# A pid is only taken as ours when its command line names DIR's config,
# so a recycled pid is never signalled.
pid_of() {
	_p=$(cat "$D/run/$1.pid" 2>/dev/null) || return 0
	[ -n "$_p" ] && [ -r "/proc/$_p/cmdline" ] || return 0
	tr '\0' ' ' <"/proc/$_p/cmdline" 2>/dev/null |
	    grep -qF -- "$D/ceph.conf" && echo "$_p"
	return 0
}

# stop NAME SIGNAL: sends SIGNAL to daemon NAME and waits until it is
# gone (SIGKILL after 30 s of SIGTERM).  1 when it survives even that.
stop() {
	_pid=$(pid_of "$1")
	[ -n "$_pid" ] || { rm -f "$D/run/$1.pid"; return 0; }
	kill -"$2" "$_pid" 2>/dev/null || true
	_n=300
	while [ -n "$(pid_of "$1")" ]; do
		if [ $_n -le 0 ]; then
			say "$1 ($_pid) ignored SIG$2; sending SIGKILL"
			kill -KILL "$_pid" 2>/dev/null || true
			_k=50
			while [ -n "$(pid_of "$1")" ] && [ $_k -gt 0 ]; do
				_k=$((_k - 1))
				sleep 0.1
			done
			[ -z "$(pid_of "$1")" ] && break
			say "$1 ($_pid) is still running 5 s after SIGKILL"
			return 1
		fi
		_n=$((_n - 1))
		sleep 0.1
	done
	rm -f "$D/run/$1.pid"
}

stop_all() {
	_rc=0
	for _d in client.rgw.a osd.0 mon.a; do
		stop "$_d" TERM || _rc=1
	done
	return $_rc
}

# s3_answers: radosgw answers HTTP on its port.
s3_answers() {
	curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"
}

# wait_s3: until S3 answers; dies when radosgw exits or TIMEOUT passes.
wait_s3() {
	_n=$((TIMEOUT * 10))
	until s3_answers; do
		[ -n "$(pid_of client.rgw.a)" ] || die "radosgw exited at start"
		[ $_n -le 0 ] && die "S3 did not answer within $TIMEOUT s"
		_n=$((_n - 1))
		sleep 0.1
	done
}

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# write_conf MONPORT: DIR's ceph.conf.  One replica of everything on one
# OSD held in memory (memstore, up to S3_MEMSTORE_BYTES, default 2 GiB),
# no manager, cephx on, and every path under DIR.
write_conf() {
	cat >"$D/ceph.conf" <<EOF
[global]
fsid = $(cat /proc/sys/kernel/random/uuid)
mon host = v2:127.0.0.1:$1
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr1 = false
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
keyring = $D/keyring
run dir = $D/run
admin socket = $D/run/\$name.asok
pid file = $D/run/\$name.pid
log file = $D/log/\$name.log
mon cluster log file = $D/log/cluster.log
crash dir = $D/crash
tmp dir = $D/tmp
log to syslog = false
err to syslog = false
clog to syslog = false
log to journald = false
err to journald = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
paxos propose interval = 0.05
mon data avail warn = 2
mon data avail crit = 1
mon osd full ratio = .99
mon osd nearfull ratio = .99
mon osd backfillfull ratio = .99
osd failsafe full ratio = .995
[mon]
mon data = $D/mon
mon initial members = a
[osd]
osd data = $D/osd
osd objectstore = memstore
osd fast shutdown = false
memstore device bytes = ${S3_MEMSTORE_BYTES:-2147483648}
osd max object size = 1073741824
osd crush update on start = true
[client.rgw.a]
rgw data = $D/rgw
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw thread pool size = 32
rgw dns name = localhost
rgw enable usage log = false
EOF
}

# keys: one keyring with every daemon's key and capabilities; the
# monitor's mkfs imports them all into its database.
keys() {
	_k=$D/keyring
	ceph-authtool --create-keyring "$_k" --gen-key -n mon. \
	    --cap mon 'allow *' >/dev/null
	ceph-authtool "$_k" --gen-key -n client.admin --cap mon 'allow *' \
	    --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' \
	    >/dev/null
	ceph-authtool "$_k" --gen-key -n osd.0 --cap mon 'allow profile osd' \
	    --cap mgr 'allow profile osd' --cap osd 'allow *' >/dev/null
	ceph-authtool "$_k" --gen-key -n client.rgw.a --cap mon 'allow rw' \
	    --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null
}

# mkfs: a new cluster in DIR, its monitor left running.
mkfs() {
	mkdir -p "$D/mon" "$D/osd" "$D/rgw" "$D/run" "$D/log" "$D/crash" \
	    "$D/tmp"
	_mp=$(free_port)
	write_conf "$_mp"
	keys
	_fsid=$(sed -n 's/^fsid = //p' "$D/ceph.conf")
	monmaptool --create --fsid "$_fsid" --addv a "[v2:127.0.0.1:$_mp]" \
	    "$D/monmap" >/dev/null || die "monmaptool failed"
	ceph-mon -c "$D/ceph.conf" --mkfs -i a --monmap "$D/monmap" \
	    --keyring "$D/keyring" >>"$D/log/mkfs.log" 2>&1 ||
	    die "ceph-mon --mkfs failed"
	ceph-mon -c "$D/ceph.conf" -i a 2>>"$D/log/stderr.log" ||
	    die "ceph-mon did not start"
	_uuid=$(cat /proc/sys/kernel/random/uuid)
	timeout "$TIMEOUT" ceph -c "$D/ceph.conf" osd new "$_uuid" 0 \
	    >/dev/null 2>>"$D/log/stderr.log" || die "ceph osd new failed"
	ceph-osd -c "$D/ceph.conf" -i 0 --mkfs --osd-uuid "$_uuid" \
	    >>"$D/log/mkfs.log" 2>&1 || die "ceph-osd --mkfs failed"
	touch "$D/mkfs.done"
}

# user: the S3 user, with random keys, in DIR/s3.env.
user() {
	_ak=$(openssl rand -hex 10 | tr a-f A-F)
	_sk=$(openssl rand -base64 30 | tr -d '+/=\n')
	timeout "$TIMEOUT" radosgw-admin -c "$D/ceph.conf" user create \
	    --uid=test --display-name=test --access-key="$_ak" \
	    --secret-key="$_sk" >"$D/user.json" 2>>"$D/log/stderr.log" ||
	    die "radosgw-admin user create failed"
	printf 'ACCESS_KEY=%s\nSECRET_KEY=%s\n' "$_ak" "$_sk" >"$D/s3.env"
}

start_rgw() {
	radosgw -c "$D/ceph.conf" -n client.rgw.a 2>>"$D/log/stderr.log" ||
	    die "radosgw did not start"
	wait_s3
}

up() {
	s3_answers && { say "port $PORT is in use already"; exit 1; }
	if [ -f "$D/mkfs.done" ]; then
		grep -q "endpoint=127.0.0.1:$PORT\$" "$D/ceph.conf" ||
		    { say "$D was made for another port"; exit 1; }
		[ -z "$(pid_of mon.a)" ] || { say "$D runs already"; exit 1; }
		ceph-mon -c "$D/ceph.conf" -i a 2>>"$D/log/stderr.log" ||
		    die "ceph-mon did not start"
	else
		mkfs
	fi
	ceph-osd -c "$D/ceph.conf" -i 0 2>>"$D/log/stderr.log" ||
	    die "ceph-osd did not start"
	start_rgw
	[ -f "$D/s3.env" ] || user
	echo "S3_ENDPOINT=http://127.0.0.1:$PORT"
	cat "$D/s3.env"
}

[ $# -ge 2 ] || usage
[ "$1" = up ] && mkdir -p "$2"
D=$(cd "$2" 2>/dev/null && pwd) || { say "no directory $2"; exit 1; }
# Every ceph tool reads DIR's config and nothing else.
CEPH_CONF=$D/ceph.conf
CEPH_ARGS="--conf $D/ceph.conf"
export CEPH_CONF CEPH_ARGS
case $1 in
up)
	[ $# -eq 3 ] || usage
	PORT=$3
	up
	;;
down)
	[ $# -eq 2 ] || usage
	stop_all
	;;
stop-rgw)
	[ $# -eq 2 ] || usage
	stop client.rgw.a KILL
	;;
start-rgw)
	[ $# -eq 2 ] || usage
	[ -f "$D/ceph.conf" ] || { say "no cluster in $D"; exit 1; }
	PORT=$(sed -n 's/^rgw frontends = .*endpoint=127.0.0.1:\([0-9]*\)$/\1/p' \
	    "$D/ceph.conf")
	[ -z "$(pid_of client.rgw.a)" ] || { say "radosgw runs already"; exit 1; }
	start_rgw
	;;
*)
	usage
	;;
esac
