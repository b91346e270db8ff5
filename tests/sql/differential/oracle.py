"""Differential testing: one query on Ember and on DuckDB over the same tables, results compared.

Outcomes of one case (``Outcome.kind``):

- ``same``        both engines agree;
- ``unsupported`` Ember raised ``ParseException``/``AnalysisException`` with an ``UNSUPPORTED_*``
                  error class *and* the query uses a construct switched off by default in
                  ``Features`` (subqueries, windows, …): an honest refusal, not a bug;
- ``both_failed`` both engines raised (e.g. an ANSI error that DuckDB raises too);
- ``oracle_error`` only DuckDB raised: a generator bug, reported but not blamed on Ember;
- ``wrong_result`` / ``ember_error``: a bug in Ember.

Spark and DuckDB differ in documented ways; Spark's behaviour is the truth, so the DuckDB
side is normalised (or the generator avoids the difference):

1. NULL ordering: Spark sorts NULLs first ascending and last descending; DuckDB is told to
   match with ``SET default_null_order = 'nulls_first_on_asc_last_on_desc'``.
2. ``/``: Spark's ``/`` is always fractional (double, or decimal for decimals); DuckDB's ``/``
   is fractional on integers too (``//`` is its integer division), so ``/`` is printed the same.
   Divisors are non-zero literals: Spark (ANSI) raises on ``x / 0`` where DuckDB gives inf/NULL.
3. Decimal result scales differ (Spark caps at scale 6 after division, DuckDB gives a double
   for decimal division and ``avg`` of decimals): every number is compared as a float, with a
   relative and absolute tolerance of 1e-6 (doubles summed in another order differ too).
4. Integer overflow: Spark (ANSI) raises; DuckDB raises on INT32/INT64 overflow but gives a
   HUGEINT for ``sum``. Values stay small (see ``tables.py``) so neither overflows.
5. Strings compare by UTF-8 bytes in both engines (no collation); the generator uses ASCII
   plus one non-ASCII letter, and never ``CAST(double AS STRING)``, whose text differs.
6. Spelling: ``<=>``, ``date_add``, ``datediff`` and ``substring(s, 0, n)`` are printed in
   DuckDB's dialect by ``queries.py``. INTERSECT/EXCEPT without ALL are set operations in both.
7. ``CAST(x AS INT)`` truncates a fraction in Spark and rounds it in DuckDB, so DuckDB gets
   ``CAST(trunc(x) AS INT)``; ``round`` is only to whole numbers (Spark rounds a double
   HALF_UP on its decimal text, DuckDB on its binary value).
8. A query that runs past ``Oracle.timeout`` is cancelled and reported as a hang.
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable

import duckdb

from tests.sql.differential.queries import Query
from tests.sql.differential.tables import Table, register_duckdb, register_ember, values_sql

__all__ = ["Outcome", "Oracle", "QueryHung", "SessionHung", "normalise_rows", "rows_match", "reproduction", "EXPECTED_UNSUPPORTED", "is_honest_refusal", "compare"]

#: constructs Ember may refuse (with an UNSUPPORTED_* error naming them) without it being a bug
EXPECTED_UNSUPPORTED = frozenset({
    "in_subqueries", "exists_subqueries", "scalar_subqueries", "correlated_subqueries", "window_functions",
    "limit_offset", "sum_distinct",
})
REL_TOL = ABS_TOL = 1e-6


class QueryHung(RuntimeError):
    """Ember did not finish a query in time (the job was cancelled): always a bug."""


class SessionHung(QueryHung):
    """Not even cancelling ended the query: the session is unusable, so the run must stop."""


@dataclass(frozen=True)
class Outcome:
    kind: str
    detail: str = ""

    @property
    def is_bug(self) -> bool:
        return self.kind in ("wrong_result", "ember_error")


def _norm(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
        return float(value)
    return value


def normalise_rows(rows: list[Any]) -> list[tuple[Any, ...]]:
    return [tuple(_norm(v) for v in row) for row in rows]


def _sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    key = []
    for v in row:
        if v is None:
            key.append((0, ""))
        elif isinstance(v, bool):
            key.append((1, int(v)))
        elif isinstance(v, float):
            key.append((2, float(f"{v:.6g}")))
        else:
            key.append((3, str(v)))
    return tuple(key)


def _value_match(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL) or (math.isnan(a) and math.isnan(b))
    return type(a) is type(b) and a == b


def rows_match(got: list[tuple[Any, ...]], want: list[tuple[Any, ...]], ordered: bool) -> bool:
    if len(got) != len(want):
        return False
    if not ordered:
        got, want = sorted(got, key=_sort_key), sorted(want, key=_sort_key)
    return all(len(g) == len(w) and all(_value_match(x, y) for x, y in zip(g, w)) for g, w in zip(got, want))


def _describe(error: BaseException) -> str:
    cls = getattr(error, "getCondition", lambda: None)()
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}[{cls}]: {first[:300]}"


def is_honest_refusal(error: BaseException, query: Query) -> bool:
    from ember.sql.errors import AnalysisException

    condition = getattr(error, "getCondition", lambda: None)() or ""
    return (isinstance(error, AnalysisException) and condition.startswith("UNSUPPORTED")
            and bool(query.features_used & EXPECTED_UNSUPPORTED))


class Oracle:
    """Holds one Ember session and one DuckDB connection; ``load`` tables, then ``check`` queries."""

    def __init__(self, spark: Any, timeout: float = 60.0):
        self.spark = spark
        self.timeout = timeout
        self.duck = duckdb.connect()
        self.duck.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")
        self.tables: list[Table] = []

    def load(self, tables: list[Table]) -> None:
        """Register ``tables`` in both engines, skipping those already registered with the same rows."""
        loaded = {t.name: t for t in self.tables}
        changed = [t for t in tables if t.name not in loaded or not (
            t is loaded[t.name] or (t.ddl == loaded[t.name].ddl and t.arrow.equals(loaded[t.name].arrow)))]
        register_ember(self.spark, changed)
        register_duckdb(self.duck, changed)
        self.tables = [*[t for t in self.tables if t.name not in {c.name for c in tables}], *tables]

    def run_ember(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of ``sql`` on Ember, collected on a helper thread so that a hang cannot block
        the run: past ``timeout`` seconds the jobs are cancelled, and if even that does not end
        the query the session is unusable and ``SessionHung`` stops the run."""
        result: dict[str, Any] = {}

        def collect() -> None:
            try:
                result["rows"] = normalise_rows([tuple(r) for r in self.spark.sql(sql).collect()])
            except Exception as e:  # noqa: BLE001 - re-raised on the caller's thread
                result["error"] = e

        worker = threading.Thread(target=collect, name="differential-query", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            self.spark.sparkContext.cancelAllJobs()
            worker.join(10)
            if worker.is_alive():
                raise SessionHung(f"the query still ran after {self.timeout:.0f}s, and cancelling it did not end it")
            raise QueryHung(f"the query still ran after {self.timeout:.0f}s and was cancelled")
        if "error" in result:
            raise result["error"]
        return result["rows"]

    def run_duckdb(self, sql: str) -> list[tuple[Any, ...]]:
        return normalise_rows(self.duck.execute(sql).fetchall())

    def check(self, query: Query) -> Outcome:
        try:
            want = self.run_duckdb(query.duck)
            duck_error = None
        except duckdb.Error as e:
            want, duck_error = [], e
        try:
            got = self.run_ember(query.spark)
        except SessionHung:
            raise
        except Exception as e:  # noqa: BLE001 - every Ember failure is classified below
            if duck_error is not None:
                return Outcome("both_failed", _describe(e))
            if is_honest_refusal(e, query):
                return Outcome("unsupported", _describe(e))
            return Outcome("ember_error", _describe(e))
        if duck_error is not None:
            return Outcome("oracle_error", f"DuckDB: {str(duck_error).splitlines()[0]}")
        return compare(got, want, query)


def compare(got: list[tuple[Any, ...]], want: list[tuple[Any, ...]], query: Query) -> Outcome:
    """Lists when the order is total; otherwise multisets, plus the ORDER BY keys' sequence."""
    if not rows_match(got, want, query.ordered):
        return Outcome("wrong_result", _diff(got, want))
    keys = [c for c, _, _ in query.order_by]
    if keys and not query.ordered and query.limit is None:
        project = lambda rows: [tuple(r[c] for c in keys) for r in rows]  # noqa: E731
        if not rows_match(project(got), project(want), ordered=True):
            return Outcome("wrong_result", "ORDER BY keys out of order:\n" + _diff(project(got), project(want)))
    return Outcome("same")


def _diff(got: list[tuple[Any, ...]], want: list[tuple[Any, ...]], limit: int = 8) -> str:
    def show(rows: list[tuple[Any, ...]]) -> str:
        head = ", ".join(repr(r) for r in sorted(rows, key=_sort_key)[:limit])
        return f"{len(rows)} rows: [{head}{', ...' if len(rows) > limit else ''}]"

    return f"  ember : {show(got)}\n  duckdb: {show(want)}"


def shrink_tables(tables: list[Table], fails: Callable[[list[Table]], bool], budget: int = 80) -> list[Table]:
    """Drop rows (in halving chunks) from each table while ``fails`` still holds: a smaller repro.

    At most ``budget`` calls of ``fails``, so one failure cannot eat a whole run.
    """
    tables = list(tables)
    for j in range(len(tables)):
        rows = tables[j].rows
        chunk = max(len(rows) // 2, 1)
        while rows and chunk >= 1 and budget > 0:
            start, shrunk = 0, False
            while start < len(rows) and budget > 0:
                candidate = rows[:start] + rows[start + chunk:]
                trial = tables[:j] + [tables[j].with_rows(candidate)] + tables[j + 1:]
                budget -= 1
                if fails(trial):
                    rows, tables, shrunk = candidate, trial, True
                else:
                    start += chunk
            if not shrunk:
                chunk //= 2
    return tables


def reproduction(tables: list[Table], sql: str, detail: str) -> str:
    """The tables a query reads, as VALUES views, then the query and what went wrong."""
    used = [t for t in tables if re.search(rf"\b{t.name}\b", sql)]
    return "\n".join([values_sql(t) for t in used] + [sql + ";", detail])
