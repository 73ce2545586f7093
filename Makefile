# popstat - county population and family-planning reporting system.
#
#   make          build bin/popstatd and bin/popstat
#   make test     unit tests (plain and ASan+UBSan) and end-to-end tests
#   make demo     install missing packages (as root), build, run a demo county
#   make deps     install the Debian packages (as root) or print the command
#
# SAN=1 builds everything with AddressSanitizer and UndefinedBehaviorSanitizer
# into build-asan/ and bin-asan/.

CC      ?= gcc
PKGS     = libevent libevent_openssl libprotobuf-c sqlite3 openssl
DEB_PKGS = build-essential pkg-config libevent-dev libprotobuf-c-dev \
           protobuf-c-compiler libsqlite3-dev libssl-dev sqlite3 python3 \
           groff-base

ifeq ($(SAN),1)
BUILD   ?= build-asan
BIN     ?= bin-asan
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT      = -O1
else
BUILD   ?= build
BIN     ?= bin
SANFLAGS =
OPT      = -O2
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= $(OPT) -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(SANFLAGS) \
           -pthread -Icommon -I$(BUILD)/gen $(PKG_CFLAGS)
LDFLAGS += $(SANFLAGS)
LDLIBS  += $(PKG_LIBS) -lm -pthread

GEN_C   = $(BUILD)/gen/popstat.pb-c.c
GEN_H   = $(BUILD)/gen/popstat.pb-c.h

COMMON_SRC = $(wildcard common/*.c)
SERVER_SRC = $(wildcard server/*.c)
CLIENT_SRC = $(wildcard client/*.c)
UNIT_TESTS = $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

COMMON_OBJ = $(COMMON_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/popstat.pb-c.o
SERVER_OBJ = $(SERVER_SRC:%.c=$(BUILD)/%.o)
CLIENT_OBJ = $(CLIENT_SRC:%.c=$(BUILD)/%.o)

.PHONY: all clean test unit-test asan-test e2e-test demo deps check-deps format

all: $(BIN)/popstatd $(BIN)/popstat

$(GEN_C) $(GEN_H): proto/popstat.proto
	@mkdir -p $(BUILD)/gen
	protoc-c --proto_path=proto --c_out=$(BUILD)/gen proto/popstat.proto

$(BUILD)/gen/popstat.pb-c.o: $(GEN_C)
	$(CC) $(filter-out -Werror,$(CFLAGS)) -c -o $@ $<

$(BUILD)/%.o: %.c $(GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BIN)/popstatd: $(SERVER_OBJ) $(COMMON_OBJ)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/popstat: $(CLIENT_OBJ) $(COMMON_OBJ)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/tests/%: $(BUILD)/tests/unit/%.o $(COMMON_OBJ)
	@mkdir -p $(BIN)/tests
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/unit/%.o: tests/unit/%.c $(GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -MMD -MP -c -o $@ $<

unit-bins: $(UNIT_TESTS:%=$(BIN)/tests/%)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# The whole suite; the last line is "total: N passed, N failed".  The
# benchmark's tools are built too (not run), so that they cannot rot.
test: check-deps
	@$(MAKE) --no-print-directory all unit-bins bench-tools
	@$(MAKE) --no-print-directory SAN=1 all unit-bins
	@tests/run-all.sh

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all packages installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing || \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; }; \
	else echo "deps: missing packages; run as root:"; \
	  echo "  apt-get install -y$$missing"; exit 1; fi

check-deps:
	@command -v protoc-c >/dev/null && pkg-config --exists $(PKGS) || \
	  { echo "missing build dependencies: run 'make deps'"; exit 1; }

demo: deps
	@$(MAKE) --no-print-directory all
	@demo/demo.sh

# Further targets (install, fuzz, bench, ...) live in mk/*.mk, one file each.
-include $(wildcard mk/*.mk)

format:
	clang-format -i common/*.[ch] server/*.[ch] client/*.[ch] tests/unit/*.[ch]

clean:
	rm -rf build build-asan bin bin-asan
