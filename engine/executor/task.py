"""What the driver sends to run a task, and what comes back.

A stage's RDD chain and its last step (a result function, or the shuffle dependency to
write) form the *stage binary*, serialized once per stage attempt and sent once per
worker. Each task then travels as a small ``TaskDescription`` (msgpack fields) plus its
pickled partition, and returns a ``TaskOutcome``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ember.task_metrics import TaskMetrics

if TYPE_CHECKING:
    from ember.rdd.dependency import ShuffleDependency
    from ember.rdd.rdd import RDD
    from ember.executor.task_end import TaskEndReason


@dataclass(frozen=True, slots=True)
class ResultStageBinary:
    rdd: RDD
    func: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class ShuffleMapStageBinary:
    rdd: RDD
    dependency: ShuffleDependency


@dataclass(frozen=True, slots=True)
class TaskDescription:
    task_id: int
    stage_id: int
    stage_attempt: int
    partition_index: int
    attempt: int
    binary_id: int
    is_shuffle_map: bool
    map_outputs: dict[int, list[tuple[int, str, str, str]]]
    properties: dict[str, str] = field(default_factory=dict)
    executor_id: str = ""  # where it runs (as in Spark's TaskDescription)
    speculative: bool = False  # a copy of a slow attempt of the same partition (Spark's TaskInfo.speculative)
    barrier_addresses: list[str] = field(default_factory=list)  # a barrier task: every task's executor

    def to_fields(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> TaskDescription:
        return cls(**fields)


@dataclass(slots=True)
class TaskOutcome:
    task_id: int
    reason: TaskEndReason
    value_bytes: bytes | None = None
    map_sizes: list[int] | None = None
    accumulator_updates: dict[int, Any] = field(default_factory=dict)
    metrics: TaskMetrics = field(default_factory=TaskMetrics)
    new_blocks: list[tuple[int, int]] = field(default_factory=list)
    dropped_blocks: list[tuple[int, int]] = field(default_factory=list)
