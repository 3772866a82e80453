/* json.h - a small JSON writer for the suite's description: objects, arrays, strings
 * with proper escaping, integers and booleans, written into a growing buffer.
 *
 * Every value takes a key, NULL inside an array (and for the outermost value); the
 * writer puts the commas. Out of memory is a die(): it runs in the harness's set-up.
 */
#ifndef TVP_JSON_H
#define TVP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 16

struct json {
	char *buf;
	size_t len, cap;
	int depth;
	bool more[JSON_MAX_DEPTH];  /* a value already written at this depth: a comma next */
};

void json_init(struct json *j);
void json_free(struct json *j);
/* The text so far (complete once every object and array is closed). */
const char *json_text(const struct json *j);

void json_object_begin(struct json *j, const char *key);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *value);
void json_int(struct json *j, const char *key, int64_t value);
void json_bool(struct json *j, const char *key, bool value);
/* Six significant digits; null when not finite. */
void json_double(struct json *j, const char *key, double value);

#endif
