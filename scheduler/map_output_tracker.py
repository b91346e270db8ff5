"""``MapOutputTracker``: the driver's record of where each shuffle's map outputs are.

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
    def __init__(self, resolver: ShuffleBlockResolver) -> None:
        self.resolver = resolver
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

    def unregister_lost_outputs(self, shuffle_id: int) -> list[int]:
        """Unregister every map output of a shuffle whose files are gone or truncated.

        Called when a reduce task could not read one: a reduce task stops at the first
        block it cannot read, so without this each stage attempt would rebuild a single
        lost output. Every worker of a local session writes into the one session
        directory, so all of the shuffle's outputs are checked (one ``stat`` per file).
        """
        statuses = self.statuses_by_shuffle.get(shuffle_id, [])
        lost = [map_id for map_id, status in enumerate(statuses)
                if status is not None and not looks_intact(self.resolver.files_for(shuffle_id, map_id),
                                                           status.sizes)]
        for map_id in lost:
            self.unregister_map_output(shuffle_id, map_id)
        return lost

    def missing_map_ids(self, shuffle_id: int) -> list[int]:
        return [i for i, s in enumerate(self.statuses_by_shuffle[shuffle_id]) if s is None]

    def is_available(self, shuffle_id: int) -> bool:
        return self._missing_count.get(shuffle_id) == 0

    def locations(self, shuffle_id: int) -> list[tuple[int, str, str]]:
        """Where each registered map output of a shuffle is.

        A task may read several reduce partitions of one shuffle (a union of shuffled
        RDDs reads a different one per input), so the reader picks its own blocks.
        """
        found = []
        for map_id, status in enumerate(self.statuses_by_shuffle[shuffle_id]):
            if status is not None:
                files = self.resolver.files_for(shuffle_id, map_id)
                found.append((map_id, files.data_path, files.index_path))
        return found

    def unregister_shuffle(self, shuffle_id: int) -> None:
        self.statuses_by_shuffle.pop(shuffle_id, None)
        self._missing_count.pop(shuffle_id, None)
        self.resolver.remove_shuffle(shuffle_id)
