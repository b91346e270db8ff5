"""``MapOutputTracker``: the driver's record of where each shuffle's map outputs are.

On one machine every executor writes into the shared session directory, so map output
files outlive the executor that wrote them. On a cluster they live on the writer's node
and are served by the writer, so they are lost with it (``files_outlive_executors``).

A shuffle is forgotten, and its files deleted, when nothing on the driver refers to it
any more (``ShuffleReleased``) or when the job that started it fails before finishing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ember.shuffle.block_resolver import ShuffleBlockResolver
from ember.shuffle.index_file import looks_intact


@dataclass(frozen=True, slots=True)
class MapStatus:
    executor_id: str
    sizes: tuple[int, ...]


class MapOutputTracker:
    def __init__(self, resolver: ShuffleBlockResolver, files_outlive_executors: bool = True) -> None:
        self.resolver = resolver
        self.files_outlive_executors = files_outlive_executors
        self.statuses_by_shuffle: dict[int, list[MapStatus | None]] = {}
        self._missing_count: dict[int, int] = {}  # kept in step, so availability is O(1)

    def register_shuffle(self, shuffle_id: int, num_maps: int) -> None:
        if shuffle_id not in self.statuses_by_shuffle:
            self.statuses_by_shuffle[shuffle_id] = [None] * num_maps
            self._missing_count[shuffle_id] = num_maps

    def register_map_output(self, shuffle_id: int, map_id: int, status: MapStatus) -> None:
        statuses = self.statuses_by_shuffle[shuffle_id]
        if statuses[map_id] is None:
            self._missing_count[shuffle_id] -= 1
        statuses[map_id] = status

    def unregister_map_output(self, shuffle_id: int, map_id: int) -> None:
        statuses = self.statuses_by_shuffle.get(shuffle_id)
        if statuses is not None and statuses[map_id] is not None:
            statuses[map_id] = None
            self._missing_count[shuffle_id] += 1

    def unregister_lost_outputs(self, shuffle_id: int, executor_id: str | None) -> list[int]:
        """Unregister every map output of a shuffle that is gone too.

        Called when a reduce task could not read one (written by ``executor_id``): a reduce
        task stops at the first block it cannot read, so without this each stage attempt
        would rebuild a single lost output. When every executor writes into the one
        session directory, all of the shuffle's outputs are checked (one ``stat`` per file);
        otherwise every output served by the same executor is presumed lost with it.
        """
        statuses = self.statuses_by_shuffle.get(shuffle_id, [])
        if self.files_outlive_executors:
            lost = [map_id for map_id, status in enumerate(statuses)
                    if status is not None and not looks_intact(self.resolver.files_for(shuffle_id, map_id),
                                                               status.sizes)]
        else:
            lost = [map_id for map_id, status in enumerate(statuses)
                    if status is not None and status.executor_id == executor_id]
        for map_id in lost:
            self.unregister_map_output(shuffle_id, map_id)
        return lost

    def remove_executor(self, executor_id: str) -> list[int]:
        """An executor is gone: forget its map outputs unless their files outlive it.

        Returns the ids of the shuffles that lost output.
        """
        if self.files_outlive_executors:
            return []
        touched = []
        for shuffle_id, statuses in self.statuses_by_shuffle.items():
            lost = [map_id for map_id, status in enumerate(statuses)
                    if status is not None and status.executor_id == executor_id]
            for map_id in lost:
                self.unregister_map_output(shuffle_id, map_id)
            if lost:
                touched.append(shuffle_id)
        return touched

    def executor_of(self, shuffle_id: int, map_id: int) -> str | None:
        """The executor holding a registered map output, or None."""
        statuses = self.statuses_by_shuffle.get(shuffle_id)
        status = statuses[map_id] if statuses is not None and 0 <= map_id < len(statuses) else None
        return status.executor_id if status is not None else None

    def missing_map_ids(self, shuffle_id: int) -> list[int]:
        return [i for i, s in enumerate(self.statuses_by_shuffle[shuffle_id]) if s is None]

    def is_available(self, shuffle_id: int) -> bool:
        return self._missing_count.get(shuffle_id) == 0

    def locations(self, shuffle_id: int) -> list[tuple[int, str, str, str]]:
        """Where each registered map output of a shuffle is.

        A task may read several reduce partitions of one shuffle (a union of shuffled
        RDDs reads a different one per input), so the reader picks its own blocks.
        """
        found = []
        for map_id, status in enumerate(self.statuses_by_shuffle[shuffle_id]):
            if status is not None:
                files = self.resolver.files_for(shuffle_id, map_id)
                found.append((map_id, status.executor_id, files.data_path, files.index_path))
        return found

    def unregister_shuffle(self, shuffle_id: int) -> None:
        self.statuses_by_shuffle.pop(shuffle_id, None)
        self._missing_count.pop(shuffle_id, None)
        self.resolver.remove_shuffle(shuffle_id)
