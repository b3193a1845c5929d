/*
 * Unit tests for the bundle module's layout and reader (bundle.h): the
 * layout's names (lib/evidence/bundle_layout.c), and reading real
 * directories and tars (written with libarchive here) that break the
 * layout in one way each (lib/evidence/bundle.c).  The writer has its
 * own tests, test_bundle_write.c.  The media child is tested end to end
 * by tests/e2e/bundle_tamper.sh; here only its failure to start is.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "custos/bundle.h"
#include "custos/digest.h"
#include "custos/enc.h"
#include "custos/err.h"
#include "fixture.h"

#define HEX_A	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static void
name_ok(const char *name, enum bundle_kind want, uint64_t want_index)
{
	enum bundle_kind kind;
	const char *why = NULL;
	uint64_t index;

	if (bundle_name_check(name, &kind, &index, &why) != 0)
		fail_msg("%s refused: %s", name, why);
	assert_int_equal(kind, want);
	assert_int_equal(index, want_index);
}

static void
name_refused(const char *name, const char *want_why)
{
	enum bundle_kind kind;
	const char *why = NULL;
	uint64_t index;

	assert_int_equal(bundle_name_check(name, &kind, &index, &why),
	    CUSTOS_ERR_FORMAT);
	assert_non_null(why);
	if (strcmp(why, want_why) != 0)
		fail_msg("%s: why [%s], expected [%s]", name, why, want_why);
}

static void
test_names(void **state)
{
	(void)state;
	name_ok("MANIFEST.json", BUNDLE_MANIFEST, 0);
	name_ok("./checkpoint", BUNDLE_CHECKPOINT, 0);
	name_ok("checkpoint.tsr", BUNDLE_TSR, 0);
	name_ok("station.vkey", BUNDLE_VKEY, 0);
	name_ok("entries/0.json", BUNDLE_ENTRY, 0);
	name_ok("entries/412.json", BUNDLE_ENTRY, 412);
	name_ok("proofs/7.proof", BUNDLE_PROOF, 7);
	name_ok("media/" HEX_A ".mp4", BUNDLE_MEDIA, 0);
	name_ok("media/" HEX_A ".12345678", BUNDLE_MEDIA, 0);
	name_ok("calendar/cn-2026.cal", BUNDLE_CALENDAR, 0);
	name_ok("transcripts/" HEX_A ".txt", BUNDLE_TRANSCRIPT, 0);
	name_ok("entries", BUNDLE_DIR, 0);

	name_refused("/checkpoint", "absolute name");
	name_refused("../checkpoint", "name contains \"..\"");
	name_refused("media/../checkpoint", "name contains \"..\"");
	name_refused("entries/..", "name contains \"..\"");
	name_refused("", "empty name");
	name_refused("entries/01.json", "index with a leading zero");
	name_refused("entries/12345678901234567890.json", "index too large");
	name_refused("entries/1.txt", "not a name of the bundle layout");
	name_refused("entries/.json", "not a name of the bundle layout");
	name_refused("media/" HEX_A, "not named by a lower-case hex hash");
	name_refused("media/AAAA.mp4", "not named by a lower-case hex hash");
	name_refused("media/" HEX_A ".MP4",
	    "media extension not 1 to 8 of [a-z0-9]");
	name_refused("media/" HEX_A ".123456789",
	    "media extension not 1 to 8 of [a-z0-9]");
	name_refused("media/" HEX_A ".", "media extension not 1 to 8 of "
	    "[a-z0-9]");
	name_refused("transcripts/" HEX_A ".md",
	    "not a name of the bundle layout");
	name_refused("calendar/cn-20x6.cal", "not a name of the bundle layout");
	name_refused("calendar/us-2026.cal", "not a name of the bundle layout");
	name_refused("notes.txt", "not a name of the bundle layout");
	name_refused("entries/1.json/x", "not a name of the bundle layout");
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static int
has_problem(const struct bundle *b, const char *needle)
{
	size_t i;

	for (i = 0; i < b->nproblems; i++)
		if (strstr(b->problems[i], needle) != NULL)
			return 1;
	return 0;
}

static void
show(const struct bundle *b)
{
	size_t i;

	for (i = 0; i < b->nproblems; i++)
		print_message("problem: %s\n", b->problems[i]);
}

static void
opts(struct bundle_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->alg = DIGEST_SHA256;
}

/* A directory: small files in memory, media hashed, links refused. */
static void
test_dir(void **state)
{
	struct fixture_station *f = *state;
	struct bundle_opts o;
	struct bundle *b;
	const struct bundle_file *bf;
	uint8_t abc[DIGEST_LEN];
	char sub[2048], hex[2 * DIGEST_LEN + 1], media[PATH_MAX];

	assert_int_equal(digest_buf(DIGEST_SHA256, "abc", 3, abc), 0);
	hex_encode(abc, DIGEST_LEN, hex);
	write_file(f->dir, "MANIFEST.json", "{}");
	write_file(f->dir, "checkpoint", "note");
	snprintf(sub, sizeof(sub), "%s/entries", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(sub, "3.json", "{\"index\":3}");
	snprintf(sub, sizeof(sub), "%s/media", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(media, sizeof(media), "%s.txt", hex);
	write_file(sub, media, "abc");
	snprintf(media, sizeof(media), "%s/" HEX_A ".mp4", sub);
	assert_int_equal(symlink("/etc/passwd", media), 0);
	snprintf(sub, sizeof(sub), "%s/proofs", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/proofs/deeper", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(f->dir, "station.vkey", "");

	opts(&o);
	assert_int_equal(bundle_read(f->dir, &o, &b), 0);
	show(b);
	assert_int_equal(b->is_tar, 0);
	assert_int_equal(b->nproblems, 2);
	assert_true(has_problem(b, "media/" HEX_A ".mp4: a symbolic link "
	    "(refused)"));
	assert_true(has_problem(b, "\"proofs/deeper\": not a name of the "
	    "bundle layout"));
	assert_non_null(bf = bundle_file(b, "entries/3.json"));
	assert_int_equal(bf->kind, BUNDLE_ENTRY);
	assert_int_equal(bf->index, 3);
	assert_int_equal(bf->len, 11);
	assert_string_equal((const char *)bf->data, "{\"index\":3}");
	assert_null(bundle_file(b, "checkpoint.tsr"));
	assert_int_equal(b->nmedia, 1);
	assert_non_null(bundle_media_find(b, abc));
	assert_int_equal(b->media[0].size, 3);
	assert_int_equal(b->media[0].complete, 1);
	assert_memory_equal(b->media[0].hash, abc, DIGEST_LEN);
	assert_int_equal(b->media[0].probed, 0);
	bundle_free(b);
}

/* Writes a tar of the members given as (name, type, data) triples. */
static void
write_tar(const char *path, int n, ...)
{
	struct archive *a;
	struct archive_entry *e;
	va_list ap;
	int i;

	assert_non_null(a = archive_write_new());
	assert_int_equal(archive_write_set_format_pax_restricted(a),
	    ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		const char *name = va_arg(ap, const char *);
		int type = va_arg(ap, int);
		const char *data = va_arg(ap, const char *);

		assert_non_null(e = archive_entry_new());
		archive_entry_set_pathname(e, name);
		archive_entry_set_perm(e, 0644);
		if (type == AE_IFLNK) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, data);
			data = "";
		} else
			archive_entry_set_filetype(e, (unsigned)type);
		archive_entry_set_size(e, type == AE_IFREG ?
		    (la_int64_t)strlen(data) : 0);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (type == AE_IFREG && *data != '\0')
			assert_int_equal(archive_write_data(a, data,
			    strlen(data)), (la_ssize_t)strlen(data));
		archive_entry_free(e);
	}
	va_end(ap);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static void
test_tar(void **state)
{
	struct fixture_station *f = *state;
	struct bundle_opts o;
	struct bundle *b;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/b.tar", f->dir);
	write_tar(path, 8,
	    "./", AE_IFDIR, "",
	    "./MANIFEST.json", AE_IFREG, "{}",
	    "entries/", AE_IFDIR, "",
	    "entries/1.json", AE_IFREG, "{\"index\":1}",
	    "entries/1.json", AE_IFREG, "again",
	    "media/" HEX_A ".mp4", AE_IFLNK, "/etc/passwd",
	    "../escape", AE_IFREG, "x",
	    "transcripts/" HEX_A ".txt", AE_IFREG, "words");
	opts(&o);
	assert_int_equal(bundle_read(path, &o, &b), 0);
	show(b);
	assert_int_equal(b->is_tar, 1);
	assert_int_equal(b->nproblems, 3);
	assert_true(has_problem(b, "media/" HEX_A ".mp4: a link in the tar"));
	assert_true(has_problem(b, "member \"../escape\": name contains"));
	assert_true(has_problem(b, "entries/1.json: in the bundle more than "
	    "once"));
	assert_non_null(bundle_file(b, "MANIFEST.json"));
	assert_int_equal(b->ntranscripts, 1);
	assert_int_equal(b->nmedia, 0);
	bundle_free(b);
}

/* A member over its size limit is refused without being read. */
static void
test_tar_limit(void **state)
{
	struct fixture_station *f = *state;
	struct bundle_opts o;
	struct bundle *b;
	char path[PATH_MAX], *big;

	assert_non_null(big = malloc(BUNDLE_MAX_VKEY + 2));
	memset(big, 'k', BUNDLE_MAX_VKEY + 1);
	big[BUNDLE_MAX_VKEY + 1] = '\0';
	snprintf(path, sizeof(path), "%s/big.tar", f->dir);
	write_tar(path, 2, "station.vkey", AE_IFREG, big,
	    "checkpoint", AE_IFREG, "after");
	free(big);
	opts(&o);
	assert_int_equal(bundle_read(path, &o, &b), 0);
	show(b);
	assert_int_equal(b->nproblems, 1);
	assert_true(has_problem(b, "station.vkey: 4097 bytes, more than the "
	    "4096 allowed"));
	assert_null(bundle_file(b, "station.vkey"));
	assert_non_null(bundle_file(b, "checkpoint"));
	bundle_free(b);
}

/* A tar cut inside a member: what came before is kept, the cut named. */
static void
test_tar_truncated(void **state)
{
	struct fixture_station *f = *state;
	struct bundle_opts o;
	struct bundle *b;
	char path[PATH_MAX], hex[2 * DIGEST_LEN + 1], name[128], *data;
	uint8_t h[DIGEST_LEN];
	struct stat sb;

	assert_non_null(data = malloc(100001));
	memset(data, 'v', 100000);
	data[100000] = '\0';
	assert_int_equal(digest_buf(DIGEST_SHA256, data, 100000, h), 0);
	hex_encode(h, DIGEST_LEN, hex);
	snprintf(name, sizeof(name), "media/%s.mp4", hex);
	snprintf(path, sizeof(path), "%s/cut.tar", f->dir);
	write_tar(path, 2, "checkpoint", AE_IFREG, "note", name, AE_IFREG,
	    data);
	free(data);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(truncate(path, sb.st_size / 2), 0);
	opts(&o);
	assert_int_equal(bundle_read(path, &o, &b), 0);
	show(b);
	assert_int_equal(b->nproblems, 1);
	assert_true(has_problem(b, "tar: damaged or truncated in media/"));
	assert_non_null(bundle_file(b, "checkpoint"));
	assert_int_equal(b->nmedia, 1);
	assert_int_equal(b->media[0].complete, 0);
	bundle_free(b);
}

/* A media child that cannot be executed is a crash, not a hang. */
static void
test_child_missing(void **state)
{
	struct fixture_station *f = *state;
	struct bundle_opts o;
	struct bundle *b;
	char sub[PATH_MAX];

	snprintf(sub, sizeof(sub), "%s/media", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(sub, HEX_A ".mp4", "not really a video");
	opts(&o);
	o.self = "/nonexistent/custos-verify";
	o.role = "--media-child";
	o.timeout_ms = 10000;
	assert_int_equal(bundle_read(f->dir, &o, &b), 0);
	show(b);
	assert_int_equal(b->nproblems, 0);
	assert_int_equal(b->nmedia, 1);
	assert_int_equal(b->media[0].probed, 1);
	assert_int_equal(b->media[0].probe.status, PROBE_CRASHED);
	assert_string_equal(b->media[0].probe.error, "exited with status 127");
	assert_int_equal(b->media[0].complete, 1);
	bundle_free(b);
	/* Nothing left in the temporary directory either. */
}

static void
test_unreadable(void **state)
{
	struct fixture_station *f = *state;
	struct bundle_opts o;
	struct bundle *b = (struct bundle *)1;
	char path[PATH_MAX];

	opts(&o);
	snprintf(path, sizeof(path), "%s/none", f->dir);
	assert_int_equal(bundle_read(path, &o, &b), CUSTOS_ERR_SYSTEM);
	assert_int_equal(errno, ENOENT);
	assert_null(b);
	o.self = "x";
	assert_int_equal(bundle_read(f->dir, &o, &b), CUSTOS_ERR_INVALID);
	/* Not a tar at all: a problem, not an error. */
	write_file(f->dir, "junk", "this is not a tar archive, just text\n");
	snprintf(path, sizeof(path), "%s/junk", f->dir);
	opts(&o);
	assert_int_equal(bundle_read(path, &o, &b), 0);
	show(b);
	assert_int_equal(b->nproblems, 1);
	assert_true(has_problem(b, "not a directory, and not a tar that can "
	    "be read: "));
	bundle_free(b);
}

/*
 * The layout's table, as the writer uses it: every name it makes is one
 * the reader accepts, and nothing else can be made.
 */
static void
test_layout(void **state)
{
	uint8_t h[DIGEST_LEN];
	char buf[128], ext[16];

	(void)state;
	assert_string_equal(bundle_kind_name(BUNDLE_MANIFEST),
	    "MANIFEST.json");
	assert_string_equal(bundle_kind_name(BUNDLE_CHECKPOINT), "checkpoint");
	assert_string_equal(bundle_kind_name(BUNDLE_TSR), "checkpoint.tsr");
	assert_string_equal(bundle_kind_name(BUNDLE_VKEY), "station.vkey");
	assert_string_equal(bundle_kind_name(BUNDLE_ENTRY), "entries");
	assert_string_equal(bundle_kind_name(BUNDLE_MEDIA), "media");
	assert_null(bundle_kind_name(BUNDLE_DIR));
	assert_int_equal(bundle_kind_limit(BUNDLE_VKEY), BUNDLE_MAX_VKEY);
	assert_int_equal(bundle_kind_limit(BUNDLE_MEDIA), 0);

	assert_int_equal(bundle_name_index(BUNDLE_ENTRY, 412, buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "entries/412.json");
	name_ok(buf, BUNDLE_ENTRY, 412);
	assert_int_equal(bundle_name_index(BUNDLE_PROOF, 0, buf, sizeof(buf)),
	    0);
	assert_string_equal(buf, "proofs/0.proof");
	assert_int_equal(bundle_name_index(BUNDLE_MEDIA, 1, buf, sizeof(buf)),
	    CUSTOS_ERR_INVALID);
	assert_int_equal(bundle_name_index(BUNDLE_ENTRY, 1, buf, 8),
	    CUSTOS_ERR_INVALID);

	fixture_unhex(HEX_A, h, DIGEST_LEN);
	assert_int_equal(bundle_name_media(h, "mp4", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "media/" HEX_A ".mp4");
	assert_int_equal(bundle_name_media(h, "MP4", buf, sizeof(buf)),
	    CUSTOS_ERR_FORMAT);
	assert_int_equal(bundle_name_calendar("cn-2026.cal", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "calendar/cn-2026.cal");
	assert_int_equal(bundle_name_calendar("cn-20x6.cal", buf,
	    sizeof(buf)), CUSTOS_ERR_FORMAT);
	assert_int_equal(bundle_name_calendar("../cn-2026.cal", buf,
	    sizeof(buf)), CUSTOS_ERR_FORMAT);

	assert_string_equal(bundle_media_ext("mov,mp4,m4a,3gp,3g2,mj2",
	    "DCIM/A.MOV", ext, sizeof(ext)), "mov");
	assert_string_equal(bundle_media_ext("mov,mp4,m4a,3gp,3g2,mj2",
	    "DCIM/A.dat", ext, sizeof(ext)), "mp4");
	assert_string_equal(bundle_media_ext("mpegts", "a.mp4", ext,
	    sizeof(ext)), "ts");
	assert_string_equal(bundle_media_ext("hevc", NULL, ext, sizeof(ext)),
	    "h265");
	assert_string_equal(bundle_media_ext(NULL, "Record.PDF", ext,
	    sizeof(ext)), "pdf");
	assert_string_equal(bundle_media_ext(NULL, "dir.d/noext", ext,
	    sizeof(ext)), "bin");
	assert_string_equal(bundle_media_ext(NULL, "a.toolongext", ext,
	    sizeof(ext)), "bin");
	assert_string_equal(bundle_media_ext(NULL, "a.m-p", ext,
	    sizeof(ext)), "bin");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_layout),
		FIXTURE_TEST(test_dir),
		FIXTURE_TEST(test_tar),
		FIXTURE_TEST(test_tar_limit),
		FIXTURE_TEST(test_tar_truncated),
		FIXTURE_TEST(test_child_missing),
		FIXTURE_TEST(test_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
