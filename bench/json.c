/* json.c - the JSON writer. */
#include "json.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json *j) { memset(j, 0, sizeof *j); }

void json_free(struct json *j)
{
	free(j->buf);
	json_init(j);
}

const char *json_text(const struct json *j) { return j->buf ? j->buf : ""; }

static void put(struct json *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 4096;
		while (j->len + n + 1 > cap)
			cap *= 2;
		char *buf = realloc(j->buf, cap);
		if (!buf)
			die(ENOMEM, "the JSON description (%zu bytes)", cap);
		j->buf = buf;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void put_str(struct json *j, const char *s) { put(j, s, strlen(s)); }

/* A string literal: quotes, backslashes and control characters escaped; the rest, UTF-8
 * included, as it is. */
static void quoted(struct json *j, const char *s)
{
	put(j, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		switch (*p) {
		case '"':
			put_str(j, "\\\"");
			break;
		case '\\':
			put_str(j, "\\\\");
			break;
		case '\n':
			put_str(j, "\\n");
			break;
		case '\t':
			put_str(j, "\\t");
			break;
		case '\r':
			put_str(j, "\\r");
			break;
		default:
			if (*p < 0x20) {
				snprintf(esc, sizeof esc, "\\u%04x", *p);
				put_str(j, esc);
			} else {
				put(j, (const char *)p, 1);
			}
		}
	}
	put(j, "\"", 1);
}

/* The comma and key before a value. */
static void lead(struct json *j, const char *key)
{
	if (j->more[j->depth])
		put(j, ",", 1);
	j->more[j->depth] = true;
	if (key) {
		quoted(j, key);
		put(j, ":", 1);
	}
}

static void open_nested(struct json *j, const char *key, const char *bracket)
{
	lead(j, key);
	put_str(j, bracket);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		die(0, "the JSON description nests deeper than %d", JSON_MAX_DEPTH);
	j->more[++j->depth] = false;
}

static void close_nested(struct json *j, const char *bracket)
{
	if (j->depth == 0)
		die(0, "the JSON description closes more than it opened");
	j->depth--;
	put_str(j, bracket);
}

void json_object_begin(struct json *j, const char *key) { open_nested(j, key, "{"); }
void json_object_end(struct json *j) { close_nested(j, "}"); }
void json_array_begin(struct json *j, const char *key) { open_nested(j, key, "["); }
void json_array_end(struct json *j) { close_nested(j, "]"); }

void json_string(struct json *j, const char *key, const char *value)
{
	lead(j, key);
	quoted(j, value);
}

void json_int(struct json *j, const char *key, int64_t value)
{
	char num[32];
	lead(j, key);
	snprintf(num, sizeof num, "%" PRId64, value);
	put_str(j, num);
}

void json_bool(struct json *j, const char *key, bool value)
{
	lead(j, key);
	put_str(j, value ? "true" : "false");
}

void json_double(struct json *j, const char *key, double value)
{
	char num[32];
	lead(j, key);
	/* JSON has no NaN or infinity: a value that is not a number is null. */
	if (isfinite(value))
		snprintf(num, sizeof num, "%.6g", value);
	else
		snprintf(num, sizeof num, "null");
	put_str(j, num);
}
