"""The driver's OutputCommitCoordinator, step by step: who may commit each partition."""

from __future__ import annotations

import threading

from ember.scheduler.output_commit_coordinator import OutputCommitCoordinator
from ember.executor.task_end import ExceptionFailure, ExecutorLostFailure, Success, TaskCommitDenied, TaskKilled

FAILED = ExceptionFailure("OSError", "disk full", "", None)


def started(stage_id: int = 7) -> OutputCommitCoordinator:
    coordinator = OutputCommitCoordinator()
    coordinator.stage_started(stage_id)
    return coordinator


def test_the_first_attempt_to_ask_is_authorised_and_the_second_refused():
    coordinator = started()
    assert coordinator.can_commit(7, 0, 3, 1)
    assert not coordinator.can_commit(7, 0, 3, 0)
    assert coordinator.can_commit(7, 0, 3, 1)  # asking again changes nothing
    assert coordinator.can_commit(7, 0, 4, 0)  # partitions are independent


def test_when_the_authorised_attempt_fails_another_may_commit():
    coordinator = started()
    assert coordinator.can_commit(7, 0, 3, 0)
    coordinator.task_completed(7, 0, 3, 0, FAILED)
    assert not coordinator.can_commit(7, 0, 3, 0)  # a failed attempt is never authorised again
    assert coordinator.can_commit(7, 0, 3, 1)
    assert not coordinator.can_commit(7, 0, 3, 2)


def test_a_killed_or_lost_authorised_attempt_releases_its_partition_too():
    coordinator = started()
    assert coordinator.can_commit(7, 0, 1, 0)
    coordinator.task_completed(7, 0, 1, 0, TaskKilled("cancelled"))
    assert coordinator.can_commit(7, 0, 1, 1)
    coordinator.task_completed(7, 0, 1, 1, ExecutorLostFailure("a", -9, False))
    assert coordinator.can_commit(7, 0, 1, 2)


def test_a_success_or_a_refused_attempt_keeps_the_winner_authorised():
    coordinator = started()
    assert coordinator.can_commit(7, 0, 3, 0)
    assert not coordinator.can_commit(7, 0, 3, 1)
    coordinator.task_completed(7, 0, 3, 1, TaskCommitDenied(7, 3, 1))
    coordinator.task_completed(7, 0, 3, 0, Success())
    assert not coordinator.can_commit(7, 0, 3, 2)


def test_attempts_of_different_stage_attempts_are_different_committers():
    coordinator = started()
    assert coordinator.can_commit(7, 0, 3, 0)
    coordinator.stage_started(7)  # resubmitted: the earlier attempt's committer still stands
    assert not coordinator.can_commit(7, 1, 3, 0)
    coordinator.task_completed(7, 0, 3, 0, FAILED)
    assert coordinator.can_commit(7, 1, 3, 0)


def test_a_stage_that_is_not_running_authorises_nobody():
    coordinator = OutputCommitCoordinator()
    assert not coordinator.can_commit(7, 0, 0, 0)
    coordinator.stage_started(7)
    coordinator.stage_ended(7)
    assert not coordinator.can_commit(7, 0, 0, 0)
    coordinator.task_completed(7, 0, 0, 0, FAILED)  # a late end of a finished stage is ignored
    assert coordinator.active_stage_ids() == []


def test_concurrent_askers_get_exactly_one_yes():
    coordinator = started()
    answers: list[bool] = []
    barrier = threading.Barrier(8)

    def ask(attempt: int) -> None:
        barrier.wait()
        answers.append(coordinator.can_commit(7, 0, 0, attempt))

    threads = [threading.Thread(target=ask, args=(attempt,)) for attempt in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [False] * 7 + [True]
