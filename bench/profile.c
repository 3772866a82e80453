/* profile.c - the run profiles' table; the numbers are in profiles.def, which the Python
 * side reads too (scripts/contract/contract.py). */
#include "profile.h"

#include <string.h>

const struct profile_row profiles[PROFILE_COUNT] = {
#define PROFILE(ID, name, repetitions, min_time, py_min_time, py_work_s) \
	[PROFILE_##ID] = {#name, repetitions, min_time, py_min_time, py_work_s},
#include "profiles.def"
#undef PROFILE
};

int profile_find(const char *name)
{
	for (int i = 0; i < PROFILE_COUNT; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return i;
	return -1;
}
