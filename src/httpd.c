/* httpd.c - tvp-httpd, the suite's HTTP server as a program of its own (http_server.h).
 *
 * Usage: tvp-httpd MODEL CAPACITY [PORT]. It listens on 127.0.0.1:PORT (0 or none: a
 * port the kernel picks, so a port in use is never a failure), writes the port and a
 * newline on stdout for whoever started it, and serves until killed. A program of its
 * own, static and small, so that the memory a model spends per connection is not
 * hidden under tvp-bench's image (Google Benchmark, hwloc) in every forked child.
 */
#include "http_server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s MODEL CAPACITY [PORT]\nmodels:", argv[0]);
		for (int m = 0; m < HTTP_NMODELS; m++)
			fprintf(stderr, " %s", http_models[m].name);
		fprintf(stderr, "\n");
		return 2;
	}
	const struct http_model_info *mi = http_model_find(argv[1]);
	char *end;
	long cap = strtol(argv[2], &end, 10);
	if (!mi || *end || cap < 1 || cap > 1000000) {
		fprintf(stderr, "tvp-httpd: no model '%s' or bad capacity '%s'\n", argv[1], argv[2]);
		return 2;
	}
	long port = argc == 4 ? strtol(argv[3], &end, 10) : 0;
	if (argc == 4 && (*end || port < 0 || port > 65535)) {
		fprintf(stderr, "tvp-httpd: bad port '%s'\n", argv[3]);
		return 2;
	}
	int bound, lfd = http_listen((int)port, &bound);
	if (lfd < 0) {
		fprintf(stderr, "tvp-httpd: listen on 127.0.0.1:%ld: %s\n", port, strerror(errno));
		return 1;
	}
	printf("%d\n", bound);
	fflush(stdout);
	int err = http_serve((enum http_model)(mi - http_models), lfd, (int)cap);
	fprintf(stderr, "tvp-httpd: %s: %s\n", mi->name, strerror(err));
	return 1;
}
