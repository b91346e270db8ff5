"""The scenarios of docs/reliability.md: inject a fault, compare with the fault-free result.

Every scenario runs in local mode; those marked ``on_both_backends`` also run on the ``ray``
master, on a small Ray cluster on this machine started once for this module (skipped,
saying why, when Ray is not installed), where an executor's map outputs die with it.

Faults are injected deterministically by (stage, partition, attempt) through
``ember.testing.faults``. Stage ids are assigned in order within a fresh context: a job's
map stages first, then its result stage. Every test's context is stopped by the
``make_context`` fixture, and ``assert_clean`` checks that no worker process and no
scratch file is left behind.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from operator import add

import pytest

from ember import JobAbortedError, JobCancelledError, ResultTooLargeError, TaskContext, WorkerLostError
from ember.scheduler.listener import JobMetricsListener
from ember.scheduler.listener import SparkListener
from tests.e2e.cleanup import stop_and_assert_clean

ROWS = 60_000


class Recorder(SparkListener):
    """Every task end by stage, as the name of its end reason."""

    def __init__(self) -> None:
        self.ends: dict[int, list[str]] = defaultdict(list)
        self.changed = threading.Condition()

    def on_task_end(self, stage, outcome) -> None:
        with self.changed:
            self.ends[stage.id].append(type(outcome.reason).__name__)
            self.changed.notify_all()

    def count(self, stage_id: int, reason: str | None = None) -> int:
        return sum(1 for r in self.ends[stage_id] if reason is None or r == reason)

    def wait_for(self, stage_id: int, reason: str, count: int, timeout: float = 10.0) -> int:
        """Wait until ``count`` tasks of the stage ended for ``reason`` (tasks end asynchronously)."""
        with self.changed:
            self.changed.wait_for(lambda: self.count(stage_id, reason) >= count, timeout)
            return self.count(stage_id, reason)


on_both_backends = pytest.mark.parametrize("backend", ["local", "ray"])


def faulty_context(make_context, tmp_path, faults, master="local[2,4]", backend=None, request=None, **settings):
    """A context with ``faults``; with ``backend="ray"``, on Ray with ``master``'s attempts per task."""
    conf = {"ember.testing.faults": json.dumps(faults), "spark.local.dir": str(tmp_path)}
    if backend == "ray":
        request.getfixturevalue("ray_cluster")
        attempts = re.fullmatch(r"local\[\d+(?:,(\d+))?\]", master).group(1) or "1"
        master, conf["spark.task.maxFailures"] = "ray", attempts
    conf.update(settings)
    context = make_context(master, conf)
    recorder = Recorder()
    context.add_listener(recorder)
    return context, recorder


def keyed_rows():
    return [(i % 97, i) for i in range(ROWS)]


def checksum(pairs):
    totals, counts = Counter(), Counter()
    for key, value in pairs:
        totals[key] += value
        counts[key] += 1
    return totals, counts


EXPECTED_SUMS = dict(checksum(keyed_rows())[0])


# --- 1. Row conservation through shuffles under faults -------------------------------------

@pytest.mark.parametrize("where, backend", [("map", "local"), ("reduce", "local"), ("fetch", "local"),
                                             ("map", "ray"), ("reduce", "ray")])
def test_rows_are_conserved_when_a_worker_is_killed(make_context, tmp_path, where, backend, request):
    fault = {"map": {"stage": 0, "partition": 1, "action": "sigkill"},
             "reduce": {"stage": 1, "partition": 2, "action": "sigkill"},
             "fetch": {"stage": 1, "partition": 0, "action": "delete_shuffle_output", "arg": [0, 3]}}[where]
    context, recorder = faulty_context(make_context, tmp_path, [fault], backend=backend, request=request)
    grouped = context.parallelize(keyed_rows(), 4).groupByKey(4).mapValues(sorted).collect()
    assert {k: sum(v) for k, v in grouped} == EXPECTED_SUMS
    assert sum(len(v) for _, v in grouped) == ROWS
    failed = sum(recorder.count(s) - recorder.count(s, "Success") for s in recorder.ends)
    # Every reader of a lost output fails too: of a deleted file, or (on Ray) of the dead executor's outputs.
    assert failed == 1 if where == "map" or (where, backend) == ("reduce", "local") else failed >= 1
    stop_and_assert_clean(context, tmp_path)


@pytest.mark.parametrize("seed", [1, 2])
def test_join_and_sort_are_exact_under_a_killed_map_task(make_context, tmp_path, seed):
    rng = random.Random(seed)
    left = [(rng.randrange(50), rng.randrange(1000)) for _ in range(3000)]
    right = [(k, f"v{k}") for k in range(0, 50, 3)]
    context, _ = faulty_context(make_context, tmp_path, [
        {"stage": 0, "partition": rng.randrange(6), "action": "sigkill"}])
    joined = context.parallelize(left, 3).join(context.parallelize(right, 3)).collect()
    expected = [(k, (v, w)) for k, v in left for kk, w in right if k == kk]
    assert Counter(joined) == Counter(expected)
    stop_and_assert_clean(context, tmp_path)


# --- 2, 3. Transient and permanent task failures -------------------------------------------

@on_both_backends
def test_a_transient_failure_is_retried(make_context, tmp_path, backend, request):
    context, recorder = faulty_context(make_context, tmp_path, [{"stage": 0, "partition": 1, "action": "raise"}],
                                       master="local[2,2]", backend=backend, request=request)
    assert context.parallelize([1, 2, 3], 3).map(lambda x: x * x).collect() == [1, 4, 9]
    assert recorder.count(0) == 4 and recorder.count(0, "ExceptionFailure") == 1
    stop_and_assert_clean(context, tmp_path)


def _fails_on_three(x):
    if x == 3:
        raise ValueError(f"n={TaskContext.get().attemptNumber()}")
    return x


@on_both_backends
def test_a_permanent_failure_fails_fast_with_the_last_attempts_error(make_context, tmp_path, backend, request):
    context, recorder = faulty_context(make_context, tmp_path, [], master="local[2,4]", backend=backend,
                                       request=request)
    with pytest.raises(ValueError, match=r"^n=3\b") as info:
        context.parallelize([1, 2, 3], 3).map(_fails_on_three).collect()
    assert "failed 4 times (stage 0, partition 2)" in info.value.__notes__[0]
    assert "test_reliability.py" in info.value.__notes__[0]
    assert "_fails_on_three" in info.value.__cause__.traceback_text
    assert context.parallelize([1, 2, 3], 3).sum() == 6
    stop_and_assert_clean(context, tmp_path)


# --- 4. A task that kills its worker --------------------------------------------------------

@pytest.mark.parametrize("code", [42, 0])
def test_a_task_that_exits_its_worker_fails_clearly_and_the_session_survives(make_context, tmp_path, code):
    context, _ = faulty_context(make_context, tmp_path, [
        {"stage": 0, "partition": 1, "action": "exit", "attempt": a, "arg": code} for a in range(2)],
        master="local[2,2]")
    with pytest.raises(WorkerLostError, match=f"exit code {code}"):
        context.parallelize(range(6), 3).collect()
    assert context.parallelize(range(6), 3).collect() == list(range(6))
    stop_and_assert_clean(context, tmp_path)


@on_both_backends
def test_a_worker_killed_from_outside_is_not_held_against_the_task(make_context, tmp_path, backend, request):
    context, _ = faulty_context(make_context, tmp_path, [{"stage": 0, "partition": 1, "action": "sigkill"}],
                                master="local[2]", backend=backend, request=request)
    assert context.parallelize(range(6), 3).map(lambda x: x * 2).collect() == [0, 2, 4, 6, 8, 10]
    stop_and_assert_clean(context, tmp_path)


def test_a_task_whose_worker_is_killed_twice_fails(make_context, tmp_path):
    context, _ = faulty_context(make_context, tmp_path, [
        {"stage": 0, "partition": 1, "action": "sigkill", "attempt": a} for a in range(2)], master="local[2]")
    with pytest.raises(WorkerLostError, match="exit code -9"):
        context.parallelize(range(6), 3).collect()
    stop_and_assert_clean(context, tmp_path)


# --- 5, 6. Lost shuffle output ---------------------------------------------------------------

def test_lost_shuffle_output_reruns_only_the_missing_map_partition(make_context, tmp_path):
    context, recorder = faulty_context(make_context, tmp_path, [
        {"stage": 1, "partition": 0, "action": "delete_shuffle_output", "arg": [0, 2]}])
    result = dict(context.parallelize(keyed_rows(), 4).reduceByKey(add, 4).collect())
    assert result == EXPECTED_SUMS
    assert recorder.count(0, "Success") == 5  # 4 map tasks, then map 2 again
    assert recorder.count(1, "FetchFailed") >= 1  # every reduce task then reading map 2
    stop_and_assert_clean(context, tmp_path)


def test_a_corrupted_shuffle_block_is_detected_and_rebuilt(make_context, tmp_path):
    context, recorder = faulty_context(make_context, tmp_path, [
        {"stage": 1, "partition": 0, "action": "corrupt_shuffle_output", "arg": [0, 1]}])
    assert dict(context.parallelize(keyed_rows(), 4).reduceByKey(add, 4).collect()) == EXPECTED_SUMS
    assert recorder.count(1, "FetchFailed") >= 1
    assert recorder.count(0, "Success") == 5  # only map 1 ran again
    stop_and_assert_clean(context, tmp_path)


def test_repeated_fetch_failures_abort_after_the_stage_attempt_limit(make_context, tmp_path):
    context, _ = faulty_context(make_context, tmp_path, [
        {"stage": 1, "partition": 0, "action": "delete_shuffle_output", "arg": [0, 0], "stage_attempt": None}])
    with pytest.raises(JobAbortedError, match="failed the maximum number of attempts \\(4\\)"):
        context.parallelize(keyed_rows(), 2).reduceByKey(add, 2).collect()
    assert context.parallelize([1, 2], 2).count() == 2
    stop_and_assert_clean(context, tmp_path)


# --- 7. Nondeterministic upstream is never mixed across attempts -----------------------------

def _tag_with_run(index, records):
    run = random.random()  # differs on every run of the map task
    return ((x % 5, (index, run, x)) for x in records)


def test_an_indeterminate_stage_is_rerun_whole_or_fails_explicitly(make_context, tmp_path):
    context, _ = faulty_context(make_context, tmp_path, [
        {"stage": 1, "partition": 0, "action": "delete_shuffle_output", "arg": [0, 1]}])
    sampled = context.parallelize(range(2000), 4).sample(False, 0.5).mapPartitionsWithIndex(_tag_with_run)
    try:
        groups = sampled.groupByKey(3).collect()
    except JobAbortedError as error:
        assert "indeterminate" in str(error)
    else:
        runs_by_map = defaultdict(set)
        for _, values in groups:
            for index, run, _ in values:
                runs_by_map[index].add(run)
        assert all(len(runs) == 1 for runs in runs_by_map.values()), "records of two runs were mixed"
    stop_and_assert_clean(context, tmp_path)


def _slow_partition_zero(index, groups):
    groups = list(groups)  # the whole shuffle input has been read
    if index == 0:
        time.sleep(2.0)  # ... and the rest of its work outlasts another task's fetch failure
    return groups


def test_a_result_task_of_a_rolled_back_attempt_that_finishes_late_is_ignored(make_context, tmp_path):
    # Reduce task 0 reads the first run of the indeterminate map stage, then works on; task 1
    # (half a second later) loses map 1's output, which rolls the map stage back while no result
    # has come in. Task 0's late result read the first run and must not join the second's.
    context, _ = faulty_context(make_context, tmp_path, [
        {"stage": 1, "partition": 1, "action": "sleep", "arg": 0.5},
        {"stage": 1, "partition": 1, "action": "delete_shuffle_output", "arg": [0, 1]}])
    sampled = context.parallelize(range(2000), 4).sample(False, 0.5).mapPartitionsWithIndex(_tag_with_run)
    groups = sampled.groupByKey(3).mapPartitionsWithIndex(_slow_partition_zero).collect()
    runs_by_map = defaultdict(set)
    for _, values in groups:
        for index, run, _ in values:
            runs_by_map[index].add(run)
    assert len(runs_by_map) == 4 and all(len(runs) == 1 for runs in runs_by_map.values()), "two runs were mixed"
    stop_and_assert_clean(context, tmp_path)


# --- 9. A lost cached partition is recomputed from lineage -----------------------------------

def test_a_lost_cached_partition_is_recomputed(make_context, tmp_path):
    context, _ = faulty_context(make_context, tmp_path, [
        {"stage": 1, "partition": 0, "action": "drop_cached_block", "arg": [1, 0]}])
    calls = context.accumulator(0)

    def square(x):
        calls.add(1)
        return x * x

    cached = context.parallelize(range(100), 2).map(square).cache()
    assert cached.id() == 1
    assert cached.count() == 100 and calls.value == 100
    assert cached.sum() == sum(x * x for x in range(100))
    assert calls.value == 150  # partition 0 (50 records) was recomputed, partition 1 was not
    stop_and_assert_clean(context, tmp_path)


# --- 16. A worker that runs out of memory is diagnosed ----------------------------------------

def allocate_then_get_killed(x):
    """What the kernel's OOM killer does to a worker: memory grows, then SIGKILL."""
    hog = b"x" * (96 << 20)  # written, so resident: 1.5x the 64 MiB budget
    os.kill(os.getpid(), signal.SIGKILL)
    return len(hog) + x


def test_a_worker_killed_after_outgrowing_its_memory_is_diagnosed_and_retried_once(make_context, tmp_path):
    context, recorder = faulty_context(make_context, tmp_path, [], master="local[2]",
                                       **{"spark.executor.memory": "64m"})
    with pytest.raises(WorkerLostError) as failure:
        context.parallelize(range(4), 1).map(allocate_then_get_killed).collect()
    message = str(failure.value)
    assert "killed by SIGKILL, likely out of memory: peak RSS" in message
    assert "of spark.executor.memory 64 MiB" in message
    peak_mib = int(re.search(r"peak RSS ([\d,]+) MiB", message).group(1).replace(",", ""))
    assert peak_mib >= 96
    assert "(stage 0, partition 0)" in message and "at map at test_reliability.py" in message
    assert recorder.count(0, "ExecutorLostFailure") == 2  # retried once (a first SIGKILL is not held against it)
    assert context.parallelize(range(6), 3).map(lambda x: x * 2).collect() == [0, 2, 4, 6, 8, 10]
    stop_and_assert_clean(context, tmp_path)


def test_a_worker_killed_within_its_memory_is_not_called_out_of_memory(make_context, tmp_path):
    context, _ = faulty_context(make_context, tmp_path, [
        {"stage": 0, "partition": 1, "action": "sigkill", "attempt": a} for a in range(2)], master="local[2]")
    with pytest.raises(WorkerLostError, match=r"exit code -9: killed by SIGKILL; peak RSS [\d,]+ MiB of "
                                              r"spark.executor.memory 1,024 MiB") as failure:
        context.parallelize(range(6), 3).collect()
    assert "out of memory" not in str(failure.value)
    stop_and_assert_clean(context, tmp_path)


# --- 17. Driver result-size guard -------------------------------------------------------------

def test_a_result_larger_than_max_result_size_is_refused(make_context, tmp_path):
    context, _ = faulty_context(make_context, tmp_path, [], **{"spark.driver.maxResultSize": "1m"})
    blobs = context.parallelize(range(8), 8).map(lambda i: os.urandom(400_000))
    with pytest.raises(ResultTooLargeError, match="bigger than spark.driver.maxResultSize"):
        blobs.collect()
    assert sum(len(b) for b in blobs.toLocalIterator()) == 8 * 400_000
    stop_and_assert_clean(context, tmp_path)


# --- 18. Cancellation -----------------------------------------------------------------------

def _sleep_long_once_started(started):
    """A task that marks itself started in ``started`` (a directory), then sleeps a minute."""
    def sleep_long(x):
        (started / str(x)).touch()
        time.sleep(60)
        return x
    return sleep_long


def _once_running(started, count: int, action, *args) -> threading.Thread:
    """Run ``action(*args)`` in a thread as soon as ``count`` tasks are inside their function: a
    cancellation then always meets running tasks, however slowly the workers start."""
    def wait_then_act():
        deadline = time.monotonic() + 60
        while len(os.listdir(started)) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        action(*args)
    thread = threading.Thread(target=wait_then_act, daemon=True)
    thread.start()
    return thread


def test_cancelling_a_job_group_stops_running_tasks(make_context, tmp_path):
    context, recorder = faulty_context(make_context, tmp_path / "scratch", [])
    started = tmp_path / "started"
    started.mkdir()
    context.setJobGroup("slow", "sleeps")
    _once_running(started, 2, context.cancelJobGroup, "slow")
    with pytest.raises(JobCancelledError, match="job group slow"):
        context.parallelize(range(4), 4).map(_sleep_long_once_started(started)).collect()
    assert recorder.count(0, "TaskKilled") == 2  # both had ended when the error was raised
    context.setLocalProperty("spark.jobGroup.id", None)
    assert context.parallelize(range(4), 2).map(lambda x: x + 1).collect() == [1, 2, 3, 4]
    stop_and_assert_clean(context, tmp_path / "scratch")


def test_ctrl_c_during_an_action_cancels_the_job(make_context, tmp_path):
    context, recorder = faulty_context(make_context, tmp_path / "scratch", [])
    started = tmp_path / "started"
    started.mkdir()
    sleepers = context.parallelize(range(2), 2).map(_sleep_long_once_started(started))
    with pytest.raises(KeyboardInterrupt):  # the signal must land inside this block
        interrupter = _once_running(started, 2, os.kill, os.getpid(), signal.SIGINT)
        sleepers.collect()
    interrupter.join()
    assert context.parallelize(range(3)).count() == 3
    assert recorder.wait_for(0, "TaskKilled", 2) == 2
    stop_and_assert_clean(context, tmp_path / "scratch")


# --- 19. Scratch directory hygiene --------------------------------------------------------------

def test_a_killed_drivers_directory_is_reclaimed_by_the_next_session(make_context, tmp_path):
    script = (f"from ember import SparkConf, SparkContext\n"
              f"sc = SparkContext('local[1]', conf=SparkConf().set('spark.local.dir', {str(tmp_path)!r}))\n"
              f"sc.parallelize([(1, 2)]).groupByKey().collect()\n"
              f"print('ready', flush=True)\n"
              f"import time; time.sleep(60)\n")
    driver = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert driver.stdout.readline().strip() == "ready"
    assert len(os.listdir(tmp_path)) == 1
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    context, _ = faulty_context(make_context, tmp_path, [])
    assert len(os.listdir(tmp_path)) == 1  # only the new session's own directory
    stop_and_assert_clean(context, tmp_path)


def test_a_scratch_directory_deleted_mid_session_is_recreated(make_context, tmp_path):
    context, _ = faulty_context(make_context, tmp_path, [])
    assert dict(context.parallelize(keyed_rows(), 2).reduceByKey(add).collect()) == EXPECTED_SUMS
    import shutil
    shutil.rmtree(context.session_dir)
    assert dict(context.parallelize(keyed_rows(), 2).reduceByKey(add).collect()) == EXPECTED_SUMS
    stop_and_assert_clean(context, tmp_path)


# --- 21. Results that cannot be serialized ------------------------------------------------------

def test_a_result_that_cannot_be_pickled_fails_with_a_clear_error(make_context, tmp_path):
    context, _ = faulty_context(make_context, tmp_path, [])
    with pytest.raises(TypeError, match="pickle"):
        context.parallelize([1], 1).map(lambda _: threading.Lock()).collect()
    stop_and_assert_clean(context, tmp_path)


# --- 23. A bad worker is excluded ------------------------------------------------------------

def _failures_on_worker_1(log_path) -> int:
    return sum(1 for line in log_path.read_text().splitlines() if line.split()[1] == "1")


def test_a_worker_that_fails_every_task_is_excluded_and_the_job_succeeds(make_context, tmp_path):
    context = make_context("local[3,4]", {"spark.local.dir": str(tmp_path / "scratch")})
    metrics = JobMetricsListener()
    context.add_listener(metrics)
    log_path = tmp_path / "attempts.log"

    def on_a_bad_worker_fails(index, records):
        worker = TaskContext.get().executor_id
        with open(log_path, "a") as log_file:
            log_file.write(f"{index} {worker}\n")
        if worker == "1":
            raise OSError("disk of worker 1 is broken")
        # The healthy workers wait until worker 1 has failed twice, so it is the one offered
        # tasks until then, however slowly it starts.
        deadline = time.monotonic() + 30
        while _failures_on_worker_1(log_path) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        return [sum(records)]

    partials = context.parallelize(range(1200), 12).mapPartitionsWithIndex(on_a_bad_worker_fails).collect()
    assert sum(partials) == sum(range(1200)) and len(partials) == 12
    attempts = [line.split() for line in log_path.read_text().splitlines()]
    on_bad_worker = [index for index, worker in attempts if worker == "1"]
    assert len(on_bad_worker) == 2  # excluded after its second failure
    assert len(set(on_bad_worker)) == 2  # and a partition that failed there is never retried there
    assert metrics.excluded_executors == {0: {"1"}}
    context.stop()


# --- 24. Checkpoints truncate lineage -----------------------------------------------------------

def test_checkpoints_truncate_a_long_iterative_lineage(make_context, tmp_path):
    context, _ = faulty_context(make_context, tmp_path / "scratch", [])
    context.setCheckpointDir(str(tmp_path / "checkpoints"))
    rdd = context.parallelize(range(100), 2)
    for step in range(1, 201):
        rdd = rdd.map(lambda x: x + 1)
        if step % 20 == 0:
            rdd.checkpoint()
            rdd.count()
    assert rdd.isCheckpointed()
    assert sorted(rdd.collect()) == [x + 200 for x in range(100)]
    assert len(rdd.toDebugString().decode().splitlines()) <= 21
    victim = next(iter(context.executor_pids().values()))
    os.kill(victim, signal.SIGKILL)
    assert sorted(rdd.map(lambda x: x - 200).collect()) == list(range(100))
    context.stop()


def test_a_missing_local_checkpoint_block_fails_with_an_explanation(make_context, tmp_path):
    context, _ = faulty_context(make_context, tmp_path, [])
    rdd = context.parallelize(range(10), 2).map(lambda x: x * 2)
    rdd.localCheckpoint()
    assert rdd.sum() == 90
    os.remove(os.path.join(rdd.dependencies[0].rdd.path, "part-00001"))  # the checkpoint's files
    with pytest.raises(Exception, match="Local checkpoints are not fault tolerant"):
        rdd.collect()
    stop_and_assert_clean(context, tmp_path)


# --- Concurrent jobs ---------------------------------------------------------------------------

def test_actions_from_several_threads_at_once_are_all_correct(sc):
    results: dict[int, int] = {}

    def run(n: int) -> None:
        results[n] = dict(sc.parallelize([(i % 7, i) for i in range(n)], 3).reduceByKey(add).collect())[0]

    threads = [threading.Thread(target=run, args=(n,)) for n in (700, 1400, 2100, 2800)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {n: sum(range(0, n, 7)) for n in (700, 1400, 2100, 2800)}


# --- Shuffle files do not outlive their use -------------------------------------------------

def _wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_shuffle_files_are_deleted_once_nothing_refers_to_them(make_context, tmp_path):
    import gc

    context, _ = faulty_context(make_context, tmp_path, [])
    summed = context.parallelize(keyed_rows(), 2).reduceByKey(add)
    assert dict(summed.collect()) == EXPECTED_SUMS
    shuffle_dir = os.path.join(context.session_dir, "shuffle", "0")
    assert os.listdir(shuffle_dir)
    del summed
    gc.collect()
    assert _wait_until(lambda: not os.path.exists(shuffle_dir))
    stop_and_assert_clean(context, tmp_path)


def test_a_cancelled_jobs_partial_shuffle_output_is_removed(make_context, tmp_path):
    context, _ = faulty_context(make_context, tmp_path, [
        {"stage": 0, "partition": 3, "action": "sleep", "arg": 60}])
    context.setJobGroup("g", "partial")
    threading.Timer(1.0, context.cancelJobGroup, args=("g",)).start()
    pairs = context.parallelize(keyed_rows(), 4).reduceByKey(add)
    with pytest.raises(JobCancelledError):
        pairs.collect()
    shuffle_dir = os.path.join(context.session_dir, "shuffle", "0")
    assert _wait_until(lambda: not os.path.exists(shuffle_dir))
    stop_and_assert_clean(context, tmp_path)


# --- 30. A cache larger than memory degrades gracefully ------------------------------------------

def test_caching_more_than_fits_keeps_what_fits_and_recomputes_the_rest(make_context, tmp_path):
    # 2 MB per worker: storage is 60% of it, and each partition is roughly 1 MB of strings
    context, _ = faulty_context(make_context, tmp_path, [], **{"spark.executor.memory": "2m"})
    calls = context.accumulator(0)

    def payload(i):
        calls.add(1)
        return "x" * 100 + str(i)

    cached = context.parallelize(range(48_000), 8).map(payload).cache()
    assert cached.count() == 48_000
    assert calls.value == 48_000
    held = context.block_manager_master.cached_partitions(cached.id())
    assert 0 < held < 8  # only the partitions that fit were kept
    assert cached.count() == 48_000
    assert calls.value == 48_000 + (8 - held) * 6_000  # only the others were recomputed
    stop_and_assert_clean(context, tmp_path)
