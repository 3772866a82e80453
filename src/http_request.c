/* http_request.c - the suite's HTTP server's request path, shared by every model of
 * http_server.c (http_request.h): the fixed bodies, the replies made once, a request
 * answered, a connection served, a connection accepted. */
#include "http_request.h"
#include "http_server.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char small_body[HTTP_SMALL_BYTES], big_body[HTTP_BIG_BYTES];

/* Printable and position-dependent, so a body cut or shifted anywhere reads wrong. */
static void fill_body(char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (i + 1) % 64 == 0 ? '\n' : (char)('a' + (i * 7 + i / 64) % 26);
}

const char *http_body(const char *path, size_t *len)
{
	if (!small_body[0]) { /* idempotent: racing callers write the same bytes */
		fill_body(big_body, sizeof big_body);
		fill_body(small_body, sizeof small_body);
	}
	if (strcmp(path, HTTP_SMALL_PATH) == 0) {
		*len = sizeof small_body;
		return small_body;
	}
	if (strcmp(path, HTTP_BIG_PATH) == 0) {
		*len = sizeof big_body;
		return big_body;
	}
	return NULL;
}

/* The whole responses, made once before serving: [small, big, 404][keep-alive, close]. */
static struct {
	char *data;
	size_t len;
} replies[3][2];

int http_make_replies(void)
{
	static const char *const paths[3] = {HTTP_SMALL_PATH, HTTP_BIG_PATH, NULL};
	for (int b = 0; b < 3; b++) {
		for (int c = 0; c < 2; c++) {
			size_t blen = 9;
			const char *body = paths[b] ? http_body(paths[b], &blen) : "not found";
			char head[160];
			int h = snprintf(head, sizeof head,
					 "HTTP/1.1 %s\r\nContent-Type: text/plain\r\n"
					 "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
					 paths[b] ? "200 OK" : "404 Not Found", blen,
					 c ? "close" : "keep-alive");
			char *d = malloc((size_t)h + blen);
			if (!d)
				return ENOMEM;
			memcpy(d, head, (size_t)h);
			memcpy(d + h, body, blen);
			replies[b][c].data = d;
			replies[b][c].len = (size_t)h + blen;
		}
	}
	return 0;
}

/* Whether the header block contains the line "Connection: <word>" (case aside). */
static bool has_connection(const char *h, size_t n, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = h; p < h + n;) {
		const char *eol = memchr(p, '\n', (size_t)(h + n - p));
		if (!eol)
			break;
		if ((size_t)(eol - p) > 11 && strncasecmp(p, "connection:", 11) == 0) {
			const char *v = p + 11;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			if ((size_t)(eol - v) >= wl && strncasecmp(v, word, wl) == 0)
				return true;
		}
		p = eol + 1;
	}
	return false;
}

/* The reply to one request (its header block, n bytes up to and including the blank
 * line), and whether the connection closes after it. */
void http_answer(const char *req, size_t n, const char **out, size_t *outlen, bool *close)
{
	char path[64] = "";
	const char *sp = memchr(req, ' ', n);
	if (sp && (size_t)(sp - req) == 3 && memcmp(req, "GET", 3) == 0) {
		const char *p = sp + 1, *e = memchr(p, ' ', (size_t)(req + n - p));
		if (e && (size_t)(e - p) < sizeof path) {
			memcpy(path, p, (size_t)(e - p));
			path[e - p] = '\0';
		}
	}
	const char *eol = memchr(req, '\r', n);
	bool http10 = eol && eol - req >= 8 && memcmp(eol - 8, "HTTP/1.0", 8) == 0;
	*close = has_connection(req, n, "close") || (http10 && !has_connection(req, n, "keep-alive"));
	int b = strcmp(path, HTTP_SMALL_PATH) == 0 ? 0 : strcmp(path, HTTP_BIG_PATH) == 0 ? 1 : 2;
	*out = replies[b][*close].data;
	*outlen = replies[b][*close].len;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}


/* One connection, blocking, until the client closes it or asks to. The caller closes
 * fd. */
void http_serve_conn(int fd)
{
	char buf[REQ_BUF];
	size_t len = 0;
	for (;;) {
		char *end;
		while (!(end = memmem(buf, len, "\r\n\r\n", 4))) {
			if (len == sizeof buf)
				return; /* a header block larger than any this server answers */
			ssize_t r = read(fd, buf + len, sizeof buf - len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return;
			len += (size_t)r;
		}
		size_t hlen = (size_t)(end + 4 - buf), outlen;
		const char *out;
		bool close_after;
		http_answer(buf, hlen, &out, &outlen, &close_after);
		if (send_all(fd, out, outlen) != 0)
			return;
		memmove(buf, buf + hlen, len - hlen);
		len -= hlen;
		if (close_after)
			return;
	}
}

/* accept, retried on what a busy server meets: EINTR, a peer gone before accept, and a
 * full descriptor table (which the closing connections empty). */
int http_accept_one(int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		} else if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN) {
			return -1;
		}
	}
}
