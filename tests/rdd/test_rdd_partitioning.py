"""Partition counts and placement: where records live after each operation.

Covers sc.parallelize (numSlices), sc.range (start/end/step/numSlices), sc.emptyRDD,
sc.defaultParallelism, getNumPartitions, partitionBy (default and custom
partitionFunc, checked through glom()), repartition, coalesce with and without
shuffle, repartitionAndSortWithinPartitions, the default number of reduce partitions,
and TaskContext.partitionId() inside tasks.
"""

from __future__ import annotations

from collections import Counter

import pytest

from ember import TaskContext


def expected_slices(data: list, num_slices: int) -> list[list]:
    """How PySpark slices a ``range`` into partitions: element-wise, evenly."""
    n = len(data)
    return [data[i * n // num_slices:(i + 1) * n // num_slices] for i in range(num_slices)]


# --- sources ---------------------------------------------------------------------------------


def test_default_parallelism_of_local_2_is_two(sc):
    assert sc.defaultParallelism == 2


def test_parallelize_without_num_slices_uses_default_parallelism(sc):
    assert sc.parallelize(range(10)).getNumPartitions() == sc.defaultParallelism
    assert sc.parallelize([1, 2, 3]).collect() == [1, 2, 3]


@pytest.mark.parametrize("num_slices", [1, 2, 3, 8, 20])
def test_parallelize_creates_num_slices_partitions(sc, num_slices):
    data = [("k", i) for i in range(8)]
    rdd = sc.parallelize(data, num_slices)
    assert rdd.getNumPartitions() == num_slices
    parts = rdd.glom().collect()
    assert len(parts) == num_slices
    assert [x for p in parts for x in p] == data


def test_parallelize_accepts_any_iterable(sc):
    assert sc.parallelize((x * 2 for x in range(5)), 2).collect() == [0, 2, 4, 6, 8]
    assert sorted(sc.parallelize({"a", "b", "c"}, 2).collect()) == ["a", "b", "c"]


def test_parallelize_of_range_with_step_matches_pyspark_slicing(sc):
    assert sc.parallelize(range(0, 6, 2), 5).glom().collect() == [[], [0], [], [2], [4]]


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((5,), {}),
        ((2, 9), {}),
        ((1, 20, 3), {}),
        ((10, 0, -2), {}),
        ((0, 0), {}),
        ((0, 10), {"numSlices": 4}),
        ((3,), {"numSlices": 7}),
    ],
)
def test_context_range_matches_python_range(sc, args, kwargs):
    rdd = sc.range(*args, **kwargs)
    start, end, step = (0, args[0], 1) if len(args) == 1 else (args + (1,))[:3]
    assert rdd.collect() == list(range(start, end, step))
    if "numSlices" in kwargs:
        assert rdd.getNumPartitions() == kwargs["numSlices"]
        assert rdd.glom().collect() == expected_slices(list(range(start, end, step)), kwargs["numSlices"])


def test_empty_rdd_has_no_partitions_and_no_elements(sc):
    rdd = sc.emptyRDD()
    assert rdd.getNumPartitions() == 0
    assert rdd.collect() == []
    assert rdd.glom().collect() == []


@pytest.mark.parametrize("num_slices", [1, 3, 11])
def test_task_context_partition_id_is_the_partition_index(sc, num_slices):
    def tag(it):
        ctx = TaskContext.get()
        return [(ctx.partitionId(), x) for x in it]

    result = sc.range(0, 9, numSlices=num_slices).mapPartitions(tag).collect()
    expected = [(i, x) for i, p in enumerate(expected_slices(list(range(9)), num_slices)) for x in p]
    assert result == expected


def test_task_context_is_none_on_the_driver(sc):
    assert TaskContext.get() is None


# --- partitionBy ----------------------------------------------------------------------------------


@pytest.mark.parametrize("num_partitions", [1, 3, 16])
def test_partition_by_places_keys_by_custom_partition_func(sc, num_partitions):
    pairs = [(k, v) for v in range(3) for k in range(10)]
    func = lambda k: k * 7 + 1  # noqa: E731
    rdd = sc.parallelize(pairs, 4).partitionBy(num_partitions, func)
    assert rdd.getNumPartitions() == num_partitions
    parts = rdd.glom().collect()
    assert [Counter(p) for p in parts] == [
        Counter(kv for kv in pairs if func(kv[0]) % num_partitions == i)
        for i in range(num_partitions)
    ]


def test_partition_by_with_string_partition_func(sc):
    pairs = [("apple", 1), ("avocado", 2), ("banana", 3), ("cherry", 4), ("blueberry", 5)]
    parts = sc.parallelize(pairs, 2).partitionBy(3, lambda k: ord(k[0])).glom().collect()
    assert [sorted(p) for p in parts] == [
        sorted(kv for kv in pairs if ord(kv[0][0]) % 3 == i) for i in range(3)
    ]


def test_partition_by_default_places_small_int_keys_by_value_modulo(sc):
    # PySpark's portable_hash(n) == hash(n) == n for small non-negative ints, and None
    # hashes to 0.
    pairs = [(k, str(k)) for k in range(12)] + [(None, "none")]
    parts = sc.parallelize(pairs, 3).partitionBy(4).glom().collect()
    expected = [sorted(kv for kv in pairs[:-1] if kv[0] % 4 == i) for i in range(4)]
    expected[0].append((None, "none"))
    assert [sorted(p, key=repr) for p in parts] == [sorted(p, key=repr) for p in expected]


@pytest.mark.parametrize("num_partitions", [2, 5])
def test_partition_by_default_puts_every_key_in_exactly_one_partition(sc, num_partitions):
    pairs = [(k, i) for i, k in enumerate(["a", "b", "c", None, (1, 2), (1, "x"), 3.5, "a", "b"] * 4)]
    parts = sc.parallelize(pairs, 3).partitionBy(num_partitions).glom().collect()
    homes = {}
    for i, p in enumerate(parts):
        for k, _ in p:
            assert homes.setdefault(k, i) == i
    assert Counter(kv for p in parts for kv in p) == Counter(pairs)


def test_map_values_after_partition_by_keeps_placement(sc):
    pairs = [(k, k) for k in range(20)]
    parts = (
        sc.parallelize(pairs, 2).partitionBy(3, lambda k: k).mapValues(lambda v: -v).glom().collect()
    )
    assert [sorted(p) for p in parts] == [
        sorted((k, -k) for k in range(20) if k % 3 == i) for i in range(3)
    ]


def test_reduce_by_key_without_num_partitions_keeps_parent_partition_count(sc):
    rdd = sc.parallelize([(i % 3, 1) for i in range(30)], 5).reduceByKey(lambda a, b: a + b)
    assert rdd.getNumPartitions() == 5
    assert sorted(rdd.collect()) == [(0, 10), (1, 10), (2, 10)]


# --- repartition / coalesce ------------------------------------------------------------------------


@pytest.mark.parametrize("target", [1, 2, 7, 30])
def test_repartition_changes_partition_count_and_keeps_every_record(sc, target):
    data = [("k", i) for i in range(20)] + [None, "x", (1, 2)]
    rdd = sc.parallelize(data, 3).repartition(target)
    assert rdd.getNumPartitions() == target
    parts = rdd.glom().collect()
    assert len(parts) == target
    assert Counter(x for p in parts for x in p) == Counter(data)


def test_repartition_spreads_records_over_several_partitions(sc):
    parts = sc.parallelize(range(100), 1).repartition(4).glom().collect()
    assert sum(1 for p in parts if p) >= 2


@pytest.mark.parametrize("target", [1, 2, 4])
def test_coalesce_without_shuffle_merges_partitions_keeping_order(sc, target):
    data = list(range(24))
    rdd = sc.parallelize(data, 6).coalesce(target)
    assert rdd.getNumPartitions() == target
    assert rdd.collect() == data


def test_coalesce_without_shuffle_cannot_increase_partition_count(sc):
    rdd = sc.parallelize(range(10), 3).coalesce(8)
    assert rdd.getNumPartitions() == 3
    assert rdd.collect() == list(range(10))


def test_coalesce_with_shuffle_can_increase_partition_count(sc):
    data = list(range(10))
    rdd = sc.parallelize(data, 2).coalesce(6, shuffle=True)
    assert rdd.getNumPartitions() == 6
    assert sorted(rdd.collect()) == data


def test_coalesce_of_empty_partitions(sc):
    rdd = sc.parallelize([1, 2], 10).coalesce(3)
    assert rdd.getNumPartitions() == 3
    assert rdd.collect() == [1, 2]


# --- repartitionAndSortWithinPartitions ------------------------------------------------------------


@pytest.mark.parametrize("ascending", [True, False])
@pytest.mark.parametrize("num_partitions", [1, 3, 25])
def test_repartition_and_sort_within_partitions_places_then_sorts(sc, ascending, num_partitions):
    pairs = [((i * 37) % 23, f"v{i}") for i in range(40)]
    func = lambda k: k // 2  # noqa: E731
    rdd = sc.parallelize(pairs, 4).repartitionAndSortWithinPartitions(
        num_partitions, func, ascending
    )
    assert rdd.getNumPartitions() == num_partitions
    parts = rdd.glom().collect()
    for i, part in enumerate(parts):
        mine = [kv for kv in pairs if func(kv[0]) % num_partitions == i]
        assert Counter(part) == Counter(mine)
        assert [k for k, _ in part] == sorted((k for k, _ in mine), reverse=not ascending)


def test_repartition_and_sort_within_partitions_with_keyfunc(sc):
    pairs = [("b", 1), ("A", 2), ("a", 3), ("C", 4), ("c", 5), ("B", 6)]
    parts = sc.parallelize(pairs, 2).repartitionAndSortWithinPartitions(
        2, lambda k: 0 if k.lower() < "b" else 1, keyfunc=str.lower
    ).glom().collect()
    assert [[k.lower() for k, _ in p] for p in parts] == [["a", "a"], ["b", "b", "c", "c"]]
    assert Counter(kv for p in parts for kv in p) == Counter(pairs)
