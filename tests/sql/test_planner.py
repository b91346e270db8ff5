"""The physical planner, tested where it lives: which operator Spark's rules choose for which plan."""

from __future__ import annotations

import pytest

from ember.sql.physical import plan as P


def _nodes(df) -> list:
    found, stack = [], [df._qe.physical]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


def _only(df, kind):
    matches = [n for n in _nodes(df) if isinstance(n, kind)]
    assert len(matches) == 1, df._qe.physical.tree_string()
    return matches[0]


@pytest.fixture
def frames(spark):
    big = spark.range(0, 1000).selectExpr("id", "id % 10 as k")
    small = spark.createDataFrame([(i, str(i)) for i in range(10)], "k long, name string")
    threshold = spark.conf.get("spark.sql.autoBroadcastJoinThreshold")
    yield big, small
    _restore(spark, "spark.sql.autoBroadcastJoinThreshold", threshold)


def _restore(spark, key: str, value: str | None) -> None:
    """Put a shared session's setting back as it was (other tests rely on it)."""
    if value is None:
        spark.conf.unset(key)
    else:
        spark.conf.set(key, value)


def test_an_equi_join_with_a_side_under_the_threshold_broadcasts_that_side(frames):
    big, small = frames
    join = _only(big.join(small, "k"), P.BroadcastHashJoinExec)
    assert join.build_side == "right" and join.join_type == "inner"


def test_a_left_outer_join_never_builds_its_preserved_left_side(frames):
    big, small = frames
    join = _only(small.join(big, "k", "left"), P.JoinExec)
    assert not (isinstance(join, P.BroadcastHashJoinExec) and join.build_side == "left")


def test_without_broadcast_both_sides_are_hash_partitioned_on_the_keys(spark, frames):
    big, small = frames
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1")
    df = big.join(small, "k")
    join = _only(df, P.ShuffledHashJoinExec)
    for side in (join.left, join.right):
        assert isinstance(side, P.ExchangeExec) and isinstance(side.partitioning, P.HashPartitioning)
        assert [k.name for k in side.partitioning.keys] == ["k"]
    assert join.left.partitioning.num_partitions == join.right.partitioning.num_partitions


def test_a_grouped_aggregate_is_partial_then_shuffled_by_key_then_final(frames):
    big, _ = frames
    aggregates = [n for n in _nodes(big.groupBy("k").count()) if isinstance(n, P.HashAggregateExec)]
    assert [a.mode for a in aggregates] == ["final", "partial"]  # root first
    exchange = aggregates[0].child
    assert isinstance(exchange, P.ExchangeExec) and isinstance(exchange.partitioning, P.HashPartitioning)


def test_a_global_aggregate_gathers_partial_states_into_one_partition(frames):
    big, _ = frames
    exchange = _only(big.agg({"id": "sum"}), P.ExchangeExec)
    assert isinstance(exchange.partitioning, P.SinglePartition)


def test_a_global_sort_range_partitions_then_sorts_each_partition(frames):
    big, _ = frames
    sort = _only(big.orderBy("id"), P.SortExec)
    assert isinstance(sort.child, P.ExchangeExec) and isinstance(sort.child.partitioning, P.RangePartitioning)


def test_a_limit_is_local_per_partition_then_global_after_one_gathering(frames):
    big, _ = frames
    limits = [n for n in _nodes(big.limit(5)) if isinstance(n, P.LimitExec)]
    assert [limit.is_global for limit in limits] == [True, False]
    assert isinstance(limits[0].child, P.ExchangeExec)


def test_a_join_without_equality_keys_has_no_hash_keys_and_keeps_its_condition(frames):
    big, small = frames
    join = _only(big.join(small, big.k < small.k), P.JoinExec)
    assert join.left_keys == () and join.residual is not None


def test_repartition_by_column_is_one_hash_exchange_and_coalesce_none(frames):
    big, _ = frames
    exchange = _only(big.repartition(4, "k"), P.ExchangeExec)
    assert exchange.partitioning.num_partitions == 4
    assert not [n for n in _nodes(big.coalesce(1)) if isinstance(n, P.ExchangeExec)]


def test_shuffle_partitions_setting_sets_the_exchange_width(spark, frames):
    big, _ = frames
    before = spark.conf.get("spark.sql.shuffle.partitions")
    spark.conf.set("spark.sql.shuffle.partitions", "7")
    try:
        exchange = _only(big.groupBy("k").count(), P.ExchangeExec)
        assert exchange.partitioning.num_partitions == 7
    finally:
        _restore(spark, "spark.sql.shuffle.partitions", before)
