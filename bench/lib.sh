# What the shell benchmarks share (bench_dock, bench_verify, bench_upload),
# sourced from the folder they run from (bench/, or $(B)/bench/ where
# "make bench" installs them): the binaries, the clock, a cold page cache,
# a bench station in the current directory and custosd started on it.
# The caller sets here (its own folder) and BENCH (its name) first.
#
#	now			wall-clock seconds, with nanoseconds
#	elapsed T0 T1		T1 - T0
#	drop_caches		sync, then the page cache dropped where the
#				kernel lets us (cold=yes when it was)
#	die MESSAGE...		says it with custosd's last lines, stops
#				custosd, exits 1
#	bench_conf [LINE]	custos.conf: the station (no working-day
#				calendar), its dock (LINE added to [dock])
#				and control socket
#	bench_start		custosd on custos.conf (pid), until it answers
#				(10 s at most)
CUSTOSD=${CUSTOSD:-$here/../custosd}
CUSTOS=${CUSTOS:-$here/../custos}
pid=
cold=no

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

drop_caches() {
	sync
	# Every run starts with a cold page cache where we may drop it, so
	# no run is helped by the one before.
	if [ -w /proc/sys/vm/drop_caches ] &&
	    echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then
		cold=yes
	fi
	return 0
}

die() {
	echo "$BENCH: $*" >&2
	[ -f custosd.err ] && tail -n 5 custosd.err | sed 's/^/custosd| /' >&2
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	exit 1
}

bench_conf() {
	cat >custos.conf <<EOC
[station]
name = bench.example/station
state_dir = state
calendar_dir = none
[dock]
root = dock
${1:-}
[control]
socket = control.sock
EOC
}

bench_start() {
	"$CUSTOSD" -f -c "$PWD/custos.conf" 2>custosd.err &
	pid=$!
	i=0
	until "$CUSTOS" -c custos.conf status >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 100 ] && die "custosd did not answer within 10 s"
		kill -0 "$pid" 2>/dev/null || die "custosd exited at start"
		sleep 0.1
	done
}

# For the benches that run a station (bench_conf, bench_start): a time
# S seconds from now, the operator CLI on its config, and how many log
# entries start like PATTERN.
utc() { date -u -d "@$(($(date +%s) + $1))" '+%Y-%m-%dT%H:%M:%SZ'; }
c() { "$CUSTOS" -c custos.conf "$@"; }
entries_like() {	# PATTERN
	sqlite3 -readonly state/log.db "select count(*) from entries where \
	    cast(data as text) like '$1%'"
}

# bench_inspection CAMERA: on the running station, two officers, an
# enterprise, CAMERA assigned to the first officer, and an inspection
# registered and entered now (an earlier time would be an emergency
# inspection's); prints its ID.
bench_inspection() {
	c officer add PA-0001 --name 张伟 --unit 执法支队 \
	    --credential 闽应急执字001 --valid-until 2099-12-31 >/dev/null ||
	    die "officer PA-0001"
	c officer add PA-0002 --name 李娜 --unit 执法支队 \
	    --credential 闽应急执字002 --valid-until 2099-12-31 >/dev/null ||
	    die "officer PA-0002"
	c enterprise add 91350100M000100Y43 --name 某化工有限公司 \
	    >/dev/null || die "enterprise"
	c camera assign "$1" --officer PA-0001 --from "$(utc -7200)" \
	    >/dev/null || die "camera assign"
	_bi=$(c inspection register --enterprise 91350100M000100Y43 \
	    --officer PA-0001 --officer PA-0002 --basis 安全生产法第六十五条 \
	    --content 危化品储存检查) || die "register"
	c inspection enter "$_bi" >/dev/null || die "enter"
	# Files touched from now on are recorded after the entering even
	# where times count whole seconds: wait for the next one.
	_bs=$(date +%s)
	while [ "$(date +%s)" = "$_bs" ]; do
		sleep 0.05
	done
	echo "$_bi"
}

# bench_wait_session: polls until the station logged its first
# dock.session (the docking is done), at most 900 s.
bench_wait_session() {
	_bw0=$(now)
	while [ "$(entries_like '{"type":"dock.session"')" -lt 1 ]; do
		sleep 0.5
		kill -0 "$pid" 2>/dev/null || die "custosd died"
		[ "$(echo "$(now) - $_bw0 < 900" | bc)" = 1 ] ||
		    die "no dock.session in 900 s"
	done
}
