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
	   -Iinclude -MMD -MP
ASANFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	   -fno-sanitize-recover=all

# What verification needs, and nothing that signs or writes a log.
LIB_VERIFY := lib/err.c lib/enc.c lib/utf8.c lib/digest.c lib/sign.c \
	   lib/merkle.c lib/note.c lib/ckpt.c lib/util.c lib/tsa.c \
	   lib/receipt.c lib/calendar.c lib/rfc3339.c lib/rules.c \
	   lib/timeline.c
# Everything else the daemon and the operator CLI use.
LIB_FULL := $(LIB_VERIFY) lib/signer.c lib/note_sign.c lib/db.c lib/log.c \
	   lib/log_audit.c lib/store.c lib/config.c lib/catalog.c \
	   lib/uscc.c lib/registry.c lib/registry_inspect.c \
	   lib/evidence.c lib/evidence_log.c lib/receipt_log.c

# The daemon's parts that test tools link too (no main, api or dock).
DAEMON_CORE := daemon/log.c daemon/station.c daemon/entry.c daemon/probe.c \
	   lib/probe.c lib/sandbox.c daemon/seal.c daemon/autolink.c
DAEMON_SRCS := daemon/main.c daemon/api.c daemon/dock.c daemon/walk.c \
	   daemon/session.c daemon/registry_api.c daemon/inspect_api.c \
	   daemon/http.c daemon/summary.c daemon/tsa.c daemon/live.c \
	   daemon/live_child.c daemon/live_tls.c daemon/upload.c \
	   daemon/upload_file.c daemon/upload_req.c $(DAEMON_CORE)
CUSTOS_SRCS := tools/custos.c tools/cli_log.c tools/cli_util.c \
	   tools/cli_registry.c tools/cli_inspect.c tools/cli_export.c \
	   tools/cli_replay.c tools/cli_audit.c
# The bundle verifier also parses media (in its sandboxed child) and tar;
# the operator CLI needs neither, so these stay out of LIB_VERIFY.
VERIFY_SRCS := tools/custos-verify.c tools/cli_util.c \
	   tools/verify_receipt.c tools/verify_util.c tools/verify_html.c \
	   tools/verify_bundle.c tools/verify_checks.c tools/verify_factors.c \
	   lib/bundle.c lib/probe.c lib/sandbox.c lib/evidence.c

LIBS_VERIFY := -lcrypto -ljansson -larchive -lavformat -lavcodec -lavutil \
	   -lseccomp
LIBS_CUSTOS := -lcrypto -lsqlite3 -ljansson -linih -lcurl -larchive
LIBS_DAEMON := -lcrypto -lsqlite3 -ljansson -linih -luv -lsystemd \
	   -lhttp_parser -lavformat -lavcodec -lavutil -lseccomp -lcurl -lssl

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
BENCHES := $(patsubst bench/%.c,%,$(wildcard bench/bench_*.c))

obj	= $(patsubst %.c,$(B)/obj/%.o,$(1))
aobj	= $(patsubst %.c,$(B)/asan/%.o,$(1))

PROGS	:= $(B)/custosd $(B)/custos $(B)/custos-verify

.PHONY: all check run bench fuzz install deps clean unit-build fuzz-build
all: $(PROGS)

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASEFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/asan/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASEFLAGS) $(ASANFLAGS) -c -o $@ $<

$(B)/custosd: $(call obj,$(DAEMON_SRCS) $(LIB_FULL))
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS_DAEMON)

$(B)/custos: $(call obj,$(CUSTOS_SRCS) $(LIB_FULL))
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS_CUSTOS)

$(B)/custos-verify: $(call obj,$(VERIFY_SRCS) $(LIB_VERIFY))
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS_VERIFY)

# Unit tests: cmocka, built and run under AddressSanitizer and UBSan.  Each
# test links only the modules it tests (T_<module>), so a module can be
# tested before the others exist.
L	= $(addprefix lib/,$(addsuffix .c,$(1)))
T_err	:= $(call L,err)
T_enc	:= $(call L,err enc)
T_utf8	:= $(call L,err utf8)
T_digest := $(call L,err enc digest)
T_merkle := $(call L,err enc digest merkle)
T_sign	:= $(call L,err enc digest sign signer)
T_note	:= $(T_sign) $(call L,utf8 note note_sign)
T_ckpt	:= $(T_note) $(call L,ckpt)
T_log	:= $(T_ckpt) $(call L,merkle db log log_audit util)
T_store	:= $(call L,err enc digest store util)
T_config := $(call L,err enc utf8 digest config util)
T_util	:= $(call L,err util)
T_catalog := $(T_log) $(call L,catalog)
T_calendar := $(call L,err util calendar)
T_uscc	:= $(call L,err uscc)
T_registry := $(T_log) $(call L,uscc registry registry_inspect)
T_rules	:= $(call L,err util utf8 calendar rfc3339 rules)
T_rfc3339 := $(call L,err util calendar rfc3339)
T_tsa	:= $(T_log) $(call L,tsa)
T_receipt := $(T_log) $(call L,receipt receipt_log)
T_evidence := $(T_registry) $(call L,catalog rfc3339 calendar rules \
	   evidence evidence_log)
T_timeline := $(T_evidence) $(call L,timeline)
T_bundle := $(call L,err enc utf8 digest merkle util calendar bundle probe \
	   sandbox)
$(B)/asan/tests/test_bundle: LIBS_CUSTOS += -lavformat -lavcodec -lavutil \
	   -lseccomp
T_upload_req := $(call L,err enc utf8 util calendar rfc3339) \
	   daemon/upload_req.c
$(B)/asan/tests/test_upload_req: LIBS_CUSTOS += -lhttp_parser

.SECONDEXPANSION:
$(B)/asan/tests/test_%: $(B)/asan/tests/unit/test_%.o $$(call aobj,$$(T_$$*))
	$(CC) $(ASANFLAGS) -o $@ $^ -lcmocka $(LIBS_CUSTOS)
unit-build: $(addprefix $(B)/asan/tests/,$(UNIT_TESTS))

# Test helpers linked against the normal library build; the ones named in
# DAEMON_TOOLS also link the daemon's core (seal pipeline, media child).
DAEMON_TOOLS := probe-run seal-run
# html-run renders a report JSON file with custos-verify's HTML renderer.
$(B)/tests/html-run: $(call obj,tests/tools/html-run.c tools/verify_html.c \
    $(call L,err util utf8 calendar rfc3339 rules timeline))
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
FZ_api	:= $(call L,err) daemon/http.c
FZ_tsr	:= $(call L,err tsa)
FZ_receipt := $(T_ckpt) $(call L,merkle receipt)
FZ_bundle := $(T_registry) $(call L,catalog rfc3339 calendar rules \
	   evidence timeline bundle probe sandbox tsa) tools/verify_bundle.c \
	   tools/verify_checks.c tools/verify_factors.c tools/verify_html.c \
	   tools/cli_util.c
$(B)/fuzz/fuzz_bundle: LIBS_DAEMON += -larchive
FZ_live	:= $(call L,err utf8 sandbox) daemon/live_child.c daemon/live_tls.c \
	   daemon/log.c
FZ_upload := $(call L,err enc utf8 util calendar rfc3339) daemon/upload_req.c
FUZZFLAGS := -std=c11 -D_GNU_SOURCE -Iinclude -g -O1 \
	   -fsanitize=fuzzer,address,undefined
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FZ_$$*) $(wildcard include/custos/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZFLAGS) -o $@ $< $(FZ_$*) $(LIBS_DAEMON)
fuzz-build: $(addprefix $(B)/fuzz/,$(FUZZ_TARGETS))

# Benchmarks.
$(B)/bench/%: $(B)/obj/bench/%.o $(call obj,$(LIB_FULL))
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS_CUSTOS)

deps:
	@sh scripts/deps.sh

check: deps
	@$(MAKE) --no-print-directory all unit-build fuzz-build \
	    $(B)/tests/mkfixture $(B)/tests/html-run \
	    $(addprefix $(B)/tests/,$(DAEMON_TOOLS))
	@B=$(B) sh tests/run.sh

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

# Benchmarks written in sh are installed beside the compiled ones.
$(B)/bench/bench_%: bench/bench_%.sh
	@mkdir -p $(@D)
	install -m 0755 $< $@

bench: all $(addprefix $(B)/bench/,$(BENCHES)) $(B)/bench/bench_dock \
    $(B)/bench/bench_verify $(B)/bench/bench_upload
	@sh bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin \
	    $(DESTDIR)$(PREFIX)/share/custos/calendar \
	    $(DESTDIR)$(PREFIX)/libexec/custos \
	    $(DESTDIR)$(PREFIX)/share/doc/custos \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system \
	    $(DESTDIR)$(PREFIX)/lib/udev/rules.d
	install -m 0755 $(B)/custos $(B)/custos-verify $(DESTDIR)$(PREFIX)/bin/
	install -m 0755 $(B)/custosd $(DESTDIR)$(PREFIX)/sbin/
	install -m 0755 systemd/custos-dock-mount \
	    $(DESTDIR)$(PREFIX)/libexec/custos/
	install -m 0644 conf/custos.conf $(DESTDIR)$(PREFIX)/share/custos/
	install -m 0644 conf/calendar/*.cal \
	    $(DESTDIR)$(PREFIX)/share/custos/calendar/
	install -m 0644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/custos/
	install -m 0644 systemd/custosd.service systemd/custos-dock@.service \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system/
	install -m 0644 systemd/90-custos-dock.rules \
	    $(DESTDIR)$(PREFIX)/lib/udev/rules.d/

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
