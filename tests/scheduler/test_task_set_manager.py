"""TaskSetManager's retry placement and exclusion of a failing executor, without processes."""

from __future__ import annotations

from types import SimpleNamespace

from ember.executor.task_end import ExceptionFailure, TaskKilled
from ember.scheduler.task_set_manager import TaskSetManager

FAILED = ExceptionFailure("OSError", "broken", "", None)


def task_set(partitions: int = 4, max_failures: int = 4) -> TaskSetManager:
    return TaskSetManager(SimpleNamespace(id=0), 0, 0, b"", {i: b"" for i in range(partitions)}, {},
                          max_failures, (0, 0), {})


def launch(manager: TaskSetManager, task_id: int, executor: str, executors: int = 3) -> int | None:
    index = manager.next_task(executor, now=0.0, locality_wait=0.0, executor_count=executors)
    if index is not None:
        manager.task_started(task_id, index, executor)
    return index


def test_a_failed_partition_is_retried_on_another_executor():
    manager = task_set(partitions=1)
    assert launch(manager, 1, "b") == 0
    manager.task_failed(1, FAILED)
    assert launch(manager, 2, "b") is None  # "a" and "c" have not failed it
    assert launch(manager, 3, "a") == 0


def test_a_partition_that_failed_everywhere_may_run_where_it_failed():
    manager = task_set(partitions=1)
    for task_id, executor in enumerate("ab", start=1):
        assert launch(manager, task_id, executor, executors=2) == 0
        manager.task_failed(task_id, FAILED)
    assert launch(manager, 3, "a", executors=2) == 0


def test_an_executor_with_two_failed_tasks_is_excluded_while_another_is_not():
    manager = task_set(partitions=4)
    for task_id in (1, 2):
        launch(manager, task_id, "b")
        manager.task_failed(task_id, FAILED)
    assert manager.excluded == {"b"}
    assert launch(manager, 3, "b") is None
    assert launch(manager, 4, "a") is not None
    assert launch(manager, 5, "b", executors=1) is not None  # the only executor left: it must go on


def test_failures_that_do_not_count_exclude_nobody():
    manager = task_set(partitions=4)
    for task_id in (1, 2, 3):
        launch(manager, task_id, "b")
        manager.task_failed(task_id, TaskKilled("cancelled"))
    assert manager.excluded == set()


def test_after_the_locality_wait_a_task_preferring_an_executor_on_the_same_node_comes_first():
    manager = TaskSetManager(SimpleNamespace(id=0), 0, 0, b"", {0: b"", 1: b""}, {0: ("a",), 1: ("d",)},
                             4, (0, 0), {}, hosts={"a": "n1", "c": "n2", "d": "n2"})
    assert manager.next_task("c", now=0.0, locality_wait=1.0, executor_count=3, host="n2") is None  # waits
    assert manager.next_task("c", now=2.0, locality_wait=1.0, executor_count=3, host="n2") == 1
    assert manager.next_task("b", now=4.0, locality_wait=1.0, executor_count=3, host="n3") == 0
