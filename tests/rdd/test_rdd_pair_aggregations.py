"""Key-value aggregations, checked against dictionaries built in plain Python.

Covers groupByKey, reduceByKey, reduceByKeyLocally, aggregateByKey, foldByKey,
combineByKey, countByKey, countByValue, keys, values, mapValues, flatMapValues,
lookup, collectAsMap and sortByKey, with int, string, tuple, ``None`` and skewed keys.
"""

from __future__ import annotations

import operator
from collections import Counter, defaultdict

import pytest

PARTITION_COUNTS = [1, 3, 40]  # 40: more partitions than records in most inputs below

MIXED_PAIRS = [
    (1, 10), ("a", 1), (None, 5), ((1, "x"), 2), (1, 20), ("a", 2), (None, 6),
    ((1, "x"), 3), (2, 7), ("b", 0), (1, 30),
]
SKEWED_PAIRS = [("hot", i) for i in range(300)] + [(f"k{i}", i) for i in range(12)]


def grouped(pairs):
    out = defaultdict(list)
    for k, v in pairs:
        out[k].append(v)
    return dict(out)


def reduced(pairs, op):
    out = {}
    for k, v in pairs:
        out[k] = op(out[k], v) if k in out else v
    return out


# --- groupByKey / reduceByKey ------------------------------------------------------------


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
@pytest.mark.parametrize("pairs", [MIXED_PAIRS, SKEWED_PAIRS], ids=["mixed", "skewed"])
def test_group_by_key_collects_all_values_of_each_key(sc, num_slices, pairs):
    result = sc.parallelize(pairs, num_slices).groupByKey().collect()
    assert len(result) == len({k for k, _ in pairs})
    assert {k: sorted(v) for k, v in result} == {
        k: sorted(v) for k, v in grouped(pairs).items()
    }


def test_group_by_key_values_are_iterable_more_than_once_and_sized(sc):
    ((key, values),) = sc.parallelize([("k", 1), ("k", 2), ("k", 3)], 2).groupByKey().collect()
    assert key == "k"
    assert sorted(values) == [1, 2, 3]
    assert sorted(values) == [1, 2, 3]
    assert len(values) == 3


def test_group_by_key_with_num_partitions_and_partition_func(sc):
    pairs = [(i % 6, i) for i in range(30)]
    rdd = sc.parallelize(pairs, 2).groupByKey(numPartitions=3, partitionFunc=lambda k: k)
    assert rdd.getNumPartitions() == 3
    placed = rdd.mapValues(sorted).glom().collect()
    assert [sorted(p) for p in placed] == [
        sorted((k, sorted(v)) for k, v in grouped(pairs).items() if k % 3 == i) for i in range(3)
    ]


def test_group_by_key_of_empty_rdd_is_empty(sc):
    assert sc.parallelize([], 3).groupByKey().collect() == []


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
@pytest.mark.parametrize("pairs", [MIXED_PAIRS, SKEWED_PAIRS], ids=["mixed", "skewed"])
def test_reduce_by_key_merges_values_across_partitions(sc, num_slices, pairs):
    result = sc.parallelize(pairs, num_slices).reduceByKey(operator.add).collect()
    assert len(result) == len({k for k, _ in pairs})
    assert dict(result) == reduced(pairs, operator.add)


def test_reduce_by_key_with_non_commutative_looking_values(sc):
    # max of tuples: associative and commutative, values are tuples
    pairs = [("a", (1, "z")), ("b", (0, "y")), ("a", (3, "a")), ("a", (3, "b")), ("b", (5, "c"))]
    result = dict(sc.parallelize(pairs, 3).reduceByKey(max).collect())
    assert result == reduced(pairs, max)


def test_reduce_by_key_num_partitions_sets_output_partition_count(sc):
    rdd = sc.parallelize([(i % 10, 1) for i in range(100)], 4).reduceByKey(operator.add, 7)
    assert rdd.getNumPartitions() == 7
    assert sorted(rdd.collect()) == [(k, 10) for k in range(10)]


def test_reduce_by_key_single_value_keys_are_returned_unchanged(sc):
    pairs = [(k, f"v{k}") for k in range(10)]
    assert sorted(sc.parallelize(pairs, 3).reduceByKey(lambda a, b: a + b).collect()) == pairs


def test_reduce_by_key_on_empty_rdd_is_empty(sc):
    assert sc.parallelize([], 2).reduceByKey(operator.add).collect() == []


@pytest.mark.parametrize("num_slices", [1, 3, 40])
def test_reduce_by_key_locally_returns_a_dict(sc, num_slices):
    result = sc.parallelize(MIXED_PAIRS, num_slices).reduceByKeyLocally(operator.add)
    assert isinstance(result, dict)
    assert result == reduced(MIXED_PAIRS, operator.add)


def test_reduce_by_key_locally_on_empty_rdd_is_empty_dict(sc):
    assert sc.parallelize([], 3).reduceByKeyLocally(operator.add) == {}


# --- aggregateByKey / foldByKey / combineByKey -------------------------------------------


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_aggregate_by_key_computes_sum_and_count_per_key(sc, num_slices):
    result = (
        sc.parallelize(SKEWED_PAIRS, num_slices)
        .aggregateByKey(
            (0, 0),
            lambda acc, v: (acc[0] + v, acc[1] + 1),
            lambda a, b: (a[0] + b[0], a[1] + b[1]),
        )
        .collect()
    )
    expected = {k: (sum(vs), len(vs)) for k, vs in grouped(SKEWED_PAIRS).items()}
    assert dict(result) == expected


def test_aggregate_by_key_gives_each_key_its_own_copy_of_a_mutable_zero(sc):
    def seq(acc, v):
        acc.append(v)
        return acc

    def comb(a, b):
        a.extend(b)
        return a

    result = sc.parallelize(MIXED_PAIRS, 3).aggregateByKey([], seq, comb).collect()
    assert {k: sorted(v) for k, v in result} == {
        k: sorted(v) for k, v in grouped(MIXED_PAIRS).items()
    }


def test_aggregate_by_key_num_partitions(sc):
    rdd = sc.parallelize([(i % 4, i) for i in range(20)], 2).aggregateByKey(
        0, operator.add, operator.add, numPartitions=5
    )
    assert rdd.getNumPartitions() == 5
    assert dict(rdd.collect()) == {k: sum(range(k, 20, 4)) for k in range(4)}


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_fold_by_key_folds_values_with_neutral_zero(sc, num_slices):
    result = sc.parallelize(MIXED_PAIRS, num_slices).foldByKey(0, operator.add).collect()
    assert dict(result) == reduced(MIXED_PAIRS, operator.add)


def test_fold_by_key_with_mutable_zero_does_not_leak_between_keys(sc):
    pairs = [("a", [1]), ("b", [2]), ("a", [3]), ("c", [4]), ("b", [5])]
    result = sc.parallelize(pairs, 2).foldByKey([], lambda a, b: a + b).collect()
    assert {k: sorted(v) for k, v in result} == {"a": [1, 3], "b": [2, 5], "c": [4]}


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_combine_by_key_builds_averages(sc, num_slices):
    result = (
        sc.parallelize(MIXED_PAIRS, num_slices)
        .combineByKey(
            lambda v: (v, 1),
            lambda c, v: (c[0] + v, c[1] + 1),
            lambda a, b: (a[0] + b[0], a[1] + b[1]),
        )
        .mapValues(lambda c: c[0] / c[1])
        .collect()
    )
    expected = {k: sum(vs) / len(vs) for k, vs in grouped(MIXED_PAIRS).items()}
    assert dict(result) == pytest.approx(expected)


def test_combine_by_key_to_lists_with_num_partitions(sc):
    rdd = sc.parallelize(SKEWED_PAIRS, 4).combineByKey(
        lambda v: [v], lambda c, v: c + [v], lambda a, b: a + b, numPartitions=3
    )
    assert rdd.getNumPartitions() == 3
    assert {k: sorted(v) for k, v in rdd.collect()} == grouped(SKEWED_PAIRS)


# --- counting -----------------------------------------------------------------------------


@pytest.mark.parametrize("num_slices", [1, 3, 40])
def test_count_by_key_counts_records_per_key(sc, num_slices):
    result = sc.parallelize(MIXED_PAIRS + SKEWED_PAIRS, num_slices).countByKey()
    assert dict(result) == dict(Counter(k for k, _ in MIXED_PAIRS + SKEWED_PAIRS))


@pytest.mark.parametrize("num_slices", [1, 3, 40])
def test_count_by_value_counts_each_distinct_element(sc, num_slices):
    data = [1, 1, "a", None, None, None, (1, 2), (1, 2), 2.0, "a", "b"]
    assert dict(sc.parallelize(data, num_slices).countByValue()) == dict(Counter(data))


def test_count_by_key_and_value_on_empty_rdd_are_empty(sc):
    assert dict(sc.parallelize([], 2).countByKey()) == {}
    assert dict(sc.parallelize([], 2).countByValue()) == {}


# --- keys / values / mapValues / flatMapValues --------------------------------------------


def test_keys_and_values_project_pairs_in_order(sc):
    rdd = sc.parallelize(MIXED_PAIRS, 3)
    assert rdd.keys().collect() == [k for k, _ in MIXED_PAIRS]
    assert rdd.values().collect() == [v for _, v in MIXED_PAIRS]


def test_map_values_transforms_values_and_keeps_keys(sc):
    assert sc.parallelize(MIXED_PAIRS, 3).mapValues(lambda v: v * 2).collect() == [
        (k, v * 2) for k, v in MIXED_PAIRS
    ]


def test_flat_map_values_emits_one_pair_per_produced_value(sc):
    pairs = [("a", "x y"), ("b", ""), (None, "z"), ("a", "w")]
    assert sc.parallelize(pairs, 2).flatMapValues(str.split).collect() == [
        (k, w) for k, v in pairs for w in v.split()
    ]


# --- lookup / collectAsMap ---------------------------------------------------------------


@pytest.mark.parametrize("key", [1, "a", None, (1, "x"), "missing"])
def test_lookup_returns_all_values_of_a_key(sc, key):
    rdd = sc.parallelize(MIXED_PAIRS, 3)
    assert sorted(rdd.lookup(key)) == sorted(v for k, v in MIXED_PAIRS if k == key)


def test_lookup_on_partitioned_rdd_finds_values(sc):
    rdd = sc.parallelize(SKEWED_PAIRS, 3).partitionBy(4)
    assert sorted(rdd.lookup("hot")) == list(range(300))
    assert rdd.lookup("k5") == [5]
    assert rdd.lookup("nope") == []


def test_lookup_after_reduce_by_key(sc):
    rdd = sc.parallelize(SKEWED_PAIRS, 3).reduceByKey(operator.add)
    assert rdd.lookup("hot") == [sum(range(300))]


def test_collect_as_map_builds_a_dict(sc):
    pairs = [(1, "a"), ("b", 2), (None, None), ((1, 2), [3])]
    assert sc.parallelize(pairs, 3).collectAsMap() == dict(pairs)


def test_collect_as_map_keeps_the_last_value_of_a_duplicated_key(sc):
    pairs = [("k", 1), ("j", 0), ("k", 2), ("k", 3)]
    assert sc.parallelize(pairs, 2).collectAsMap() == dict(pairs)


def test_collect_as_map_of_empty_rdd_is_empty(sc):
    assert sc.emptyRDD().collectAsMap() == {}


# --- sortByKey -----------------------------------------------------------------------------


def assert_globally_sorted(parts, sort_key, reverse=False):
    """Each partition is sorted, and partitions are in order relative to each other."""
    flat = [kv for p in parts for kv in p]
    keys = [sort_key(k) for k, _ in flat]
    assert keys == sorted(keys, reverse=reverse)


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
@pytest.mark.parametrize("ascending", [True, False])
def test_sort_by_key_sorts_globally(sc, num_slices, ascending):
    pairs = [((i * 7919) % 113, i) for i in range(60)]
    rdd = sc.parallelize(pairs, num_slices).sortByKey(ascending=ascending)
    result = rdd.collect()
    assert [k for k, _ in result] == sorted((k for k, _ in pairs), reverse=not ascending)
    assert Counter(result) == Counter(pairs)


@pytest.mark.parametrize("num_partitions", [1, 2, 5])
def test_sort_by_key_num_partitions_gives_range_partitioned_output(sc, num_partitions):
    pairs = [(f"key{(i * 31) % 97:03d}", i) for i in range(97)]
    rdd = sc.parallelize(pairs, 3).sortByKey(numPartitions=num_partitions)
    assert rdd.getNumPartitions() == num_partitions
    parts = rdd.glom().collect()
    assert_globally_sorted(parts, lambda k: k)
    assert sum(len(p) for p in parts) == len(pairs)
    if num_partitions > 1:
        assert sum(1 for p in parts if p) > 1  # a range partitioning, not one hot partition


def test_sort_by_key_with_keyfunc_and_descending(sc):
    pairs = [("b", 1), ("A", 2), ("c", 3), ("B", 4), ("a", 5)]
    result = sc.parallelize(pairs, 2).sortByKey(False, 2, keyfunc=str.lower).collect()
    assert [k.lower() for k, _ in result] == sorted((k.lower() for k, _ in pairs), reverse=True)
    assert Counter(result) == Counter(pairs)


def test_sort_by_key_with_tuple_keys(sc):
    pairs = [((2, "a"), 1), ((1, "z"), 2), ((1, "b"), 3), ((3, ""), 4)]
    assert sc.parallelize(pairs, 3).sortByKey().collect() == sorted(pairs)


def test_sort_by_key_with_skewed_keys(sc):
    pairs = [(5, i) for i in range(200)] + [(k, -1) for k in (1, 9, 3, 7)]
    result = sc.parallelize(pairs, 4).sortByKey(numPartitions=3).collect()
    assert [k for k, _ in result] == sorted(k for k, _ in pairs)


def test_sort_by_key_of_empty_rdd_is_empty(sc):
    assert sc.parallelize([], 3).sortByKey().collect() == []
