# fuzz.mk - libFuzzer targets (tests/fuzz/fuzz_*.c) and their regression
# runners.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_JOBS=2] [FUZZ_TARGETS="csv expr"]
#        build every target with clang -fsanitize=fuzzer,address,undefined
#        into build/fuzz/ and run each for FUZZ_SECONDS seconds, FUZZ_JOBS
#        at a time, on a scratch copy of its seeds under build/fuzz/run/
#        (the corpus grows there between runs; the repository's
#        tests/fuzz/corpus/ is never written).  Prints the executions per
#        target; fails if a target crashed, its input saved under
#        build/fuzz/run/<target>/crashes/.
#   make fuzz-bins             only build the libFuzzer binaries
#   make fuzz-regress-bins     build $(BIN)/fuzz/fuzz_regress_<target>: the
#        same targets built with $(CC) and the project's flags (ASan+UBSan
#        with SAN=1) around tests/fuzz/standalone.c, which replays files;
#        `make test` builds them (plain and SAN=1) and
#        tests/e2e/test_fuzz_regress.sh replays tests/fuzz/regress/<target>/
#   make fuzz-seeds            regenerate the binary seeds of the frame and
#        envelope targets in tests/fuzz/corpus/ (writes into the repository)
#   make fuzz-clean            remove build/fuzz/
#
# FUZZ_FLAGS adds libFuzzer options (e.g. FUZZ_FLAGS=-jobs=2).
# FUZZ_PROTOBUF_C=DIR links protobuf-c from source DIR/protobuf-c/protobuf-c.c
# (the same version as the system library, e.g. the v1.4.1 tag of
# github.com/protobuf-c/protobuf-c), instrumented for coverage and ASan, so
# libFuzzer also steers inside the unpacker; it is built without UBSan, whose
# shift checks fire inside libprotobuf-c 1.4.1 itself (parse_tag_and_wiretype,
# parse_uint32).  By default the system library is linked (uninstrumented).
# A crash input is replayed with build/fuzz/fuzz_<target> FILE, or with the
# regression runner; to keep it, minimise it (build/fuzz/fuzz_<target>
# -minimize_crash=1 -max_total_time=60 FILE; protobuf inputs often need
# reducing by hand) and add it to tests/fuzz/regress/<target>/.

FUZZ_TARGETS ?= frame envelope csv period expr multipart xlsx xls sheet_text \
                regfile
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 2
FUZZ_FLAGS   ?=
FUZZ_CC      ?= clang
FUZZ_DIR      = build/fuzz
FUZZ_GEN      = build/gen

FUZZ_SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer
FUZZ_CFLAGS   = -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra $(FUZZ_SANFLAGS) \
                -Icommon -I$(FUZZ_GEN) -Itests/fuzz \
                $(shell pkg-config --cflags libprotobuf-c 2>/dev/null)
FUZZ_COMMON   = frame csv utf8 period date expr record row sbuf idcard multipart \
                wirescan header regfile
# The workbook readers (fuzz_xlsx, fuzz_xls) and their libraries.
FUZZ_COMMON  := $(sort $(FUZZ_COMMON) sheet sheet_num sheet_xlsx sheet_xls \
                sheet_text)
FUZZ_CFLAGS  += $(shell pkg-config --cflags minizip expat freexl 2>/dev/null)
FUZZ_OBJ      = $(FUZZ_COMMON:%=$(FUZZ_DIR)/obj/common/%.o) \
                $(FUZZ_DIR)/obj/gen/popstat.pb-c.o
ifeq ($(FUZZ_PROTOBUF_C),)
FUZZ_PBC      = system
FUZZ_LIBS     = $(shell pkg-config --libs libprotobuf-c 2>/dev/null) -lm
else
FUZZ_PBC      = source
FUZZ_OBJ     += $(FUZZ_DIR)/obj/protobuf-c.o
FUZZ_LIBS     = -lm
endif
FUZZ_LIBS    += $(shell pkg-config --libs minizip expat freexl 2>/dev/null)
# Relink when switching between the system and the source protobuf-c.
FUZZ_PBC_STAMP = $(FUZZ_DIR)/obj/protobuf-c-$(FUZZ_PBC).stamp
FUZZ_BINS     = $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_REGRESS_BINS = $(FUZZ_TARGETS:%=$(BIN)/fuzz/fuzz_regress_%)

# (fuzz-run-<target> is not .PHONY: make skips pattern rules for those.)
.PHONY: fuzz fuzz-bins fuzz-runs fuzz-regress-bins fuzz-seeds fuzz-clean

# The generated code is always taken from build/gen (the plain build's).
ifneq ($(BUILD),build)
$(FUZZ_GEN)/popstat.pb-c.c $(FUZZ_GEN)/popstat.pb-c.h: proto/popstat.proto
	@mkdir -p $(FUZZ_GEN)
	protoc-c --proto_path=proto --c_out=$(FUZZ_GEN) proto/popstat.proto
endif

$(FUZZ_DIR)/obj/common/%.o: common/%.c $(FUZZ_GEN)/popstat.pb-c.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/obj/gen/popstat.pb-c.o: $(FUZZ_GEN)/popstat.pb-c.c $(FUZZ_GEN)/popstat.pb-c.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/obj/protobuf-c.o: $(FUZZ_PROTOBUF_C)/protobuf-c/protobuf-c.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -w -fno-sanitize=undefined -I$(FUZZ_PROTOBUF_C) \
	  -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/obj/fuzz_%.o: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_GEN)/popstat.pb-c.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_PBC_STAMP):
	@mkdir -p $(dir $@)
	@rm -f $(FUZZ_DIR)/obj/protobuf-c-*.stamp
	@touch $@

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/fuzz_%.o $(FUZZ_OBJ) $(FUZZ_PBC_STAMP)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SANFLAGS) -o $@ $(filter %.o,$^) $(FUZZ_LIBS)

fuzz-bins: $(FUZZ_BINS)

# Keep the objects of these chained pattern rules between builds.
.SECONDARY: $(FUZZ_OBJ) $(FUZZ_TARGETS:%=$(FUZZ_DIR)/obj/fuzz_%.o) \
            $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz_%.o) \
            $(BUILD)/tests/fuzz/standalone.o $(BUILD)/tests/fuzz/mkseeds.o

# One run: seeds and regression inputs copied into the scratch corpus, then
# libFuzzer for FUZZ_SECONDS; the log and a one-line summary stay in
# build/fuzz/run/<target>/.
fuzz-run-%: $(FUZZ_DIR)/fuzz_%
	@d=$(FUZZ_DIR)/run/$*; mkdir -p $$d/corpus $$d/crashes; \
	for s in tests/fuzz/corpus/$* tests/fuzz/regress/$*; do \
	  [ -d $$s ] && find $$s -maxdepth 1 -type f ! -name '.*' -exec cp -f {} $$d/corpus/ \; ; \
	done; \
	dict=; [ -f tests/fuzz/$*.dict ] && dict=-dict=tests/fuzz/$*.dict; \
	echo "fuzz_$*: running for $(FUZZ_SECONDS) s (log: $$d/log)"; \
	start=$$(date +%s); \
	$(FUZZ_DIR)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	  -timeout=10 -rss_limit_mb=2048 -artifact_prefix=$$d/crashes/ $$dict \
	  $(FUZZ_FLAGS) $$d/corpus >$$d/log 2>&1; rc=$$?; \
	secs=$$(( $$(date +%s) - start )); \
	execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$d/log | tail -n 1); \
	[ -n "$$execs" ] || execs=$$(grep -oE '^#[0-9]+' $$d/log | tail -n 1 | tr -d '#'); \
	rate=$$(sed -n 's/^stat::average_exec_per_sec: *//p' $$d/log | tail -n 1); \
	ncorp=$$(find $$d/corpus -type f | wc -l); \
	ncrash=$$(find $$d/crashes -type f | wc -l); \
	echo "fuzz_$*: $${execs:-0} execs in $$secs s ($${rate:-?}/s), corpus $$ncorp files, exit $$rc, $$ncrash crash files" \
	  | tee $$d/summary; \
	if [ $$rc -ne 0 ]; then grep -E -m 3 'ERROR: |SUMMARY: |check failed|runtime error' $$d/log; \
	  find $$d/crashes -type f | head -n 5; fi; \
	true

fuzz-runs: $(FUZZ_TARGETS:%=fuzz-run-%)

fuzz: fuzz-bins
	@rm -f $(FUZZ_TARGETS:%=$(FUZZ_DIR)/run/%/summary)
	@$(MAKE) --no-print-directory -j$(FUZZ_JOBS) fuzz-runs
	@echo "== fuzz summary ($(FUZZ_SECONDS) s each) =="; bad=0; \
	for t in $(FUZZ_TARGETS); do \
	  s=$(FUZZ_DIR)/run/$$t/summary; \
	  if [ -f $$s ]; then cat $$s; else echo "fuzz_$$t: did not run"; bad=1; fi; \
	  grep -q ', exit 0,' $$s 2>/dev/null || bad=1; \
	done; \
	if [ $$bad -ne 0 ]; then echo "fuzz: a target crashed or failed; see build/fuzz/run/*/log"; exit 1; fi

# Regression runners, built like the unit tests (plain, or SAN=1 for
# ASan+UBSan).  `make test` builds unit-bins in both modes, so they come
# with it.
# Only the common/ objects the targets use, not all of COMMON_OBJ.
FUZZ_REGRESS_OBJ = $(FUZZ_COMMON:%=$(BUILD)/common/%.o) $(BUILD)/gen/popstat.pb-c.o

$(BIN)/fuzz/fuzz_regress_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/standalone.o $(FUZZ_REGRESS_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

fuzz-regress-bins: $(FUZZ_REGRESS_BINS)

unit-bins: fuzz-regress-bins

fuzz-seeds: $(BUILD)/tests/fuzz/mkseeds.o $(FUZZ_REGRESS_OBJ)
	@mkdir -p $(FUZZ_DIR) tests/fuzz/corpus/envelope tests/fuzz/corpus/frame
	$(CC) $(LDFLAGS) -o $(FUZZ_DIR)/mkseeds $^ $(LDLIBS)
	$(FUZZ_DIR)/mkseeds tests/fuzz/corpus/envelope tests/fuzz/corpus/frame

fuzz-clean:
	rm -rf $(FUZZ_DIR)

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
