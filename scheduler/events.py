"""Events consumed by the scheduler's single logic thread.

Public entry points (``DAGScheduler.submit_job``, backend callbacks) only post these
frozen values; ``DAGScheduler.handle`` is the one place that acts on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ember.call_site import CallSite
    from ember.rdd.rdd import RDD
    from ember.executor.task import TaskOutcome


@dataclass(frozen=True, slots=True)
class JobSubmitted:
    job_id: int
    rdd: RDD
    func: Callable[[Any], Any]
    partitions: tuple[int, ...]
    future: Future
    call_site: CallSite
    properties: dict[str, str]
    # Called on the scheduler's thread with (partition, result bytes) as each result
    # arrives, for actions that can answer before the job ends (``countApprox``).
    on_result: Callable[[int, bytes], None] | None = None


@dataclass(frozen=True, slots=True)
class TaskCompleted:
    executor_id: str
    outcome: TaskOutcome


@dataclass(frozen=True, slots=True)
class BarrierRequested:
    """A barrier task called ``barrier()`` (kind "barrier") or ``allGather()``, for the ``epoch``-th time."""

    executor_id: str
    task_id: int
    kind: str
    epoch: int
    message: str


@dataclass(frozen=True, slots=True)
class ExecutorAdded:
    executor_id: str
    host: str | None = None  # its node, when the backend knows (Ray): for node-level locality


@dataclass(frozen=True, slots=True)
class ExecutorLost:
    executor_id: str
    exit_code: int | None
    peak_rss: int | None = None       # bytes, when the backend could measure it
    memory_budget: int | None = None  # spark.executor.memory, bytes
    detail: str | None = None         # how it ended, when the backend knows better than an exit code


@dataclass(frozen=True, slots=True)
class JobCancelled:
    job_id: int
    reason: str
    cancelled: Future | None = None  # set to the ids of the jobs cancelled, when given


@dataclass(frozen=True, slots=True)
class JobGroupCancelled:
    group_id: str


@dataclass(frozen=True, slots=True)
class JobTagCancelled:
    """Cancel every active job started while the thread carried ``tag`` (``cancelJobsWithTag``)."""

    tag: str
    cancelled: Future | None = None  # set to the ids of the jobs cancelled, when given


@dataclass(frozen=True, slots=True)
class AllJobsCancelled:
    cancelled: Future | None = None  # set to the ids of the jobs cancelled, when given


@dataclass(frozen=True, slots=True)
class ResubmitFailedStages:
    pass


@dataclass(frozen=True, slots=True)
class ShuffleReleased:
    """Nothing on the driver refers to this shuffle any more (or ``cleanShuffleDependencies`` was
    called): its files can go; ``done`` is set once they are forgotten."""

    shuffle_id: int
    done: Future | None = None


@dataclass(frozen=True, slots=True)
class RDDUnpersisted:
    """The user unpersisted an RDD: forget its cached blocks; ``done`` is set once forgotten."""

    rdd_id: int
    done: Future | None = None


@dataclass(frozen=True, slots=True)
class KillTimeout:
    """A killed task's grace period is over: if it still runs, kill its worker."""

    task_id: int
    executor_id: str


@dataclass(frozen=True, slots=True)
class SpeculationCheck:
    """Posted every ``spark.speculation.interval`` when speculation is on: look for slow tasks."""


@dataclass(frozen=True, slots=True)
class Tick:
    """Time passed: re-offer slots (a locality wait may have expired)."""


SchedulerEvent = (JobSubmitted | TaskCompleted | BarrierRequested | ExecutorAdded | ExecutorLost | JobCancelled
                  | JobGroupCancelled | JobTagCancelled | AllJobsCancelled | ResubmitFailedStages | ShuffleReleased
                  | RDDUnpersisted | KillTimeout | SpeculationCheck
                  | Tick)
