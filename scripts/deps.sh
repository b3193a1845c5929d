#!/bin/sh
# Installs the Debian 12 packages Custos needs to build, test and run, and
# nothing when they are all there already.  Used by "make deps".
set -eu

PKGS="gcc make pkg-config clang libclang-rt-14-dev openssl sqlite3 curl
libssl-dev libsqlite3-dev libuv1-dev libjansson-dev libinih-dev
libcmocka-dev libsystemd-dev libhttp-parser-dev libcurl4-openssl-dev
golang-go golang-golang-x-mod-dev valgrind
libavformat-dev libavcodec-dev libavutil-dev libseccomp-dev ffmpeg bc dcfldd
libarchive-dev chromium fonts-noto-cjk fontconfig python3 libfaketime
python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base
gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly
ceph-mon ceph-osd radosgw ceph-common libxml2-dev time
python3-prometheus-client prometheus
scdoc man-db debhelper dpkg-dev fakeroot lintian"

# Node and npm (the browser test's puppeteer-core) from Debian, unless
# the machine has them already from elsewhere.
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"

# One dpkg-query for all of them: the packages it reports as installed,
# and every other one is missing.
# shellcheck disable=SC2086
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null |
    awk '/ install ok installed$/ { print $1 }')
missing=
for p in $PKGS; do
	case " $(echo $installed) " in
	*" $p "*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: not root; install these packages first:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# No service of these packages may start or stay enabled (prometheus,
# ceph, radosgw): the tests start their own servers on free ports.  A
# policy-rc.d answering 101 keeps invoke-rc.d from starting them during
# the install (one already there is left alone), and under systemd the
# prometheus unit the install enables is disabled and stopped.
policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	trap 'rm -f "$policy"' EXIT
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
if [ -d /run/systemd/system ]; then
	case " $missing " in
	*" prometheus "*) systemctl disable --now prometheus.service ;;
	esac
fi
