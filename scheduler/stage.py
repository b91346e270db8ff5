"""Stages: the pipelined pieces of a job, cut at shuffle dependencies.

A ``ShuffleMapStage`` computes the map side of one shuffle; it is *available* when the
map-output tracker holds an output for each of its partitions, and a later job whose
lineage reaches the same shuffle finds it available and skips it. A ``ResultStage``
applies the action's function to the partitions the job asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from ember.call_site import CallSite
    from ember.rdd.dependency import ShuffleDependency
    from ember.rdd.rdd import RDD


@dataclass(eq=False)
class Stage:
    id: int
    rdd: RDD
    num_partitions: int
    parents: list[Stage]
    call_site: CallSite
    shuffle_reads: list[ShuffleDependency] = field(default_factory=list)
    job_ids: set[int] = field(default_factory=set)
    attempt: int = -1
    consecutive_failures: int = 0
    barrier: bool = False  # all tasks launched together (scheduler/barrier.py)
    first_valid_attempt: int = 0  # outputs of earlier attempts were rolled back: ignore them

    def new_attempt(self) -> int:
        self.attempt += 1
        return self.attempt

    @property
    def name(self) -> str:
        return self.call_site.label

    def __hash__(self) -> int:
        return self.id


@dataclass(eq=False)
class ShuffleMapStage(Stage):
    dependency: ShuffleDependency | None = None

    @property
    def shuffle_id(self) -> int:
        return self.dependency.shuffle_id

    def __hash__(self) -> int:
        return self.id


@dataclass(eq=False)
class ResultStage(Stage):
    func: Callable[[Any], Any] | None = None
    partitions: tuple[int, ...] = ()
    job_id: int = -1

    def __hash__(self) -> int:
        return self.id
