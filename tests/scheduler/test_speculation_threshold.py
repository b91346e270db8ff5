"""Speculation's threshold and the task set's bookkeeping of copies, on synthetic runtimes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ember.conf import SparkConf
from ember.scheduler.speculation import SpeculationPolicy
from ember.executor.task_end import TaskCommitDenied, TaskKilled
from ember.scheduler.task_set_manager import TaskSetManager

POLICY = SpeculationPolicy(multiplier=1.5, quantile=0.75, min_runtime=0.1)


def test_the_threshold_waits_for_the_quantile_of_tasks_to_succeed():
    assert POLICY.threshold(8, [1.0] * 5) is None  # floor(0.75 * 8) = 6 successes needed
    assert POLICY.threshold(8, [1.0] * 6) == 1.5


def test_the_threshold_is_the_multiplier_times_the_median_runtime():
    assert POLICY.threshold(4, [1.0, 2.0, 30.0]) == 3.0  # median 2.0, not the mean
    assert POLICY.threshold(4, [1.0, 2.0, 3.0, 4.0]) == 3.75  # median of an even count: 2.5


def test_the_threshold_is_at_least_the_minimum_task_runtime():
    assert POLICY.threshold(4, [0.01, 0.02, 0.03]) == 0.1


def test_a_stage_of_one_task_is_never_speculated():
    assert POLICY.threshold(1, [1.0]) is None


def test_a_small_stage_needs_one_success():
    assert POLICY.threshold(2, [0.4]) == pytest.approx(0.6)  # floor(0.75 * 2) = 1


def test_the_policy_comes_from_the_spark_speculation_keys_with_spark_4_defaults():
    assert SpeculationPolicy.from_conf(SparkConf()) is None
    assert SpeculationPolicy.from_conf(SparkConf().set("spark.speculation", "true")) == SpeculationPolicy(
        interval=0.1, multiplier=3.0, quantile=0.9, min_runtime=0.1)
    conf = SparkConf().setAll([("spark.speculation", "true"), ("spark.speculation.interval", "1s"),
                               ("spark.speculation.multiplier", "2"), ("spark.speculation.quantile", "0.5"),
                               ("spark.speculation.minTaskRuntime", "250ms")])
    assert SpeculationPolicy.from_conf(conf) == SpeculationPolicy(1.0, 2.0, 0.5, 0.25)


def task_set(partitions: int = 4) -> TaskSetManager:
    return TaskSetManager(SimpleNamespace(id=0), 0, 0, b"", {i: b"" for i in range(partitions)}, {},
                          4, (0, 0), {})


def start(manager: TaskSetManager, task_id: int, executor: str, now: float) -> int:
    index = manager.next_task(executor, now=now, locality_wait=0.0, executor_count=3)
    manager.task_started(task_id, index, executor, now)
    return index


def with_one_slow_task() -> TaskSetManager:
    """Partitions 0-2 ran 1 s each on "a", "b", "a"; partition 3 started on "c" at 0 and still runs."""
    manager = task_set()
    start(manager, 0, "a", 0.0)
    start(manager, 1, "b", 0.0)
    start(manager, 3, "c", 0.0)  # partition 2 (queue order), the slow one
    manager.task_succeeded(0, 1.0)
    manager.task_succeeded(1, 1.0)
    start(manager, 2, "a", 1.0)  # partition 3
    manager.task_succeeded(2, 2.0)
    return manager


def test_a_running_task_slower_than_the_threshold_is_marked_once():
    manager = with_one_slow_task()
    assert manager.runtimes == [1.0, 1.0, 1.0]
    assert manager.check_speculatable(POLICY, now=1.5) == []  # ran 1.5 s: not more than 1.5 s
    [(task_id, task, threshold)] = manager.check_speculatable(POLICY, now=1.6)
    assert (task_id, task.index, threshold) == (3, 2, 1.5)
    assert manager.check_speculatable(POLICY, now=5.0) == []


def test_a_copy_runs_only_on_an_executor_not_running_the_task():
    manager = with_one_slow_task()
    manager.check_speculatable(POLICY, now=3.0)
    assert manager.next_task("a", now=3.0, locality_wait=0.0, executor_count=3) is None  # nothing pending
    assert manager.next_speculative_task("c", executor_count=3) is None  # "c" runs the original
    assert manager.next_speculative_task("a", executor_count=3) == 2
    manager.task_started(4, 2, "a", 3.0, speculative=True)
    assert manager.next_speculative_task("b", executor_count=3) is None  # one copy at a time
    assert manager.check_speculatable(POLICY, now=9.0) == []  # two attempts run: no third


def test_the_first_attempt_to_succeed_counts_and_the_other_is_not_rerun():
    manager = with_one_slow_task()
    manager.check_speculatable(POLICY, now=3.0)
    manager.task_started(4, manager.next_speculative_task("a", 3), "a", 3.0, speculative=True)
    assert list(manager.other_attempts(4, 2)) == [3]
    running, first = manager.task_succeeded(4, 3.5)
    assert first and running.speculative and manager.runtimes[-1] == 0.5
    manager.task_failed(3, TaskKilled("another attempt succeeded"))
    assert manager.next_task("c", now=4.0, locality_wait=0.0, executor_count=3) is None
    assert manager.succeeded == {0, 1, 2, 3}


def test_a_late_second_success_is_not_the_first():
    manager = with_one_slow_task()
    manager.check_speculatable(POLICY, now=3.0)
    manager.task_started(4, manager.next_speculative_task("a", 3), "a", 3.0, speculative=True)
    assert manager.task_succeeded(3, 3.2)[1] is True
    assert manager.task_succeeded(4, 3.3)[1] is False
    assert manager.runtimes == [1.0, 1.0, 1.0, 3.2]


def test_a_partition_is_queued_again_only_when_no_attempt_of_it_runs():
    manager = with_one_slow_task()
    manager.check_speculatable(POLICY, now=3.0)
    manager.task_started(4, manager.next_speculative_task("a", 3), "a", 3.0, speculative=True)
    manager.task_failed(3, TaskCommitDenied(0, 2, 0))  # the copy is authorised and still running
    assert manager.next_task("c", now=3.0, locality_wait=0.0, executor_count=3) is None
    manager.task_failed(4, TaskKilled("lost"))
    assert manager.next_task("b", now=3.0, locality_wait=0.0, executor_count=3) == 2


def test_a_partition_whose_output_is_being_committed_is_not_speculated():
    manager = with_one_slow_task()
    assert manager.check_speculatable(POLICY, now=3.0, committing={2}) == []
    assert [task.index for _, task, _ in manager.check_speculatable(POLICY, now=3.0, committing={0})] == [2]
