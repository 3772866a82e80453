# tvp - threads versus processes.
#
# Targets:
#   make            build build/tvp-bench, build/tvp-helper and the test programs
#   make deps       install the Debian packages the suite needs (idempotent)
#   make report     deps, build, run the suite, write results/<host>-<UTC time>/
#                   (PROFILE=quick|full PIN=POLICY FILTER=REGEX; ARGS=... passes more)
#   make test       deps, build, run every test; ends with "N passed, N failed"
#   make suite-check   the real suite at every size of the quick profile, checked as the
#                   smoke test of make test checks it at the first sizes (CI runs both)
#   make demos      run the notes' four Python examples (examples/)
#   make python-ft  opt-in: build a free-threaded CPython 3.13 (--disable-gil) from
#                   Debian's source package into build/python-ft/ (about 6 min on 2 cores);
#                   then make report PYTHONS="/usr/bin/python3 build/python-ft/bin/python3.13t"
#   make mutants    break the suite on purpose, one break at a time; which do the tests catch?
#   make compare RUNS="DIR DIR [DIR ...]"   compare results folders (A=DIR B=DIR still works)
#   make catalogue  every run under results/ into results/catalogue.sqlite
#   make SAN=1      build with AddressSanitizer and UndefinedBehaviorSanitizer
#   make CC=clang CXX=clang++   the same with clang
#   make BUILD=DIR EXTRA_CPPFLAGS=-DFLAG   a build of its own in DIR with one more flag
#                   (-DTVP_TEST_EXTRA_KIND: one more worker kind, for the contract test)
#   make clean

CC ?= cc
CXX ?= c++
PYTHON ?= /usr/bin/python3
PROFILE ?= quick
PIN ?= none
FILTER ?=
# The interpreters the Python layer runs under (the first is the one the rules read);
# empty: the one that runs scripts/run.py.
PYTHONS ?=

BUILD := build
SANFLAGS :=
ifeq ($(SAN),1)
BUILD := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer
endif

WARN := -Wall -Wextra
EXTRA_CPPFLAGS ?=
CPPFLAGS += -D_GNU_SOURCE -Isrc -Ibench -I$(BUILD) -MMD -MP $(EXTRA_CPPFLAGS)
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN) $(SANFLAGS)
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++17 $(WARN) $(SANFLAGS)
PKGS := hwloc benchmark
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS += $(PKG_LIBS) -lpthread

LIB_SRC := $(filter-out src/helper.c,$(wildcard src/*.c src/ipc/*.c))
# The helper looks tasks up in the registry, which names every task, so it links what
# they are made of; the linker drops what no task of the helper reaches.
HELPER_SRC := src/helper.c src/task_registry.c src/task.c src/gate.c src/util.c \
	src/worker.c src/cow.c src/mem.c src/nums.c src/scale.c src/pool.c $(wildcard src/ipc/*.c)
BENCH_SRC := $(wildcard bench/*.c)
TEST_SRC := $(wildcard tests/test_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
BENCH_OBJ := $(BENCH_SRC:%.c=$(BUILD)/%.o) $(BUILD)/bench/gbench.o
TESTS := $(TEST_SRC:tests/%.c=$(BUILD)/%)

.PHONY: all deps report test suite-check clean compare catalogue demos mutants extra-kind \
	python-ft FORCE
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
	$(CC) -D_GNU_SOURCE -Isrc $(EXTRA_CPPFLAGS) -std=gnu11 $(WARN) -O2 -static \
		-ffunction-sections -fdata-sections -Wl,--gc-sections -o $@ $(HELPER_SRC) -lpthread

# A C program that registers benchmarks through the wrapper, for the wrapper's tests.
$(BUILD)/gbench-probe: $(BUILD)/tests/gbench_probe.o $(BUILD)/bench/gbench.o $(LIB_OBJ)
	$(CXX) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/test_%: $(BUILD)/tests/test_%.o $(LIB_OBJ)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

report: deps all
	$(PYTHON) scripts/run.py --profile $(PROFILE) --pin $(PIN) \
		$(if $(FILTER),--filter '$(FILTER)') $(foreach p,$(PYTHONS),--python '$(p)') $(ARGS)

compare:
	$(PYTHON) scripts/compare.py $(RUNS) $(if $(A),'$(A)') $(if $(B),'$(B)')

catalogue:
	$(PYTHON) scripts/catalogue.py

# The suite built once more with one more worker kind, for the test that a kind added
# to the C table reaches every table of the report without a Python edit.
extra-kind:
	@$(MAKE) -s BUILD=build/extra-kind EXTRA_CPPFLAGS=-DTVP_TEST_EXTRA_KIND \
		build/extra-kind/tvp-bench build/extra-kind/tvp-helper

test: deps all extra-kind
	@tests/run $(BUILD)

suite-check: deps all
	TVP_SUITE_CHECK=full BUILD=$(BUILD) $(PYTHON) tests/test_scripts.py -v Smoke

demos:
	$(PYTHON) examples/run_all.py

# Not part of report or test: it downloads a source package and builds for minutes.
python-ft:
	scripts/python_ft.sh $(BUILD)

mutants: deps all
	$(PYTHON) tests/mutants.py $(MUTANTS)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
