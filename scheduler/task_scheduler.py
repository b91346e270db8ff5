"""``TaskScheduler``: matches pending tasks to free executor slots.

Task sets are served in priority order (earliest job, then earliest stage). Each
executor runs one task at a time; when a slot frees up, ``offer`` asks each task set in
turn for a task for that executor — a pending one, else a speculative copy of a slow
one — sends the stage binary if the executor has not seen it, and launches the task
through the backend. It runs on the scheduler's logic thread; ``clock`` (monotonic
seconds) times launches, so tests can drive time by hand.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from ember.executor.task import TaskDescription

if TYPE_CHECKING:
    from ember.scheduler.backends.base import SchedulerBackend
    from ember.scheduler.stage import Stage
    from ember.scheduler.task_set_manager import TaskSetManager


@dataclass(eq=False)
class ExecutorSlot:
    executor_id: str
    host: str | None = None  # its node, when the backend says (Ray)
    running_task: int | None = None
    binaries: set[int] = field(default_factory=set)


class TaskScheduler:
    def __init__(self, backend: SchedulerBackend, locality_wait: float,
                 on_launch: Callable[[Stage, TaskDescription], None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.backend = backend
        self.on_launch = on_launch
        self.clock = clock
        self.locality_wait = locality_wait
        self.task_sets: list[TaskSetManager] = []
        self.task_set_by_task_id: dict[int, TaskSetManager] = {}
        self.executors: dict[str, ExecutorSlot] = {}
        self._task_ids = itertools.count()

    def add_executor(self, executor_id: str, host: str | None = None) -> None:
        self.executors[executor_id] = ExecutorSlot(executor_id, host)

    def hosts(self) -> dict[str, str]:
        """The node of every executor whose node is known."""
        return {e: slot.host for e, slot in self.executors.items() if slot.host is not None}

    def remove_executor(self, executor_id: str) -> ExecutorSlot | None:
        slot = self.executors.pop(executor_id, None)
        for task_set in self.task_sets:
            task_set.forget_preference_for(executor_id)
        return slot

    def submit(self, task_set: TaskSetManager) -> None:
        self.task_sets.append(task_set)
        self.task_sets.sort(key=lambda ts: ts.priority)

    def remove_task_set(self, task_set: TaskSetManager) -> None:
        if task_set in self.task_sets:
            self.task_sets.remove(task_set)
            for slot in self.executors.values():
                if task_set.binary_id in slot.binaries:
                    slot.binaries.discard(task_set.binary_id)
                    self.backend.forget_binary(slot.executor_id, task_set.binary_id)

    def task_finished(self, task_id: int) -> TaskSetManager | None:
        """Free the slot of a finished task; returns its task set (None if unknown)."""
        task_set = self.task_set_by_task_id.pop(task_id, None)
        for slot in self.executors.values():
            if slot.running_task == task_id:
                slot.running_task = None
        return task_set

    def running_on(self, executor_id: str) -> list[int]:
        slot = self.executors.get(executor_id)
        return [slot.running_task] if slot and slot.running_task is not None else []

    def offer(self) -> None:
        """Launch tasks on every free executor that some task set wants to use now.

        A barrier task set goes first, and launches only when a free executor waits for
        each of its tasks; then every other set is offered the remaining slots.
        """
        now = self.clock()
        for task_set in self.task_sets:
            if task_set.barrier and task_set.pending_count:
                self._launch_barrier(task_set, now)
        for slot in list(self.executors.values()):
            if slot.running_task is not None:
                continue
            for task_set in self.task_sets:
                if task_set.barrier:
                    continue
                index = task_set.next_task(slot.executor_id, now, self.locality_wait, len(self.executors),
                                           slot.host)
                speculative = index is None
                if speculative:
                    index = task_set.next_speculative_task(slot.executor_id, len(self.executors))
                if index is not None:
                    self._launch(slot, task_set, index, now, speculative)
                    break

    def _launch_barrier(self, task_set: TaskSetManager, now: float) -> None:
        free = [slot for slot in self.executors.values() if slot.running_task is None]
        if len(free) < task_set.pending_count:
            return
        assigned: list[tuple[ExecutorSlot, int]] = []
        for slot in free[:task_set.pending_count]:
            index = task_set.next_task(slot.executor_id, now, 0.0, len(self.executors))
            if index is not None:
                assigned.append((slot, index))
        addresses = [slot.executor_id for slot, _ in sorted(assigned, key=lambda pair: pair[1])]
        for slot, index in assigned:
            self._launch(slot, task_set, index, now, False, addresses)

    def _launch(self, slot: ExecutorSlot, task_set: TaskSetManager, index: int, now: float,
                speculative: bool, barrier_addresses: list[str] | None = None) -> None:
        task_id = next(self._task_ids)
        attempt = task_set.task_started(task_id, index, slot.executor_id, now, speculative)
        self.task_set_by_task_id[task_id] = task_set
        slot.running_task = task_id
        stage = task_set.stage
        desc = TaskDescription(task_id, stage.id, task_set.stage_attempt, index, attempt,
                               task_set.binary_id, task_set.is_shuffle_map, task_set.map_outputs,
                               properties=task_set.properties, executor_id=slot.executor_id,
                               speculative=speculative,
                               barrier_addresses=barrier_addresses or [])
        if task_set.binary_id not in slot.binaries:
            slot.binaries.add(task_set.binary_id)
            self.backend.send_binary(slot.executor_id, task_set.binary_id, task_set.binary)
        self.backend.launch_task(slot.executor_id, desc, task_set.partition_bytes[index])
        if self.on_launch is not None:
            self.on_launch(stage, desc)

