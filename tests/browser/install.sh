#!/bin/sh
# Installs the browser test's npm packages, exactly as package-lock.json
# pins them, into tests/browser/node_modules; does nothing when the
# pinned puppeteer-core is there already.  Used by "make deps".  No
# browser is downloaded: the tests drive Debian's chromium.
set -eu
cd "$(dirname "$0")"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1
then
	echo "deps: node and npm are needed (Debian packages nodejs npm)" >&2
	exit 1
fi
want=$(node -p 'require("./package.json").dependencies["puppeteer-core"]')
have=$(node -p 'try { require("./node_modules/puppeteer-core/package.json")
    .version } catch (e) { "" }')
[ "$want" = "$have" ] && exit 0
echo "deps: npm ci in tests/browser (puppeteer-core $want)" >&2
npm ci --no-audit --no-fund --ignore-scripts
