"""Barrier execution: ``rdd.barrier()``, ``BarrierTaskContext`` and the scheduler's rules,
checked against PySpark 4.3's results and messages on the same input (local[2])."""

from __future__ import annotations

import pytest

from ember import BarrierTaskContext, BarrierTaskInfo, JobAbortedError, RDDBarrier, TaskContext
from ember.scheduler.barrier import CHAIN_MESSAGE, SLOTS_MESSAGE


def gather(iterator):
    context = BarrierTaskContext.get()
    context.barrier()
    messages = context.allGather(str(context.partitionId()))
    infos = context.getTaskInfos()
    yield (context.partitionId(), messages, len(infos), type(infos[0]).__name__, type(TaskContext.get()).__name__)


def test_barrier_and_all_gather_meet_across_the_stages_tasks(sc):
    barrier_rdd = sc.parallelize(range(4), 2).barrier()
    assert isinstance(barrier_rdd, RDDBarrier) and barrier_rdd.rdd.getNumPartitions() == 2
    assert barrier_rdd.mapPartitions(gather).collect() == [
        (0, ["0", "1"], 2, "BarrierTaskInfo", "BarrierTaskContext"),
        (1, ["0", "1"], 2, "BarrierTaskInfo", "BarrierTaskContext")]


def test_all_gather_defaults_to_empty_messages_and_calls_repeat(sc):
    def twice(iterator):
        context = BarrierTaskContext.get()
        return [context.allGather(), context.allGather("x")]
    assert sc.parallelize(range(4), 2).barrier().mapPartitions(twice).collect() == [
        ["", ""], ["x", "x"], ["", ""], ["x", "x"]]


def test_barrier_map_partitions_with_index_and_preserved_partitioning(sc):
    assert sc.parallelize(range(4), 2).barrier().mapPartitionsWithIndex(lambda i, it: [i]).collect() == [0, 1]
    assert sc.parallelize(range(4), 2).barrier().mapPartitions(lambda it: it, True).collect() == [0, 1, 2, 3]


def test_task_infos_name_each_tasks_executor(sc):
    infos = sc.parallelize(range(2), 2).barrier().mapPartitions(
        lambda it: [BarrierTaskContext.get().getTaskInfos()]).collect()
    assert infos[0] == infos[1] and len({info.address for info in infos[0]}) == 2
    assert all(isinstance(info, BarrierTaskInfo) for info in infos[0])


def test_barrier_stages_before_and_after_a_shuffle(sc):
    before = sc.parallelize(range(4), 2).barrier().mapPartitions(lambda it: it)
    assert sorted(before.map(lambda x: (x % 2, x)).reduceByKey(lambda a, b: a + b).collect()) == [(0, 2), (1, 4)]
    after = sc.parallelize(range(4), 2).map(lambda x: (x % 2, x)).reduceByKey(lambda a, b: a + b)
    assert sorted(after.barrier().mapPartitions(gather).map(lambda row: row[1]).collect()) == [["0", "1"]] * 2


def test_more_tasks_than_workers_is_refused_with_sparks_message(sc):
    with pytest.raises(JobAbortedError) as caught:
        sc.parallelize(range(4), 3).barrier().mapPartitions(lambda it: it).collect()
    assert str(caught.value) == SLOTS_MESSAGE
    assert str(caught.value).startswith("[SPARK-24819]: Barrier execution mode does not allow run a barrier stage")


@pytest.mark.parametrize("action", [lambda rdd: rdd.first(), lambda rdd: rdd.take(1),
                                    lambda rdd: rdd.coalesce(1).collect(),
                                    lambda rdd: rdd.zip(rdd).collect()])
def test_chains_that_cannot_run_all_tasks_together_are_refused(sc, action):
    rdd = sc.parallelize(range(4), 2).barrier().mapPartitions(lambda it: it)
    with pytest.raises(JobAbortedError) as caught:
        action(rdd)
    assert str(caught.value) == CHAIN_MESSAGE
    assert sc.parallelize([1, 2], 2).sum() == 3  # nothing was left running


def test_a_failing_barrier_task_fails_the_job_instead_of_leaving_the_others_waiting(sc):
    def fail_one(index, iterator):
        if index == 1:
            raise ZeroDivisionError("boom")
        BarrierTaskContext.get().barrier()  # would wait for task 1 for ever
        return [index]
    with pytest.raises(ZeroDivisionError, match="boom") as caught:
        sc.parallelize(range(4), 2).barrier().mapPartitionsWithIndex(fail_one).collect()
    assert any("barrier task 1" in note and "finished unsuccessfully" in note for note in caught.value.__notes__)
    assert sc.parallelize(range(4), 2).barrier().mapPartitions(gather).count() == 2


def test_a_task_that_skips_the_barrier_fails_the_stage(sc):
    def skip_one(index, iterator):
        if index != 1:
            BarrierTaskContext.get().barrier()
        return [index]
    with pytest.raises(JobAbortedError, match="barrier task [01] of stage .* (finished while|called)"):
        sc.parallelize(range(4), 2).barrier().mapPartitionsWithIndex(skip_one).collect()


def test_mixing_barrier_and_all_gather_in_one_round_fails_the_stage(sc):
    def mixed(index, iterator):
        context = BarrierTaskContext.get()
        context.barrier() if index == 0 else context.allGather("m")
        return [index]
    with pytest.raises(JobAbortedError, match=r"called (barrier|allGather)\(\) while another task called"):
        sc.parallelize(range(2), 2).barrier().mapPartitionsWithIndex(mixed).collect()


def test_barrier_task_context_outside_a_barrier_stage_is_pysparks_error(sc):
    with pytest.raises(RuntimeError, match=r"^\[NOT_IN_BARRIER_STAGE\] It is not in a barrier stage.$"):
        BarrierTaskContext.get()
    with pytest.raises(RuntimeError, match="NOT_IN_BARRIER_STAGE"):
        sc.parallelize([1], 1).map(lambda _: BarrierTaskContext.get()).collect()


def test_the_inline_master_runs_one_task_barrier_stages(make_context):
    sc = make_context("inline")
    assert sc.parallelize(range(4), 1).barrier().mapPartitions(gather).collect() == [
        (0, ["0"], 1, "BarrierTaskInfo", "BarrierTaskContext")]
    with pytest.raises(JobAbortedError, match=r"^\[SPARK-24819\]"):
        sc.parallelize(range(4), 2).barrier().mapPartitions(gather).collect()
