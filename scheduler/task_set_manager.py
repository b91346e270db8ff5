"""``TaskSetManager``: the tasks of one stage attempt.

It owns the pending queue, the attempts and failures of each partition, locality
preferences and the zombie state. Pending partitions sit in three queues: by preferred
executor (the one caching the input), without preference, and all. An executor offered
a slot first gets a task that prefers it, then one without preference, and a task that
prefers another executor only after ``spark.locality.wait`` has passed since this set
last launched anything (delay scheduling, as Spark does) — then first one whose preferred
executor is on the same node (``hosts``, known on a cluster). A partition whose failures
that count reach ``max_failures`` aborts the set; a worker killed by a signal while
running a partition counts only from the second time. A failed partition is not retried on
an executor it already failed on while there is another one, and an executor on which
``MAX_FAILED_TASKS_PER_EXECUTOR`` tasks of the set failed is excluded from it while another
executor is not (Spark's ``spark.excludeOnFailure`` rules, per stage attempt). A zombie set
launches nothing more; its late results are still accepted, but never re-run.

Speculation (``scheduler/speculation.py``): ``check_speculatable`` marks running tasks that
are slow against the set's successful runtimes; a marked partition gets one more attempt,
only on an executor not already running it, and only when a slot has no regular task to
take. The first attempt of a partition to succeed counts; a partition is queued again
after a failure only while no other attempt of it is running.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Collection

from ember.executor.task_end import ExecutorLostFailure

MAX_FAILED_TASKS_PER_EXECUTOR = 2

if TYPE_CHECKING:
    from ember.scheduler.speculation import SpeculationPolicy
    from ember.scheduler.stage import Stage
    from ember.executor.task_end import TaskEndReason


@dataclass(slots=True)
class RunningTask:
    index: int
    executor_id: str
    attempt: int
    launched: float = 0.0  # the scheduler's clock, seconds
    speculative: bool = False


@dataclass(eq=False)
class TaskSetManager:
    stage: Stage
    stage_attempt: int
    binary_id: int
    binary: bytes
    partition_bytes: dict[int, bytes]
    preferred: dict[int, tuple[str, ...]]
    max_failures: int
    priority: tuple[int, int]
    map_outputs: dict[int, list[tuple[int, str, str, str]]]  # what every task reads; fixed for the attempt
    barrier: bool = False  # launch every task at once, or none
    properties: dict[str, str] = field(default_factory=dict)  # the local properties of the stage's first job
    last_launch: float = 0.0
    zombie: bool = False
    running: dict[int, RunningTask] = field(default_factory=dict)
    attempts: dict[int, int] = field(default_factory=dict)
    failures: dict[int, int] = field(default_factory=dict)
    failed_on: dict[int, set[str]] = field(default_factory=dict)
    failed_tasks_on: dict[str, int] = field(default_factory=dict)
    excluded: set[str] = field(default_factory=set)
    killed_workers: dict[int, int] = field(default_factory=dict)
    succeeded: set[int] = field(default_factory=set)
    runtimes: list[float] = field(default_factory=list)  # of the first successful attempt of each partition
    speculatable: set[int] = field(default_factory=set)  # partitions waiting for a speculative attempt
    checked_shuffles: set[int] = field(default_factory=set)  # whose files a fetch failure had checked
    hosts: dict[str, str] = field(default_factory=dict)  # executor id -> node, where the backend says
    _pending: set[int] = field(default_factory=set)
    _by_executor: dict[str, deque[int]] = field(default_factory=dict)
    _by_host: dict[str, deque[int]] = field(default_factory=dict)
    _no_pref: deque[int] = field(default_factory=deque)
    _all: deque[int] = field(default_factory=deque)

    def __post_init__(self) -> None:
        for index in self.partition_bytes:
            self._enqueue(index)

    @property
    def pending_count(self) -> int:
        return 0 if self.zombie else len(self._pending)

    @property
    def is_shuffle_map(self) -> bool:
        return hasattr(self.stage, "dependency")

    def _enqueue(self, index: int) -> None:
        self._pending.add(index)
        self._all.append(index)
        prefs = self.preferred.get(index, ())
        if not prefs:
            self._no_pref.append(index)
        for executor_id in prefs:
            self._by_executor.setdefault(executor_id, deque()).append(index)
        for host in {self.hosts[e] for e in prefs if e in self.hosts}:
            self._by_host.setdefault(host, deque()).append(index)

    def _pop_from(self, queue: deque[int] | None, executor_id: str, executor_count: int) -> int | None:
        """The first pending partition in ``queue`` that may run on ``executor_id``.

        A partition that failed on this executor waits for another one, unless it has failed
        on as many executors as there are (then retrying here is the only way forward).
        """
        skipped: list[int] = []
        found = None
        while queue:
            index = queue.popleft()
            if index not in self._pending:
                continue
            failed_on = self.failed_on.get(index, ())
            if executor_id in failed_on and len(failed_on) < executor_count:
                skipped.append(index)
                continue
            self._pending.discard(index)
            found = index
            break
        if queue is not None:
            queue.extendleft(reversed(skipped))
        return found

    def next_task(self, executor_id: str, now: float, locality_wait: float, executor_count: int = 1,
                  host: str | None = None) -> int | None:
        """A partition to run on ``executor_id`` (on node ``host``) now, or None to leave the slot to others."""
        if self.zombie or not self._pending:
            return None
        if executor_id in self.excluded and len(self.excluded) < executor_count:
            return None
        index = self._pop_from(self._by_executor.get(executor_id), executor_id, executor_count)
        if index is None:
            index = self._pop_from(self._no_pref, executor_id, executor_count)
        if index is None and now - self.last_launch >= locality_wait:
            if host is not None:
                index = self._pop_from(self._by_host.get(host), executor_id, executor_count)
            if index is None:
                index = self._pop_from(self._all, executor_id, executor_count)
        if index is not None:
            self.last_launch = now
        return index

    def next_speculative_task(self, executor_id: str, executor_count: int = 1) -> int | None:
        """A speculatable partition to copy onto ``executor_id``, which must not be running it already."""
        if self.zombie or not self.speculatable:
            return None
        if executor_id in self.excluded and len(self.excluded) < executor_count:
            return None
        for index in sorted(self.speculatable):
            if all(task.executor_id != executor_id for task in self.attempts_running(index)):
                self.speculatable.discard(index)
                return index
        return None

    def task_started(self, task_id: int, index: int, executor_id: str, now: float = 0.0,
                     speculative: bool = False) -> int:
        attempt = self.attempts.get(index, 0)
        self.attempts[index] = attempt + 1
        self.running[task_id] = RunningTask(index, executor_id, attempt, now, speculative)
        return attempt

    def task_succeeded(self, task_id: int, now: float = 0.0) -> tuple[RunningTask, bool]:
        """Record a success; returns the task and whether it is its partition's first."""
        running = self.running.pop(task_id)
        first = running.index not in self.succeeded
        if first:
            self.succeeded.add(running.index)
            self.speculatable.discard(running.index)
            self.runtimes.append(now - running.launched)
        return running, first

    def attempts_running(self, index: int) -> list[RunningTask]:
        return [task for task in self.running.values() if task.index == index]

    def other_attempts(self, task_id: int, index: int) -> dict[int, RunningTask]:
        """The attempts of partition ``index`` still running, other than ``task_id``."""
        return {tid: task for tid, task in self.running.items() if task.index == index and tid != task_id}

    def check_speculatable(self, policy: SpeculationPolicy, now: float,
                           committing: Collection[int] = ()) -> list[tuple[int, RunningTask, float]]:
        """Mark running tasks slow enough for a speculative copy; returns ``(task id, task, threshold)`` of each.

        Partitions in ``committing`` are skipped: an attempt is authorised to commit their
        output, so a copy could only be refused.
        """
        if self.zombie:
            return []
        threshold = policy.threshold(len(self.partition_bytes), self.runtimes)
        if threshold is None:
            return []
        marked = []
        for task_id, task in self.running.items():
            if (task.index in self.succeeded or task.index in self.speculatable or task.index in committing
                    or now - task.launched <= threshold or len(self.attempts_running(task.index)) > 1):
                continue
            self.speculatable.add(task.index)
            marked.append((task_id, task, threshold))
        return marked

    def task_failed(self, task_id: int, reason: TaskEndReason) -> tuple[RunningTask, bool]:
        """Record a failure; returns the task and whether the set must abort.

        ``excluded`` gains the task's executor when this failure is its limit's worth.
        """
        running = self.running.pop(task_id)
        self.failed_on.setdefault(running.index, set()).add(running.executor_id)
        counts = reason.counts_towards_task_failures
        if isinstance(reason, ExecutorLostFailure) and not counts:
            deaths = self.killed_workers.get(running.index, 0) + 1
            self.killed_workers[running.index] = deaths
            counts = deaths > 1  # killed again while running this partition: likely its own doing
        if counts:
            on_executor = self.failed_tasks_on.get(running.executor_id, 0) + 1
            self.failed_tasks_on[running.executor_id] = on_executor
            if on_executor >= MAX_FAILED_TASKS_PER_EXECUTOR:
                self.excluded.add(running.executor_id)
            self.failures[running.index] = self.failures.get(running.index, 0) + 1
            if self.failures[running.index] >= self.max_failures:
                return running, True
        if not self.zombie and running.index not in self.succeeded and not self.attempts_running(running.index):
            self.speculatable.discard(running.index)
            self._enqueue(running.index)
        return running, False

    def forget_preference_for(self, executor_id: str) -> None:
        """An executor died: its preferred tasks may run anywhere now."""
        for index in self._by_executor.pop(executor_id, ()):
            if index in self._pending:
                self._no_pref.append(index)
