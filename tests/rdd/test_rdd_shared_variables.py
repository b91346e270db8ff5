"""Broadcast variables and accumulators.

Covers sc.broadcast (``.value`` on the driver and inside closures, unpersist, destroy)
and sc.accumulator (int, float, a custom AccumulatorParam; updates from foreach,
foreachPartition and transformations; laziness; no reads inside tasks).
"""

from __future__ import annotations

import pytest

from ember import AccumulatorParam


def vector_param():
    """Element-wise sum of equal-length lists.

    Defined inside a function so that cloudpickle ships the class by value: workers
    cannot import this test module.
    """

    class VectorParam(AccumulatorParam):
        def zero(self, value):
            return [0] * len(value)

        def addInPlace(self, v1, v2):
            for i, x in enumerate(v2):
                v1[i] += x
            return v1

    return VectorParam()


def set_param():
    class SetParam(AccumulatorParam):
        def zero(self, value):
            return set()

        def addInPlace(self, v1, v2):
            v1 |= set(v2)
            return v1

    return SetParam()


# --- broadcast -------------------------------------------------------------------------------


def test_broadcast_value_is_readable_on_the_driver(sc):
    table = {"a": 1, "b": [2, 3], None: (4,)}
    b = sc.broadcast(table)
    assert b.value == table


@pytest.mark.parametrize("num_slices", [1, 3, 20])
def test_broadcast_value_is_visible_inside_closures(sc, num_slices):
    table = {i: f"name{i}" for i in range(10)}
    b = sc.broadcast(table)
    data = [3, 7, 11, 0, 3]
    result = sc.parallelize(data, num_slices).map(lambda k: b.value.get(k, "?")).collect()
    assert result == [table.get(k, "?") for k in data]


def test_broadcast_is_reusable_across_jobs_and_rdds(sc):
    b = sc.broadcast(list(range(1000)))
    assert sc.parallelize([1, 2], 2).map(lambda i: b.value[i] + len(b.value)).collect() == [1001, 1002]
    assert sc.parallelize([5], 1).flatMap(lambda i: b.value[i:i + 3]).collect() == [5, 6, 7]
    assert sc.parallelize(range(4), 2).filter(lambda i: i in b.value[:2]).collect() == [0, 1]


def test_broadcast_in_a_shuffle_stage_closure(sc):
    weights = sc.broadcast({"x": 10, "y": 100})
    pairs = [("x", 1), ("y", 2), ("x", 3)]
    result = (
        sc.parallelize(pairs, 2)
        .mapValues(lambda v: v * weights.value["x"])
        .reduceByKey(lambda a, b: a + b + weights.value["y"])
        .collect()
    )
    assert sorted(result) == [("x", 10 + 30 + 100), ("y", 20)]


def test_unpersisted_broadcast_can_still_be_used(sc):
    b = sc.broadcast([1, 2, 3])
    assert sc.parallelize([0], 1).map(lambda _: sum(b.value)).collect() == [6]
    b.unpersist()
    assert sc.parallelize([0, 1], 2).map(lambda i: b.value[i]).collect() == [1, 2]


def test_destroyed_broadcast_cannot_be_used_in_a_task(sc):
    b = sc.broadcast([1, 2, 3])
    b.destroy()
    with pytest.raises(Exception):
        sc.parallelize([0], 1).map(lambda i: b.value[i]).collect()


# --- accumulators ------------------------------------------------------------------------------


@pytest.mark.parametrize("num_slices", [1, 3, 20])
def test_int_accumulator_sums_updates_from_foreach(sc, num_slices):
    data = list(range(-5, 15))
    acc = sc.accumulator(0)
    sc.parallelize(data, num_slices).foreach(lambda x: acc.add(x))
    assert acc.value == sum(data)


def test_accumulator_plus_equals_inside_a_task_function(sc):
    acc = sc.accumulator(0)

    def visit(x):
        nonlocal acc
        acc += x

    sc.parallelize([1, 2, 3, 4], 2).foreach(visit)
    assert acc.value == 10


def test_float_accumulator_and_driver_side_updates(sc):
    acc = sc.accumulator(1.5)
    acc += 1.0
    acc.add(0.5)
    sc.parallelize([0.25, 0.25], 2).foreach(lambda x: acc.add(x))
    assert acc.value == pytest.approx(3.5)
    acc.value = 0.0
    assert acc.value == 0.0


def test_accumulator_updated_in_foreach_partition(sc):
    sizes = sc.accumulator(0)
    calls = sc.accumulator(0)

    def visit(it):
        calls.add(1)
        sizes.add(len(list(it)))

    sc.parallelize(range(11), 4).foreachPartition(visit)
    assert (calls.value, sizes.value) == (4, 11)


def test_accumulator_in_a_transformation_is_updated_only_when_an_action_runs(sc):
    acc = sc.accumulator(0)
    rdd = sc.parallelize(range(10), 2).map(lambda x: acc.add(1) or x)
    assert acc.value == 0
    assert rdd.count() == 10
    assert acc.value == 10


def test_custom_accumulator_param_sums_vectors(sc):
    acc = sc.accumulator([0, 0, 0], vector_param())
    rows = [[1, 2, 3], [10, 20, 30], [0, 0, 1], [5, 5, 5]]
    sc.parallelize(rows, 3).foreach(lambda row: acc.add(row))
    assert acc.value == [sum(col) for col in zip(*rows)]


def test_custom_accumulator_param_collects_a_set(sc):
    acc = sc.accumulator(set(), set_param())
    words = ["a", "b", "a", "c", None, "b"]
    sc.parallelize(words, 4).foreach(lambda w: acc.add({w}))
    assert acc.value == set(words)


def test_several_accumulators_in_one_job(sc):
    evens, odds = sc.accumulator(0), sc.accumulator(0)
    data = list(range(25))
    sc.parallelize(data, 3).foreach(lambda x: (evens if x % 2 == 0 else odds).add(1))
    assert (evens.value, odds.value) == (13, 12)


def test_reading_accumulator_value_inside_a_task_raises(sc):
    acc = sc.accumulator(0)
    with pytest.raises(Exception):
        sc.parallelize([1], 1).map(lambda x: acc.value).collect()
