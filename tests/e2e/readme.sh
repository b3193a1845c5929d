#!/bin/sh
# The README's walk-through, run for real so that it cannot drift from
# the product: tests/tools/readme_walk.py cuts the ```sh blocks of its
# section "A walk-through" into commands, and they run here in order, in
# one bash shell, from a scratch copy of the layout the README assumes:
# conf/ (the config and its calendar), build/ holding the programs under
# test ($CUSTOSD, $CUSTOS, $CUSTOS_VERIFY) and no var/ yet, as in a fresh
# checkout.
#
# - Every command must exit 0; a line "# → TEXT" under a command says
#   what it prints, and its output must contain TEXT (runs of white space
#   count as one).  A command that only reads (custos status, log,
#   inspection show or list) is run again until it does, up to 60 s, as a
#   reader runs "custos status" again until the camera is done.
# - A block that is "make run" runs what the Makefile's run target runs
#   (its recipe read from the Makefile, $(B) being build/; the build step
#   is left out, build/ being the programs under test), in the background
#   instead of the foreground, waiting until custosd answers.  A second
#   "make run" is the README's restart: the running custosd is stopped
#   first with SIGINT, as Ctrl-C does, and must exit 0.
# - A block marked <!-- readme: skip NAME: why --> is not run; NAME must
#   be one of SKIPS below (an upload to a remote station, a player that
#   needs a display, replication, which needs an S3 server: e2e/replica_s3
#   and e2e/restore run those commands against one).
#
# At the end custosd is stopped with SIGINT (exit 0) and the log verifies.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/lib.sh"

SKIPS="ffplay upload replica"
CO=$W/checkout
OUT=$W/readme.out
NCMD=0
NWANT=0
SKIPPED=

step "the run target of the Makefile"
grep -q '^B[[:space:]]*:=[[:space:]]*build[[:space:]]*$' "$E2E_TOP/Makefile" ||
    fail "the Makefile's build directory B is no longer build/"
awk '/^run:/ { r = 1; next } r && /^\t/ { sub(/^\t/, ""); print; next }
    r { exit }' "$E2E_TOP/Makefile" >"$W/run.recipe"
RUN_PRE=
RUN_DAEMON=
while IFS= read -r l; do
	l=${l#@}
	case $l in
	*'$(MAKE)'*all*)
		echo "make run builds first: [$l] (build/ is the programs under test)"
		continue
		;;
	esac
	l=$(printf '%s' "$l" | sed 's/\$(B)/build/g')
	case $l in
	*'$('* | *'$$'* | *'`'*)
		fail "the run recipe has [$l]: teach readme.sh what it means" ;;
	esac
	[ -z "$RUN_DAEMON" ] ||
	    fail "the run recipe goes on after starting custosd: [$l]"
	case $l in
	'exec build/custosd '*) RUN_DAEMON=$l ;;
	*) RUN_PRE="$RUN_PRE$l
" ;;
	esac
done <"$W/run.recipe"
expect_eq "make run starts custosd in the foreground on conf/custos.conf" \
    "exec build/custosd -f -c conf/custos.conf" "$RUN_DAEMON"
echo "make run: ${RUN_PRE}$RUN_DAEMON"

step "the walk-through, cut into commands"
python3 "$E2E_TOP/tests/tools/readme_walk.py" "$E2E_TOP/README.md" \
    "A walk-through" $SKIPS >"$W/walk.sh" 2>"$W/walk.err" ||
    fail "readme_walk.py: $(cat "$W/walk.err")"
grep -q '^readme_make_run ' "$W/walk.sh" ||
    fail "the walk-through has no \"make run\" block"

# readme_block LINE: a block of the README starts at LINE.
readme_block() {
	step "README.md line $1"
}

# readme_skip LINE NAME: a block marked "skip NAME".
readme_skip() {
	echo "(skipped: $2)"
	SKIPPED="$SKIPPED $2"
}

# readme_make_run LINE: the Makefile's run recipe, custosd in the
# background; a custosd still running is stopped first, as Ctrl-C does.
readme_make_run() {
	echo "\$ make run"
	if [ -n "$DPID" ]; then
		kill -INT "$DPID"
		wait "$DPID"
		_mr_st=$?
		DPID=
		expect_eq "custosd exit status after Ctrl-C (SIGINT)" 0 "$_mr_st"
	fi
	eval "$RUN_PRE" || fail "README.md line $1: make run: [$RUN_PRE]"
	eval "$RUN_DAEMON" >>"$W/custosd.err" 2>&1 &
	DPID=$!
	wait_socket
}

# readme_run LINE COMMAND WANT...: COMMAND in this shell (its variables
# stay), output in $OUT; it must exit 0 and print every WANT.
readme_run() {
	_rr_line=$1 _rr_cmd=$2
	shift 2
	NCMD=$((NCMD + 1))
	NWANT=$((NWANT + $#))
	printf '$ %s\n' "$_rr_cmd"
	# Not poll: a command run as its condition would not fire the ERR
	# trap of _rr_try.
	_rr_n=600
	while :; do
		_rr_try "$@"
		_rr_st=$?
		[ "$_rr_st" -eq 0 ] && break
		case $_rr_cmd in
		'build/custos status'* | 'build/custos log '* | \
		    'build/custos inspection show '* | \
		    'build/custos inspection list'*) ;;
		*) _rr_n=0 ;;
		esac
		if [ "$_rr_n" -le 0 ]; then
			cat "$OUT"
			fail "README.md line $_rr_line: $_rr_why: $_rr_cmd"
		fi
		_rr_n=$((_rr_n - 1))
		sleep 0.1
	done
	cat "$OUT"
}

# _rr_try WANT...: one run of $_rr_cmd; its failure in $_rr_why.  The ERR
# trap catches a failure that a later command of the same line hides
# ("custos log entry 9; echo").
_rr_try() {
	_rr_bad=0
	trap '_rr_bad=1' ERR
	{ eval "$_rr_cmd"; } >"$OUT" 2>&1 </dev/null
	_rr_st=$?
	trap - ERR
	if [ "$_rr_st" -ne 0 ] || [ "$_rr_bad" -ne 0 ]; then
		_rr_why="exit $_rr_st"
		[ "$_rr_st" -eq 0 ] && _rr_why="a command before the last failed"
		return 1
	fi
	_rr_out=$(tr -s '[:space:]' ' ' <"$OUT")
	for _rr_w in "$@"; do
		_rr_w=$(printf '%s' "$_rr_w" | tr -s '[:space:]' ' ')
		case $_rr_out in
		*"$_rr_w"*) ;;
		*)
			_rr_why="the output lacks [$_rr_w]"
			return 1
			;;
		esac
	done
	return 0
}

step "a fresh checkout: conf/, build/ of the programs under test"
mkdir -p "$CO/build" || fail "mkdir $CO/build"
cp -R "$E2E_TOP/conf" "$CO/conf" || fail "copy conf/"
# Near the end of the calendar's last year, a test placeholder for the
# next one (tests/e2e/lib.sh), so that the walk-through's deadlines are
# computed whatever the date; it says so.
e2e_cal_placeholders "$CO/conf/calendar"
# The console's port 0: tests run side by side.
sed -i 's|^listen = 127.0.0.1:8440$|listen = 127.0.0.1:0|' \
    "$CO/conf/custos.conf" || fail "console port"
ln -s "$CUSTOSD" "$CO/build/custosd" &&
    ln -s "$CUSTOS" "$CO/build/custos" &&
    ln -s "$CUSTOS_VERIFY" "$CO/build/custos-verify" || fail "link build/"
# wait_socket asks with the config the README's custosd runs on.
CONF=$CO/conf/custos.conf
cd "$CO" || fail "cd $CO"

. "$W/walk.sh"

step "custosd stopped as Ctrl-C does; the log verifies"
[ -n "$DPID" ] || fail "custosd is not running at the end of the walk-through"
kill -INT "$DPID"
wait "$DPID"
st=$?
DPID=
expect_eq "custosd exit status after Ctrl-C (SIGINT)" 0 "$st"
out=$("$CUSTOS" -c "$CONF" log verify 2>&1) || fail "log verify: $out"
grep -q 'AddressSanitizer\|runtime error' "$W/custosd.err" &&
    fail "sanitizer report"
echo "ok readme: $NCMD commands, $NWANT checked outputs, skipped:$SKIPPED"
