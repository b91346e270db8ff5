"""The shuffle's file format, writer and reader, tested without any process or scheduler."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from operator import add

import pytest
from hypothesis import given, settings, strategies as st

from ember.errors import EmberTypeError, FetchFailedError
from ember.rdd.partitioner import HashPartitioner, RangePartitioner, portable_hash
from ember.shuffle.aggregator import Aggregator, identity
from ember.shuffle.block_resolver import ShuffleBlockResolver
from ember.shuffle.reader import ShuffleReader
from ember.serialization.serializers import (CompressedSerializer, MsgpackSerializer, PickleSerializer,
                                       decode_batches, encode_batches, record_serializer)
from ember.shuffle import index_file
from ember.serialization.frames import frame
from ember.shuffle.writer import ShuffleWriter
from ember.task_metrics import TaskMetrics

records = st.lists(st.one_of(
    st.integers(), st.text(), st.none(), st.floats(allow_nan=False),
    st.tuples(st.text(max_size=5), st.integers())), max_size=300)


@settings(max_examples=50, deadline=None)
@given(records, st.sampled_from([64, 1024, 64 << 10]))
def test_batches_round_trip_exactly_whatever_the_batch_size(values, target):
    serializer = record_serializer()
    buffer = b"".join(frame(b) for b in encode_batches(values, serializer, target))
    assert list(decode_batches(buffer, serializer)) == values


def test_msgpack_is_for_control_data_and_compression_wraps_any_serializer():
    control = {"task_id": 3, "outputs": {1: [[0, "a", "b"]]}}
    assert MsgpackSerializer().loads(MsgpackSerializer().dumps(control)) == control
    compressed = CompressedSerializer(PickleSerializer())
    assert compressed.loads(compressed.dumps(("x", 1))) == ("x", 1)


def _write(tmp_path, map_id, pairs, partitions=4, aggregator=None, combine=False):
    resolver = ShuffleBlockResolver(str(tmp_path))
    writer = ShuffleWriter(0, map_id, HashPartitioner(partitions), resolver,
                           record_serializer(), 1024, TaskMetrics())
    sizes = writer.write(pairs, aggregator, combine, ".tmp")
    return resolver, sizes


def _read(resolver, reduce_id, map_ids, aggregator=None, combined=False):
    outputs = [(m, resolver.files_for(0, m)) for m in map_ids]
    reader = ShuffleReader(0, reduce_id, outputs, record_serializer(), TaskMetrics())
    return list(reader.read(aggregator, combined, None))


def test_each_key_lands_in_exactly_one_reduce_partition_and_nothing_is_lost(tmp_path):
    pairs = [(f"k{i % 97}", i) for i in range(5000)] + [(None, 1), ((1, "a"), 2)]
    resolver, sizes = _write(tmp_path, 0, pairs)
    assert len(sizes) == 4 and sum(sizes) > 0
    partitions = [_read(resolver, r, [0]) for r in range(4)]
    keys_by_partition = [set(k for k, _ in p) for p in partitions]
    for i, keys in enumerate(keys_by_partition):
        assert all(HashPartitioner(4)(k) == i for k in keys)
    assert Counter(kv for p in partitions for kv in p) == Counter(pairs)


def test_map_side_combine_then_reduce_side_merge_gives_the_totals(tmp_path):
    sum_by_key = Aggregator(lambda v: v, add, add)
    pairs_a = [(i % 10, 1) for i in range(1000)]
    pairs_b = [(i % 13, 2) for i in range(1000)]
    resolver, _ = _write(tmp_path, 0, pairs_a, 3, sum_by_key, True)
    _write(tmp_path, 1, pairs_b, 3, sum_by_key, True)
    merged = dict(kv for r in range(3) for kv in _read(resolver, r, [0, 1], sum_by_key, True))
    expected = Counter()
    for k, v in pairs_a + pairs_b:
        expected[k] += v
    assert merged == dict(expected)


def test_records_that_are_not_pairs_get_a_clear_error(tmp_path):
    with pytest.raises(EmberTypeError, match="needs \\(key, value\\) pairs.*str"):
        _write(tmp_path, 0, ["just a string"])


def test_a_corrupted_block_is_detected_as_a_fetch_failure(tmp_path):
    resolver, sizes = _write(tmp_path, 0, [(i, "v" * 20) for i in range(400)], partitions=2)
    files = resolver.files_for(0, 0)
    data = bytearray(open(files.data_path, "rb").read())
    data[5] ^= 0xFF
    open(files.data_path, "wb").write(bytes(data))
    with pytest.raises(FetchFailedError, match="corrupted") as info:
        _read(resolver, 0, [0])
    assert (info.value.shuffle_id, info.value.map_id, info.value.reduce_id) == (0, 0, 0)


def test_a_missing_map_output_is_a_fetch_failure_naming_it(tmp_path):
    resolver, _ = _write(tmp_path, 0, [(1, 1)], partitions=2)
    import os
    os.remove(resolver.files_for(0, 0).index_path)
    with pytest.raises(FetchFailedError, match="map 0.*missing"):
        _read(resolver, 1, [0])


def test_portable_hash_is_the_same_in_processes_with_different_hash_seeds():
    keys = ["apple", "Äpfel", ("a", 1), None, 12345, b"raw", 2.5]
    script = "from ember.rdd.partitioner import portable_hash; print([portable_hash(k) for k in %r])" % (keys,)
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env={"PYTHONHASHSEED": seed, "PATH": ""}, check=True).stdout
               for seed in ("1", "2", "random")}
    assert outputs == {str([portable_hash(k) for k in keys]) + "\n"}


def test_range_partitioner_orders_partitions_by_key():
    partitioner = RangePartitioner([10, 20], ascending=True, key_func=lambda k: k)
    assert [partitioner(k) for k in (5, 10, 15, 25)] == [0, 0, 1, 2]
    descending = RangePartitioner([10, 20], ascending=False, key_func=lambda k: k)
    assert [descending(k) for k in (5, 15, 25)] == [2, 1, 0]


class _Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents

    def __add__(self, other: "_Money") -> "_Money":
        return _Money(self.cents + other.cents)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Money) and other.cents == self.cents


@pytest.mark.parametrize("values", [[1, 2.5, 3], ["a", "b", "c"], [[1], [2], [3]], [_Money(1), _Money(2), _Money(3)]])
def test_summing_by_key_with_operator_add_matches_the_generic_merge(values):
    pairs = [("k", v) for v in values] + [("other", values[0])]
    generic = Aggregator(lambda v: v, add, add)  # not the identity function: the generic loop
    summing = Aggregator(identity, add, add)
    assert summing.combine_values(pairs) == generic.combine_values(pairs)
    assert summing.combine_combiners(pairs) == generic.combine_values(pairs)


def test_a_truncated_index_is_a_fetch_failure(tmp_path):
    resolver, _ = _write(tmp_path, 0, [(1, 1)], partitions=2)
    with open(resolver.files_for(0, 0).index_path, "r+b") as index:
        index.truncate(20)
    with pytest.raises(FetchFailedError, match="map 0.*truncated or corrupted"):
        _read(resolver, 1, [0])


def test_an_unreadable_map_output_is_raised_as_itself_not_retried_as_a_fetch_failure(tmp_path, monkeypatch):
    resolver, _ = _write(tmp_path, 0, [(1, 1)], partitions=2)

    def no_permission(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(index_file, "open", no_permission, raising=False)
    with pytest.raises(PermissionError) as info:
        _read(resolver, 1, [0])
    assert "while reading shuffle 0 map 0 block for reduce partition 1" in info.value.__notes__


def test_a_block_fetched_from_another_node_is_checked_against_its_index_checksum(tmp_path):
    resolver, _ = _write(tmp_path, 0, [(i, "v" * 20) for i in range(400)], partitions=2)
    block, checksum = index_file.read_checked_block(resolver.files_for(0, 0), 1, 0, 0)
    assert index_file.verify_fetched_block(block, checksum, 0, 0, 1, "3") == block
    damaged = bytes([block[0] ^ 0xFF]) + block[1:]
    with pytest.raises(FetchFailedError, match="fetched from executor 3 is corrupted") as info:
        index_file.verify_fetched_block(damaged, checksum, 0, 0, 1, "3")
    assert (info.value.shuffle_id, info.value.map_id, info.value.reduce_id) == (0, 0, 1)
