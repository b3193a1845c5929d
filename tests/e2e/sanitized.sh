# The end-to-end tests run custosd, custos and custos-verify built with
# ASan+UBSan, and tests/run.sh fails any test whose output holds a
# sanitizer report.  This test keeps both halves honest: the programs
# under test really carry the sanitizer runtimes, and a real report from
# a program built with the same flags matches the pattern the runner
# greps for (SANITIZER_RE), for a heap overflow, a leak and undefined
# behaviour alike.
. "$(dirname "$0")/lib.sh"
: "${SANITIZER_RE:?set by tests/run.sh}"

for p in "$CUSTOSD" "$CUSTOS" "$CUSTOS_VERIFY"; do
	libs=$(ldd "$p") || fail "ldd $p"
	expect_in "$p links ASan" libasan "$libs"
	expect_in "$p links UBSan" libubsan "$libs"
done

cat >"$W/bad.c" <<'EOC'
#include <limits.h>
#include <stdlib.h>
#include <string.h>
static void __attribute__((noinline))
lose(size_t n)
{
	char *volatile q = malloc(n);

	if (q != NULL)
		q[0] = 1;
}
int
main(int argc, char *argv[])
{
	char *p = malloc(8);
	int i = INT_MAX;

	if (argc < 2 || p == NULL)
		return 2;
	if (strcmp(argv[1], "overflow") == 0)
		p[8 + argc - 2] = 1;
	else if (strcmp(argv[1], "ubsan") == 0)
		i += argc;
	else if (strcmp(argv[1], "leak") == 0)
		lose(4096 + (size_t)argc);
	if (p != NULL)
		free(p);
	return i == 0;
}
EOC
cc -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
    -fno-sanitize-recover=all -o "$W/bad" "$W/bad.c" || fail "cc bad.c"
for what in overflow ubsan leak; do
	"$W/bad" "$what" >"$W/$what.out" 2>&1 && fail "$what: no failure exit"
	grep -qE "$SANITIZER_RE" "$W/$what.out" ||
	    fail "$what: the runner's pattern misses: $(cat "$W/$what.out")"
	# The runner scans the test's scratch directory: leave nothing
	# behind that it would take for a finding of this test.
	rm -f "$W/$what.out"
done
"$W/bad" none || fail "the clean run"
echo "sanitized: ok"
