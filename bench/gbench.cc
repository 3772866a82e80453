// gbench.cc - the C wrapper over Google Benchmark; the only C++ in tvp.
//
// A thin translation layer: each gb_* call maps to one Google Benchmark call. The
// opaque C types are the C++ objects themselves, cast at the boundary.

#include "gbench.h"

#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

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

// Google Benchmark's JSON file reporter, flushed after each benchmark it reports: a
// scenario the OOM killer or a crash ends keeps, in its output file, every benchmark
// finished before it (the file is then cut off mid-document, and run.py closes it).
class FlushingJSONReporter : public benchmark::JSONReporter {
public:
	void ReportRuns(const std::vector<Run> &runs) override
	{
		benchmark::JSONReporter::ReportRuns(runs);
		GetOutputStream().flush();
	}
};

// --benchmark_out and its format, seen in gb_init before Google Benchmark takes them.
bool json_out;

// What a registered family needs to name the benchmark that runs: its name and its
// argument names, as Google Benchmark joins them ("scenario/variant/mode/name:value").
struct Family {
	std::string name;
	std::vector<std::string> arg_names;
	size_t nargs = 0;
};
std::map<benchmark::internal::Benchmark *, std::shared_ptr<Family>> families;

// $TVP_PROGRESS: a file that holds the name of the benchmark now running, rewritten
// before each call, so that whoever runs the suite can name the benchmark a death
// interrupted (Google Benchmark 1.7.1's State does not know its own name).
const char *progress_path;

void note_progress(const Family &f, const benchmark::State &st)
{
	std::string name = f.name;
	for (size_t i = 0; i < f.nargs; i++) {
		name += '/';
		if (i < f.arg_names.size() && !f.arg_names[i].empty())
			name += f.arg_names[i] + ':';
		name += std::to_string(st.range(i));
	}
	name += '\n';
	// Written beside and renamed over: a death mid-write leaves the last name whole.
	std::string tmp = std::string(progress_path) + ".tmp";
	int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return; // a name lost is a death named less precisely, not a failure
	bool whole = write(fd, name.data(), name.size()) == (ssize_t)name.size();
	close(fd);
	if (whole)
		rename(tmp.c_str(), progress_path);
}

void count_args(gb_bench *b, size_t n)
{
	auto it = families.find(B(b));
	if (it != families.end() && it->second->nargs < n)
		it->second->nargs = n;
}

void name_args(gb_bench *b, std::vector<std::string> names)
{
	auto it = families.find(B(b));
	if (it != families.end())
		it->second->arg_names = std::move(names);
}

// Google Benchmark calls this for --help and then exits: the suite's flags first,
// then Google Benchmark's own.
void print_help()
{
	if (suite_help)
		suite_help();
	benchmark::PrintDefaultHelp();
}

// The attribution pass (scripts/why.py) runs tvp-bench under `perf record -D -1
// --control fd:CTL,ACK` and names the two descriptors in TVP_PERF_CTL="CTL_WRITE,ACK_READ".
// Sampling is switched on when a benchmark's loop starts and off when it ends, so the
// set-up outside the loop (touching a 1 GiB parent takes longer than the forks it is for)
// is not what the kernel's time is attributed to. Each switch waits for perf's ack, so
// no iteration runs unsampled. Without the variable both are no-ops.
int perf_ctl_fd = -2, perf_ack_fd = -1;  // -2: not looked up yet; -1: no perf
bool perf_sampling;
// How long sampling was on in all: samples over this is how many CPUs the process tree
// kept busy, which tells time on a CPU from time asleep (scripts/why.py reads it).
double perf_on_s, perf_since_s;

double monotonic_s()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void perf_ctl_open()
{
	perf_ctl_fd = -1;
	const char *v = getenv("TVP_PERF_CTL");
	int ctl, ack;
	if (!v || sscanf(v, "%d,%d", &ctl, &ack) != 2)
		return;
	// Workers that exec must not carry perf's pipes into the helper.
	if (fcntl(ctl, F_SETFD, FD_CLOEXEC) != 0 || fcntl(ack, F_SETFD, FD_CLOEXEC) != 0) {
		fprintf(stderr, "tvp-bench: TVP_PERF_CTL=%s: fcntl: %s\n", v, strerror(errno));
		exit(2);
	}
	perf_ctl_fd = ctl;
	perf_ack_fd = ack;
}

void perf_ctl(bool on)
{
	if (perf_ctl_fd == -2)
		perf_ctl_open();
	if (perf_ctl_fd < 0 || perf_sampling == on)
		return;
	const char *cmd = on ? "enable\n" : "disable\n";
	char ack[8];
	if (write(perf_ctl_fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd) ||
	    read(perf_ack_fd, ack, sizeof ack) <= 0) {
		fprintf(stderr, "tvp-bench: perf control (%s): %s\n", on ? "enable" : "disable",
			strerror(errno));
		exit(2);
	}
	perf_sampling = on;
	if (on)
		perf_since_s = monotonic_s();
	else
		perf_on_s += monotonic_s() - perf_since_s;
}

bool keep_running(bool more)
{
	if (!more)
		perf_ctl(false);
	return more;
}

}  // namespace

extern "C" {

bool gb_keep_running(gb_state *st)
{
	perf_ctl(true);
	return keep_running(S(st).KeepRunning());
}
bool gb_keep_running_batch(gb_state *st, int64_t n)
{
	perf_ctl(true);
	return keep_running(S(st).KeepRunningBatch(n));
}
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
	auto fam = std::make_shared<Family>();
	fam->name = name;
	auto *b = benchmark::RegisterBenchmark(name, [fn, data, fam](benchmark::State &st) {
		if (progress_path)
			note_progress(*fam, st);
		fn(reinterpret_cast<gb_state *>(&st), data);
		perf_ctl(false);  // a loop left by break never saw KeepRunning's false
	});
	families[b] = fam;
	return C(b);
}

gb_bench *gb_arg(gb_bench *b, int64_t v)
{
	count_args(b, 1);
	return C(B(b)->Arg(v));
}
gb_bench *gb_args2(gb_bench *b, int64_t a, int64_t b2)
{
	count_args(b, 2);
	return C(B(b)->Args({a, b2}));
}
gb_bench *gb_range_mult(gb_bench *b, int64_t lo, int64_t hi, int mult)
{
	count_args(b, 1);
	return C(B(b)->RangeMultiplier(mult)->Range(lo, hi));
}
gb_bench *gb_arg_name(gb_bench *b, const char *n)
{
	name_args(b, {n});
	return C(B(b)->ArgName(n));
}
gb_bench *gb_arg_names2(gb_bench *b, const char *a, const char *b2)
{
	name_args(b, {a, b2});
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
	bool out = false, json = true;
	for (int i = 1; i < *argc; i++) {
		if (strncmp(argv[i], "--benchmark_out=", 16) == 0)
			out = argv[i][16] != '\0';
		else if (strncmp(argv[i], "--benchmark_out_format=", 23) == 0)
			json = strcmp(argv[i] + 23, "json") == 0;
	}
	json_out = out && json;
	const char *p = getenv("TVP_PROGRESS");
	progress_path = p && *p ? p : nullptr;
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
	if (!json_out)
		return static_cast<int>(benchmark::RunSpecifiedBenchmarks(&display));
	FlushingJSONReporter file;
	return static_cast<int>(benchmark::RunSpecifiedBenchmarks(&display, &file));
}
void gb_shutdown(void)
{
	benchmark::Shutdown();
	if (perf_ctl_fd >= 0)
		fprintf(stderr, "tvp-bench: perf sampling on for %.6f s\n", perf_on_s);
}

}  // extern "C"
