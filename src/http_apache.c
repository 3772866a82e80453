/* http_apache.c - Apache httpd for the http scenario: where apache2 is, and the
 * configuration each MPM runs with (http_run.h). */
#include "http_run.h"
#include "util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define APACHE_MODULES "/usr/lib/apache2/modules"
#define APACHE_SHIPPED "/etc/apache2/mods-available"

const char *http_apache_path(void)
{
	static const char *const where[] = {"/usr/sbin/apache2", "/usr/sbin/httpd"};
	for (size_t i = 0; i < ARRAY_SIZE(where); i++)
		if (access(where[i], X_OK) == 0)
			return where[i];
	return NULL;
}

int http_apache_conf(char *buf, size_t size, int s, int port, const char *dir, int capacity)
{
	const char *mpm = http_servers[s].mpm;
	if (!mpm)
		return EINVAL;
	char cap[512];
	/* Capacity is the only change to Debian's shipped MPM settings: its
	 * mods-available/mpm_MPM.conf is included (StartServers, spare servers and threads
	 * as shipped; without it httpd's compiled-in defaults would apply, which differ),
	 * then overridden by as many connections at once as the sweep's largest level,
	 * ThreadsPerChild 64 for the threaded MPMs (the capacity; Debian ships 25),
	 * and, for them, the capacity kept once grown (MaxSpareThreads, below). Apache
	 * takes the last value of a directive. */
	if (strcmp(mpm, "prefork") == 0)
		snprintf(cap, sizeof cap, "ServerLimit %d\nMaxRequestWorkers %d\n", capacity,
			 capacity);
	else
		/* Left at Debian's 75 (httpd raises it to MinSpareThreads + ThreadsPerChild,
		 * 89), event's parent stopped a child every second or two under wrk, and
		 * the connections parked on it were closed: hundreds of wrk read errors a
		 * window, AH03093 in the error log (measured by hand); at 192 (three
		 * children of 64, as 75 is three of 25) still some hundreds at 1000
		 * connections. */
		snprintf(cap, sizeof cap, "ThreadLimit 64\nThreadsPerChild 64\nServerLimit %d\n"
			 "MaxRequestWorkers %d\n"
			 "# What it grows it keeps, as the suite's pools do: a child stopped for\n"
			 "# idle threads closes the keep-alive connections it holds.\n"
			 "MaxSpareThreads %d\n", (capacity + 63) / 64, (capacity + 63) / 64 * 64,
			 (capacity + 63) / 64 * 64);
	bool root = geteuid() == 0;
	int n = snprintf(buf, size,
		"# Written by tvp's http scenario: Apache httpd 2.4, mpm_%s, on 127.0.0.1 only.\n"
		"ServerName localhost\nServerRoot %s\nListen 127.0.0.1:%d\n"
		"PidFile %s/httpd.pid\nErrorLog %s/error.log\nDefaultRuntimeDir %s\n"
		"Mutex file:%s default\n"
		"LoadModule mpm_%s_module " APACHE_MODULES "/mod_mpm_%s.so\n"
		"LoadModule authz_core_module " APACHE_MODULES "/mod_authz_core.so\n"
		"# Debian's shipped settings for this MPM (none where the file is absent):\n"
		"IncludeOptional " APACHE_SHIPPED "/mpm_%s.conf\n"
		"%s"
		"# As Debian's apache2.conf ships it: no .htaccess looked for (without it httpd\n"
		"# tries to open one in every folder of the path, on every request).\n"
		"<Directory />\n  AllowOverride None\n</Directory>\n"
		"DocumentRoot %s/htdocs\n<Directory %s/htdocs>\n  Require all granted\n</Directory>\n"
		"# The suite's servers keep a connection while the client does: so does this\n"
		"# one (Debian ships MaxKeepAliveRequests 100, KeepAliveTimeout 5), or wrk's\n"
		"# keep-alive runs would reconnect, and idle connections held for the memory\n"
		"# measurement would be closed under it.\n"
		"KeepAlive On\nMaxKeepAliveRequests 0\nKeepAliveTimeout 60\n"
		"# The capacity, over the shipped values:\n%s",
		mpm, dir, port, dir, dir, dir, dir, mpm, mpm, mpm,
		root ? "User www-data\nGroup www-data\n" : "", dir, dir, cap);
	return n < 0 || (size_t)n >= size ? ENAMETOOLONG : 0;
}
