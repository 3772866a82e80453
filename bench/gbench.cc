// gbench.cc - the C wrapper over Google Benchmark; the only C++ in tvp.
//
// A thin translation layer: each gb_* call maps to one Google Benchmark call. The
// opaque C types are the C++ objects themselves, cast at the boundary.

#include "gbench.h"

#include <benchmark/benchmark.h>

#include <cstdarg>
#include <cstdio>
#include <memory>
#include <algorithm>
#include <map>
#include <sstream>
#include <string>

namespace {

benchmark::State &S(gb_state *st) { return *reinterpret_cast<benchmark::State *>(st); }
const benchmark::State &S(const gb_state *st) {
	return *reinterpret_cast<const benchmark::State *>(st);
}
benchmark::internal::Benchmark *B(gb_bench *b) {
	return reinterpret_cast<benchmark::internal::Benchmark *>(b);
}
gb_bench *C(benchmark::internal::Benchmark *b) { return reinterpret_cast<gb_bench *>(b); }

void (*suite_help)(void);

// Context keys whose value goes whole into the JSON but only as its length onto the
// console: Google Benchmark's console prints every context value on a line.
// Each quiet key with the lines its value spans after the first (a config file's).
std::map<std::string, size_t> quiet_keys;

// Google Benchmark's own display reporter (console, JSON or CSV, as --benchmark_format
// says), but for the console's lines of quiet context keys, which are shortened.
class QuietContextReporter : public benchmark::BenchmarkReporter {
public:
	QuietContextReporter() : inner_(benchmark::CreateDefaultDisplayReporter()) {}

	bool ReportContext(const Context &context) override
	{
		// The console writes the context to its error stream, line by line: catch
		// it, and pass it on with the quiet lines shortened.
		std::ostream &err = inner_->GetErrorStream();
		std::ostringstream caught;
		inner_->SetErrorStream(&caught);
		bool ok = inner_->ReportContext(context);
		inner_->SetErrorStream(&err);
		std::istringstream lines(caught.str());
		size_t skip = 0;
		for (std::string line; std::getline(lines, line);) {
			if (skip > 0) { /* the rest of a quiet value of several lines */
				skip--;
				continue;
			}
			size_t colon = line.find(": ");
			auto q = colon != std::string::npos ? quiet_keys.find(line.substr(0, colon))
							    : quiet_keys.end();
			if (q != quiet_keys.end()) {
				line = line.substr(0, colon + 2) + "(" +
				       (q->second ? std::to_string(q->second + 1) + " lines"
						  : std::to_string(line.size() - colon - 2) +
							    " characters") +
				       ", in the JSON output)";
				skip = q->second;
			}
			err << line << '\n';
		}
		return ok;
	}
	void ReportRuns(const std::vector<Run> &runs) override { inner_->ReportRuns(runs); }
	void Finalize() override { inner_->Finalize(); }

private:
	std::unique_ptr<benchmark::BenchmarkReporter> inner_;
};

// Google Benchmark calls this for --help and then exits: the suite's flags first,
// then Google Benchmark's own.
void print_help()
{
	if (suite_help)
		suite_help();
	benchmark::PrintDefaultHelp();
}

}  // namespace

extern "C" {

bool gb_keep_running(gb_state *st) { return S(st).KeepRunning(); }
bool gb_keep_running_batch(gb_state *st, int64_t n) { return S(st).KeepRunningBatch(n); }
int64_t gb_range(const gb_state *st, int index) { return S(st).range(index); }
int64_t gb_iterations(const gb_state *st) { return S(st).iterations(); }
void gb_pause(gb_state *st) { S(st).PauseTiming(); }
void gb_resume(gb_state *st) { S(st).ResumeTiming(); }
void gb_set_iteration_time(gb_state *st, double s) { S(st).SetIterationTime(s); }

void gb_counter(gb_state *st, const char *name, double value, unsigned flags)
{
	S(st).counters[name] =
		benchmark::Counter(value, static_cast<benchmark::Counter::Flags>(flags));
}

void gb_set_bytes_processed(gb_state *st, int64_t n) { S(st).SetBytesProcessed(n); }
void gb_set_items_processed(gb_state *st, int64_t n) { S(st).SetItemsProcessed(n); }
void gb_set_label(gb_state *st, const char *label) { S(st).SetLabel(label); }
bool gb_error_occurred(const gb_state *st) { return S(st).error_occurred(); }

void gb_skip(gb_state *st, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	S(st).SkipWithError(msg);
}

gb_bench *gb_register(const char *name, gb_fn fn, const void *data)
{
	return C(benchmark::RegisterBenchmark(
		name, [fn, data](benchmark::State &st) {
			fn(reinterpret_cast<gb_state *>(&st), data);
		}));
}

gb_bench *gb_arg(gb_bench *b, int64_t v) { return C(B(b)->Arg(v)); }
gb_bench *gb_args2(gb_bench *b, int64_t a, int64_t b2) { return C(B(b)->Args({a, b2})); }
gb_bench *gb_range_mult(gb_bench *b, int64_t lo, int64_t hi, int mult)
{
	return C(B(b)->RangeMultiplier(mult)->Range(lo, hi));
}
gb_bench *gb_arg_name(gb_bench *b, const char *n) { return C(B(b)->ArgName(n)); }
gb_bench *gb_arg_names2(gb_bench *b, const char *a, const char *b2)
{
	return C(B(b)->ArgNames({a, b2}));
}
gb_bench *gb_use_real_time(gb_bench *b) { return C(B(b)->UseRealTime()); }
gb_bench *gb_use_manual_time(gb_bench *b) { return C(B(b)->UseManualTime()); }

gb_bench *gb_unit(gb_bench *b, enum gb_unit u)
{
	static const benchmark::TimeUnit map[] = {benchmark::kNanosecond, benchmark::kMicrosecond,
						  benchmark::kMillisecond, benchmark::kSecond};
	return C(B(b)->Unit(map[u]));
}

gb_bench *gb_repetitions(gb_bench *b, int n) { return C(B(b)->Repetitions(n)); }
gb_bench *gb_min_time(gb_bench *b, double s) { return C(B(b)->MinTime(s)); }
gb_bench *gb_fixed_iterations(gb_bench *b, int64_t n) { return C(B(b)->Iterations(n)); }

void gb_init(int *argc, char **argv, void (*help)(void))
{
	suite_help = help;
	benchmark::Initialize(argc, argv, print_help);
}

void gb_add_context(const char *key, const char *value)
{
	benchmark::AddCustomContext(key, value);
}

void gb_add_context_quiet(const char *key, const char *value)
{
	std::string v(value);
	quiet_keys[key] = static_cast<size_t>(std::count(v.begin(), v.end(), '\n'));
	benchmark::AddCustomContext(key, value);
}

int gb_run(void)
{
	QuietContextReporter display;
	return static_cast<int>(benchmark::RunSpecifiedBenchmarks(&display));
}
void gb_shutdown(void) { benchmark::Shutdown(); }

}  // extern "C"
