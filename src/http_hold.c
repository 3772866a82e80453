/* http_hold.c - idle keep-alive connections held open on a server, each answered once
 * (http_run.h): what the memory and held rows measure a server holding. */
#include "http_run.h"
#include "util.h"
#include "http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int http_hold(const struct http_peer *p, int n, double patience_s, int *fds)
{
	static const char req[] = "GET " HTTP_SMALL_PATH " HTTP/1.1\r\nHost: localhost\r\n\r\n";
	size_t blen;
	const char *body = http_body(HTTP_SMALL_PATH, &blen);
	enum { CONNECTING, SENT, DONE, FAILED };
	char *state = calloc((size_t)n, 1);
	struct pollfd *pf = calloc((size_t)n, sizeof *pf);
	char(*buf)[1024] = calloc((size_t)n, sizeof *buf);
	size_t *got = calloc((size_t)n, sizeof *got);
	int answered = 0;
	if (!state || !pf || !buf || !got)
		goto out;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p->port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	for (int i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fds[i] < 0 || (connect(fds[i], (struct sockaddr *)&a, sizeof a) != 0 &&
				   errno != EINPROGRESS))
			state[i] = FAILED;
	}
	/* However long answers keep coming, ten patiences at most: Apache prefork grows by
	 * 32 processes a second, and would take five minutes to 10,000. */
	int64_t last = now_ns(), end = last + (int64_t)(10 * patience_s * 1e9);
	for (;;) {
		int open = 0;
		for (int i = 0; i < n; i++) {
			pf[i].fd = state[i] == CONNECTING || state[i] == SENT ? fds[i] : -1;
			pf[i].events = state[i] == CONNECTING ? POLLOUT : POLLIN;
			open += pf[i].fd >= 0;
		}
		int64_t left = (int64_t)(patience_s * 1e9) - (now_ns() - last);
		if (end - now_ns() < left)
			left = end - now_ns();
		if (!open || left <= 0)
			break;
		int r = poll(pf, (nfds_t)n, (int)(left / 1000000) + 1);
		if (r < 0 && errno != EINTR)
			break;
		for (int i = 0; r > 0 && i < n; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			last = now_ns();
			if (state[i] == CONNECTING) {
				int e = 0;
				socklen_t el = sizeof e;
				getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &e, &el);
				state[i] = e == 0 && send(fds[i], req, sizeof req - 1, MSG_NOSIGNAL) ==
							     (ssize_t)(sizeof req - 1) ? SENT : FAILED;
				continue;
			}
			ssize_t k = read(fds[i], buf[i] + got[i], sizeof buf[i] - 1 - got[i]);
			if (k <= 0) {
				if (k == 0 || errno != EAGAIN)
					state[i] = FAILED;
				continue;
			}
			got[i] += (size_t)k;
			buf[i][got[i]] = '\0';
			char *h = strstr(buf[i], "\r\n\r\n");
			if (h && (size_t)(buf[i] + got[i] - (h + 4)) >= blen) {
				bool ok = strncmp(buf[i], "HTTP/1.1 200", 12) == 0 &&
					  memcmp(h + 4, body, blen) == 0;
				state[i] = ok ? DONE : FAILED;
				answered += ok;
			} else if (got[i] == sizeof buf[i] - 1) {
				state[i] = FAILED;
			}
		}
	}
out:
	free(state);
	free(pf);
	free(buf);
	free(got);
	return answered;
}

void http_release(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}
