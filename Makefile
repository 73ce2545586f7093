# popstat - county population and family-planning reporting system.
#
#   make          build bin/popstatd and bin/popstat
#   make test     unit tests (plain and ASan+UBSan) and end-to-end tests
#   make demo     install missing packages (as root), build, run a demo county
#   make deps     install the Debian packages (as root) or print the command
#   make deb      build the Debian package popstat_VERSION_ARCH.deb (mk/deb.mk)
#
# SAN=1 builds everything with AddressSanitizer and UndefinedBehaviorSanitizer
# into build-asan/ and bin-asan/.

CC      ?= gcc
# A -dev package added to DEB_PKGS goes in debian/control's Build-Depends
# too (tests/e2e/test_deb.sh checks).
PKGS     = libevent libevent_openssl libprotobuf-c sqlite3 openssl minizip \
           expat freexl xlsxwriter
DEB_PKGS = build-essential pkg-config libevent-dev libprotobuf-c-dev \
           protobuf-c-compiler libsqlite3-dev libssl-dev sqlite3 python3 \
           groff-base libminizip-dev libexpat1-dev libfreexl-dev \
           libxlsxwriter-dev fiu-utils python3-openpyxl \
           poppler-utils fonts-noto-cjk

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
# CPPFLAGS too: dpkg-buildflags (make deb) puts -D_FORTIFY_SOURCE there.
CFLAGS  += $(CPPFLAGS)
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

.PHONY: all clean test unit-test asan-test e2e-test demo deps check-deps format \
        format-check

# check-deps first: without the build dependencies, say "run make deps"
# rather than fail on a missing protoc-c or header.  Order-only, so that it
# never forces a rebuild.
all: check-deps $(BIN)/popstatd $(BIN)/popstat

# One protoc-c run makes both (a grouped target): two parallel runs
# would truncate the file the other compiles.
$(GEN_C) $(GEN_H) &: proto/popstat.proto | check-deps
	@mkdir -p $(BUILD)/gen
	protoc-c --proto_path=proto --c_out=$(BUILD)/gen proto/popstat.proto

$(BUILD)/gen/popstat.pb-c.o: $(GEN_C)
	$(CC) $(filter-out -Werror,$(CFLAGS)) -c -o $@ $<

$(BUILD)/%.o: %.c $(GEN_H) | check-deps
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
	@missing=""; \
	for t in $(firstword $(CC)) protoc-c pkg-config; do \
	  command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; \
	done; \
	for p in $(PKGS); do \
	  pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "missing build dependencies:$$missing"; \
	  echo "run 'make deps' (as root it installs them; otherwise it prints" \
	       "the apt-get command)"; exit 1; fi

demo: deps
	@$(MAKE) --no-print-directory all
	@demo/demo.sh

# Further targets (install, fuzz, bench, ...) live in mk/*.mk, one file each.
-include $(wildcard mk/*.mk)

# The C files `make format` formats (.clang-format: the BSD style of the
# tree) and `make format-check` (tests/e2e/test_format.sh) checks.
FORMAT_SRC = $(wildcard common/*.[ch] server/*.[ch] client/*.[ch] \
             tests/unit/*.[ch])

format:
	clang-format -i $(FORMAT_SRC)

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf build build-asan bin bin-asan
