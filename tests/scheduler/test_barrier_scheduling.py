"""Barrier stages in the DAG scheduler, driven synchronously: launched together, refused when
they cannot be, and the coordinator's rendezvous (scheduler/barrier.py)."""

from __future__ import annotations

import cloudpickle
import pytest

from ember.errors import JobAbortedError
from ember.rdd.barrier import RDDBarrier
from ember.rdd.sources import ParallelCollectionRDD
from ember.scheduler.barrier import SLOTS_MESSAGE
from ember.scheduler.events import BarrierRequested
from tests.scheduler.test_dag_scheduler import Harness


def barrier_rdd(context, partitions):
    return RDDBarrier(ParallelCollectionRDD(context, list(range(8)), partitions)).mapPartitions(list)


def test_a_barrier_stage_launches_all_its_tasks_at_once_when_enough_slots_are_free(tmp_path, context):
    harness = Harness(tmp_path, executors=("a", "b"))
    blocker = harness.submit(ParallelCollectionRDD(context, [1], 1))
    [(busy, busy_task)] = harness.take_launched()
    future = harness.submit(barrier_rdd(context, 2))
    assert harness.take_launched() == []  # one free slot for two tasks: nothing launches
    harness.complete(busy, busy_task, value=[1])
    launched = harness.take_launched()
    assert sorted(d.partition_index for _, d in launched) == [0, 1]
    addresses = {executor: desc.barrier_addresses for executor, desc in launched}
    assert addresses["a"] == addresses["b"] and sorted(addresses["a"]) == ["a", "b"]
    for executor, desc in launched:
        harness.complete(executor, desc, value=[desc.partition_index])
    assert [cloudpickle.loads(b) for b in future.result(timeout=1)] == [[0], [1]]
    assert blocker.result(timeout=1)
    harness.dag.assert_empty()


def test_the_coordinator_answers_every_task_once_all_have_asked(tmp_path, context):
    harness = Harness(tmp_path, executors=("a", "b"))
    future = harness.submit(barrier_rdd(context, 2))
    launched = sorted(harness.take_launched(), key=lambda pair: pair[1].partition_index)
    for epoch in range(2):
        (first_executor, first), (second_executor, second) = launched
        harness.loop.post(BarrierRequested(second_executor, second.task_id, "allGather", epoch, f"m1-{epoch}"))
        assert harness.backend.barrier_replies == []
        harness.loop.post(BarrierRequested(first_executor, first.task_id, "allGather", epoch, f"m0-{epoch}"))
        expected = [f"m0-{epoch}", f"m1-{epoch}"]
        assert sorted(harness.backend.barrier_replies) == sorted(
            [(second_executor, second.task_id, expected), (first_executor, first.task_id, expected)])
        harness.backend.barrier_replies.clear()
    for executor, desc in launched:
        harness.complete(executor, desc, value=[])
    assert len(future.result(timeout=1)) == 2
    harness.dag.assert_empty()


def test_a_task_ending_while_another_waits_fails_the_job(tmp_path, context):
    harness = Harness(tmp_path, executors=("a", "b"))
    future = harness.submit(barrier_rdd(context, 2))
    (waiting_executor, waiting), (done_executor, done) = harness.take_launched()
    harness.loop.post(BarrierRequested(waiting_executor, waiting.task_id, "barrier", 0, ""))
    harness.complete(done_executor, done, value=[])
    assert harness.backend.killed_tasks == [waiting.task_id]
    harness.complete(waiting_executor, waiting, value=[])  # the killed task ends
    with pytest.raises(JobAbortedError, match="finished while other tasks of the stage wait for it"):
        future.result(timeout=1)
    harness.dag.assert_empty()


def test_a_barrier_stage_with_more_tasks_than_executors_is_refused(tmp_path, context):
    harness = Harness(tmp_path, executors=("a", "b"))
    future = harness.submit(barrier_rdd(context, 3))
    with pytest.raises(JobAbortedError) as caught:
        future.result(timeout=1)
    assert str(caught.value) == SLOTS_MESSAGE
    assert harness.take_launched() == []
    harness.dag.assert_empty()
