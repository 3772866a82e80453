# tvp - threads versus processes.
#
# Targets:
#   make            build build/tvp-bench, build/tvp-helper and the test programs
#   make deps       install the Debian packages the suite needs (idempotent)
#   make report     deps, build, run the suite, write results/<host>-<UTC time>/
#                   (PROFILE=quick|full PIN=POLICY FILTER=REGEX; ARGS=... passes more)
#   make test       deps, build, run every test; ends with "N passed, N failed"
#   make compare A=DIR B=DIR   compare two results folders (results/compare-A-vs-B/)
#   make SAN=1      build with AddressSanitizer and UndefinedBehaviorSanitizer
#   make CC=clang CXX=clang++   the same with clang
#   make clean

CC ?= cc
CXX ?= c++
PYTHON ?= /usr/bin/python3
PROFILE ?= quick
PIN ?= none
FILTER ?=

BUILD := build
SANFLAGS :=
ifeq ($(SAN),1)
BUILD := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer
endif

WARN := -Wall -Wextra
CPPFLAGS += -D_GNU_SOURCE -Isrc -Ibench -I$(BUILD) -MMD -MP
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN) $(SANFLAGS)
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++17 $(WARN) $(SANFLAGS)
PKGS := hwloc benchmark
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS += $(PKG_LIBS) -lpthread

LIB_SRC := $(filter-out src/helper.c,$(wildcard src/*.c src/ipc/*.c))
HELPER_SRC := src/helper.c src/task.c src/gate.c src/util.c $(wildcard src/ipc/*.c)
BENCH_SRC := $(wildcard bench/*.c)
TEST_SRC := $(wildcard tests/test_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
BENCH_OBJ := $(BENCH_SRC:%.c=$(BUILD)/%.o) $(BUILD)/bench/gbench.o
TESTS := $(TEST_SRC:tests/%.c=$(BUILD)/%)

.PHONY: all deps report test clean compare FORCE
all: $(BUILD)/tvp-bench $(BUILD)/tvp-helper $(BUILD)/gbench-probe $(TESTS)

deps:
	@scripts/deps.sh

# The suite version (git describe) goes into every results file: rewrite version.h
# whenever it changes, and only then, so a new commit rebuilds what records it.
$(BUILD)/version.h: FORCE
	@mkdir -p $(@D)
	@v="#define TVP_VERSION \"$$(git describe --always --dirty --tags 2>/dev/null || echo unknown)\""; \
	[ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" > $@
$(BUILD)/bench/main.o: $(BUILD)/version.h
FORCE:

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(PKG_CFLAGS) $(CXXFLAGS) -c -o $@ $<

# The Google Benchmark wrapper makes this a C++ program: link through $(CXX).
$(BUILD)/tvp-bench: $(BENCH_OBJ) $(LIB_OBJ)
	$(CXX) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The helper that exec-based workers run: static, so no dynamic loader runs between
# exec and its first instruction, and never sanitized (the sanitizers cannot be static).
$(BUILD)/tvp-helper: $(HELPER_SRC) $(wildcard src/*.h src/ipc/*.h)
	@mkdir -p $(@D)
	$(CC) -D_GNU_SOURCE -Isrc -std=gnu11 $(WARN) -O2 -static -o $@ $(HELPER_SRC) -lpthread

# A C program that registers benchmarks through the wrapper, for the wrapper's tests.
$(BUILD)/gbench-probe: $(BUILD)/tests/gbench_probe.o $(BUILD)/bench/gbench.o $(LIB_OBJ)
	$(CXX) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/test_%: $(BUILD)/tests/test_%.o $(LIB_OBJ)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

report: deps all
	$(PYTHON) scripts/run.py --profile $(PROFILE) --pin $(PIN) \
		$(if $(FILTER),--filter '$(FILTER)') $(ARGS)

compare:
	@[ -n "$(A)" ] && [ -n "$(B)" ] || { echo "usage: make compare A=RESULTS_DIR B=RESULTS_DIR" >&2; exit 2; }
	$(PYTHON) scripts/compare.py '$(A)' '$(B)'

test: deps all
	@tests/run $(BUILD)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
