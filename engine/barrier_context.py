"""``BarrierTaskContext``: what a task of a barrier stage can do beyond ``TaskContext`` (PySpark's API).

``barrier()`` waits until every task of the stage has called it; ``allGather(message)``
also returns every task's message, in partition order. Both go to the driver, whose
coordinator answers all tasks at once (``scheduler/barrier.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ember.errors import EmberRuntimeError
from ember.task_context import TaskContext


@dataclass(frozen=True, slots=True)
class BarrierTaskInfo:
    """Where one task of the barrier stage runs: its executor (PySpark shows ``host:port``)."""

    address: str


@dataclass(eq=False)
class BarrierTaskContext(TaskContext):
    """The context of a task in a barrier stage.

    >>> from ember.barrier_context import BarrierTaskContext
    >>> rdd = sc.parallelize(range(4), 2).barrier()
    >>> rdd.mapPartitions(lambda it: [BarrierTaskContext.get().allGather("hi")]).collect()
    [['hi', 'hi'], ['hi', 'hi']]
    """

    addresses: tuple[str, ...] = ()
    # Sends (kind, epoch, message) to the driver and returns every task's message.
    rendezvous: Callable[[str, int, str], list[str]] | None = field(default=None, repr=False)
    _epoch: int = 0

    @classmethod
    def get(cls) -> BarrierTaskContext:
        """The running barrier task's context; outside a barrier stage, an error as in PySpark."""
        context = TaskContext.get()
        if not isinstance(context, BarrierTaskContext):
            raise EmberRuntimeError("NOT_IN_BARRIER_STAGE", "It is not in a barrier stage.")
        return context

    def barrier(self) -> None:
        """Wait until every task of this barrier stage has reached this call."""
        self._sync("barrier", "")

    def allGather(self, message: str = "") -> list[str]:
        """Wait for every task of the stage, and return all their messages in partition order."""
        if not isinstance(message, str):
            raise EmberRuntimeError(f"allGather takes a str message, got {type(message).__name__}")
        return self._sync("allGather", message)

    def getTaskInfos(self) -> list[BarrierTaskInfo]:
        """One ``BarrierTaskInfo`` per task of the stage, in partition order."""
        return [BarrierTaskInfo(address) for address in self.addresses]

    def _sync(self, kind: str, message: str) -> list[str]:
        messages = self.rendezvous(kind, self._epoch, message)
        self._epoch += 1
        return messages
