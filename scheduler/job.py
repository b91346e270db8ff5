"""``ActiveJob``: one action in flight, and where its per-partition results go."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from ember.call_site import CallSite
    from ember.scheduler.stage import Stage


@dataclass(eq=False)
class ActiveJob:
    job_id: int
    partitions: tuple[int, ...]
    future: Future
    call_site: CallSite
    properties: dict[str, str]
    results: list[bytes | None] = field(default_factory=list)
    finished: list[bool] = field(default_factory=list)
    position_of: dict[int, int] = field(default_factory=dict)  # partition -> index in results
    done_count: int = 0
    stages: tuple[Stage, ...] = ()  # every stage the job needs, skipped ones included
    result_bytes: int = 0
    on_result: Callable[[int, bytes], None] | None = None  # see JobSubmitted.on_result

    def __post_init__(self) -> None:
        self.results = [None] * len(self.partitions)
        self.finished = [False] * len(self.partitions)
        self.position_of = {partition: i for i, partition in enumerate(self.partitions)}

    @property
    def all_done(self) -> bool:
        return self.done_count == len(self.partitions)

    @property
    def stage_ids(self) -> list[int]:
        return [stage.id for stage in self.stages]

    @property
    def group_id(self) -> str | None:
        return self.properties.get("spark.jobGroup.id")

    @property
    def tags(self) -> set[str]:
        """The job tags of the thread that started the job (``SparkContext.addJobTag``)."""
        return set(filter(None, self.properties.get("spark.job.tags", "").split(",")))
