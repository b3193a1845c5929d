/*
 * bench_integrate: time to integrate, from an append request to a signed
 * checkpoint that covers it, at full append rate.
 *
 * It models the daemon's integrator with the lib modules alone.  A producer
 * thread enqueues ~200-byte JSON entries, as fast as the queue takes them
 * or at a fixed offered rate (--rate), stamping each with its request time
 * on CLOCK_MONOTONIC.  The integrator (the main thread, the only user of
 * the log) takes everything queued, up to --batch entries, appends it in
 * one transaction (log_append, durable on return), signs a checkpoint for
 * the new tree size (ckpt_format, note_sign) and stores it
 * (log_checkpoint_put).  Only then is each entry of the batch integrated,
 * and its latency is the time from its request to that moment.
 *
 * The baseline runs the same producer against a plain SQLite table with
 * the same settings (WAL, synchronous=FULL) and one INSERT transaction per
 * batch, without tree hashes or checkpoints, so the throughput ratio shows
 * what the Merkle tree and the signed checkpoints cost.
 *
 * The databases are created in --dir (default: the current directory,
 * which bench/run.sh makes a scratch directory).  Nothing is asserted
 * about the timings: they depend on the disk.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "custos/ckpt.h"
#include "custos/digest.h"
#include "custos/err.h"
#include "custos/log.h"
#include "custos/note_sign.h"

#define ORIGIN		"bench.custos.example"
#define ENTRY_MAX	512
#define TARGET_S	1.0	/* the target for p99 latency */

struct slot {
	uint64_t	 seq;
	size_t		 len;
	char		 data[ENTRY_MAX];
};

/*
 * A bounded ring of batch-cap slots: when it is full the producer waits,
 * which is how "as fast as the integrator accepts them" is modelled.
 */
struct queue {
	pthread_mutex_t	 mu;
	pthread_cond_t	 nonempty;
	pthread_cond_t	 nonfull;
	struct slot	*slots;
	size_t		 cap;
	size_t		 head;		/* next slot to take */
	size_t		 count;
	int		 done;		/* the producer has finished */
};

struct producer {
	struct queue	*q;
	uint64_t	 n;
	double		 rate;		/* entries/s; 0 is "max" */
	uint64_t	*t_req;		/* request time of entry i, ns */
	uint64_t	 t_start;
};

struct opts {
	uint64_t	 n;
	double		 rate;
	size_t		 batch;
	const char	*dir;
};

/* What one integration run measured. */
struct run {
	const char	*name;
	double		 secs;		/* first request to last integration */
	double		 rate;		/* entries/s */
	double		 mean, p50, p99, max;	/* latency, ms */
	uint64_t	 batches;
	uint64_t	 n;
};

/* The integrator side of one run: a custos log or a plain table. */
struct sink {
	int	(*write)(struct sink *, const void *const *, const size_t *,
		    size_t);
	struct log		*log;
	struct note_signer	*signer;
	sqlite3			*db;
	sqlite3_stmt		*ins;
	const char		*what;	/* the step that failed */
	int			 rc;
};

static void
usage(void)
{
	fprintf(stderr, "usage: bench_integrate [--entries N] "
	    "[--rate R|max] [--batch B] [--dir DIR]\n"
	    "  --entries N  entries per run (default 200000)\n"
	    "  --rate R     offered load in entries/s (default max: as fast "
	    "as accepted)\n"
	    "  --batch B    most entries per transaction (default 4096)\n"
	    "  --dir DIR    where the databases go (default .)\n");
	exit(2);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* splitmix64: a cheap way to give every entry a different object hash. */
static uint64_t
mix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/*
 * Writes an entry shaped like the daemon's segment.sealed ones (compact
 * JSON, about 230 bytes) into s.
 */
static void
make_entry(struct slot *s, uint64_t seq)
{
	struct timespec ts;
	struct tm tm;
	char when[32];
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(s->data, sizeof(s->data),
	    "{\"type\":\"segment.sealed\",\"index\":%" PRIu64 ","
	    "\"time\":\"%s.%03dZ\",\"station\":\"" ORIGIN "\","
	    "\"object\":\"sha256:%016" PRIx64 "%016" PRIx64 "%016" PRIx64
	    "%016" PRIx64 "\",\"size\":%" PRIu64 ",\"camera\":\"CAM-%04u\","
	    "\"source\":\"usb\"}", seq, when, (int)(ts.tv_nsec / 1000000),
	    mix(seq), mix(seq + 1), mix(seq + 2), mix(seq + 3),
	    mix(seq) % 1000000000u, (unsigned)(seq % 64));
	s->seq = seq;
	s->len = (size_t)n;
}

static void
sleep_until(uint64_t t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(t / 1000000000u);
	ts.tv_nsec = (long)(t % 1000000000u);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
	    NULL) == EINTR)
		;
}

/*
 * At a fixed rate, entry i is requested at t_start + i / rate whether or
 * not the queue has room, so time spent waiting for room counts as latency
 * (an open-loop load).  At "max" the request time is the moment the entry
 * is enqueued.
 */
static void *
produce(void *arg)
{
	struct producer *p = arg;
	struct queue *q = p->q;
	struct slot *s;
	uint64_t i, due = 0;

	for (i = 0; i < p->n; i++) {
		if (p->rate > 0) {
			due = p->t_start + (uint64_t)((double)i * 1e9 /
			    p->rate);
			if (now_ns() < due)
				sleep_until(due);
		}
		pthread_mutex_lock(&q->mu);
		while (q->count == q->cap)
			pthread_cond_wait(&q->nonfull, &q->mu);
		s = &q->slots[(q->head + q->count) % q->cap];
		make_entry(s, i);
		p->t_req[i] = p->rate > 0 ? due : now_ns();
		q->count++;
		pthread_cond_signal(&q->nonempty);
		pthread_mutex_unlock(&q->mu);
	}
	pthread_mutex_lock(&q->mu);
	q->done = 1;
	pthread_cond_signal(&q->nonempty);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/*
 * Takes up to max queued entries into batch (copies, so the producer can
 * refill the ring while the batch is written).  Returns how many; 0 once
 * the producer is done and the queue is empty.
 */
static size_t
take(struct queue *q, struct slot *batch, size_t max)
{
	size_t n, i;

	pthread_mutex_lock(&q->mu);
	while (q->count == 0 && !q->done)
		pthread_cond_wait(&q->nonempty, &q->mu);
	n = q->count < max ? q->count : max;
	for (i = 0; i < n; i++)
		batch[i] = q->slots[(q->head + i) % q->cap];
	q->head = (q->head + n) % q->cap;
	q->count -= n;
	pthread_cond_signal(&q->nonfull);
	pthread_mutex_unlock(&q->mu);
	return n;
}

/* Appends a batch and signs and stores a checkpoint for the new size. */
static int
custos_write(struct sink *k, const void *const *data, const size_t *lens,
    size_t n)
{
	uint8_t root[DIGEST_LEN];
	uint64_t first, size;
	char *body = NULL, *note = NULL;
	size_t blen, nlen;
	int rc;

	k->what = "log_append";
	if ((rc = log_append(k->log, data, lens, n, &first, NULL)) != 0)
		return rc;
	size = log_size(k->log);
	k->what = "log_root";
	if ((rc = log_root(k->log, size, root)) != 0)
		return rc;
	k->what = "ckpt_format";
	if ((rc = ckpt_format(ORIGIN, size, root, NULL, 0, &body,
	    &blen)) != 0)
		return rc;
	k->what = "note_sign";
	if ((rc = note_sign(body, blen, k->signer, &note, &nlen)) == 0) {
		k->what = "log_checkpoint_put";
		rc = log_checkpoint_put(k->log, size, note, nlen);
	}
	free(body);
	free(note);
	return rc;
}

/* The baseline: one plain INSERT transaction per batch. */
static int
sqlite_write(struct sink *k, const void *const *data, const size_t *lens,
    size_t n)
{
	size_t i;

	k->what = "BEGIN";
	if (sqlite3_exec(k->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return CUSTOS_ERR_DB;
	k->what = "INSERT";
	for (i = 0; i < n; i++) {
		if (sqlite3_bind_blob(k->ins, 1, data[i], (int)lens[i],
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_step(k->ins) != SQLITE_DONE) {
			sqlite3_reset(k->ins);
			sqlite3_exec(k->db, "ROLLBACK", NULL, NULL, NULL);
			return CUSTOS_ERR_DB;
		}
		sqlite3_reset(k->ins);
	}
	k->what = "COMMIT";
	if (sqlite3_exec(k->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return CUSTOS_ERR_DB;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static double
percentile(const double *v, size_t n, double p)
{
	size_t r = (size_t)(p * (double)n + 0.999999);

	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return v[r - 1];
}

/*
 * Runs the producer against sink k and fills r.  Returns 0 or the sink's
 * error (k->what names the step).
 */
static int
integrate(const struct opts *o, struct sink *k, struct run *r)
{
	struct queue q;
	struct producer p;
	struct slot *batch = NULL;
	const void **ptrs = NULL;
	size_t *lens = NULL, n, i;
	uint64_t *t_req = NULL, t_done, t_last = 0, got = 0;
	double *lat = NULL, sum = 0;
	pthread_t th;
	int rc = CUSTOS_ERR_NOMEM;

	memset(&q, 0, sizeof(q));
	q.cap = o->batch;
	if ((q.slots = calloc(q.cap, sizeof(*q.slots))) == NULL ||
	    (batch = calloc(o->batch, sizeof(*batch))) == NULL ||
	    (ptrs = calloc(o->batch, sizeof(*ptrs))) == NULL ||
	    (lens = calloc(o->batch, sizeof(*lens))) == NULL ||
	    (t_req = calloc(o->n, sizeof(*t_req))) == NULL ||
	    (lat = calloc(o->n, sizeof(*lat))) == NULL)
		goto out;
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.nonempty, NULL);
	pthread_cond_init(&q.nonfull, NULL);
	p.q = &q;
	p.n = o->n;
	p.rate = o->rate;
	p.t_req = t_req;
	p.t_start = now_ns();
	if (pthread_create(&th, NULL, produce, &p) != 0) {
		rc = CUSTOS_ERR_SYSTEM;
		goto destroy;
	}
	memset(r, 0, sizeof(*r));
	rc = 0;
	while ((n = take(&q, batch, o->batch)) > 0) {
		for (i = 0; i < n; i++) {
			ptrs[i] = batch[i].data;
			lens[i] = batch[i].len;
		}
		/*
		 * After an error keep draining the queue so the producer
		 * can finish and be joined; nothing more is written.
		 */
		if (rc != 0 || (rc = k->write(k, ptrs, lens, n)) != 0)
			continue;
		t_done = now_ns();
		for (i = 0; i < n; i++)
			lat[got + i] = (double)(t_done -
			    t_req[batch[i].seq]) / 1e6;
		got += n;
		t_last = t_done;
		r->batches++;
	}
	pthread_join(th, NULL);
	if (rc == 0 && got != o->n)
		rc = CUSTOS_ERR_CORRUPT;
	if (rc != 0)
		goto destroy;
	for (i = 0; i < got; i++)
		sum += lat[i];
	qsort(lat, got, sizeof(*lat), cmp_double);
	r->n = got;
	r->secs = (double)(t_last - p.t_start) / 1e9;
	r->rate = (double)got / r->secs;
	r->mean = sum / (double)got;
	r->p50 = percentile(lat, got, 0.50);
	r->p99 = percentile(lat, got, 0.99);
	r->max = lat[got - 1];
destroy:
	pthread_cond_destroy(&q.nonfull);
	pthread_cond_destroy(&q.nonempty);
	pthread_mutex_destroy(&q.mu);
out:
	free(q.slots);
	free(batch);
	free(ptrs);
	free(lens);
	free(t_req);
	free(lat);
	return rc;
}

static int
db_path(const char *dir, const char *name, char *buf, size_t len)
{
	char side[4096];

	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len)
		return -1;
	/* Start from nothing: a log left by an earlier run would be longer
	 * and its checkpoints would collide with this run's sizes. */
	unlink(buf);
	snprintf(side, sizeof(side), "%s-wal", buf);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", buf);
	unlink(side);
	return 0;
}

static int
run_custos(const struct opts *o, struct run *r)
{
	struct sink k;
	struct note_verifier *v = NULL;
	char path[4096];
	int rc;

	memset(&k, 0, sizeof(k));
	k.write = custos_write;
	if (db_path(o->dir, "integrate.db", path, sizeof(path)) != 0)
		return CUSTOS_ERR_INVALID;
	k.what = "note_signer_generate";
	if ((rc = note_signer_generate(ORIGIN, SIGN_ED25519,
	    &k.signer)) != 0)
		goto out;
	k.what = "log_open";
	if ((rc = log_open(path, DIGEST_SHA256, LOG_CREATE, &k.log)) != 0)
		goto out;
	if ((rc = integrate(o, &k, r)) != 0)
		goto out;
	/* The result counts only if the last checkpoint really covers the
	 * stored tree: the same check the daemon runs on start. */
	k.what = "log_check";
	if ((rc = note_signer_verifier(k.signer, &v)) == 0)
		rc = log_check(k.log, v);
	if (rc == 0 && log_size(k.log) != o->n) {
		k.what = "log_size";
		rc = CUSTOS_ERR_CORRUPT;
	}
out:
	if (rc != 0)
		fprintf(stderr, "bench_integrate: custos: %s: %s\n", k.what,
		    custos_strerror(rc));
	note_verifier_free(v);
	log_close(k.log);
	note_signer_free(k.signer);
	return rc;
}

static int
run_sqlite(const struct opts *o, struct run *r)
{
	static const char schema[] =
	    "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;"
	    "CREATE TABLE entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL);";
	struct sink k;
	char path[4096];
	int rc = CUSTOS_ERR_DB;

	memset(&k, 0, sizeof(k));
	k.write = sqlite_write;
	if (db_path(o->dir, "baseline.db", path, sizeof(path)) != 0)
		return CUSTOS_ERR_INVALID;
	k.what = "open";
	if (sqlite3_open(path, &k.db) != SQLITE_OK)
		goto out;
	k.what = "schema";
	if (sqlite3_exec(k.db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(k.db, "INSERT INTO entries (data) VALUES (?)",
	    -1, &k.ins, NULL) != SQLITE_OK)
		goto out;
	rc = integrate(o, &k, r);
out:
	if (rc != 0)
		fprintf(stderr, "bench_integrate: sqlite: %s: %s (%s)\n",
		    k.what, custos_strerror(rc),
		    k.db != NULL ? sqlite3_errmsg(k.db) : "no database");
	sqlite3_finalize(k.ins);
	sqlite3_close(k.db);
	return rc;
}

static uint64_t
number(const char *name, const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 || s[0] == '-') {
		fprintf(stderr, "bench_integrate: %s: not a positive number: "
		    "%s\n", name, s);
		usage();
	}
	return v;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "entries", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "batch", required_argument, NULL, 'b' },
		{ "dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	o->n = 200000;
	o->rate = 0;
	o->batch = 4096;
	o->dir = ".";
	while ((c = getopt_long(argc, argv, "n:r:b:d:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'n':
			o->n = number("--entries", optarg);
			break;
		case 'r':
			o->rate = strcmp(optarg, "max") == 0 ? 0 :
			    (double)number("--rate", optarg);
			break;
		case 'b':
			o->batch = (size_t)number("--batch", optarg);
			break;
		case 'd':
			o->dir = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct run c, s;
	char rate[32];

	parse_opts(argc, argv, &o);
	if (o.rate > 0)
		snprintf(rate, sizeof(rate), "%.0f/s", o.rate);
	else
		snprintf(rate, sizeof(rate), "max");
	printf("bench_integrate: %" PRIu64 " entries of ~230 bytes, offered "
	    "rate %s, batch cap %zu, Ed25519 checkpoint per batch\n", o.n,
	    rate, o.batch);
	fflush(stdout);
	if (run_custos(&o, &c) != 0 || run_sqlite(&o, &s) != 0)
		return 1;
	printf("bench_integrate: %.0f entries/s, integrate latency mean "
	    "%.1f ms p50 %.1f ms p99 %.1f ms max %.1f ms "
	    "(ratio p99/target %.3f; %" PRIu64 " checkpoints, %.0f entries "
	    "each); reference: Tessera POSIX ~2900 appends/s, 1.2-6 s\n",
	    c.rate, c.mean, c.p50, c.p99, c.max, c.p99 / (TARGET_S * 1e3),
	    c.batches, (double)c.n / (double)c.batches);
	printf("bench_integrate: baseline plain SQLite insert (WAL, "
	    "synchronous=FULL, no tree, no checkpoint): %.0f entries/s, "
	    "commit latency mean %.1f ms p50 %.1f ms p99 %.1f ms max %.1f ms\n",
	    s.rate, s.mean, s.p50, s.p99, s.max);
	printf("bench_integrate: ratio custos/sqlite throughput %.2f "
	    "(%.0f vs %.0f entries/s)\n", c.rate / s.rate, c.rate, s.rate);
	if (fflush(stdout) == EOF || ferror(stdout))
		return 1;
	return 0;
}
