/* profile.h - the run profiles (quick, full) as a table, from bench/profiles.def. */
#ifndef TVP_PROFILE_H
#define TVP_PROFILE_H

#include <stddef.h>

enum profile {
#define PROFILE(ID, name, repetitions, min_time, py_min_time, py_work_s) PROFILE_##ID,
#include "profiles.def"
#undef PROFILE
	PROFILE_COUNT
};

struct profile_row {
	const char *name;
	int repetitions;
	double min_time;     /* seconds per repetition */
	double py_min_time;  /* py_bench.py's seconds of work per repetition */
	double py_work_s;    /* py_bench.py's GIL family: one worker's work alone, seconds */
};

extern const struct profile_row profiles[PROFILE_COUNT];

/* The profile called name; -1 when there is none. */
int profile_find(const char *name);

#endif
