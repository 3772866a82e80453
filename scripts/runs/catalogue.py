#!/usr/bin/python3
"""catalogue.py - every run in one SQLite database, to query across machines and time.

    catalogue.py [--db FILE] [FOLDER ...]
    catalogue.py [--db FILE] --examples

Builds FILE (default results/catalogue.sqlite) from every results folder under
results/, or from the folders given. The folders are the data; the database is
rebuilt from them every time, into a temporary file renamed over the old one at the
end, so it is never half-written and a folder removed from results/ leaves it. Under
results/, a folder that is not a tvp run of this schema (a comparison, a run of an
older schema, a copy of another run) is skipped with a line that says why; a folder
named on the command line must be one, or nothing is written (exit status 2).

Tables and views:
  runs      one row per run: id (the folder's name), folder, host, kernel, cpu_model,
            profile, placement, tvp_version, date, name_schema, and the verdict of each
            claim, C1 ... C8 (claims.judged, as REPORT.md says it)
  samples   every repetition of every benchmark, the columns of samples.csv
            (samples.py): one column per name argument any run has, NULL where a
            benchmark lacks it; an errored benchmark is one row, metric 'error'
  medians   run, benchmark, its fields and arguments, metric, unit, median, n: the
            median of each metric over the repetitions (the mean of the two middle
            ones for an even n, as statistics.median)
  verdicts  run, claim, verdict

--examples prints the example queries below and their rows on FILE:
"""
import argparse
import os
import sqlite3
import sys
import tempfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from verdicts import claims  # noqa: E402
from contract import results  # noqa: E402
from runs import runset  # noqa: E402
from runs import samples  # noqa: E402

DEFAULT_DB = os.path.join(ROOT, "results", "catalogue.sqlite")
RUN_COLUMNS = ("id", "folder", "host", "kernel", "cpu_model", "profile", "placement",
               "tvp_version", "date", "name_schema")
CLAIMS = tuple(claims.CLAIMS)

# (what it answers, SQL). Each is run by tests/test_runs.py on a catalogue of test
# folders, so a change to the tables that breaks one fails a test.
EXAMPLES = [
    ("fork's round trip (µs) with 1 GiB of parent memory, by kernel", """
SELECT r.kernel, m.layout, ROUND(m.median, 1) AS median_us, m.n, m.run
FROM medians m JOIN runs r ON r.id = m.run
WHERE m.scenario = 'create' AND m.variant = 'fork' AND m.measure = 'round_trip'
  AND m.parent_mib = 1024 AND m.metric = 'time_us'
ORDER BY r.kernel, m.layout, m.run"""),
    ("the verdicts by machine: how many runs of each host gave each verdict", """
SELECT r.host, r.cpu_model, v.claim, v.verdict, COUNT(*) AS runs
FROM verdicts v JOIN runs r ON r.id = v.run
GROUP BY r.host, r.cpu_model, v.claim, v.verdict
ORDER BY r.host, r.cpu_model, v.claim, v.verdict"""),
    ("a pipe's throughput (GB/s) with 64 KiB messages, by the run's placement and the "
     "pair's", """
SELECT r.placement, m.mode, m.kind, m.pin, ROUND(m.median / 1e9, 3) AS gb_per_s, m.run
FROM medians m JOIN runs r ON r.id = m.run
WHERE m.scenario = 'ipc' AND m.variant = 'pipe' AND m.measure = 'throughput'
  AND m.msg_bytes = 65536 AND m.metric = 'bytes_per_second'
ORDER BY r.placement, m.mode, m.kind, m.pin, m.run"""),
]
__doc__ += "".join(f"\n  -- {title}{sql}\n" for title, sql in EXAMPLES)


def q(name):
    """An identifier, quoted: argument names come from the runs, not from here."""
    return '"' + name.replace('"', '""') + '"'


def schema(args):
    """The statements that make the tables and views for these argument columns."""
    cols = samples.columns(args)
    types = {"repetition": "INTEGER", "value": "REAL"}
    # Argument columns have no type, so 1024 stays an integer and 'fork' text, and a
    # query compares them as written in the name.
    defs = ", ".join(q(c) + (" " + types.get(c, "TEXT") if c not in args else "")
                     for c in cols)
    fields = ", ".join(q(c) for c in cols if c in samples.BENCH_COLUMNS or c in args)
    verdicts = " UNION ALL ".join(
        f"SELECT id AS run, '{c}' AS claim, {q(c)} AS verdict FROM runs" for c in CLAIMS)
    return [
        "CREATE TABLE runs (" + ", ".join(
            [q(c) + (" TEXT PRIMARY KEY" if c == "id" else " TEXT") for c in RUN_COLUMNS]
            + [q(c) + " TEXT" for c in CLAIMS]) + ")",
        f"CREATE TABLE samples ({defs})",
        "CREATE INDEX samples_by_benchmark ON samples (run, benchmark, metric)",
        # SQLite has no median: number each metric's values in order, keep the middle one
        # (odd n) or the two middle ones (even n), and average what is kept.
        f"""CREATE VIEW medians AS
SELECT run, {fields}, metric, unit, AVG(value) AS median, n FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY run, benchmark, metric ORDER BY value) AS i,
         COUNT(*) OVER (PARTITION BY run, benchmark, metric) AS n
  FROM samples WHERE value IS NOT NULL)
WHERE i IN ((n + 1) / 2, (n + 2) / 2)
GROUP BY run, benchmark, metric""",
        f"CREATE VIEW verdicts AS {verdicts}",
    ]


def run_row(c, run):
    ctx = c.ctx
    return ([samples.run_id(c.folder), os.path.abspath(c.folder), ctx.get("host_name"),
             ctx.get("kernel"), ctx.get("cpu_model"), ctx.get("profile"),
             ctx.get("placement"), ctx.get("tvp_version"), ctx.get("date"),
             str(ctx.get("name_schema"))]
            + [claims.judged(claim, run)[0] for claim in CLAIMS])


def gather(folders, skip=None):
    """[(Checked, runs row)] and the argument columns of every run, all checked before
    anything is written: ResultsError for a bad folder, or skip(folder, why)."""
    def refuse(folder, why):
        if skip is None:
            raise results.ResultsError(why)
        skip(folder, why)

    out, args, ids = [], [], {}
    for c in runset.check(folders, skip):
        rid = samples.run_id(c.folder)
        if rid in ids:
            refuse(c.folder, f"{c.folder}: a run with the id {rid} is already in the "
                             f"catalogue ({ids[rid]}); rename one of the folders")
            continue
        try:
            run = results.load(c.folder)
        except results.ResultsError as e:
            refuse(c.folder, str(e))
            continue
        ids[rid] = c.folder
        for b in run.benches.values():  # the order samples.tidy finds them in
            for a in map(samples.arg_column, b.args):
                if a not in args:
                    args.append(a)
        out.append((c, run_row(c, run)))
        c.doc = None  # samples are read again run by run, not all held at once
    return out, args


def fill(conn, gathered, args):
    cols = samples.columns(args)
    conn.executemany(f"INSERT INTO runs VALUES ({', '.join('?' * len(RUN_COLUMNS + CLAIMS))})",
                     [row for _, row in gathered])
    insert = f"INSERT INTO samples VALUES ({', '.join('?' * len(cols))})"
    n = 0
    for c, _ in gathered:
        _, rows = samples.tidy(c.folder)
        # The CSV's empty cell is SQL's NULL: `error IS NULL`, `pin IS NULL` read right.
        conn.executemany(insert, ([None if r.get(col, "") == "" else r[col] for col in cols]
                                  for r in rows))
        n += len(rows)
    return n


def build(db, folders, skip=None):
    """Writes the catalogue of the folders to db, through a temporary file beside it
    renamed over it at the end: on any error the old database is left as it was.
    Returns (runs, samples)."""
    gathered, args = gather(folders, skip)
    fd, tmp = tempfile.mkstemp(prefix=".catalogue-", suffix=".tmp",
                               dir=os.path.dirname(os.path.abspath(db)))
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            # No journal: a failed build throws the whole file away anyway.
            conn.execute("PRAGMA journal_mode = OFF")
            for stmt in schema(args):
                conn.execute(stmt)
            n = fill(conn, gathered, args)
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, db)
    except BaseException:
        os.unlink(tmp)
        raise
    return len(gathered), n


def folders_under(base=os.path.join(ROOT, "results")):
    """Every folder directly under base, by name: the candidates a default build checks."""
    if not os.path.isdir(base):
        return []
    return [os.path.join(base, d) for d in sorted(os.listdir(base))
            if os.path.isdir(os.path.join(base, d))]


def print_examples(db):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True) if os.path.exists(db) else None
    for title, sql in EXAMPLES:
        print(f"-- {title}{sql};")
        if conn is not None:
            cur = conn.execute(sql)
            print("  " + " | ".join(d[0] for d in cur.description))
            for row in cur:
                print("  " + " | ".join("" if v is None else str(v) for v in row))
        print()
    if conn is None:
        print(f"({db} does not exist yet: make catalogue)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=DEFAULT_DB, help="the database (default %(default)s)")
    ap.add_argument("--examples", action="store_true",
                    help="print the example queries and their rows on the database")
    ap.add_argument("folders", nargs="*", help="results folders (default: all under results/)")
    a = ap.parse_args(argv)
    if a.examples:
        print_examples(a.db)
        return 0
    explicit = bool(a.folders)

    def skipped(folder, why):
        print(f"tvp: skipped {why}", file=sys.stderr)

    try:
        n_runs, n_samples = build(a.db, a.folders if explicit else folders_under(),
                                  None if explicit else skipped)
    except results.ResultsError as e:
        print(f"tvp: {e}; the catalogue was not written", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as e:
        print(f"tvp: cannot write {a.db}: {e}", file=sys.stderr)
        return 2
    print(f"{a.db}: {n_runs} run{'' if n_runs == 1 else 's'}, {n_samples} samples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
