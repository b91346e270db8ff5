"""DataFrame methods beyond the core: toDF, withColumnsRenamed, transform, tail, to, hint,
colRegex, column ordinals, sameSemantics, inputFiles, storage levels, checkpoints, global
temporary views and unionByName. Expected rows, names and errors were captured from PySpark
4.3 (local[1]) on the same inputs."""

from __future__ import annotations

import math

import pytest

from ember.errors import EmberIndexError
from ember.sql import AnalysisException, Row
from ember.sql import functions as F
from ember.sql import types as T
from ember.sql.errors import EmberTypeError, EmberValueError

ROWS = [(1, "a", 1.0), (2, "b", 3.0), (3, "a", 2.0), (4, "b", 8.0), (5, "a", 7.0)]


@pytest.fixture
def df(spark):
    return spark.createDataFrame(ROWS, ["id", "s", "x"])


def _rows(rows):
    return [tuple(r) for r in rows]


# ---------------------------------------------------------------- renaming and reshaping
def test_toDF_renames_every_column_in_order(df):
    assert df.toDF("p", "q", "r").collect()[0] == Row(p=1, q="a", r=1.0)
    assert df.toDF("p", "q", "r").columns == ["p", "q", "r"]


def test_toDF_with_the_wrong_number_of_names_is_an_arity_mismatch(df):
    with pytest.raises(AnalysisException) as e:
        df.toDF("p")
    assert e.value.error_class == "ASSIGNMENT_ARITY_MISMATCH"
    assert "assigned or aliased: 3 does not match the number of source expressions: 1." in str(e.value)


def test_toDF_names_must_be_strings(df):
    with pytest.raises(EmberTypeError, match=r"\[NOT_EXPECTED_TYPE\] Argument `cols` should be list\[str\], got int"):
        df.toDF("a", 1, "c")


def test_withColumnsRenamed_renames_case_insensitively_and_ignores_missing_names(df):
    assert df.withColumnsRenamed({"id": "k", "S": "t", "nope": "z"}).columns == ["k", "t", "x"]
    assert df.withColumnsRenamed({"id": "s"}).columns == ["s", "s", "x"]


def test_withColumnsRenamed_takes_a_dict(df):
    with pytest.raises(EmberTypeError, match=r"Argument `colsMap` should be dict, got list"):
        df.withColumnsRenamed([("id", "k")])


def test_transform_passes_extra_arguments_and_checks_the_result(df):
    assert df.transform(lambda d, n: d.limit(n), 1).collect() == [Row(id=1, s="a", x=1.0)]
    with pytest.raises(AssertionError, match=r"Func returned an instance of type \[<class 'int'>\], should have "
                                             r"been DataFrame."):
        df.transform(lambda d: 1)


def test_tail_returns_the_last_rows(spark):
    df = spark.createDataFrame([(1, "a", 1.0), (2, "b", 2.0), (3, "a", float("nan")), (4, None, 4.0)],
                               ["id", "s", "x"])
    last = df.tail(2)
    assert last[1] == Row(id=4, s=None, x=4.0)
    assert last[0][:2] == (3, "a") and math.isnan(last[0][2])
    assert df.tail(0) == []
    assert spark.range(10).repartition(3).orderBy("id").tail(3) == [Row(id=7), Row(id=8), Row(id=9)]


# ---------------------------------------------------------------- to(schema)
def test_to_reorders_and_casts_by_name(df):
    schema = T.StructType([T.StructField("x", T.StringType()), T.StructField("id", T.LongType())])
    assert df.to(schema).collect() == [
        Row(x="1.0", id=1), Row(x="3.0", id=2), Row(x="2.0", id=3), Row(x="8.0", id=4), Row(x="7.0", id=5)]
    narrowed = df.to(T.StructType([T.StructField("id", T.IntegerType()), T.StructField("x", T.LongType())]))
    assert narrowed.schema == T.StructType([T.StructField("id", T.IntegerType()), T.StructField("x", T.LongType())])
    assert _rows(narrowed.collect()) == [(1, 1), (2, 3), (3, 2), (4, 8), (5, 7)]


def test_to_fills_a_missing_nullable_column_with_nulls(df):
    schema = T.StructType([T.StructField("nope", T.StringType()), T.StructField("ID", T.IntegerType())])
    assert df.to(schema).collect()[:2] == [Row(nope=None, ID=1), Row(nope=None, ID=2)]


def test_to_refuses_what_spark_refuses(df):
    with pytest.raises(AnalysisException) as e:
        df.to(T.StructType([T.StructField("nope", T.StringType(), False)]))
    assert e.value.error_class == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    with pytest.raises(AnalysisException) as e:
        df.to(T.StructType([T.StructField("s", T.IntegerType())]))
    assert str(e.value) == ("[INVALID_COLUMN_OR_FIELD_DATA_TYPE] Column or field `s` is of type \"STRING\" while "
                            "it's required to be \"INT\". SQLSTATE: 42000")
    with pytest.raises(AnalysisException) as e:
        df.to(T.StructType([T.StructField("s", T.StringType(), False)]))
    assert str(e.value) == ("[NULLABLE_COLUMN_OR_FIELD] Column or field `s` is nullable while it's required to be "
                            "non-nullable. SQLSTATE: 42000")


def test_to_does_not_cast_boolean_to_int(spark):
    with pytest.raises(AnalysisException, match="INVALID_COLUMN_OR_FIELD_DATA_TYPE"):
        spark.createDataFrame([(True,)], ["b"]).to(T.StructType([T.StructField("b", T.IntegerType())]))


# ---------------------------------------------------------------- hints
def test_broadcast_hint_makes_the_join_broadcast_that_side(spark, df):
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1")
    try:
        plain = df.join(df.select("id"), "id")._qe.physical.tree_string()
        hinted = df.join(df.select("id").hint("broadcast"), "id")
        assert "BroadcastHashJoin" not in plain
        assert "BroadcastHashJoin" in hinted._qe.physical.tree_string()
        assert sorted(_rows(hinted.collect())) == sorted(ROWS)
    finally:
        spark.conf.unset("spark.sql.autoBroadcastJoinThreshold")


def test_other_hints_are_accepted_and_change_no_rows(df):
    assert df.hint("merge").count() == 5
    assert df.hint("shuffle_hash").count() == 5
    assert df.hint("nope", 1).count() == 5
    assert df.hint("coalesce", 1).rdd.getNumPartitions() == 1


def test_hint_arguments_are_checked_as_pyspark_does(df):
    with pytest.raises(EmberTypeError, match=r"Argument `name` should be str, got int"):
        df.hint(1)
    with pytest.raises(EmberTypeError, match=r"DISALLOWED_TYPE_FOR_CONTAINER.*got dict"):
        df.hint("broadcast", {"a": 1})
    with pytest.raises(AnalysisException) as e:
        df.hint("broadcast", 1.5)
    assert e.value.error_class == "_LEGACY_ERROR_TEMP_1046"
    assert "Join strategy hint parameter should be an identifier or string but was \"1.5\"" in str(e.value)


# ---------------------------------------------------------------- colRegex
def test_colRegex_selects_the_columns_whose_whole_name_matches(df):
    assert df.select(df.colRegex("`(id)?+.+`")).columns == ["s", "x"]
    assert df.select(df.colRegex("`i.`")).columns == ["id"]
    assert df.select(df.colRegex("`zz`")).columns == []
    assert df.select(df.colRegex("id")).columns == ["id"]
    assert df.alias("t").select(F.col("t.id"), df.colRegex("`x|S`")).columns == ["id", "s", "x"]


def test_colRegex_of_one_column_works_in_a_filter(df):
    assert _rows(df.filter(df.colRegex("`id`") > 3).collect()) == [(4, "b", 8.0), (5, "a", 7.0)]


def test_colRegex_takes_a_string(df):
    with pytest.raises(EmberTypeError, match=r"Argument `colName` should be str, got int"):
        df.colRegex(1)


# ---------------------------------------------------------------- ordinals
def test_groupBy_takes_1_based_column_ordinals(df):
    assert sorted(df.groupBy(2).count().collect()) == [Row(s="a", count=3), Row(s="b", count=2)]
    assert df.groupBy(2).count().columns == ["s", "count"]
    assert sorted(_rows(df.groupBy(2, "id").count().collect()))[:2] == [("a", 1, 1), ("a", 3, 1)]
    assert sorted(_rows(df.groupBy(2).agg(F.sum("id")).collect())) == [("a", 9), ("b", 6)]


def test_orderBy_takes_ordinals_negative_for_descending(df):
    assert [r.id for r in df.orderBy(3).collect()] == [1, 3, 2, 5, 4]
    assert [r.id for r in df.orderBy(-3).collect()] == [4, 5, 2, 3, 1]
    assert [r.id for r in df.sort(2, -1).collect()] == [5, 3, 1, 4, 2]
    assert [r.id for r in df.orderBy(1, ascending=False).collect()][:2] == [5, 4]


def test_bad_ordinals_raise_pysparks_errors(df):
    with pytest.raises(EmberIndexError, match=r"\[INDEX_NOT_POSITIVE\] Index must be positive, got '0'."):
        df.groupBy(0)
    with pytest.raises(EmberIndexError, match=r"\[ZERO_INDEX\] Index must be non-zero."):
        df.orderBy(0)
    with pytest.raises(IndexError, match="list index out of range"):
        df.groupBy(9)
    with pytest.raises(IndexError, match="list index out of range"):
        df.sort(5)


# ---------------------------------------------------------------- plan questions
def test_sameSemantics_ignores_attribute_ids_but_not_the_data(spark, df):
    assert df.filter("id > 1").sameSemantics(df.filter("id > 1"))
    assert not df.filter("id > 1").sameSemantics(df.filter("id > 2"))
    other = spark.createDataFrame(ROWS, ["id", "s", "x"])
    assert not df.sameSemantics(other)
    assert df.filter("id > 1").semanticHash() == df.filter("id > 1").semanticHash()
    assert isinstance(df.semanticHash(), int)
    with pytest.raises(EmberTypeError, match=r"Argument `other` should be DataFrame, got int"):
        df.sameSemantics(1)


def test_inputFiles_lists_the_files_read(spark, df, tmp_path):
    df.coalesce(1).write.csv(str(tmp_path / "c"), header=True)
    files = spark.read.csv(str(tmp_path / "c"), header=True).filter("id > 1").inputFiles()
    assert len(files) == 1 and "part-" in files[0]
    assert df.inputFiles() == []


def test_isLocal_and_isStreaming_answer_as_pyspark_for_ordinary_frames(spark, df):
    assert (df.isLocal(), spark.range(3).isLocal(), df.filter("id>1").isLocal()) == (False, False, False)
    assert df.isStreaming is False


def test_storageLevel_reports_the_cache(spark):
    from ember.storage.storage_level import StorageLevel

    df = spark.range(3)
    assert str(df.storageLevel) == "Serialized 1x Replicated"
    assert repr(df.storageLevel) == "StorageLevel(False, False, False, False, 1)"
    assert str(df.cache().storageLevel) == "Disk Memory Deserialized 1x Replicated"
    assert spark.range(2).persist(StorageLevel.DISK_ONLY).storageLevel == StorageLevel.DISK_ONLY


def test_localCheckpoint_keeps_the_rows_and_cuts_recomputation(df):
    checkpointed = df.localCheckpoint()
    assert _rows(checkpointed.filter("id > 3").collect()) == [(4, "b", 8.0), (5, "a", 7.0)]
    lazy = df.localCheckpoint(eager=False)
    assert lazy.count() == 5


def test_checkpoint_needs_a_checkpoint_directory(spark, df, tmp_path):
    sc = spark.sparkContext
    previous = sc.getCheckpointDir()
    if previous is None:
        with pytest.raises(EmberValueError, match="Checkpoint directory has not been set in the SparkContext"):
            df.checkpoint()
    sc.setCheckpointDir(str(tmp_path / "ckpt"))
    assert df.checkpoint().filter("id = 2").collect() == [Row(id=2, s="b", x=3.0)]


def test_streaming_and_pandas_on_spark_are_refused(df):
    with pytest.raises(EmberTypeError, match="pandas_api"):
        df.pandas_api()
    with pytest.raises(EmberTypeError, match="withWatermark is for streaming queries"):
        df.withWatermark("x", "1 minute")
    with pytest.raises(EmberTypeError, match="writeStream"):
        df.writeStream


def test_dropDuplicatesWithinWatermark_on_a_batch_frame_drops_duplicates(spark):
    df = spark.createDataFrame([(1, "a"), (1, "a"), (2, "b")], ["k", "v"])
    assert sorted(_rows(df.dropDuplicatesWithinWatermark().collect())) == [(1, "a"), (2, "b")]


def test_foreach_and_foreachPartition_run_on_every_row(spark, df):
    seen = spark.sparkContext.accumulator(0)
    df.foreach(lambda r: seen.add(r.id))
    assert seen.value == 15
    parts = spark.sparkContext.accumulator(0)
    df.foreachPartition(lambda rows: parts.add(sum(1 for _ in rows)))
    assert parts.value == 5


# ---------------------------------------------------------------- views
def test_global_temp_views_live_in_global_temp_and_other_sessions_see_them(spark, df):
    df.createGlobalTempView("gv_api")
    try:
        assert spark.table("global_temp.gv_api").count() == 5
        assert spark.sql("select count(*) c from global_temp.gv_api").collect() == [Row(c=5)]
        assert spark.newSession().table("global_temp.gv_api").count() == 5
        with pytest.raises(AnalysisException) as e:
            df.createGlobalTempView("gv_api")
        assert e.value.error_class == "TEMP_TABLE_OR_VIEW_ALREADY_EXISTS"
        with pytest.raises(AnalysisException, match="TABLE_OR_VIEW_NOT_FOUND"):
            spark.table("gv_api")
        df.filter("id < 5").createOrReplaceGlobalTempView("gv_api")
        assert spark.table("global_temp.gv_api").count() == 4
    finally:
        assert spark.catalog.dropGlobalTempView("gv_api") is True
    assert spark.catalog.dropGlobalTempView("gv_api") is False


def test_registerTempTable_is_createOrReplaceTempView(spark, df):
    df.registerTempTable("rt_api")
    try:
        assert spark.table("rt_api").count() == 5
    finally:
        spark.catalog.dropTempView("rt_api")


# ---------------------------------------------------------------- unions
def test_union_then_filter_plans_and_runs(spark):
    a = spark.createDataFrame([(1, "x"), (2, "y")], ["id", "s"])
    b = spark.createDataFrame([(3, "z")], ["id", "s"])
    assert sorted(_rows(a.union(b).filter(F.col("id") > 1).collect())) == [(2, "y"), (3, "z")]
    assert sorted(_rows(a.union(b).union(b).filter("id > 1").select("s").collect())) == [("y",), ("z",), ("z",)]
    assert sorted(_rows(a.unionByName(b.select("s", "id")).filter("id > 1").collect())) == [(2, "y"), (3, "z")]


def test_unionByName_allowMissingColumns_fills_both_sides(spark):
    a = spark.createDataFrame([(1, "x")], ["id", "s"])
    b = spark.createDataFrame([(7, 1.5)], ["id", "z"])
    union = a.unionByName(b, allowMissingColumns=True)
    assert union.columns == ["id", "s", "z"]
    assert union.filter("id > 0").collect() == [Row(id=1, s="x", z=None), Row(id=7, s=None, z=1.5)]


def test_unionByName_without_allowMissingColumns_names_the_missing_column(spark):
    a = spark.createDataFrame([(1, "x")], ["id", "s"])
    b = spark.createDataFrame([(7, 1.5)], ["id", "z"])
    with pytest.raises(AnalysisException) as e:
        a.unionByName(b)
    assert str(e.value) == ("[UNRESOLVED_COLUMN_AMONG_FIELD_NAMES] Cannot resolve column name \"s\" among (id, z). "
                            "SQLSTATE: 42703")


# ---------------------------------------------------------------- subqueries and the session
def test_scalar_and_exists_make_subquery_columns(spark):
    df = spark.createDataFrame([(1, 2.0), (2, 5.0)], ["id", "x"])
    out = spark.range(3).select("id", df.agg(F.max("x")).scalar())
    assert out.columns == ["id", "scalarsubquery()"]
    assert [tuple(r) for r in out.collect()] == [(0, 5.0), (1, 5.0), (2, 5.0)]
    assert spark.range(3).filter(df.filter("id > 1").exists()).count() == 3
    flags = spark.range(3).select("id", df.filter("id > 5").exists())
    assert flags.columns == ["id", "exists()"] and [r[1] for r in flags.collect()] == [False, False, False]


def test_scalar_of_several_columns_or_rows_fails(spark):
    df = spark.createDataFrame([(1, 2.0), (2, 5.0)], ["id", "x"])
    with pytest.raises(AnalysisException) as e:
        spark.range(3).select("id", df.scalar()).collect()
    assert e.value.error_class == "INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN"
    with pytest.raises(Exception, match="SCALAR_SUBQUERY_TOO_MANY_ROWS"):
        spark.range(3).select("id", df.select("x").scalar()).collect()


def test_SparkSession_active_is_the_active_session(spark):
    from ember.sql import SparkSession

    assert SparkSession.active() is SparkSession.getActiveSession()


def test_Column_transform_applies_the_function(df):
    assert df.select(F.col("id").transform(lambda c: c * 2).alias("d")).collect()[0] == Row(d=2)


def test_repartitionByRange_puts_sorted_ranges_in_partitions(spark):
    df = spark.range(0, 100, numPartitions=3).repartition(4)
    parts = df.repartitionByRange(3, "id").rdd.glom().collect()
    assert len(parts) == 3 and sum(len(p) for p in parts) == 100
    ranges = [(min(r.id for r in p), max(r.id for r in p)) for p in parts if p]
    assert all(a[1] < b[0] for a, b in zip(ranges, ranges[1:]))
    descending = [[r.id for r in p] for p in df.repartitionByRange(2, F.col("id").desc()).rdd.glom().collect()]
    assert min(descending[0]) > max(descending[1])
    before = spark.conf.get("spark.sql.shuffle.partitions")
    spark.conf.set("spark.sql.shuffle.partitions", "5")
    try:
        assert df.repartitionByRange("id").rdd.getNumPartitions() == 5  # spark.sql.shuffle.partitions
    finally:
        if before is None:
            spark.conf.unset("spark.sql.shuffle.partitions")
        else:
            spark.conf.set("spark.sql.shuffle.partitions", before)


def test_repartitionByRange_needs_columns(df):
    with pytest.raises(EmberValueError) as e:
        df.repartitionByRange(2)
    assert str(e.value) == "[CANNOT_BE_EMPTY] At least one partition-by expression must be specified."
    with pytest.raises(EmberTypeError, match=r"Argument `numPartitions` should be Column, int or str, got float"):
        df.repartitionByRange(2.0, "id")


def test_streaming_entry_points_of_the_session_are_refused(spark):
    with pytest.raises(EmberTypeError, match="readStream: streaming queries are not supported"):
        spark.readStream
    with pytest.raises(EmberTypeError, match="streams: streaming queries are not supported"):
        spark.streams


# ---------------------------------------------------------------- transpose
def test_transpose_turns_index_values_into_sorted_columns(spark):
    kv = spark.createDataFrame([("b", 1, 2), ("a", 3, 4)], ["k", "p", "q"])
    out = kv.transpose()
    assert out.schema == T.StructType([T.StructField("key", T.StringType(), False),
                                       T.StructField("a", T.LongType()), T.StructField("b", T.LongType())])
    assert [tuple(r) for r in out.collect()] == [("p", 3, 1), ("q", 4, 2)]
    numbers = spark.createDataFrame([(2, 1.5, 3), (10, 2.5, 4)], ["i", "a", "b"]).transpose()
    assert numbers.columns == ["key", "2", "10"]
    assert [tuple(r) for r in numbers.collect()] == [("a", 1.5, 2.5), ("b", 3.0, 4.0)]


def test_transpose_edges(spark):
    assert [tuple(r) for r in spark.createDataFrame([("x", 1), (None, 2)], "k string, a int").transpose()
            .collect()] == [("a", 1)]
    assert [tuple(r) for r in spark.createDataFrame([("x", None), ("y", 2)], "k string, a int").transpose()
            .collect()] == [("a", None, 2)]
    empty = spark.createDataFrame([], "k string, a int, b int").transpose()
    assert empty.columns == ["key"] and [tuple(r) for r in empty.collect()] == [("a",), ("b",)]
    single = spark.createDataFrame([("x",), ("y",)], "k string").transpose()
    assert single.columns == ["key", "x", "y"] and single.collect() == []
    dup = spark.createDataFrame([("x", 1), ("x", 2)], "k string, a int").transpose()
    assert dup.columns == ["key", "x", "x"] and [tuple(r) for r in dup.collect()] == [("a", 1, 2)]
    widened = spark.sql("select 'x' k, 1 a, 2L b, cast(1.5 as float) c").transpose()
    assert widened.schema.fields[1].dataType == T.DoubleType()


def test_transpose_errors(spark):
    kv = spark.createDataFrame([("b", 1, 2), ("a", 3, 4)], ["k", "p", "q"])
    with pytest.raises(AnalysisException) as e:
        kv.transpose(F.col("p"))
    assert str(e.value) == ("[TRANSPOSE_NO_LEAST_COMMON_TYPE] Transpose requires non-index columns to share a least "
                            "common type, but \"STRING\" and \"BIGINT\" do not. SQLSTATE: 42K09")
    with pytest.raises(AnalysisException, match=r"\"BIGINT\" and \"DECIMAL\(5,2\)\" do not"):
        spark.sql("select 'x' k, 1L a, cast(2.5 as decimal(5,2)) b").transpose()
    with pytest.raises(AnalysisException) as e:
        spark.createDataFrame([([1], 1)], "k array<int>, a int").transpose()
    assert str(e.value) == ("[TRANSPOSE_INVALID_INDEX_COLUMN] Invalid index column for TRANSPOSE because: Index "
                            "column must be of atomic type, but found: ArrayType(IntegerType,true) SQLSTATE: 42804")
    with pytest.raises(AnalysisException, match="Index column must be an atomic attribute"):
        kv.transpose(F.col("p") + 1)
    with pytest.raises(AnalysisException, match="UNRESOLVED_COLUMN.WITH_SUGGESTION"):
        kv.transpose("zz")
    spark.conf.set("spark.sql.transposeMaxValues", "1")
    try:
        with pytest.raises(AnalysisException) as e:
            kv.transpose()
        assert str(e.value) == ("[TRANSPOSE_EXCEED_ROW_LIMIT] Number of rows exceeds the allowed limit of 1 for "
                                "TRANSPOSE. If this was intended, set spark.sql.transposeMaxValues to at least the "
                                "current row count. SQLSTATE: 54006")
    finally:
        spark.conf.unset("spark.sql.transposeMaxValues")


def test_executionInfo_is_refused_as_in_pyspark_classic(df):
    with pytest.raises(EmberValueError) as e:
        df.executionInfo
    assert str(e.value) == ("[CLASSIC_OPERATION_NOT_SUPPORTED_ON_DF] Calling property or member 'queryExecution' is "
                            "not supported in PySpark Classic, please use Spark Connect instead.")
