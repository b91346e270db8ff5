"""The ``SchedulerBackend`` protocol: how the scheduler reaches executors.

A backend starts executors, delivers stage binaries and tasks, and reports back through
the ``post`` callback it is given: ``ExecutorAdded`` when an executor is ready,
``TaskCompleted`` for every task, ``ExecutorLost`` when one dies, ``BarrierRequested``
when a barrier task waits for the others (answered with ``reply_barrier``). A task asking to
commit its output gets the answer of ``can_commit(stage_id, stage_attempt, partition, attempt)``
(the driver's ``OutputCommitCoordinator``), called from whatever thread receives the
question. Every backend passes the conformance tests in
``tests/scheduler/test_backend_conformance.py``.

``shuffle_files_outlive_executors`` says whether map output files survive the executor
that wrote them (one shared session directory) or are lost with it (files on the
executor's node, served by the executor); the scheduler recomputes them in the second case.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

from ember.executor.task import TaskDescription


CanCommit = Callable[[int, int, int, int], bool]  # (stage_id, stage_attempt, partition, attempt) -> allowed


class SchedulerBackend(Protocol):
    shuffle_files_outlive_executors: bool

    def start(self, post: Callable[[Any], None], can_commit: CanCommit) -> None: ...

    def wait_until_ready(self, timeout: float) -> None: ...

    def send_binary(self, executor_id: str, binary_id: int, binary: bytes) -> None: ...

    def forget_binary(self, executor_id: str, binary_id: int) -> None: ...

    def launch_task(self, executor_id: str, desc: TaskDescription, partition_bytes: bytes) -> None: ...

    def kill_task(self, executor_id: str, task_id: int) -> None: ...

    def kill_worker(self, executor_id: str) -> None: ...

    def reply_barrier(self, executor_id: str, task_id: int, messages: list[str]) -> None: ...

    def remove_rdd_blocks(self, rdd_id: int) -> None: ...

    def remove_shuffle(self, shuffle_id: int) -> None: ...

    def executor_pids(self) -> dict[str, int]: ...

    def stop(self) -> None: ...
