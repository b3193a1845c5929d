#!/bin/sh
# Camera volumes for the dock tests, made with ffmpeg.  Source it and call
#
#	footage DIR [TAG]	a hostile volume: real mp4/ts/mov/jpg/wav, a
#				Chinese name, a truncated mp4, random bytes
#				named .MP4, a zero-length file, symlinks to
#				/etc/passwd and out of the volume, a FIFO,
#				DCIM/100MEDIA/, a name in invalid UTF-8 and
#				one with spaces, TIME.TXT 90 s fast
#	footage_small DIR TAG	two small files only
#	footage_big DIR TAG MB	a few files of about MB MiB each
#
# TAG goes into the media metadata and a text file, so volumes made with
# different tags share no bytes.  Run directly, it makes a volume in
# $TMPDIR and checks that every kind of file is there (so tests/run.sh,
# which runs every tests/e2e/*.sh, gets a meaningful self-test).

# H.264 when this ffmpeg has libx264, MPEG-4 part 2 otherwise.
footage_vcodec() {
	if ffmpeg -hide_banner -encoders 2>/dev/null | grep -q libx264; then
		echo "libx264 -preset ultrafast -pix_fmt yuv420p"
	else
		echo "mpeg4"
	fi
}

# ffmpeg_clip OUT TAG [SECONDS] [SIZE]: a short test-pattern video.
ffmpeg_clip() {
	ffmpeg -nostdin -hide_banner -loglevel error -y \
	    -f lavfi -i "testsrc=size=${4:-160x120}:rate=10:duration=${3:-1}" \
	    -f lavfi -i "sine=frequency=440:duration=${3:-1}" \
	    -c:v $(footage_vcodec) -c:a aac -metadata title="$2" \
	    -metadata comment="$1" "$1" || return 1
}

footage() {
	d=$1
	tag=${2:-cam}
	mkdir -p "$d/DCIM/100MEDIA" || return 1
	ffmpeg_clip "$d/clip.mp4" "$tag" || return 1
	ffmpeg_clip "$d/clip.ts" "$tag" || return 1
	ffmpeg_clip "$d/clip.mov" "$tag" || return 1
	ffmpeg_clip "$d/执法记录_001.mp4" "$tag" || return 1
	ffmpeg_clip "$d/name with spaces.mp4" "$tag" || return 1
	ffmpeg_clip "$d/DCIM/100MEDIA/VID_0001.mp4" "$tag" || return 1
	ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi \
	    -i "testsrc=size=160x120:rate=1:duration=1" -frames:v 1 \
	    -metadata comment="$tag" "$d/photo.jpg" || return 1
	cp "$d/photo.jpg" "$d/DCIM/100MEDIA/IMG_0001.jpg"
	printf '%s' "$tag" >>"$d/DCIM/100MEDIA/IMG_0001.jpg"
	ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi \
	    -i "sine=frequency=880:duration=0.5" -metadata title="$tag" \
	    "$d/audio.wav" || return 1
	# Half of a real mp4: damaged media, still sealed as bytes.
	sz=$(wc -c <"$d/clip.mp4")
	head -c $((sz / 2)) "$d/clip.mp4" >"$d/truncated.mp4"
	head -c 65536 /dev/urandom >"$d/RANDOM.MP4"
	: >"$d/empty.mp4"
	# A name that is not UTF-8 (0xff 0xfe) and a content of its own.
	printf '%s invalid utf-8 name\n' "$tag" >"$d/$(printf '\377\376.mp4')"
	printf '%s\n' "$tag" >"$d/DCIM/tag.txt"
	# Hostile entries: never followed, never read.
	ln -s /etc/passwd "$d/passwd.mp4"
	ln -s ../../../../../../etc/passwd "$d/DCIM/escape.mp4"
	mkfifo "$d/fifo.mp4"
	# The camera's clock, Beijing time, running 90 s fast.
	date -u -d "@$(($(date +%s) + 8 * 3600 + 90))" '+%Y-%m-%d %H:%M:%S' \
	    >"$d/TIME.TXT"
}

# noise FILE BYTES SEED: BYTES of bytes no demuxer takes for media, the
# same every run: the AES-128-CTR keystream (openssl) under a key made
# from SEED.  Bytes from /dev/urandom now and then begin with something
# a demuxer takes for a frame, so a test asserting "not media" on them
# fails once in a while.
noise() {
	_nz_k=$(printf '%s' "$3" | openssl dgst -sha256 -r | cut -c1-32)
	head -c "$2" /dev/zero | openssl enc -aes-128-ctr -nosalt \
	    -K "$_nz_k" -iv 00000000000000000000000000000000 >"$1"
}

footage_small() {
	mkdir -p "$1" || return 1
	ffmpeg_clip "$1/small.mp4" "$2" || return 1
	printf '%s\n' "$2" >"$1/note.txt"
}

footage_big() {	# DIR TAG MB: three files of about MB MiB
	mkdir -p "$1" || return 1
	for n in 1 2 3; do
		head -c $(($3 * 1048576)) /dev/urandom >"$1/BIG_$n.MP4" ||
		    return 1
	done
	ffmpeg_clip "$1/clip.mp4" "$2" || return 1
}

# footage_regular DIR: the regular files below DIR, one a line (names
# with newlines are not made here).
footage_regular() {
	(cd "$1" && find . -type f | sed 's|^\./||' | sort)
}

case "$0" in
*footage.sh)
	set -u
	: "${TMPDIR:?}"
	v=$TMPDIR/selftest
	footage "$v" selftest || { echo "FAIL: footage"; exit 1; }
	for f in clip.mp4 clip.ts clip.mov photo.jpg audio.wav truncated.mp4 \
	    RANDOM.MP4 执法记录_001.mp4 "name with spaces.mp4" \
	    DCIM/100MEDIA/VID_0001.mp4 TIME.TXT; do
		[ -s "$v/$f" ] || { echo "FAIL: $f missing or empty"; exit 1; }
	done
	[ -f "$v/empty.mp4" ] && [ ! -s "$v/empty.mp4" ] ||
	    { echo "FAIL: empty.mp4"; exit 1; }
	[ -L "$v/passwd.mp4" ] && [ -L "$v/DCIM/escape.mp4" ] &&
	    [ -p "$v/fifo.mp4" ] || { echo "FAIL: hostile entries"; exit 1; }
	[ -f "$v/$(printf '\377\376.mp4')" ] ||
	    { echo "FAIL: invalid UTF-8 name"; exit 1; }
	ffprobe -v error -show_entries format=format_name -of csv=p=0 \
	    "$v/clip.ts" | grep -q mpegts || { echo "FAIL: clip.ts"; exit 1; }
	n=$(footage_regular "$v" | wc -l)
	[ "$n" -eq 15 ] || { echo "FAIL: $n regular files, expected 15"; exit 1; }
	echo "footage: ok ($(footage_vcodec | cut -d' ' -f1))"
	;;
esac
