"""Lineage and identity: toDebugString, getNumPartitions, id, name/setName, and reuse
of shuffle output by later actions.

toDebugString follows Spark's layout: the first line is ``(numPartitions) <rdd>``,
narrow ancestors follow as `` |  <rdd>``, and each shuffle boundary starts a new,
deeper block with `` +-(numPartitions) <rdd>``, whose ancestors are indented three
more spaces. PySpark returns it as ``bytes``.
"""

from __future__ import annotations

import operator
import re

import pytest


def debug_lines(rdd) -> list[str]:
    text = rdd.toDebugString()
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return [line for line in text.splitlines() if line.strip()]


def is_ancestor_line(line: str, depth: int) -> bool:
    """A narrow-dependency line at ``depth`` shuffle boundaries below the result."""
    return re.match(r"^" + " " * (3 * depth) + r" \|  ", line) is not None


def boundary_depth(line: str) -> int | None:
    m = re.match(r"^( *) \+-\(\d+\) \S", line)
    return None if m is None else len(m.group(1)) // 3


# --- toDebugString -------------------------------------------------------------------------------


def test_to_debug_string_returns_bytes_like_pyspark(sc):
    assert isinstance(sc.parallelize([1], 1).map(str).toDebugString(), bytes)


def test_to_debug_string_of_narrow_chain_has_no_shuffle_boundary(sc):
    lines = debug_lines(sc.parallelize(range(9), 3).map(str).filter(bool))
    assert re.match(r"^\(3\) \S", lines[0])
    assert not any("+-" in line for line in lines)
    assert all(is_ancestor_line(line, 0) for line in lines[1:])
    assert len(lines) >= 2  # the source is listed below the result


def test_to_debug_string_shows_the_shuffle_boundary_with_map_side_partitions(sc):
    rdd = sc.parallelize(range(10), 3).map(lambda x: (x % 3, x)).reduceByKey(operator.add, 2)
    lines = debug_lines(rdd)
    assert re.match(r"^\(2\) \S", lines[0])
    boundaries = [i for i, line in enumerate(lines) if boundary_depth(line) is not None]
    assert len(boundaries) == 1
    (j,) = boundaries
    assert re.match(r"^ \+-\(3\) \S", lines[j])
    assert all(is_ancestor_line(line, 0) for line in lines[1:j])
    assert len(lines) > j + 1
    assert all(is_ancestor_line(line, 1) for line in lines[j + 1:])


def test_to_debug_string_nests_each_shuffle_one_level_deeper(sc):
    rdd = (
        sc.parallelize(range(10), 3)
        .map(lambda x: (x % 3, x))
        .reduceByKey(operator.add, 2)
        .map(lambda kv: (kv[1], kv[0]))
        .groupByKey(4)
    )
    lines = debug_lines(rdd)
    assert re.match(r"^\(4\) \S", lines[0])
    depths = [boundary_depth(line) for line in lines if boundary_depth(line) is not None]
    assert depths == [0, 1]
    outer = next(line for line in lines if boundary_depth(line) == 0)
    inner = next(line for line in lines if boundary_depth(line) == 1)
    assert re.match(r"^ \+-\(2\) ", outer)
    assert re.match(r"^    \+-\(3\) ", inner)


def test_to_debug_string_counts_every_shuffle_of_an_iterative_lineage(sc):
    rdd = sc.parallelize([(i % 5, 1) for i in range(50)], 2)
    for _ in range(12):
        # map() forgets the partitioner, so every reduceByKey shuffles again
        rdd = rdd.reduceByKey(operator.add).map(lambda kv: (kv[0], 1 + kv[1] // 1000))
    lines = debug_lines(rdd)
    assert sorted(d for d in map(boundary_depth, lines) if d is not None) == list(range(12))
    assert sorted(rdd.collect()) == [(k, 1) for k in range(5)]


def test_reduce_by_key_on_data_already_partitioned_the_same_way_does_not_shuffle(sc):
    rdd = sc.parallelize([(i % 5, 1) for i in range(50)], 2)
    for _ in range(4):
        # mapValues keeps the partitioner, so only the first reduceByKey shuffles
        rdd = rdd.reduceByKey(operator.add).mapValues(lambda v: v)
    depths = [d for d in map(boundary_depth, debug_lines(rdd)) if d is not None]
    assert depths == [0]
    assert sorted(rdd.collect()) == [(k, 10) for k in range(5)]


def test_to_debug_string_names_the_users_file_as_call_site(sc):
    rdd = sc.parallelize([(1, 2)], 2).reduceByKey(operator.add)
    assert "test_rdd_lineage.py" in "\n".join(debug_lines(rdd))


def test_to_debug_string_shows_the_rdd_name(sc):
    rdd = sc.parallelize(range(4), 2).map(lambda x: x).setName("my-special-rdd")
    assert "my-special-rdd" in debug_lines(rdd)[0]


# --- identity -----------------------------------------------------------------------------------------


def test_name_is_none_until_set_name_and_set_name_returns_the_rdd(sc):
    rdd = sc.parallelize([1, 2], 2).map(lambda x: x)
    assert rdd.name() is None
    assert rdd.setName("numbers") is rdd
    assert rdd.name() == "numbers"
    rdd.setName("renamed")
    assert rdd.name() == "renamed"
    assert rdd.collect() == [1, 2]


def test_id_is_a_stable_int_unique_per_rdd(sc):
    base = sc.parallelize(range(5), 2)
    rdds = [base, base.map(str), base.filter(bool), base.map(lambda x: (x, x)).groupByKey()]
    ids = [r.id() for r in rdds]
    assert all(isinstance(i, int) for i in ids)
    assert len(set(ids)) == len(ids)
    assert [r.id() for r in rdds] == ids


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda sc: sc.parallelize(range(10), 4), 4),
        (lambda sc: sc.parallelize(range(10), 4).map(str).filter(bool), 4),
        (lambda sc: sc.parallelize(range(3), 9).flatMap(lambda x: [x] * 3), 9),
        (lambda sc: sc.parallelize([(1, 1)], 3).groupByKey(6), 6),
        (lambda sc: sc.parallelize(range(4), 2).union(sc.parallelize(range(4), 3)), 5),
        (lambda sc: sc.parallelize(range(4), 2).cartesian(sc.parallelize(range(4), 3)), 6),
        (lambda sc: sc.emptyRDD(), 0),
    ],
    ids=["parallelize", "narrow", "more_partitions_than_records", "groupByKey", "union",
         "cartesian", "empty"],
)
def test_get_num_partitions(sc, build, expected):
    assert build(sc).getNumPartitions() == expected


# --- reuse of shuffle output --------------------------------------------------------------------------


def counted_pairs(sc, data, num_slices):
    calls = sc.accumulator(0)

    def to_pair(x):
        calls.add(1)
        return (x % 4, x)

    return sc.parallelize(data, num_slices).map(to_pair), calls


@pytest.mark.parametrize("num_slices", [1, 3, 25])
def test_second_action_on_a_shuffled_rdd_does_not_rerun_the_map_stage(sc, num_slices):
    data = list(range(20))
    pairs, calls = counted_pairs(sc, data, num_slices)
    reduced = pairs.reduceByKey(operator.add)
    expected = sorted({k: sum(x for x in data if x % 4 == k) for k in range(4)}.items())
    assert sorted(reduced.collect()) == expected
    assert calls.value == len(data)
    assert sorted(reduced.collect()) == expected
    assert reduced.count() == 4
    assert calls.value == len(data)


def test_a_child_of_a_shuffled_rdd_reuses_the_shuffle_output(sc):
    data = list(range(30))
    pairs, calls = counted_pairs(sc, data, 3)
    grouped = pairs.groupByKey()
    assert sorted((k, sorted(v)) for k, v in grouped.collect()) == [
        (k, [x for x in data if x % 4 == k]) for k in range(4)
    ]
    assert sorted(grouped.mapValues(len).collect()) == [
        (k, sum(1 for x in data if x % 4 == k)) for k in range(4)
    ]
    assert calls.value == len(data)


def test_long_narrow_chain_evaluates(sc):
    rdd = sc.parallelize(range(10), 3)
    for _ in range(100):
        rdd = rdd.map(lambda x: x + 1)
    assert rdd.collect() == [x + 100 for x in range(10)]
