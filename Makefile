# Custos: one Makefile, no generator.  "make" builds the three programs,
# "make check" builds and runs every test, "make run" starts custosd on
# conf/custos.conf.  Header dependencies are tracked through -MMD.

PREFIX	?= /usr/local
DESTDIR	?=
CC	?= cc
CLANG	?= clang
CFLAGS	?= -O2 -g
B	:= build

WARN	:= -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	   -Wmissing-declarations -Wshadow -Wpointer-arith -Wcast-qual \
	   -Wsign-compare
BASEFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -fstack-protector-all \
	   -Iinclude -I. -MMD -MP
ASANFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	   -fno-sanitize-recover=all

# The findings (lib/inspection/rules_int.h): one module in three files.
RULES_SRCS := $(addprefix lib/inspection/,rules.c rules_deadline.c \
	   rules_finding.c)
# The sources by folder (docs/design.md draws the module map).  What
# verification needs, and nothing that signs or writes a log:
LIB_VERIFY := $(addprefix lib/base/,err.c enc.c utf8.c util.c rfc3339.c) \
	   $(addprefix lib/crypto/,digest.c sign.c) \
	   $(addprefix lib/log/,merkle.c note.c ckpt.c tsa.c receipt.c cosig.c \
	   note_cosig.c) \
	   lib/inspection/calendar.c $(RULES_SRCS) \
	   lib/evidence/timeline.c lib/evidence/timeline_clock.c \
	   lib/evidence/timeline_text.c \
	   lib/evidence/bundle_layout.c
# Everything else the daemon and the operator CLI use: all of lib/ but
# the media parser and the bundle reader, which only custos-verify and
# the daemon's media child need, and the bundle writer (tar), which only
# custos needs.
BUNDLE_WRITER := lib/evidence/bundle_write.c lib/evidence/bundle_manifest.c
LIB_FULL := $(sort $(LIB_VERIFY) $(filter-out lib/evidence/bundle.c \
	   $(BUNDLE_WRITER), $(wildcard lib/base/*.c lib/crypto/*.c \
	   lib/log/*.c lib/inspection/*.c lib/evidence/*.c lib/replica/*.c)))
LIB_MEDIA := $(wildcard lib/media/*.c)

# The daemon's parts that test tools link too (no main, api or doors).
DAEMON_CORE := daemon/journal.c daemon/station.c daemon/disk.c daemon/entry.c \
	   daemon/workdays.c daemon/metrics.c $(wildcard daemon/seal/*.c) $(LIB_MEDIA)
DAEMON_SRCS := $(sort $(DAEMON_CORE) $(wildcard daemon/*.c daemon/*/*.c))
# The web console's static files, embedded in custosd as a generated C
# file (daemon/web/web_assets.h).
WEB_STATIC := $(sort $(wildcard daemon/web/static/*))
WEB_ASSETS_C := $(B)/gen/web_assets_data.c
DAEMON_SRCS += $(WEB_ASSETS_C)
CUSTOS_SRCS := $(wildcard tools/custos/*.c) tools/cli_util.c $(BUNDLE_WRITER) \
	   $(LIB_MEDIA)
# The bundle verifier also parses media (in its sandboxed child) and tar;
# the operator CLI needs neither, so these stay out of LIB_VERIFY.
VERIFY_SRCS := $(wildcard tools/verify/*.c) tools/cli_util.c \
	   lib/evidence/bundle.c lib/evidence/evidence.c \
	   lib/evidence/clip_proof.c $(LIB_MEDIA)

LIBS_VERIFY := -lcrypto -ljansson -larchive -lavformat -lavcodec -lavutil \
	   -lseccomp
LIBS_CUSTOS := -lcrypto -lsqlite3 -ljansson -linih -lcurl -larchive -lxml2
LIBS_MEDIA := -lavformat -lavcodec -lavutil -lseccomp
LIBS_DAEMON := -lcrypto -lsqlite3 -ljansson -linih -luv -lsystemd \
	   -lhttp_parser -lavformat -lavcodec -lavutil -lseccomp -lcurl -lssl \
	   -lxml2
# The S3 client's XML replies are read with libxml2 (lib/replica/s3_xml.c).
XML_CFLAGS := $(shell pkg-config --cflags libxml-2.0 2>/dev/null || \
	   echo -I/usr/include/libxml2)

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
BENCHES := $(patsubst bench/%.c,%,$(wildcard bench/bench_*.c))

obj	= $(patsubst %.c,$(B)/obj/%.o,$(1))
aobj	= $(patsubst %.c,$(B)/asan/%.o,$(1))

PROGS	:= $(B)/custosd $(B)/custos $(B)/custos-verify
# The man pages, written in scdoc (man/*.scd): custosd.8, custos.1, ...
MANPAGES := $(patsubst man/%.scd,$(B)/man/%,$(wildcard man/*.scd))

.PHONY: all check run bench fuzz install deps clean unit-build fuzz-build \
	replay-build check-build man deb
all: $(PROGS) $(MANPAGES)
man: $(MANPAGES)

$(B)/man/%: man/%.scd
	@mkdir -p $(@D)
	scdoc <$< >$@.tmp && mv $@.tmp $@

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASEFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/asan/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASEFLAGS) $(ASANFLAGS) -c -o $@ $<

# lib/base/config.c looks for the installed calendars (when there is no
# "calendar" beside the config file) in DATADIR, so it is compiled with
# the PREFIX that "make install" uses.  The stamp holds that directory and
# changes only with it, so a new PREFIX rebuilds config.o and relinks.
DATADIR	= $(PREFIX)/share/custos
$(B)/obj/lib/base/config.o $(B)/asan/lib/base/config.o: \
    BASEFLAGS += -DCUSTOS_DATADIR='"$(DATADIR)"'
$(B)/obj/lib/base/config.o $(B)/asan/lib/base/config.o: $(B)/datadir.stamp
$(B)/obj/lib/replica/s3_xml.o $(B)/asan/lib/replica/s3_xml.o: \
    BASEFLAGS += $(XML_CFLAGS)
# The web console runs custos (daemon/web/web_spawn.c): the one beside
# custosd, else the installed one.
$(B)/obj/daemon/web/web_spawn.o $(B)/asan/daemon/web/web_spawn.o: \
    BASEFLAGS += -DCUSTOS_BINDIR='"$(PREFIX)/bin"'
$(B)/obj/daemon/web/web_spawn.o $(B)/asan/daemon/web/web_spawn.o: \
    $(B)/datadir.stamp
$(WEB_ASSETS_C): $(WEB_STATIC) scripts/embed_static.sh
	@mkdir -p $(@D)
	sh scripts/embed_static.sh $(WEB_STATIC) >$@.tmp && mv $@.tmp $@
$(B)/datadir.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@
FORCE:

$(B)/custosd: $(call obj,$(DAEMON_SRCS) $(LIB_FULL))
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS_DAEMON)

$(B)/custos: $(call obj,$(CUSTOS_SRCS) $(LIB_FULL))
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS_CUSTOS) $(LIBS_MEDIA)

$(B)/custos-verify: $(call obj,$(VERIFY_SRCS) $(LIB_VERIFY))
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS_VERIFY)

# The same three programs built with ASan+UBSan: the end-to-end tests run
# these, so their checks for sanitizer reports can fire.  valgrind and
# the benchmarks use the plain build.
ASAN_PROGS := $(B)/asan/custosd $(B)/asan/custos $(B)/asan/custos-verify
$(B)/asan/custosd: $(call aobj,$(DAEMON_SRCS) $(LIB_FULL))
	$(CC) $(ASANFLAGS) -o $@ $^ $(LIBS_DAEMON)

$(B)/asan/custos: $(call aobj,$(CUSTOS_SRCS) $(LIB_FULL))
	$(CC) $(ASANFLAGS) -o $@ $^ $(LIBS_CUSTOS) $(LIBS_MEDIA)

$(B)/asan/custos-verify: $(call aobj,$(VERIFY_SRCS) $(LIB_VERIFY))
	$(CC) $(ASANFLAGS) -o $@ $^ $(LIBS_VERIFY)

# Fault injection (docs/testing.md): the ASan custosd with
# tests/fault/fault.c and ld --wrap in front of the calls it can fail
# (CUSTOS_FAULT=OP:N) and of those that open and close its window.
FAULT_WRAP := malloc calloc realloc reallocarray strdup strndup asprintf \
	   vasprintf write pwrite fwrite ftruncate fsync fdatasync rename \
	   renameat renameat2 link linkat walk_volume upload_route \
	   seal_start seal_start_stored dock_maybe_stopped conn_reply \
	   conn_error api_stop json_loadb json_loads unlink unlinkat \
	   disposal_one
$(B)/fault/custosd: $(call aobj,$(DAEMON_SRCS) $(LIB_FULL) tests/fault/fault.c)
	@mkdir -p $(@D)
	$(CC) $(ASANFLAGS) $(foreach f,$(FAULT_WRAP),-Xlinker --wrap=$(f)) \
	    -o $@ $^ $(LIBS_DAEMON)

# Unit tests: cmocka, built and run under AddressSanitizer and UBSan.  Each
# test links only the modules it tests (T_<module>), so a module can be
# tested before the others exist.
L	= $(foreach m,$(1),$(wildcard lib/*/$(m).c))
T_err	:= $(call L,err)
T_enc	:= $(call L,err enc)
T_utf8	:= $(call L,err utf8)
T_digest := $(call L,err enc digest)
T_merkle := $(call L,err enc digest merkle)
T_merkle_vectors := $(T_merkle)
T_sign	:= $(call L,err enc digest sign signer)
T_note	:= $(T_sign) $(call L,utf8 note note_sign)
T_ckpt	:= $(T_note) $(call L,ckpt)
T_log	:= $(T_ckpt) $(call L,merkle db log log_proof log_ckpt log_audit util)
T_log_audit := $(T_log)
T_store	:= $(call L,err enc digest store util)
T_config := $(call L,err enc utf8 digest config config_keys config_witness \
	   config_replica util)
T_replica_conf := $(T_config) $(call L,replica_conf s3_xml)
T_log_cosig := $(T_log) $(T_config) $(call L,cosig cosig_sign log_cosig note_cosig)
T_util	:= $(call L,err util)
T_catalog := $(T_log) $(call L,view catalog)
T_replica_queue := $(T_log) $(call L,view calendar rfc3339 queue)
T_calendar := $(call L,err util calendar)
T_uscc	:= $(call L,err enc uscc)
T_registry := $(T_log) $(call L,uscc view lifecycle registry \
	   registry_inspect registry_procedure)
T_lifecycle := $(call L,err lifecycle)
T_rules	:= $(call L,err util utf8 calendar rfc3339) $(RULES_SRCS)
T_rules_procedure := $(T_rules) $(call L,enc)
T_rfc3339 := $(call L,err util calendar rfc3339)
T_retention := $(call L,err util calendar rfc3339 retention)
T_retention_view := $(T_log) $(call L,view calendar rfc3339 retention \
	   retention_view)
T_tsa	:= $(T_log) $(call L,tsa)
T_receipt := $(T_log) $(call L,receipt receipt_log)
T_tiles	:= $(T_log) $(call L,tiles tiles_dir log_cosig note_cosig cosig)
T_cosig	:= $(T_note) $(call L,cosig cosig_sign)
T_witness := $(sort $(T_log) $(T_cosig) $(call L,witness witness_req))
# custos witness serve (tools/custos/cli_witness_http.c) parses HTTP.
$(B)/custos $(B)/asan/custos: LIBS_CUSTOS += -lhttp_parser
T_evidence := $(T_registry) $(RULES_SRCS) $(call L,catalog rfc3339 calendar \
	   evidence evidence_log)
T_timeline := $(T_evidence) $(call L,timeline timeline_clock timeline_text)
T_bundle := $(sort $(T_log) $(call L,calendar bundle bundle_layout probe \
	   probe_parent sandbox) $(LIB_MEDIA))
$(B)/asan/tests/test_bundle: LIBS_CUSTOS += -lavformat -lavcodec -lavutil \
	   -lseccomp
T_bundle_write := $(sort $(T_log) $(T_bundle) $(RULES_SRCS) \
	   $(call L,rfc3339 store evidence) $(BUNDLE_WRITER))
$(B)/asan/tests/test_bundle_write: LIBS_CUSTOS += -lavformat -lavcodec \
	   -lavutil -lseccomp
T_upload_req := $(call L,err enc utf8 util calendar rfc3339) \
	   daemon/upload/upload_req.c
$(B)/asan/tests/test_upload_req: LIBS_CUSTOS += -lhttp_parser
T_web_http := $(call L,err utf8 enc) daemon/web/web_http.c daemon/web/web_table.c
$(B)/asan/tests/test_web_http: LIBS_CUSTOS += -lhttp_parser
T_numbering := $(call L,err enc) daemon/dock/numbering.c
T_verify_text := $(wildcard tools/verify/verify_text*.c)
T_clip	:= $(T_merkle) $(call L,utf8 calendar util) $(LIB_MEDIA)
$(B)/asan/tests/test_clip: LIBS_CUSTOS += $(LIBS_MEDIA)
# test_clip runs the real clip child: custos-verify of the same build.
$(B)/asan/tests/test_clip: | $(B)/asan/custos-verify
T_clip_proof := $(T_merkle) $(call L,clip_proof clip_proof_write)
T_remux	:= $(T_clip)
T_web_range := $(call L,err enc) daemon/web/web_range.c
$(B)/asan/tests/test_remux: LIBS_CUSTOS += $(LIBS_MEDIA)
# test_remux runs the real remux child: custosd of the same build.
$(B)/asan/tests/test_remux: | $(B)/asan/custosd
T_ledger := $(call L,err util calendar rfc3339 ledger) $(T_timeline)
T_web_strings := $(call L,err utf8) daemon/web/web_strings_zh.c \
	   daemon/web/web_strings_en.c
T_web_html := $(call L,err utf8) daemon/web/web_html.c \
	   daemon/web/web_strings_zh.c daemon/web/web_strings_en.c
T_metrics := $(call L,err) daemon/metrics.c daemon/metrics_text.c

# The shared set-up (tests/unit/fixture.h) is an archive, linked last, so
# that a test takes only the members it calls and links no module for
# helpers it does not use.
FIXTURE := $(call aobj,tests/unit/fixture.c tests/unit/fixture_log.c \
	   tests/unit/fixture_tree.c tests/unit/fixture_entries.c \
	   tests/unit/fixture_times.c tests/unit/fixture_rules.c)
T_fixture := $(call L,err enc)
$(B)/asan/tests/fixture.a: $(FIXTURE)
	rm -f $@ && $(AR) rcs $@ $(FIXTURE)

.SECONDEXPANSION:
$(B)/asan/tests/test_%: $(B)/asan/tests/unit/test_%.o $$(call aobj,$$(T_$$*)) \
    $(B)/asan/tests/fixture.a
	$(CC) $(ASANFLAGS) -o $@ $^ -lcmocka $(LIBS_CUSTOS)
unit-build: $(addprefix $(B)/asan/tests/,$(UNIT_TESTS))

# Test helpers linked against the normal library build; the ones named in
# DAEMON_TOOLS also link the daemon's core (seal pipeline, media child).
DAEMON_TOOLS := probe-run seal-run
# html-run renders a report JSON file with custos-verify's HTML renderer.
$(B)/tests/html-run: $(call obj,tests/tools/html-run.c \
    $(wildcard tools/verify/verify_html*.c tools/verify/verify_text*.c) \
    tools/verify/verify_art12.c $(call L,err util utf8 calendar rfc3339 \
    timeline timeline_clock timeline_text) \
    $(RULES_SRCS))
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS_VERIFY)
$(addprefix $(B)/tests/,$(DAEMON_TOOLS)): $(B)/tests/%: \
    $(B)/obj/tests/tools/%.o $(call obj,$(DAEMON_CORE) $(LIB_FULL))
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS_DAEMON)
$(B)/tests/%: $(B)/obj/tests/tools/%.o $(call obj,$(LIB_FULL))
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS_CUSTOS)

# Fuzz targets: libFuzzer with ASan+UBSan, built by clang.  FZ_<name>
# lists the modules fuzz_<name> links.
FZ_note	:= $(T_note)
FZ_ckpt	:= $(T_ckpt)
FZ_proof := $(T_merkle)
FZ_vkey	:= $(T_note)
FZ_config := $(T_config)
FZ_probe := $(T_merkle) $(call L,utf8 calendar util probe sandbox)
FZ_clip_leaves := $(T_merkle) $(call L,utf8 calendar util) $(LIB_MEDIA)
FZ_clip_proof := $(T_merkle) $(call L,clip_proof)
FZ_api	:= $(call L,err) daemon/api/http.c
FZ_tsr	:= $(call L,err tsa)
FZ_receipt := $(T_ckpt) $(call L,merkle receipt)
FZ_bundle := $(T_registry) $(RULES_SRCS) $(call L,catalog rfc3339 calendar \
	   evidence timeline timeline_clock timeline_text bundle bundle_layout \
	   tsa clip_proof cosig note_cosig) $(LIB_MEDIA) \
	   tools/verify/verify_bundle.c tools/verify/verify_clip.c \
	   tools/verify/verify_witness.c \
	   tools/verify/verify_checks.c tools/verify/verify_segments.c \
	   tools/verify/verify_factors.c tools/verify/verify_court.c \
	   tools/verify/verify_art12.c tools/verify/verify_timeline.c \
	   $(wildcard tools/verify/verify_html*.c tools/verify/verify_text*.c) \
	   tools/verify/verify_util.c tools/cli_util.c
$(B)/fuzz/fuzz_bundle: LIBS_DAEMON += -larchive
FZ_bundle_read := $(call L,err enc utf8 digest merkle util calendar bundle \
	   bundle_layout) $(LIB_MEDIA)
$(B)/fuzz/fuzz_bundle_read: LIBS_DAEMON += -larchive
FZ_live	:= $(call L,err utf8) daemon/live/live_msg.c daemon/journal.c
FZ_upload := $(call L,err enc utf8 util calendar rfc3339) daemon/upload/upload_req.c
FZ_numbering := $(call L,err) daemon/dock/numbering.c
FZ_web	:= $(call L,err utf8 enc) daemon/web/web_http.c daemon/web/web_table.c
FZ_web_range := daemon/web/web_range.c
FZ_witness_req := $(call L,err enc witness_req)
FZ_note_cosig := $(T_note) $(call L,cosig note_cosig)
FZ_s3_reply := $(call L,err enc s3_xml)
$(B)/fuzz/fuzz_s3_reply: FUZZFLAGS += $(XML_CFLAGS)
FUZZFLAGS := -std=c11 -D_GNU_SOURCE -Iinclude -I. -g -O1 \
	   -fsanitize=fuzzer,address,undefined
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FZ_$$*) $(wildcard include/custos/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZFLAGS) -o $@ $< $(FZ_$*) $(LIBS_DAEMON)
fuzz-build: $(addprefix $(B)/fuzz/,$(FUZZ_TARGETS))

# For "make check": each target's corpus replayed by tests/fuzz/replay.c,
# linked from the ASan+UBSan objects the unit tests already built.
REPLAYS := $(patsubst fuzz_%,$(B)/asan/fuzz/replay_%,$(FUZZ_TARGETS))
$(B)/asan/fuzz/replay_%: $(B)/asan/tests/fuzz/fuzz_%.o \
    $(B)/asan/tests/fuzz/replay.o $$(call aobj,$$(FZ_$$*))
	@mkdir -p $(@D)
	$(CC) $(ASANFLAGS) -o $@ $^ $(LIBS_DAEMON) -larchive
replay-build: $(REPLAYS)

# Benchmarks.
$(B)/bench/%: $(B)/obj/bench/%.o $(call obj,$(LIB_FULL))
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS_CUSTOS)

deps:
	@sh scripts/deps.sh
	@sh tests/browser/install.sh

# The test build: both program builds, the unit tests, the corpus
# replays and the test helpers, in parallel.
NPROC	:= $(shell nproc 2>/dev/null || echo 2)
check-build:
	@$(MAKE) --no-print-directory -j$(NPROC) all $(ASAN_PROGS) \
	    $(B)/fault/custosd unit-build replay-build $(B)/tests/mkfixture $(B)/tests/html-run \
	    $(B)/tests/mktiles $(B)/tests/s3put \
	    $(addprefix $(B)/tests/,$(DAEMON_TOOLS))

check: deps
	@$(MAKE) --no-print-directory check-build
	@B=$(B) bash tests/run.sh

# kill -9 at random moments while one camera docks and another uploads,
# TORTURE_CYCLES times (tests/e2e/torture.sh, which "make check" runs
# with 30), on the plain build; prints the figures at the end and keeps
# the scratch directory if it fails.
TORTURE_CYCLES ?= 1000
.PHONY: torture
torture: all $(B)/tests/mkfixture
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/custos-torture.XXXXXX") && \
	    TMPDIR=$$d TORTURE_CYCLES=$(TORTURE_CYCLES) \
	    CUSTOSD=$(CURDIR)/$(B)/custosd CUSTOS=$(CURDIR)/$(B)/custos \
	    CUSTOS_VERIFY=$(CURDIR)/$(B)/custos-verify \
	    MKFIXTURE=$(CURDIR)/$(B)/tests/mkfixture \
	    sh tests/e2e/torture.sh && rm -rf "$$d" || \
	    { echo "torture failed; see $$d"; exit 1; }

# Fault injection, the full walk (docs/testing.md): every walk of
# tests/fault/run.sh with every N (FAULT_STRIDE=1; "make check" runs a
# sampled one); prints runs and N reached per walk, keeps the scratch
# directory if it fails.
FAULT_STRIDE ?= 1
.PHONY: fault
fault: all $(ASAN_PROGS) $(B)/fault/custosd
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/custos-fault.XXXXXX") && \
	    TMPDIR=$$d FAULT_STRIDE=$(FAULT_STRIDE) FAULT_WALKS=all \
	    CUSTOSD=$(CURDIR)/$(B)/asan/custosd \
	    CUSTOS=$(CURDIR)/$(B)/asan/custos \
	    CUSTOS_VERIFY=$(CURDIR)/$(B)/asan/custos-verify \
	    CUSTOS_BUILD=$(CURDIR)/$(B) \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    sh tests/fault/run.sh && rm -rf "$$d" || \
	    { echo "fault failed; see $$d"; exit 1; }

run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p var
	exec $(B)/custosd -f -c conf/custos.conf

FUZZ_SECONDS ?= 60
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(B)/fuzz/corpus-$$t; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
	    $(B)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) \
	        $(B)/fuzz/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# Live streams stopped at random moments, LIVE_ROUNDS times per live test
# (tests/stress/live.sh); not part of "make check".
LIVE_ROUNDS ?= 20
.PHONY: stress-live
stress-live: all $(B)/tests/mkfixture
	@B=$(B) LIVE_ROUNDS=$(LIVE_ROUNDS) sh tests/stress/live.sh

# Benchmarks written in sh are installed beside the compiled ones, with
# the helpers they share.
$(B)/bench/bench_%: bench/bench_%.sh $(B)/bench/lib.sh
	@mkdir -p $(@D)
	install -m 0755 $< $@

$(B)/bench/lib.sh: bench/lib.sh
	@mkdir -p $(@D)
	install -m 0644 $< $@

# bench_replica starts the tests' S3 server.
$(B)/bench/bench_replica: $(B)/bench/s3server.sh
$(B)/bench/s3server.sh: tests/tools/s3server.sh
	@mkdir -p $(@D)
	install -m 0644 $< $@

bench: all $(addprefix $(B)/bench/,$(BENCHES)) $(B)/bench/bench_dock \
    $(B)/bench/bench_verify $(B)/bench/bench_upload $(B)/bench/bench_clip \
    $(B)/bench/bench_replica $(B)/bench/bench_web $(B)/bench/bench_remux
	@sh bench/run.sh

# Installation.  SYSCONFDIR is /etc for the system prefixes (/usr and
# /usr/local), else PREFIX/etc, so that a private prefix puts nothing
# outside it.  The systemd units are written from their templates with
# the paths of this PREFIX and SYSCONFDIR; the example config gets the
# absolute paths those units provide (conf/install.sed), and becomes
# custos.conf only where there is none: an operator's config is never
# overwritten.
ifeq ($(filter /usr /usr/local,$(PREFIX)),)
SYSCONFDIR ?= $(PREFIX)/etc
else
SYSCONFDIR ?= /etc
endif
SBINDIR	= $(PREFIX)/sbin
LIBEXECDIR = $(PREFIX)/libexec/custos
DOCDIR	= $(PREFIX)/share/doc/custos
UNITDIR	= $(PREFIX)/lib/systemd/system
UDEVRULESDIR = $(PREFIX)/lib/udev/rules.d
MANDIR	= $(PREFIX)/share/man
ETCDIR	= $(DESTDIR)$(SYSCONFDIR)/custos
UNIT_SED := -e 's|@SBINDIR@|$(SBINDIR)|g' \
	   -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
	   -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(DATADIR)/calendar $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(PREFIX)/lib/sysusers.d \
	    $(DESTDIR)$(PREFIX)/lib/tmpfiles.d $(ETCDIR)
	install -m 0755 $(B)/custos $(B)/custos-verify $(DESTDIR)$(PREFIX)/bin/
	install -m 0755 $(B)/custosd $(DESTDIR)$(SBINDIR)/
	install -m 0755 systemd/custos-dock-mount $(DESTDIR)$(LIBEXECDIR)/
	install -m 0644 conf/calendar/*.cal $(DESTDIR)$(DATADIR)/calendar/
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	sed $(UNIT_SED) systemd/custosd.service.in \
	    >$(DESTDIR)$(UNITDIR)/custosd.service
	sed $(UNIT_SED) systemd/custos-dock@.service.in \
	    >$(DESTDIR)$(UNITDIR)/custos-dock@.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/custosd.service \
	    $(DESTDIR)$(UNITDIR)/custos-dock@.service
	install -m 0644 systemd/90-custos-dock.rules $(DESTDIR)$(UDEVRULESDIR)/
	install -m 0644 $(filter %.1,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(filter %.5,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(filter %.8,$(MANPAGES)) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 systemd/custos.sysusers \
	    $(DESTDIR)$(PREFIX)/lib/sysusers.d/custos.conf
	install -m 0644 systemd/custos.tmpfiles \
	    $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/custos.conf
	sed -f conf/install.sed \
	    -e 's|PREFIX/share/custos/calendar|$(DATADIR)/calendar|' \
	    conf/custos.conf >$(ETCDIR)/custos.conf.example
	chmod 0644 $(ETCDIR)/custos.conf.example
	test -e $(ETCDIR)/custos.conf || \
	    install -m 0644 $(ETCDIR)/custos.conf.example $(ETCDIR)/custos.conf

# The Debian package (debian/, docs/install.md): dpkg-buildpackage and
# debhelper build it from a copy of the sources in $(B)/deb/src, so that
# nothing is written into the tree, from scratch with Debian's build
# flags; the .deb lands in $(B)/deb/.  It is a file target: "make deb"
# does nothing while the package is newer than every source.  With
# DEB_REUSE=1 (tests/e2e/deb.sh) the package's build starts from the
# objects of $(B), so that only what depends on PREFIX is compiled again
# (those objects have the project's flags, not Debian's hardening ones).
DEB_VERSION = $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB_FILE = $(B)/deb/custos_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_SRCS = Makefile README.md $(shell find conf daemon debian docs include \
	   lib man scripts systemd tools -type f 2>/dev/null)
deb: $(DEB_FILE)
$(DEB_FILE): $(DEB_SRCS) $(if $(DEB_REUSE),$(PROGS))
	rm -rf $(B)/deb
	mkdir -p $(B)/deb/src/debian/build
	@echo "deb: dpkg-buildpackage in $(B)/deb/src (log: $(B)/deb/build.log)"
	@tar -cf - $(DEB_SRCS) | tar -xf - -C $(B)/deb/src
	$(if $(DEB_REUSE),cp -pR $(B)/obj $(B)/deb/src/debian/build/obj)
	cd $(B)/deb/src && DEB_BUILD_OPTIONS="parallel=$(NPROC)" \
	    dpkg-buildpackage -us -uc -b --no-pre-clean >../build.log 2>&1 || \
	    { tail -n 40 ../build.log; exit 1; }
	rm -rf $(B)/deb/src
	@ls -l $@

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
