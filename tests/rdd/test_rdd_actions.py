"""Actions that bring results to the driver, checked against plain Python.

Covers reduce, treeReduce, fold, aggregate, treeAggregate, count, collect, take,
takeOrdered, top, first, isEmpty, foreach, foreachPartition, toLocalIterator, and the
errors a PySpark user gets for misuse (empty reductions, bad depths, negative counts,
a failing user function).
"""

from __future__ import annotations

import functools
import heapq
import operator

import pytest

PARTITION_COUNTS = [1, 3, 30]  # 30: more partitions than records below
DATA = [5, 3, 9, -2, 0, 11, 7, 7, 1, 4]


def empty_rdds(sc):
    return [sc.emptyRDD(), sc.parallelize([], 3), sc.parallelize(range(5), 2).filter(lambda x: x > 9)]


# --- reduce / treeReduce -----------------------------------------------------------------


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_reduce_combines_all_elements(sc, num_slices):
    rdd = sc.parallelize(DATA, num_slices)
    assert rdd.reduce(operator.add) == sum(DATA)
    assert rdd.reduce(max) == max(DATA)


def test_reduce_of_a_single_element_returns_it(sc):
    assert sc.parallelize([("only", 1)], 4).reduce(lambda a, b: 1 / 0) == ("only", 1)


def test_reduce_on_empty_rdd_raises_value_error(sc):
    for rdd in empty_rdds(sc):
        with pytest.raises(ValueError):
            rdd.reduce(operator.add)


@pytest.mark.parametrize("depth", [1, 2, 3, 5])
@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_tree_reduce_equals_sequential_reduce(sc, num_slices, depth):
    data = list(range(1, 25))
    assert sc.parallelize(data, num_slices).treeReduce(operator.add, depth) == sum(data)


def test_tree_reduce_on_empty_rdd_raises_value_error(sc):
    with pytest.raises(ValueError):
        sc.parallelize([], 4).treeReduce(operator.add)


def test_tree_reduce_with_depth_below_one_raises_value_error(sc):
    with pytest.raises(ValueError):
        sc.parallelize([1, 2], 2).treeReduce(operator.add, depth=0)


# --- fold / aggregate / treeAggregate ------------------------------------------------------


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_fold_with_neutral_zero_equals_reduce(sc, num_slices):
    assert sc.parallelize(DATA, num_slices).fold(0, operator.add) == sum(DATA)
    assert sc.parallelize(DATA, num_slices).fold(1, operator.mul) == functools.reduce(
        operator.mul, DATA
    )


@pytest.mark.parametrize("num_slices", [1, 3, 30])
def test_fold_applies_zero_once_per_partition_and_once_on_the_driver(sc, num_slices):
    # PySpark folds each partition starting from zeroValue, then folds the partition
    # results starting from zeroValue again, so a non-neutral zero is counted n + 1 times.
    assert sc.parallelize(DATA, num_slices).fold(10, operator.add) == sum(DATA) + 10 * (
        num_slices + 1
    )


def test_fold_on_empty_rdd_returns_zero(sc):
    assert sc.emptyRDD().fold(0, operator.add) == 0
    assert sc.emptyRDD().fold("z", operator.add) == "z"


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_aggregate_computes_sum_and_count_in_one_pass(sc, num_slices):
    result = sc.parallelize(DATA, num_slices).aggregate(
        (0, 0), lambda acc, x: (acc[0] + x, acc[1] + 1), lambda a, b: (a[0] + b[0], a[1] + b[1])
    )
    assert result == (sum(DATA), len(DATA))


def test_aggregate_into_a_set_and_on_empty_rdd(sc):
    data = ["a", "b", "a", None]
    assert sc.parallelize(data, 3).aggregate(
        frozenset(), lambda acc, x: acc | {x}, lambda a, b: a | b
    ) == frozenset(data)
    assert sc.emptyRDD().aggregate((0, 0), lambda a, x: a, lambda a, b: a) == (0, 0)


@pytest.mark.parametrize("depth", [1, 2, 4])
@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_tree_aggregate_equals_aggregate(sc, num_slices, depth):
    data = list(range(-10, 30))
    result = sc.parallelize(data, num_slices).treeAggregate(
        (0, 0), lambda acc, x: (acc[0] + x, acc[1] + 1), lambda a, b: (a[0] + b[0], a[1] + b[1]),
        depth,
    )
    assert result == (sum(data), len(data))


def test_tree_aggregate_on_empty_rdd_returns_zero(sc):
    assert sc.parallelize([], 5).treeAggregate(0, operator.add, operator.add) == 0


def test_tree_aggregate_with_depth_below_one_raises_value_error(sc):
    with pytest.raises(ValueError):
        sc.parallelize([1, 2], 2).treeAggregate(0, operator.add, operator.add, depth=0)


# --- count / collect / take / first / isEmpty ---------------------------------------------


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_count_and_collect_return_all_elements(sc, num_slices):
    data = [1, None, "x", (2, 3), [4], {"k": 5}, 6.5]
    rdd = sc.parallelize(data, num_slices)
    assert rdd.count() == len(data)
    assert rdd.collect() == data


def test_count_and_collect_of_empty_rdds(sc):
    for rdd in empty_rdds(sc):
        assert rdd.count() == 0
        assert rdd.collect() == []


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
@pytest.mark.parametrize("n", [0, 1, 4, 10, 15])
def test_take_returns_the_first_n_elements_in_order(sc, num_slices, n):
    assert sc.parallelize(DATA, num_slices).take(n) == DATA[:n]


def test_take_skips_over_empty_leading_partitions(sc):
    rdd = sc.parallelize(range(100), 10).filter(lambda x: x >= 95)
    assert rdd.take(3) == [95, 96, 97]
    assert rdd.take(10) == [95, 96, 97, 98, 99]


def test_take_on_empty_rdd_returns_empty_list(sc):
    for rdd in empty_rdds(sc):
        assert rdd.take(3) == []


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_first_returns_the_first_element(sc, num_slices):
    assert sc.parallelize(DATA, num_slices).first() == DATA[0]
    assert sc.parallelize(range(50), num_slices).filter(lambda x: x > 40).first() == 41


def test_first_on_empty_rdd_raises_value_error(sc):
    for rdd in empty_rdds(sc):
        with pytest.raises(ValueError):
            rdd.first()


def test_is_empty_is_true_only_for_rdds_without_elements(sc):
    for rdd in empty_rdds(sc):
        assert rdd.isEmpty() is True
    assert sc.parallelize([None], 3).isEmpty() is False
    assert sc.parallelize(range(20), 10).filter(lambda x: x == 19).isEmpty() is False


# --- takeOrdered / top ------------------------------------------------------------------------


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
@pytest.mark.parametrize("n", [0, 1, 3, 10, 20])
def test_take_ordered_returns_the_n_smallest_ascending(sc, num_slices, n):
    assert sc.parallelize(DATA, num_slices).takeOrdered(n) == heapq.nsmallest(n, DATA)


def test_take_ordered_with_key(sc):
    words = ["pear", "fig", "banana", "kiwi", "apple", "date"]
    key = lambda w: (len(w), w)  # noqa: E731
    assert sc.parallelize(words, 3).takeOrdered(4, key=key) == sorted(words, key=key)[:4]
    assert sc.parallelize(DATA, 2).takeOrdered(3, key=lambda x: -x) == sorted(DATA, reverse=True)[:3]


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
@pytest.mark.parametrize("n", [0, 1, 3, 10, 20])
def test_top_returns_the_n_largest_descending(sc, num_slices, n):
    assert sc.parallelize(DATA, num_slices).top(n) == heapq.nlargest(n, DATA)


def test_top_with_key(sc):
    pairs = [("a", 3), ("b", 9), ("c", 1), ("d", 9), ("e", 5)]
    result = sc.parallelize(pairs, 3).top(3, key=lambda kv: (kv[1], kv[0]))
    assert result == sorted(pairs, key=lambda kv: (kv[1], kv[0]), reverse=True)[:3]


def test_take_ordered_and_top_on_empty_rdd_return_empty_list(sc):
    for rdd in empty_rdds(sc):
        assert rdd.takeOrdered(3) == []
    # PySpark's top() on sc.emptyRDD() (zero partitions) raises from reduce(); with
    # partitions that are all empty it returns [].
    for rdd in empty_rdds(sc)[1:]:
        assert rdd.top(3) == []


def test_take_ordered_with_negative_count_raises_value_error(sc):
    with pytest.raises(ValueError):
        sc.parallelize(DATA, 2).takeOrdered(-1)


# --- foreach / foreachPartition / toLocalIterator ------------------------------------------------


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_foreach_runs_the_function_on_every_element(sc, num_slices):
    total = sc.accumulator(0)
    seen = sc.accumulator(0)

    def visit(x):
        total.add(x)
        seen.add(1)

    assert sc.parallelize(DATA, num_slices).foreach(visit) is None
    assert (total.value, seen.value) == (sum(DATA), len(DATA))


@pytest.mark.parametrize("num_slices", [1, 3, 30])
def test_foreach_partition_runs_once_per_partition_with_an_iterator(sc, num_slices):
    calls = sc.accumulator(0)
    total = sc.accumulator(0)

    def visit(it):
        calls.add(1)
        total.add(sum(it))

    assert sc.parallelize(DATA, num_slices).foreachPartition(visit) is None
    assert (calls.value, total.value) == (num_slices, sum(DATA))


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_to_local_iterator_yields_all_elements_in_order(sc, num_slices):
    it = sc.parallelize(DATA, num_slices).toLocalIterator()
    assert not isinstance(it, list)
    assert list(it) == DATA


def test_to_local_iterator_with_prefetch_yields_all_elements_in_order(sc):
    data = list(range(40))
    assert list(sc.parallelize(data, 6).toLocalIterator(prefetchPartitions=True)) == data


def test_to_local_iterator_of_empty_rdd_yields_nothing(sc):
    assert list(sc.parallelize([], 3).toLocalIterator()) == []


# --- failures in user code -------------------------------------------------------------------------


def test_error_in_user_function_fails_the_action_and_context_stays_usable(sc):
    with pytest.raises(Exception, match="division by zero"):
        sc.parallelize([1, 2, 0, 4], 2).map(lambda x: 1 / x).collect()
    assert sc.parallelize([1, 2], 2).map(lambda x: x * 2).collect() == [2, 4]
