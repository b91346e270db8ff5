"""Task commit under the driver's output commit coordinator: one attempt's files per partition."""

from __future__ import annotations

import os

import pytest

from ember.errors import CommitDeniedError
from ember.rdd import commit
from ember.scheduler.output_commit_coordinator import OutputCommitCoordinator
from ember.executor.task_end import ExceptionFailure

STAGE = 4


@pytest.fixture
def job(tmp_path):
    job = commit.WriteJob(str(tmp_path / "out"), "error")
    assert commit.setup_job(job)
    return job


@pytest.fixture
def coordinator():
    coordinator = OutputCommitCoordinator()
    coordinator.stage_started(STAGE)
    return coordinator


def writer(name):
    def write(root):
        with open(os.path.join(root, name), "w") as handle:
            handle.write(name)
        return [name]
    return write


def attempt(job, coordinator, partition, number, name):
    return commit.run_task(job, partition, number, writer(name),
                           lambda: coordinator.can_commit(STAGE, 0, partition, number))


def test_a_refused_attempt_discards_its_output_and_says_so(job, coordinator):
    assert attempt(job, coordinator, 3, 1, "copy.txt") == ["copy.txt"]
    with pytest.raises(CommitDeniedError, match="attempt 0 of partition 3 did not commit"):
        attempt(job, coordinator, 3, 0, "original.txt")
    assert os.listdir(job.temp_dir) == ["task-00003"]  # the refused attempt's directory is gone
    commit.commit_job(job, [(3, ["copy.txt"])])
    assert sorted(os.listdir(job.path)) == ["_SUCCESS", "copy.txt"]


def test_the_output_of_an_authorised_attempt_that_failed_is_replaced_by_the_next(job, coordinator):
    attempt(job, coordinator, 0, 0, "first.txt")  # renamed into place, then its task failed
    coordinator.task_completed(STAGE, 0, 0, 0, ExceptionFailure("OSError", "lost", "", None))
    assert attempt(job, coordinator, 0, 1, "second.txt") == ["second.txt"]
    assert os.listdir(job.task_dir(0)) == ["second.txt"]


def test_a_failing_write_leaves_nothing_and_asks_nobody(job):
    asked = []

    def broken(root):
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        commit.run_task(job, 0, 0, broken, lambda: asked.append(True) or True)
    assert asked == [] and os.listdir(job.temp_dir) == []
