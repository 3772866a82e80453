/* describe.h - the suite's description: what tvp-bench --describe prints and the JSON
 * context carries as tvp_describe (name schema 2). */
#ifndef TVP_DESCRIBE_H
#define TVP_DESCRIBE_H

#include "json.h"
#include "scenario.h"

#include <stddef.h>

/* The schema of the benchmark names: the description's name_schema, and the context's
 * as a string. */
#define NAME_SCHEMA 2
#define NAME_SCHEMA_STR DESCRIBE_STR(NAME_SCHEMA)
#define DESCRIBE_STR(x) DESCRIBE_STR_(x)
#define DESCRIBE_STR_(x) #x

/* Writes the description into j as one object: the modes, worker kinds, transports,
 * scale workloads, pool failures, placement policies and memory layouts, then each
 * scenario with the families it registered. Every scenario must have registered (live
 * or only recorded) at the profile the description names. */
void describe_suite(struct json *j, const char *profile, const struct scenario *const *scenarios,
		    size_t nscenarios);

#endif
