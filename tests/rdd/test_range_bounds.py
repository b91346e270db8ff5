"""sortByKey's range bounds from one pass: per-partition reservoir samples, weighted quantiles."""

from __future__ import annotations

import collections

import pytest
from hypothesis import given, settings, strategies as st

from ember.rdd.range_bounds import partition_sketch, weighted_bounds


def pairs(n: int) -> list[tuple[int, str]]:
    return [(i, "v") for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, 99, 100, 101, 5_000, 123_457])
def test_a_sketch_counts_every_record_and_samples_at_most_its_size(n):
    count, keys = partition_sketch(3, iter(pairs(n)), 100, lambda k: k)
    assert count == n
    assert len(keys) == min(n, 100) and len(set(keys)) == len(keys)
    assert set(keys) <= set(range(n))


def test_a_sketch_applies_the_key_function_to_sampled_keys_only():
    calls = []
    count, keys = partition_sketch(0, iter(pairs(10_000)), 10, lambda k: calls.append(k) or -k)
    assert count == 10_000 and len(calls) == 10 and sorted(keys) == sorted(-k for k in calls)


def test_a_sketch_is_the_same_when_the_partition_is_computed_again():
    assert partition_sketch(5, iter(pairs(50_000)), 40, str) == partition_sketch(5, iter(pairs(50_000)), 40, str)


def test_reservoir_samples_are_spread_over_the_whole_partition():
    # 200 partitions' samples of 50 keys each out of 10 000: every tenth of the range
    # holds about a tenth of them (deterministic: each partition seeds its own generator).
    deciles = collections.Counter()
    for index in range(200):
        _, keys = partition_sketch(index, iter(pairs(10_000)), 50, lambda k: k)
        deciles.update(k // 1_000 for k in keys)
    assert all(850 <= deciles[d] <= 1_150 for d in range(10)), deciles


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-50, 50), max_size=200), st.integers(2, 12))
def test_fully_sampled_data_gives_pysparks_bounds(keys, partitions):
    # PySpark: samples = sorted(sample); bounds = [samples[int(len(samples) * (i + 1) / p)] ...]
    half = len(keys) // 2
    sketches = [(half, keys[:half]), (len(keys) - half, keys[half:])]
    samples = sorted(keys)
    expected = [samples[int(len(samples) * (i + 1) / partitions)] for i in range(partitions - 1)] if samples else []
    assert weighted_bounds(sketches, partitions) == expected


def test_a_partition_sampled_thinly_weighs_by_its_count():
    heavy = (100_000, list(range(1_000, 1_100)))  # 100 keys standing for 100 000 records
    light = (100, list(range(100)))                # 100 records, all sampled
    bounds = weighted_bounds([heavy, light], 2)
    assert bounds[0] >= 1_000  # the median lies inside the heavy partition's keys


def test_no_records_or_one_partition_need_no_bounds():
    assert weighted_bounds([(0, []), (0, [])], 4) == []
    assert weighted_bounds([(3, [1, 2, 3])], 1) == []


def test_sort_by_key_balances_skewed_partitions(sc):
    # 40 000 records whose keys crowd at the low end: ranges of equal weight, not equal width
    data = [((i * i) % 10_007, i) for i in range(40_000)]
    parts = sc.parallelize(data, 8).sortByKey(numPartitions=4).glom().collect()
    sizes = [len(p) for p in parts]
    assert sum(sizes) == 40_000 and max(sizes) < 1.5 * 40_000 / 4
    assert [kv for part in parts for kv in part] == sorted(data, key=lambda kv: kv[0])
