"""Catalog methods over the warehouse: tables, databases, partitions, properties, functions.

Expected values and error texts are PySpark 4.3's, captured by running the same calls on
PySpark (a classic session with its own warehouse directory).
"""

from __future__ import annotations

import warnings

import pytest

from ember.errors import PySparkTypeError
from ember.sql import types as T
from ember.sql.catalog import Function, Table, TablePartition
from ember.sql.errors import AnalysisException

SCHEMA = T.StructType([T.StructField("id", T.LongType()), T.StructField("s", T.StringType())])


@pytest.fixture
def wspark(sc, tmp_path):
    """A session over its own, empty warehouse (the shared session's settings stay untouched)."""
    from ember.sql import SparkSession

    active = SparkSession._active
    yield SparkSession(sc, {"spark.sql.shuffle.partitions": "2", "spark.sql.warehouse.dir": str(tmp_path / "wh")})
    SparkSession._active = active


@pytest.fixture
def catalog(wspark):
    return wspark.catalog


def _not_found_on_search_path(name: str) -> str:
    # From PySpark 4.3 (truncateTable/analyzeTable/getTableProperties/getCreateTableString/listPartitions).
    return (f"[TABLE_OR_VIEW_NOT_FOUND] The table or view `{name}` cannot be found. Verify the spelling and "
            "correctness of the schema and catalog.\nSearch path: [`system`.`session`, `spark_catalog`.`default`]."
            "\nIf you did not qualify the name with a schema, verify the current_schema() output, or qualify the "
            "name with the correct schema and catalog.\nTo tolerate the error on drop use DROP VIEW IF EXISTS or "
            "DROP TABLE IF EXISTS.")


# ------------------------------------------------------------------ createTable
def test_createTable_makes_an_empty_managed_table_and_returns_it(catalog, wspark):
    df = catalog.createTable("t1", schema=SCHEMA, source="parquet")
    assert df.columns == ["id", "s"]
    assert df.count() == 0
    # From PySpark 4.3.
    assert catalog.getTable("t1") == Table(name="t1", catalog="spark_catalog", namespace=["default"],
                                           description=None, tableType="MANAGED", isTemporary=False)
    wspark.sql("INSERT INTO t1 VALUES (1, 'a')")
    assert wspark.table("t1").collect()[0].asDict() == {"id": 1, "s": "a"}


def test_createTable_keeps_the_description_and_options(catalog):
    catalog.createTable("t1c", schema=SCHEMA, description="hello", compression="snappy")
    # From PySpark 4.3.
    assert catalog.getTable("t1c").description == "hello"
    assert catalog.getTableProperties("t1c") == {"option.compression": "snappy"}


def test_createTable_errors_as_pyspark(catalog):
    catalog.createTable("t1", schema=SCHEMA)
    with pytest.raises(AnalysisException) as e:
        catalog.createTable("t1", schema=SCHEMA)
    assert e.value.getCondition() == "TABLE_OR_VIEW_ALREADY_EXISTS"
    assert "`spark_catalog`.`default`.`t1` because it already exists" in str(e.value)
    with pytest.raises(AnalysisException, match=r"\[UNABLE_TO_INFER_SCHEMA\] Unable to infer schema for Parquet. "
                                                r"It must be specified manually."):
        catalog.createTable("t0")
    with pytest.raises(PySparkTypeError, match=r"\[NOT_EXPECTED_TYPE\] Argument `schema` should be struct type, "
                                               "got str."):
        catalog.createTable("tx", schema="id INT")


def test_createTable_with_a_path_is_refused_by_name(catalog, tmp_path):
    with pytest.raises(AnalysisException, match="external table"):
        catalog.createTable("ext", path=str(tmp_path), source="parquet", schema=SCHEMA)
    assert not catalog.tableExists("ext")


def test_createExternalTable_warns_as_pyspark(catalog, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(AnalysisException):
            catalog.createExternalTable("ext", path=str(tmp_path), source="parquet")
    # From PySpark 4.3.
    assert [(w.category, str(w.message)) for w in caught] == [
        (FutureWarning, "createExternalTable is deprecated since Spark 2.2, please use createTable instead.")]


# ------------------------------------------------------------------ dropping
def test_dropTable_drops_tables_and_temporary_views(catalog, wspark):
    catalog.createTable("t1", schema=SCHEMA)
    assert catalog.dropTable("t1") is None
    assert not catalog.tableExists("t1")
    wspark.range(1).createOrReplaceTempView("tv")
    catalog.dropTable("tv")  # PySpark 4.3 drops the temporary view, as DROP TABLE does
    assert not catalog.tableExists("tv")
    catalog.dropTable("nope", ifExists=True)
    with pytest.raises(AnalysisException) as e:
        catalog.dropTable("nope")
    # From PySpark 4.3.
    assert str(e.value).startswith("[TABLE_OR_VIEW_NOT_FOUND] The table or view `spark_catalog`.`default`.`nope` "
                                   "cannot be found.")


def test_dropView_finds_no_persistent_views(catalog, wspark):
    catalog.createTable("t1", schema=SCHEMA)
    wspark.range(1).createOrReplaceTempView("tv")
    catalog.dropView("nope", ifExists=True)
    with pytest.raises(AnalysisException) as e:
        catalog.dropView("tv")  # a temporary view is not what dropView drops (PySpark 4.3 says not found)
    assert e.value.getCondition() == "TABLE_OR_VIEW_NOT_FOUND"
    assert catalog.tableExists("tv")
    with pytest.raises(AnalysisException) as e:
        catalog.dropView("t1")
    # From PySpark 4.3.
    assert str(e.value) == ("[WRONG_COMMAND_FOR_OBJECT_TYPE] The operation DROP VIEW requires a VIEW or METRIC_VIEW. "
                            "But spark_catalog.default.t1 is a MANAGED. Use DROP TABLE instead. SQLSTATE: 42809")


def test_create_and_drop_databases(catalog):
    catalog.createDatabase("db1")
    assert catalog.databaseExists("db1")
    catalog.createDatabase("db1", ifNotExists=True)
    with pytest.raises(AnalysisException) as e:
        catalog.createDatabase("db1")
    assert e.value.getCondition() == "SCHEMA_ALREADY_EXISTS"
    catalog.createDatabase("db2", properties={"comment": "hi"})
    # From PySpark 4.3: the comment is the description.
    assert catalog.getDatabase("db2").description == "hi"
    catalog.createTable("db1.x", schema=SCHEMA)
    with pytest.raises(AnalysisException) as e:
        catalog.dropDatabase("db1")
    assert e.value.getCondition() == "SCHEMA_NOT_EMPTY"
    catalog.dropDatabase("db1", cascade=True)
    assert not catalog.databaseExists("db1")
    catalog.dropDatabase("db9", ifExists=True)
    with pytest.raises(AnalysisException) as e:
        catalog.dropDatabase("db9")
    assert e.value.getCondition() == "SCHEMA_NOT_FOUND"
    with pytest.raises(AnalysisException) as e:
        catalog.dropDatabase("default")
    assert e.value.getCondition() == "UNSUPPORTED_FEATURE.DROP_DATABASE"


def test_createDatabase_refuses_properties_it_cannot_keep(catalog, tmp_path):
    with pytest.raises(AnalysisException, match=r"\['location'\]"):
        catalog.createDatabase("dbl", properties={"location": str(tmp_path / "elsewhere")})
    assert not catalog.databaseExists("dbl")


# ------------------------------------------------------------------ one table's facts
def test_truncateTable_removes_the_rows(catalog, wspark):
    catalog.createTable("t1", schema=SCHEMA)
    wspark.sql("INSERT INTO t1 VALUES (1, 'a'), (2, 'b')")
    assert catalog.truncateTable("t1") is None
    assert wspark.table("t1").count() == 0
    wspark.sql("INSERT INTO t1 VALUES (3, 'c')")
    assert wspark.table("t1").count() == 1


def test_table_operations_refuse_views_and_unknown_names(catalog, wspark):
    wspark.range(1).createOrReplaceTempView("tv")
    for operation in ("truncateTable", "analyzeTable", "listPartitions"):
        with pytest.raises(AnalysisException) as e:
            getattr(catalog, operation)("tv")
        # From PySpark 4.3.
        assert str(e.value) == (f"[EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE] 'Catalog.{operation}' expects a table but "
                                "`tv` is a view. SQLSTATE: 42809")
    for operation in ("truncateTable", "analyzeTable", "listPartitions", "getTableProperties",
                      "getCreateTableString"):
        with pytest.raises(AnalysisException) as e:
            getattr(catalog, operation)("nope")
        assert str(e.value) == _not_found_on_search_path("nope") + " SQLSTATE: 42P01"
    # From PySpark 4.3: a temporary view has no properties.
    assert catalog.getTableProperties("tv") == {}


def test_analyzeTable_accepts_a_table(catalog):
    catalog.createTable("t1", schema=SCHEMA)
    assert catalog.analyzeTable("t1") is None
    assert catalog.analyzeTable("t1", noScan=True) is None
    assert catalog.getTableProperties("t1") == {}  # PySpark 4.3 shows no statistics here either


def test_getCreateTableString_prints_spark_ddl(catalog, wspark):
    schema = T.StructType([
        T.StructField("id", T.LongType()), T.StructField("s", T.StringType()),
        T.StructField("a", T.ArrayType(T.StringType())), T.StructField("m", T.MapType(T.StringType(), T.IntegerType())),
        T.StructField("st", T.StructType([T.StructField("x", T.DoubleType()), T.StructField("y", T.DecimalType(10, 2))])),
        T.StructField("d", T.DateType()), T.StructField("ts", T.TimestampType())])
    catalog.createTable("t1d", schema=schema, source="parquet", compression="snappy", description="my table")
    # From PySpark 4.3.
    assert catalog.getCreateTableString("t1d") == (
        "CREATE TABLE spark_catalog.default.t1d (\n  id BIGINT,\n  s STRING COLLATE UTF8_BINARY,\n"
        "  a ARRAY<STRING COLLATE UTF8_BINARY>,\n  m MAP<STRING COLLATE UTF8_BINARY, INT>,\n"
        "  st STRUCT<x: DOUBLE, y: DECIMAL(10,2)>,\n  d DATE,\n  ts TIMESTAMP)\nUSING parquet\n"
        "OPTIONS (\n  'compression' = 'snappy')\nCOMMENT 'my table'\n")
    wspark.sql("CREATE TABLE pt (id INT, p INT) USING parquet PARTITIONED BY (p)")
    assert catalog.getCreateTableString("pt") == (
        "CREATE TABLE spark_catalog.default.pt (\n  id INT,\n  p INT)\nUSING parquet\nPARTITIONED BY (p)\n")
    with pytest.raises(AnalysisException) as e:
        catalog.getCreateTableString("pt", asSerde=True)
    assert e.value.getCondition() == "UNSUPPORTED_SHOW_CREATE_TABLE.ON_DATA_SOURCE_TABLE_WITH_AS_SERDE"
    wspark.range(1).createOrReplaceTempView("tv")
    with pytest.raises(AnalysisException) as e:
        catalog.getCreateTableString("tv")
    assert str(e.value) == ("[UNSUPPORTED_SHOW_CREATE_TABLE.ON_TEMPORARY_VIEW] Unsupported a SHOW CREATE TABLE "
                            "command. The command is not supported on a temporary view `tv`. SQLSTATE: 0A000")


def test_listPartitions_lists_partition_specs(catalog, wspark):
    wspark.sql("CREATE TABLE pt (id INT, name STRING, p INT, q STRING) USING parquet PARTITIONED BY (p, q)")
    wspark.sql("INSERT INTO pt VALUES (1, 'a', 1, 'x'), (2, 'b', 2, 'y/z'), (3, 'c', NULL, 'x')")
    # From PySpark 4.3.
    expected = [TablePartition(partition="p=1/q=x"), TablePartition(partition="p=2/q=y%2Fz"),
                TablePartition(partition="p=__HIVE_DEFAULT_PARTITION__/q=x")]
    assert catalog.listPartitions("pt") == expected
    assert catalog.listPartitions("default.pt") == expected
    catalog.createTable("t1", schema=SCHEMA)
    with pytest.raises(AnalysisException) as e:
        catalog.listPartitions("t1")
    assert str(e.value) == ("[INVALID_PARTITION_OPERATION.PARTITION_SCHEMA_IS_EMPTY] The partition command is "
                            "invalid. Table `spark_catalog`.`default`.`t1` is not partitioned. SQLSTATE: 42601")


def test_refreshByPath_recomputes_a_cached_table(catalog, wspark):
    catalog.createTable("t1", schema=SCHEMA)
    wspark.sql("INSERT INTO t1 VALUES (1, 'a')")
    catalog.cacheTable("t1")
    assert wspark.table("t1").count() == 1
    location = catalog.managed_table("t1").location
    catalog.refreshByPath(location)
    assert catalog.isCached("t1")
    assert wspark.table("t1").count() == 1
    catalog.refreshByPath("/nonexistent/x")  # PySpark 4.3: nothing cached there, nothing happens


# ------------------------------------------------------------------ functions
def test_getFunction_of_a_builtin_and_a_udf(catalog, wspark):
    found = catalog.getFunction("abs")
    assert isinstance(found, Function)
    # From PySpark 4.3 (className and description name Ember's implementation instead of a JVM class).
    assert (found.name, found.catalog, found.namespace, found.isTemporary) == ("abs", None, None, True)
    wspark.udf.register("plus1", lambda x: x + 1, "int")
    udf = catalog.getFunction("plus1")
    assert (udf.name, udf.catalog, udf.namespace, udf.description, udf.isTemporary) == (
        "plus1", None, None, "N/A.", True)


def test_getFunction_of_an_unknown_name(catalog):
    with pytest.raises(AnalysisException) as e:
        catalog.getFunction("nope")
    # From PySpark 4.3.
    assert str(e.value) == ("[UNRESOLVED_ROUTINE] Cannot resolve routine `nope` on search path [`system`.`builtin`, "
                            "`system`.`session`, `spark_catalog`.`default`]. SQLSTATE: 42883")
    with pytest.raises(AnalysisException, match=r"routine `default`.`nope` on search path"):
        catalog.getFunction("default.nope")


def test_listFunctions_lists_builtins_and_udfs_by_name(catalog, wspark):
    wspark.udf.register("plus1", lambda x: x + 1, "int")
    functions = catalog.listFunctions()
    names = [f.name for f in functions]
    assert names == sorted(names)
    assert {"abs", "sum", "explode", "plus1"} <= set(names)
    assert all(f.isTemporary and f.catalog is None and f.namespace is None for f in functions)
    # From PySpark 4.3: every name PySpark lists for to_* that Ember also has.
    spark_to = {"to_avro", "to_base32", "to_binary", "to_char", "to_csv", "to_date", "to_json", "to_number",
                "to_protobuf", "to_time", "to_timestamp", "to_timestamp_ltz", "to_timestamp_ntz",
                "to_unix_timestamp", "to_utc_timestamp", "to_varchar", "to_variant_object", "to_xml"}
    listed = {f.name for f in catalog.listFunctions(pattern="to_*")}
    assert listed and listed <= spark_to | {n for n in names if n.startswith("to_")}
    assert [f.name for f in catalog.listFunctions(pattern="plus*")] == ["plus1"]
    assert catalog.listFunctions(pattern="*not_existing_func*") == []
    with pytest.raises(AnalysisException) as e:
        catalog.listFunctions("nodb")
    assert e.value.getCondition() == "SCHEMA_NOT_FOUND"


def test_registerFunction_warns_and_registers(catalog, wspark):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        catalog.registerFunction("plus2", lambda x: x + 2, "int")
    # From PySpark 4.3.
    assert [(w.category, str(w.message)) for w in caught] == [
        (FutureWarning, "Deprecated in 2.3.0. Use spark.udf.register instead.")]
    assert wspark.sql("SELECT plus2(1) AS v").collect()[0].v == 3
    assert catalog.functionExists("plus2")
