#!/bin/sh
# mkbundle.sh DIR: a complete, closed inspection with real footage in a
# scratch station under DIR, exported as an evidence bundle twice.
#
# Environment: CUSTOSD and CUSTOS (the binaries under test; required),
# MKB_CONF (a command run once the config is written, to add to it),
# MKBUNDLE_TSA (1, the default: the station has a real RFC 3161 TSA,
# "openssl ts -reply" behind tests/tools/tsa_server.py; 0: no TSA and no
# checkpoint.tsr), MKBUNDLE_PROFILE (default or sm), MKB_KIND (the
# camera's kind: body, the default, or drone or fixed, registered with no
# legal and technical review), MKB_DECISION (after closing, a penalty
# decision is served: "notice" with a credit-repair notice, "plain"
# without one; unset: none).
#
# Outputs, in DIR:
#	bundle/		the bundle as a directory (docs/bundle.md)
#	bundle.tar	the same inspection exported again as a tar
#	station.vkey	the station's verifier key, the one to trust
#	tsa/ca.pem	the TSA's CA certificate (with MKBUNDLE_TSA=1)
#	inspection	the inspection ID, one line
#	custos.conf, state/	the station itself (custosd is stopped)
# and prints "bundle DIR/bundle" and "tar DIR/bundle.tar".  Exits 0, or
# non-zero with a "FAIL: ..." line.
#
# The inspection: two officers with credentials, an enterprise coded
# red, a registered body camera assigned to the first officer, the
# inspection registered and entered, the camera docked with two files
# made by ffmpeg (an mp4 with video and audio, a text file), both sealed
# and linked automatically, an on-site record sealed as a document, then
# left and closed.
#
# Sourced (after tests/e2e/lib.sh, with $W the scratch directory), it
# defines
# mkbundle_station, which builds the station and leaves custosd (and the
# TSA) running with ID set to the inspection, and mkbundle_export OUT,
# which exports ID to OUT.

MKB_USCC=91350100M000100Y43	# GB 32100-2015's own example

# mkb_session: CAM-E01 has a dock.session entry.
mkb_session() {
	[ "$(python3 "$E2E_DIR/docklog.py" "$W/state" sessions CAM-E01)" -ge 1 ]
}

mkbundle_station() {
	write_conf "${MKBUNDLE_PROFILE:-default}"
	if [ "${MKBUNDLE_TSA:-1}" = 1 ]; then
		start_tsa
		conf_tsa
	fi
	# A test's own additions to the config ([replica], say).
	${MKB_CONF:-true}
	cp -R "$E2E_CAL" "$W/calendar" || fail "copy the calendar"
	mkdir -p "$W/dock" "$W/prep"
	start_daemon
	two_officers 闽应急执字 2099-12-31
	c enterprise add $MKB_USCC --name 福州某化工有限公司 --risk red \
	    >/dev/null || fail "enterprise add"
	c camera add CAM-E01 --kind "${MKB_KIND:-body}" --model DSJ-V8 \
	    >/dev/null || fail "camera add"
	# Not before the station's latest timestamp token (the station
	# refuses an assignment the token proves the log did not hold): the
	# test TSA's genTime is whole seconds, rounded, so it may read the
	# next second; the assignment starts there, and the footage is made
	# once the clock has reached it.
	c camera assign CAM-E01 --officer PA-0001 --from "$(utc 1)" \
	    >/dev/null || fail "camera assign"
	wait_next_second
	ID=$(c inspection register --enterprise $MKB_USCC \
	    --officer PA-0001 --officer PA-0002 --basis 安全生产法第六十五条 \
	    --content 危化品储存检查) || fail "register: $ID"
	c inspection enter "$ID" >/dev/null ||
	    fail "enter"
	. "$E2E_DIR/footage.sh"
	footage_small "$W/prep/CAM-E01" "mkbundle-$$" || fail "ffmpeg footage"
	mv "$W/prep/CAM-E01" "$W/dock/CAM-E01" || fail "dock CAM-E01"
	wait_until 90 "CAM-E01: a dock.session" mkb_session
	printf '现场检查记录 %s\n签名: 张伟 李娜\n' "$ID" >"$W/prep/record.txt"
	c inspection document "$ID" --kind record --file "$W/prep/record.txt" \
	    --name 现场检查记录.txt >/dev/null || fail "document"
	c inspection leave "$ID" >/dev/null || fail "leave"
	c inspection close "$ID" --result 未发现问题 >/dev/null ||
	    fail "close"
	case "${MKB_DECISION:-}" in
	notice)	c inspection decision "$ID" --number 闽应急罚〔2026〕1号 \
		    --penalty 警告 --credit-notice 闽应急信修告〔2026〕1号 \
		    >/dev/null || fail "decision" ;;
	plain)	c inspection decision "$ID" --number 闽应急罚〔2026〕1号 \
		    --penalty 警告 >/dev/null || fail "decision" ;;
	esac
	echo "$ID" >"$W/inspection"
}

mkbundle_export() {	# OUT
	c export "$ID" -o "$1" --purpose "证明 $ID 的检查过程" >"$W/export.out" \
	    2>"$W/export.err" || fail "export to $1: $(cat "$W/export.err")"
}

case "$0" in
*mkbundle.sh)
	set -u
	[ $# -eq 1 ] || { echo "usage: mkbundle.sh DIR" >&2; exit 2; }
	mkdir -p "$1" || exit 2
	TMPDIR=$(cd "$1" && pwd)
	export TMPDIR
	: "${CUSTOS_VERIFY:=/bin/true}"
	export CUSTOS_VERIFY
	. "$(cd "$(dirname "$0")/../e2e" && pwd)/lib.sh"
	cd "$W" || exit 2
	mkbundle_station
	mkbundle_export "$W/bundle"
	mkbundle_export "$W/bundle.tar"
	stop_daemon
	stop_tsa
	cp "$W/state/station.vkey" "$W/station.vkey" || fail "station.vkey"
	echo "bundle $W/bundle"
	echo "tar $W/bundle.tar"
	;;
esac
