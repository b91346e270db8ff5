"""The map-output tracker's availability stays exact through repeated and late registrations."""

from __future__ import annotations

from ember.scheduler.map_output_tracker import MapOutputTracker, MapStatus
from ember.shuffle.block_resolver import ShuffleBlockResolver


def test_availability_follows_registrations_exactly(tmp_path):
    tracker = MapOutputTracker(ShuffleBlockResolver(str(tmp_path)))
    tracker.register_shuffle(7, 3)
    tracker.register_shuffle(7, 3)  # a second job on the same shuffle changes nothing
    status = MapStatus("a", (1, 2))
    for map_id in (0, 1, 1):  # a late duplicate success of map 1
        tracker.register_map_output(7, map_id, status)
    assert not tracker.is_available(7) and tracker.missing_map_ids(7) == [2]
    tracker.register_map_output(7, 2, status)
    assert tracker.is_available(7)
    tracker.unregister_map_output(7, 1)
    tracker.unregister_map_output(7, 1)  # two readers report the same lost output
    assert not tracker.is_available(7) and tracker.missing_map_ids(7) == [1]
    tracker.register_map_output(7, 1, status)
    assert tracker.is_available(7)
    assert [map_id for map_id, _, _, _ in tracker.locations(7)] == [0, 1, 2]
    tracker.unregister_shuffle(7)
    assert not tracker.is_available(7)
