# tvp - threads versus processes.
#
# Targets:
#   make            build build/tvp-bench, build/tvp-helper and the test programs
#   make deps       install the Debian packages the suite needs (idempotent)
#   make report     deps, build, run the suite, write results/<host>-<UTC time>/
#                   (PROFILE=quick|full PIN=POLICY FILTER=REGEX BUDGET=SECONDS;
#                   ARGS=... passes more; LANG=zh: REPORT.zh.md and the Chinese handout too)
#   make claim C=C3 [LANG=zh]   one claim live in class: only the benchmarks its rules
#                   need, in under a minute, and its handout page
#   make reference  take results/reference and its twin again with this version (two
#                   whole quick runs, about 15 min on 2 cores) and regenerate
#                   tests/reference_outcomes.json; then write the hand check again
#   make contract-doc   docs/contract.md again: the name contract's tables and families
#                   from tvp-bench --describe and py_bench.py --describe
#   make po         re-extract the report's strings into locale/tvp.pot, merge into each .po
#   make test       deps, build, run every test; ends with "N passed, N failed"
#   make test-fast  build, then the fast tier only (units and golden data, tests/tiers):
#                   what to run on every change, under a minute on a calm machine
#   make test-live  build, then the live tier only (the real suite, servers, examples)
#   make suite-check   the real suite at every size of the quick profile, checked as the
#                   smoke test of make test checks it at the first sizes (CI runs both)
#   make demos      run the notes' four Python examples (examples/)
#   make why [RUN=results/FOLDER]   opt-in: the kernel's time by function (perf, as root)
#                   in creation, copy-on-write, exit and scale, into FOLDER/why/ (default:
#                   the newest run), and FOLDER's report again with it; under 3 minutes
#   make python-ft  opt-in: build a free-threaded CPython 3.13 (--disable-gil) from
#                   Debian's source package into build/python-ft/ (about 6 min on 2 cores);
#                   then make report PYTHONS="/usr/bin/python3 build/python-ft/bin/python3.13t"
#   make mutants    break the suite on purpose, one break at a time; which do the tests catch?
#                   (FAST=1: each break only against the tests it names, seconds a break)
#   make coverage   line and branch coverage of the whole test run, C (gcc --coverage,
#                   gcovr) and Python (coverage.py, subprocesses too): a table per file,
#                   HTML in build/coverage/html/
#   make compare RUNS="DIR DIR [DIR ...]"   compare results folders (A=DIR B=DIR still works)
#   make catalogue  every run under results/ into results/catalogue.sqlite
#   make SAN=1      build with AddressSanitizer and UndefinedBehaviorSanitizer
#   make CC=clang CXX=clang++   the same with clang
#   make BUILD=DIR EXTRA_CPPFLAGS=-DFLAG   a build of its own in DIR with one more flag
#                   (-DTVP_TEST_EXTRA_KIND: one more worker kind, -DTVP_TEST_EXTRA_TRANSPORT:
#                   two more transports, for the contract tests: make extra-kind, extra-transport)
#   make clean

CC ?= cc
CXX ?= c++
PYTHON ?= /usr/bin/python3
PROFILE ?= quick
PIN ?= none
FILTER ?=
# LANG=zh: the report's language. LANG is also the locale's variable: a locale from the
# environment (en_US.UTF-8) leaves the report in English and the programs the recipes
# run see it unchanged; LANG given on the command line names the report's language
# (zh, or a zh_CN locale), and the recipes then run in the C.UTF-8 locale.
ifeq ($(origin LANG),command line)
REPORT_LANG := $(if $(filter zh%,$(LANG)),zh,$(if $(filter en% C C.% POSIX,$(LANG)),en,$(LANG)))
override LANG := C.UTF-8
else
REPORT_LANG := en
endif
C ?=
BUDGET ?=
# The interpreters the Python layer runs under (the first is the one the rules read);
# empty: the one that runs scripts/run.py.
PYTHONS ?=

BUILD := build
# The report's catalogues: locale/LANG/LC_MESSAGES/tvp.po, compiled to build/locale (the
# report compiles a missing or older .mo itself too: scripts/report/i18n.py).
PO_FILES := $(wildcard locale/*/LC_MESSAGES/tvp.po)
MO_FILES := $(PO_FILES:locale/%.po=build/locale/%.mo)
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

LIB_SRC := $(filter-out src/helper.c src/httpd.c,$(wildcard src/*.c src/ipc/*.c))
# The helper looks tasks up in the registry, which names every task, so it links what
# they are made of; the linker drops what no task of the helper reaches. minimal.c and
# park.c make it the minimal parent (tvp-helper serve, src/minimal.h).
HELPER_SRC := src/helper.c src/task_registry.c src/task.c src/gate.c src/util.c \
	src/worker.c src/cow.c src/mem.c src/nums.c src/scale.c src/pool.c $(wildcard src/ipc/*.c) \
	src/minimal.c src/park.c src/cglimits.c
BENCH_SRC := $(wildcard bench/*.c)
TEST_SRC := $(wildcard tests/test_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
BENCH_OBJ := $(BENCH_SRC:%.c=$(BUILD)/%.o) $(BUILD)/bench/gbench.o
TESTS := $(TEST_SRC:tests/%.c=$(BUILD)/%)

.PHONY: all deps report test suite-check clean compare catalogue claims-doc contract-doc demos mutants extra-kind extra-transport FORCE \
	claim claim-check po lang-check python-ft reference why coverage test-fast test-live
all: $(BUILD)/tvp-bench $(BUILD)/tvp-helper $(BUILD)/tvp-httpd $(BUILD)/gbench-probe $(TESTS)

deps:
	@scripts/tools/deps.sh

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

# The http scenario's server (src/httpd.c): static and small as the helper is, so a
# forked connection carries no more than the server needs. Never built with --coverage
# (make coverage): the static server's forked children crash in gcov's runtime there
# (SIGSEGV at address 0), which the coverage run counted as 14 failures.
HTTPD_SRC := src/httpd.c src/http_server.c src/http_request.c
HTTPD_CPPFLAGS := $(filter-out --coverage -fprofile-update=atomic,$(EXTRA_CPPFLAGS))
$(BUILD)/tvp-httpd: $(HTTPD_SRC) src/http_server.h src/http_request.h src/worker.h src/task.h
	@mkdir -p $(@D)
	$(CC) -D_GNU_SOURCE -Isrc $(HTTPD_CPPFLAGS) -std=gnu11 $(WARN) -O2 -static \
		-ffunction-sections -fdata-sections -Wl,--gc-sections -o $@ $(HTTPD_SRC) -lpthread

# A C program that registers benchmarks through the wrapper, for the wrapper's tests.
$(BUILD)/gbench-probe: $(BUILD)/tests/gbench_probe.o $(BUILD)/bench/gbench.o $(LIB_OBJ)
	$(CXX) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Kept, not removed as intermediates: a rebuild after one source changes (a break of
# tests/mutants.py in its copy of the tree) then compiles that source alone.
.SECONDARY: $(TEST_SRC:tests/%.c=$(BUILD)/tests/%.o)
$(BUILD)/test_%: $(BUILD)/tests/test_%.o $(LIB_OBJ)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

report: deps all lang-check $(MO_FILES)
	TVP_LANG=$(REPORT_LANG) $(PYTHON) scripts/run.py --profile $(PROFILE) --pin $(PIN) \
		$(if $(FILTER),--filter '$(FILTER)') $(if $(BUDGET),--budget '$(BUDGET)') \
		$(foreach p,$(PYTHONS),--python '$(p)') $(ARGS)

# The committed reference (scripts/reference.py): every other change of the suite may
# change it, so it is taken by one command, whole, never by hand.
reference: deps all lang-check $(MO_FILES)
	$(PYTHON) scripts/reference.py take

# A language without a catalogue stops here, before a run of minutes.
lang-check:
	@TVP_LANG=$(REPORT_LANG) $(PYTHON) scripts/report/i18n.py --check

# make claim C=C3 [LANG=zh]: the claim's benchmarks only (scripts/claim.py). A claim or
# a language that does not exist stops it before anything is built.
claim: claim-check deps all $(MO_FILES)
	$(PYTHON) scripts/claim.py '$(C)' --lang $(REPORT_LANG) $(ARGS)

claim-check:
	@[ -n "$(C)" ] || { echo "make claim: say which claim, e.g. make claim C=C3 (C1 ... C8)" >&2; exit 2; }
	@$(PYTHON) scripts/claim.py '$(C)' --lang $(REPORT_LANG) --check

build/locale/%.mo: locale/%.po
	@mkdir -p $(@D)
	msgfmt --check-format -o $@ $<

# make po: the msgids of the code (_() and N_()) and of the rule tables (each
# prediction of scripts/verdicts/claims.py and scripts/verdicts/py_rules.py), merged into every .po; new
# or changed strings come out untranslated or fuzzy, for the translator.
po:
	@mkdir -p build/po
	xgettext --language=Python --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
		--add-comments=TRANSLATORS --package-name=tvp -o build/po/code.pot \
		$$(find scripts -name '*.py' | sort)
	$(PYTHON) scripts/report/i18n.py --pot-data build/po/data.pot
	msgcat --use-first -o locale/tvp.pot build/po/code.pot build/po/data.pot
	@for po in $(PO_FILES); do \
		echo "msgmerge $$po"; msgmerge --quiet --update --backup=none $$po locale/tvp.pot || exit 1; \
		msgfmt --statistics -o /dev/null $$po; \
	done

compare:
	$(PYTHON) scripts/compare.py $(RUNS) $(if $(A),'$(A)') $(if $(B),'$(B)')

catalogue:
	$(PYTHON) scripts/catalogue.py

# CLAIMS.md: each claim's predictions and the benchmarks that answer them, written from
# the rules (a test fails when the committed file is out of date).
claims-doc:
	$(PYTHON) scripts/claims_doc.py

# docs/contract.md: every family and table of the name contract, written from both
# programs' --describe (a test fails when the committed file is out of date).
contract-doc: $(BUILD)/tvp-bench
	$(PYTHON) scripts/contract_doc.py --bench $(BUILD)/tvp-bench

# The suite built once more with one more worker kind, for the test that a kind added
# to the C table reaches every table of the report without a Python edit.
extra-kind:
	@$(MAKE) -s BUILD=build/extra-kind EXTRA_CPPFLAGS=-DTVP_TEST_EXTRA_KIND \
		build/extra-kind/tvp-bench build/extra-kind/tvp-helper

# The same for transports: two more rows in ipc_transports[], the pipe and the
# shared-memory ring under other names (a kernel and a user-space transport, eleven in
# all), which must reach every table and figure of the ipc section.
extra-transport:
	@$(MAKE) -s BUILD=build/extra-transport EXTRA_CPPFLAGS=-DTVP_TEST_EXTRA_TRANSPORT \
		build/extra-transport/tvp-bench build/extra-transport/tvp-helper

test: deps all extra-kind extra-transport
	@tests/run $(BUILD)

# The two tiers of make test (tests/tiers): no deps, as a developer runs them again and again.
test-fast: all extra-kind extra-transport
	@tests/run --fast $(BUILD)

test-live: all extra-kind extra-transport
	@tests/run --live $(BUILD)

suite-check: deps all
	TVP_SUITE_CHECK=full BUILD=$(BUILD) $(PYTHON) tests/test_live.py -v Smoke

demos:
	$(PYTHON) examples/run_all.py

# Not part of report: it runs chosen benchmarks again under perf (scripts/why.py); where
# perf cannot sample the kernel it says why and the report keeps its hypotheses.
RUN ?=
why: deps all $(MO_FILES)
	$(PYTHON) scripts/why.py --report $(if $(RUN),'$(RUN)')

# Not part of report or test: it downloads a source package and builds for minutes.
python-ft:
	scripts/tools/python_ft.sh $(BUILD)

mutants: deps all
	$(PYTHON) tests/mutants.py $(if $(FAST),--fast) $(MUTANTS)

# A build of its own with gcc's counters, unoptimised so that a branch of the source is a
# branch of the code, the counters updated atomically (threads share them: plain adds lose
# some and gcov then reports negative counts); then the whole test run on it
# (scripts/tools/coverage.sh).
coverage: deps extra-kind extra-transport
	CFLAGS="-O0 -g" CXXFLAGS="-O0 -g" $(MAKE) BUILD=build/coverage \
		EXTRA_CPPFLAGS="--coverage -fprofile-update=atomic -DTVP_COVERAGE" \
		LDFLAGS=--coverage all
	@scripts/tools/coverage.sh build/coverage

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
