/* http_request.h - the request path every model of http_server.c shares: the bodies
 * and replies made once, one request answered, one connection served while it lasts, an
 * accept that survives a busy server. Private to the server (http_server.c,
 * http_request.c); callers use http_server.h. */
#ifndef TVP_HTTP_REQUEST_H
#define TVP_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

/* A header block larger than this is not answered (the connection is dropped). */
#define REQ_BUF 8192

/* The whole responses, made once before serving. Returns 0 or ENOMEM. */
int http_make_replies(void);
/* The reply to one request (its header block, n bytes up to and including the blank
 * line), and whether the connection closes after it. */
void http_answer(const char *req, size_t n, const char **out, size_t *outlen, bool *close);
/* One connection, blocking, until the client closes it or asks to. The caller closes
 * fd. */
void http_serve_conn(int fd);
/* accept, retried on what a busy server meets. Returns the fd, or -1 with errno set. */
int http_accept_one(int lfd);

#endif
