#!/bin/sh
# The man pages (man/*.scd, built by "make" into $B/man): every verb of
# custos and custos-verify, every option of every verb and every sub-verb
# is in its page, taken from the programs' own usage ("VERB --help"), not
# from a list kept here; every option of custosd and its signals; every
# section and key of custos.conf, taken from the config loader's key
# tables (lib/base/config*.c), with its own entry under its section's
# heading.  Each page renders without a warning from man or groff, and
# after "make install" into a temporary PREFIX "man custos" finds it
# through MANPATH.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
SRC_B=${CUSTOS_BUILD:-$(dirname "$CUSTOSD")}
case $SRC_B in
*/asan) SRC_B=${SRC_B%/asan} ;;
esac
M=$SRC_B/man
PAGES="custosd.8 custos.1 custos-verify.1 custos.conf.5"

# text PAGE: the page as plain text, not hyphenated and with long lines,
# so that an option is never split.
text() {
	preconv "$M/$1" | groff -man -Tutf8 -rHY=0 -rLL=250n -P-cbou
}

# section FILE HEADING: the lines of the rendered page FILE under the
# heading line HEADING (exact), up to the next heading of the same level
# (a section: a line starting in column 0; a subsection: 3 blanks).
section() {
	awk -v h="$2" '
	    $0 == h { on = 1; lvl = match($0, /[^ ]/); next }
	    on && NF > 0 && match($0, /[^ ]/) <= lvl { exit }
	    on { print }' "$1"
}

# has WHAT TEXT WORD: WORD appears in TEXT as a word of its own (options:
# not the prefix of a longer option).
has() {
	printf '%s\n' "$2" | grep -qE -- "(^|[^A-Za-z0-9_-])$3([^A-Za-z0-9_-]|\$)" ||
	    fail "$1: \"$3\" is not there"
}

# forms USAGE VERB PROG: the forms of VERB in the usage text USAGE, one a
# line, each with its continuation lines joined (up to the first blank
# line, or the first line that is not indented: after it a usage
# describes the verbs).
forms() {
	printf '%s\n' "$1" | awk -v verb="$2" -v prog="$3" '
	    /^$/ { exit }
	    {
		line = $0
		sub(/^usage:/, "", line)
		n = split(line, w, " ")
		if (n > 0 && w[1] == prog) {
			if (cur != "") print cur
			i = 2
			if (w[i] == "[-c") i += 2
			cur = (w[i] == verb) ? line : ""
		} else if (cur != "" && line ~ /^[ \t]/)
			cur = cur " " line
		else if (cur != "") {
			print cur
			cur = ""
		}
	    }
	    END { if (cur != "") print cur }'
}

# options FORMS: the options (-x, --long-name) in FORMS, one a line.
options() {
	printf '%s\n' "$1" | grep -oE -- '(^|[ [|])--?[a-z][a-z0-9-]*' |
	    sed 's/^[ [|]//' | grep -vx -- '-c' | sort -u
}

# subverbs FORMS VERB: the words after VERB before its first argument
# ("log checkpoint", "inspection enter|leave", "credit-repair apply").
subverbs() {
	printf '%s\n' "$1" | awk -v verb="$2" '{
		for (i = 1; i <= NF && $i != verb; i++) ;
		for (i++; i <= NF && $i ~ /^[a-z][a-z|-]*$/; i++) {
			n = split($i, s, "|")
			for (k = 1; k <= n; k++) print s[k]
		}
	}' | sort -u
}

step "the pages are built and render without warnings"
for p in $PAGES; do
	[ -s "$M/$p" ] || fail "not built: $M/$p (make all builds man/*.scd)"
	MANWIDTH=80 man --warnings -l "$M/$p" >"$W/$p.man" 2>"$W/$p.warn" ||
	    fail "man -l $p: $(cat "$W/$p.warn")"
	[ -s "$W/$p.warn" ] && fail "man --warnings -l $p: $(cat "$W/$p.warn")"
	out=$(preconv "$M/$p" | groff -Tutf8 -ww -man -z 2>&1)
	[ -z "$out" ] || fail "groff -ww $p: $out"
	text "$p" >"$W/$p.txt" || fail "groff $p"
	has "$p NAME" "$(section "$W/$p.txt" NAME)" "${p%.*}"
	for s in SYNOPSIS DESCRIPTION "SEE ALSO"; do
		[ -n "$(section "$W/$p.txt" "$s")" ] || fail "$p: no $s"
	done
done
for p in custosd.8 custos.1 custos-verify.1; do
	st=$(section "$W/$p.txt" "EXIT STATUS")
	for c in 0 1 2; do
		printf '%s\n' "$st" | grep -qx " *$c" ||
		    fail "$p: EXIT STATUS does not give $c"
	done
done

step "custos: every verb, sub-verb and option of its usage"
top_usage=$("$CUSTOS" --help) || fail "custos --help"
verbs=$(printf '%s\n' "$top_usage" |
    sed -n 's/^\(usage:\)\{0,1\} *custos \(\[-c CONF\] \)\{0,1\}\([a-z][a-z-]*\).*/\3/p' |
    sort -u)
n=$(printf '%s\n' "$verbs" | wc -l)
[ "$n" -ge 15 ] || fail "only $n verbs read from custos --help: $verbs"
has "custos.1 GLOBAL OPTIONS" "$(section "$W/custos.1.txt" "GLOBAL OPTIONS")" -c
nopt=0
for v in $verbs; do
	usage=$("$CUSTOS" "$v" --help) || fail "custos $v --help"
	f=$(forms "$usage" "$v" custos)
	[ -n "$f" ] || fail "custos $v --help shows no form of $v: $usage"
	sec=$(section "$W/custos.1.txt" "   custos $v")
	[ -n "$sec" ] || fail "custos.1: no subsection \"custos $v\""
	for o in $(options "$f"); do
		has "custos.1, custos $v" "$sec" "$o"
		nopt=$((nopt + 1))
	done
	for s in $(subverbs "$f" "$v"); do
		has "custos.1, custos $v" "$sec" "$s"
	done
done
echo "custos: $n verbs, $nopt options of verbs"
for o in --help --version CUSTOS_CONF; do
	has "custos.1" "$(cat "$W/custos.1.txt")" "$o"
done

step "custos-verify: every verb and option of its usage"
vusage=$("$CUSTOS_VERIFY" --help) || fail "custos-verify --help"
vverbs=$(printf '%s\n' "$vusage" |
    sed -n 's/^\(usage:\)\{0,1\} *custos-verify \([a-z][a-z-]*\).*/\2/p' | sort -u)
n=$(printf '%s\n' "$vverbs" | wc -l)
[ "$n" -ge 6 ] || fail "only $n verbs read from custos-verify --help"
vtxt=$(cat "$W/custos-verify.1.txt")
vsec=$(section "$W/custos-verify.1.txt" VERBS)
vopt=$(section "$W/custos-verify.1.txt" OPTIONS)
for v in $vverbs; do
	usage=$("$CUSTOS_VERIFY" "$v" --help) || fail "custos-verify $v --help"
	has "custos-verify.1 VERBS" "$vsec" "$v"
	has "custos-verify.1 SYNOPSIS" \
	    "$(section "$W/custos-verify.1.txt" SYNOPSIS)" "custos-verify $v"
	for o in $(options "$(forms "$usage" "$v" custos-verify)"); do
		has "custos-verify.1 OPTIONS" "$vopt" "$o"
	done
done

step "custosd: every option of its usage, and its signals"
dusage=$("$CUSTOSD" --help) || fail "custosd --help"
dopt=$(section "$W/custosd.8.txt" OPTIONS)
# "[-dfv]" is -d, -f and -v.
for o in $(printf '%s\n' "$dusage" | grep -oE -- '(^|[ [|])--?[a-zA-Z][a-z-]*' |
    sed 's/^[ [|]//' | awk '/^-[a-zA-Z][a-zA-Z]+$/ {
	for (i = 2; i <= length($0); i++) print "-" substr($0, i, 1); next }
	{ print }' | sort -u); do
	has "custosd.8 OPTIONS" "$dopt" "$o"
done
for s in $(printf '%s\n' "$dusage" | grep -oE 'SIG[A-Z]+' | sort -u); do
	has "custosd.8 SIGNALS" "$(section "$W/custosd.8.txt" SIGNALS)" "$s"
done

step "custos.conf: every section and key of the config loader"
# The key tables: "[K_NAME] = { "station", "name", ..." in
# lib/base/config_keys.c, config_replica.c and config_witness.c.
keys=$(cat "$top"/lib/base/config*.c | tr -s ' \t\n' ' ' |
    grep -oE '\[[A-Z_]+\] = \{ "[a-z_]+", "[a-z_]+",' |
    sed 's/.*{ "\([a-z_]*\)", "\([a-z_]*\)",/\1.\2/' | sort -u)
n=$(printf '%s\n' "$keys" | wc -l)
[ "$n" -ge 45 ] || fail "only $n keys read from lib/base/config*.c"
# The fixed sections: config.c's sections[].
sections=$(tr -s ' \t\n' ' ' <"$top/lib/base/config.c" |
    grep -oE 'sections\[\] = \{[^}]*\}' | grep -oE '"[a-z_]+"' | tr -d '"')
[ -n "$sections" ] || fail "no sections[] in lib/base/config.c"
for s in $sections live witness; do
	case $s in
	live | witness) h="[$s NAME]" ;;
	*) h="[$s]" ;;
	esac
	[ -n "$(section "$W/custos.conf.5.txt" "$h")" ] ||
	    fail "custos.conf.5: no section \"$h\""
done
for sk in $keys; do
	s=${sk%%.*}
	k=${sk#*.}
	case $s in
	live | witness) h="[$s NAME]" ;;
	*) h="[$s]" ;;
	esac
	section "$W/custos.conf.5.txt" "$h" | grep -qE "^ +$k = " ||
	    fail "custos.conf.5: no entry \"$k = \" under $h"
done
echo "custos.conf: $n keys in $(echo $sections | wc -w) fixed sections and [live NAME], [witness NAME]"

step "make install into a temporary PREFIX; MANPATH=PREFIX/share/man man custos"
P=$W/usr
mkdir -p "$W/build"
if [ -d "$SRC_B/obj" ]; then
	cp -pR "$SRC_B/obj" "$W/build/obj" || fail "copy $SRC_B/obj"
	for f in custosd custos custos-verify; do
		[ -f "$SRC_B/$f" ] && cp -p "$SRC_B/$f" "$W/build/"
	done
fi
make -C "$top" --no-print-directory B="$W/build" PREFIX="$P" \
    SYSCONFDIR="$W/etc" install >"$W/make.log" 2>&1 ||
    fail "make install: $(tail -20 "$W/make.log")"
for p in $PAGES; do
	s=${p##*.}
	cmp -s "$M/$p" "$P/share/man/man$s/$p" ||
	    fail "not installed: $P/share/man/man$s/$p"
done
for q in "custos" "8 custosd" "custos-verify" "5 custos.conf"; do
	# shellcheck disable=SC2086
	out=$(MANPATH=$P/share/man MANWIDTH=80 man $q 2>"$W/man.err") ||
	    fail "MANPATH=$P/share/man man $q: $(cat "$W/man.err")"
	# shellcheck disable=SC2086
	where=$(MANPATH=$P/share/man man -w $q) || fail "man -w $q"
	case $where in
	"$P"/share/man/*) ;;
	*) fail "man $q found $where, not the installed page" ;;
	esac
	expect_in "man $q" "NAME" "$out"
done
echo "man: ok"
