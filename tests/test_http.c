/* test_http.c - what the http scenario reads and writes by itself: wrk's report (every
 * unit of latency, socket errors and non-2xx counted, a report without a rate refused),
 * Apache's configuration (127.0.0.1 only, its own files, capacity as asked), and the
 * bodies (the lengths served, the paths refused). The servers themselves are tested from
 * outside, as a client sees them, in tests/test_http.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "http_run.h"
#include "wrk.h"

#include <errno.h>
#include <string.h>

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
	assert_non_null(strstr(conf, "mod_mpm_event.so"));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrk_report),
		cmocka_unit_test(test_wrk_report_without_errors_or_rate),
		cmocka_unit_test(test_apache_conf),
		cmocka_unit_test(test_bodies),
	};
	return tvp_run_tests("http", tests, NULL, NULL);
}
