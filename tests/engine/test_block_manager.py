"""``BlockManager`` and ``BlockPut`` without workers: how a partition is cached as it streams by.

A fake RDD stands in for lineage: its ``compute`` is a generator that records, for every
record it produces, how many bytes the storage budget held and how many records the consumer
had already received, so the tests can prove that caching streams and stays under budget.
"""

from __future__ import annotations

import os
import tracemalloc
from types import SimpleNamespace

import pytest

from ember import StorageLevel
from ember.storage.block_manager import BlockManager
from ember.serialization.frames import read_frames
from ember.serialization.serializers import record_serializer
from ember.task_metrics import TaskMetrics



def record(i: int) -> tuple[int, str]:
    """About 1 KB, estimated and pickled (distinct strings: pickle would share equal ones)."""
    return i, f"{i:08d}" + "x" * 992


class FakeRDD:
    """The part of an RDD the block manager uses; counts computations and watches the budget."""

    def __init__(self, rdd_id: int, level: StorageLevel, count: int, manager: BlockManager | None = None) -> None:
        self.id_ = rdd_id
        self.level = level
        self.count = count
        self.manager = manager
        self.computations = 0
        self.produced = 0
        self.max_budget_used = 0

    def getStorageLevel(self) -> StorageLevel:
        return self.level

    def compute_uncached(self, split, task_context):
        self.computations += 1
        for i in range(self.count):
            self.produced += 1
            if self.manager is not None:
                self.max_budget_used = max(self.max_budget_used, self.manager.budget.used)
            yield record(i)


def task():
    return SimpleNamespace(metrics=TaskMetrics(), new_blocks=[])


@pytest.fixture
def manager(tmp_path):
    return BlockManager(str(tmp_path / "blocks"), 200_000, record_serializer(False), 16 << 10)


def expected(count):
    return [record(i) for i in range(count)]


def read_through(manager, rdd, context, split=0):
    """Consume a cache miss the way a task does, then end the task successfully."""
    records = list(manager.get_or_compute(rdd, SimpleNamespace(index=split), context))
    manager.finish_puts()
    return records


@pytest.mark.parametrize("level", [StorageLevel.MEMORY_AND_DISK, StorageLevel.DISK_ONLY])
def test_a_partition_larger_than_storage_streams_to_disk_and_reads_back(manager, level):
    rdd = FakeRDD(1, level, 2_000, manager)  # ~2 MB estimated, ten times the budget
    context = task()
    records = manager.get_or_compute(rdd, SimpleNamespace(index=0), context)
    first = next(records)
    assert first == record(0) and rdd.produced < 100  # the consumer runs while the block is written
    assert [first, *records] == expected(2_000)
    manager.finish_puts()
    assert rdd.max_budget_used <= manager.budget.capacity
    assert context.new_blocks == [(1, 0)] and manager.budget.used == 0
    assert context.metrics.cache_disk_bytes_written > 2_000_000
    assert list(manager.get((1, 0))) == expected(2_000)
    assert rdd.computations == 1


def test_a_disk_block_is_framed_batches_and_reads_back_without_loading_it_whole(manager):
    rdd = FakeRDD(1, StorageLevel.DISK_ONLY, 5_000)
    read_through(manager, rdd, task())
    with open(manager.disk.path((1, 0)), "rb") as handle:
        batches = [record_serializer(False).loads(frame) for frame in read_frames(handle)]
    assert len(batches) > 10 and sum(batches, []) == expected(5_000)
    tracemalloc.start()
    try:
        count = sum(1 for _ in manager.get((1, 0)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 5_000 and peak < 1_000_000  # the block is ~5 MB


def test_memory_and_disk_keeps_a_partition_that_fits_in_memory(manager):
    rdd = FakeRDD(1, StorageLevel.MEMORY_AND_DISK, 50)
    context = task()
    assert read_through(manager, rdd, context) == expected(50)
    assert context.new_blocks == [(1, 0)] and not os.path.exists(manager.disk.path((1, 0)))
    assert 0 < manager.budget.used <= manager.budget.capacity
    assert list(manager.get((1, 0))) == expected(50)


def test_memory_only_too_big_streams_through_uncached_and_releases_what_it_unrolled(manager):
    rdd = FakeRDD(1, StorageLevel.MEMORY_ONLY, 2_000, manager)
    context = task()
    assert read_through(manager, rdd, context) == expected(2_000)
    assert rdd.max_budget_used <= manager.budget.capacity
    assert context.new_blocks == [] and manager.budget.used == 0 and manager.get((1, 0)) is None
    assert not os.path.exists(manager.directory) or os.listdir(manager.directory) == []


def test_unrolling_evicts_other_rdds_to_disk_but_never_its_own_blocks(manager):
    old = FakeRDD(1, StorageLevel.MEMORY_AND_DISK, 150)  # ~150 KB of the 200 KB
    read_through(manager, old, task())
    assert manager.get((1, 0)) is not None and not os.path.exists(manager.disk.path((1, 0)))
    new = FakeRDD(2, StorageLevel.MEMORY_ONLY, 120)
    assert read_through(manager, new, task()) == expected(120)
    assert os.path.exists(manager.disk.path((1, 0)))  # evicted to disk, still cached
    assert list(manager.get((1, 0))) == expected(150) and list(manager.get((2, 0))) == expected(120)
    same = FakeRDD(2, StorageLevel.MEMORY_ONLY, 120)
    context = task()
    read_through(manager, same, context, split=1)
    assert context.new_blocks == [] and manager.get((2, 0)) is not None  # no room made by evicting (2, 0)


@pytest.mark.parametrize("level", [StorageLevel.MEMORY_ONLY, StorageLevel.MEMORY_AND_DISK, StorageLevel.DISK_ONLY])
def test_a_consumer_that_stops_early_still_caches_the_whole_partition(manager, level):
    rdd = FakeRDD(1, level, 1_500)
    context = task()
    records = manager.get_or_compute(rdd, SimpleNamespace(index=0), context)
    assert [next(records) for _ in range(3)] == expected(3)  # take(3)
    del records
    manager.finish_puts()
    cached = manager.get((1, 0))
    if level == StorageLevel.MEMORY_ONLY:  # ~1.5 MB: does not fit, not cached
        assert cached is None and context.new_blocks == []
    else:
        assert list(cached) == expected(1_500) and context.new_blocks == [(1, 0)]
    assert rdd.computations == 1


def test_nested_cached_rdds_are_both_whole_when_the_consumer_stops_early(manager):
    inner = FakeRDD(1, StorageLevel.DISK_ONLY, 1_000)
    context = task()

    class Outer(FakeRDD):
        def compute_uncached(self, split, task_context):
            self.computations += 1
            return ((i, s.upper()) for i, s in manager.get_or_compute(inner, split, task_context))

    outer = Outer(2, StorageLevel.MEMORY_AND_DISK, 0)
    records = manager.get_or_compute(outer, SimpleNamespace(index=0), context)
    assert next(records) == (0, record(0)[1].upper())
    del records
    manager.finish_puts()
    assert sorted(context.new_blocks) == [(1, 0), (2, 0)]
    assert list(manager.get((1, 0))) == expected(1_000)
    assert list(manager.get((2, 0))) == [(i, s.upper()) for i, s in expected(1_000)]


def test_the_same_block_read_twice_in_one_task_is_computed_again_not_corrupted(manager):
    rdd = FakeRDD(1, StorageLevel.DISK_ONLY, 300)
    context = task()
    split = SimpleNamespace(index=0)
    pairs = list(zip(manager.get_or_compute(rdd, split, context), manager.get_or_compute(rdd, split, context)))
    manager.finish_puts()
    assert pairs == [(r, r) for r in expected(300)]
    assert list(manager.get((1, 0))) == expected(300) and context.new_blocks == [(1, 0)]


@pytest.mark.parametrize("level", [StorageLevel.MEMORY_AND_DISK, StorageLevel.DISK_ONLY])
def test_a_failed_task_leaves_no_partial_block_and_no_reserved_memory(manager, level):
    rdd = FakeRDD(1, level, 2_000)
    context = task()
    records = manager.get_or_compute(rdd, SimpleNamespace(index=0), context)
    for _ in range(1_500):
        next(records)
    manager.abort_puts()
    assert manager.get((1, 0)) is None and context.new_blocks == [] and manager.budget.used == 0
    assert os.listdir(manager.directory) == []


def test_remove_rdd_deletes_its_disk_blocks(manager):
    for split in range(3):
        read_through(manager, FakeRDD(4, StorageLevel.DISK_ONLY, 100), task(), split)
    assert sorted(os.listdir(manager.directory)) == ["rdd_4_0", "rdd_4_1", "rdd_4_2"]
    manager.remove_rdd(4)
    assert os.listdir(manager.directory) == [] and manager.get((4, 1)) is None
