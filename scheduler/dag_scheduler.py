"""``DAGScheduler``: turns jobs into stages, stages into task sets, failures into recovery.

Terms. A *job* is one action over some partitions of an RDD. A *stage* is the part of a
job's lineage that runs pipelined inside one task per partition; stages are cut at
shuffle dependencies and only there. A *shuffle map stage* writes the map side of one
shuffle; the *result stage* applies the action's function. A *stage attempt* is one
submission of a stage's missing partitions as a task set; a *task attempt* is one run
of one partition on one executor.

Algorithm. A new job creates its result stage and, walking the lineage backwards with
an explicit stack, a map stage for every shuffle not yet registered (parents before
children: shuffle ids grow from parent to child). A stage is submitted once its parents
are *available* (every map output registered with the tracker); a stage whose shuffle
output already exists from an earlier job is skipped. Only missing partitions run.
Task ends are handled by reason: success registers output or a result; an exception
is retried by the task set up to ``spark.task.maxFailures``, then aborts the jobs that
need the stage with the user's own exception; a fetch failure unregisters the lost map
output, and every other output of that shuffle whose files are gone, and resubmits the
parent stage for the missing partitions only (one delayed resubmit absorbs a burst), at
most ``spark.stage.maxConsecutiveAttempts`` times in a row; a lost executor fails the tasks it was running and forgets its cached blocks.
With speculation on, ``SpeculationCheck`` marks slow tasks for a copy on another worker;
the first attempt of a partition to succeed is used (its result, output and accumulator
updates, once) and the others are killed. Task attempts that write output ask the
``OutputCommitCoordinator`` before committing, and it hears of every task end.

State. Only ``handle()`` (on the scheduler's logic thread) reads or mutates the maps
below; public methods post events. Checklist when changing this class: every map must be
emptied when the jobs that need its entries end (``assert_empty`` is called by tests).
"""

from __future__ import annotations

import itertools
import logging
import pickle
import time
from concurrent.futures import Future
from dataclasses import dataclass
from functools import singledispatchmethod
from typing import TYPE_CHECKING, Any, Callable

from ember.closure import dumps_closure
from ember.errors import (EmberRuntimeError, JobAbortedError, JobCancelledError, RemoteTraceback,
                          ResultTooLargeError, WorkerLostError)
from ember.scheduler.barrier import BarrierCoordinator, check_barrier_stage, is_barrier_stage
from ember.scheduler.events import (AllJobsCancelled, BarrierRequested, ExecutorAdded, ExecutorLost, JobCancelled,
                                    JobGroupCancelled, JobSubmitted, JobTagCancelled, KillTimeout, RDDUnpersisted,
                                    ResubmitFailedStages, ShuffleReleased, SpeculationCheck, TaskCompleted,
                                    Tick)
from ember.scheduler.job import ActiveJob
from ember.scheduler.map_output_tracker import MapOutputTracker, MapStatus
from ember.scheduler.output_commit_coordinator import OutputCommitCoordinator
from ember.scheduler.stage import ResultStage, ShuffleMapStage, Stage
from ember.executor.task import ResultStageBinary, ShuffleMapStageBinary, TaskOutcome
from ember.executor.task_end import ExceptionFailure, ExecutorLostFailure, FetchFailed, Success, TaskKilled
from ember.scheduler.task_scheduler import TaskScheduler
from ember.scheduler.task_set_manager import TaskSetManager

if TYPE_CHECKING:
    from ember.storage.block_manager_master import BlockManagerMaster
    from ember.rdd.rdd import RDD
    from ember.scheduler.backends.base import SchedulerBackend
    from ember.scheduler.listener import ListenerBus
    from ember.scheduler.speculation import SpeculationPolicy

log = logging.getLogger(__name__)

_RESUBMIT_DELAY = 0.05
_KILL_GRACE_SECONDS = 2.0


def shuffle_dependencies(rdd: RDD, through_shuffles: bool = False) -> list:
    """Shuffle dependencies in ``rdd``'s lineage, parents first (shuffle ids grow downstream).

    By default only those reached through narrow dependencies (the shuffles ``rdd``'s own
    stage reads); with ``through_shuffles``, every one in the lineage. Walks with an
    explicit stack: lineages can be thousands of RDDs long.
    """
    found: dict[int, Any] = {}
    visited: set[int] = set()
    stack = [rdd]
    while stack:
        node = stack.pop()
        if node is None or node.id_ in visited:
            continue
        visited.add(node.id_)
        for dep in node.dependencies:
            if dep.is_shuffle:
                found.setdefault(dep.shuffle_id, dep)
                if through_shuffles:
                    stack.append(dep.rdd)
            else:
                stack.append(dep.rdd)
    return [found[k] for k in sorted(found)]


class DAGScheduler:
    def __init__(self, backend: SchedulerBackend, tracker: MapOutputTracker, blocks: BlockManagerMaster,
                 listeners: ListenerBus, accumulators: dict[int, Any], post_later, *,
                 max_task_failures: int, max_stage_attempts: int, locality_wait: float,
                 max_result_size: int, speculation: SpeculationPolicy | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.tracker = tracker
        self.blocks = blocks
        self.listeners = listeners
        self.accumulators = accumulators
        self.post_later = post_later
        self.max_task_failures = max_task_failures
        self.max_stage_attempts = max_stage_attempts
        self.max_result_size = max_result_size
        self.speculation = speculation
        self.commit_coordinator = OutputCommitCoordinator()
        self.task_scheduler = TaskScheduler(backend, locality_wait, on_launch=listeners.task_started, clock=clock)
        self.barriers = BarrierCoordinator(backend.reply_barrier)
        self.stages_by_id: dict[int, Stage] = {}
        self.map_stage_by_shuffle_id: dict[int, ShuffleMapStage] = {}
        self.stage_ids_by_job_id: dict[int, set[int]] = {}
        self.jobs_by_id: dict[int, ActiveJob] = {}
        self.task_set_by_stage_id: dict[int, TaskSetManager] = {}
        self.waiting_stages: set[Stage] = set()
        self.running_stages: set[Stage] = set()
        self.failed_stages: set[Stage] = set()
        self.failing_jobs: dict[int, FailingJob] = {}
        self._stage_ids = itertools.count()
        self._binary_ids = itertools.count()
        self._resubmit_pending = False

    # --- event handlers ------------------------------------------------------------

    @singledispatchmethod
    def handle(self, event: Any) -> None:
        raise TypeError(f"unknown scheduler event {event!r}")

    @handle.register(JobSubmitted)
    def _job_submitted(self, event: JobSubmitted) -> None:
        if not event.partitions:
            event.future.set_result([])
            return
        try:
            stage = self._create_result_stage(event)
            self._check_barrier_stages(event)
        except Exception as exc:
            self._forget_stages(event.job_id)  # the map stages registered before it raised
            event.future.set_exception(exc)
            return
        stages = tuple(self.stages_by_id[s] for s in sorted(self.stage_ids_by_job_id[event.job_id]))
        job = ActiveJob(event.job_id, event.partitions, event.future, event.call_site, event.properties,
                        stages=stages, on_result=event.on_result)
        self.jobs_by_id[job.job_id] = job
        self.listeners.job_started(job)
        self._submit_stage(stage)
        self.task_scheduler.offer()

    @handle.register(TaskCompleted)
    def _task_completed(self, event: TaskCompleted) -> None:
        outcome = event.outcome
        task_set = self.task_scheduler.task_finished(outcome.task_id)
        try:
            if task_set is not None:
                self._task_ended(task_set, outcome)
        finally:
            self._task_gone(outcome.task_id)  # a failing job waiting for it must hear of it
        self.task_scheduler.offer()

    @handle.register(BarrierRequested)
    def _barrier_requested(self, event: BarrierRequested) -> None:
        task_set = self.task_scheduler.task_set_by_task_id.get(event.task_id)
        if task_set is None or task_set.zombie:
            return  # its stage attempt is over; the task is being stopped
        index = task_set.running[event.task_id].index
        problem = self.barriers.request(task_set, index, event.executor_id, event.task_id, event.kind,
                                        event.epoch, event.message)
        if problem is not None:
            self._abort_stage(task_set.stage, JobAbortedError(problem))

    @handle.register(ExecutorAdded)
    def _executor_added(self, event: ExecutorAdded) -> None:
        self.task_scheduler.add_executor(event.executor_id, event.host)
        self.task_scheduler.offer()

    @handle.register(ExecutorLost)
    def _executor_lost(self, event: ExecutorLost) -> None:
        running = self.task_scheduler.running_on(event.executor_id)
        self.task_scheduler.remove_executor(event.executor_id)
        self.blocks.remove_executor(event.executor_id)
        # A worker that exited with a code was ended by its task (os._exit, a crash); one
        # killed by a signal may have been killed from outside, so that is not held against
        # the task the first time (the task set counts a second such death).
        caused_by_task = event.exit_code is not None and event.exit_code >= 0
        for task_id in running:
            task_set = self.task_scheduler.task_finished(task_id)
            if task_set is not None:
                reason = ExecutorLostFailure(event.executor_id, event.exit_code, caused_by_task,
                                             event.peak_rss, event.memory_budget, event.detail)
                self._task_ended(task_set, TaskOutcome(task_id, reason))
            self._task_gone(task_id)
        self._map_outputs_lost(self.tracker.remove_executor(event.executor_id))
        self.task_scheduler.offer()

    def _map_outputs_lost(self, shuffle_ids: list[int]) -> None:
        """Map outputs died with their executor: rebuild those a stage still needs.

        A running map stage would otherwise finish with holes, and a waiting stage would
        wait for a parent nobody resubmits; a running reduce stage finds out by a fetch failure.
        """
        needed = {parent for stage in self.waiting_stages for parent in stage.parents}
        for shuffle_id in shuffle_ids:
            stage = self.map_stage_by_shuffle_id.get(shuffle_id)
            if stage is None or not (stage in self.running_stages or stage in needed):
                continue
            log.warning("stage %s lost map outputs of shuffle %s with their executor; resubmitting",
                        stage.id, shuffle_id)
            self._end_task_set(stage)
            self.running_stages.discard(stage)
            self.failed_stages.add(stage)
            if not self._resubmit_pending:
                self._resubmit_pending = True
                self.post_later(_RESUBMIT_DELAY, ResubmitFailedStages())

    @handle.register(JobCancelled)
    def _job_cancelled(self, event: JobCancelled) -> None:
        job = self.jobs_by_id.get(event.job_id)
        if job is not None:
            self._fail_job(job, JobCancelledError(f"Job {job.job_id} cancelled: {event.reason}"))
        _report(event.cancelled, [] if job is None else [job.job_id])

    @handle.register(JobGroupCancelled)
    def _job_group_cancelled(self, event: JobGroupCancelled) -> None:
        for job in [j for j in self.jobs_by_id.values() if j.group_id == event.group_id]:
            self._fail_job(job, JobCancelledError(
                f"Job {job.job_id} cancelled as part of cancellation of job group {event.group_id}"))

    @handle.register(JobTagCancelled)
    def _job_tag_cancelled(self, event: JobTagCancelled) -> None:
        jobs = [j for j in self.jobs_by_id.values() if event.tag in j.tags]
        for job in jobs:
            self._fail_job(job, JobCancelledError(
                "SPARK_JOB_CANCELLED", f"Job {job.job_id} cancelled part of cancelled job tags {event.tag}",
                "XXKDA"))
        _report(event.cancelled, [j.job_id for j in jobs])

    @handle.register(AllJobsCancelled)
    def _all_jobs_cancelled(self, event: AllJobsCancelled) -> None:
        jobs = list(self.jobs_by_id.values())
        for job in jobs:
            self._fail_job(job, JobCancelledError(f"Job {job.job_id} cancelled as part of cancelAllJobs"))
        _report(event.cancelled, [j.job_id for j in jobs])

    @handle.register(ResubmitFailedStages)
    def _resubmit_failed_stages(self, event: ResubmitFailedStages) -> None:
        self._resubmit_pending = False
        failed = sorted(self.failed_stages, key=lambda s: s.id)
        self.failed_stages.clear()
        for stage in failed:
            if stage.id in self.stages_by_id:
                self._submit_stage(stage)
        self.task_scheduler.offer()

    @handle.register(ShuffleReleased)
    def _shuffle_released(self, event: ShuffleReleased) -> None:
        if event.shuffle_id not in self.map_stage_by_shuffle_id:  # no active job still needs it
            self._unregister_shuffle(event.shuffle_id)
        if event.done is not None:
            event.done.set_result(None)

    def _unregister_shuffle(self, shuffle_id: int) -> None:
        self.tracker.unregister_shuffle(shuffle_id)
        self.task_scheduler.backend.remove_shuffle(shuffle_id)

    @handle.register(RDDUnpersisted)
    def _rdd_unpersisted(self, event: RDDUnpersisted) -> None:
        self.blocks.remove_rdd(event.rdd_id)
        self.task_scheduler.backend.remove_rdd_blocks(event.rdd_id)
        if event.done is not None:
            event.done.set_result(None)

    @handle.register(KillTimeout)
    def _kill_timeout(self, event: KillTimeout) -> None:
        if event.task_id in self.task_scheduler.task_set_by_task_id:
            log.warning("task %s ignored its cancellation; killing worker %s", event.task_id, event.executor_id)
            self.task_scheduler.backend.kill_worker(event.executor_id)

    @handle.register(SpeculationCheck)
    def _speculation_check(self, event: SpeculationCheck) -> None:
        if self.speculation is None:
            return
        now = self.task_scheduler.clock()
        for task_set in self.task_scheduler.task_sets:
            if task_set.is_shuffle_map and not task_set.stage.rdd.is_deterministic:
                continue  # two runs' map files could mix: such a stage is never speculated
            committing = self.commit_coordinator.committing_partitions(task_set.stage.id)
            for task_id, task, threshold in task_set.check_speculatable(self.speculation, now, committing):
                log.info("marking task %s (partition %s) of stage %s (attempt %s) on worker %s as speculatable: "
                         "it ran more than %.0f ms", task_id, task.index, task_set.stage.id,
                         task_set.stage_attempt, task.executor_id, threshold * 1000)
        self.task_scheduler.offer()

    @handle.register(Tick)
    def _tick(self, event: Tick) -> None:
        self.task_scheduler.offer()

    # --- stage creation ------------------------------------------------------------

    def _create_result_stage(self, event: JobSubmitted) -> ResultStage:
        parents, reads = self._parent_stages(event.rdd, event.job_id)
        stage = ResultStage(next(self._stage_ids), event.rdd, event.rdd.getNumPartitions(), parents,
                            event.call_site, shuffle_reads=reads, func=event.func,
                            partitions=event.partitions, job_id=event.job_id,
                            barrier=is_barrier_stage(event.rdd))
        self._register_stage(stage, event.job_id)
        return stage

    def _check_barrier_stages(self, event: JobSubmitted) -> None:
        """Refuse the job if one of its barrier stages could not launch all its tasks together."""
        slots = len(self.task_scheduler.executors)
        for stage_id in self.stage_ids_by_job_id[event.job_id]:
            stage = self.stages_by_id[stage_id]
            if stage.barrier:
                tasks = len(event.partitions) if isinstance(stage, ResultStage) else stage.num_partitions
                check_barrier_stage(stage.rdd, tasks, slots)

    def _parent_stages(self, rdd: RDD, job_id: int) -> tuple[list[Stage], list]:
        for dep in shuffle_dependencies(rdd, through_shuffles=True):
            self._map_stage_for(dep, job_id)
        reads = shuffle_dependencies(rdd)
        return [self.map_stage_by_shuffle_id[dep.shuffle_id] for dep in reads], reads

    def _map_stage_for(self, dep: Any, job_id: int) -> ShuffleMapStage:
        stage = self.map_stage_by_shuffle_id.get(dep.shuffle_id)
        if stage is None:
            reads = shuffle_dependencies(dep.rdd)
            parents = [self.map_stage_by_shuffle_id[d.shuffle_id] for d in reads]
            stage = ShuffleMapStage(next(self._stage_ids), dep.rdd, dep.rdd.getNumPartitions(), parents,
                                    dep.rdd.call_site, shuffle_reads=reads, dependency=dep,
                                    barrier=is_barrier_stage(dep.rdd))
            self.map_stage_by_shuffle_id[dep.shuffle_id] = stage
            self.tracker.register_shuffle(dep.shuffle_id, stage.num_partitions)
        self._register_stage(stage, job_id)
        return stage

    def _register_stage(self, stage: Stage, job_id: int) -> None:
        self.stages_by_id[stage.id] = stage
        stage.job_ids.add(job_id)
        self.stage_ids_by_job_id.setdefault(job_id, set()).add(stage.id)

    # --- stage submission ----------------------------------------------------------

    def _is_available(self, stage: Stage) -> bool:
        return isinstance(stage, ShuffleMapStage) and self.tracker.is_available(stage.shuffle_id)

    def _submit_stage(self, root: Stage) -> None:
        stack = [root]
        while stack:
            stage = stack.pop()
            if stage in self.waiting_stages or stage in self.running_stages or stage in self.failed_stages:
                continue
            missing = [p for p in stage.parents if not self._is_available(p)]
            if missing:
                self.waiting_stages.add(stage)
                stack.extend(missing)
            else:
                self._submit_missing_tasks(stage)

    def _resubmit_ready_stages(self) -> None:
        for stage in sorted(self.waiting_stages, key=lambda s: s.id):
            if all(self._is_available(p) for p in stage.parents):
                self.waiting_stages.discard(stage)
                self._submit_missing_tasks(stage)

    def _missing_partitions(self, stage: Stage) -> list[int]:
        if isinstance(stage, ShuffleMapStage):
            return self.tracker.missing_map_ids(stage.shuffle_id)
        job = self.jobs_by_id[stage.job_id]
        return [p for p, done in zip(job.partitions, job.finished) if not done]

    def _submit_missing_tasks(self, stage: Stage) -> None:
        indices = self._missing_partitions(stage)
        if not indices:
            self._stage_finished(stage)
            return
        attempt = stage.new_attempt()
        try:
            binary = dumps_closure(ShuffleMapStageBinary(stage.rdd, stage.dependency)
                                   if isinstance(stage, ShuffleMapStage)
                                   else ResultStageBinary(stage.rdd, stage.func))
            partitions = stage.rdd.partitions
            partition_bytes = {i: dumps_closure(partitions[i]) for i in indices}
        except Exception as exc:
            self._abort_stage(stage, exc)
            return
        first_job = min(stage.job_ids)
        map_outputs = {dep.shuffle_id: self.tracker.locations(dep.shuffle_id) for dep in stage.shuffle_reads}
        task_set = TaskSetManager(stage, attempt, next(self._binary_ids), binary, partition_bytes,
                                  {i: self._preferred_locations(stage.rdd, i) for i in indices},
                                  self.max_task_failures, (first_job, stage.id), map_outputs,
                                  barrier=stage.barrier, properties=self._job_properties(first_job),
                                  hosts=self.task_scheduler.hosts())
        self.running_stages.add(stage)
        self.task_set_by_stage_id[stage.id] = task_set
        self.commit_coordinator.stage_started(stage.id)
        self.listeners.stage_submitted(stage, attempt, len(indices))
        self.task_scheduler.submit(task_set)

    def _job_properties(self, job_id: int) -> dict[str, str]:
        """A job's local properties, which its tasks read with ``TaskContext.getLocalProperty``."""
        job = self.jobs_by_id.get(job_id)
        return dict(job.properties) if job is not None else {}

    def _preferred_locations(self, rdd: RDD, index: int) -> tuple[str, ...]:
        """Executors caching this partition or, through narrow dependencies, its input."""
        stack = [(rdd, index)]
        visited: set[tuple[int, int]] = set()
        while stack:
            node, split = stack.pop()
            if (node.id_, split) in visited:
                continue
            visited.add((node.id_, split))
            cached = self.blocks.locations(node.id_, split)
            if cached:
                return tuple(sorted(cached))
            preferred = node.preferred_locations(node.partitions[split])
            if preferred:
                return tuple(preferred)
            for dep in node.dependencies:
                if not dep.is_shuffle:
                    stack.extend((dep.rdd, parent) for parent in dep.get_parents(split))
        return ()

    # --- task ends -----------------------------------------------------------------

    def _task_ended(self, task_set: TaskSetManager, outcome: TaskOutcome) -> None:
        reason = outcome.reason
        self.listeners.task_ended(task_set.stage, outcome)
        task = task_set.running[outcome.task_id]
        self.commit_coordinator.task_completed(task_set.stage.id, task_set.stage_attempt, task.index, task.attempt,
                                               reason)
        if task_set.barrier and not isinstance(reason, Success):
            self._barrier_task_failed(task_set, outcome)
        elif isinstance(reason, Success):
            self._task_succeeded(task_set, outcome)
        elif isinstance(reason, FetchFailed):
            self._fetch_failed(task_set, outcome.task_id, reason)
        else:
            excluded = len(task_set.excluded)
            running, abort = task_set.task_failed(outcome.task_id, reason)
            if len(task_set.excluded) > excluded:
                log.warning("worker %s excluded from stage %s (attempt %s): %d of its tasks failed",
                            running.executor_id, task_set.stage.id, task_set.stage_attempt,
                            task_set.failed_tasks_on[running.executor_id])
                self.listeners.executor_excluded(task_set.stage, running.executor_id)
            # A retry is worth a warning; a final failure reaches the user as the job's error.
            level = logging.DEBUG if isinstance(reason, TaskKilled) else logging.INFO if abort else logging.WARNING
            log.log(level, "lost task %s of stage %s (attempt %s): %s", running.index, task_set.stage.id,
                    running.attempt, reason.describe())
            if abort and not task_set.zombie:
                self._abort_stage(task_set.stage, self._user_error(task_set, running, reason))

    def _barrier_task_failed(self, task_set: TaskSetManager, outcome: TaskOutcome) -> None:
        """A barrier task failed: the whole stage fails (its other tasks may wait for this one).

        Spark re-runs a barrier shuffle-map stage whole; Ember fails the job instead.
        """
        running, _ = task_set.task_failed(outcome.task_id, outcome.reason)
        if task_set.zombie:
            return  # the stage already failed, and this task was stopped with it
        reason = outcome.reason
        error = (self._user_error(task_set, running, reason) if not isinstance(reason, FetchFailed)
                 else JobAbortedError(reason.message))
        error.add_note(f"Stage failed because barrier task {running.index} of stage {task_set.stage.id} "
                       f"finished unsuccessfully; a barrier stage is not retried.")
        self._abort_stage(task_set.stage, error)

    def _task_succeeded(self, task_set: TaskSetManager, outcome: TaskOutcome) -> None:
        running, first = task_set.task_succeeded(outcome.task_id, self.task_scheduler.clock())
        stage = task_set.stage
        if task_set.barrier:
            problem = self.barriers.task_succeeded(task_set, running.index)
            if problem is not None:
                self._abort_stage(stage, JobAbortedError(problem))
                return
        self.blocks.update(running.executor_id, outcome.new_blocks, outcome.dropped_blocks)
        if not first:
            log.info("ignoring attempt %s of partition %s of stage %s: another attempt already succeeded",
                     running.attempt, running.index, stage.id)
            return
        self._kill_other_attempts(task_set, outcome.task_id, running)
        self._merge_accumulators(outcome.accumulator_updates)
        if isinstance(stage, ShuffleMapStage):
            if self.stages_by_id.get(stage.id) is not stage:
                # Its job failed while this task ran (the task was asked to stop, and finished
                # first): the stage and its shuffle are forgotten, and so is this output.
                log.debug("ignoring the output of task %s of forgotten stage %s", running.index, stage.id)
                return
            if task_set.stage_attempt < stage.first_valid_attempt:
                log.info("ignoring the output of task %s of stage %s: its attempt %s was rolled back",
                         running.index, stage.id, task_set.stage_attempt)
                return
            self.tracker.register_map_output(stage.shuffle_id, running.index,
                                             MapStatus(running.executor_id, tuple(outcome.map_sizes)))
            if stage in self.running_stages and self.tracker.is_available(stage.shuffle_id):
                self._stage_finished(stage)
            return
        job = self.jobs_by_id.get(stage.job_id)
        if job is None:
            return
        if task_set.stage_attempt < stage.first_valid_attempt:
            # It read a rolled-back run of an indeterminate parent: the re-run computes it again.
            log.info("ignoring the result of task %s of stage %s: its attempt %s was rolled back",
                     running.index, stage.id, task_set.stage_attempt)
            return
        position = job.position_of[running.index]
        if job.finished[position]:
            return
        job.finished[position] = True
        job.done_count += 1
        job.results[position] = outcome.value_bytes
        job.result_bytes += len(outcome.value_bytes)
        if job.on_result is not None:
            job.on_result(running.index, outcome.value_bytes)
        if self.max_result_size and job.result_bytes > self.max_result_size:
            self._fail_job(job, ResultTooLargeError(
                f"Total size of serialized results of {job.done_count} tasks "
                f"({job.result_bytes / 2**20:.1f} MiB) is bigger than spark.driver.maxResultSize "
                f"({self.max_result_size / 2**20:.1f} MiB)"))
            return
        if job.all_done:
            self._stage_finished(stage)
            self.listeners.job_ended(job, succeeded=True)
            job.future.set_result(job.results)
            self._cleanup_job(job)

    def _fetch_failed(self, task_set: TaskSetManager, task_id: int, reason: FetchFailed) -> None:
        task_set.task_failed(task_id, reason)
        stage = task_set.stage
        source = self.tracker.executor_of(reason.shuffle_id, reason.map_id)
        self.tracker.unregister_map_output(reason.shuffle_id, reason.map_id)
        if reason.shuffle_id not in task_set.checked_shuffles:  # once per attempt: a stat per file
            task_set.checked_shuffles.add(reason.shuffle_id)
            lost = self.tracker.unregister_lost_outputs(reason.shuffle_id, source)
            if lost:
                log.warning("shuffle %s: the files of map outputs %s are missing or truncated too; "
                            "they will be rebuilt with map %s", reason.shuffle_id, lost, reason.map_id)
        if task_set.stage_attempt != stage.attempt or stage not in self.running_stages:
            return  # a stale attempt; its stage is already being resubmitted
        log.warning("fetch failed in stage %s: %s; resubmitting", stage.id, reason.message)
        self._end_task_set(stage)
        self.running_stages.discard(stage)
        stage.consecutive_failures += 1
        if stage.consecutive_failures >= self.max_stage_attempts:
            self._abort_stage(stage, JobAbortedError(
                f"stage {stage.id} ({stage.name}) failed the maximum number of attempts "
                f"({self.max_stage_attempts}); most recent failure: {reason.message}"))
            return
        map_stage = self.map_stage_by_shuffle_id.get(reason.shuffle_id)
        if map_stage is not None and not map_stage.rdd.is_deterministic:
            if not self._roll_back_indeterminate(map_stage, stage, reason):
                return
        self.failed_stages.add(stage)
        if map_stage is not None:
            self.failed_stages.add(map_stage)
        if not self._resubmit_pending:
            self._resubmit_pending = True
            self.post_later(_RESUBMIT_DELAY, ResubmitFailedStages())

    def _roll_back_indeterminate(self, map_stage: ShuffleMapStage, stage: Stage, reason: FetchFailed) -> bool:
        """A nondeterministic map stage lost output: re-run it whole, never mix two runs.

        Every output of the map stage is dropped, and so is every output or result its
        consumer already wrote or will still return (tasks of the superseded attempts may
        still succeed, having read the old run); a result stage that already returned
        partitions cannot be rolled back, so its jobs fail instead. Returns whether the
        stages may be resubmitted.
        """
        job = self.jobs_by_id.get(stage.job_id) if isinstance(stage, ResultStage) else None
        if job is not None and job.done_count:
            self._abort_stage(stage, JobAbortedError(
                f"stage {map_stage.id} ({map_stage.name}) is indeterminate (its output differs between "
                f"runs: an unseeded sample or a random function) and lost output after stage {stage.id} "
                f"had returned results; an indeterminate stage cannot be partially retried, so the job "
                f"fails rather than mix two runs. Most recent failure: {reason.message}"))
            return False
        stage.first_valid_attempt = stage.attempt + 1  # late successes of its older attempts
        rolled_back = [map_stage, stage] if isinstance(stage, ShuffleMapStage) else [map_stage]
        for rolled in rolled_back:
            for map_id in range(rolled.num_partitions):
                self.tracker.unregister_map_output(rolled.shuffle_id, map_id)
            rolled.first_valid_attempt = rolled.attempt + 1
            if rolled in self.running_stages:  # re-running for another job: start it over too
                self._end_task_set(rolled)
                self.running_stages.discard(rolled)
        return True

    def _stage_finished(self, stage: Stage) -> None:
        self._end_task_set(stage)
        self.commit_coordinator.stage_ended(stage.id)
        self.running_stages.discard(stage)
        stage.consecutive_failures = 0
        self.listeners.stage_completed(stage)
        self._resubmit_ready_stages()

    def _end_task_set(self, stage: Stage, kill_running: bool = False) -> set[int]:
        """Stop launching a stage's tasks; with ``kill_running``, also stop those still running.

        Returns the ids of the tasks asked to stop.
        """
        task_set = self.task_set_by_stage_id.pop(stage.id, None)
        self.barriers.forget(stage.id)
        if task_set is None:
            return set()
        task_set.zombie = True
        self.task_scheduler.remove_task_set(task_set)
        if not kill_running:
            return set()
        for task_id, running in task_set.running.items():
            self.task_scheduler.backend.kill_task(running.executor_id, task_id)
            self.post_later(_KILL_GRACE_SECONDS, KillTimeout(task_id, running.executor_id))
        return set(task_set.running)

    def _kill_other_attempts(self, task_set: TaskSetManager, task_id: int, winner: Any) -> None:
        """A partition succeeded: stop its other attempts (the losing side of a speculation)."""
        for other_id, other in task_set.other_attempts(task_id, winner.index).items():
            log.info("killing attempt %s of partition %s of stage %s on worker %s: attempt %s succeeded",
                     other.attempt, other.index, task_set.stage.id, other.executor_id, winner.attempt)
            self.task_scheduler.backend.kill_task(other.executor_id, other_id)
            self.post_later(_KILL_GRACE_SECONDS, KillTimeout(other_id, other.executor_id))

    def _merge_accumulators(self, updates: dict[int, Any]) -> None:
        for aid, value in updates.items():
            accumulator = self.accumulators.get(aid)
            if accumulator is not None:
                accumulator.add(value)  # as PySpark's driver merges a task's update

    # --- failure -------------------------------------------------------------------

    def _user_error(self, task_set: TaskSetManager, running: Any, reason: Any) -> BaseException:
        stage = task_set.stage
        failures = task_set.failures.get(running.index, 0)
        where = (f"Job aborted: task failed {failures} times (stage {stage.id}, partition {running.index}); "
                 f"last attempt on worker {running.executor_id}; in {stage.rdd!r}, "
                 f"for the action {stage.name}")
        if isinstance(reason, ExceptionFailure):
            error = _load_exception(reason)
            error.__cause__ = RemoteTraceback(reason.traceback_text)
            error.add_note(f"{where}. The worker's traceback is this error's __cause__.")
            return error
        if isinstance(reason, ExecutorLostFailure):
            return WorkerLostError(f"{where}: the worker died while running the task ({reason.cause()})")
        return JobAbortedError(f"{where}: {reason.describe()}")

    def _abort_stage(self, stage: Stage, error: BaseException) -> None:
        """Fail every job that needs ``stage``; their cleanup stops its running tasks."""
        self.running_stages.discard(stage)
        jobs = [self.jobs_by_id[job_id] for job_id in sorted(stage.job_ids) if job_id in self.jobs_by_id]
        for job in jobs:
            self._fail_job(job, error)
        if not jobs:
            self._end_task_set(stage, kill_running=True)

    def _fail_job(self, job: ActiveJob, error: BaseException) -> None:
        """End ``job`` with ``error`` once none of its tasks runs any more.

        Its running tasks are killed first; the error reaches the user only when the last
        of them has ended (within the kill grace period), so nothing the job started can
        still write a file or spill after the caller sees the failure.
        """
        self.listeners.job_ended(job, succeeded=False)
        still_running = self._cleanup_job(job)
        if job.future.done():
            return
        if still_running:
            self.failing_jobs[job.job_id] = FailingJob(job.future, error, still_running)
        else:
            job.future.set_exception(error)

    def _task_gone(self, task_id: int) -> None:
        """A task ended: a failing job waiting only for it can now report its error."""
        for job_id, failing in list(self.failing_jobs.items()):
            failing.running.discard(task_id)
            if not failing.running:
                del self.failing_jobs[job_id]
                failing.future.set_exception(failing.error)

    def abort_all_jobs(self, error: BaseException) -> None:
        """Fail every job with ``error`` at once (the scheduler's thread crashed: no task end will be handled)."""
        for job in list(self.jobs_by_id.values()):
            self._fail_job(job, error)
        self.release_failing_jobs()

    def release_failing_jobs(self) -> None:
        """Report every pending job error now (the scheduler is stopping: no task will end)."""
        for failing in self.failing_jobs.values():
            failing.future.set_exception(failing.error)
        self.failing_jobs.clear()

    def _cleanup_job(self, job: ActiveJob) -> set[int]:
        """Forget a finished job and the stages only it needed; returns the tasks asked to stop."""
        self.jobs_by_id.pop(job.job_id, None)
        return self._forget_stages(job.job_id)

    def _forget_stages(self, job_id: int) -> set[int]:
        """Forget the stages only job ``job_id`` needed; returns the tasks asked to stop."""
        killed: set[int] = set()
        for stage_id in self.stage_ids_by_job_id.pop(job_id, set()):
            stage = self.stages_by_id[stage_id]
            stage.job_ids.discard(job_id)
            if stage.job_ids:
                continue
            killed |= self._end_task_set(stage, kill_running=True)
            self.commit_coordinator.stage_ended(stage_id)
            del self.stages_by_id[stage_id]
            for group in (self.waiting_stages, self.running_stages, self.failed_stages):
                group.discard(stage)
            if isinstance(stage, ShuffleMapStage):
                self.map_stage_by_shuffle_id.pop(stage.shuffle_id, None)
                if not self.tracker.is_available(stage.shuffle_id):
                    self._unregister_shuffle(stage.shuffle_id)  # partial output of a failed job
        return killed

    def assert_empty(self) -> None:
        """For tests: no job, stage or task set is left once every job has ended."""
        maps = {
            "stages_by_id": self.stages_by_id, "map_stage_by_shuffle_id": self.map_stage_by_shuffle_id,
            "stage_ids_by_job_id": self.stage_ids_by_job_id, "jobs_by_id": self.jobs_by_id,
            "task_set_by_stage_id": self.task_set_by_stage_id, "waiting_stages": self.waiting_stages,
            "running_stages": self.running_stages, "failed_stages": self.failed_stages,
            "failing_jobs": self.failing_jobs, "task_sets": self.task_scheduler.task_sets,
            "task_set_by_task_id": self.task_scheduler.task_set_by_task_id,
            "commit_coordinator": self.commit_coordinator.active_stage_ids(),
            "barrier_syncs_by_stage_id": self.barriers.syncs_by_stage_id,
        }
        leftovers = {name: value for name, value in maps.items() if value}
        if leftovers:
            raise AssertionError(f"scheduler state left after all jobs ended: {leftovers}")


@dataclass(eq=False, slots=True)
class FailingJob:
    """A failed job whose killed tasks have not all ended yet."""

    future: Future
    error: BaseException
    running: set[int]


def _load_exception(reason: ExceptionFailure) -> BaseException:
    """The worker's exception as itself or, when it cannot be rebuilt here, as an
    ``EmberRuntimeError`` naming its type and message and saying why it could not."""
    if reason.exception_bytes is None:
        return EmberRuntimeError(f"{reason.type_name}: {reason.message}")
    try:
        return pickle.loads(reason.exception_bytes)
    except Exception as exc:
        log.warning("cannot unpickle the %s a task raised: %s: %s", reason.type_name, type(exc).__name__, exc)
        error = EmberRuntimeError(f"{reason.type_name}: {reason.message}")
        error.add_note(f"The task's {reason.type_name} could not be unpickled on the driver "
                       f"({type(exc).__name__}: {exc}), so it is reported as this EmberRuntimeError.")
        return error


def _report(cancelled: Future | None, job_ids: list[int]) -> None:
    """Tell whoever asked which jobs a cancellation event cancelled."""
    if cancelled is not None:
        cancelled.set_result(sorted(job_ids))
