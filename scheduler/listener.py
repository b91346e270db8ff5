"""The listener bus: progress bars, metrics and tests observe jobs, stages and tasks.

Listeners are called synchronously on the scheduler's logic thread, so they must be
quick; one that raises is logged and removed rather than allowed to break scheduling.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ember.executor.task_end import Success

if TYPE_CHECKING:
    from ember.scheduler.job import ActiveJob
    from ember.scheduler.stage import Stage
    from ember.executor.task import TaskDescription, TaskOutcome

log = logging.getLogger(__name__)


class SparkListener:
    """Base listener: override what you need."""

    def on_job_start(self, job: ActiveJob) -> None: ...

    def on_job_end(self, job: ActiveJob, succeeded: bool) -> None: ...

    def on_stage_submitted(self, stage: Stage, attempt: int, num_tasks: int) -> None: ...

    def on_task_start(self, stage: Stage, desc: TaskDescription) -> None: ...

    def on_task_end(self, stage: Stage, outcome: TaskOutcome) -> None: ...

    def on_stage_completed(self, stage: Stage) -> None: ...

    def on_executor_excluded(self, stage: Stage, executor_id: str) -> None: ...


class ListenerBus:
    def __init__(self) -> None:
        self._listeners: list[SparkListener] = []
        self._lock = threading.Lock()

    def add(self, listener: SparkListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove(self, listener: SparkListener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _emit(self, method: str, *args: Any) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                getattr(listener, method)(*args)
            except Exception:
                log.exception("listener %r failed in %s; removing it", listener, method)
                self.remove(listener)

    def job_started(self, job: ActiveJob) -> None:
        self._emit("on_job_start", job)

    def job_ended(self, job: ActiveJob, succeeded: bool) -> None:
        self._emit("on_job_end", job, succeeded)

    def stage_submitted(self, stage: Stage, attempt: int, num_tasks: int) -> None:
        self._emit("on_stage_submitted", stage, attempt, num_tasks)

    def task_started(self, stage: Stage, desc: TaskDescription) -> None:
        self._emit("on_task_start", stage, desc)

    def task_ended(self, stage: Stage, outcome: TaskOutcome) -> None:
        self._emit("on_task_end", stage, outcome)

    def stage_completed(self, stage: Stage) -> None:
        self._emit("on_stage_completed", stage)

    def executor_excluded(self, stage: Stage, executor_id: str) -> None:
        self._emit("on_executor_excluded", stage, executor_id)


@dataclass
class JobMetricsListener(SparkListener):
    """Counts what ran: task attempts per stage, failures, submitted stage attempts, spills,
    speculative copies launched per stage, and the workers excluded from a stage for failing its tasks."""

    task_attempts: dict[int, int] = field(default_factory=dict)
    speculative_tasks: dict[int, int] = field(default_factory=dict)
    failed_tasks: int = 0
    stage_attempts: dict[int, int] = field(default_factory=dict)
    spill_count: int = 0
    excluded_executors: dict[int, set[str]] = field(default_factory=dict)

    def on_stage_submitted(self, stage: Stage, attempt: int, num_tasks: int) -> None:
        self.stage_attempts[stage.id] = self.stage_attempts.get(stage.id, 0) + 1

    def on_task_start(self, stage: Stage, desc: TaskDescription) -> None:
        if desc.speculative:
            self.speculative_tasks[stage.id] = self.speculative_tasks.get(stage.id, 0) + 1

    def on_task_end(self, stage: Stage, outcome: TaskOutcome) -> None:
        self.task_attempts[stage.id] = self.task_attempts.get(stage.id, 0) + 1
        self.spill_count += outcome.metrics.spill_count
        if not isinstance(outcome.reason, Success):
            self.failed_tasks += 1

    def on_executor_excluded(self, stage: Stage, executor_id: str) -> None:
        self.excluded_executors.setdefault(stage.id, set()).add(executor_id)
