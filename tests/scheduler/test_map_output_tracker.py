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


def test_outputs_kept_by_their_executor_are_forgotten_with_it(tmp_path):
    tracker = MapOutputTracker(ShuffleBlockResolver(str(tmp_path)), files_outlive_executors=False)
    tracker.register_shuffle(1, 3)
    tracker.register_shuffle(2, 1)
    for map_id, executor in enumerate("aba"):
        tracker.register_map_output(1, map_id, MapStatus(executor, (1,)))
    tracker.register_map_output(2, 0, MapStatus("b", (1,)))
    assert [(m, e) for m, e, _, _ in tracker.locations(1)] == [(0, "a"), (1, "b"), (2, "a")]
    assert tracker.remove_executor("a") == [1]
    assert tracker.missing_map_ids(1) == [0, 2] and tracker.is_available(2)
    assert tracker.unregister_lost_outputs(2, "b") == [0]  # a fetch from b failed: all it served is lost


def test_outputs_in_the_shared_session_directory_outlive_their_executor(tmp_path):
    tracker = MapOutputTracker(ShuffleBlockResolver(str(tmp_path)))
    tracker.register_shuffle(1, 1)
    tracker.register_map_output(1, 0, MapStatus("a", (1,)))
    assert tracker.remove_executor("a") == [] and tracker.is_available(1)
