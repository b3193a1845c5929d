#!/bin/sh
# bench_web: the web console's server time for an inspection page with
# BENCH_WEB_SEGMENTS (default 500) linked segments (target < 200 ms) and
# for /metrics (target < 10 ms), each against a baseline run in the same
# invocation: GET /v1/status on the control socket (curl --unix-socket),
# the daemon's own status document, a small answer of the same event
# loop.
#
# The segments are real footage, made cheaply: one 1 s MP4 encoded once
# by ffmpeg, copied with a distinct "free" box appended to each copy
# (a box every MP4 reader skips), so every file is its own object; they
# are docked on a camera assigned to an officer of an inspection entered
# before the files' times, so the station links each one itself.
#
# The server time is the console's Server-Timing header (app;dur=MS: from
# the complete request to the reply ready); the client's time (curl's
# time_total, connection included) is printed beside it.  BENCH_WEB_RUNS
# (default 20) requests of each; median and p95.  The control socket
# sends no Server-Timing, so the baseline's client time is the
# denominator of every ratio: the client-time ratios compare like with
# like, the server-time ones bound the console's own share.  Installed as
# build/bench/bench_web.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BENCH=bench_web
. "$here/lib.sh"
nseg=${BENCH_WEB_SEGMENTS:-500}
runs=${BENCH_WEB_RUNS:-20}

echo "bench_web: making $nseg distinct 1 s MP4 files"
ffmpeg -nostdin -v error -y -f lavfi -i "testsrc=size=160x120:rate=10" \
    -t 1 -c:v mpeg4 clip.mp4 || die "ffmpeg clip.mp4"
mkdir -p cam/CAM-W01/DCIM
python3 - "$nseg" <<'PY' || die "copies"
import struct, sys
base = open("clip.mp4", "rb").read()
for i in range(int(sys.argv[1])):
    tag = b"custos bench segment %06d" % i
    box = struct.pack(">I", 8 + len(tag)) + b"free" + tag
    with open("cam/CAM-W01/DCIM/V%06d.MP4" % i, "wb") as f:
        f.write(base + box)
PY
rm -f clip.mp4

mkdir dock
bench_conf "after_ingest = keep"
cat >>custos.conf <<EOC
[web]
listen = 127.0.0.1:0
EOC
bench_start
id=$(bench_inspection CAM-W01)
# Recorded (the files' times) after the entering: linked automatically.
touch cam/CAM-W01/DCIM/*.MP4
echo "bench_web: docking them into inspection $id"
t0=$(now)
mv cam/CAM-W01 dock/
bench_wait_session
t1=$(now)
linked=$(entries_like '{"type":"evidence.linked"')
[ "$linked" -eq "$nseg" ] ||
    die "$linked of $nseg segments linked to the inspection"
echo "bench_web: $nseg segments sealed and linked in $(elapsed "$t0" "$t1") s"

port=$(c status --json | python3 -c '
import json, sys
print(json.load(sys.stdin)["web"]["listen"].rsplit(":", 1)[1])') ||
    die "no web.listen in the status"
base=http://127.0.0.1:$port

# stats FILE: "median p95" of the numbers in FILE (one a line).
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
	    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	    p = int(NR * 0.95 + 0.999); if (p > NR) p = NR
	    printf "%.3f %.3f\n", m, v[p] }'
}

# web PATH NAME: runs GETs of PATH; the server times (ms) into NAME.srv,
# the client's into NAME.cli.  Every answer must be a 200 with a
# Server-Timing header.
web() {
	: >"$2.srv"
	: >"$2.cli"
	i=0
	while [ $i -lt "$runs" ]; do
		i=$((i + 1))
		out=$(curl -sS -o "$2.body" -D "$2.head" \
		    -w '%{http_code} %{time_total}' "$base$1") ||
		    die "GET $1: curl failed"
		[ "${out%% *}" = 200 ] ||
		    die "GET $1: HTTP ${out%% *}: $(head -c 300 "$2.body")"
		srv=$(tr -d '\r' <"$2.head" | sed -n \
		    's/^[Ss]erver-[Tt]iming:.*app;dur=\([0-9.]*\).*/\1/p')
		[ -n "$srv" ] || die "GET $1: no Server-Timing app;dur"
		echo "$srv" >>"$2.srv"
		echo "${out#* } * 1000" | bc -l >>"$2.cli"
	done
}

# The baseline: the control socket's status, timed by curl.
: >status.cli
i=0
while [ $i -lt "$runs" ]; do
	i=$((i + 1))
	out=$(curl -sS -o status.body -w '%{http_code} %{time_total}' \
	    --unix-socket control.sock http://localhost/v1/status) ||
	    die "GET /v1/status: curl failed"
	[ "${out%% *}" = 200 ] || die "GET /v1/status: HTTP ${out%% *}"
	echo "${out#* } * 1000" | bc -l >>status.cli
done

web "/inspections/$id?lang=en" insp
web /metrics metrics
rows=$(grep -o '<li class="segment"' insp.body | wc -l)
kill -TERM "$pid"
wait "$pid" || die "custosd exit status $?"
pid=

for t in status.cli insp.srv insp.cli metrics.srv metrics.cli; do
	stats "$t" >"$t.stats"
done
read -r st_med st_p95 <status.cli.stats
read -r in_med in_p95 <insp.srv.stats
read -r inc_med inc_p95 <insp.cli.stats
read -r me_med me_p95 <metrics.srv.stats
read -r mec_med mec_p95 <metrics.cli.stats
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo "bench_web: $runs requests each; times in ms (median, p95)"
echo "bench_web: baseline GET /v1/status on the control socket (client):" \
    "$st_med, $st_p95"
echo "bench_web: GET /inspections/$id ($nseg segments, $rows in the" \
    "playlist, $(wc -c <insp.body) bytes): server" \
    "$in_med, $in_p95 (target < 200); client $inc_med, $inc_p95"
echo "bench_web: GET /metrics ($(wc -c <metrics.body) bytes): server" \
    "$me_med, $me_p95 (target < 10); client $mec_med, $mec_p95"
echo "bench_web: inspection page ratio to the status baseline: server" \
    "time $(ratio "$in_med" "$st_med") median, $(ratio "$in_p95" "$st_p95")" \
    "p95; client time $(ratio "$inc_med" "$st_med") median," \
    "$(ratio "$inc_p95" "$st_p95") p95"
echo "bench_web: metrics ratio to the status baseline: server time" \
    "$(ratio "$me_med" "$st_med") median, $(ratio "$me_p95" "$st_p95") p95;" \
    "client time $(ratio "$mec_med" "$st_med") median," \
    "$(ratio "$mec_p95" "$st_p95") p95"
