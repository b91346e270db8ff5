"""Barrier stages (``rdd.barrier()``): every task launched at once, and rendezvous through the driver.

A stage is a barrier stage when an RDD in it (reached through narrow dependencies) was built
by ``RDDBarrier``. Such a stage is refused at job submission, with Spark's messages, when it
could not run all its tasks together: more tasks than executors, or an RDD in the stage with
another number of partitions than the stage has tasks (``coalesce``, ``union``, ``first``).
Its task set launches only when a free executor waits for each of its tasks.

``BarrierTaskContext.barrier()`` and ``allGather()`` in a task send a request to the driver;
the ``BarrierCoordinator`` (run on the scheduler's thread) answers every task of the stage
attempt once all of them have asked, with the messages in partition order. A task that ends
while the others wait for it, or calls ``allGather`` while another calls ``barrier``, fails
the stage instead of leaving the others waiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from ember.errors import JobAbortedError

if TYPE_CHECKING:
    from ember.rdd.rdd import RDD
    from ember.scheduler.task_set_manager import TaskSetManager

SLOTS_MESSAGE = (
    "[SPARK-24819]: Barrier execution mode does not allow run a barrier stage that requires more slots "
    "than the total number of slots in the cluster currently. Please init a new cluster with more "
    "resources(e.g. CPU, GPU) or repartition the input RDD(s) to reduce the number of slots required to "
    "run this barrier stage.")
CHAIN_MESSAGE = (
    "[SPARK-24820][SPARK-24821]: Barrier execution mode does not allow the following pattern of RDD chain "
    "within a barrier stage:\n1. Ancestor RDDs that have different number of partitions from the resulting "
    "RDD (e.g. union()/coalesce()/first()/take()/PartitionPruningRDD). A workaround for first()/take() can "
    "be barrierRdd.collect().head (scala) or barrierRdd.collect()[0] (python).\n2. An RDD that depends on "
    "multiple barrier RDDs (e.g. barrierRdd1.zip(barrierRdd2)).")


def stage_rdds(rdd: RDD) -> list[RDD]:
    """``rdd`` and its ancestors through narrow dependencies: the RDDs one stage computes."""
    found: list[RDD] = []
    visited: set[int] = set()
    stack = [rdd]
    while stack:
        node = stack.pop()
        if node.id_ in visited:
            continue
        visited.add(node.id_)
        found.append(node)
        stack.extend(dep.rdd for dep in node.dependencies if not dep.is_shuffle)
    return found


def is_barrier_stage(rdd: RDD) -> bool:
    return any(node.is_barrier for node in stage_rdds(rdd))


def check_barrier_stage(rdd: RDD, num_tasks: int, slots: int) -> None:
    """Refuse a barrier stage that cannot launch all its tasks together (Spark's two checks)."""
    for node in stage_rdds(rdd):
        barrier_parents = sum(1 for dep in node.dependencies
                              if not dep.is_shuffle and is_barrier_stage(dep.rdd))
        if node.getNumPartitions() != num_tasks or barrier_parents > 1:
            raise JobAbortedError(CHAIN_MESSAGE)
    if num_tasks > slots:
        raise JobAbortedError(SLOTS_MESSAGE)


@dataclass(slots=True)
class BarrierSync:
    """The requests of one stage attempt's current rendezvous."""

    epoch: int = 0
    kind: str | None = None
    requests: dict[int, tuple[str, int, str]] = field(default_factory=dict)  # partition -> executor, task, message


class BarrierCoordinator:
    """Answers a barrier stage's tasks once all of them asked; only the scheduler's thread calls it."""

    def __init__(self, reply: Callable[[str, int, list[str]], None]) -> None:
        self.reply = reply
        self.syncs_by_stage_id: dict[int, BarrierSync] = {}

    def request(self, task_set: TaskSetManager, index: int, executor_id: str, task_id: int, kind: str,
                epoch: int, message: str) -> str | None:
        """Record one task's request; returns why the stage must fail, or None."""
        sync = self.syncs_by_stage_id.setdefault(task_set.stage.id, BarrierSync())
        if epoch != sync.epoch:
            return (f"barrier task {index} of stage {task_set.stage.id} called {kind}() for the "
                    f"{epoch + 1}th time while the others are at their {sync.epoch + 1}th call")
        if sync.kind is not None and kind != sync.kind:
            return (f"barrier task {index} of stage {task_set.stage.id} called {kind}() while another task "
                    f"called {sync.kind}(); every task must make the same calls in the same order")
        if task_set.succeeded:
            return self._finished_early(task_set, min(task_set.succeeded))
        sync.kind = kind
        sync.requests[index] = (executor_id, task_id, message)
        if len(sync.requests) == len(task_set.partition_bytes):
            messages = [sync.requests[i][2] for i in sorted(sync.requests)]
            for waiting_executor, waiting_task, _ in sync.requests.values():
                self.reply(waiting_executor, waiting_task, messages)
            self.syncs_by_stage_id[task_set.stage.id] = BarrierSync(sync.epoch + 1)
        return None

    def task_succeeded(self, task_set: TaskSetManager, index: int) -> str | None:
        """A task finished: if others wait for it at a rendezvous, they never will be answered."""
        sync = self.syncs_by_stage_id.get(task_set.stage.id)
        if sync is not None and sync.requests and index not in sync.requests:
            return self._finished_early(task_set, index)
        return None

    def forget(self, stage_id: int) -> None:
        self.syncs_by_stage_id.pop(stage_id, None)

    @staticmethod
    def _finished_early(task_set: TaskSetManager, index: int) -> str:
        return (f"barrier task {index} of stage {task_set.stage.id} finished while other tasks of the stage "
                f"wait for it in barrier() or allGather(); every task must make the same calls")
