"""Caching: cache, persist at each storage level, unpersist, getStorageLevel, is_cached.

"Does not recompute" is checked by counting calls of the user's function with an
accumulator: accumulators are updated once per executed task, so a recomputation
shows up as a second round of updates.
"""

from __future__ import annotations

import operator
import threading

import pytest

from ember import StorageLevel

LEVELS = {
    "MEMORY_ONLY": StorageLevel.MEMORY_ONLY,
    "MEMORY_AND_DISK": StorageLevel.MEMORY_AND_DISK,
    "DISK_ONLY": StorageLevel.DISK_ONLY,
}


def counted_map(sc, data, num_slices):
    """An RDD that maps ``x -> x * 2`` and counts each call of the function."""
    calls = sc.accumulator(0)

    def double(x):
        calls.add(1)
        return x * 2

    return sc.parallelize(data, num_slices).map(double), calls


def test_an_uncached_rdd_has_storage_level_none_and_is_not_cached(sc):
    rdd = sc.parallelize([1, 2], 2).map(lambda x: x)
    assert rdd.is_cached is False
    assert rdd.getStorageLevel() == StorageLevel.NONE
    assert rdd.getStorageLevel() == StorageLevel(False, False, False, False, 1)


def test_cache_returns_the_rdd_and_sets_memory_only(sc):
    rdd = sc.parallelize([1, 2], 2).map(lambda x: x)
    assert rdd.cache() is rdd
    assert rdd.is_cached is True
    assert rdd.getStorageLevel() == StorageLevel.MEMORY_ONLY


def test_persist_without_arguments_uses_memory_only(sc):
    rdd = sc.parallelize([1, 2], 2).map(lambda x: x)
    assert rdd.persist() is rdd
    assert rdd.getStorageLevel() == StorageLevel.MEMORY_ONLY
    rdd.unpersist()


def test_storage_level_constants_have_pyspark_flags():
    assert (StorageLevel.MEMORY_ONLY.useMemory, StorageLevel.MEMORY_ONLY.useDisk) == (True, False)
    assert (StorageLevel.MEMORY_AND_DISK.useMemory, StorageLevel.MEMORY_AND_DISK.useDisk) == (True, True)
    assert (StorageLevel.DISK_ONLY.useMemory, StorageLevel.DISK_ONLY.useDisk) == (False, True)
    assert StorageLevel.MEMORY_ONLY.replication == 1
    assert StorageLevel.MEMORY_ONLY != StorageLevel.DISK_ONLY


@pytest.mark.parametrize("level", list(LEVELS))
@pytest.mark.parametrize("num_slices", [1, 3, 25])
def test_second_action_on_a_persisted_rdd_does_not_recompute_it(sc, level, num_slices):
    data = list(range(20))
    rdd, calls = counted_map(sc, data, num_slices)
    rdd.persist(LEVELS[level])
    try:
        assert rdd.getStorageLevel() == LEVELS[level]
        assert rdd.is_cached is True
        assert rdd.count() == len(data)
        assert rdd.collect() == [x * 2 for x in data]
        assert rdd.sum() == 2 * sum(data)
        assert calls.value == len(data)
    finally:
        rdd.unpersist()


def test_an_uncached_rdd_is_recomputed_by_each_action(sc):
    data = list(range(10))
    rdd, calls = counted_map(sc, data, 2)
    rdd.count()
    rdd.collect()
    assert calls.value == 2 * len(data)


def test_children_of_a_cached_rdd_read_the_cache(sc):
    data = list(range(15))
    rdd, calls = counted_map(sc, data, 3)
    rdd.cache()
    try:
        rdd.count()
        assert rdd.filter(lambda x: x % 4 == 0).collect() == [x * 2 for x in data if x % 2 == 0]
        assert sorted(rdd.map(lambda x: (x % 3, x)).reduceByKey(operator.add).collect()) == sorted(
            {k: sum(2 * x for x in data if (2 * x) % 3 == k) for k in range(3)}.items()
        )
        assert calls.value == len(data)
    finally:
        rdd.unpersist()


def test_unpersist_clears_the_level_and_the_next_action_recomputes(sc):
    data = list(range(12))
    rdd, calls = counted_map(sc, data, 3)
    rdd.cache()
    rdd.count()
    assert rdd.unpersist(blocking=True) is rdd
    assert rdd.is_cached is False
    assert rdd.getStorageLevel() == StorageLevel.NONE
    assert rdd.collect() == [x * 2 for x in data]
    assert calls.value == 2 * len(data)


def test_unpersist_changes_the_drivers_block_map_on_the_scheduler_thread(sc, monkeypatch):
    rdd = sc.parallelize(range(12), 3).cache()
    rdd.count()
    blocks = sc.block_manager_master
    assert blocks.cached_partitions(rdd.id_) == 3
    threads = []
    remove_rdd = blocks.remove_rdd
    monkeypatch.setattr(blocks, "remove_rdd",
                        lambda rdd_id: (threads.append(threading.current_thread().name), remove_rdd(rdd_id)))
    rdd.unpersist(blocking=True)
    assert threads == ["ember-scheduler"]  # the thread that reads the map while scheduling
    assert blocks.cached_partitions(rdd.id_) == 0


def test_a_cached_shuffled_rdd_is_not_recomputed(sc):
    calls = sc.accumulator(0)

    def after_shuffle(kv):
        calls.add(1)
        return kv

    pairs = [(i % 4, i) for i in range(40)]
    rdd = sc.parallelize(pairs, 4).reduceByKey(operator.add).map(after_shuffle).cache()
    try:
        expected = sorted({k: sum(v for kk, v in pairs if kk == k) for k in range(4)}.items())
        assert sorted(rdd.collect()) == expected
        assert sorted(rdd.collect()) == expected
        assert calls.value == 4
    finally:
        rdd.unpersist()


def test_cache_of_an_rdd_with_empty_partitions(sc):
    rdd, calls = counted_map(sc, [1, 2], 6)
    rdd.cache()
    try:
        assert rdd.glom().collect() == [[], [], [2], [], [], [4]]
        assert rdd.collect() == [2, 4]
        assert calls.value == 2
    finally:
        rdd.unpersist()


def test_persisting_again_with_the_same_level_is_allowed(sc):
    rdd = sc.parallelize([1], 1).map(lambda x: x)
    rdd.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        rdd.persist(StorageLevel.MEMORY_AND_DISK)
        assert rdd.getStorageLevel() == StorageLevel.MEMORY_AND_DISK
    finally:
        rdd.unpersist()


def test_changing_the_storage_level_of_a_persisted_rdd_raises(sc):
    rdd = sc.parallelize([1], 1).map(lambda x: x).persist(StorageLevel.MEMORY_ONLY)
    try:
        with pytest.raises(Exception):
            rdd.persist(StorageLevel.DISK_ONLY)
    finally:
        rdd.unpersist()


def test_persist_with_a_new_level_after_unpersist_is_allowed(sc):
    rdd = sc.parallelize([1, 2], 2).map(lambda x: x + 1).persist(StorageLevel.MEMORY_ONLY)
    rdd.count()
    rdd.unpersist(blocking=True)
    rdd.persist(StorageLevel.DISK_ONLY)
    try:
        assert rdd.getStorageLevel() == StorageLevel.DISK_ONLY
        assert rdd.collect() == [2, 3]
    finally:
        rdd.unpersist()
