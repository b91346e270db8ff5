"""Why a task ended: a closed set of types, each with one recovery path.

* ``Success``: record the result.
* ``ExceptionFailure``: the user's code raised; retry up to ``spark.task.maxFailures``.
* ``FetchFailed``: map output is missing; resubmit the parent stage (no task retry).
* ``ExecutorLostFailure``: the worker died; counts against the task only if the task
  itself killed it (``os._exit`` in user code), not if it was merely running there.
* ``TaskKilled``: cancelled on purpose (or the losing copy of a speculated task); never counts.
* ``TaskCommitDenied``: the output commit coordinator let another attempt commit; never counts.
"""

from __future__ import annotations

import signal
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
    peak_rss: int | None = None       # bytes, from the dead worker's resource usage
    memory_budget: int | None = None  # spark.executor.memory, in bytes
    detail: str | None = None         # how it ended, from a backend that knows (a Ray actor's death)

    @property
    def counts_towards_task_failures(self) -> bool:
        return self.caused_by_task

    def describe(self) -> str:
        return f"worker {self.executor_id} died while running the task ({self.cause()})"

    def cause(self) -> str:
        """How the worker ended, and whether memory is the likely reason (docs/reliability.md#worker-oom).

        The kernel's OOM killer sends SIGKILL; a worker killed so after its peak RSS went
        past ``spark.executor.memory`` most likely ran out of memory.
        """
        if self.detail is not None:
            return self.detail
        text = f"exit code {self.exit_code}"
        if self.exit_code is not None and self.exit_code < 0:
            try:
                text += f": killed by {signal.Signals(-self.exit_code).name}"
            except ValueError:
                text += f": killed by signal {-self.exit_code}"
        if self.peak_rss is None:
            return text
        peak = f"peak RSS {_mib(self.peak_rss)}"
        if self.memory_budget:
            peak += f" of spark.executor.memory {_mib(self.memory_budget)}"
        if self.exit_code == -signal.SIGKILL and self.memory_budget and self.peak_rss > self.memory_budget:
            return f"{text}, likely out of memory: {peak}; give workers more memory or the task less data"
        return f"{text}; {peak}"


def _mib(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MiB"


@dataclass(frozen=True, slots=True)
class TaskKilled:
    reason: str
    counts_towards_task_failures = False

    def describe(self) -> str:
        return f"task killed: {self.reason}"


@dataclass(frozen=True, slots=True)
class TaskCommitDenied:
    """The driver authorised another attempt to commit this partition's output; this one discarded its own."""

    stage_id: int
    partition: int
    attempt: int
    counts_towards_task_failures = False

    def describe(self) -> str:
        return (f"TaskCommitDenied (Driver denied task commit) for stage: {self.stage_id}, "
                f"partition: {self.partition}, attemptNumber: {self.attempt}")


TaskEndReason = Success | ExceptionFailure | FetchFailed | ExecutorLostFailure | TaskKilled | TaskCommitDenied
