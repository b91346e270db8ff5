"""How physical plans become RDDs: what each task is sent, and what crosses a shuffle."""

from __future__ import annotations

import pickle

import cloudpickle
import numpy as np
import pyarrow as pa
import pytest

from ember.sql.physical.batches import ArrowIPC
from ember.sql.physical.exchange import split_by_partition
from ember.sql.physical.execution import local_slices


def _table(n: int) -> pa.Table:
    return pa.table({"x": np.arange(n), "s": ["some text"] * n})


def test_local_scan_ships_each_slice_only_to_its_partition(spark):
    table = _table(200_000)
    rdd = spark.createDataFrame(table)._qe.to_rdd()
    assert len(cloudpickle.dumps(rdd)) < table.nbytes / 20  # the stage holds no data
    assert rdd.getNumPartitions() == spark.sparkContext.defaultParallelism
    slices = local_slices(table, 4)
    assert sum(len(pickle.dumps(s)) for s in slices) < table.nbytes * 1.2  # each slice owns its rows only
    assert sorted(r.x for r in spark.createDataFrame(table).select("x").collect()) == list(range(200_000))


def test_shuffled_pieces_do_not_carry_their_parent_batch():
    batch = _table(100_000).to_batches()[0]
    pids = np.arange(batch.num_rows) % 8
    pieces = list(split_by_partition(batch, pids, 8))
    assert [p for p, _ in pieces] == list(range(8))
    shuffled = [pickle.dumps(ArrowIPC(b)) for _, b in pieces]  # what crosses the shuffle
    assert sum(len(data) for data in shuffled) < batch.nbytes * 1.2
    assert [pickle.loads(data) for data in shuffled] == [b for _, b in pieces]
    assert sorted(x for _, b in pieces for x in b.column("x").to_pylist()) == list(range(100_000))


@pytest.mark.parametrize("num_partitions", [3, 300, 70_000])
def test_split_keeps_each_partitions_rows_in_their_order(num_partitions):
    batch = _table(20_000).to_batches()[0]
    pids = np.random.default_rng(7).integers(0, num_partitions, batch.num_rows)
    pieces = dict(split_by_partition(batch, pids, num_partitions))
    assert sorted(pieces) == sorted(set(pids.tolist()))
    for pid, piece in pieces.items():
        assert piece.column("x").to_pylist() == batch.column("x").filter(pa.array(pids == pid)).to_pylist()


@pytest.mark.parametrize("value,broadcast", [("10m", True), ("10MB", True), ("1048576", True), ("-1", False)])
def test_size_settings_take_spark_size_strings(spark, value, broadcast):
    df = spark.createDataFrame([(1, 2)], "a INT, b INT")
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", value)
    try:
        joined = df.join(df, "a")
        assert ("BroadcastHashJoin" in joined._qe.physical.tree_string()) is broadcast
        assert [tuple(r) for r in joined.collect()] == [(1, 2, 2)]
    finally:
        spark.conf.unset("spark.sql.autoBroadcastJoinThreshold")


def test_a_bad_size_setting_names_its_key(spark):
    from ember.errors import EmberValueError

    spark.conf.set("spark.sql.files.maxPartitionBytes", "lots")
    try:
        with pytest.raises(EmberValueError, match="invalid value 'lots' for spark.sql.files.maxPartitionBytes"):
            spark.range(3).collect()
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    assert spark.range(3).count() == 3
