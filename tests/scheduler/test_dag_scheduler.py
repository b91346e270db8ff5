"""The DAG scheduler driven by synthetic events: no processes, no sleeps.

A recording backend captures every launched task; tests complete tasks by posting
``TaskCompleted`` with hand-made outcomes (success, fetch failure, exception, lost
executor) and check what the scheduler launches next. Every test ends by asserting that
the scheduler's maps are empty.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import Future

import cloudpickle
import pytest

from ember.storage.block_manager_master import BlockManagerMaster
from ember.call_site import capture_call_site
from ember.errors import EmberRuntimeError, JobAbortedError, JobCancelledError
from ember.rdd.partitioner import HashPartitioner
from ember.rdd.shuffled import ShuffledRDD
from ember.rdd.sources import ParallelCollectionRDD
from ember.scheduler.dag_scheduler import DAGScheduler
from ember.scheduler.event_loop import InlineEventLoop
from ember.accumulators import INT_ACCUMULATOR_PARAM, Accumulator
from ember.scheduler.events import (ExecutorAdded, ExecutorLost, JobCancelled, JobSubmitted, SpeculationCheck,
                                    TaskCompleted)
from ember.scheduler.listener import JobMetricsListener, ListenerBus
from ember.scheduler.map_output_tracker import MapOutputTracker
from ember.scheduler.speculation import SpeculationPolicy
from ember.executor.task import TaskOutcome
from ember.executor.task_end import ExceptionFailure, FetchFailed, Success, TaskCommitDenied, TaskKilled
from ember.shuffle.block_resolver import ShuffleBlockResolver
from ember.shuffle.index_file import write_map_output


class RecordingBackend:
    shuffle_files_outlive_executors = True

    def __init__(self) -> None:
        self.launched: list = []
        self.binaries: dict[int, bytes] = {}
        self.killed_tasks: list[int] = []
        self.killed_workers: list[str] = []
        self.barrier_replies: list = []

    def start(self, post) -> None: ...

    def send_binary(self, executor_id, binary_id, binary) -> None:
        self.binaries[binary_id] = binary

    def forget_binary(self, executor_id, binary_id) -> None: ...

    def launch_task(self, executor_id, desc, partition_bytes) -> None:
        self.launched.append((executor_id, desc))

    def kill_task(self, executor_id, task_id) -> None:
        self.killed_tasks.append(task_id)

    def kill_worker(self, executor_id) -> None:
        self.killed_workers.append(executor_id)

    def remove_rdd_blocks(self, rdd_id) -> None: ...

    def remove_shuffle(self, shuffle_id) -> None: ...

    def reply_barrier(self, executor_id, task_id, messages) -> None:
        self.barrier_replies.append((executor_id, task_id, messages))

    def executor_pids(self):
        return {}

    def stop(self) -> None: ...


class Harness:
    def __init__(self, tmp_path, executors=("a", "b"), max_task_failures=4, max_stage_attempts=4,
                 speculation=None, accumulators=None, files_outlive_executors=True) -> None:
        self.backend = RecordingBackend()
        self.backend.shuffle_files_outlive_executors = files_outlive_executors
        self.metrics = JobMetricsListener()
        self.now = 0.0  # the scheduler's clock, moved by tests
        listeners = ListenerBus()
        listeners.add(self.metrics)
        self.loop = InlineEventLoop(self._handle, self._crash)
        tracker = MapOutputTracker(ShuffleBlockResolver(str(tmp_path)), files_outlive_executors)
        self.dag = DAGScheduler(self.backend, tracker,
                                BlockManagerMaster(), listeners, accumulators or {}, self.loop.post_later,
                                max_task_failures=max_task_failures, max_stage_attempts=max_stage_attempts,
                                locality_wait=0.0, max_result_size=0, speculation=speculation,
                                clock=lambda: self.now)
        self.job_ids = itertools.count()
        for executor in executors:
            self.loop.post(ExecutorAdded(executor))

    def _handle(self, event) -> None:
        self.dag.handle(event)

    def _crash(self, error) -> None:
        raise error

    def submit(self, rdd, func=list) -> Future:
        future: Future = Future()
        partitions = tuple(range(rdd.getNumPartitions()))
        self.loop.post(JobSubmitted(next(self.job_ids), rdd, func, partitions, future, capture_call_site(), {}))
        return future

    def take_launched(self) -> list:
        launched, self.backend.launched = self.backend.launched, []
        return launched

    def complete(self, executor, desc, reason=None, value=None, sizes=None, accumulator_updates=None) -> None:
        outcome = TaskOutcome(desc.task_id, reason or Success(), accumulator_updates=accumulator_updates or {})
        if desc.is_shuffle_map:
            outcome.map_sizes = sizes or [1, 1]
            if reason is None:  # the files a real map task leaves, checked after a fetch failure
                self.write_map_output(desc, outcome.map_sizes)
        else:
            outcome.value_bytes = cloudpickle.dumps(value)
        self.loop.post(TaskCompleted(executor, outcome))

    def write_map_output(self, desc, sizes) -> None:
        stage = self.dag.stages_by_id[desc.stage_id]
        resolver = self.dag.tracker.resolver
        resolver.ensure_shuffle_dir(stage.shuffle_id)
        write_map_output(resolver.files_for(stage.shuffle_id, desc.partition_index),
                         [[b"x" * size] for size in sizes], ".tmp")

    def run_until_idle(self, value_of=lambda desc: desc.partition_index) -> None:
        """Complete every launched task successfully until nothing more is launched."""
        while launched := self.take_launched():
            for executor, desc in launched:
                self.complete(executor, desc, value=value_of(desc))


def two_stage_rdd(context, maps=3, reduces=2):
    source = ParallelCollectionRDD(context, [(i % 5, i) for i in range(30)], maps)
    return ShuffledRDD(source, HashPartitioner(reduces))


def test_a_shuffle_cuts_the_job_into_a_map_stage_then_a_result_stage(tmp_path, context):
    harness = Harness(tmp_path)
    future = harness.submit(two_stage_rdd(context))
    first = harness.take_launched()
    assert [d.is_shuffle_map for _, d in first] == [True, True]  # two executors, three map tasks
    for executor, desc in first:
        harness.complete(executor, desc)
    second = harness.take_launched()
    assert [d.is_shuffle_map for _, d in second] == [True]
    harness.complete(*second[0])
    reduce_tasks = harness.take_launched()
    assert sorted(d.partition_index for _, d in reduce_tasks) == [0, 1]
    assert all(set(d.map_outputs) == {0} and len(d.map_outputs[0]) == 3 for _, d in reduce_tasks)
    for executor, desc in reduce_tasks:
        harness.complete(executor, desc, value=f"r{desc.partition_index}")
    assert [cloudpickle.loads(b) for b in future.result(timeout=1)] == ["r0", "r1"]
    harness.dag.assert_empty()


def test_a_second_job_on_the_same_shuffle_skips_the_map_stage(tmp_path, context):
    harness = Harness(tmp_path)
    rdd = two_stage_rdd(context)
    harness.submit(rdd)
    harness.run_until_idle()
    assert harness.metrics.stage_attempts == {0: 1, 1: 1}
    future = harness.submit(rdd)
    launched = harness.take_launched()
    assert launched and not any(d.is_shuffle_map for _, d in launched)
    for executor, desc in launched:
        harness.complete(executor, desc, value=1)
    harness.run_until_idle()
    assert len(future.result(timeout=1)) == 2
    harness.dag.assert_empty()


def test_a_fetch_failure_reruns_only_the_missing_map_output(tmp_path, context):
    harness = Harness(tmp_path)
    future = harness.submit(two_stage_rdd(context, maps=4))
    while True:
        launched = harness.take_launched()
        maps = [(e, d) for e, d in launched if d.is_shuffle_map]
        for executor, desc in maps:
            harness.complete(executor, desc)
        reduces = [(e, d) for e, d in launched if not d.is_shuffle_map]
        if reduces:
            break
    executor, desc = reduces[0]
    harness.complete(executor, desc, reason=FetchFailed(0, 2, desc.partition_index, "map 2 lost"))
    rerun = harness.take_launched()
    assert [(d.is_shuffle_map, d.partition_index) for _, d in rerun] == [(True, 2)]
    for executor, other in reduces[1:]:  # the failed attempt's other task still finishes, and counts
        harness.complete(executor, other, value=other.partition_index)
    harness.complete(*rerun[0])
    harness.run_until_idle()
    assert sorted(cloudpickle.loads(b) for b in future.result(timeout=1)) == [0, 1]
    assert harness.metrics.stage_attempts == {0: 2, 1: 2}
    harness.dag.assert_empty()


def test_consecutive_fetch_failures_abort_the_job_after_the_stage_limit(tmp_path, context):
    harness = Harness(tmp_path, executors=("a",), max_stage_attempts=2)
    future = harness.submit(two_stage_rdd(context, maps=1, reduces=1))
    while not future.done():
        for executor, desc in harness.take_launched():
            if desc.is_shuffle_map:
                harness.complete(executor, desc, sizes=[5])
            else:
                harness.complete(executor, desc, reason=FetchFailed(0, 0, 0, "map 0 lost"))
    with pytest.raises(JobAbortedError, match="failed the maximum number of attempts \\(2\\)"):
        future.result(timeout=1)
    assert harness.metrics.stage_attempts == {0: 2, 1: 2}
    harness.dag.assert_empty()


def test_a_task_that_fails_too_often_aborts_with_the_users_error(tmp_path, context):
    harness = Harness(tmp_path, executors=("a",), max_task_failures=2)
    source = ParallelCollectionRDD(context, list(range(4)), 2)
    future = harness.submit(source)
    failure = ExceptionFailure("ValueError", "bad", "Traceback...\nValueError: bad\n",
                               cloudpickle.dumps(ValueError("bad")))
    for _ in range(4):
        for executor, desc in harness.take_launched():
            if desc.partition_index == 1:
                harness.complete(executor, desc, reason=failure)
            else:
                harness.complete(executor, desc, value=[0])
    with pytest.raises(ValueError, match="bad") as info:
        future.result(timeout=1)
    assert "failed 2 times" in info.value.__notes__[0]
    assert harness.metrics.failed_tasks == 2
    harness.dag.assert_empty()


def test_a_lost_executor_reruns_its_running_task_elsewhere(tmp_path, context):
    harness = Harness(tmp_path)
    future = harness.submit(ParallelCollectionRDD(context, list(range(4)), 2))
    launched = harness.take_launched()
    assert {e for e, _ in launched} == {"a", "b"}
    lost = next(d for e, d in launched if e == "a")
    harness.loop.post(ExecutorLost("a", -9))
    for executor, desc in launched:
        if executor == "b":
            harness.complete(executor, desc, value=desc.partition_index)
    rerun = harness.take_launched()
    assert [(e, d.partition_index, d.attempt) for e, d in rerun] == [("b", lost.partition_index, 1)]
    harness.complete(*rerun[0], value=lost.partition_index)
    assert sorted(cloudpickle.loads(b) for b in future.result(timeout=1)) == [0, 1]
    harness.dag.assert_empty()


def test_a_cancelled_job_reports_its_error_once_its_killed_tasks_have_ended(tmp_path, context):
    harness = Harness(tmp_path)
    future = harness.submit(ParallelCollectionRDD(context, list(range(4)), 2))
    launched = harness.take_launched()
    harness.loop.post(JobCancelled(0, "test"))
    assert sorted(harness.backend.killed_tasks) == sorted(d.task_id for _, d in launched)
    executor, first = launched[0]
    harness.complete(executor, first, reason=TaskKilled("cancelled"))
    assert not future.done()  # one of its tasks may still be writing
    executor, second = launched[1]
    harness.complete(executor, second, value=1)  # a late success is ignored
    with pytest.raises(JobCancelledError):
        future.result(timeout=1)
    assert harness.take_launched() == []
    harness.dag.assert_empty()


def test_a_failed_task_is_retried_on_another_executor(tmp_path, context):
    harness = Harness(tmp_path, max_task_failures=3)
    future = harness.submit(ParallelCollectionRDD(context, [1], 1))
    [(executor, desc)] = harness.take_launched()
    failure = ExceptionFailure("OSError", "disk", "", None)
    harness.complete(executor, desc, reason=failure)
    [(retry_executor, retry)] = harness.take_launched()
    assert retry.partition_index == desc.partition_index and retry.attempt == 1
    assert retry_executor != executor
    harness.complete(retry_executor, retry, value=[1])
    assert [cloudpickle.loads(b) for b in future.result(timeout=1)] == [[1]]
    harness.dag.assert_empty()


def test_stage_failures_separated_by_a_success_do_not_add_up(tmp_path, context):
    """docs/reliability.md#stage-attempt-limit: only consecutive failed attempts count towards the stage limit.

    Stage 1 (the middle map stage) fails to fetch, then completes, and later, re-run for
    the result stage's lost input, fails to fetch again: two failures, never two in a row.
    """
    harness = Harness(tmp_path, executors=("a",), max_stage_attempts=2)
    middle = ShuffledRDD(two_stage_rdd(context, maps=1, reduces=1).map(lambda kv: kv), HashPartitioner(1))
    future = harness.submit(middle)
    script = {1: [FetchFailed(0, 0, 0, "map 0 of shuffle 0 lost"), None,
                  FetchFailed(0, 0, 0, "map 0 of shuffle 0 lost again"), None],
              2: [FetchFailed(1, 0, 0, "map 0 of shuffle 1 lost"), None]}
    while not future.done():
        launched = harness.take_launched()
        assert launched, "the scheduler stopped launching tasks"
        for executor, desc in launched:
            pending = script.get(desc.stage_id)
            failure = pending.pop(0) if pending else None
            harness.complete(executor, desc, reason=failure, value="ok", sizes=[5])
    assert [cloudpickle.loads(b) for b in future.result(timeout=1)] == ["ok"]
    harness.dag.assert_empty()


def test_a_late_success_of_a_rolled_back_attempt_registers_no_output(tmp_path, context):
    """Stage 1 reads an indeterminate stage 0; one of its tasks fails to fetch, so both
    stages are rolled back and re-run whole. A task of stage 1's first attempt that was
    still running, and read stage 0's first run, succeeds late: its output is ignored,
    else the re-run would mix both runs of stage 0."""
    harness = Harness(tmp_path)
    source = ParallelCollectionRDD(context, [(i % 5, i) for i in range(30)], 2)
    source.is_deterministic = False  # as an unseeded sample
    middle = ShuffledRDD(ShuffledRDD(source, HashPartitioner(2)), HashPartitioner(2))
    future = harness.submit(middle)
    for executor, desc in harness.take_launched():
        assert desc.stage_id == 0
        harness.complete(executor, desc)
    (first_executor, first), (late_executor, late) = harness.take_launched()
    assert (first.stage_id, late.stage_id) == (1, 1)
    harness.complete(first_executor, first, reason=FetchFailed(0, 0, first.partition_index, "map 0 lost"))
    rerun = harness.take_launched()
    assert {(d.stage_id, d.stage_attempt) for _, d in rerun} == {(0, 1)}
    harness.complete(late_executor, late)  # attempt 0 of stage 1, from stage 0's first run
    assert harness.dag.tracker.missing_map_ids(1) == [0, 1]
    stage_1_reruns = []
    while launched := harness.take_launched() + rerun:
        rerun = []
        for executor, desc in launched:
            if desc.stage_id == 1:
                stage_1_reruns.append((desc.stage_attempt, desc.partition_index))
            harness.complete(executor, desc, value=desc.partition_index)
    assert sorted(stage_1_reruns) == [(1, 0), (1, 1)]
    assert sorted(cloudpickle.loads(b) for b in future.result(timeout=1)) == [0, 1]
    harness.dag.assert_empty()


class UncountableShuffledRDD(ShuffledRDD):
    def getNumPartitions(self) -> int:
        raise ValueError("cannot list the partitions")


def test_a_job_whose_result_stage_cannot_be_created_leaves_no_stage_behind(tmp_path, context):
    harness = Harness(tmp_path)
    source = ParallelCollectionRDD(context, [(i % 5, i) for i in range(30)], 2)
    rdd = UncountableShuffledRDD(ShuffledRDD(source, HashPartitioner(2)), HashPartitioner(2))
    future: Future = Future()
    harness.loop.post(JobSubmitted(0, rdd, list, (0,), future, capture_call_site(), {}))
    with pytest.raises(ValueError, match="cannot list the partitions"):
        future.result(timeout=1)
    assert harness.take_launched() == []
    assert harness.dag.tracker.statuses_by_shuffle == {}
    harness.dag.assert_empty()


def test_an_exception_that_cannot_be_unpickled_is_reported_with_the_reason(tmp_path, context):
    harness = Harness(tmp_path, executors=("a",), max_task_failures=1)
    future = harness.submit(ParallelCollectionRDD(context, [1], 1))
    [(executor, desc)] = harness.take_launched()
    harness.complete(executor, desc, reason=ExceptionFailure(
        "OddError", "bad", "Traceback...\nOddError: bad\n", b"not a pickle"))
    with pytest.raises(EmberRuntimeError, match="^OddError: bad\n") as info:
        future.result(timeout=1)
    assert any("could not be unpickled on the driver (UnpicklingError" in note for note in info.value.__notes__)
    harness.dag.assert_empty()


def test_a_fetch_failure_also_reruns_every_map_output_whose_files_are_gone(tmp_path, context):
    harness = Harness(tmp_path)
    future = harness.submit(two_stage_rdd(context, maps=4))
    while True:
        launched = harness.take_launched()
        for executor, desc in launched:
            if desc.is_shuffle_map:
                harness.complete(executor, desc)
        reduces = [(e, d) for e, d in launched if not d.is_shuffle_map]
        if reduces:
            break
    resolver = harness.dag.tracker.resolver
    os.remove(resolver.files_for(0, 1).data_path)
    with open(resolver.files_for(0, 3).index_path, "r+b") as index:
        index.truncate(4)
    executor, desc = reduces[0]
    harness.complete(executor, desc, reason=FetchFailed(0, 1, desc.partition_index, "map 1 lost"))
    assert harness.dag.tracker.missing_map_ids(0) == [1, 3]  # map 3's truncated index, found by a stat
    for executor, other in reduces[1:]:  # the failed attempt's other task reads map 1 or 3 first
        harness.complete(executor, other, reason=FetchFailed(0, 3, other.partition_index, "map 3 lost"))
    rerun = []
    while launched := harness.take_launched():
        rerun += [d.partition_index for _, d in launched if d.is_shuffle_map]
        for executor, task in launched:
            harness.complete(executor, task, value=task.partition_index)
    assert sorted(rerun) == [1, 3]
    assert sorted(cloudpickle.loads(b) for b in future.result(timeout=1)) == [0, 1]
    assert harness.metrics.stage_attempts == {0: 2, 1: 2}
    harness.dag.assert_empty()


def test_map_outputs_lost_with_their_executor_are_rebuilt_while_the_map_stage_runs(tmp_path, context):
    harness = Harness(tmp_path, files_outlive_executors=False)
    future = harness.submit(two_stage_rdd(context, maps=3))
    first = harness.take_launched()  # maps 0 and 1, one per executor
    for executor, desc in first:
        harness.complete(executor, desc)
    last = harness.take_launched()
    assert [d.partition_index for _, d in last] == [2]
    lost_on = next(e for e, d in first if e != last[0][0])  # an executor not running map 2
    lost_map = next(d.partition_index for e, d in first if e == lost_on)
    harness.loop.post(ExecutorLost(lost_on, None, detail="Ray actor died"))
    harness.complete(*last[0])  # the stage's last task ends, but one of its outputs is gone
    rerun = harness.take_launched()
    assert [(d.is_shuffle_map, d.partition_index) for _, d in rerun] == [(True, lost_map)]
    harness.complete(*rerun[0])
    harness.run_until_idle()
    assert len(future.result(timeout=1)) == 2
    assert harness.metrics.stage_attempts[0] == 2
    harness.dag.assert_empty()


def test_a_fetch_failure_from_an_executor_forgets_all_of_its_map_outputs(tmp_path, context):
    harness = Harness(tmp_path, files_outlive_executors=False)
    future = harness.submit(two_stage_rdd(context, maps=4))
    writers: dict[int, str] = {}
    while True:
        launched = harness.take_launched()
        for executor, desc in launched:
            if desc.is_shuffle_map:
                writers[desc.partition_index] = executor
                harness.complete(executor, desc)
        reduces = [(e, d) for e, d in launched if not d.is_shuffle_map]
        if reduces:
            break
    gone = writers[0]
    executor, desc = reduces[0]
    harness.complete(executor, desc, reason=FetchFailed(0, 0, desc.partition_index, "executor gone"))
    assert harness.dag.tracker.missing_map_ids(0) == sorted(m for m, e in writers.items() if e == gone)
    for executor, other in reduces[1:]:
        harness.complete(executor, other, value=other.partition_index)
    harness.run_until_idle()
    assert sorted(cloudpickle.loads(b) for b in future.result(timeout=1)) == [0, 1]
    harness.dag.assert_empty()


# --- speculation and output commit coordination ---------------------------------------------

SPECULATE = SpeculationPolicy(multiplier=1.5, quantile=0.75, min_runtime=0.1)


def run_until_one_task_is_slow(harness, context):
    """Four tasks on executors a and b: the one on b never ends, the other three take 1 s each on a.

    Returns the job's future, the slow task, and the accumulator every task adds 1 to.
    """
    future = harness.submit(ParallelCollectionRDD(context, list(range(4)), 4))
    launched = harness.take_launched()
    slow = next(d for e, d in launched if e == "b")
    fast = [(e, d) for e, d in launched if e == "a"]
    while fast:
        harness.now += 1.0
        harness.loop.post(SpeculationCheck())  # too few tasks have succeeded to judge: no copy
        for executor, desc in fast:
            harness.complete(executor, desc, value=desc.partition_index, accumulator_updates={0: 1})
        fast = harness.take_launched()
        assert all(not d.speculative for _, d in fast)
    return future, slow


def test_a_slow_task_gets_a_speculative_copy_on_another_executor_and_the_first_to_finish_wins(tmp_path, context):
    counter = Accumulator(0, 0, INT_ACCUMULATOR_PARAM)
    harness = Harness(tmp_path, speculation=SPECULATE, accumulators={0: counter})
    future, slow = run_until_one_task_is_slow(harness, context)
    assert harness.now == 3.0  # the slow task has run 3 s; the threshold is max(1.5 * 1 s, 0.1 s)
    harness.loop.post(SpeculationCheck())
    [(executor, copy)] = harness.take_launched()
    assert (executor, copy.partition_index, copy.attempt, copy.speculative) == ("a", slow.partition_index, 1, True)
    harness.loop.post(SpeculationCheck())
    assert harness.take_launched() == []  # one copy at a time
    harness.complete(executor, copy, value="copy", accumulator_updates={0: 1})
    assert harness.backend.killed_tasks == [slow.task_id]
    assert [cloudpickle.loads(b) for b in future.result(timeout=1)] == [0, "copy", 2, 3]
    harness.complete("b", slow, reason=TaskKilled("another attempt succeeded"))
    assert counter.value == 4
    assert harness.take_launched() == []
    harness.dag.assert_empty()


def test_a_late_success_of_the_losing_attempt_is_ignored_with_its_accumulator_updates(tmp_path, context):
    counter = Accumulator(0, 0, INT_ACCUMULATOR_PARAM)
    harness = Harness(tmp_path, speculation=SPECULATE, accumulators={0: counter})
    future, slow = run_until_one_task_is_slow(harness, context)
    harness.loop.post(SpeculationCheck())
    [(executor, copy)] = harness.take_launched()
    harness.complete("b", slow, value="original", accumulator_updates={0: 1})  # the original wins after all
    assert harness.backend.killed_tasks == [copy.task_id]
    harness.complete(executor, copy, value="copy", accumulator_updates={0: 1})  # finished before its kill
    assert [cloudpickle.loads(b) for b in future.result(timeout=1)] == [0, "original", 2, 3]
    assert counter.value == 4
    harness.dag.assert_empty()


def test_without_speculation_a_slow_task_gets_no_copy(tmp_path, context):
    harness = Harness(tmp_path, speculation=None, accumulators={0: Accumulator(0, 0, INT_ACCUMULATOR_PARAM)})
    future, slow = run_until_one_task_is_slow(harness, context)
    harness.now += 100.0
    harness.loop.post(SpeculationCheck())
    assert harness.take_launched() == []
    harness.complete("b", slow, value=slow.partition_index)
    assert [cloudpickle.loads(b) for b in future.result(timeout=1)] == [0, 1, 2, 3]
    harness.dag.assert_empty()


def test_a_map_stage_whose_output_is_nondeterministic_is_never_speculated(tmp_path, context):
    harness = Harness(tmp_path, speculation=SPECULATE)
    source = ParallelCollectionRDD(context, [(i % 5, i) for i in range(30)], 4)
    source.is_deterministic = False  # as an unseeded sample is
    future = harness.submit(ShuffledRDD(source, HashPartitioner(2)))
    launched = harness.take_launched()
    slow = next((e, d) for e, d in launched if e == "b")
    fast = [(e, d) for e, d in launched if e == "a"]
    while fast:
        harness.now += 1.0
        for executor, desc in fast:
            harness.complete(executor, desc)
        fast = harness.take_launched()
    harness.now += 100.0
    harness.loop.post(SpeculationCheck())
    assert harness.take_launched() == []
    harness.complete(*slow)
    harness.run_until_idle()
    assert len(future.result(timeout=1)) == 2
    harness.dag.assert_empty()


def test_a_denied_commit_is_not_a_failure_and_is_not_rerun_while_the_winner_runs(tmp_path, context):
    harness = Harness(tmp_path, max_task_failures=1, speculation=SPECULATE)
    future, slow = run_until_one_task_is_slow(harness, context)
    harness.loop.post(SpeculationCheck())
    [(executor, copy)] = harness.take_launched()
    coordinator = harness.dag.commit_coordinator
    assert coordinator.can_commit(copy.stage_id, copy.stage_attempt, copy.partition_index, copy.attempt)
    assert not coordinator.can_commit(slow.stage_id, slow.stage_attempt, slow.partition_index, slow.attempt)
    harness.complete("b", slow, reason=TaskCommitDenied(slow.stage_id, slow.partition_index, slow.attempt))
    assert harness.take_launched() == []  # the authorised copy is still running
    harness.complete(executor, copy, value="copy")
    assert [cloudpickle.loads(b) for b in future.result(timeout=1)] == [0, "copy", 2, 3]
    harness.dag.assert_empty()


def test_when_the_authorised_committer_fails_its_retry_may_commit(tmp_path, context):
    harness = Harness(tmp_path, executors=("a",), max_task_failures=2)
    future = harness.submit(ParallelCollectionRDD(context, [1], 1))
    [(executor, desc)] = harness.take_launched()
    coordinator = harness.dag.commit_coordinator
    assert coordinator.can_commit(desc.stage_id, 0, 0, 0)
    harness.complete(executor, desc, reason=ExceptionFailure("OSError", "disk full", "", None))
    [(executor, retry)] = harness.take_launched()
    assert retry.attempt == 1
    assert not coordinator.can_commit(desc.stage_id, 0, 0, 0)  # a failed attempt never commits
    assert coordinator.can_commit(desc.stage_id, 0, 0, 1)
    harness.complete(executor, retry, value=[1])
    future.result(timeout=1)
    assert not coordinator.can_commit(desc.stage_id, 0, 0, 1)  # the stage is over: nobody commits
    harness.dag.assert_empty()
