"""``TaskContext``: what a running task knows about itself (PySpark's API), plus the
worker-side services a task uses (block manager, shuffle locations, metrics)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ember.errors import EmberRuntimeError
from ember.task_metrics import TaskMetrics

if TYPE_CHECKING:
    from ember.storage.block_manager import BlockManager
    from ember.memory import TaskMemory
    from ember.shuffle.block_resolver import MapOutputFiles
    from ember.shuffle.fetch import BlockFetcher
    from ember.serialization.serializers import Serializer

_current = threading.local()


@dataclass(eq=False)
class TaskContext:
    """Information about the current task, available inside functions run on workers.

    >>> from ember import TaskContext
    >>> sc.parallelize([1, 2], 2).map(lambda _: TaskContext.get().partitionId()).collect()
    [0, 1]
    """

    stage_id: int
    stage_attempt: int
    partition_id: int
    attempt_number: int
    task_attempt_id: int
    executor_id: str
    block_manager: BlockManager
    record_serializer: Serializer
    map_outputs: dict[int, list[tuple[int, MapOutputFiles]]]
    properties: dict[str, str] = field(default_factory=dict)
    metrics: TaskMetrics = field(default_factory=TaskMetrics)
    new_blocks: list[tuple[int, int]] = field(default_factory=list)
    memory: TaskMemory | None = None  # the task's execution budget and spill directory
    block_fetcher: BlockFetcher | None = None  # how shuffle blocks are read; None: local files by path
    commit_permission: Callable[[], bool] | None = None  # asks the driver's output commit coordinator

    @classmethod
    def get(cls) -> TaskContext | None:
        """The context of the task running in this thread, or None on the driver."""
        return getattr(_current, "context", None)

    def stageId(self) -> int:
        return self.stage_id

    def partitionId(self) -> int:
        return self.partition_id

    def attemptNumber(self) -> int:
        return self.attempt_number

    def taskAttemptId(self) -> int:
        return self.task_attempt_id

    def getLocalProperty(self, key: str) -> str | None:
        return self.properties.get(key)

    def cpus(self) -> int:
        return 1

    def resources(self) -> dict[str, Any]:
        return {}

    def can_commit(self) -> bool:
        """Ask the driver whether this attempt may commit its output (the commit protocol's task commit).

        The first attempt of a partition to ask is authorised; the others must discard theirs.
        """
        if self.commit_permission is None:
            raise EmberRuntimeError(f"task {self.task_attempt_id} cannot reach the driver's output commit coordinator")
        return self.commit_permission()

    def shuffle_inputs(self, shuffle_id: int) -> list[tuple[int, MapOutputFiles]]:
        """Where this task reads each map output of ``shuffle_id``."""
        return self.map_outputs[shuffle_id]


def set_task_context(context: TaskContext | None) -> None:
    """Make ``context`` what ``TaskContext.get()`` returns in this thread (the task runner's job)."""
    _current.context = context
