"""Failing user code fails the job with the user's own exception, and the context survives."""

from __future__ import annotations

import os
import re
import threading
import traceback

import pytest

from ember import TaskContext, WorkerLostError
from ember.errors import ClosureError, RemoteTraceback


def _explode(x):
    if x == 7:
        raise KeyError(f"no record {x}")
    return x


def test_user_exception_keeps_its_type_message_and_worker_traceback(make_context):
    context = make_context("local[2,2]")
    rdd = context.parallelize(range(10), 3).map(_explode)
    with pytest.raises(KeyError, match="no record 7") as info:
        rdd.collect()
    error = info.value
    assert isinstance(error.__cause__, RemoteTraceback)
    assert "_explode" in error.__cause__.traceback_text
    assert 'raise KeyError(f"no record {x}")' in error.__cause__.traceback_text
    assert "ember/" not in error.__cause__.traceback_text.replace("tests/engine", "")
    note = "\n".join(error.__notes__)
    assert "failed 2 times (stage 0, partition 2)" in note
    assert "test_errors.py" in note
    assert context.parallelize(range(10), 3).map(lambda x: x + 1).sum() == 55


def test_transient_failure_is_retried_and_succeeds(make_context):
    context = make_context("local[2,2]")

    def fail_first_attempt(x):
        task = TaskContext.get()
        if task.partitionId() == 1 and task.attemptNumber() == 0:
            raise RuntimeError("transient")
        return x * x

    assert context.parallelize([1, 2, 3], 3).map(fail_first_attempt).collect() == [1, 4, 9]


def test_task_that_kills_its_worker_fails_the_job_and_the_context_survives(make_context):
    context = make_context("local[2,2]")

    def die(x):
        if x == 3:
            os._exit(42)
        return x

    with pytest.raises(WorkerLostError, match="exit code 42"):
        context.parallelize(range(6), 3).map(die).collect()
    assert context.parallelize(range(6), 3).map(lambda x: x * 2).collect() == [0, 2, 4, 6, 8, 10]


def test_closure_capturing_an_rdd_fails_when_the_transformation_is_built(sc):
    other = sc.parallelize([1, 2])
    with pytest.raises(ClosureError, match="SPARK-5063") as info:
        sc.parallelize([1]).map(lambda x: other.count() + x)
    assert "other" in str(info.value)


def test_closure_capturing_the_context_fails_with_a_teaching_message(sc):
    with pytest.raises(ClosureError, match="SparkContext can only be used on the driver"):
        sc.parallelize([1]).map(lambda x: sc.parallelize([x]))


def test_unpicklable_closure_fails_on_the_driver_naming_the_problem(sc):
    lock = threading.Lock()

    def use_lock(x):
        with lock:
            return x

    with pytest.raises(ClosureError, match="lock"):
        sc.parallelize([1, 2]).map(use_lock).collect()
    assert sc.parallelize([1, 2]).count() == 2


def test_unpicklable_exception_still_reports_its_class_and_message(sc):
    class Unpicklable(Exception):
        def __init__(self, message, lock):
            super().__init__(message)
            self.lock = lock

    def fail(x):
        raise Unpicklable("bad thing", threading.Lock())

    with pytest.raises(Exception, match="Unpicklable.*bad thing"):
        sc.parallelize([1], 1).map(fail).collect()


def test_error_traceback_on_the_driver_shows_the_users_frames_and_one_line_of_ember(sc):
    with pytest.raises(ZeroDivisionError) as info:
        sc.parallelize([0], 1).map(lambda x: 1 / x).collect()
    frames = traceback.extract_tb(info.value.__traceback__)
    assert frames[0].filename.endswith("test_errors.py")
    ember_frames = [f for f in frames if not f.filename.endswith("test_errors.py")]
    assert [f.filename.rsplit("/", 1)[-1] for f in ember_frames] == ["boundary.py"]


def _fail_first_attempt(x):
    if TaskContext.get().attemptNumber() == 0:
        raise RuntimeError("transient")
    return x


def test_local_masters_try_each_task_once_like_spark(make_context):
    context = make_context("local[2]")
    with pytest.raises(RuntimeError, match="transient") as info:
        context.parallelize([1, 2], 2).map(_fail_first_attempt).collect()
    assert re.search(r"failed 1 times \(stage 0, partition [01]\)", info.value.__notes__[0])


def test_configured_max_failures_applies_to_local_masters(make_context):
    context = make_context("local[2]", {"spark.task.maxFailures": "2"})
    assert context.parallelize([1, 2], 2).map(_fail_first_attempt).collect() == [1, 2]


def test_get_error_class_is_get_condition_with_pysparks_deprecation_warning():
    from ember.errors import AnalysisException

    error = AnalysisException("UNRESOLVED_COLUMN.WITH_SUGGESTION", "A column ... cannot be resolved.", "42703")
    with pytest.warns(FutureWarning, match="^Deprecated in 4.0.0, use getCondition instead.$"):
        assert error.getErrorClass() == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    assert error.getCondition() == "UNRESOLVED_COLUMN.WITH_SUGGESTION" and error.getSqlState() == "42703"
