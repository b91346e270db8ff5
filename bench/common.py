"""Shared machinery for Ember's benchmarks: subprocess runs, memory sampling, the table.

A benchmark script runs in two roles.

* As the *parent* (what a person types), it prepares the input data once, then for every engine
  and repeat starts a fresh interpreter running the same script as a *worker*, samples the RSS
  of that worker's whole process tree every ~50 ms (PySpark's JVM and Python workers, Ember's
  executor processes, a multiprocessing pool), enforces a timeout, and finally prints one table
  and checks that all engines computed the same result.
* As a *worker* (``--worker ENGINE --result-file F``, added by the parent), it runs one engine's
  workload, timing its phases, and writes ``{"status", "phases", "result", "error"}`` as JSON.

Why subprocesses: every engine starts cold, nothing it allocates is charged to another, and a
crash or hang in one engine cannot take the run down. Peak memory sums RSS over the tree, so
pages shared after a fork count once per process (a small over-count, alike for all that fork).

CLI of every script: ``--engines a,b,c``, ``--scale F`` (1 = full size; 0.01 for a smoke test),
``--repeat N`` (fresh processes; median times, highest peak), ``--data-dir`` (default
``bench/data``, gitignored), ``--timeout`` (seconds per run).

Ember is used as installed; if it is not, this checkout is loaded through a generated package
on ``PYTHONPATH`` that maps ``engine/`` etc. as pyproject.toml does (the row says "checkout").
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import importlib
import importlib.util
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
MASTER = "local[2]"
SAMPLE_INTERVAL_S = 0.05
TOTAL = "total"  # phase key of the parent-measured wall time of the whole subprocess

# ---------------------------------------------------------------------------- plain data


@dataclass(slots=True)
class Stopwatch:
    """Phase timings recorded inside a worker, in seconds, in the order they happened."""

    launched_at: float = 0.0  # time.time() just before the parent started this process
    phases: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def time(self, key: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phases[key] = time.perf_counter() - start

    def since_launch(self, key: str) -> None:
        """Record the wall time from the parent's launch of this process until now."""
        self.phases[key] = time.time() - self.launched_at


Runner = Callable[[argparse.Namespace, Stopwatch], Any]


@dataclass(frozen=True, slots=True)
class Engine:
    """One row of the table: how to run the workload, and what it needs to be importable."""

    name: str
    run: Runner  # called in the worker; returns a JSON-able result
    module: str | None = None  # top-level import; missing => "not installed"
    env: dict[str, str | None] = field(default_factory=dict)  # its process's changes; None unsets


@dataclass(frozen=True, slots=True)
class Benchmark:
    """A benchmark script's description, handed to `main`."""

    name: str
    script: str  # the script's __file__, re-run as the worker
    engines: Sequence[Engine]
    columns: Sequence[tuple[str, str]]  # (phase key, column header), in table order
    ratio_keys: Sequence[str]  # phases compared with Ember
    prepare: Callable[[argparse.Namespace], str] | None = None  # parent side; returns a summary
    compare: Callable[[Any, Any], str | None] = lambda a, b: None if a == b else f"{a!r} != {b!r}"
    describe: Callable[[Any], str] = repr  # one line showing the reference result
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None
    reference: str = "python"  # the engine whose result the others are compared with, if it ran
    report: Callable[[Sequence[Measurement]], str] | None = None  # more, printed after the table


@dataclass(slots=True)
class Measurement:
    """What the parent learned about one engine (medians over repeats)."""

    engine: str
    status: str  # "ok", "not installed", "failed", "timeout"
    phases: dict[str, float] = field(default_factory=dict)
    peak_mb: float | None = None
    result: Any = None
    error: str = ""
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- engines


def spark_engines(run: Callable[[str, argparse.Namespace, Stopwatch], Any]) -> list[Engine]:
    """Ember and PySpark rows running the same ``run(module, args, watch)``.

    PySpark's workers hash string keys with ``hash()``, so its process gets a fixed
    ``PYTHONHASHSEED``; Ember's process gets none, because Ember must not need it.
    """
    return [Engine("ember", lambda args, watch: run("ember", args, watch), "ember",
                   {"PYTHONHASHSEED": None}),
            Engine("pyspark", lambda args, watch: run("pyspark", args, watch), "pyspark",
                   {"PYTHONHASHSEED": "0", "PYSPARK_PYTHON": sys.executable})]


@contextmanager
def spark_context(module: str, watch: Stopwatch, app_name: str = "ember-bench",
                  settings: dict[str, str] | None = None) -> Iterator[Any]:
    """``module.SparkContext(MASTER, app_name)`` with ``settings`` in its conf, timed as the
    "session" phase, stopped after."""
    imported = importlib.import_module(module)
    context_class = getattr(imported, "SparkContext", None)
    if context_class is None:
        raise ImportError(f"{module} imports but has no SparkContext (incomplete?)")
    with watch.time("session"):
        if settings:
            sc = context_class(MASTER, app_name, conf=imported.SparkConf().setAll(list(settings.items())))
        else:
            sc = context_class(MASTER, app_name)
    try:
        yield sc
    finally:
        sc.stop()


def timed_job(fn: Callable[[argparse.Namespace], Any]) -> Runner:
    """A runner for a plain-Python baseline: ``fn(args)`` timed as the "job" phase."""
    def run(args: argparse.Namespace, watch: Stopwatch) -> Any:
        with watch.time("job"):
            return fn(args)
    return run


# ---------------------------------------------------------------------------- comparison


def same_ranking(a: Sequence[Sequence[Any]], b: Sequence[Sequence[Any]], rank_index: int,
                 rel_tol: float = 0.0) -> str | None:
    """None if two top-k lists of pairs agree, else what differs.

    Ranks must agree position by position (within ``rel_tol``). Items tied with the last rank
    may differ, since which of a tied group makes the cut is up to the engine; the others must
    be the same pairs in any order.
    """
    if len(a) != len(b):
        return f"{len(a)} items vs {len(b)}"
    for i, (x, y) in enumerate(zip(a, b)):
        if not math.isclose(x[rank_index], y[rank_index], rel_tol=rel_tol):
            return f"position {i}: {tuple(x)} vs {tuple(y)}"
    other = 1 - rank_index
    settled = [sorted((p for p in items if not math.isclose(p[rank_index], a[-1][rank_index],
                                                             rel_tol=rel_tol)),
                      key=lambda p: (p[other], p[rank_index])) for items in (a, b)]
    for x, y in zip(*settled):
        if x[other] != y[other] or not math.isclose(x[rank_index], y[rank_index], rel_tol=rel_tol):
            return f"{tuple(x)} vs {tuple(y)}"
    return None if len(settled[0]) == len(settled[1]) else "different items above the last tie"


# ---------------------------------------------------------------------------- TPC-H data

TPCH_TABLES = ("customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier")


def tpch_dir(args: argparse.Namespace) -> Path:
    """Where the Parquet tables of scale factor ``--scale`` live: ``<data-dir>/tpch-sf<scale>``."""
    return args.data_dir / f"tpch-sf{args.scale:g}"


def prepare_tpch(args: argparse.Namespace) -> str:
    """Generate the eight TPC-H tables as Parquet once (tpchgen-cli: about 10 s for SF1)."""
    folder = tpch_dir(args)
    if any(not (folder / f"{t}.parquet").exists() for t in TPCH_TABLES):
        beside = Path(sysconfig.get_path("scripts")) / "tpchgen-cli"
        exe = str(beside) if beside.exists() else shutil.which("tpchgen-cli")
        if exe is None:
            raise SystemExit("tpchgen-cli is not installed: pip install tpchgen-cli (or '.[bench]')")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([exe, "parquet", "-s", f"{args.scale:g}", f"--output-dir={folder}"], check=True)
    size = sum((folder / f"{t}.parquet").stat().st_size for t in TPCH_TABLES) / 2**20
    return f"TPC-H SF{args.scale:g} Parquet from tpchgen-cli, {size:.0f} MiB in {folder}"


def plain_cell(value: Any) -> Any:
    """A JSON-able, comparable cell: decimals as floats rounded to cents, dates as text.

    Cents, because DuckDB's ``avg`` of decimals is a double where Spark and Ember keep a
    decimal of 6 more digits.
    """
    if isinstance(value, (decimal.Decimal, float)):
        return round(float(value), 2)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def plain_rows(rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    return [[plain_cell(v) for v in row] for row in rows]


def same_cells(a: Any, b: Any) -> bool:
    """Equal, or (numbers) within 1e-9 relative or a cent, as rounding to cents may differ."""
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(
            a, b, rel_tol=1e-9, abs_tol=0.011)
    return a == b


def rows_difference(a: Sequence[Sequence[Any]], b: Sequence[Sequence[Any]]) -> str | None:
    """None if two results of `plain_rows` agree row by row, else the first difference."""
    if len(a) != len(b):
        return f"{len(a)} rows vs {len(b)}"
    for i, (x, y) in enumerate(zip(a, b)):
        if len(x) != len(y) or not all(same_cells(p, q) for p, q in zip(x, y)):
            return f"row {i}: {x} vs {y}"
    return None


# ---------------------------------------------------------------------------- parent side


def _environment(engine: Engine, tmp: Path) -> tuple[dict[str, str] | None, list[str]]:
    """The engine process's environment and notes; None if the engine is not installed."""
    env = {k: v for k, v in {**os.environ, **engine.env}.items() if v is not None}
    if engine.module is None or importlib.util.find_spec(engine.module) is not None:
        return env, []
    init = REPO_DIR / "engine" / "__init__.py"
    if engine.module != "ember" or not init.exists():
        return None, []
    # An uninstalled checkout: a generated `ember` whose __path__ is engine/ and the repository
    # root, so `ember.rdd` finds rdd/ and so on (also in worker processes, via PYTHONPATH).
    package = tmp / "ember-checkout" / "ember"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(
        f"__path__ = [{str(init.parent)!r}, {str(REPO_DIR)!r}]\n__file__ = {str(init)!r}\n"
        "with open(__file__) as _f:\n    exec(compile(_f.read(), __file__, 'exec'))\n")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(package.parent), env.get("PYTHONPATH")]))
    return env, ["checkout"]


def _quietly(fn: Callable[[], Any], default: Any = None) -> Any:
    """``fn()``, or ``default`` if a process vanished meanwhile."""
    try:
        return fn()
    except psutil.Error:
        return default


def _tree(root: psutil.Process) -> list[psutil.Process]:
    return _quietly(lambda: [root, *root.children(recursive=True)], [])


def _run_once(bench: Benchmark, engine: Engine, argv: list[str], env: dict[str, str],
              timeout: float, tmp: Path, tag: str) -> Measurement:
    """One fresh worker process: sample its tree's RSS until it exits or times out."""
    result_file, err_file = tmp / f"{tag}.json", tmp / f"{tag}.stderr"
    cmd = [sys.executable, bench.script, *argv, "--worker", engine.name,
           "--result-file", str(result_file), "--launched-at", repr(time.time())]
    seen: dict[int, psutil.Process] = {}
    peak, timed_out = 0, False
    with open(err_file, "wb") as err:
        start = time.perf_counter()
        proc = psutil.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        try:
            while proc.poll() is None:
                tree = _tree(proc)
                seen.update((p.pid, p) for p in tree)
                peak = max(peak, sum(_quietly(lambda p=p: p.memory_info().rss, 0) for p in tree))
                if time.perf_counter() - start > timeout:
                    timed_out = True
                    break
                time.sleep(SAMPLE_INTERVAL_S)
        finally:  # timeout or Ctrl-C: take the whole tree down
            if proc.poll() is None:
                for p in [*seen.values(), *_tree(proc)]:
                    _quietly(p.kill)
                proc.wait()
        wall = time.perf_counter() - start
    measured = Measurement(engine.name, "timeout", peak_mb=peak / 2**20)
    _, leftovers = psutil.wait_procs([p for pid, p in seen.items() if pid != proc.pid], timeout=3)
    leftovers = [p for p in leftovers
                 if _quietly(lambda p=p: p.is_running() and p.status() != "zombie", False)]
    for p in leftovers:
        _quietly(p.kill)
    if leftovers:
        measured.notes.append(f"{len(leftovers)} processes outlived it (killed)")
    if timed_out:
        measured.error = f"no result within {timeout:.0f} s"
        return measured
    if not result_file.exists():
        tail = err_file.read_text(errors="replace").splitlines()[-25:]
        measured.status = "failed"
        measured.error = f"worker exited with {proc.returncode}:\n" + "\n".join(tail)
        return measured
    payload = json.loads(result_file.read_text())
    measured.status, measured.error = payload["status"], payload.get("error", "")
    measured.phases = {**payload["phases"], TOTAL: wall}
    measured.result = payload.get("result")
    return measured


def _measure(bench: Benchmark, engine: Engine, args: argparse.Namespace, argv: list[str],
             tmp: Path) -> Measurement:
    env, notes = _environment(engine, tmp)
    if env is None:
        return Measurement(engine.name, "not installed")
    runs: list[Measurement] = []
    for i in range(args.repeat):
        print(f"[{bench.name}] {engine.name}: run {i + 1}/{args.repeat}", file=sys.stderr, flush=True)
        run = _run_once(bench, engine, argv, env, args.timeout, tmp, f"{engine.name}-{i}")
        run.notes[:0] = notes
        if run.status != "ok":
            return run
        runs.append(run)
    return Measurement(engine.name, "ok", result=runs[-1].result,
                       phases={k: statistics.median(r.phases[k] for r in runs if k in r.phases)
                               for k in runs[0].phases},
                       peak_mb=max(r.peak_mb or 0.0 for r in runs),
                       notes=list(dict.fromkeys(n for r in runs for n in r.notes)))


# ---------------------------------------------------------------------------- table and CLI


def format_table(title: str, rows: Sequence[Measurement], columns: Sequence[tuple[str, str]],
                 ratio_keys: Sequence[str]) -> str:
    """Plain-text table: one row per engine, times in s, ratios as "x.xx× Ember", peak MB."""
    ember = next((r for r in rows if r.engine == "ember" and r.status == "ok"), None)
    labels = dict(columns)
    header = ["engine", *(label for _, label in columns),
              *(f"{labels.get(k, k).split(' (')[0]} vs Ember" for k in ratio_keys),
              "peak MB", "status"]
    table = [header]
    for row in rows:
        cells = [row.engine]
        cells += [f"{row.phases[k]:.2f}" if k in row.phases else "-" for k, _ in columns]
        for k in ratio_keys:
            base = ember.phases.get(k) if ember else None
            ok = base and k in row.phases
            cells.append(f"{row.phases[k] / base:.2f}× Ember" if ok else "-")
        cells.append(f"{row.peak_mb:.0f}" if row.peak_mb else "-")
        cells.append("; ".join([row.status, *row.notes]))
        table.append(cells)
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    left = {0, len(header) - 1}
    lines = ["  ".join(c.ljust(w) if i in left else c.rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths))).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([title, "", *lines])


def _check_results(bench: Benchmark, rows: Sequence[Measurement]) -> list[str]:
    """Lines reporting agreement; each mismatch line starts with "MISMATCH"."""
    done = [r for r in rows if r.status == "ok"]
    if len(done) < 2:
        return ["results: fewer than two engines finished; nothing to compare"]
    ref = next((r for r in done if r.engine == bench.reference), done[0])
    problems = [(r.engine, bench.compare(ref.result, r.result)) for r in done if r is not ref]
    lines = [f"MISMATCH: {name} differs from {ref.engine}: {p}" for name, p in problems if p]
    agree = [] if lines else [f"results agree: {', '.join(r.engine for r in done)}"]
    return [f"reference result ({ref.engine}): {bench.describe(ref.result)}", *lines, *agree]


def _parser(bench: Benchmark) -> argparse.ArgumentParser:
    names = [e.name for e in bench.engines]
    parser = argparse.ArgumentParser(prog=f"bench/{Path(bench.script).name}",
                                     description=(sys.modules["__main__"].__doc__ or "").split("\n")[0])
    parser.add_argument("--engines", default=",".join(names),
                        help=f"comma-separated, from: {','.join(names)} (default: all)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="workload size relative to the full benchmark (e.g. 0.01)")
    parser.add_argument("--repeat", type=int, default=1, help="fresh runs per engine")
    parser.add_argument("--data-dir", type=Path, default=BENCH_DIR / "data")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--launched-at", type=float, default=0.0, help=argparse.SUPPRESS)
    if bench.add_arguments:
        bench.add_arguments(parser)
    return parser


def _worker_main(bench: Benchmark, args: argparse.Namespace) -> int:
    engine = next(e for e in bench.engines if e.name == args.worker)
    watch = Stopwatch(launched_at=args.launched_at)
    payload: dict[str, Any]
    try:
        payload = {"status": "ok", "result": engine.run(args, watch)}
    except Exception:  # reported by the parent; the run goes on with the other engines
        lines = traceback.format_exc().rstrip().splitlines()
        payload = {"status": "failed", "error": "\n".join(lines[-25:])}
    payload["phases"] = watch.phases
    tmp = args.result_file.with_suffix(".partial")
    tmp.write_text(json.dumps(payload, default=repr))
    tmp.replace(args.result_file)
    return 0


def main(bench: Benchmark, argv: Sequence[str] | None = None) -> int:
    """Entry point of every benchmark script; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser(bench).parse_args(argv)
    if args.worker:
        return _worker_main(bench, args)
    engines, wanted = {e.name: e for e in bench.engines}, args.engines.replace(" ", "").split(",")
    if unknown := [n for n in wanted if n not in engines]:
        _parser(bench).error(f"unknown engine(s) {unknown}; choose from {list(engines)}")
    args.data_dir.mkdir(parents=True, exist_ok=True)
    summary = ""
    if bench.prepare:
        print(f"[{bench.name}] preparing input ...", file=sys.stderr, flush=True)
        summary = bench.prepare(args)
    with tempfile.TemporaryDirectory(prefix="ember-bench-") as tmp:
        rows = [_measure(bench, engines[n], args, argv, Path(tmp)) for n in wanted]
    title = (f"{bench.name}  (scale {args.scale:g}, {MASTER}, repeat {args.repeat}; "
             "times are medians in seconds, peak MB = RSS summed over the process tree)")
    print(format_table(title, rows, [*bench.columns, (TOTAL, "process (s)")], bench.ratio_keys))
    if bench.report:
        print(bench.report(rows))
    if summary:
        print(f"\ninput: {summary}")
    for row in rows:
        if row.status in ("failed", "timeout"):
            print(f"\n{row.engine} {row.status}:\n  " + row.error.replace("\n", "\n  "))
    checks = _check_results(bench, rows)
    mismatch = any(line.startswith("MISMATCH") for line in checks)
    banner = ["", "!" * 72, "!!! RESULTS DIFFER BETWEEN ENGINES", "!" * 72] if mismatch else [""]
    print("\n".join([*banner, *checks, *banner[1:]]))
    return 1 if mismatch else 0
