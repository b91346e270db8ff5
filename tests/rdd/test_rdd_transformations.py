"""Element-wise and set-like RDD transformations, checked against plain Python.

Covers map, flatMap, filter, mapPartitions, mapPartitionsWithIndex, glom, distinct,
union (and ``sc.union``), intersection, subtract, cartesian, zip, zipWithIndex,
zipWithUniqueId, keyBy, groupBy, sortBy and pipe.

Where a test needs to know which element lands in which partition it builds the RDD
from a ``range``: PySpark slices a range element by element, partition ``i`` of ``n``
holding positions ``[i * len // n, (i + 1) * len // n)``.
"""

from __future__ import annotations

import itertools
import shutil
from collections import Counter

import pytest

PARTITION_COUNTS = [1, 3, 25]  # 25 is more partitions than most inputs below have records


def expected_slices(data: list, num_slices: int) -> list[list]:
    """How ``sc.parallelize(range(...), num_slices)`` places positions into partitions."""
    n = len(data)
    return [data[i * n // num_slices:(i + 1) * n // num_slices] for i in range(num_slices)]


# --- map / flatMap / filter ------------------------------------------------------------


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_map_applies_function_to_every_element_in_order(sc, num_slices):
    data = list(range(20))
    assert sc.parallelize(data, num_slices).map(lambda x: x * x + 1).collect() == [
        x * x + 1 for x in data
    ]


def test_map_can_change_element_type_to_tuples_and_none(sc):
    data = ["a", "bb", "", "ccc"]
    result = sc.parallelize(data, 2).map(lambda s: (s, len(s)) if s else None).collect()
    assert result == [("a", 1), ("bb", 2), None, ("ccc", 3)]


def test_map_on_empty_rdd_is_empty(sc):
    assert sc.parallelize([], 3).map(lambda x: x + 1).collect() == []
    assert sc.emptyRDD().map(lambda x: x + 1).collect() == []


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_flat_map_flattens_iterables_and_drops_empty_ones(sc, num_slices):
    data = ["hello world", "", "a b c", "x"]
    result = sc.parallelize(data, num_slices).flatMap(lambda s: s.split()).collect()
    assert result == [w for s in data for w in s.split()]


def test_flat_map_accepts_generators(sc):
    result = sc.parallelize([1, 2, 3], 2).flatMap(lambda n: (n for _ in range(n))).collect()
    assert result == [1, 2, 2, 3, 3, 3]


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_filter_keeps_matching_elements_in_order(sc, num_slices):
    data = list(range(-10, 30))
    assert sc.parallelize(data, num_slices).filter(lambda x: x % 3 == 0).collect() == [
        x for x in data if x % 3 == 0
    ]


def test_filter_that_rejects_everything_leaves_an_empty_rdd(sc):
    rdd = sc.parallelize(range(10), 4).filter(lambda x: x > 100)
    assert rdd.collect() == []
    assert rdd.count() == 0


def test_chained_narrow_transformations_compose(sc):
    data = list(range(50))
    result = (
        sc.parallelize(data, 4)
        .map(lambda x: x * 3)
        .filter(lambda x: x % 2 == 0)
        .flatMap(lambda x: [x, -x])
        .map(str)
        .collect()
    )
    expected = [str(y) for x in data if (x * 3) % 2 == 0 for y in (x * 3, -(x * 3))]
    assert result == expected


# --- mapPartitions / mapPartitionsWithIndex / glom -------------------------------------


@pytest.mark.parametrize("num_slices", [1, 3, 7, 12])
def test_glom_returns_one_list_per_partition_including_empty_ones(sc, num_slices):
    data = list(range(7))
    assert sc.parallelize(range(7), num_slices).glom().collect() == expected_slices(
        data, num_slices
    )


def test_glom_of_list_data_preserves_order_and_partition_count(sc):
    data = ["a", "b", "c", "d", "e", "f", "g"]
    parts = sc.parallelize(data, 4).glom().collect()
    assert len(parts) == 4
    assert list(itertools.chain.from_iterable(parts)) == data


@pytest.mark.parametrize("num_slices", [1, 3, 12])
def test_map_partitions_calls_function_once_per_partition(sc, num_slices):
    data = list(range(10))
    sums = sc.parallelize(range(10), num_slices).mapPartitions(lambda it: [sum(it)]).collect()
    assert sums == [sum(p) for p in expected_slices(data, num_slices)]


def test_map_partitions_may_return_a_generator_of_any_length(sc):
    def explode(it):
        for x in it:
            yield from [x] * x

    assert sc.parallelize([0, 1, 2, 3], 2).mapPartitions(explode).collect() == [1, 2, 2, 3, 3, 3]


@pytest.mark.parametrize("num_slices", [1, 3, 12])
def test_map_partitions_with_index_passes_the_partition_index(sc, num_slices):
    data = list(range(10))
    result = (
        sc.parallelize(range(10), num_slices)
        .mapPartitionsWithIndex(lambda i, it: [(i, x) for x in it])
        .collect()
    )
    expected = [(i, x) for i, part in enumerate(expected_slices(data, num_slices)) for x in part]
    assert result == expected


def test_map_partitions_with_index_sees_empty_partitions(sc):
    result = (
        sc.parallelize(range(2), 5).mapPartitionsWithIndex(lambda i, it: [(i, len(list(it)))]).collect()
    )
    assert result == [(i, len(p)) for i, p in enumerate(expected_slices([0, 1], 5))]


# --- distinct ---------------------------------------------------------------------------


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_distinct_removes_duplicates_of_mixed_hashable_values(sc, num_slices):
    data = [1, 1, "a", "a", None, None, (1, 2), (1, 2), 2.5, 3, 3, 3]
    assert Counter(sc.parallelize(data, num_slices).distinct().collect()) == Counter(
        set(data)
    )


def test_distinct_with_num_partitions_sets_the_partition_count(sc):
    data = [i % 7 for i in range(100)]
    rdd = sc.parallelize(data, 3).distinct(numPartitions=5)
    assert rdd.getNumPartitions() == 5
    assert sorted(rdd.collect()) == sorted(set(data))


def test_distinct_of_skewed_data_keeps_one_copy_of_the_hot_value(sc):
    data = ["hot"] * 500 + [f"cold{i}" for i in range(20)]
    assert sorted(sc.parallelize(data, 4).distinct().collect()) == sorted(set(data))


def test_distinct_of_empty_rdd_is_empty(sc):
    assert sc.parallelize([], 3).distinct().collect() == []


# --- union / intersection / subtract / cartesian -----------------------------------------


def test_union_concatenates_in_order_and_keeps_duplicates(sc):
    a, b = [1, 2, 3, 3], [3, 4, None]
    rdd = sc.parallelize(a, 2).union(sc.parallelize(b, 3))
    assert rdd.collect() == a + b
    assert rdd.getNumPartitions() == 5


def test_union_with_empty_rdd_is_identity(sc):
    assert sc.parallelize([1, 2], 2).union(sc.emptyRDD()).collect() == [1, 2]
    assert sc.emptyRDD().union(sc.parallelize([1, 2], 2)).collect() == [1, 2]


def test_union_of_an_rdd_with_itself_doubles_it(sc):
    rdd = sc.parallelize(["x", "y"], 2)
    assert rdd.union(rdd).collect() == ["x", "y", "x", "y"]


def test_context_union_concatenates_many_rdds(sc):
    parts = [[1, 2], [], ["a"], [(1, 2), None]]
    rdds = [sc.parallelize(p, 2) for p in parts]
    rdd = sc.union(rdds)
    assert rdd.collect() == [x for p in parts for x in p]
    assert rdd.getNumPartitions() == 2 * len(parts)


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_intersection_returns_distinct_common_elements(sc, num_slices):
    a = [1, 1, 2, 3, 4, "x", None, (1, 2)]
    b = [1, 3, 3, 5, "x", None, (1, 2), (2, 1)]
    result = sc.parallelize(a, num_slices).intersection(sc.parallelize(b, 2)).collect()
    assert Counter(result) == Counter(set(a) & set(b))


def test_intersection_with_disjoint_or_empty_rdd_is_empty(sc):
    assert sc.parallelize([1, 2], 2).intersection(sc.parallelize([3, 4], 2)).collect() == []
    assert sc.parallelize([1, 2], 2).intersection(sc.parallelize([], 2)).collect() == []


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_subtract_keeps_duplicates_of_elements_absent_from_other(sc, num_slices):
    a = [1, 1, 2, 3, 3, "a", None, (1, 2)]
    b = [3, "a", 9]
    result = sc.parallelize(a, num_slices).subtract(sc.parallelize(b, 2)).collect()
    assert Counter(result) == Counter(x for x in a if x not in b)


def test_subtract_with_num_partitions(sc):
    rdd = sc.parallelize(range(20), 3).subtract(sc.parallelize(range(0, 20, 2), 2), 4)
    assert rdd.getNumPartitions() == 4
    assert sorted(rdd.collect()) == list(range(1, 20, 2))


def test_subtract_of_empty_rdd_returns_everything(sc):
    assert sorted(sc.parallelize([3, 1, 2], 2).subtract(sc.emptyRDD()).collect()) == [1, 2, 3]


def test_cartesian_returns_every_pair(sc):
    a, b = [1, 2, 3], ["x", "y"]
    rdd = sc.parallelize(a, 2).cartesian(sc.parallelize(b, 2))
    assert sorted(rdd.collect()) == sorted(itertools.product(a, b))
    assert rdd.getNumPartitions() == 4


def test_cartesian_with_empty_rdd_is_empty(sc):
    assert sc.parallelize([1, 2], 2).cartesian(sc.parallelize([], 2)).collect() == []


def test_cartesian_of_rdd_with_itself_includes_diagonal(sc):
    rdd = sc.parallelize([1, 2], 2)
    assert sorted(rdd.cartesian(rdd).collect()) == sorted(itertools.product([1, 2], repeat=2))


# --- zip family --------------------------------------------------------------------------


def test_zip_pairs_elements_at_the_same_position(sc):
    a = list(range(12))
    b = [str(x) for x in a]
    result = sc.parallelize(range(12), 3).zip(sc.parallelize(range(12), 3).map(str)).collect()
    assert result == list(zip(a, b))


def test_zip_of_rdd_with_a_map_of_itself(sc):
    rdd = sc.parallelize(range(9), 4)
    assert rdd.zip(rdd.map(lambda x: x * 10)).collect() == [(x, x * 10) for x in range(9)]


def test_zip_with_different_partition_counts_raises_value_error(sc):
    with pytest.raises(ValueError):
        sc.parallelize(range(6), 2).zip(sc.parallelize(range(6), 3)).collect()


def test_zip_with_different_element_counts_raises_value_error(sc):
    # Same number of partitions but the partitions hold different numbers of elements;
    # PySpark notices when it pairs the elements, so the error surfaces at the action.
    with pytest.raises(ValueError):
        sc.parallelize(range(6), 2).zip(sc.parallelize(range(8), 2)).collect()


@pytest.mark.parametrize("num_slices", [1, 3, 12])
def test_zip_with_index_numbers_elements_in_partition_order(sc, num_slices):
    data = [f"e{i}" for i in range(10)]
    result = sc.parallelize(range(10), num_slices).map(lambda i: f"e{i}").zipWithIndex().collect()
    assert result == [(x, i) for i, x in enumerate(data)]


def test_zip_with_index_of_empty_rdd_is_empty(sc):
    assert sc.parallelize([], 3).zipWithIndex().collect() == []


@pytest.mark.parametrize("num_slices", [1, 3, 12])
def test_zip_with_unique_id_gives_kth_partition_ids_k_plus_multiples_of_n(sc, num_slices):
    data = list(range(10))
    result = sc.parallelize(range(10), num_slices).zipWithUniqueId().collect()
    expected = [
        (x, i * num_slices + k)
        for k, part in enumerate(expected_slices(data, num_slices))
        for i, x in enumerate(part)
    ]
    assert result == expected
    assert len({uid for _, uid in result}) == len(data)


def test_zip_with_unique_id_matches_pyspark_doctest(sc):
    result = sc.parallelize(["a", "b", "c", "d", "e"], 3).zipWithUniqueId().collect()
    assert result == [("a", 0), ("b", 1), ("c", 4), ("d", 2), ("e", 5)]


# --- keyBy / groupBy / sortBy -----------------------------------------------------------


def test_key_by_pairs_each_element_with_its_key(sc):
    data = ["apple", "bob", "", "cat"]
    assert sc.parallelize(data, 2).keyBy(len).collect() == [(len(s), s) for s in data]


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_group_by_groups_elements_by_function_result(sc, num_slices):
    data = list(range(30))
    result = sc.parallelize(data, num_slices).groupBy(lambda x: x % 4).collect()
    got = {k: sorted(v) for k, v in result}
    expected = {}
    for x in data:
        expected.setdefault(x % 4, []).append(x)
    assert got == expected
    assert len(result) == len(expected)


def test_group_by_with_none_and_tuple_keys(sc):
    data = [1, 2, 3, 4, 5, 6]
    keyf = lambda x: None if x % 3 == 0 else (x % 2, "odd" if x % 2 else "even")  # noqa: E731
    got = {k: sorted(v) for k, v in sc.parallelize(data, 3).groupBy(keyf).collect()}
    expected = {}
    for x in data:
        expected.setdefault(keyf(x), []).append(x)
    assert got == expected


def test_group_by_with_num_partitions(sc):
    rdd = sc.parallelize(range(20), 2).groupBy(lambda x: x % 5, numPartitions=4)
    assert rdd.getNumPartitions() == 4
    assert sorted((k, sorted(v)) for k, v in rdd.collect()) == [
        (k, list(range(k, 20, 5))) for k in range(5)
    ]


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_sort_by_sorts_globally_by_key_function(sc, num_slices):
    data = [("b", 2), ("a", 9), ("c", 1), ("d", 5), ("e", 5), ("f", 0)]
    result = sc.parallelize(data, num_slices).sortBy(lambda kv: kv[1]).collect()
    assert [v for _, v in result] == sorted(v for _, v in data)
    assert Counter(result) == Counter(data)


def test_sort_by_descending_with_num_partitions_is_globally_sorted(sc):
    data = [(i * 37) % 101 for i in range(101)]
    rdd = sc.parallelize(data, 3).sortBy(lambda x: x, ascending=False, numPartitions=4)
    assert rdd.getNumPartitions() == 4
    assert rdd.collect() == sorted(data, reverse=True)


def test_sort_by_string_key_function(sc):
    data = ["banana", "Apple", "cherry", "apple", "Banana2"]
    assert sc.parallelize(data, 2).sortBy(str.lower).map(str.lower).collect() == sorted(
        s.lower() for s in data
    )


def test_sort_by_on_empty_rdd_is_empty(sc):
    assert sc.parallelize([], 2).sortBy(lambda x: x).collect() == []


# --- pipe -------------------------------------------------------------------------------

needs_cat = pytest.mark.skipif(shutil.which("cat") is None, reason="needs cat")


@needs_cat
def test_pipe_through_cat_returns_the_string_form_of_each_element(sc):
    assert sc.parallelize(["1", "2", "", "3"], 2).pipe("cat").collect() == ["1", "2", "", "3"]
    assert sc.parallelize([1, 2.5, None], 2).pipe("cat").collect() == ["1", "2.5", "None"]


@pytest.mark.skipif(shutil.which("wc") is None, reason="needs wc")
def test_pipe_runs_the_command_once_per_partition(sc):
    result = sc.parallelize(range(10), 3).pipe("wc -l").collect()
    assert [int(s.strip()) for s in result] == [len(p) for p in expected_slices(list(range(10)), 3)]


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs sh")
def test_pipe_passes_env_to_the_command(sc):
    result = sc.parallelize(["a"], 1).pipe(
        "sh -c 'cat >/dev/null; echo $EMBER_TEST_VAR'", env={"EMBER_TEST_VAR": "hello"}
    ).collect()
    assert result == ["hello"]


@pytest.mark.skipif(shutil.which("false") is None, reason="needs false")
def test_pipe_with_check_code_raises_when_the_command_fails(sc):
    with pytest.raises(Exception, match=r"(?i)false|exit|code"):
        sc.parallelize(["a"], 1).pipe("false", checkCode=True).collect()


@pytest.mark.skipif(shutil.which("false") is None, reason="needs false")
def test_pipe_without_check_code_ignores_the_exit_status(sc):
    assert sc.parallelize(["a"], 1).pipe("false").collect() == []
