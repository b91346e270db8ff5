"""Run many seeded cases (differential and metamorphic) and summarise them.

One case is: one random query checked against DuckDB; every ``metamorphic_every``-th case
also runs a TLP check and a settings check. Tables are redrawn every ``queries_per_tables``
cases. Every bug is printed with a reproduction whose tables are shrunk to the rows that
still make it fail. Everything derives from ``seed``, so a case can be replayed exactly.
"""

from __future__ import annotations

import collections
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from tests.sql.differential import metamorphic
from tests.sql.differential.oracle import Oracle, Outcome, SessionHung, reproduction, shrink_tables
from tests.sql.differential.queries import Features, QueryGenerator
from tests.sql.differential.tables import Table, random_tables

__all__ = ["Failure", "Summary", "run_cases"]


@dataclass(frozen=True)
class Failure:
    case: int
    check: str
    outcome: Outcome
    repro: str

    @property
    def signature(self) -> str:
        """Failures with the same signature are probably the same bug."""
        first = self.outcome.detail.splitlines()[0] if self.outcome.detail else ""
        return f"{self.check}/{self.outcome.kind}: " + re.sub(r"\d+", "N", re.sub(r"'[^']*'|`[^`]*`", "?", first))[:120]


@dataclass
class Summary:
    cases: int = 0
    seconds: float = 0.0
    counts: collections.Counter = field(default_factory=collections.Counter)
    failures: list[Failure] = field(default_factory=list)
    unsupported: collections.Counter = field(default_factory=collections.Counter)
    oracle_errors: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"{self.cases} cases in {self.seconds:.1f}s: " + ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items()))]
        for reason, n in self.unsupported.most_common(10):
            lines.append(f"  unsupported x{n}: {reason}")
        for detail in self.oracle_errors[:5]:
            lines.append(f"  oracle error: {detail}")
        groups = collections.defaultdict(list)
        for f in self.failures:
            groups[f.signature].append(f)
        lines.append(f"{len(self.failures)} failures, {len(groups)} distinct signatures")
        for signature, members in groups.items():
            first = members[0]
            lines += ["", f"=== x{len(members)} {signature} (first: case {first.case})", first.repro]
        return "\n".join(lines)


def _record(summary: Summary, case: int, check: str, outcome: Outcome, tables: list[Table],
            sql: str, retry: Callable[[list[Table]], Outcome] | None, shrink: bool) -> None:
    summary.counts[f"{check}:{outcome.kind}"] += 1
    if outcome.kind == "unsupported":
        summary.unsupported[outcome.detail.split(":")[0] + ":" + outcome.detail.split(":", 1)[-1][:80]] += 1
    if outcome.kind == "oracle_error":
        summary.oracle_errors.append(f"{outcome.detail}\n    {sql}")
    if not outcome.is_bug:
        return
    if shrink and retry is not None:
        small = shrink_tables(tables, lambda t: retry(t).kind == outcome.kind)
        outcome = retry(small) if small is not tables else outcome
        tables = small
    summary.failures.append(Failure(case, check, outcome, reproduction(tables, sql, outcome.detail)))


def run_cases(spark: Any, cases: int, seed: int, features: Features | None = None,
              queries_per_tables: int = 25, metamorphic_every: int = 4, all_settings: bool = False,
              shrink: bool = True, log: Callable[[str], None] | None = None,
              trace: Callable[[str], None] | None = None) -> Summary:
    features = features or Features()
    oracle = Oracle(spark)
    summary = Summary()
    start = time.monotonic()
    rng = random.Random(seed)
    tables: list[Table] = []
    for case in range(cases):
        if case % queries_per_tables == 0:
            tables = random_tables(seed * 1_000_003 + case, count=3)
            oracle.load(tables)
        gen = QueryGenerator(random.Random(rng.getrandbits(64)), [t.name for t in tables], features)
        query = gen.query()
        if trace:
            trace(f"case {case}: {query.spark}")

        def retry(t: list[Table], q=query) -> Outcome:
            oracle.load(t)
            return oracle.check(q)

        try:
            outcome = oracle.check(query)
            _record(summary, case, "oracle", outcome, tables, query.spark, retry, shrink)
            if outcome.is_bug and shrink:
                oracle.load(tables)  # the shrinking replaced them
            if metamorphic_every and case % metamorphic_every == 0:
                _run_metamorphic(summary, oracle, gen, query, case, tables, all_settings)
        except SessionHung as e:
            hung = Outcome("ember_error", f"{type(e).__name__}: {e} (the run stops here)")
            _record(summary, case, "oracle", hung, oracle.tables, query.spark, None, False)
            break
        summary.cases += 1
        if log and (case + 1) % 100 == 0:
            log(f"{case + 1} cases, {len(summary.failures)} failures, {time.monotonic() - start:.0f}s")
    summary.seconds = time.monotonic() - start
    return summary


def _run_metamorphic(summary: Summary, oracle: Oracle, gen: QueryGenerator, query: Any, case: int,
                     tables: list[Table], all_settings: bool) -> None:
    variants = metamorphic.settings_variants(all_settings, gen.rng)
    outcome = metamorphic.check_settings(oracle, query, variants)
    _record(summary, case, "settings", outcome, tables, query.spark, None, False)
    check = metamorphic.check_tlp_where if gen.rng.random() < 0.5 else metamorphic.check_tlp_aggregate
    outcome = check(oracle, gen)
    _record(summary, case, "tlp", outcome, tables, outcome.detail, None, False)
