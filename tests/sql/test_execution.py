"""How physical plans become RDDs: what each task is sent."""

from __future__ import annotations

import cloudpickle
import pyarrow as pa


def test_local_scan_ships_each_slice_only_to_its_partition(spark):
    table = pa.table({"x": list(range(200_000)), "s": ["some text"] * 200_000})
    df = spark.createDataFrame(table).repartition(1)
    rdd = spark.createDataFrame(table)._qe.to_rdd()
    stage_bytes = len(cloudpickle.dumps(rdd))
    assert stage_bytes < table.nbytes / 20, stage_bytes
    assert rdd.getNumPartitions() == spark.sparkContext.defaultParallelism
    assert df.count() == 200_000
    assert sorted(r.x for r in spark.createDataFrame(table).select("x").collect()) == list(range(200_000))
