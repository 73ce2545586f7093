# make bench: the performance benchmark (bench/run.sh) and its tools.
#
#   make bench                      full run: 10 million records (~6 min on
#                                   2 cores)
#   make bench BENCH_SCALE=100000   quick run for development (~20 s)
#   make bench-tools                build bench/ binaries only
#   make bench-profile              callgrind profiles of a short ingest,
#                                   single-record submits from 16 clients,
#                                   computed rankings and statuses, quality
#                                   requests and rankings after a commit
#                                   (bench/profile.sh)
#
# Other knobs (environment or make variables): BENCH_DIR (data, default
# bench/data), BENCH_INGEST (records per measured ingest, 200000),
# BENCH_CLIENTS (ingest connections, 8), BENCH_IDLE (idle
# connections, 10000), BENCH_KEEP=1 (keep the databases).

BENCH_BIN    = $(BUILD)/bench
BENCH_CFLAGS = -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
               -Icommon -I$(BUILD)/gen $(PKG_CFLAGS)
BENCH_SCALE ?= 10000000

.PHONY: bench bench-tools bench-profile

bench-tools: $(BENCH_BIN)/loadgen $(BENCH_BIN)/baseline $(BENCH_BIN)/preload \
             $(BENCH_BIN)/fsyncprobe $(BENCH_BIN)/ackfloor

LOADGEN_OBJ = $(BUILD)/gen/popstat.pb-c.o $(BUILD)/common/frame.o \
              $(BUILD)/common/date.o $(BUILD)/common/sbuf.o

$(BENCH_BIN)/loadgen: bench/loadgen.c bench/rowgen.h bench/benchutil.h $(GEN_H) $(LOADGEN_OBJ)
	@mkdir -p $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) -o $@ bench/loadgen.c $(LOADGEN_OBJ) $(PKG_LIBS) -lm

$(BENCH_BIN)/ackfloor: bench/ackfloor.c bench/benchutil.h $(GEN_H) $(LOADGEN_OBJ)
	@mkdir -p $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) -o $@ bench/ackfloor.c $(LOADGEN_OBJ) $(PKG_LIBS)

$(BENCH_BIN)/fsyncprobe: bench/fsyncprobe.c bench/benchutil.h
	@mkdir -p $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) -o $@ bench/fsyncprobe.c

$(BENCH_BIN)/baseline: bench/baseline.c bench/rowgen.h $(BUILD)/common/date.o
	@mkdir -p $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) -o $@ bench/baseline.c $(BUILD)/common/date.o \
	    $(PKG_LIBS) -lm

$(BENCH_BIN)/preload: bench/preload.c bench/rowgen.h server/store_sql.h $(BUILD)/common/date.o
	@mkdir -p $(BENCH_BIN)
	$(CC) $(BENCH_CFLAGS) -o $@ bench/preload.c $(BUILD)/common/date.o \
	    $(PKG_LIBS) -lm

bench: check-deps
	@$(MAKE) --no-print-directory all bench-tools
	BENCH_SCALE=$(BENCH_SCALE) BIN=$(BIN) BENCH_BIN=$(BENCH_BIN) bench/run.sh

bench-profile: check-deps
	@$(MAKE) --no-print-directory all bench-tools
	BIN=$(BIN) BENCH_BIN=$(BENCH_BIN) bench/profile.sh

# make bench-ack: the acknowledgement tail against bench/ackfloor, in
# alternating rounds (bench/ack.sh; ACK_ROUNDS, ACK_SUBMITS, ACK_RECORDS).
.PHONY: bench-ack
bench-ack: check-deps
	@$(MAKE) --no-print-directory all bench-tools
	BIN=$(BIN) BENCH_BIN=$(BENCH_BIN) bench/ack.sh

# make bench-national: the whole country on one popstatd (bench/national.sh;
# NAT_SIZES, NAT_INGEST, NAT_DIR).  Hours at 10M records on 2 cores; never
# part of make test.
.PHONY: bench-national
bench-national: check-deps
	@$(MAKE) --no-print-directory all bench-tools
	BIN=$(BIN) BENCH_BIN=$(BENCH_BIN) bench/national.sh
