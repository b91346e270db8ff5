"""Why a task ended: a closed set of types, each with one recovery path.

* ``Success``: record the result.
* ``ExceptionFailure``: the user's code raised; retry up to ``spark.task.maxFailures``.
* ``FetchFailed``: map output is missing; resubmit the parent stage (no task retry).
* ``ExecutorLostFailure``: the worker died; counts against the task only if the task
  itself killed it (``os._exit`` in user code), not if it was merely running there.
* ``TaskKilled``: cancelled on purpose; never counts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Success:
    counts_towards_task_failures = False


@dataclass(frozen=True, slots=True)
class ExceptionFailure:
    type_name: str
    message: str
    traceback_text: str
    exception_bytes: bytes | None
    counts_towards_task_failures = True

    def describe(self) -> str:
        return f"{self.type_name}: {self.message}"


@dataclass(frozen=True, slots=True)
class FetchFailed:
    shuffle_id: int
    map_id: int
    reduce_id: int
    message: str
    counts_towards_task_failures = False

    def describe(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class ExecutorLostFailure:
    executor_id: str
    exit_code: int | None
    caused_by_task: bool

    @property
    def counts_towards_task_failures(self) -> bool:
        return self.caused_by_task

    def describe(self) -> str:
        return f"worker {self.executor_id} died while running the task (exit code {self.exit_code})"


@dataclass(frozen=True, slots=True)
class TaskKilled:
    reason: str
    counts_towards_task_failures = False

    def describe(self) -> str:
        return f"task killed: {self.reason}"


TaskEndReason = Success | ExceptionFailure | FetchFailed | ExecutorLostFailure | TaskKilled
