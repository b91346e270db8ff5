"""Spilling shuffles (docs/reliability.md#spill, #spill-cleanup): exact results under tiny budgets, and no files left.

Unit tests drive ``ExternalAggregator``, ``ExternalSorter`` and the shuffle writer/reader
directly with a tiny ``TaskMemory`` (or the ``spill_every_n_records`` knob) so that they
spill deterministically, and compare with plain Python. End-to-end tests run real jobs on
workers with ``spark.executor.memory`` of 1 MB and read the spill counts that reach the
driver through the listener bus.
"""

from __future__ import annotations

import glob
import os
from collections import Counter, defaultdict
from operator import add

import pytest

from ember.memory import MemoryBudget, MemoryConsumer, TaskMemory, sizeof_sampled
from ember.rdd.partitioner import HashPartitioner
from ember.scheduler.listener import JobMetricsListener, SparkListener
from ember.shuffle.aggregator import Aggregator, identity
from ember.shuffle.block_resolver import ShuffleBlockResolver
from ember.shuffle.external_aggregator import ExternalAggregator
from ember.shuffle.external_sorter import ExternalSorter
from ember.shuffle.reader import ShuffleReader
from ember.serialization.serializers import record_serializer
from ember.shuffle.writer import ShuffleWriter
from ember.task_metrics import TaskMetrics

SUM = Aggregator(identity, add, add)
GROUP = Aggregator(lambda v: [v], lambda c, v: c.append(v) or c, lambda a, b: a.extend(b) or a)


class Colliding:
    """A key whose hash collides with every other key of the same ``value % 3``."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __hash__(self) -> int:
        return self.value % 3

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Colliding) and other.value == self.value

    def __repr__(self) -> str:
        return f"Colliding({self.value})"


def _memory(tmp_path, capacity: int = 32 << 10) -> TaskMemory:
    return TaskMemory(capacity, str(tmp_path / "spill"))


def _spill_files(tmp_path) -> list[str]:
    return glob.glob(str(tmp_path / "spill" / "*"))


def _aggregate(pairs, tmp_path, aggregator=SUM, **knobs):
    metrics = TaskMetrics()
    combiner = ExternalAggregator(aggregator, _memory(tmp_path, knobs.pop("capacity", 32 << 10)),
                                  record_serializer(), metrics=metrics, **knobs)
    combiner.insert_values(pairs)
    result = list(combiner.items())
    assert (metrics.spill_count, metrics.bytes_spilled) == (combiner.spill_count, combiner.bytes_spilled)
    return result, combiner


def _sums(pairs) -> dict:
    expected: Counter = Counter()
    for key, value in pairs:
        expected[key] += value
    return dict(expected)


def _groups(pairs) -> dict:
    expected: dict = defaultdict(list)
    for key, value in pairs:
        expected[key].append(value)
    return dict(expected)


# --- ExternalAggregator ---------------------------------------------------------------

def test_aggregator_spills_under_a_tiny_budget_and_sums_exactly(tmp_path):
    pairs = [(f"key{i % 20_000}", i) for i in range(100_000)]
    result, combiner = _aggregate(pairs, tmp_path)
    assert combiner.spill_count >= 1 and combiner.bytes_spilled > 0
    assert len(result) == 20_000 and dict(result) == _sums(pairs)
    assert _spill_files(tmp_path) == []


def test_aggregator_without_pressure_keeps_the_fast_path(tmp_path):
    pairs = [(i % 100, 1) for i in range(10_000)]
    result, combiner = _aggregate(pairs, tmp_path, capacity=64 << 20)
    assert combiner.spill_count == 0 and dict(result) == _sums(pairs)
    assert not os.path.exists(tmp_path / "spill")


def test_colliding_hashes_stay_apart_and_equal_keys_combine_across_runs(tmp_path):
    pairs = [(Colliding(i % 50), 1) for i in range(5_000)]
    result, combiner = _aggregate(pairs, tmp_path, spill_every_n_records=300)
    assert combiner.spill_count >= 10
    assert {key.value: total for key, total in result} == {i: 100 for i in range(50)}
    assert len(result) == 50


def test_equal_hashes_that_span_many_run_batches_still_combine(tmp_path):
    # Only three distinct hashes: each run is three long stretches of equal hashes, cut into
    # many small batches, so the merge must follow equal hashes across batch boundaries.
    pairs = [(Colliding(i % 600), 1) for i in range(3_000)]
    result, combiner = _aggregate(pairs, tmp_path, spill_every_n_records=700)
    assert combiner.spill_count >= 4
    assert sorted((key.value, total) for key, total in result) == [(i, 5) for i in range(600)]


def test_none_and_mixed_type_keys_that_do_not_order(tmp_path):
    kinds = [None, 1, "1", 1.5, (1, "a"), ("a", None), b"x", frozenset({2}), True, -1, -2, Colliding(7)]
    pairs = [(kinds[i % len(kinds)], i) for i in range(6_000)]
    result, combiner = _aggregate(pairs, tmp_path, spill_every_n_records=500)
    assert combiner.spill_count >= 5
    expected = _sums(pairs)  # note: True == 1, so they are one key, as in a dict
    assert dict(result) == expected and len(result) == len(expected)


def test_group_by_key_with_one_key_holding_half_the_rows(tmp_path):
    pairs = [("hot" if i % 2 else i % 997, i) for i in range(200_000)]
    result, combiner = _aggregate(pairs, tmp_path, GROUP, capacity=256 << 10)
    assert combiner.spill_count >= 1
    assert dict(result) == _groups(pairs)  # values keep their arrival order
    assert len(dict(result)["hot"]) == 100_000
    assert _spill_files(tmp_path) == []


def test_combiners_from_map_side_combine_merge_after_spills(tmp_path):
    combined = [(i % 300, [i]) for i in range(3_000)]
    combiner = ExternalAggregator(GROUP, _memory(tmp_path), record_serializer(), spill_every_n_records=200)
    combiner.insert_combiners(combined)
    result = dict(combiner.items())
    assert combiner.spill_count >= 10
    assert result == {k: [v[0] for kk, v in combined if kk == k] for k in range(300)}


def test_many_runs_merge_in_several_passes(tmp_path):
    pairs = [(i % 1_000, 1) for i in range(30_000)]
    result, combiner = _aggregate(pairs, tmp_path, spill_every_n_records=100)
    assert combiner.spill_count >= 200 > combiner.fan_in
    assert dict(result) == {i: 30 for i in range(1_000)}
    assert _spill_files(tmp_path) == []


def test_an_exception_mid_merge_leaves_no_spill_file(tmp_path):
    def merge(left, right):
        if left > 40:
            raise ValueError("boom in merge_combiners")
        return left + right

    combiner = ExternalAggregator(Aggregator(identity, add, merge), _memory(tmp_path), record_serializer(),
                                  spill_every_n_records=100)
    combiner.insert_values((i % 10, 1) for i in range(1_000))
    assert combiner.spill_count >= 3 and len(_spill_files(tmp_path)) >= 3
    with pytest.raises(ValueError, match="boom"):
        list(combiner.items())
    assert _spill_files(tmp_path) == []


def test_an_abandoned_merge_and_close_leave_no_spill_file(tmp_path):
    combiner = ExternalAggregator(SUM, _memory(tmp_path), record_serializer(), spill_every_n_records=100)
    combiner.insert_values((i % 500, 1) for i in range(2_000))
    items = combiner.items()
    next(items)
    assert _spill_files(tmp_path)
    items.close()
    assert _spill_files(tmp_path) == []
    combiner.close()  # idempotent


# --- ExternalSorter -------------------------------------------------------------------

@pytest.mark.parametrize("ascending", [True, False])
def test_sorter_spills_and_is_exactly_the_stable_sort(tmp_path, ascending):
    records = [((i * 7919) % 5_000, i) for i in range(60_000)]  # every key 12 times
    sorter = ExternalSorter(_memory(tmp_path), record_serializer(), ascending=ascending)
    sorter.insert_all(records)
    result = list(sorter.sorted_records())
    assert sorter.spill_count >= 1
    assert result == sorted(records, key=lambda kv: kv[0], reverse=not ascending)
    assert _spill_files(tmp_path) == []


def test_sorter_with_key_func_and_many_runs(tmp_path):
    records = [(f"k{(i * 31) % 2_000}", i) for i in range(20_000)]
    sorter = ExternalSorter(_memory(tmp_path), record_serializer(), key_func=len, ascending=False,
                            spill_every_n_records=150)
    for start in range(0, len(records), 1_000):
        sorter.insert_batch(records[start:start + 1_000])
    assert sorter.spill_count >= sorter.fan_in
    assert list(sorter.sorted_records()) == sorted(records, key=lambda kv: len(kv[0]), reverse=True)
    assert _spill_files(tmp_path) == []


def test_sorter_exception_mid_merge_leaves_no_spill_file(tmp_path):
    armed = []

    def key(k):
        if armed and k == 777:
            raise RuntimeError("bad key")
        return k

    sorter = ExternalSorter(_memory(tmp_path), record_serializer(), key_func=key, spill_every_n_records=500)
    sorter.insert_all((i % 1_000, i) for i in range(5_000))
    assert sorter.spill_count >= 3
    armed.append(True)
    with pytest.raises(RuntimeError, match="bad key"):
        list(sorter.sorted_records())
    assert _spill_files(tmp_path) == []


# --- writer and reader ----------------------------------------------------------------

def _write(tmp_path, name, pairs, memory=None, aggregator=None, combine=False, **knobs):
    resolver = ShuffleBlockResolver(str(tmp_path / name))
    metrics = TaskMetrics()
    writer = ShuffleWriter(0, 0, HashPartitioner(3), resolver, record_serializer(), 4 << 10, metrics,
                           memory, **knobs)
    sizes = writer.write(iter(pairs), aggregator, combine, ".tmp")
    return resolver, sizes, metrics


def test_writer_spills_chunks_and_writes_the_same_bytes(tmp_path):
    pairs = [(f"k{i}", "v" * (i % 50)) for i in range(50_000)]
    plain, plain_sizes, _ = _write(tmp_path, "plain", pairs)
    spilled, sizes, metrics = _write(tmp_path, "spilled", pairs, _memory(tmp_path, 64 << 10))
    assert metrics.spill_count >= 2 and sizes == plain_sizes
    for suffix in ("data_path", "index_path"):
        with open(getattr(plain.files_for(0, 0), suffix), "rb") as a, \
                open(getattr(spilled.files_for(0, 0), suffix), "rb") as b:
            assert a.read() == b.read()
    assert _spill_files(tmp_path) == []


def test_writer_map_side_combine_and_reader_aggregation_spill(tmp_path):
    pairs = [(i % 7_000 if i % 3 else None, 1) for i in range(60_000)]
    resolver, _, write_metrics = _write(tmp_path, "w", pairs, _memory(tmp_path), SUM, True)
    assert write_metrics.spill_count >= 1
    outputs = [(0, resolver.files_for(0, 0))]
    merged = {}
    for reduce_id in range(3):
        metrics = TaskMetrics()
        reader = ShuffleReader(0, reduce_id, outputs, record_serializer(), metrics, _memory(tmp_path, 16 << 10),
                               spill_every_n_records=500)
        merged.update(reader.read(SUM, True, None))
        assert metrics.spill_count >= 1
    assert merged == _sums(pairs)
    assert _spill_files(tmp_path) == []


def test_a_writer_that_raises_after_three_spills_leaves_no_file(tmp_path):  # docs/reliability.md#spill-cleanup
    def records():
        for i in range(10_000):
            if i == 9_000:
                raise RuntimeError("user code failed")
            yield i, i

    metrics = TaskMetrics()
    writer = ShuffleWriter(0, 0, HashPartitioner(2), ShuffleBlockResolver(str(tmp_path / "w")),
                           record_serializer(), 4 << 10, metrics, _memory(tmp_path), spill_every_n_records=1_000)
    with pytest.raises(RuntimeError, match="user code failed"):
        writer.write(records(), GROUP, True, ".tmp")
    assert metrics.spill_count >= 3
    assert _spill_files(tmp_path) == []


def test_empty_input_under_a_tiny_budget(tmp_path):
    _, sizes, metrics = _write(tmp_path, "empty", [], _memory(tmp_path, 1), SUM, True, spill_every_n_records=1)
    assert sizes == [0, 0, 0] and metrics.spill_count == 0
    sorter = ExternalSorter(_memory(tmp_path, 1), record_serializer())
    sorter.insert_all([])
    assert list(sorter.sorted_records()) == []


def test_task_memory_cleanup_removes_the_whole_directory(tmp_path):
    memory = _memory(tmp_path)
    sorter = ExternalSorter(memory, record_serializer(), spill_every_n_records=10)
    sorter.insert_all((i, i) for i in range(100))
    assert _spill_files(tmp_path)
    memory.cleanup()  # what the task runner does when a task ends
    assert not os.path.exists(tmp_path / "spill")


# --- budget accounting ----------------------------------------------------------------

def test_memory_consumers_reserve_estimates_and_get_a_minimum():
    budget = MemoryBudget(1_000)
    first, second = MemoryConsumer(budget), MemoryConsumer(budget, minimum=100)
    assert first.grow_to(900) and budget.used == 900
    assert second.grow_to(100) and budget.used == 1_000  # the minimum, over the budget
    assert not second.grow_to(200)
    first.release_all()
    assert second.grow_to(200) and budget.used == 200


def test_sizes_are_estimated_from_bounded_samples():
    big = list(range(1_000_000))
    assert sizeof_sampled(big) >= 8_000_000
    assert sizeof_sampled(("key", [b"x" * 100] * 10)) > 1_000


# --- end to end: workers with spark.executor.memory = 1 MB ----------------------------

N = 200_000


@pytest.fixture
def tiny(make_context):
    context = make_context("local[2]", {"spark.executor.memory": "1m"})
    listener = JobMetricsListener()
    context.add_listener(listener)
    return context, listener


def _assert_no_spill_files(context):
    leftovers = [path for path in glob.glob(os.path.join(context.session_dir, "executors", "*", "spill", "**"),
                                            recursive=True) if os.path.isfile(path)]
    assert leftovers == []


def test_reduce_by_key_spills_on_workers_and_is_exact(tiny):
    context, listener = tiny
    pairs = context.range(N, numSlices=4).map(lambda i: (None if i % 10 == 0 else i % 40_000, i))
    result = dict(pairs.reduceByKey(add).collect())
    assert result == _sums((None if i % 10 == 0 else i % 40_000, i) for i in range(N))
    assert listener.spill_count >= 1
    _assert_no_spill_files(context)


def test_aggregating_already_partitioned_data_spills_without_a_shuffle(tiny):
    context, listener = tiny
    partitioned = context.range(N, numSlices=4).map(lambda i: (i % 40_000, i)).partitionBy(2)
    partitioned.count()
    spills_before = listener.spill_count
    summed = partitioned.reduceByKey(add, 2)  # same partitioner: combined in place
    assert "ShuffledRDD" not in summed.toDebugString().decode().splitlines()[0]
    assert dict(summed.collect()) == _sums((i % 40_000, i) for i in range(N))
    assert listener.spill_count > spills_before
    _assert_no_spill_files(context)


def test_group_by_key_with_a_hot_key_spills_and_is_exact(tiny):
    context, listener = tiny
    pairs = context.range(N, numSlices=4).map(lambda i: ("hot" if i % 2 else i % 30_000, i))
    result = {k: sorted(v) for k, v in pairs.groupByKey().collect()}
    expected = _groups(("hot" if i % 2 else i % 30_000, i) for i in range(N))
    assert result == {k: sorted(v) for k, v in expected.items()}
    assert listener.spill_count >= 1
    _assert_no_spill_files(context)


def test_join_spills_and_is_exact(tiny):
    context, listener = tiny
    left = context.range(N, numSlices=4).map(lambda i: (i % 50_000, i))
    right = context.range(50_000, numSlices=2).map(lambda i: (i, str(i)))
    joined = left.join(right).map(lambda kv: (kv[0], kv[1][0], kv[1][1])).collect()
    assert sorted(joined) == sorted((i % 50_000, i, str(i % 50_000)) for i in range(N))
    assert listener.spill_count >= 1
    _assert_no_spill_files(context)


def test_sort_by_key_spills_and_is_exact(tiny):
    context, listener = tiny
    pairs = context.range(N, numSlices=4).map(lambda i: ((i * 7919) % 100_003, i))
    result = pairs.sortByKey(ascending=False, numPartitions=3).collect()
    expected = sorted((((i * 7919) % 100_003, i) for i in range(N)), key=lambda kv: kv[0], reverse=True)
    assert [k for k, _ in result] == [k for k, _ in expected]
    assert sorted(result) == sorted(expected)
    assert listener.spill_count >= 1
    _assert_no_spill_files(context)


class _FailedTaskSpills(SparkListener):
    """The spill count of every failed task attempt."""

    def __init__(self) -> None:
        self.spills: list[int] = []

    def on_task_end(self, stage, outcome) -> None:
        if type(outcome.reason).__name__ != "Success":
            self.spills.append(outcome.metrics.spill_count)


def test_a_task_that_raises_after_spilling_three_runs_leaves_no_file(tiny):  # docs/reliability.md#spill-cleanup
    context, _ = tiny
    failed = _FailedTaskSpills()
    context.add_listener(failed)

    def fail_late(kv):
        if kv[0] == 29_999:
            raise ValueError("late failure")
        return kv

    grouped = context.range(N, numSlices=2).map(lambda i: (i % 30_000, i)).groupByKey(1).map(fail_late)
    with pytest.raises(ValueError, match="late failure"):
        grouped.count()
    assert failed.spills and max(failed.spills) >= 3  # the failing reduce task itself spilled
    _assert_no_spill_files(context)
    assert context.range(10).map(lambda i: (i % 2, i)).reduceByKey(add).collectAsMap() == {0: 20, 1: 25}
