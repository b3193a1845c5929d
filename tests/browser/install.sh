#!/bin/sh
# Installs the browser tests' npm packages, exactly as package-lock.json
# pins them, into tests/browser/node_modules; does nothing when the
# pinned puppeteer-core and axe-core are there already.  Used by "make
# deps".  No browser is downloaded: the tests drive Debian's chromium.
set -eu
cd "$(dirname "$0")"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1
then
	echo "deps: node and npm are needed (Debian packages nodejs npm)" >&2
	exit 1
fi
# pinned NAME: the version package.json pins; installed NAME: the one in
# node_modules (empty when it is missing).
pinned() {
	node -p "require('./package.json').dependencies['$1']"
}
installed() {
	node -p "try { require('./node_modules/$1/package.json').version }
	    catch (e) { '' }"
}
stale=
for p in puppeteer-core axe-core; do
	[ "$(pinned $p)" = "$(installed $p)" ] ||
	    stale="$stale $p $(pinned $p)"
done
[ -z "$stale" ] && exit 0
echo "deps: npm ci in tests/browser (${stale# })" >&2
npm ci --no-audit --no-fund --ignore-scripts
