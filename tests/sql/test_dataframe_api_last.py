"""The last DataFrame methods: observe and Observation, writeTo (DataFrameWriterV2), mergeInto
(MergeIntoWriter), repartitionById, zip, nearestByJoin, column metadata (withMetadata,
alias(metadata=)), lateralJoin and Column.outer, and the methods Ember refuses by name. Expected metrics, rows, metadata and
error classes were captured from PySpark 4.3 (classic session, local[2]) on the same inputs."""

from __future__ import annotations

import threading

import pytest

from ember.errors import (PySparkAssertionError, PySparkNotImplementedError, PySparkTypeError, PySparkValueError,
                          UnsupportedOperationException)
from ember.sql import AnalysisException, Observation, Row
from ember.sql import functions as F
from ember.sql.errors import SparkRuntimeException
from ember.sql.window import Window


@pytest.fixture
def df(spark):
    return spark.createDataFrame([("Alice", 2), ("Bob", 5), ("Carl", None)], ["name", "age"])


# ---------------------------------------------------------------- observe
def test_observe_computes_the_metrics_in_the_first_action(df):
    o = Observation("m")
    observed = df.observe(o, F.count(F.lit(1)).alias("count"), F.max("age"), F.sum("age").alias("s"),
                          F.avg("age"), (F.sum("age") + F.lit(1)).alias("s1"), F.lit(42).alias("c"),
                          F.collect_list("name").alias("names"))
    assert observed.count() == 3
    # From PySpark 4.3.
    expected = {"count": 3, "max(age)": 5, "s": 7, "avg(age)": 3.5, "s1": 8, "c": 42,
                "names": ["Alice", "Bob", "Carl"]}
    assert o.get == expected
    assert [type(v) for v in o.get.values()] == [int, int, int, float, int, int, list]


def test_later_actions_do_not_change_the_observed_metrics(df):
    o = Observation("m")
    observed = df.observe(o, F.count(F.lit(1)).alias("n"))
    observed.collect()
    assert observed.filter("age > 3").collect() == [Row(name="Bob", age=5)]
    assert o.get == {"n": 3}


def test_metrics_count_the_rows_flowing_through_not_those_a_later_filter_keeps(df):
    o = Observation("m")
    assert df.observe(o, F.count("*").alias("n")).filter("age > 2").count() == 1
    assert o.get == {"n": 3}  # From PySpark 4.3.


def test_metrics_of_no_rows_are_those_of_an_empty_aggregate(df):
    o = Observation("m")
    rows = df.filter("age > 100").observe(o, F.count("*").alias("n"), F.max("age").alias("mx"),
                                          F.sum("age").alias("s")).collect()
    assert rows == [] and o.get == {"n": 0, "mx": None, "s": None}  # From PySpark 4.3.


def test_a_global_sort_above_counts_each_row_once(spark):
    # The sort's range-bound sampling job reads the observed rows too: PySpark 4.3 counts them once.
    o = Observation("m")
    df = spark.range(0, 1000, 1, 4).observe(o, F.count("*").alias("n"), F.sum("id").alias("s"))
    assert [r.id for r in df.orderBy(F.col("id").desc()).collect()[:2]] == [999, 998]
    assert o.get == {"n": 1000, "s": 499500}


@pytest.mark.parametrize("action", [
    lambda d: d.groupBy("name").count().collect(),
    lambda d: d.join(d, "name").count(),
    lambda d: d.cache().count(),
    lambda d: d.foreach(lambda row: None),
])
def test_metrics_after_aggregates_self_joins_caches_and_foreach(df, action):
    o = Observation("m")
    action(df.observe(o, F.count("*").alias("n"), F.sum("age").alias("s")))
    assert o.get == {"n": 3, "s": 7}  # From PySpark 4.3 (foreach: plain Python).


def test_metrics_of_a_write_and_of_functions_without_a_partial_form(df, tmp_path):
    o = Observation("m")
    df.observe(o, F.first("name").alias("f"), F.stddev("age").alias("sd"), F.min("name").alias("mn"),
               F.lit(1), F.sum("age")).write.parquet(str(tmp_path / "out"))
    # From PySpark 4.3.
    assert o.get == {"f": "Alice", "sd": 2.1213203435596424, "mn": "Alice", "1": 1, "sum(age)": 7}


def test_metric_types_follow_the_columns(spark):
    o = Observation("m")
    spark.sql("SELECT CAST(1.5 AS DECIMAL(10,2)) d, DATE'2024-01-02' dt").observe(
        o, F.sum("d").alias("sd"), F.max("dt").alias("mdt"), F.lit(None).alias("nul")).collect()
    import datetime
    import decimal
    assert o.get == {"sd": decimal.Decimal("1.50"), "mdt": datetime.date(2024, 1, 2), "nul": None}


def test_get_waits_for_the_action_in_another_thread(df):
    o = Observation("m")
    observed = df.observe(o, F.count("*").alias("n"))
    seen = []
    reader = threading.Thread(target=lambda: seen.append(o.get))
    reader.start()
    reader.join(0.2)
    assert reader.is_alive() and not seen
    observed.collect()
    reader.join(30)
    assert seen == [{"n": 3}]


def test_observe_by_name_runs_without_an_observation(df):
    assert df.observe("named", F.count("*")).count() == 3


def test_observation_errors_are_pysparks(df):
    # Classes and messages from PySpark 4.3.
    with pytest.raises(PySparkAssertionError, match=r"\[NO_OBSERVE_BEFORE_GET\] Should observe by calling "
                       r"`DataFrame.observe` before `get`."):
        Observation("x").get
    o = Observation("m")
    df.observe(o, F.count("*"))
    with pytest.raises(PySparkAssertionError, match=r"\[REUSE_OBSERVATION\] An Observation can be used with a "
                       "DataFrame only once."):
        df.observe(o, F.count("*"))
    with pytest.raises(PySparkValueError, match=r"\[CANNOT_BE_EMPTY\] At least one exprs must be specified."):
        df.observe(Observation("e"))
    with pytest.raises(PySparkTypeError, match=r"Argument `exprs` should be list\[Column\], got tuple."):
        df.observe(Observation("e"), "age")
    with pytest.raises(PySparkTypeError, match="Argument `observation` should be Observation or str, got int."):
        df.observe(3, F.count("*"))
    with pytest.raises(PySparkTypeError, match="Argument `name` should be str, got int."):
        Observation(3)
    with pytest.raises(PySparkValueError, match="VALUE_NOT_NON_EMPTY_STR"):
        Observation("")


@pytest.mark.parametrize("metric, error, text", [
    (F.col("age"), "NON_AGGREGATE_FUNC_ARG_IS_ATTRIBUTE",
     'Attribute "age" can only be used as an argument to an aggregate function.'),
    (F.col("age") + F.sum("age"), "NON_AGGREGATE_FUNC_ARG_IS_ATTRIBUTE",
     'Attribute "(age + sum(age)) AS `(age + sum(age))`" can only be used as an argument to an aggregate function.'),
    (F.countDistinct("name").alias("d"), "AGGREGATE_EXPRESSION_WITH_DISTINCT_UNSUPPORTED",
     'Aggregate expressions with DISTINCT are not allowed in observed metrics, but found: "count(DISTINCT name) AS d".'),
    (F.sum("age").over(Window.partitionBy("name")).alias("w"), "WINDOW_EXPRESSIONS_UNSUPPORTED",
     "Window expressions are not allowed in observed metrics"),
])
def test_invalid_metrics_are_refused_as_spark_refuses_them(df, metric, error, text):
    with pytest.raises(AnalysisException) as e:
        df.observe(Observation("m"), metric)
    assert e.value.error_class == f"INVALID_OBSERVED_METRICS.{error}"  # From PySpark 4.3.
    assert f"Invalid observed metrics. {text}" in str(e.value)


def test_one_metric_name_for_two_different_metrics_is_refused(df):
    with pytest.raises(AnalysisException) as e:
        df.observe("nm", F.count("*")).observe("nm", F.max("age"))
    assert e.value.error_class == "DUPLICATED_METRICS_NAME"  # From PySpark 4.3.
    assert "The metric name is not unique: nm." in str(e.value)


def test_a_refused_observation_stays_unused(df):
    o = Observation("m")
    with pytest.raises(AnalysisException):
        df.observe(o, F.col("age"))
    df.observe(o, F.count("*").alias("n")).collect()
    assert o.get == {"n": 3}


# ---------------------------------------------------------------- writeTo and mergeInto
@pytest.fixture
def warehouse_spark(sc, tmp_path):
    from ember.sql import SparkSession

    active = SparkSession._active
    yield SparkSession(sc, {"spark.sql.shuffle.partitions": "2", "spark.sql.warehouse.dir": str(tmp_path / "wh")})
    SparkSession._active = active


@pytest.fixture
def people(warehouse_spark):
    return warehouse_spark.createDataFrame([("Alice", 2), ("Bob", 5)], ["name", "age"])


def test_writeTo_create_makes_a_warehouse_table(warehouse_spark, people):
    people.writeTo("t1").create()
    assert warehouse_spark.table("t1").orderBy("name").collect() == [Row(name="Alice", age=2), Row(name="Bob", age=5)]
    people.writeTo("t2").partitionedBy("age").using("parquet").create()
    assert warehouse_spark.table("t2").columns == ["name", "age"]
    assert sorted(warehouse_spark.table("t2").collect()) == [Row(name="Alice", age=2), Row(name="Bob", age=5)]
    warehouse_spark.sql("CREATE DATABASE d1")
    people.writeTo("d1.t3").create()
    people.writeTo("spark_catalog.default.t4").create()
    assert warehouse_spark.table("d1.t3").count() == 2 and warehouse_spark.table("t4").count() == 2


def test_writeTo_errors_are_sparks_for_session_catalog_tables(warehouse_spark, people):
    # Error classes from PySpark 4.3: the session catalog's tables are v1 tables.
    for write in (lambda w: w.append(), lambda w: w.overwrite(F.lit(True)), lambda w: w.overwritePartitions()):
        with pytest.raises(AnalysisException) as e:
            write(people.writeTo("t1"))
        assert e.value.error_class == "TABLE_OR_VIEW_NOT_FOUND"
    people.writeTo("t1").create()
    with pytest.raises(AnalysisException) as e:
        people.writeTo("t1").create()
    assert e.value.error_class == "TABLE_OR_VIEW_ALREADY_EXISTS"
    for write in (lambda w: w.append(), lambda w: w.overwrite(F.col("age") > 3), lambda w: w.overwritePartitions()):
        with pytest.raises(AnalysisException, match=r"Cannot write into v1 table: `spark_catalog`.`default`.`t1`."):
            write(people.writeTo("t1"))
    for name in ("t1", "missing"):
        for write in (lambda w: w.replace(), lambda w: w.createOrReplace()):
            with pytest.raises(UnsupportedOperationException, match="does not support REPLACE TABLE AS SELECT"):
                write(people.writeTo(name))
    people.createOrReplaceTempView("tv")
    with pytest.raises(AnalysisException, match=r"\[VIEW_WRITE_NOT_ALLOWED\] Cannot write into view tv"):
        people.writeTo("tv").append()
    with pytest.raises(AnalysisException) as e:
        people.writeTo("nodb.t").create()
    assert e.value.error_class == "SCHEMA_NOT_FOUND"
    with pytest.raises(AnalysisException) as e:
        people.writeTo("t9").partitionedBy(F.col("age") + 1).create()
    assert e.value.error_class == "_LEGACY_ERROR_TEMP_1316"
    with pytest.raises(PySparkTypeError, match="Argument `col` should be Column or str, got int."):
        people.writeTo("t9").partitionedBy(1)
    assert warehouse_spark.table("t1").count() == 2  # nothing refused changed the table


@pytest.mark.parametrize("configure, named", [
    (lambda w: w.tableProperty("k", "v"), "tableProperty"),
    (lambda w: w.option("compression", "snappy"), "option"),
    (lambda w: w.clusterBy("age"), "clusterBy"),
    (lambda w: w.using("csv"), "USING csv"),
])
def test_writeTo_create_refuses_what_warehouse_tables_cannot_hold(people, configure, named):
    with pytest.raises(AnalysisException, match=named) as e:
        configure(people.writeTo("t5")).create()
    assert e.value.error_class == "UNSUPPORTED_FEATURE"


def test_mergeInto_is_refused_for_session_catalog_tables(people):
    people.writeTo("t1").create()
    merge = people.alias("s").mergeInto("t1", F.expr("t1.name = s.name"))
    with pytest.raises(SparkRuntimeException) as e:
        merge.merge()
    assert e.value.error_class == "NO_MERGE_ACTION_SPECIFIED"  # From PySpark 4.3.
    with pytest.raises(UnsupportedOperationException, match="does not support MERGE INTO TABLE") as e:
        merge.whenMatched().updateAll().whenNotMatched().insertAll().merge()
    assert e.value.error_class == "UNSUPPORTED_FEATURE.TABLE_OPERATION"  # From PySpark 4.3.
    with pytest.raises(AnalysisException) as e:
        people.alias("s").mergeInto("nope", F.expr("nope.name = s.name")).whenMatched().delete().merge()
    assert e.value.error_class == "TABLE_OR_VIEW_NOT_FOUND"  # From PySpark 4.3.


# ---------------------------------------------------------------- refused and checked arguments
@pytest.mark.parametrize("call", [
    lambda d: d.asTable(),
    lambda d: d.plot,
])
def test_unsupported_methods_are_refused_by_name(df, call):
    with pytest.raises(PySparkNotImplementedError, match="UNSUPPORTED_FEATURE") as e:
        call(df)
    assert "not supported by Ember" in str(e.value)


def test_argument_checks_come_first_as_in_pyspark(df):
    # From PySpark 4.3.
    with pytest.raises(PySparkTypeError, match="Argument `metadata` should be dict, got str."):
        df.withMetadata("age", "x")
    with pytest.raises(PySparkValueError, match="Value for `numPartitions` must be positive, got '0'."):
        df.repartitionById(0, "age")
    with pytest.raises(PySparkTypeError, match="Argument `numPartitions` should be int, got str."):
        df.repartitionById("2", "age")
    with pytest.raises(PySparkTypeError, match="Argument `colName` should be str, got int."):
        df.metadataColumn(1)


def test_metadataColumn_of_local_rows_is_unresolved_as_in_pyspark(df, tmp_path, spark):
    with pytest.raises(AnalysisException) as e:
        df.metadataColumn("_metadata")
    assert e.value.error_class == "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION"  # From PySpark 4.3.
    df.write.parquet(str(tmp_path / "p"))
    with pytest.raises(PySparkNotImplementedError, match="_metadata column of file sources"):
        spark.read.parquet(str(tmp_path / "p")).metadataColumn("_metadata")


# ---------------------------------------------------------------- repartitionById
def test_repartitionById_puts_each_row_in_the_partition_it_names(spark):
    ids = spark.range(10).withColumn("pid", (F.col("id") % 3).cast("int"))
    rows = ids.repartitionById(3, "pid").select("id", "pid", F.spark_partition_id().alias("p")).orderBy("id")
    assert [(r.id, r.p) for r in rows.collect()] == [(i, i % 3) for i in range(10)]  # From PySpark 4.3.
    assert ids.repartitionById(4, "pid").rdd.getNumPartitions() == 4


def test_repartitionById_takes_ids_modulo_the_count_and_sends_null_to_0(spark):
    df = spark.createDataFrame([(1, -1), (2, None), (3, 7), (4, -5)], "a int, p int")
    rows = df.repartitionById(3, "p").select("a", F.spark_partition_id().alias("sp")).orderBy("a").collect()
    assert [tuple(r) for r in rows] == [(1, 2), (2, 0), (3, 1), (4, 1)]  # From PySpark 4.3.


def test_repartitionById_needs_an_int_column(spark):
    with pytest.raises(AnalysisException) as e:
        spark.range(5).repartitionById(2, F.col("id") + 1)
    assert e.value.error_class == "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"  # From PySpark 4.3.
    assert ('Cannot resolve "direct_shuffle_partition_id((id + 1))" due to data type mismatch: The first parameter '
            'requires the "INT" type, however "(id + 1)" has the type "BIGINT".') in str(e.value)


# ---------------------------------------------------------------- zip
@pytest.fixture
def abc(spark):
    return spark.createDataFrame([(1, 2, 3), (4, 5, 6)], ["a", "b", "c"])


def test_zip_puts_projections_of_one_plan_side_by_side(spark, abc):
    # From PySpark 4.3.
    assert abc.select("a").zip(abc.select("b")).collect() == [Row(a=1, b=2), Row(a=4, b=5)]
    zipped = abc.select((F.col("a") + 1).alias("x")).zip(abc.withColumn("y", F.col("b") * 2).select("y", "c"))
    assert zipped.collect() == [Row(x=2, y=4, c=3), Row(x=5, y=10, c=6)]
    chained = abc.select("a", "b").withColumnRenamed("a", "q").select("q").zip(
        abc.select("c").withColumn("d", F.col("c") + 1))
    assert chained.collect() == [Row(q=1, c=3, d=4), Row(q=4, c=6, d=7)]
    assert [tuple(r) for r in abc.zip(abc.select("b")).collect()] == [(1, 2, 3, 2), (4, 5, 6, 5)]
    assert abc.select("a").zip(abc.select("a")).columns == ["a", "a"]
    assert abc.filter("a > 1").select("a").zip(abc.filter("a > 1").select("c")).collect() == [Row(a=4, c=6)]
    assert abc.alias("l").select("a").zip(abc.alias("r").select("b")).collect() == [Row(a=1, b=2), Row(a=4, b=5)]
    # The same steps over the same source, built twice, are one plan.
    assert spark.range(3).zip(spark.range(3).select((F.col("id") * 10).alias("t"))).collect() == [
        Row(id=0, t=0), Row(id=1, t=10), Row(id=2, t=20)]


@pytest.mark.parametrize("other", [
    lambda spark, abc: abc.select("c"),  # the left side is filtered, this one is not
    lambda spark, abc: spark.createDataFrame([(1, 4)], ["a", "c"]).select("c"),  # another source
])
def test_zip_of_plans_not_known_to_align_is_refused(spark, abc, other):
    with pytest.raises(AnalysisException) as e:
        abc.filter("a > 1").select("a").zip(other(spark, abc))
    assert e.value.error_class == "ZIP_PLANS_NOT_MERGEABLE"  # From PySpark 4.3.
    assert "They must produce the same canonicalized plan after stripping outer Project chains" in str(e.value)


# ---------------------------------------------------------------- nearestByJoin
@pytest.fixture
def users(spark):
    return spark.createDataFrame([(1, 10.0), (2, 20.0), (3, 30.0)], ["user_id", "score"])


@pytest.fixture
def products(spark):
    return spark.createDataFrame([("A", 11.0), ("B", 22.0), ("C", 5.0)], ["product", "pscore"])


def test_nearestByJoin_keeps_each_rows_best_matches(users, products):
    u, p = users, products
    best = u.nearestByJoin(p, -F.abs(u.score - p.pscore), 1, "exact", "similarity")
    assert best.columns == ["user_id", "score", "product", "pscore"]
    # From PySpark 4.3 (its docstring example).
    assert [tuple(r) for r in best.select("user_id", "product").orderBy("user_id").collect()] == [
        (1, "A"), (2, "B"), (3, "B")]
    two = sorted(tuple(r) for r in u.nearestByJoin(p, F.abs(u.score - p.pscore), 2, "approx", "distance").collect())
    assert two == [(1, 10.0, "A", 11.0), (1, 10.0, "C", 5.0), (2, 20.0, "A", 11.0), (2, 20.0, "B", 22.0),
                   (3, 30.0, "A", 11.0), (3, 30.0, "B", 22.0)]
    doubled = u.union(u).nearestByJoin(p, F.abs(u.score - p.pscore), 1, "exact", "distance")
    assert sorted(r.product for r in doubled.collect()) == ["A", "A", "B", "B", "B", "B"]


def test_nearestByJoin_skips_null_rankings_and_leftouter_keeps_unmatched_rows(users, products):
    u, p = users, products
    ranking = F.when(p.product == "A", None).otherwise(F.abs(u.score - p.pscore))
    rows = u.nearestByJoin(p, ranking, 1, "exact", "distance").collect()
    assert sorted((r.user_id, r.product) for r in rows) == [(1, "C"), (2, "B"), (3, "B")]  # From PySpark 4.3.
    for right, rank in ((p.filter("pscore > 100"), F.abs(u.score - p.pscore)), (p, F.lit(None).cast("double"))):
        outer = u.nearestByJoin(right, rank, 2, "exact", "distance", joinType="leftouter").collect()
        assert sorted(tuple(r) for r in outer) == [(1, 10.0, None, None), (2, 20.0, None, None),
                                                   (3, 30.0, None, None)]
        assert u.nearestByJoin(right, rank, 2, "exact", "distance").collect() == []


@pytest.mark.parametrize("args, kwargs, error", [
    ((1, "exact", "distance"), {"joinType": "cross"}, "NEAREST_BY_JOIN.UNSUPPORTED_JOIN_TYPE"),
    ((0, "exact", "distance"), {}, "NEAREST_BY_JOIN.NUM_RESULTS_OUT_OF_RANGE"),
    ((100001, "exact", "distance"), {}, "NEAREST_BY_JOIN.NUM_RESULTS_OUT_OF_RANGE"),
    ((1, "bogus", "distance"), {}, "NEAREST_BY_JOIN.UNSUPPORTED_MODE"),
    ((1, "exact", "bogus"), {}, "NEAREST_BY_JOIN.UNSUPPORTED_DIRECTION"),
])
def test_nearestByJoin_checks_its_arguments_as_spark_does(users, products, args, kwargs, error):
    with pytest.raises(AnalysisException) as e:
        users.nearestByJoin(products, F.abs(users.score - products.pscore), *args, **kwargs)
    assert e.value.error_class == error  # From PySpark 4.3.
    with pytest.raises(AnalysisException) as e:
        users.nearestByJoin(products, F.sum(products.pscore), 1, "exact", "distance")
    assert e.value.error_class == "UNSUPPORTED_EXPR_FOR_OPERATOR"


# ---------------------------------------------------------------- column metadata
def test_withMetadata_sets_a_columns_metadata_and_queries_carry_it(spark, df):
    meta = {"comment": "years", "n": 1, "nested": {"a": [1, 2]}}
    marked = df.withMetadata("age", meta)
    # From PySpark 4.3.
    assert marked.schema["age"].metadata == meta
    assert marked.columns == ["name", "age"] and marked.collect() == df.collect()
    assert marked.select("age").schema["age"].metadata == meta
    assert marked.filter("age > 1").schema["age"].metadata == meta
    assert marked.select(F.col("age").alias("a2")).schema["a2"].metadata == meta
    assert marked.withColumnRenamed("age", "yrs").schema["yrs"].metadata == meta
    assert marked.union(df).schema["age"].metadata == meta
    assert df.withMetadata("name", {"k": 1}).groupBy("name").count().schema["name"].metadata == {"k": 1}
    assert marked.select((F.col("age") + 1).alias("a1")).schema["a1"].metadata == {}
    assert marked.withColumn("age", F.col("age") + 1).schema["age"].metadata == {}
    assert marked.withMetadata("age", {"z": 2}).schema["age"].metadata == {"z": 2}
    assert df.withMetadata("AGE", {"k": "v"}).columns == ["name", "AGE"]
    assert df.select(F.col("age").alias("a3", metadata={"m": 1})).schema["a3"].metadata == {"m": 1}
    assert df.withMetadata("age", {"k": 1.5, "b": True, "s": None}).schema.json() == (
        '{"fields":[{"metadata":{},"name":"name","nullable":true,"type":"string"},{"metadata":{"b":true,"k":1.5,'
        '"s":null},"name":"age","nullable":true,"type":"long"}],"type":"struct"}')


def test_createDataFrame_keeps_the_schemas_metadata(spark):
    from ember.sql import types as T

    schema = T.StructType([T.StructField("x", T.LongType(), True, {"c": "d"})])
    assert spark.createDataFrame([(1,)], schema).schema["x"].metadata == {"c": "d"}  # From PySpark 4.3.


def test_metadata_errors_are_pysparks(df):
    with pytest.raises(AnalysisException) as e:
        df.withMetadata("nope", {"a": 1})
    assert e.value.error_class == "UNRESOLVED_COLUMN.WITH_SUGGESTION"  # From PySpark 4.3.
    with pytest.raises(PySparkValueError, match="ONLY_ALLOWED_FOR_SINGLE_COLUMN"):
        F.col("a").alias("x", "y", metadata={"a": 1})


# ---------------------------------------------------------------- lateralJoin and Column.outer
@pytest.fixture
def customers(spark):
    return spark.createDataFrame([(1, "Alice"), (2, "Bob"), (3, "Charlie"), (4, "Diana")], ["customer_id", "name"])


@pytest.fixture
def orders(spark):
    return spark.createDataFrame([(101, 1, "2024-01-10", 5), (102, 1, "2024-02-15", 2), (105, 1, "2024-03-20", 4),
                                  (103, 2, "2024-01-12", 8), (104, 2, "2024-03-05", 7), (106, 3, "2024-04-05", 1)],
                                 ["order_id", "customer_id", "order_date", "qty"])


def _of_customer(orders):
    return orders.alias("o").where(F.col("o.customer_id") == F.col("c.customer_id").outer())


def test_lateralJoin_reads_the_left_rows_columns_through_outer(customers, orders):
    c = customers.alias("c")
    # From PySpark 4.3.
    inner = c.lateralJoin(_of_customer(orders).select("order_id", "qty"))
    assert sorted(tuple(r) for r in inner.collect()) == [
        (1, "Alice", 101, 5), (1, "Alice", 102, 2), (1, "Alice", 105, 4), (2, "Bob", 103, 8), (2, "Bob", 104, 7),
        (3, "Charlie", 106, 1)]
    left = c.lateralJoin(_of_customer(orders).select("order_id", "qty"), on=F.col("qty") > 4, how="left")
    assert sorted(tuple(r) for r in left.collect()) == [
        (1, "Alice", 101, 5), (2, "Bob", 103, 8), (2, "Bob", 104, 7), (3, "Charlie", None, None),
        (4, "Diana", None, None)]
    later = c.lateralJoin(orders.alias("o").where(F.col("o.customer_id") > F.col("c.customer_id").outer())
                          .select("order_id"))
    assert sorted(tuple(r) for r in later.collect()) == [
        (1, "Alice", 103), (1, "Alice", 104), (1, "Alice", 106), (2, "Bob", 106)]
    assert c.lateralJoin(_of_customer(orders)).columns == [
        "customer_id", "name", "order_id", "customer_id", "order_date", "qty"]


def test_lateralJoin_keeps_each_rows_top_rows_and_projects_outer_columns(spark, customers, orders):
    c = customers.alias("c")
    latest = _of_customer(orders).select("order_id", "order_date").orderBy(F.col("order_date").desc()).limit(2)
    rows = c.lateralJoin(latest, how="left").orderBy("customer_id", "order_id").collect()
    # From PySpark 4.3 (its docstring example).
    assert [tuple(r) for r in rows] == [
        (1, "Alice", 102, "2024-02-15"), (1, "Alice", 105, "2024-03-20"), (2, "Bob", 103, "2024-01-12"),
        (2, "Bob", 104, "2024-03-05"), (3, "Charlie", 106, "2024-04-05"), (4, "Diana", None, None)]
    tens = c.lateralJoin(spark.range(1).select((F.col("c.customer_id").outer() * 10).alias("x")))
    assert sorted(r.x for r in tens.collect()) == [10, 20, 30, 40]
    assert c.lateralJoin(orders.select("order_id"), how="cross").count() == 24


def test_outer_columns_in_scalar_and_exists_subqueries(customers, orders):
    c = customers.alias("c")
    counts = c.select("name", _of_customer(orders).select(F.count("*")).scalar().alias("n"))
    # From PySpark 4.3.
    assert sorted(tuple(r) for r in counts.collect()) == [("Alice", 3), ("Bob", 2), ("Charlie", 1), ("Diana", 0)]
    assert sorted(r.name for r in c.where(_of_customer(orders).exists()).collect()) == ["Alice", "Bob", "Charlie"]


def test_lateralJoin_errors(customers, orders):
    c = customers.alias("c")
    with pytest.raises(AnalysisException, match="Unsupported join type 'right'. Supported join types include: "
                       "'inner', 'leftouter', 'left', 'left_outer', 'cross'.") as e:
        c.lateralJoin(orders, how="right")
    assert e.value.error_class == "UNSUPPORTED_JOIN_TYPE"  # From PySpark 4.3.
    with pytest.raises(AnalysisException) as e:
        orders.where(F.col("customer_id") == F.col("c.customer_id").outer()).collect()
    assert e.value.error_class.startswith("UNRESOLVED_COLUMN")  # From PySpark 4.3 (WITH_SUGGESTION there).
    with pytest.raises(AnalysisException) as e:
        c.lateralJoin(orders.where(F.col("customer_id") == F.col("zz").outer()))
    assert e.value.error_class == "UNRESOLVED_COLUMN.WITH_SUGGESTION"  # From PySpark 4.3.
    per_row_count = _of_customer(orders).agg(F.count("*").alias("n"))
    with pytest.raises(AnalysisException, match="a correlated reference under Aggregate") as e:
        c.lateralJoin(per_row_count)
    assert e.value.error_class == "UNSUPPORTED_FEATURE"
