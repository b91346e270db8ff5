"""``sc.statusTracker()``: job and stage status as PySpark's ``StatusTracker`` reports it.

Field names and status strings are PySpark's (``pyspark.core.status``): ``SparkJobInfo(jobId,
stageIds, status)`` with RUNNING/SUCCEEDED/FAILED, and ``SparkStageInfo(stageId,
currentAttemptId, name, numTasks, numActiveTasks, numCompletedTasks, numFailedTasks)``.
"""

from __future__ import annotations

import os
import threading
import time
from operator import add

import pytest

from ember import SparkJobInfo, SparkStageInfo


def job_of_group(tracker, group):
    [job_id] = tracker.getJobIdsForGroup(group)
    return tracker.getJobInfo(job_id)


def test_the_info_tuples_have_pysparks_fields():
    assert SparkJobInfo._fields == ("jobId", "stageIds", "status")
    assert SparkStageInfo._fields == ("stageId", "currentAttemptId", "name", "numTasks", "numActiveTasks",
                                      "numCompletedTasks", "numFailedTasks")


def test_a_finished_job_and_its_stages_are_reported(make_context):
    context = make_context("local[2]")
    tracker = context.statusTracker()
    context.setJobGroup("sums", "sum by key")
    assert sorted(context.parallelize([(i % 3, i) for i in range(30)], 3).reduceByKey(add, 2).collect()) == [
        (0, 135), (1, 145), (2, 155)]
    context.setLocalProperty("spark.jobGroup.id", None)
    job = job_of_group(tracker, "sums")
    assert job.status == "SUCCEEDED" and len(job.stageIds) == 2
    map_stage, result_stage = (tracker.getStageInfo(s) for s in job.stageIds)
    assert map_stage[:2] == (job.stageIds[0], 0) and map_stage[3:] == (3, 0, 3, 0)
    assert result_stage[3:] == (2, 0, 2, 0) and result_stage.name.startswith("collect at ")
    assert tracker.getActiveJobsIds() == [] and tracker.getActiveStageIds() == []
    assert job.jobId not in tracker.getJobIdsForGroup()  # None: the jobs without a group
    assert tracker.getJobInfo(12345) is None and tracker.getStageInfo(12345) is None


def _wait_for(path):
    def wait(records):
        while not os.path.exists(path):
            time.sleep(0.01)
        return records
    return wait


def test_a_running_job_and_its_running_tasks_are_active(make_context, tmp_path):
    context = make_context("local[2]")
    tracker = context.statusTracker()
    release = str(tmp_path / "release")
    rdd = context.parallelize(range(4), 4).mapPartitions(_wait_for(release))
    done = []
    runner = threading.Thread(target=lambda: done.append(rdd.count()))
    runner.start()
    try:
        deadline = time.monotonic() + 10
        while not tracker.getActiveStageIds() and time.monotonic() < deadline:
            time.sleep(0.01)
        [job_id] = tracker.getActiveJobsIds()
        [stage_id] = tracker.getActiveStageIds()
        assert tracker.getJobInfo(job_id) == SparkJobInfo(job_id, [stage_id], "RUNNING")
        while tracker.getStageInfo(stage_id).numActiveTasks < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        stage = tracker.getStageInfo(stage_id)
        assert (stage.numTasks, stage.numActiveTasks, stage.numCompletedTasks) == (4, 2, 0)  # two workers
    finally:
        open(release, "w").close()
        runner.join(timeout=30)
    assert done == [4]
    assert tracker.getJobInfo(job_id).status == "SUCCEEDED" and tracker.getActiveStageIds() == []


def _fail(x):
    raise ValueError("no")


def test_a_failed_job_is_reported_failed_with_its_failed_task(make_context):
    context = make_context("local[2]")
    tracker = context.statusTracker()
    context.setJobGroup("bad", "fails")
    with pytest.raises(ValueError):
        context.parallelize([1], 1).map(_fail).collect()
    job = job_of_group(tracker, "bad")
    assert job.status == "FAILED"
    assert tracker.getStageInfo(job.stageIds[0])[3:] == (1, 0, 0, 1)
    assert tracker.getActiveJobsIds() == [] and tracker.getActiveStageIds() == []


def test_a_stage_skipped_because_its_shuffle_output_exists_is_reported_with_no_task_run(make_context):
    """PySpark reports a skipped stage as ``SparkStageInfo(id, 0, name, 3, 0, 0, 0)``."""
    context = make_context("local[2]")
    tracker = context.statusTracker()
    sums = context.parallelize([(i % 3, i) for i in range(30)], 3).reduceByKey(add, 2)
    sums.collect()
    context.setJobGroup("again", "second collect")
    sums.collect()
    job = job_of_group(tracker, "again")
    skipped, result = (tracker.getStageInfo(s) for s in job.stageIds)
    assert skipped[3:] == (3, 0, 0, 0) and skipped.currentAttemptId == 0
    assert result[3:] == (2, 0, 2, 0)
