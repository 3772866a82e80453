/* test_http.c - what the http scenario reads and writes by itself: wrk's report (every
 * unit of latency, socket errors and non-2xx counted, a report without a rate refused),
 * Apache's configuration (127.0.0.1 only, its own files, capacity as asked), the
 * bodies (the lengths served, the paths refused), and the servers' memory cgroup on v1
 * and v2 fixture trees (found, made, limited with swap held to it, its kernel bytes and
 * OOM kills read, refused with the reason where v2 cannot hand the controller down).
 * The servers themselves are tested from outside, as a client sees them, in
 * tests/test_http.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "cgmem.h"
#include "http_run.h"
#include "util.h"
#include "wrk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FIXTURES "tests/fixtures/"

static const char report[] =
	"Running 1s test @ http://127.0.0.1:40000/small.txt\n"
	"  1 threads and 100 connections\n"
	"  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
	"    Latency     2.10ms    1.00ms  20.00ms   90.00%\n"
	"    Req/Sec    40.00k     1.00k   42.00k    70.00%\n"
	"  Latency Distribution\n"
	"     50%  850.00us\n"
	"     75%    1.20ms\n"
	"     90%    3.00ms\n"
	"     99%    1.50s \n"
	"  40123 requests in 1.00s, 8.00MB read\n"
	"  Socket errors: connect 1, read 2, write 3, timeout 4\n"
	"  Non-2xx or 3xx responses: 5\n"
	"Requests/sec:  40050.25\n"
	"Transfer/sec:      7.99MB\n";

static void test_wrk_report(void **state)
{
	(void)state;
	struct wrk_result r;
	assert_int_equal(wrk_parse(report, &r), 0);
	assert_true(r.requests_per_s > 40050.2 && r.requests_per_s < 40050.3);
	assert_true(r.p50_us > 849.9 && r.p50_us < 850.1);
	assert_true(r.p99_us > 1.5e6 - 1 && r.p99_us < 1.5e6 + 1);
	assert_int_equal(r.requests, 40123);
	assert_true(r.seconds > 0.99 && r.seconds < 1.01);
	assert_int_equal(r.errors, 1 + 2 + 3 + 5);
	assert_int_equal(r.timeouts, 4);
	/* Each kind apart too: the report says which errors a row had. */
	assert_int_equal(r.connect_errors, 1);
	assert_int_equal(r.read_errors, 2);
	assert_int_equal(r.write_errors, 3);
	assert_int_equal(r.non_2xx, 5);
}

static void test_wrk_report_without_errors_or_rate(void **state)
{
	(void)state;
	struct wrk_result r;
	/* No error lines: none counted. */
	char clean[sizeof report];
	strcpy(clean, report);
	char *se = strstr(clean, "  Socket errors");
	char *req = strstr(clean, "Requests/sec");
	memmove(se, req, strlen(req) + 1);
	assert_int_equal(wrk_parse(clean, &r), 0);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.timeouts, 0);
	/* What wrk prints when it cannot connect has no rate: refused, not read as zero. */
	assert_int_equal(wrk_parse("unable to connect to 127.0.0.1:1 Connection refused\n", &r),
			 EPROTO);
}

static void test_apache_conf(void **state)
{
	(void)state;
	char conf[4096];
	assert_int_equal(http_apache_conf(conf, sizeof conf, HTTP_APACHE_PREFORK, 41234, "/tmp/x",
					  1000), 0);
	assert_non_null(strstr(conf, "Listen 127.0.0.1:41234\n"));
	assert_null(strstr(conf, "Listen 80"));
	assert_non_null(strstr(conf, "PidFile /tmp/x/httpd.pid\n"));
	assert_non_null(strstr(conf, "ErrorLog /tmp/x/error.log\n"));
	assert_non_null(strstr(conf, "mod_mpm_prefork.so"));
	assert_non_null(strstr(conf, "ServerLimit 1000\nMaxRequestWorkers 1000\n"));
	assert_int_equal(http_apache_conf(conf, sizeof conf, HTTP_APACHE_EVENT, 1, "/d", 1000), 0);
	/* 1000 connections in children of 64 threads: 16 of them, 1024 threads. */
	assert_non_null(strstr(conf, "ThreadsPerChild 64\nServerLimit 16\nMaxRequestWorkers 1024\n"));
	/* Debian's shipped MPM file first, the capacity after it (the last value wins). */
	char *shipped = strstr(conf, "IncludeOptional /etc/apache2/mods-available/mpm_event.conf\n");
	assert_non_null(shipped);
	assert_true(shipped < strstr(conf, "ThreadsPerChild 64"));
	assert_non_null(strstr(conf, "mod_mpm_event.so"));
	/* The threads it grows it keeps (no child stopped with connections on it), over
	 * the shipped file; no .htaccess looked for, as Debian's apache2.conf says. */
	assert_true(strstr(conf, "\nMaxSpareThreads 1024\n") > shipped);
	assert_non_null(strstr(conf, "<Directory />\n  AllowOverride None\n</Directory>\n"));
	assert_int_equal(http_apache_conf(conf, sizeof conf, HTTP_APACHE_PREFORK, 1, "/d", 10), 0);
	assert_null(strstr(conf, "MaxSpareThreads"));
	assert_non_null(strstr(conf, "AllowOverride None"));
	/* The suite's own models have no Apache configuration; a buffer too small is said. */
	assert_int_equal(http_apache_conf(conf, sizeof conf, HTTP_EPOLL, 1, "/d", 10), EINVAL);
	assert_int_equal(http_apache_conf(conf, 64, HTTP_APACHE_WORKER, 1, "/d", 10), ENAMETOOLONG);
}

static void test_bodies(void **state)
{
	(void)state;
	size_t len;
	const char *small = http_body(HTTP_SMALL_PATH, &len);
	assert_non_null(small);
	assert_int_equal(len, HTTP_SMALL_BYTES);
	const char *big = http_body(HTTP_BIG_PATH, &len);
	assert_int_equal(len, 65536);
	/* The small body is the big one's first bytes: one rule makes both. */
	assert_memory_equal(small, big, HTTP_SMALL_BYTES);
	assert_null(http_body("/", &len));
	assert_null(http_body("/small.txt/", &len));
	assert_non_null(http_model_find("epoll"));
	assert_null(http_model_find("apache_event"));
	assert_string_equal(http_model_mode(HTTP_EPOLL), "neither");
	assert_string_equal(http_model_mode(HTTP_PREFORK_POOL), "process");
	assert_string_equal(http_model_mode(HTTP_THREAD_POOL), "thread");
}

static void ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	if (n < t || strcmp(s + n - t, tail) != 0)
		fail_msg("'%s' does not end with '%s'", s, tail);
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void has(const char *dir, const char *name, const char *text)
{
	char path[700], buf[256] = "";
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, text);
}

static void drop(const char *dir, const char *const *names, size_t n)
{
	char path[700];
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
}

/* v2 on a tree of plain files standing for the kernel's: the cgroup made below a home
 * that hands memory down (nothing rewritten there), memory.max and memory.swap.max set
 * and lifted, memory.stat's kernel line read, or its parts before 5.18, memory.events'
 * oom_kill; and refused, with why, below a home that cannot hand it down. */
static void test_cgmem_v2_on_a_tree(void **state)
{
	(void)state;
	char tmp[] = "/tmp/tvp-test-cgmem-XXXXXX", home[600], why[600] = "";
	assert_non_null(mkdtemp(tmp));
	snprintf(home, sizeof home, "%s/job", tmp);
	assert_int_equal(mkdir(home, 0755), 0);
	put(home, "cgroup.subtree_control", "cpu memory\n");
	struct cgmem cg;
	assert_int_equal(cgmem_make_in(&cg, 2, home, "tvp-1-http", why, sizeof why), 0);
	has(home, "cgroup.subtree_control", "cpu memory\n");
	ends_with(cg.dir, "/job/tvp-1-http");
	/* What the kernel would show in it. */
	put(cg.dir, "memory.max", "max\n");
	put(cg.dir, "memory.swap.max", "max\n");
	put(cg.dir, "memory.events", "low 0\nhigh 0\nmax 7\noom 2\noom_kill 2\n");
	put(cg.dir, "memory.stat", "anon 4096\nkernel 2097152\nkernel_stack 65536\n");
	assert_int_equal(cgmem_limit(&cg, 256LL << 20), 0);
	has(cg.dir, "memory.max", "268435456");
	has(cg.dir, "memory.swap.max", "0");
	assert_int_equal(cgmem_kernel_kib(&cg), 2048);
	assert_int_equal(cgmem_oom_kills(&cg), 2);
	assert_int_equal(cgmem_limit(&cg, -1), 0);
	has(cg.dir, "memory.max", "max");
	has(cg.dir, "memory.swap.max", "max");
	put(cg.dir, "memory.stat", "anon 4096\nkernel_stack 65536\npagetables 131072\n"
				   "percpu 8192\nslab_reclaimable 1\nslab 1048576\n");
	assert_int_equal(cgmem_kernel_kib(&cg), (65536 + 131072 + 8192 + 1048576) / 1024);
	static const char *const files[] = {"memory.max", "memory.swap.max", "memory.events",
					    "memory.stat"};
	drop(cg.dir, files, ARRAY_SIZE(files));
	assert_int_equal(cgmem_remove(&cg), 0);
	assert_int_equal(access(home, F_OK), 0);
	snprintf(why, sizeof why, "%s/job/tvp-1-http", tmp);
	assert_int_not_equal(access(why, F_OK), 0);

	/* A home with no controller to hand down (no cgroup.subtree_control to ask). */
	snprintf(home, sizeof home, "%s/busy", tmp);
	assert_int_equal(mkdir(home, 0755), 0);
	why[0] = '\0';
	assert_int_equal(cgmem_make_in(&cg, 2, home, "tvp-1-http", why, sizeof why), ENOENT);
	assert_non_null(strstr(why, "memory controller is not enabled below"));
	snprintf(why, sizeof why, "%s/busy/tvp-1-http", tmp);
	assert_int_not_equal(access(why, F_OK), 0);
	static const char *const homes[] = {"job/cgroup.subtree_control", "job", "busy"};
	drop(tmp, homes, 1);
	for (size_t i = 1; i < ARRAY_SIZE(homes); i++) {
		snprintf(why, sizeof why, "%s/%s", tmp, homes[i]);
		assert_int_equal(rmdir(why), 0);
	}
	assert_int_equal(rmdir(tmp), 0);
}

/* v1 the same way: memory.limit_in_bytes and memsw (memsw raised last, lowered first),
 * memory.kmem.usage_in_bytes, memory.oom_control's oom_kill. */
static void test_cgmem_v1_on_a_tree(void **state)
{
	(void)state;
	char tmp[] = "/tmp/tvp-test-cgmem-XXXXXX", why[600] = "";
	assert_non_null(mkdtemp(tmp));
	struct cgmem cg;
	assert_int_equal(cgmem_make_in(&cg, 1, tmp, "tvp-1-http", why, sizeof why), 0);
	put(cg.dir, "memory.limit_in_bytes", "9223372036854771712\n");
	put(cg.dir, "memory.memsw.limit_in_bytes", "9223372036854771712\n");
	put(cg.dir, "memory.kmem.usage_in_bytes", "4096000\n");
	put(cg.dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 4\n");
	assert_int_equal(cgmem_limit(&cg, 256LL << 20), 0);
	has(cg.dir, "memory.limit_in_bytes", "268435456");
	has(cg.dir, "memory.memsw.limit_in_bytes", "268435456");
	assert_int_equal(cgmem_kernel_kib(&cg), 4000);
	assert_int_equal(cgmem_oom_kills(&cg), 4);
	assert_int_equal(cgmem_limit(&cg, -1), 0);
	has(cg.dir, "memory.limit_in_bytes", "-1");
	static const char *const files[] = {"memory.limit_in_bytes", "memory.memsw.limit_in_bytes",
					    "memory.kmem.usage_in_bytes", "memory.oom_control"};
	drop(cg.dir, files, ARRAY_SIZE(files));
	assert_int_equal(cgmem_remove(&cg), 0);
	assert_int_equal(rmdir(tmp), 0);
}

/* Burns ms of this process's CPU, whatever else runs on the machine. */
static void burn_ms(long ms)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000L + (t.tv_nsec - t0.tv_nsec) / 1000000L < ms);
}

enum { REAPED = 4, REAPED_MS = 30, ALIVE = 20, ALIVE_MS = 4 };

/* A server's shape, for its CPU sample: children that burned REAPED_MS each and were
 * waited for (their time in the parent's cutime), then ALIVE children alive at the
 * sample that burned ALIVE_MS each, under a clock tick, as a forked child serving one
 * keep-alive connection does. Writes a byte on ready when all have burned. */
static void cpu_tree(int ready)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pid_t self = getpid();
	for (int i = 0; i < REAPED; i++) {
		pid_t c = fork();
		if (c == 0) {
			burn_ms(REAPED_MS);
			_exit(0);
		}
		waitpid(c, NULL, 0);
	}
	int done[2];
	if (pipe(done) != 0)
		_exit(1);
	for (int i = 0; i < ALIVE; i++)
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != self)
				_exit(0);
			burn_ms(ALIVE_MS);
			if (write(done[1], "x", 1) != 1)
				_exit(1);
			pause();
			_exit(0);
		}
	char c;
	for (int i = 0; i < ALIVE; i++)
		if (read(done[0], &c, 1) != 1)
			_exit(1);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

/* The sample counts the children's time: the waited-for ones' (cutime) and the live
 * ones' below a clock tick each, which /proc/PID/stat's ticks read as 0. */
static void test_tree_cpu_counts_children(void **state)
{
	(void)state;
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		cpu_tree(ready[1]);
	}
	close(ready[1]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	struct http_peer p = {.server = HTTP_FORK_PER_CONN, .pid = pid, .port = 0};
	assert_int_equal(http_tree_quiet(&p, 2000), 1 + ALIVE);
	double ns = http_tree_cpu_ns(&p);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	double want = (REAPED * REAPED_MS + ALIVE * ALIVE_MS) * 1e6;
	printf("# tree CPU %.0f ms, burned %.0f ms\n", ns / 1e6, want / 1e6);
	/* The reaped alone are 120 ms of the 200: a sample that lost the live children
	 * reads under 0.8 of it. */
	assert_true(ns >= 0.8 * want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrk_report),
		cmocka_unit_test(test_wrk_report_without_errors_or_rate),
		cmocka_unit_test(test_apache_conf),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_cgmem_v2_on_a_tree),
		cmocka_unit_test(test_cgmem_v1_on_a_tree),
		cmocka_unit_test(test_tree_cpu_counts_children),
	};
	return tvp_run_tests("http", tests, NULL, NULL);
}
