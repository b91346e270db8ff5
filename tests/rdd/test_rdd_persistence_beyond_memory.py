"""Persisting partitions larger than a worker's storage budget, end to end in worker processes.

Each partition is ~5 MB (estimated) against a storage budget of ~1.2 MB
(``spark.executor.memory`` 2m, 60% of it for storage). "Not recomputed" is counted with an
accumulator around the user's function; "never held whole" is measured with ``tracemalloc``
in the task, from the moment it loads its closure, which is deterministic for the same code.
"""

from __future__ import annotations

import os
import signal
import stat
import tracemalloc

import pytest

from ember import StorageLevel
from ember.serialization.frames import read_frames
from ember.serialization.serializers import record_serializer

ROWS = 10_000
PARTITIONS = 2
PARTITION_BYTES = ROWS // PARTITIONS * 1_000
STORAGE_BYTES = int((2 << 20) * 0.6)  # spark.executor.memory 2m, spark.memory.storageFraction 0.6
HELD_AT_MOST = STORAGE_BYTES + (256 << 10)  # what unrolling may keep, plus a batch and the task's own objects


def small_worker(make_context, tmp_path, **settings):
    conf = {"spark.executor.memory": "2m", "spark.local.dir": str(tmp_path)}
    conf.update(settings)
    return make_context("local[1]", conf)


def payloads(context):
    """~1 KB records, and an accumulator counting how many times they were computed."""
    calls = context.accumulator(0)

    def payload(i):
        calls.add(1)
        return i, f"{i:08d}" + "x" * 992

    return context.parallelize(range(ROWS), PARTITIONS).map(payload), calls


class TraceFromTaskStart:
    """Starts ``tracemalloc`` when a task unpickles its closure, before any record is computed or read.

    Pickled as a call of ``tracemalloc.start``: the worker runs it while loading the stage,
    so the peak covers everything the task holds for the cached partition, however eagerly
    it is computed or loaded.
    """

    def __reduce__(self):
        return tracemalloc.start, ()


def measured():
    """A partition consumer yielding its count, a checksum and the task's peak traced bytes."""
    tracing = TraceFromTaskStart()

    def consume(records):
        # No assert here: pytest's rewritten asserts would make the worker import pytest.
        if tracing is not None or not tracemalloc.is_tracing():
            raise RuntimeError("tracemalloc did not start as the stage was loaded")
        try:
            count = total = 0
            for i, text in records:
                count += 1
                total += i + len(text)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        yield count, total, peak

    return consume


def expected_partitions():
    half = ROWS // PARTITIONS
    return [(half, sum(range(p * half, (p + 1) * half)) + half * 1_000) for p in range(PARTITIONS)]


def blocks_dir(context, executor_id="0"):
    return os.path.join(context.session_dir, "executors", executor_id, "blocks")


@pytest.mark.parametrize("level", ["MEMORY_AND_DISK", "DISK_ONLY"])
def test_a_partition_larger_than_the_storage_budget_is_cached_on_disk_and_never_held_whole(
        make_context, tmp_path, level):
    context = small_worker(make_context, tmp_path)
    rdd, calls = payloads(context)
    rdd.persist(getattr(StorageLevel, level))
    first = rdd.mapPartitions(measured()).collect()
    second = rdd.mapPartitions(measured()).collect()
    assert [(c, t) for c, t, _ in first] == [(c, t) for c, t, _ in second] == expected_partitions()
    assert calls.value == ROWS  # the second action read the disk blocks
    assert context.block_manager_master.cached_partitions(rdd.id()) == PARTITIONS
    assert max(peak for *_, peak in first + second) < HELD_AT_MOST


def test_memory_only_too_big_for_the_budget_is_recomputed_correctly_without_being_held(make_context, tmp_path):
    context = small_worker(make_context, tmp_path)
    rdd, calls = payloads(context)
    rdd.persist(StorageLevel.MEMORY_ONLY)
    first = rdd.mapPartitions(measured()).collect()
    second = rdd.mapPartitions(measured()).collect()
    assert [(c, t) for c, t, _ in first] == [(c, t) for c, t, _ in second] == expected_partitions()
    assert calls.value == 2 * ROWS  # not cached (Spark's behaviour): computed again
    assert context.block_manager_master.cached_partitions(rdd.id()) == 0
    assert max(peak for *_, peak in first + second) < HELD_AT_MOST
    assert not os.path.isdir(blocks_dir(context)) or os.listdir(blocks_dir(context)) == []


def test_disk_blocks_are_private_framed_batches_removed_on_unpersist_and_on_stop(make_context, tmp_path):
    context = small_worker(make_context, tmp_path, **{"spark.rdd.compress": "true"})
    rdd, _ = payloads(context)
    rdd.persist(StorageLevel.DISK_ONLY)
    assert rdd.count() == ROWS
    directory = blocks_dir(context)
    assert sorted(os.listdir(directory)) == [f"rdd_{rdd.id()}_{p}" for p in range(PARTITIONS)]
    assert stat.S_IMODE(os.stat(context.session_dir).st_mode) == 0o700
    path = os.path.join(directory, f"rdd_{rdd.id()}_0")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, "rb") as handle:  # lz4-compressed batches, written as they were computed
        batches = [record_serializer(True).loads(frame) for frame in read_frames(handle)]
    assert len(batches) > 10 and sum(len(b) for b in batches) == ROWS // PARTITIONS
    assert os.path.getsize(path) < PARTITION_BYTES // 10
    rdd.unpersist(blocking=True)
    assert context.parallelize([1], 1).count() == 1  # the only worker handles messages in order
    assert os.listdir(directory) == []
    again, _ = payloads(context)
    again.persist(StorageLevel.MEMORY_AND_DISK).count()
    assert len(os.listdir(directory)) == PARTITIONS
    context.stop()
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("level", ["MEMORY_AND_DISK", "DISK_ONLY"])
def test_disk_blocks_of_a_killed_worker_are_recomputed_and_their_files_removed(make_context, tmp_path, level):
    context = small_worker(make_context, tmp_path)
    rdd, calls = payloads(context)
    rdd.persist(getattr(StorageLevel, level))
    assert rdd.count() == ROWS
    lost = blocks_dir(context, "0")
    assert len(os.listdir(lost)) == PARTITIONS
    os.kill(context.executor_pids()["0"], signal.SIGKILL)
    assert [(c, t) for c, t, _ in rdd.mapPartitions(measured()).collect()] == expected_partitions()
    assert calls.value == 2 * ROWS  # recomputed from lineage on the replacement worker
    assert not os.path.exists(os.path.dirname(lost))
    assert len(os.listdir(blocks_dir(context, "1"))) == PARTITIONS
    assert context.block_manager_master.cached_partitions(rdd.id()) == PARTITIONS
