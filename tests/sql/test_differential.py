"""Random queries on Ember against DuckDB, and Ember against itself (tests/sql/differential).

CI runs a bounded, seeded sample on the suite's one shared session (about a minute on two
cores). The long hunt is run by hand and is not part of CI::

    python -m tests.sql.differential --cases 5000 --seed 7
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from tests.sql.differential.oracle import Outcome, compare, rows_match
from tests.sql.differential.queries import Features, Query, QueryGenerator, Select, same
from tests.sql.differential.runner import run_cases
from tests.sql.differential.tables import random_tables

CI_SEEDS = (11, 12, 13)
CI_CASES_PER_SEED = 110


@pytest.mark.parametrize("seed", CI_SEEDS)
def test_random_queries_agree_with_duckdb_and_with_themselves(spark, seed):
    summary = run_cases(spark, CI_CASES_PER_SEED, seed, Features(), metamorphic_every=4)
    assert not summary.failures, summary.text()
    assert not summary.oracle_errors, summary.text()  # the generator wrote something DuckDB rejects
    assert summary.counts["oracle:same"] >= 0.9 * CI_CASES_PER_SEED, summary.text()


def test_generation_is_reproducible_from_the_seed():
    def draw(seed: int) -> list[str]:
        tables = random_tables(seed)
        gen = QueryGenerator(random.Random(seed), [t.name for t in tables], Features.everything())
        return [gen.query().spark for _ in range(20)] + [repr(t.rows) for t in tables]

    assert draw(5) == draw(5) and draw(5) != draw(6)


def test_tables_cover_empty_tables_nulls_duplicates_and_skewed_keys():
    tables = [t for seed in range(40) for t in random_tables(seed)]
    rows = [r for t in tables for r in t.rows]
    assert any(not t.rows for t in tables)
    assert any(None in r for r in rows)
    assert any(len(set(t.rows)) < len(t.rows) for t in tables)
    assert max(sum(r[0] == 1 for r in t.rows) for t in tables) >= 10  # the hot join key
    assert all(len(t.rows) <= 60 for t in tables)


def test_features_switch_the_grammar():
    tables = [t.name for t in random_tables(1)]
    off = Features(joins=False, set_operations=False, group_by=False)
    texts = [QueryGenerator(random.Random(s), tables, off).query().spark for s in range(200)]
    assert not any(" JOIN " in q or "UNION" in q or "GROUP BY" in q for q in texts)
    everything = [QueryGenerator(random.Random(s), tables, Features.everything()).query() for s in range(300)]
    used = set().union(*(q.features_used for q in everything))
    assert {"window_functions", "in_subqueries", "exists_subqueries", "scalar_subqueries"} <= used
    assert Features.parse("+window_functions,-joins").window_functions and not Features.parse("-joins").joins
    with pytest.raises(ValueError, match="unknown feature"):
        Features.parse("+no_such_thing")


def test_comparison_tolerates_decimal_scales_and_float_noise_but_not_wrong_values():
    assert rows_match([(1.0, "a")], [(1.0000000001, "a")], ordered=True)
    assert rows_match([(float(Decimal("0.333333")),)], [(1 / 3,)], ordered=True)
    assert rows_match([(2.0,), (None,)], [(None,), (2.0,)], ordered=False)
    assert not rows_match([(2.0,), (None,)], [(None,), (2.0,)], ordered=True)
    assert not rows_match([(1.0,)], [(1.01,)], ordered=False)
    assert not rows_match([(True,)], [(1.0,)], ordered=False)
    assert not rows_match([(1.0,), (1.0,)], [(1.0,)], ordered=False)  # multisets, not sets


def test_order_by_keys_must_come_out_in_the_same_sequence():
    query = Query(Select([same("x"), same("y")], same("t")), order_by=[(0, False, None)])
    assert not query.ordered
    assert compare([(1.0, "b"), (2.0, "a")], [(1.0, "b"), (2.0, "a")], query) == Outcome("same")
    assert compare([(1.0, "a"), (2.0, "b")], [(1.0, "b"), (2.0, "a")], query).kind == "wrong_result"
    assert compare([(2.0, "a"), (1.0, "b")], [(1.0, "b"), (2.0, "a")], query).kind == "wrong_result"


def test_only_switched_off_constructs_may_be_refused():
    from ember.sql import ParseException
    from tests.sql.differential.oracle import is_honest_refusal

    refusal = ParseException("UNSUPPORTED_FEATURE", "Window functions are not supported yet.")
    window_query = Query(Select([same("x")], same("t")), features_used=frozenset({"window_functions"}))
    plain_query = Query(Select([same("x")], same("t")), features_used=frozenset({"joins"}))
    assert is_honest_refusal(refusal, window_query)
    assert not is_honest_refusal(refusal, plain_query)
    assert not is_honest_refusal(ValueError("boom"), window_query)
