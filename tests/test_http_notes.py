"""test_http_notes.py - what C8's section says beside its rows, each written from the rows
(report/http_notes.py, http_apache.py, http_tables.py): where Apache's time goes and
which errors it had, per configuration; no worker count for a server that makes one per
request; the count of the window the rate comes from; warm-ups, pool spares, repeating
readings, the held step, falling windows; the rate figure's dots near their level; the
connection-per-request comparison counted as context.

Fast tier: reads results/reference (or TVP_REFERENCE) and copies of it changed here."""
import unittest

from scripts_kit import *  # noqa: F401,F403
from report import (http, http_apache, http_figures, http_notes,  # noqa: E402,F401
                    http_servers, http_tables)


def ref():
    return results.load(REFERENCE)


def rows(run, variant, measure, **args):
    return [b for b in run.select("http", measure, variant=variant, **args) if b.usable]


class NotAToy(unittest.TestCase):
    def test_where_the_time_goes_says_differences_not_causes(self):
        """The check's paragraph says what differs in the work, not by-hand figures as
        causes (those are in docs/measuring.md), and that a pass by several times says
        only "not slower"; .htaccess only where the recorded configuration lacks
        AllowOverride None; Apache's p99 beside the suite's, from the rows."""
        run = ref()
        for k in [k for k in run.ctx if k.startswith("http_conf_apache_")]:
            run.ctx[k] = run.ctx[k].replace("AllowOverride None", "")
        words = http_apache.where_time_goes(run)
        self.assertIn(".htaccess", words)
        self.assertIn("cannot tell a toy from a real server", words)
        self.assertNotRegex(words, r"\d+ system calls|70%|perf put")
        for k in [k for k in run.ctx if k.startswith("http_conf_apache_")]:
            run.ctx[k] += "\n<Directory />\n  AllowOverride None\n</Directory>\n"
        words = http_apache.where_time_goes(run)
        self.assertNotIn(".htaccess", words)
        self.assertIn("docs/measuring.md", words)
        self.assertIn("AllowOverride None", http.shipped_words(run))
        at = {b.variant: b for b in http_servers.rate_rows(run, "keepalive")
              if b.usable and b.args["connections"] == 100}
        p99 = " ".join(http_apache.latency_words(run, http_apache.toy_pairs(run)))
        for s in ("apache_event", "epoll"):
            if s in at:
                self.assertIn(f"{at[s].counter('p99_us') / 1e3:.3g} ms", p99)
        for k in [k for k in run.ctx if k.startswith("http_conf_apache_")]:
            del run.ctx[k]
        self.assertEqual(http_apache.where_time_goes(run), "")

    def test_errors_are_counted_from_the_rows_and_said_which_where_recorded(self):
        run = ref()
        event = sorted(rows(run, "apache_event", "rate", conn="keepalive", pin="split"),
                       key=lambda b: b.args["connections"])
        if not any(sum(b.counters.get("errors", [])) for b in event):
            self.skipTest("Apache event had no errors in this run")
        words = " ".join(http_apache.error_words(run))
        # A row with errors is named with its count; a row without none is not named.
        for b in event:
            said = f"{sum(b.counters['errors']):,.0f} at {b.args['connections']} connections"
            if sum(b.counters["errors"]):
                self.assertIn(said, words)
            else:
                self.assertNotIn(f" at {b.args['connections']} connections (", words)
                self.assertNotIn(f" at {b.args['connections']} connections,", words)
        # The other way: every row given errors is named, each with its own count.
        for i, b in enumerate(event):
            b.counters["errors"] = [7 + i] + [0] * (len(b.counters["errors"]) - 1)
        edited = " ".join(http_apache.error_words(run))
        for i, b in enumerate(event):
            self.assertIn(f"{7 + i} at {b.args['connections']} connections", edited)
        if "read_errors" not in event[0].counters:
            self.assertIn("did not record which", words)
        # The cause measured by hand, while the configuration is the one it was seen in.
        self.assertEqual("By hand with this configuration" in words, "MaxSpareThreads" not
                         in run.ctx.get("http_conf_apache_event", "MaxSpareThreads"))
        # Where the run recorded the kinds, they are said and summed over the windows.
        for b in event:
            n = len(b.counters["errors"])
            b.counters.update(read_errors=list(b.counters["errors"]), connect_errors=[0] * n,
                              write_errors=[0] * n, non_2xx=[0] * n)
        run.ctx["http_conf_apache_event"] = "MaxSpareThreads 1024"
        words = " ".join(http_apache.error_words(run))
        self.assertNotIn("did not record which", words)
        self.assertNotIn("By hand with this configuration", words)
        self.assertEqual("At 1000 connections" in words,
                         any(b.args["connections"] >= 1000 for b in event))
        total = sum(sum(b.counters["errors"]) for b in event)
        self.assertIn(f"({total:,.0f} read errors)", words)
        self.assertNotIn("connect errors", words)


class Rows(unittest.TestCase):
    def test_a_server_making_a_worker_per_request_shows_no_count(self):
        run = ref()
        table = "\n".join(http_tables.rate_table(run))
        for line in table.split("\n"):
            cells = [c.strip() for c in line.split("|")]
            if len(cells) < 14 or cells[5] not in ("100", "1000"):
                continue
            per_request = cells[2] == "a connection per request" and cells[1] in (
                "thread per connection", "fork per connection")
            with self.subTest(row=cells[1:6]):
                if per_request:
                    self.assertEqual(cells[12], "–")
                elif cells[6] != "–":
                    self.assertRegex(cells[12], r"^\d+ / \d+$")

    def test_the_count_is_the_rate_windows_own(self):
        class Row:
            usable = True

            def __init__(self, rates, procs):
                self.counters = {"requests_per_s": rates, "server_processes": procs}
        self.assertEqual(http_servers.in_window(Row([3.0, 1.0, 2.0], [30, 10, 20]),
                                                "server_processes"), 20)
        self.assertEqual(http_servers.in_window(Row([5.0], [7]), "server_processes"), 7)
        self.assertIsNone(http_servers.in_window(Row([1.0, 2.0], [1, 2]),
                                                 "server_processes"))
        self.assertIsNone(http_servers.in_window(Row([1.0], []), "server_processes"))

    def test_notes_from_the_rows(self):
        run = ref()
        spares = " ".join(http_notes.pool_spares(run))
        for b in rows(run, "prefork_pool", "memory") + rows(run, "thread_pool", "memory"):
            workers = b.counter(http_servers.POOLS[b.variant]) - 1
            if workers > b.args["connections"]:
                self.assertIn(f"{workers:.0f} workers for {b.args['connections']} "
                              f"connections", spares)
                self.assertIn(f"the {workers - b.args['connections']:.0f} spare", spares)
        fork = rows(run, "fork_per_conn", "memory", connections=1000)
        if fork and len(set(fork[0].counters["kib_per_conn"])) == 1:
            self.assertIn("fork per connection's", " ".join(http_notes.repeated_readings(run)))
        # The held sweep's step: from the run's counter, else from where it stopped.
        held = rows(run, "thread_per_conn", "held")
        if held and "step" not in held[0].counters:
            self.assertIn("steps of 250", http_notes.held_step(run))
        for b in run.select("http", "held"):
            b.counters["step"] = [100] * len(b.counters.get("held", [1]))
        self.assertIn("steps of 100", http_notes.held_step(run))

    def test_a_warm_up_of_nothing_names_the_row_that_grew_the_server(self):
        run = ref()
        prefork = rows(run, "apache_prefork", "rate", conn="keepalive", pin="split")
        if not prefork or prefork[0].counter("warmup_s") >= 0.05:
            self.skipTest("Apache prefork warmed up in its rate row here")
        words = http_notes.warmed_by_memory(run)
        self.assertIn("Apache prefork", words)
        self.assertIn("fell in its memory row", words)
        # "already grown" only of servers that keep their workers.
        grown = words.split("already grown")[1].split(".")[0]
        self.assertNotIn("thread per connection", grown)
        self.assertNotIn("fork per connection", grown)
        quick = [b for b in rows(run, "thread_per_conn", "rate", conn="keepalive")
                 if b.counter("warmup_s") < 0.05]
        self.assertEqual("keep no workers" in words, bool(quick))

    def test_falling_windows_give_the_ratio_window_by_window(self):
        run = ref()
        t, f = (rows(run, s, "rate", conn="close", connections=100)
                for s in ("thread_per_conn", "fork_per_conn"))
        if not t or not f or len(t[0].counters["requests_per_s"]) < 3:
            self.skipTest("no three connection-per-request windows")
        for b in t + f:
            b.counters["requests_per_s"] = [3.0, 2.0, 1.0] if b in t else [1.5, 1.0, 0.25]
        self.assertIn("2.00×, 2.00×, 4.00×", http_notes.falling_windows(run))
        for b in t + f:
            b.counters["requests_per_s"] = [1.0, 2.0, 3.0]
        self.assertEqual(http_notes.falling_windows(run), "")


class Readings(unittest.TestCase):
    """A note on repeated memory readings is chosen by the row's model and follows from
    its own numbers (the reference said thread per connection "forks a fresh child" of
    readings 36.06, 36.064, 36.064)."""

    def notes_for(self, variant, vals):
        run = ref()
        b = rows(run, variant, "memory", connections=1000)[0]
        b.counters["kib_per_conn"] = vals
        return [w for w in http_notes.repeated_readings(run)
                if w.startswith(http_servers.label(variant) + "'s")]

    def test_equal_readings_of_a_thread_server_fork_nothing(self):
        words = " ".join(self.notes_for("thread_per_conn", [36.064] * 3))
        self.assertIn("same to the last digit", words)
        self.assertNotIn("fork", words)
        words = " ".join(self.notes_for("fork_per_conn", [108.285] * 3))
        self.assertIn("forks a fresh child", words)

    def test_readings_that_differ_are_not_called_the_same(self):
        self.assertEqual(self.notes_for("thread_per_conn", [36.06, 36.064, 36.064]), [])
        self.assertEqual(self.notes_for("fork_per_conn", [108.3, 108.285, 108.285]), [])

    def test_a_climb_in_order_is_a_trend(self):
        words = " ".join(self.notes_for("thread_per_conn", [32.76, 38.72, 45.72]))
        self.assertIn("32.8, 38.7, 45.7", words)
        self.assertIn("trend, not noise", words)
        self.assertEqual(self.notes_for("thread_per_conn", [38.72, 32.76, 45.72]), [])


class Tail(unittest.TestCase):
    def test_the_rate_comparison_says_each_sides_p99(self):
        """Beside which of thread and fork per connection answered more requests, the
        slowest 1% of each in the same windows, from the rows; none where a row has no
        p99."""
        from report import http_readings, kit
        run = ref()
        p99 = {s: rows(run, s, "rate", conn="keepalive", connections=100)[0]
               for s in ("thread_per_conn", "fork_per_conn")}
        text = " ".join(http_readings.what_it_does_not_say(run))
        self.assertIn("(p99) took {} ms with thread per connection and {} ms with fork per "
                      "connection".format(*(kit.fmt(http_servers.med(p99[s], "p99_us") / 1e3)
                                            for s in ("thread_per_conn", "fork_per_conn"))),
                      text)
        for b in run.select("http", "rate", variant="fork_per_conn"):
            b.counters.pop("p99_us", None)
        self.assertNotIn("(p99)", " ".join(http_readings.what_it_does_not_say(run)))


class Figure(unittest.TestCase):
    def test_a_levels_dots_stay_near_it(self):
        """Only the servers that ran a level are spread around it: three at 1000 within a
        step of it, seven at 100 within three."""
        class Row:
            usable = True

            def __init__(self):
                self.counters = {"requests_per_s": [1.0]}

            def counter(self, name):
                return 1.0
        servers = [f"s{i}" for i in range(7)]
        by = {(s, 100): Row() for s in servers}
        by.update({(s, 1000): Row() for s in servers[:2] + servers[-1:]})
        x = http_figures.spread(by, servers, [100, 1000])
        at = sorted(x[s, 1000] for s in servers[:2] + servers[-1:])
        self.assertAlmostEqual(at[1], 1000)
        self.assertAlmostEqual(at[2] / 1000, http_figures.STEP)
        self.assertAlmostEqual(1000 / at[0], http_figures.STEP)
        self.assertAlmostEqual(max(x[s, 100] for s in servers) / 100, http_figures.STEP ** 3)


class Marks(unittest.TestCase):
    def test_a_point_with_errors_is_marked_like_a_starved_one(self):
        """The reference's Apache event at 1000 had 256 read errors and was drawn as a
        plain 15.5k: its point is circled with its count, from the rows."""
        import tempfile
        run = ref()
        erred = [b for b in http_servers.rate_rows(run, "keepalive") if b.usable
                 and sum(b.counters.get("errors", [])) > 0]
        if not erred:
            b = next(b for b in http_servers.rate_rows(run, "keepalive") if b.usable)
            b.counters["errors"] = [42] + [0] * (len(b.counters["requests_per_s"]) - 1)
            erred = [b]
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "figures"), exist_ok=True)
            http_figures.series_figure(run, d, "keepalive")
            dat = [os.path.join(r, f) for r, _d, fs in os.walk(d) for f in fs
                   if f == "http_rate.keepalive.dat"]
            with open(dat[0], encoding="utf-8") as f:
                marks = f.read().split("\n\n")[-1]
        for b in erred:
            self.assertIn(f'"{sum(b.counters["errors"]):,.0f} errors"', marks)


    def test_the_memory_figure_draws_one_reading_solid_for_every_server(self):
        """The first set of values (drawn solid) is the same reading for every server,
        what the connections add, and the second all the server's memory: a solid set
        mixing the two drew Apache worker (a thread server, on its total) taller than
        fork per connection (on what its connections add)."""
        import tempfile
        run = ref()
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "figures"), exist_ok=True)
            http_figures.memory_figure(run, d)
            dat = [os.path.join(r, f) for r, _d, fs in os.walk(d) for f in fs
                   if f == "http_memory.dat"]
            with open(dat[0], encoding="utf-8") as f:
                table = [line.split("\t") for line in f.read().splitlines()]
        levels = sorted({b.args["connections"] for b in run.select("http", "memory")
                         if b.usable})
        by = {line[1]: line for line in table}
        k = len(levels)
        for server in ("apache_worker", "thread_per_conn", "fork_per_conn"):
            b = rows(run, server, "memory", connections=100)[0]
            cells = by[http_servers.label(server)]
            self.assertAlmostEqual(float(cells[4 + levels.index(100)]),
                                   b.counter("kib_per_conn"), places=2)
            self.assertAlmostEqual(float(cells[4 + k + levels.index(100)]),
                                   b.counter("total_kib_per_conn"), places=2)


class Capacity(unittest.TestCase):
    def test_a_lost_pu_going_into_http_is_drawn_for_the_rates(self):
        """The rate rows' text draws the consequence when the machine's state flags http
        for a lost PU, from the run's probes: edited both ways."""
        import json
        run = ref()
        pts = json.loads(run.ctx["sentinel"])
        names = list(pts)
        if "http" not in names or names.index("http") == 0:
            self.skipTest("no probe before http in this run")
        before = names[names.index("http") - 1]
        for p in pts.values():
            p["parallel_pus"] = 2.0
        run.ctx["sentinel"], run.ctx["pus"] = json.dumps(pts), "2"
        self.assertEqual(http_notes.capacity_words(run), "")
        pts[before]["parallel_pus"] = 1.01
        run.ctx["sentinel"] = json.dumps(pts)
        words = http_notes.capacity_words(run)
        self.assertIn("Going into this scenario only 1.01 of the machine's 2 PUs", words)
        self.assertIn("pinned rows against the unpinned say little", words)


class Counted(unittest.TestCase):
    def test_a_connection_per_request_is_context(self):
        """It measures creation (C1/C2 count it): C8 counts memory and held only."""
        c8 = [r for r in claims.RULES if r.claim == "C8"]
        counted = {r.prediction for r in c8 if r.counted}
        self.assertFalse([p for p in counted if "connection per request" in p])
        self.assertTrue([r for r in c8 if "connection per request" in r.prediction
                         and not r.counted])
        self.assertEqual(len(counted), 3)


if __name__ == "__main__":
    unittest.main()
