/* common.c - registration, parent memory, start failures and pair placement, shared by
 * the scenario files. */
#include "common.h"
#include "json.h"
#include "cglimits.h"
#include "scenario.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mem_region region;

int parent_memory(gb_state *st, size_t mib, enum mem_layout layout)
{
	if (region.size == mib << 20 && region.layout == layout)
		return 0;
	mem_region_free(&region);
	/* In a container the cgroup's limit, not the host's MemAvailable, is what the OOM
	 * killer enforces. */
	char why[128];
	long avail = limits_available_kib(why, sizeof why);
	if (avail >= 0 && (long)(mib * 1024) > avail / 2) {
		if (strcmp(why, "MemAvailable") == 0)
			gb_skip(st, "parent memory %zu MiB: more than half of MemAvailable (%ld MiB)",
				mib, avail / 1024);
		else
			gb_skip(st, "parent memory %zu MiB: more than half of the %ld MiB left under %s",
				mib, avail / 1024, why);
		return ENOMEM;
	}
	int err = mem_region_make(&region, mib << 20, layout);
	if (err == EOPNOTSUPP) {
		char thp[32];
		gb_skip(st, "transparent huge pages are [%s] in "
			    "/sys/kernel/mm/transparent_hugepage/enabled",
			mem_thp_mode(thp, sizeof thp));
		return err;
	}
	if (err == ENOSPC) {
		gb_skip(st, "%zu MiB in 64 KiB mappings passes vm.max_map_count", mib);
		return err;
	}
	if (err) {
		gb_skip(st, "mmap of %zu MiB parent memory: %s", mib, strerror(err));
		return err;
	}
	return 0;
}

const struct mem_region *parent_memory_region(void) { return &region; }

void parent_memory_free(void) { mem_region_free(&region); }

void skip_start_error(gb_state *st, const struct worker_kind *k, int err)
{
	char why[128];
	gb_skip(st, "%s: %s", k->how, worker_error_str(err, why, sizeof why));
}

double rusage_cpu_ns(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e9 +
	       (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1e3;
}

/* One line both ways (turn: odd from the prober, even back), or with each_way a line for
 * each direction (turn out, back in), as a channel with a line per direction has. */
struct line_bounce {
	_Alignas(128) uint32_t turn;
	uint32_t stop;
	bool each_way;
	_Alignas(128) uint32_t back;
};

static void *bounce_back(void *arg)
{
	struct line_bounce *b = arg;
	for (uint32_t answered = 0;;) {
		uint32_t t = __atomic_load_n(&b->turn, __ATOMIC_ACQUIRE);
		if (b->each_way ? t == answered : t % 2 == 0) { /* not this side's turn yet */
			if (__atomic_load_n(&b->stop, __ATOMIC_RELAXED))
				return NULL;
			continue;
		}
		if (b->each_way)
			__atomic_store_n(&b->back, answered = t, __ATOMIC_RELEASE);
		else
			__atomic_store_n(&b->turn, t + 1, __ATOMIC_RELEASE);
	}
}

int line_probe_start(struct line_probe *p, const cpu_set_t *peer, bool each_way)
{
	p->line = aligned_alloc(128, sizeof *p->line);
	if (!p->line)
		return ENOMEM;
	*p->line = (struct line_bounce){.each_way = each_way};
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	if (peer)
		pthread_attr_setaffinity_np(&attr, sizeof *peer, peer);
	int err = pthread_create(&p->thread, &attr, bounce_back, p->line);
	pthread_attr_destroy(&attr);
	if (err)
		free(p->line);
	return err;
}

void line_probe_round_trip(struct line_probe *p)
{
	struct line_bounce *b = p->line;
	uint32_t turn = __atomic_load_n(&b->turn, __ATOMIC_RELAXED);
	if (b->each_way) {
		__atomic_store_n(&b->turn, turn + 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&b->back, __ATOMIC_ACQUIRE) != turn + 1) {
		}
		return;
	}
	__atomic_store_n(&b->turn, turn + 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&b->turn, __ATOMIC_ACQUIRE) != turn + 2) {
	}
}

void line_probe_stop(struct line_probe *p)
{
	__atomic_store_n(&p->line->stop, 1, __ATOMIC_RELAXED);
	pthread_join(p->thread, NULL);
	free(p->line);
}

/* ns per round trip over a short burst; 0 when the probe thread cannot start. */
static double probe_pair(const cpu_set_t *peer)
{
	enum { ROUNDS = 2000 };
	struct line_probe p;
	if (line_probe_start(&p, peer, false) != 0)
		return 0;
	line_probe_round_trip(&p); /* the peer is running */
	int64_t t0 = now_ns();
	for (int i = 0; i < ROUNDS; i++)
		line_probe_round_trip(&p);
	double ns = (double)(now_ns() - t0) / ROUNDS;
	line_probe_stop(&p);
	return ns;
}

int pair_place(gb_state *st, struct pair_placement *pl, enum pin_policy pin)
{
	cpu_set_t mine;
	char note[256];
	pl->probe_ns = 0;
	pl->pinned = pin_place(pin, 0, 2, &mine, note, sizeof note);
	if (!pl->pinned)
		return 0;
	pin_place(pin, 1, 2, &pl->peer, NULL, 0);
	sched_getaffinity(0, sizeof pl->saved, &pl->saved);
	int err = pin_bind_self(&mine);
	if (err) { /* e.g. a topology that is not this machine's (HWLOC_XMLFILE) */
		pl->pinned = false;
		gb_skip(st, "binding to %s's first PU: %s", pin_policies[pin].name, strerror(err));
		return err;
	}
	if (note[0])
		gb_set_label(st, note);
	/* On one PU the two spinning threads would take turns by time slice. */
	pl->probe_ns = CPU_EQUAL(&mine, &pl->peer) ? 0 : probe_pair(&pl->peer);
	return 0;
}

void pair_unplace(gb_state *st, struct pair_placement *pl)
{
	if (!pl->pinned)
		return;
	if (pl->probe_ns > 0) {
		double after = probe_pair(&pl->peer);
		if (after > pl->probe_ns)
			pl->probe_ns = after;
	}
	pin_bind_self(&pl->saved);
	if (pl->probe_ns > 0 && !gb_error_occurred(st))
		gb_counter(st, "probe_ns", pl->probe_ns, 0);
}

/* --- registration, and the record of every family ------------------------------------ */

#define FAMILY_MAX_VARIANTS 32
#define FAMILY_MAX_ARGS (1 + BENCH_MAX_FIXED + BENCH_MAX_ARGS)
#define FAMILY_MAX_VALUES 32
#define MAX_FAMILIES 64

/* One argument of a family with every value given to it, in the order first given. */
struct family_arg {
	const char *name;
	bool numeric;
	size_t n;
	const char *str[FAMILY_MAX_VALUES];
	int64_t num[FAMILY_MAX_VALUES];
};

struct family_record {
	const struct scenario *scenario;
	const struct scenario_family *family;
	size_t nvariants, nargs;
	const char *variants[FAMILY_MAX_VARIANTS];
	struct family_arg args[FAMILY_MAX_ARGS];
};

static struct family_record records[MAX_FAMILIES];
static size_t nrecords;
static bool registering_live = true;

struct bench {
	char name[256];            /* what Google Benchmark got, for messages */
	gb_bench *gb;              /* NULL when only recorded */
	struct family_record *rec;
	size_t first_numeric, nnumeric;  /* where its numeric arguments are in rec->args */
	size_t nruns;              /* argument sets given to Google Benchmark */
	void *data;                /* the row's data, when copied */
	struct bench *next;
};
static struct bench *benches;

void bench_set_live(bool live) { registering_live = live; }

/* --smoke: each registration runs its first argument set only (every family, kind and
 * transport still runs, at the first size it names), so a check that the whole suite
 * runs takes seconds, not minutes, even where page faults are slow. The record keeps
 * every value: the description does not depend on it. */
static bool smoke;
void bench_set_smoke(bool on) { smoke = on; }

static bool bench_runs_more(struct bench *b)
{
	return b->gb && !(smoke && b->nruns++ > 0);
}

/* Benchmark names are parsed by field: nothing in one may hold a '/' or a ':'. */
static bool identifier(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static const struct scenario_family *family_info(const struct scenario *s, const char *measure)
{
	for (size_t i = 0; i < SCENARIO_MAX_FAMILIES && s->families[i].measure; i++)
		if (strcmp(s->families[i].measure, measure) == 0)
			return &s->families[i];
	return NULL;
}

static struct family_record *family_record(const struct scenario *s,
					   const struct scenario_family *f)
{
	for (size_t i = 0; i < nrecords; i++)
		if (records[i].scenario == s && records[i].family == f)
			return &records[i];
	return NULL;
}

/* Adds str to list (n of max) unless it is there. */
static void add_once(const char **list, size_t *n, size_t max, const char *str,
		     const char *name, const char *what)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(list[i], str) == 0)
			return;
	if (*n == max)
		die(0, "registering %s: more than %zu %s in its family", name, max, what);
	list[(*n)++] = str;
}

/* The family's arguments are the first row's; every later row must name the same ones,
 * numeric where they were numeric. */
static void match_args(struct family_record *rec, const char *name, const char *const *keys,
		       size_t nkeys, size_t first_numeric)
{
	if (rec->nargs == 0 && rec->nvariants == 0) {
		for (size_t i = 0; i < nkeys; i++)
			rec->args[i] = (struct family_arg){.name = keys[i],
							   .numeric = i >= first_numeric};
		rec->nargs = nkeys;
		return;
	}
	bool same = rec->nargs == nkeys;
	for (size_t i = 0; same && i < nkeys; i++)
		same = strcmp(rec->args[i].name, keys[i]) == 0 &&
		       rec->args[i].numeric == (i >= first_numeric);
	if (same)
		return;
	char want[256] = "", got[256] = "";
	for (size_t i = 0; i < rec->nargs; i++)
		snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s%s", i ? "," : "",
			 rec->args[i].name, rec->args[i].numeric ? "=N" : "");
	for (size_t i = 0; i < nkeys; i++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s%s", i ? "," : "",
			 keys[i], i >= first_numeric ? "=N" : "");
	die(0, "registering %s: arguments (%s) where its family %s/%s has (%s)", name, got,
	    rec->scenario->name, rec->family->measure, want);
}

struct bench *bench_register(const struct bench_row *row)
{
	const struct scenario *s = row->scenario;
	const char *variant = row->variant ? row->variant : row->kind ? row->kind->name : NULL;
	enum worker_mode mode = row->kind ? row->kind->mode : row->mode;
	char name[256];
	int used = snprintf(name, sizeof name, "%s/%s/%s/measure:%s", s->name,
			    variant ? variant : "(none)", worker_mode_name(mode),
			    row->measure ? row->measure : "(none)");
	if (!identifier(variant) || !identifier(row->measure))
		die(0, "registering %s: the variant and the measure must be identifiers", name);
	const struct scenario_family *f = family_info(s, row->measure);
	if (!f)
		die(0, "registering %s: scenario %s lists no family %s", name, s->name,
		    row->measure);

	/* The row's arguments in name order: kind, the fixed ones, the numeric ones. */
	const char *keys[FAMILY_MAX_ARGS], *values[FAMILY_MAX_ARGS];
	size_t nkeys = 0;
	if (row->variant && row->kind) {
		keys[nkeys] = "kind";
		values[nkeys++] = row->kind->name;
	}
	for (size_t i = 0; i < BENCH_MAX_FIXED && row->fixed[i].key; i++) {
		keys[nkeys] = row->fixed[i].key;
		values[nkeys++] = row->fixed[i].value;
	}
	size_t first_numeric = nkeys;
	for (size_t i = 0; i < nkeys; i++) {
		if (!identifier(keys[i]) || !identifier(values[i]))
			die(0, "registering %s: argument %s:%s is not an identifier", name,
			    keys[i] ? keys[i] : "(null)", values[i] ? values[i] : "(null)");
		used += snprintf(name + used, sizeof name - (size_t)used, "/%s:%s", keys[i],
				 values[i]);
		if ((size_t)used >= sizeof name)
			die(0, "registering %s...: the name is longer than %zu bytes", name,
			    sizeof name - 1);
	}
	for (size_t i = 0; i < BENCH_MAX_ARGS && row->arg_names[i]; i++) {
		if (!identifier(row->arg_names[i]))
			die(0, "registering %s: argument name %s is not an identifier", name,
			    row->arg_names[i]);
		keys[nkeys++] = row->arg_names[i];
	}

	struct family_record *rec = family_record(s, f);
	if (!rec) {
		if (nrecords == MAX_FAMILIES)
			die(0, "registering %s: more than %d families in the suite", name,
			    MAX_FAMILIES);
		rec = &records[nrecords++];
		*rec = (struct family_record){.scenario = s, .family = f};
	}
	match_args(rec, name, keys, nkeys, first_numeric);
	add_once(rec->variants, &rec->nvariants, FAMILY_MAX_VARIANTS, variant, name, "variants");
	for (size_t i = 0; i < first_numeric; i++)
		add_once(rec->args[i].str, &rec->args[i].n, FAMILY_MAX_VALUES, values[i], name,
			 "values of one argument");

	struct bench *b = calloc(1, sizeof *b);
	if (!b)
		die(ENOMEM, "registering %s", name);
	snprintf(b->name, sizeof b->name, "%s", name);
	b->rec = rec;
	b->first_numeric = first_numeric;
	b->nnumeric = nkeys - first_numeric;
	b->next = benches;
	benches = b;
	if (!registering_live)
		return b;

	const void *data = row->data;
	if (row->data_size) {
		if (!(b->data = malloc(row->data_size)))
			die(ENOMEM, "registering %s", name);
		memcpy(b->data, row->data, row->data_size);
		data = b->data;
	}
	b->gb = gb_register(name, row->fn, data);
	if (b->nnumeric == 1)
		gb_arg_name(b->gb, row->arg_names[0]);
	else if (b->nnumeric == 2)
		gb_arg_names2(b->gb, row->arg_names[0], row->arg_names[1]);
	if (row->time == BENCH_MANUAL_TIME)
		gb_use_manual_time(b->gb);
	else
		gb_use_real_time(b->gb);
	gb_unit(b->gb, row->unit);
	if (row->iterations)
		gb_fixed_iterations(b->gb, row->iterations);
	if (row->repetitions)
		gb_repetitions(b->gb, row->repetitions);
	return b;
}

static void record_value(struct bench *b, size_t i, int64_t v)
{
	struct family_arg *a = &b->rec->args[b->first_numeric + i];
	for (size_t k = 0; k < a->n; k++)
		if (a->num[k] == v)
			return;
	if (a->n == FAMILY_MAX_VALUES)
		die(0, "registering %s: more than %d values of %s in its family", b->name,
		    FAMILY_MAX_VALUES, a->name);
	a->num[a->n++] = v;
}

static void check_count(const struct bench *b, size_t given)
{
	if (b->nnumeric != given)
		die(0, "registering %s: %zu argument values given, for %zu arguments", b->name,
		    given, b->nnumeric);
}

struct bench *bench_arg(struct bench *b, int64_t v)
{
	check_count(b, 1);
	record_value(b, 0, v);
	if (bench_runs_more(b))
		gb_arg(b->gb, v);
	return b;
}

struct bench *bench_args2(struct bench *b, int64_t v0, int64_t v1)
{
	check_count(b, 2);
	record_value(b, 0, v0);
	record_value(b, 1, v1);
	if (bench_runs_more(b))
		gb_args2(b->gb, v0, v1);
	return b;
}

void bench_free_all(void)
{
	while (benches) {
		struct bench *next = benches->next;
		free(benches->data);
		free(benches);
		benches = next;
	}
}

void bench_describe_families(struct json *j, const struct scenario *s)
{
	json_array_begin(j, "families");
	for (size_t i = 0; i < SCENARIO_MAX_FAMILIES && s->families[i].measure; i++) {
		const struct family_record *rec = family_record(s, &s->families[i]);
		if (!rec)
			continue; /* listed, but nothing registered in it here */
		json_object_begin(j, NULL);
		json_string(j, "measure", rec->family->measure);
		json_string(j, "desc", rec->family->desc);
		json_array_begin(j, "variants");
		for (size_t v = 0; v < rec->nvariants; v++)
			json_string(j, NULL, rec->variants[v]);
		json_array_end(j);
		json_array_begin(j, "args");
		for (size_t a = 0; a < rec->nargs; a++)
			json_string(j, NULL, rec->args[a].name);
		json_array_end(j);
		json_object_begin(j, "values");
		for (size_t a = 0; a < rec->nargs; a++) {
			const struct family_arg *arg = &rec->args[a];
			json_array_begin(j, arg->name);
			for (size_t v = 0; v < arg->n; v++) {
				/* Integers or identifiers: a fixed "1" is the integer. */
				if (arg->numeric)
					json_int(j, NULL, arg->num[v]);
				else if (all_digits(arg->str[v]))
					json_int(j, NULL, strtoll(arg->str[v], NULL, 10));
				else
					json_string(j, NULL, arg->str[v]);
			}
			json_array_end(j);
		}
		json_object_end(j);
		json_object_end(j);
	}
	json_array_end(j);
}
