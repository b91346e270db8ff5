"""``sc.statusTracker()``: watch jobs and stages without private attributes (PySpark's API).

A ``StatusListener`` on the listener bus records each job's stages and status and each
stage attempt's task counts, on the scheduler's thread; a ``StatusTracker`` reads them
from any thread. As in Spark, the answers are weakly consistent snapshots, and only the
most recent jobs and stages are kept (Spark's ``spark.ui.retainedJobs`` and
``spark.ui.retainedStages`` defaults). A stage not submitted yet, or skipped because its
shuffle output already exists, is reported as attempt 0 with no task run, as in Spark.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ember.executor.task_end import Success, TaskCommitDenied, TaskKilled
from ember.scheduler.listener import SparkListener

if TYPE_CHECKING:
    from ember.scheduler.job import ActiveJob
    from ember.scheduler.stage import Stage
    from ember.executor.task import TaskDescription, TaskOutcome

RETAINED_JOBS = 1000
RETAINED_STAGES = 1000
_KILLED = (TaskKilled, TaskCommitDenied)  # ends that are neither completions nor failures


class SparkJobInfo(NamedTuple):
    """A job's id, its stage ids, and its status: RUNNING, SUCCEEDED or FAILED."""

    jobId: int
    stageIds: list[int]
    status: str


class SparkStageInfo(NamedTuple):
    """A stage's latest attempt and its task counts."""

    stageId: int
    currentAttemptId: int
    name: str
    numTasks: int
    numActiveTasks: int
    numCompletedTasks: int
    numFailedTasks: int


@dataclass
class _JobRecord:
    stage_ids: list[int]
    group_id: str | None
    status: str = "RUNNING"


@dataclass
class _StageRecord:
    name: str
    attempt: int
    num_tasks: int
    active: set[int] = field(default_factory=set)
    completed: int = 0
    failed: int = 0
    running: bool = True


class StatusListener(SparkListener):
    """Keeps what ``StatusTracker`` reports; called on the scheduler's thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.jobs: OrderedDict[int, _JobRecord] = OrderedDict()
        self.stages: OrderedDict[int, _StageRecord] = OrderedDict()
        self._stage_jobs: dict[int, set[int]] = {}

    def on_job_start(self, job: ActiveJob) -> None:
        with self.lock:
            self.jobs[job.job_id] = _JobRecord(job.stage_ids, job.group_id)
            for stage in job.stages:
                self._stage_jobs.setdefault(stage.id, set()).add(job.job_id)
                if stage.id not in self.stages:  # pending, or skipped: its output exists
                    self.stages[stage.id] = _StageRecord(stage.name, 0, stage.num_partitions, running=False)
            _trim(self.jobs, RETAINED_JOBS)
            _trim(self.stages, RETAINED_STAGES)

    def on_job_end(self, job: ActiveJob, succeeded: bool) -> None:
        with self.lock:
            record = self.jobs.get(job.job_id)
            if record is not None:
                record.status = "SUCCEEDED" if succeeded else "FAILED"
            for stage_id in job.stage_ids:
                jobs = self._stage_jobs.get(stage_id, set())
                jobs.discard(job.job_id)
                if not jobs:
                    self._stage_jobs.pop(stage_id, None)
                    stage = self.stages.get(stage_id)
                    if stage is not None:
                        stage.running = False  # a failed job's stages never complete

    def on_stage_submitted(self, stage: Stage, attempt: int, num_tasks: int) -> None:
        with self.lock:
            self.stages[stage.id] = _StageRecord(stage.name, attempt, num_tasks)
            self.stages.move_to_end(stage.id)
            _trim(self.stages, RETAINED_STAGES)

    def on_task_start(self, stage: Stage, desc: TaskDescription) -> None:
        with self.lock:
            record = self.stages.get(stage.id)
            if record is not None and record.attempt == desc.stage_attempt:
                record.active.add(desc.task_id)

    def on_task_end(self, stage: Stage, outcome: TaskOutcome) -> None:
        with self.lock:
            record = self.stages.get(stage.id)
            if record is None or outcome.task_id not in record.active:
                return  # a task of an earlier attempt
            record.active.discard(outcome.task_id)
            if isinstance(outcome.reason, Success):
                record.completed += 1
            elif not isinstance(outcome.reason, _KILLED):  # killed: SparkStageInfo does not count them
                record.failed += 1

    def on_stage_completed(self, stage: Stage) -> None:
        with self.lock:
            record = self.stages.get(stage.id)
            if record is not None:
                record.running = False


class StatusTracker:
    """Low-level status of recent jobs and stages (PySpark's ``StatusTracker``).

    >>> sc.parallelize(range(4), 2).count()
    4
    >>> sc.statusTracker().getActiveJobsIds()
    []
    """

    def __init__(self, listener: StatusListener) -> None:
        self._listener = listener

    def getJobIdsForGroup(self, jobGroup: str | None = None) -> list[int]:
        """Every known job of ``jobGroup`` (running, failed or done); None means jobs with no group."""
        with self._listener.lock:
            return [job_id for job_id, job in self._listener.jobs.items() if job.group_id == jobGroup]

    def getActiveStageIds(self) -> list[int]:
        with self._listener.lock:
            return sorted(stage_id for stage_id, stage in self._listener.stages.items() if stage.running)

    def getActiveJobsIds(self) -> list[int]:
        with self._listener.lock:
            return sorted(job_id for job_id, job in self._listener.jobs.items() if job.status == "RUNNING")

    def getJobInfo(self, jobId: int) -> SparkJobInfo | None:
        with self._listener.lock:
            job = self._listener.jobs.get(jobId)
            return None if job is None else SparkJobInfo(jobId, list(job.stage_ids), job.status)

    def getStageInfo(self, stageId: int) -> SparkStageInfo | None:
        with self._listener.lock:
            stage = self._listener.stages.get(stageId)
            if stage is None:
                return None
            return SparkStageInfo(stageId, stage.attempt, stage.name, stage.num_tasks, len(stage.active),
                                  stage.completed, stage.failed)


def _trim(records: OrderedDict, limit: int) -> None:
    while len(records) > limit:
        records.popitem(last=False)
