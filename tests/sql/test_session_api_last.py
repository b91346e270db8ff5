"""The rest of SparkSession's surface and of the readers and writers.

Builder, conf and catalog as class-level names; emptyDataFrame; tags and interruption;
table-valued functions; artifacts; Python data sources; ORC; bucketBy, sortBy, clusterBy,
xml and changes. Expected values and error texts are PySpark 4.3's, captured by running the
same calls on PySpark.
"""

from __future__ import annotations

import os
import threading
import time

import pyarrow as pa
import pytest

from ember.errors import (JobCancelledError, PySparkNotImplementedError, PySparkRuntimeError, PySparkTypeError,
                          PySparkValueError)
from ember.sql import Row, SparkSession
from ember.sql import functions as F
from ember.sql import types as T
from ember.sql.datasource import DataSource, DataSourceReader, InputPartition
from ember.sql.errors import AnalysisException, IllegalArgumentException


# ------------------------------------------------------------------ class-level names
def test_builder_conf_and_catalog_are_what_pyspark_has():
    assert isinstance(SparkSession.Builder, type)
    assert isinstance(SparkSession.builder, SparkSession.Builder)
    assert isinstance(SparkSession.__dict__["conf"], property)
    assert isinstance(SparkSession.__dict__["catalog"], property)


def test_emptyDataFrame_has_the_schema_and_no_rows(spark):
    df = spark.emptyDataFrame("a INT, b STRING")
    # From PySpark 4.3.
    assert df.schema == T.StructType([T.StructField("a", T.IntegerType(), True),
                                      T.StructField("b", T.StringType(), True)])
    assert df.count() == 0
    schema = T.StructType([T.StructField("x", T.LongType(), False)])
    assert spark.emptyDataFrame(schema).schema == schema


# ------------------------------------------------------------------ tags and interruption
def test_tags_are_added_removed_and_cleared(spark):
    try:
        spark.addTag("t1")
        spark.addTag("t2")
        assert spark.getTags() == {"t1", "t2"}
        spark.removeTag("t1")
        spark.removeTag("never-added")
        assert spark.getTags() == {"t2"}
        spark.clearTags()
        assert spark.getTags() == set()
    finally:
        spark.clearTags()


def test_bad_tags_are_refused_as_pyspark(spark):
    # From PySpark 4.3.
    for tag, message in ((",", "Spark job tag cannot contain ','."), ("", "Spark job tag cannot be an empty string."),
                         (None, "Spark job tag cannot be null.")):
        with pytest.raises(IllegalArgumentException) as e:
            spark.addTag(tag)
        assert str(e.value) == message
    assert spark.getTags() == set()


def test_interrupts_with_nothing_running_return_no_ids(spark):
    # From PySpark 4.3.
    assert spark.interruptAll() == []
    assert spark.interruptTag("x") == []
    assert spark.interruptOperation("1") == []
    with pytest.raises(IllegalArgumentException, match="^executionId must be a number in string form.$"):
        spark.interruptOperation("abc")


def test_interruptTag_cancels_the_jobs_tagged_in_another_thread(spark):
    sc = spark.sparkContext
    failure: list[BaseException] = []

    def run() -> None:
        spark.addTag("slow")
        try:
            sc.parallelize([1], 1).map(lambda x: time.sleep(60)).collect()
        except BaseException as e:
            failure.append(e)
        finally:
            spark.clearTags()

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.time() + 30
    while not sc.statusTracker().getActiveJobsIds() and time.time() < deadline:
        time.sleep(0.05)
    active = sc.statusTracker().getActiveJobsIds()
    assert spark.interruptTag("other") == []
    assert spark.interruptTag("slow") == [str(j) for j in active]
    worker.join(30)
    assert not worker.is_alive()
    assert isinstance(failure[0], JobCancelledError)
    assert spark.range(3).count() == 3  # the session stays usable


# ------------------------------------------------------------------ table-valued functions
def test_tvf_generators_give_pysparks_rows(spark):
    tvf = spark.tvf
    # From PySpark 4.3.
    assert tvf.range(1, 7, 2).collect() == [Row(id=1), Row(id=3), Row(id=5)]
    assert tvf.range(0, 10, 3, 2).rdd.getNumPartitions() == 2
    assert tvf.explode(F.array(F.lit(1), F.lit(2))).collect() == [Row(col=1), Row(col=2)]
    assert tvf.explode(F.create_map(F.lit("a"), F.lit(1))).collect() == [Row(key="a", value=1)]
    assert tvf.explode(F.lit(None).cast("array<int>")).collect() == []
    assert tvf.explode_outer(F.lit(None).cast("array<int>")).collect() == [Row(col=None)]
    inline = tvf.inline(F.array(F.struct(F.lit(1).alias("a"), F.lit("x").alias("b"))))
    assert inline.collect() == [Row(a=1, b="x")]
    assert tvf.inline_outer(F.lit(None).cast("array<struct<a:int>>")).collect() == [Row(a=None)]
    assert tvf.json_tuple(F.lit('{"a":1,"b":2}'), F.lit("a"), F.lit("b")).collect() == [Row(c0="1", c1="2")]
    assert tvf.posexplode(F.array(F.lit("x"), F.lit("y"))).collect() == [Row(pos=0, col="x"), Row(pos=1, col="y")]
    assert tvf.posexplode_outer(F.lit(None).cast("array<int>")).collect() == [Row(pos=None, col=None)]
    stacked = tvf.stack(F.lit(2), F.lit(1), F.lit(2), F.lit(3))
    assert stacked.collect() == [Row(col0=1, col1=2), Row(col0=3, col1=None)]
    assert stacked.columns == ["col0", "col1"]


def test_tvf_errors(spark):
    with pytest.raises(PySparkValueError) as e:
        spark.tvf.json_tuple(F.lit("{}"))
    # From PySpark 4.3.
    assert str(e.value) == "[CANNOT_BE_EMPTY] At least one field must be specified."
    with pytest.raises(AnalysisException) as e:
        spark.tvf.explode(F.col("x")).collect()
    assert e.value.getCondition() == "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION"
    with pytest.raises(AnalysisException) as e:
        spark.tvf.explode(F.lit(1)).collect()
    assert e.value.getCondition() == "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"
    for name in ("sql_keywords", "collations", "python_worker_logs"):
        with pytest.raises(AnalysisException, match=f"table-valued function {name} is not supported"):
            getattr(spark.tvf, name)()


# ------------------------------------------------------------------ artifacts
def test_addArtifacts_ships_files_as_pyspark(spark, tmp_path):
    from ember import SparkFiles

    path = tmp_path / "ember_artifact_probe.txt"
    path.write_text("X=1\n")
    spark.addArtifacts(str(path), file=True)
    spark.addArtifact(str(path), file=True)  # the same contents again: nothing happens
    assert open(SparkFiles.get("ember_artifact_probe.txt")).read() == "X=1\n"
    assert spark.sparkContext.parallelize([0], 1).map(
        lambda _: open(SparkFiles.get("ember_artifact_probe.txt")).read()).collect() == ["X=1\n"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "ember_artifact_probe.txt").write_text("different")
    with pytest.raises(PySparkRuntimeError, match="DUPLICATED_ARTIFACT"):
        spark.addArtifacts(str(other / "ember_artifact_probe.txt"), file=True)
    with pytest.raises(PySparkValueError) as e:
        spark.addArtifacts(str(path), pyfile=True, file=True)
    # From PySpark 4.3.
    assert str(e.value) == ("[INVALID_MULTIPLE_ARGUMENT_CONDITIONS] ['pyfile', 'archive' and/or 'file'] cannot be "
                            "True together.")


# ------------------------------------------------------------------ Python data sources
class _Squares(DataSource):
    @classmethod
    def name(cls) -> str:
        return "squares_test"

    def schema(self) -> str:
        return "id INT, sq STRING"

    def reader(self, schema: T.StructType) -> DataSourceReader:
        return _SquaresReader(int(self.options.get("n", 3)))


class _SquaresReader(DataSourceReader):
    def __init__(self, n: int):
        self.n = n

    def partitions(self) -> list[InputPartition]:
        return [InputPartition(i) for i in range(self.n)]

    def read(self, partition: InputPartition):
        yield (partition.value, str(partition.value ** 2))


class _ArrowSource(DataSource):
    def reader(self, schema: T.StructType) -> DataSourceReader:
        return _ArrowReader()


class _ArrowReader(DataSourceReader):
    def read(self, partition: InputPartition):
        yield pa.RecordBatch.from_pydict({"a": pa.array([1, 2], pa.int64())})


class _WrongWidth(DataSource):
    def schema(self) -> str:
        return "a INT, b INT"

    def reader(self, schema: T.StructType) -> DataSourceReader:
        return _WrongWidthReader()


class _WrongWidthReader(DataSourceReader):
    def read(self, partition: InputPartition):
        yield (1,)


def test_python_data_source_reads_one_task_per_partition(spark):
    spark.dataSource.register(_Squares)
    df = spark.read.format("squares_test").option("N", 4).load()
    assert df.schema == T.StructType([T.StructField("id", T.IntegerType()), T.StructField("sq", T.StringType())])
    assert df.rdd.getNumPartitions() == 4
    assert sorted(df.collect()) == [Row(id=0, sq="0"), Row(id=1, sq="1"), Row(id=2, sq="4"), Row(id=3, sq="9")]
    assert sorted(df.filter("id > 1").select("sq").collect()) == [Row(sq="4"), Row(sq="9")]


def test_python_data_source_takes_the_readers_schema_and_arrow_batches(spark):
    spark.dataSource.register(_ArrowSource)
    df = spark.read.format("_ArrowSource").schema("a LONG").load()
    assert df.collect() == [Row(a=1), Row(a=2)]  # one partition (of value None) when partitions() is not given
    with pytest.raises(PySparkNotImplementedError, match="schema is not implemented"):
        spark.read.format("_arrowsource").load()


def test_python_data_source_rows_must_fit_the_schema(spark):
    spark.dataSource.register(_WrongWidth)
    with pytest.raises(PySparkRuntimeError, match=r"DATA_SOURCE_RETURN_SCHEMA_MISMATCH.*Expected: 2 columns, "
                                                  r"Found: 1 columns"):
        spark.read.format("_WrongWidth").load().collect()
    with pytest.raises(AnalysisException, match="Writing to the Python data source '_wrongwidth' is not supported"):
        spark.range(1).write.format("_WrongWidth").save("/nowhere")


def test_register_takes_only_data_source_classes(spark):
    with pytest.raises(TypeError, match="DATA_SOURCE_TYPE_MISMATCH"):
        spark.dataSource.register(int)


# ------------------------------------------------------------------ ORC
def test_orc_round_trip_keeps_types_and_values(spark, tmp_path):
    df = spark.sql("SELECT 1Y b, 2S s, 3 i, 4L l, 1.5F f, 2.5D d, 1.25BD dec, 'x' str, DATE'2024-01-02' dt, "
                   "TIMESTAMP'2024-01-02 03:04:05' ts, array(1,2) arr, map('a',1) mp, named_struct('x',1) st, true bo")
    df.write.orc(str(tmp_path / "o"))
    back = spark.read.orc(str(tmp_path / "o"))
    # From PySpark 4.3 (the same query written and read back).
    assert back.schema.simpleString() == ("struct<b:tinyint,s:smallint,i:int,l:bigint,f:float,d:double,"
                                          "dec:decimal(3,2),str:string,dt:date,ts:timestamp,arr:array<int>,"
                                          "mp:map<string,int>,st:struct<x:int>,bo:boolean>")
    assert back.collect() == df.collect()
    assert back.select("st", "i").collect() == [Row(st=Row(x=1), i=3)]


def test_orc_codecs_name_the_files_as_spark(spark, tmp_path):
    df = spark.range(4)
    endings = {}
    for codec in (None, "none", "snappy", "zlib", "lz4", "zstd"):
        out = tmp_path / str(codec)
        df.write.orc(str(out), compression=codec)
        endings[codec] = {f.split(".", 1)[1] for f in os.listdir(out) if f.startswith("part-")}
        assert sorted(spark.read.orc(str(out)).collect()) == sorted(df.collect())
    # From PySpark 4.3: zstd by default; "none" writes plain ".orc".
    assert endings[None] == {"c000.zstd.orc"} and endings["none"] == {"c000.orc"}
    assert endings["snappy"] == {"c000.snappy.orc"} and endings["zlib"] == {"c000.zlib.orc"}
    with pytest.raises(IllegalArgumentException) as e:
        df.write.orc(str(tmp_path / "bad"), compression="gzip")
    assert str(e.value) == ("[CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION] The codec gzip is not available. "
                            "Available codecs are brotli, uncompressed, lz4, lzo, snappy, zlib, none, zstd. "
                            "SQLSTATE: 56038")


def test_orc_partitions_and_merged_schemas(spark, tmp_path):
    df = spark.range(4).selectExpr("id", "cast(id as string) s", "id % 2 AS k")
    df.write.orc(str(tmp_path / "p"), partitionBy="k")
    back = spark.read.orc(str(tmp_path / "p"))
    # From PySpark 4.3: the partition column is inferred as int.
    assert [(f.name, f.dataType) for f in back.schema.fields] == [
        ("id", T.LongType()), ("s", T.StringType()), ("k", T.IntegerType())]
    assert sorted(back.collect()) == [Row(id=0, s="0", k=0), Row(id=1, s="1", k=1), Row(id=2, s="2", k=0),
                                      Row(id=3, s="3", k=1)]
    spark.range(2).write.orc(str(tmp_path / "m" / "one"))
    spark.range(2).selectExpr("id", "id * 10 AS ten").write.orc(str(tmp_path / "m" / "two"))
    merged = spark.read.option("mergeSchema", "true").option("recursiveFileLookup", "true").orc(str(tmp_path / "m"))
    assert sorted(merged.columns) == ["id", "ten"]
    rows = sorted(((r.id, r.ten) for r in merged.collect()), key=lambda r: (r[0], r[1] is not None))
    assert rows == [(0, None), (0, 0), (1, None), (1, 10)]  # a column a file lacks reads as NULL


# ------------------------------------------------------------------ bucketBy, sortBy, clusterBy, xml, changes
def test_bucketBy_and_sortBy_are_checked_as_pyspark(spark, tmp_path):
    df = spark.range(4)
    with pytest.raises(PySparkTypeError) as e:
        df.write.bucketBy("x", "id")
    # From PySpark 4.3.
    assert str(e.value) == "[NOT_EXPECTED_TYPE] Argument `numBuckets` should be int, got str."
    with pytest.raises(PySparkValueError, match="CANNOT_SET_TOGETHER"):
        df.write.bucketBy(2, ["id"], "x")
    with pytest.raises(AnalysisException) as e:
        df.write.sortBy("id").parquet(str(tmp_path / "s"))
    assert str(e.value) == "[SORT_BY_WITHOUT_BUCKETING] sortBy must be used together with bucketBy. SQLSTATE: 42601"
    with pytest.raises(AnalysisException, match="^'save' does not support bucketBy right now.$"):
        df.write.bucketBy(2, "id").parquet(str(tmp_path / "b"))


def test_bucketed_and_clustered_tables_are_refused_by_name(spark, tmp_path):
    df = spark.range(4)
    with pytest.raises(AnalysisException, match="bucketBy: Ember cannot write bucketed tables"):
        df.write.bucketBy(2, "id").sortBy("id").saveAsTable("ember_bucketed")
    with pytest.raises(AnalysisException, match="clusterBy: Ember's warehouse tables do not record"):
        df.write.clusterBy("id").saveAsTable("ember_clustered")
    assert not spark.catalog.tableExists("ember_bucketed")
    df.write.clusterBy("id").parquet(str(tmp_path / "c"))  # PySpark 4.3 writes a path as usual
    assert spark.read.parquet(str(tmp_path / "c")).count() == 4
    with pytest.raises(AssertionError, match="clusterBy needs one or more clustering columns."):
        df.write.clusterBy()


def test_xml_is_refused_and_changes_raises_sparks_error(spark, tmp_path):
    with pytest.raises(AnalysisException, match="Ember cannot read the XML format"):
        spark.read.xml(str(tmp_path), rowTag="row")
    with pytest.raises(AnalysisException, match="Ember cannot read the XML format"):
        spark.read.format("xml").load(str(tmp_path))
    with pytest.raises(AnalysisException, match="Ember cannot write the XML format"):
        spark.range(1).write.xml(str(tmp_path / "x"), rowTag="r")
    with pytest.raises(AnalysisException) as e:
        spark.read.option("startingVersion", "0").changes("t")
    # From PySpark 4.3 (the session catalog has no change data capture).
    assert str(e.value) == ("[UNSUPPORTED_FEATURE.CHANGE_DATA_CAPTURE] The feature is not supported: Catalog "
                            "spark_catalog does not support Change Data Capture (CDC). SQLSTATE: 0A000")
