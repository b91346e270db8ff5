"""Oracle-free checks: Ember against itself, where two queries or two settings must agree.

1. Ternary logic partitioning (TLP). For any predicate ``p`` each row makes ``p`` true, false
   or NULL, so ``q`` equals ``q WHERE p UNION ALL q WHERE NOT p UNION ALL q WHERE p IS NULL``
   as a multiset. For aggregates: ``max``/``min`` of ``q`` is the ``max``/``min`` of the
   partitions' results, ``sum`` and ``count`` are the ``sum`` of theirs.
2. Settings that must not change an answer: every optimizer rule switched off
   (``spark.ember.optimizer.<rule>=false``, one at a time and all together), broadcast joins
   off (``spark.sql.autoBroadcastJoinThreshold=-1``), and ``spark.sql.shuffle.partitions`` 1 vs 7.

Each check returns an ``Outcome`` from ``oracle.py``; the query it ran is in ``Outcome.detail``.
"""

from __future__ import annotations

import contextlib
import random
from typing import Any, Iterator

from tests.sql.differential.oracle import Oracle, Outcome, SessionHung, compare, is_honest_refusal
from tests.sql.differential.queries import Query, QueryGenerator, Select, Sql, fmt

__all__ = ["settings_variants", "with_settings", "check_tlp_where", "check_tlp_aggregate", "check_settings"]


def settings_variants(everything: bool, rng: random.Random) -> list[dict[str, str]]:
    """The configurations to compare with the default: all of them, or a random few."""
    from ember.sql.optimizer import RULES

    one_rule_off = [{f"spark.ember.optimizer.{r.__name__}": "false"} for r in RULES]
    variants = [{f"spark.ember.optimizer.{r.__name__}": "false" for r in RULES},
                {"spark.sql.autoBroadcastJoinThreshold": "-1"},
                {"spark.sql.shuffle.partitions": "1"},
                {"spark.sql.shuffle.partitions": "7", "spark.sql.autoBroadcastJoinThreshold": "-1"}]
    return variants + (one_rule_off if everything else [rng.choice(one_rule_off)])


@contextlib.contextmanager
def with_settings(spark: Any, settings: dict[str, str]) -> Iterator[None]:
    saved = {k: spark.conf.get(k) for k in settings}
    for k, v in settings.items():
        spark.conf.set(k, v)
    try:
        yield
    finally:
        for k, v in saved.items():
            spark.conf.unset(k) if v is None else spark.conf.set(k, v)


def _ember(oracle: Oracle, sql: str) -> tuple[list[tuple[Any, ...]] | None, Exception | None]:
    try:
        return oracle.run_ember(sql), None
    except SessionHung:
        raise
    except Exception as e:  # noqa: BLE001 - reported as the outcome
        return None, e


def _failed(error: Exception, query: Query, context: str) -> Outcome:
    kind = "unsupported" if is_honest_refusal(error, query) else "ember_error"
    return Outcome(kind, f"{context}\n  {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")


def _agree(oracle: Oracle, reference: str, variant: str, query: Query, label: str) -> Outcome:
    want, error = _ember(oracle, reference)
    if want is None:
        return Outcome("skipped", str(error))
    got, error = _ember(oracle, variant)
    if got is None:
        return _failed(error, query, f"{label}: {variant}")
    outcome = compare(got, want, query)
    if outcome.kind == "same":
        return outcome
    return Outcome("wrong_result", f"{label}\n  reference: {reference}\n  variant  : {variant}\n{outcome.detail}")


def _with_where(select: Select, extra: Sql) -> Select:
    where = extra if select.where is None else fmt("({}) AND {}", select.where, extra, type_="bool")
    return Select(select.items, select.from_, where, with_=select.with_)


def _partitions(select: Select, p: Sql) -> list[Select]:
    return [_with_where(select, fmt("({})", p, type_="bool")),
            _with_where(select, fmt("(NOT ({}))", p, type_="bool")),
            _with_where(select, fmt("(({}) IS NULL)", p, type_="bool"))]


def _spark_union(branches: list[Select]) -> str:
    """UNION ALL of selects that may each carry a WITH: every branch becomes a derived table."""
    return " UNION ALL ".join(f"SELECT * FROM ({b.text('spark')}) p{j}" for j, b in enumerate(branches))


def check_tlp_where(oracle: Oracle, gen: QueryGenerator) -> Outcome:
    """``q`` against the UNION ALL of its three partitions by a random predicate."""
    gen.used = set()
    from_, scope, with_ = gen.from_clause()
    items = [gen.expr(scope, gen.rng.choice(("num", "str", "date", "bool")), 2) for _ in range(gen.rng.randint(1, 3))]
    where = gen.predicate(scope, 2) if gen.rng.random() < 0.5 else None
    base = Select(items, from_, where, with_=with_)
    p = gen.predicate(scope, 2)
    union = _spark_union(_partitions(base, p))
    return _agree(oracle, base.text("spark"), union, Query(base, features_used=frozenset(gen.used)), "TLP (WHERE)")


def check_tlp_aggregate(oracle: Oracle, gen: QueryGenerator) -> Outcome:
    """``max``/``min``/``sum``/``count`` of ``q`` against the same aggregate over its partitions."""
    rng = gen.rng
    gen.used = set()
    from_, scope, with_ = gen.from_clause()
    fn = rng.choice(("max", "min", "sum", "count"))
    arg = gen.expr(scope, "num" if fn == "sum" else rng.choice(("num", "str", "date")), 1)
    where = gen.predicate(scope, 2) if rng.random() < 0.5 else None
    base = Select([fmt(fn + "({})", arg, type_="num", aggregate=True)], from_, where, with_=with_)
    p = gen.predicate(scope, 2)
    outer = {"max": "max", "min": "min", "sum": "sum", "count": "sum"}[fn]
    union = f"SELECT {outer}(c0) AS c0 FROM ({_spark_union(_partitions(base, p))}) u"
    return _agree(oracle, base.text("spark"), union, Query(base, features_used=frozenset(gen.used)), f"TLP ({fn})")


def check_settings(oracle: Oracle, query: Query, variants: list[dict[str, str]]) -> Outcome:
    """``query`` under each settings variant against the default settings."""
    want, error = _ember(oracle, query.spark)
    if want is None:
        return Outcome("skipped", str(error))
    for settings in variants:
        with with_settings(oracle.spark, settings):
            got, error = _ember(oracle, query.spark)
        label = ", ".join(f"{k}={v}" for k, v in settings.items())
        if got is None:
            return _failed(error, query, f"with {label}:")
        outcome = compare(got, want, query)
        if outcome.kind != "same":
            return Outcome("wrong_result", f"with {label} (vs default settings):\n{outcome.detail}")
    return Outcome("same")

