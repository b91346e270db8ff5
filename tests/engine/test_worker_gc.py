"""Worker processes collect cyclic garbage between tasks and freeze what lives on (worker_gc).

Each test runs on a one-worker context, so that consecutive tasks share a process: a task
leaves a weak reference to an object in a reference cycle in ``sys``, and a later task looks
whether the object is still alive.
"""

from __future__ import annotations

import gc
import sys
import weakref

from ember import StorageLevel


def leave_cyclic_garbage(records):
    class Node:
        pass

    node = Node()
    node.self = node  # only the cyclic collector can free it
    sys.ember_gc_probe = weakref.ref(node)
    return [len(list(records))]


def probe_alive(records):
    return [sys.ember_gc_probe() is not None]


def cache_cyclic_records(records):
    class Node:
        pass

    nodes = []
    for value in records:
        node = Node()
        node.self, node.value = node, value
        nodes.append(node)
    sys.ember_gc_probe = weakref.ref(nodes[0])
    return nodes


def worker_gc_state(records):
    return [(gc.get_threshold()[0], gc.get_freeze_count() > 0)]


def test_a_tasks_cyclic_garbage_is_collected_once_the_task_ends(make_context):
    ctx = make_context("local[1]")
    assert ctx.parallelize(range(10), 1).mapPartitions(leave_cyclic_garbage).collect() == [10]
    assert ctx.parallelize([0], 1).mapPartitions(probe_alive).collect() == [False]


def test_workers_freeze_what_survives_a_task_and_collect_young_objects_less_often(make_context):
    ctx = make_context("local[1]")
    assert ctx.parallelize([0], 1).mapPartitions(worker_gc_state).collect() == [(10_000, True)]
    assert gc.get_threshold()[0] != 10_000 or gc.get_freeze_count() == 0  # the driver's GC is untouched


def test_cached_cyclic_records_are_collected_after_unpersist(make_context):
    ctx = make_context("local[1]")
    cached = ctx.parallelize(range(100), 1).mapPartitions(cache_cyclic_records).persist(StorageLevel.MEMORY_ONLY)
    assert cached.count() == 100
    assert ctx.parallelize([0], 1).mapPartitions(probe_alive).collect() == [True]  # frozen, yet cached
    cached.unpersist(blocking=True)
    assert ctx.parallelize([0], 1).mapPartitions(probe_alive).collect() == [False]


def test_cached_cyclic_records_evicted_by_another_block_are_collected(make_context):
    ctx = make_context("local[1]", {"spark.executor.memory": "4m", "spark.memory.storageFraction": "0.5"})
    first = ctx.parallelize(range(1_000), 1).mapPartitions(cache_cyclic_records).cache()
    assert first.count() == 1_000
    big = ctx.parallelize(range(1), 1).flatMap(lambda _: (bytes(1_000) for _ in range(1_900))).cache()
    assert big.count() == 1_900  # ~1.9 of the 2 MB for cached blocks: the first block must go
    assert ctx.parallelize([0], 1).mapPartitions(probe_alive).collect() == [False]


def keep_cyclic_object_in_a_module_cache(records):
    class Node:
        pass

    node = Node()
    node.self = node
    sys.ember_gc_cache = [node]
    sys.ember_gc_probe = weakref.ref(node)
    return [0]


def drop_module_cache(records):
    del sys.ember_gc_cache
    return [0]


def test_cycles_a_long_lived_object_lets_go_of_are_collected_within_256_tasks(make_context):
    ctx = make_context("local[1]")
    ctx.parallelize([0], 1).mapPartitions(keep_cyclic_object_in_a_module_cache).collect()
    ctx.parallelize([0], 1).mapPartitions(drop_module_cache).collect()
    assert ctx.parallelize([0], 1).mapPartitions(probe_alive).collect() == [True]  # frozen garbage, for now
    ctx.parallelize(range(256), 256).count()
    assert ctx.parallelize([0], 1).mapPartitions(probe_alive).collect() == [False]
