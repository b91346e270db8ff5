"""Shuffle files lost or corrupted between two actions on the same shuffled RDD.

The second action finds the map stage already available, so its reduce tasks are the
first to notice the damage. However many of the shuffle's files are gone, one resubmit
of the map stage must rebuild all of them (each reduce task stops at the first block it
cannot read, so recovering one map output per stage attempt would exhaust
``spark.stage.maxConsecutiveAttempts``). Results are compared with the fault-free run.
"""

from __future__ import annotations

import glob
import os
from operator import add

import pytest

MAPS = 8


def shuffled_sums(make_context, tmp_path):
    context = make_context("local[2]", {"spark.local.dir": str(tmp_path)})
    sums = context.parallelize([(i % 31, i) for i in range(4000)], MAPS).reduceByKey(add, 4)
    return context, sums


def second_action(context, sums):
    """Collect again; returns the result, the map stage's info, and the result stage's attempt."""
    context.setJobGroup("second", "after the damage")
    result = sorted(sums.collect())
    context.setLocalProperty("spark.jobGroup.id", None)
    tracker = context.statusTracker()
    [job_id] = tracker.getJobIdsForGroup("second")
    map_stage, result_stage = (tracker.getStageInfo(s) for s in tracker.getJobInfo(job_id).stageIds)
    return result, map_stage, result_stage.currentAttemptId


def shuffle_files(tmp_path, suffix):
    return sorted(glob.glob(os.path.join(str(tmp_path), "**", "shuffle", "0", f"*.{suffix}"), recursive=True),
                  key=lambda path: int(os.path.basename(path).split(".")[0]))


@pytest.mark.parametrize("deleted", [1, MAPS // 2, MAPS])
def test_deleted_shuffle_files_are_all_rebuilt_by_one_resubmit(make_context, tmp_path, deleted):
    context, sums = shuffled_sums(make_context, tmp_path)
    expected = sorted(sums.collect())
    data_files = shuffle_files(tmp_path, "data")
    assert len(data_files) == MAPS
    for path in data_files[::-1][:deleted]:  # the data files of the last maps
        os.remove(path)
    result, map_stage, result_attempt = second_action(context, sums)
    assert result == expected
    assert (map_stage.currentAttemptId, result_attempt) == (0, 1)  # one resubmit of the map stage
    assert map_stage.numTasks == map_stage.numCompletedTasks == deleted  # only the lost outputs ran again


def test_truncated_and_deleted_index_files_are_all_rebuilt_by_one_resubmit(make_context, tmp_path):
    context, sums = shuffled_sums(make_context, tmp_path)
    expected = sorted(sums.collect())
    index_files = shuffle_files(tmp_path, "index")
    for path in index_files[1:4]:
        with open(path, "r+b") as index:
            index.truncate(10)
    os.remove(index_files[6])
    result, map_stage, result_attempt = second_action(context, sums)
    assert result == expected
    assert (map_stage.currentAttemptId, result_attempt) == (0, 1)
    assert map_stage.numTasks == map_stage.numCompletedTasks == 4


def test_an_index_overwritten_in_place_is_detected_by_its_checksums_and_rebuilt(make_context, tmp_path):
    context, sums = shuffled_sums(make_context, tmp_path)
    expected = sorted(sums.collect())
    path = shuffle_files(tmp_path, "index")[5]
    size = os.path.getsize(path)
    with open(path, "r+b") as index:
        index.seek(size - 4)  # the last block's checksum: same size, wrong content
        index.write(b"\xff\xff\xff\xff")
    result, map_stage, _ = second_action(context, sums)
    assert result == expected
    assert map_stage.numCompletedTasks == 1
