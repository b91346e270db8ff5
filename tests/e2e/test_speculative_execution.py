"""Speculation and output commit coordination with real worker processes.

One task attempt is made slow by an injected ``sleep`` fault (``engine/faults.py``) on its
first attempt only. Each test first runs the same kind of job once without faults, so the
workers have imported what the job needs and the other tasks' runtimes — which set the
speculation threshold — are short. Stage ids count from 0 in each fresh context, so the
job under test is stage 1. No test asserts how long anything took.
"""

from __future__ import annotations

import json
import os
import threading
from collections import defaultdict

import pyarrow.parquet as pq
import pytest

from ember import SparkContext
from ember.scheduler.listener import SparkListener
from ember.sql import SparkSession  # imported before the contexts start, so their workers preload it

SLOW = 1  # the partition whose first attempt is slow
TIMEOUT = 30.0  # only a bound on waiting for asynchronous task ends


class Attempts(SparkListener):
    """Every task attempt of every stage: where it ran, whether it was a copy, how it ended."""

    def __init__(self) -> None:
        self.started: dict[int, list] = defaultdict(list)
        self.ended: dict[int, str] = {}
        self.changed = threading.Condition()

    def on_task_start(self, stage, desc) -> None:
        with self.changed:
            self.started[stage.id].append(desc)

    def on_task_end(self, stage, outcome) -> None:
        with self.changed:
            self.ended[outcome.task_id] = type(outcome.reason).__name__
            self.changed.notify_all()

    def of_partition(self, stage_id: int, partition: int) -> list:
        return sorted((d for d in self.started[stage_id] if d.partition_index == partition), key=lambda d: d.attempt)

    def end_of(self, desc) -> str | None:
        """How the attempt ended, waiting for it: a killed attempt reports after its job is done."""
        with self.changed:
            self.changed.wait_for(lambda: desc.task_id in self.ended, TIMEOUT)
            return self.ended.get(desc.task_id)


def speculating_context(make_context, tmp_path, faults, speculation=True):
    context = make_context("local[2]", {"spark.speculation": str(speculation).lower(),
                                        "spark.speculation.multiplier": "1.5",  # margins for a busy machine
                                        "ember.testing.faults": json.dumps(faults),
                                        "spark.local.dir": str(tmp_path / "scratch")})
    attempts = Attempts()
    context.add_listener(attempts)
    return context, attempts


def slow_first_attempt(seconds: float) -> dict:
    return {"stage": 1, "partition": SLOW, "action": "sleep", "arg": seconds}


def raced_commit(original_seconds: float = 3.0, copy_holds_seconds: float = 4.0) -> list[dict]:
    """The original attempt is slow; its copy is authorised to commit, then holds on while
    the original, done writing, asks too and is refused."""
    return [slow_first_attempt(original_seconds),
            {"stage": 1, "partition": SLOW, "attempt": 1, "action": "sleep_after_commit_request",
             "arg": copy_holds_seconds}]


def stop_and_assert_no_worker_left(context: SparkContext) -> None:
    pids = list(context.executor_pids().values())
    context.stop()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def _counted(acc):
    def count(x):
        acc.add(1)
        return x * 10
    return count


def test_a_slow_task_is_copied_on_another_worker_whose_result_wins_and_the_slow_one_is_killed(
        make_context, tmp_path):
    context, attempts = speculating_context(make_context, tmp_path, [slow_first_attempt(20.0)])
    context.parallelize(range(4), 2).count()  # stage 0: warm up both workers
    pids = context.executor_pids()
    counter = context.accumulator(0)
    assert context.parallelize(range(8), 2).map(_counted(counter)).collect() == [x * 10 for x in range(8)]
    original, copy = attempts.of_partition(1, SLOW)
    assert (original.speculative, copy.speculative) == (False, True)
    assert copy.executor_id != original.executor_id
    assert attempts.end_of(copy) == "Success"
    assert attempts.end_of(original) == "TaskKilled"
    assert counter.value == 8  # the killed attempt's updates never count
    stage = context.statusTracker().getStageInfo(1)  # a killed attempt is neither completed nor failed
    assert (stage.numActiveTasks, stage.numCompletedTasks, stage.numFailedTasks) == (0, 2, 0)
    assert context.executor_pids() == pids  # the killed attempt's worker was reused, not replaced
    stop_and_assert_no_worker_left(context)


def test_without_speculation_a_slow_task_gets_no_copy(make_context, tmp_path):
    context, attempts = speculating_context(make_context, tmp_path, [slow_first_attempt(1.5)], speculation=False)
    context.parallelize(range(4), 2).count()
    assert context.parallelize(range(8), 2).map(lambda x: x * 10).collect() == [x * 10 for x in range(8)]
    [only] = attempts.of_partition(1, SLOW)
    assert not only.speculative and attempts.end_of(only) == "Success"
    stop_and_assert_no_worker_left(context)


def assert_the_copy_committed_and_the_original_was_refused(attempts) -> None:
    original, copy = attempts.of_partition(1, SLOW)
    assert copy.speculative and copy.executor_id != original.executor_id
    assert attempts.end_of(original) == "TaskCommitDenied"
    assert attempts.end_of(copy) == "Success"


def test_save_as_text_file_under_a_raced_speculative_commit_writes_each_part_once(make_context, tmp_path):
    context, attempts = speculating_context(make_context, tmp_path, raced_commit())
    context.parallelize(range(4), 2).saveAsTextFile(str(tmp_path / "warm"))
    out = tmp_path / "out"
    context.parallelize(range(10), 2).saveAsTextFile(str(out))
    assert sorted(os.listdir(out)) == ["_SUCCESS", "part-00000", "part-00001"]
    assert (out / "part-00000").read_text() == "".join(f"{i}\n" for i in range(5))
    assert (out / "part-00001").read_text() == "".join(f"{i}\n" for i in range(5, 10))
    assert_the_copy_committed_and_the_original_was_refused(attempts)
    stop_and_assert_no_worker_left(context)


def test_parquet_under_a_raced_speculative_commit_writes_each_part_once(make_context, tmp_path):
    context, attempts = speculating_context(make_context, tmp_path, raced_commit())
    spark = SparkSession(context)
    spark.range(0, 4, 1, 2).write.parquet(str(tmp_path / "warm"))
    out = tmp_path / "out"
    spark.range(0, 10, 1, 2).write.parquet(str(out))
    parts = sorted(name for name in os.listdir(out) if name.startswith("part-"))
    assert len(parts) == 2 and sorted(os.listdir(out)) == ["_SUCCESS", *parts]
    assert [parts[0][:10], parts[1][:10]] == ["part-00000", "part-00001"]
    assert [pq.read_table(out / part).column("id").to_pylist() for part in parts] == [[0, 1, 2, 3, 4],
                                                                                      [5, 6, 7, 8, 9]]
    assert_the_copy_committed_and_the_original_was_refused(attempts)
    stop_and_assert_no_worker_left(context)
