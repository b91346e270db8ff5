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
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ember.scheduler.task_end import ExecutorLostFailure

MAX_FAILED_TASKS_PER_EXECUTOR = 2

if TYPE_CHECKING:
    from ember.scheduler.stage import Stage
    from ember.scheduler.task_end import TaskEndReason


@dataclass(slots=True)
class RunningTask:
    index: int
    executor_id: str
    attempt: int


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

    def task_started(self, task_id: int, index: int, executor_id: str) -> int:
        attempt = self.attempts.get(index, 0)
        self.attempts[index] = attempt + 1
        self.running[task_id] = RunningTask(index, executor_id, attempt)
        return attempt

    def task_succeeded(self, task_id: int) -> RunningTask:
        running = self.running.pop(task_id)
        self.succeeded.add(running.index)
        return running

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
        if not self.zombie and running.index not in self.succeeded:
            self._enqueue(running.index)
        return running, False

    def forget_preference_for(self, executor_id: str) -> None:
        """An executor died: its preferred tasks may run anywhere now."""
        for index in self._by_executor.pop(executor_id, ()):
            if index in self._pending:
                self._no_pref.append(index)
