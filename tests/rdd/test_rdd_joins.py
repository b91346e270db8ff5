"""Joins and co-grouping of pair RDDs, checked against nested loops in plain Python.

Covers join, leftOuterJoin, rightOuterJoin, fullOuterJoin, cogroup, groupWith and
subtractByKey, with duplicate keys, ``None`` keys, tuple keys, skew, empty sides and
the ``numPartitions`` argument.
"""

from __future__ import annotations

from collections import Counter

import pytest

LEFT = [(1, "a"), (1, "b"), (2, "c"), ("s", "d"), (None, "e"), ((1, 2), "f"), (7, "g")]
RIGHT = [(1, "x"), (1, "y"), (1, "z"), (3, "w"), ("s", "v"), (None, "u"), ((1, 2), "t")]
SKEW_LEFT = [("hot", i) for i in range(150)] + [("cold", -1)]
SKEW_RIGHT = [("hot", "H1"), ("hot", "H2"), ("warm", "W")]


def inner(left, right):
    return [(k, (v, w)) for k, v in left for k2, w in right if k == k2]


def left_outer(left, right):
    rkeys = {k for k, _ in right}
    return inner(left, right) + [(k, (v, None)) for k, v in left if k not in rkeys]


def right_outer(left, right):
    lkeys = {k for k, _ in left}
    return inner(left, right) + [(k, (None, w)) for k, w in right if k not in lkeys]


def full_outer(left, right):
    lkeys = {k for k, _ in left}
    return left_outer(left, right) + [(k, (None, w)) for k, w in right if k not in lkeys]


CASES = {
    "mixed": (LEFT, RIGHT),
    "skewed": (SKEW_LEFT, SKEW_RIGHT),
    "left_empty": ([], RIGHT),
    "right_empty": (LEFT, []),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("num_slices", [1, 3, 20])
def test_join_returns_every_matching_pair_per_key(sc, case, num_slices):
    left, right = CASES[case]
    result = sc.parallelize(left, num_slices).join(sc.parallelize(right, 2)).collect()
    assert Counter(result) == Counter(inner(left, right))


@pytest.mark.parametrize("case", list(CASES))
def test_left_outer_join_keeps_unmatched_left_rows_with_none(sc, case):
    left, right = CASES[case]
    result = sc.parallelize(left, 3).leftOuterJoin(sc.parallelize(right, 2)).collect()
    assert Counter(result) == Counter(left_outer(left, right))


@pytest.mark.parametrize("case", list(CASES))
def test_right_outer_join_keeps_unmatched_right_rows_with_none(sc, case):
    left, right = CASES[case]
    result = sc.parallelize(left, 3).rightOuterJoin(sc.parallelize(right, 2)).collect()
    assert Counter(result) == Counter(right_outer(left, right))


@pytest.mark.parametrize("case", list(CASES))
def test_full_outer_join_keeps_unmatched_rows_of_both_sides(sc, case):
    left, right = CASES[case]
    result = sc.parallelize(left, 3).fullOuterJoin(sc.parallelize(right, 2)).collect()
    assert Counter(result) == Counter(full_outer(left, right))


def test_join_matches_none_keys_with_none_keys(sc):
    left = [(None, 1), (0, 2)]
    right = [(None, "n"), (0, "z"), ("", "e")]
    result = sc.parallelize(left, 2).join(sc.parallelize(right, 2)).collect()
    assert sorted(result, key=repr) == sorted([(None, (1, "n")), (0, (2, "z"))], key=repr)


@pytest.mark.parametrize(
    "method", ["join", "leftOuterJoin", "rightOuterJoin", "fullOuterJoin", "cogroup"]
)
def test_join_family_honours_num_partitions(sc, method):
    left = sc.parallelize([(i % 5, i) for i in range(20)], 2)
    right = sc.parallelize([(i % 3, -i) for i in range(9)], 3)
    assert getattr(left, method)(right, numPartitions=7).getNumPartitions() == 7


def test_join_of_rdd_with_itself(sc):
    pairs = [(1, "a"), (1, "b"), (2, "c")]
    rdd = sc.parallelize(pairs, 2)
    assert Counter(rdd.join(rdd).collect()) == Counter(inner(pairs, pairs))


def test_join_of_copartitioned_rdds(sc):
    left = sc.parallelize(LEFT, 3).partitionBy(4)
    right = sc.parallelize(RIGHT, 2).partitionBy(4)
    assert Counter(left.join(right).collect()) == Counter(inner(LEFT, RIGHT))


# --- cogroup / groupWith / subtractByKey --------------------------------------------------


def cogrouped(*sides):
    keys = {k for side in sides for k, _ in side}
    return {k: tuple(sorted(v for k2, v in side if k2 == k) for side in sides) for k in keys}


@pytest.mark.parametrize("case", list(CASES))
def test_cogroup_groups_values_of_both_sides_by_key(sc, case):
    left, right = CASES[case]
    result = sc.parallelize(left, 3).cogroup(sc.parallelize(right, 2)).collect()
    assert len(result) == len({k for k, _ in left + right})
    assert {k: (sorted(a), sorted(b)) for k, (a, b) in result} == cogrouped(left, right)


def test_cogroup_gives_empty_iterables_for_keys_missing_on_one_side(sc):
    result = dict(sc.parallelize([("a", 1)], 1).cogroup(sc.parallelize([("b", 2)], 1)).collect())
    assert (list(result["a"][0]), list(result["a"][1])) == ([1], [])
    assert (list(result["b"][0]), list(result["b"][1])) == ([], [2])


def test_group_with_cogroups_three_or_more_rdds(sc):
    a = [("x", 1), ("y", 2), ("x", 3)]
    b = [("x", "b1"), (None, "bn")]
    c = [("y", 9.5), ("z", 0.0), ("y", 1.5)]
    d = [("x", (1,))]
    rdds = [sc.parallelize(s, n) for s, n in zip((a, b, c, d), (2, 1, 3, 2))]
    result = rdds[0].groupWith(rdds[1], rdds[2], rdds[3]).collect()
    assert {k: tuple(sorted(v) for v in vs) for k, vs in result} == cogrouped(a, b, c, d)


def test_group_with_single_other_equals_two_way_cogroup(sc):
    result = sc.parallelize(LEFT, 2).groupWith(sc.parallelize(RIGHT, 3)).collect()
    assert {k: tuple(sorted(v) for v in vs) for k, vs in result} == cogrouped(LEFT, RIGHT)


@pytest.mark.parametrize("num_slices", [1, 3, 20])
def test_subtract_by_key_drops_pairs_whose_key_is_in_other(sc, num_slices):
    other = [(1, "ignored"), (None, 0), ("zzz", 1)]
    result = sc.parallelize(LEFT, num_slices).subtractByKey(sc.parallelize(other, 2)).collect()
    drop = {k for k, _ in other}
    assert Counter(result) == Counter((k, v) for k, v in LEFT if k not in drop)


def test_subtract_by_key_with_num_partitions_and_empty_other(sc):
    rdd = sc.parallelize(SKEW_LEFT, 3).subtractByKey(sc.parallelize([], 2), numPartitions=5)
    assert rdd.getNumPartitions() == 5
    assert Counter(rdd.collect()) == Counter(SKEW_LEFT)


def test_subtract_by_key_removes_skewed_hot_key(sc):
    result = sc.parallelize(SKEW_LEFT, 4).subtractByKey(sc.parallelize(SKEW_RIGHT, 2)).collect()
    assert result == [("cold", -1)]
