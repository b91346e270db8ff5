"""Managed tables in the warehouse: SQL DDL and DML, the Python writers, the catalog calls,
two sessions on one warehouse, and writes that die half-way.

Expected rows, columns and error texts were captured from PySpark 4.3 running the same
statements (with Hive support off, as Ember's warehouse is).
"""

from __future__ import annotations

import os
import threading

import pytest

from ember.errors import AnalysisException
from ember.sql.warehouse import Warehouse


def _rows(df):
    return sorted(tuple(r) for r in df.collect())


def _columns(df):
    return [(f.name, f.dataType.simpleString(), f.nullable) for f in df.schema.fields]


def _session(sc, root):
    from ember.sql import SparkSession

    return SparkSession(sc, {"spark.sql.shuffle.partitions": "2", "spark.sql.warehouse.dir": str(root)})


@pytest.fixture(autouse=True)
def _keep_the_active_session():
    """A new session makes itself the active one; the suite's shared session is restored after."""
    from ember.sql import SparkSession

    active = SparkSession._active
    yield
    SparkSession._active = active


@pytest.fixture
def spark(sc, tmp_path):
    return _session(sc, tmp_path / "warehouse")


def test_create_insert_overwrite_and_read_back(spark, tmp_path):
    spark.sql("CREATE TABLE t1 (a INT, b STRING) USING parquet")
    assert _rows(spark.sql("SELECT * FROM t1")) == []
    spark.sql("INSERT INTO t1 VALUES (1, 'x'), (2, 'y')")
    spark.sql("INSERT INTO t1 SELECT 3, 'z'")
    assert _columns(spark.table("t1")) == [("a", "int", True), ("b", "string", True)]
    assert _rows(spark.sql("SELECT * FROM t1")) == [(1, "x"), (2, "y"), (3, "z")]
    spark.sql("INSERT OVERWRITE TABLE t1 SELECT 10, 'm'")
    assert _rows(spark.table("t1")) == [(10, "m")]
    parquet = [f for _, _, files in os.walk(tmp_path / "warehouse" / "t1") for f in files if f.endswith(".parquet")]
    assert len(parquet) == 1  # the overwritten files are gone


def test_partitioned_table_as_select_puts_partition_columns_last(spark, tmp_path):
    spark.sql("CREATE DATABASE d1")
    spark.sql("CREATE TABLE d1.t2 USING parquet PARTITIONED BY (k) AS SELECT 'p' AS k, 1 AS a")
    assert _columns(spark.table("d1.t2")) == [("a", "int", True), ("k", "string", True)]
    assert _rows(spark.sql("SELECT * FROM d1.t2")) == [(1, "p")]
    assert os.path.isdir(tmp_path / "warehouse" / "d1.db" / "t2" / "k=p")
    spark.sql("USE d1")
    assert [tuple(r) for r in spark.sql("DESCRIBE t2").collect()] == [
        ("a", "int", None), ("k", "string", None), ("# Partition Information", "", ""),
        ("# col_name", "data_type", "comment"), ("k", "string", None)]
    spark.sql("INSERT INTO t2 SELECT 2, 'q'")
    assert _rows(spark.sql("SELECT a FROM t2 WHERE k = 'q'")) == [(2,)]


def test_describe_extended_gives_the_table_details(spark, tmp_path):
    spark.sql("CREATE TABLE t1 (a INT, b STRING) USING parquet")
    rows = [tuple(r) for r in spark.sql("DESCRIBE EXTENDED t1").collect()]
    assert [r[0] for r in rows] == ["a", "b", "", "# Detailed Table Information", "Catalog", "Database", "Table",
                                    "Created Time", "Last Access", "Created By", "Type", "Provider", "Location"]
    details = {r[0]: r[1] for r in rows}
    assert (details["Catalog"], details["Database"], details["Table"], details["Type"], details["Provider"]) == \
        ("spark_catalog", "default", "t1", "MANAGED", "parquet")
    assert details["Location"] == f"file:{tmp_path / 'warehouse' / 't1'}"


def test_show_tables_lists_tables_of_the_current_database_then_views(spark):
    spark.sql("CREATE DATABASE d1")
    spark.sql("USE d1")
    spark.sql("CREATE TABLE t1 (a INT) USING parquet")
    spark.sql("CREATE TEMPORARY VIEW v AS SELECT 1 AS x")
    assert [tuple(r) for r in spark.sql("SHOW TABLES").collect()] == [("d1", "t1", False), ("", "v", True)]
    assert [tuple(r) for r in spark.sql("SHOW DATABASES").collect()] == [("d1",), ("default",)]
    spark.catalog.dropTempView("v")


@pytest.mark.parametrize("statement,error", [
    ("CREATE TABLE t1 (a INT) USING parquet",
     "[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view `spark_catalog`.`default`.`t1` because it "
     "already exists."),
    ("INSERT INTO t1 SELECT 1",
     "[INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS] Cannot write to `spark_catalog`.`default`.`t1`, the "
     "reason is not enough data columns:\nTable columns: `a`, `b`.\nData columns: `1`. SQLSTATE: 21S01"),
    ("DROP TABLE nosuch", "[TABLE_OR_VIEW_NOT_FOUND] The table or view `spark_catalog`.`default`.`nosuch` cannot "
                          "be found."),
    ("CREATE DATABASE default", "[SCHEMA_ALREADY_EXISTS] Cannot create schema `default` because it already exists."),
    ("USE nosuchdb", "[SCHEMA_NOT_FOUND] The schema `spark_catalog`.`nosuchdb` cannot be found."),
    ("INSERT INTO t1 SELECT 'a', 'b'", "[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST]"),
    ("CREATE TABLE t3 (a INT) USING csv", "[UNSUPPORTED_FEATURE] Warehouse tables are stored as Parquet"),
])
def test_errors_name_the_table_as_spark_does(spark, statement, error):
    spark.sql("CREATE TABLE t1 (a INT, b STRING) USING parquet")
    with pytest.raises(AnalysisException) as raised:
        spark.sql(statement)
    assert str(raised.value).startswith(error), str(raised.value)


def test_drop_table_and_database(spark, tmp_path):
    spark.sql("CREATE DATABASE d1")
    spark.sql("CREATE TABLE d1.t AS SELECT 1 AS a")
    with pytest.raises(AnalysisException, match=r"\[SCHEMA_NOT_EMPTY\] Cannot drop a schema `d1`"):
        spark.sql("DROP DATABASE d1")
    spark.sql("DROP TABLE d1.t")
    spark.sql("DROP TABLE IF EXISTS d1.t")
    assert not os.path.exists(tmp_path / "warehouse" / "d1.db" / "t")
    spark.sql("DROP DATABASE d1")
    assert [d.name for d in spark.catalog.listDatabases()] == ["default"]


def test_python_writers_and_catalog(spark):
    df = spark.range(3)
    df.write.saveAsTable("st")
    assert spark.catalog.tableExists("st") and not spark.catalog.tableExists("nosuch")
    df.write.insertInto("st")
    assert spark.table("st").count() == 6
    tables = spark.catalog.listTables()
    assert [(t.name, t.catalog, t.namespace, t.tableType, t.isTemporary) for t in tables] == \
        [("st", "spark_catalog", ["default"], "MANAGED", False)]
    with pytest.raises(AnalysisException, match=r"\[TABLE_OR_VIEW_ALREADY_EXISTS\]"):
        df.write.saveAsTable("st")
    df.write.mode("overwrite").saveAsTable("st")
    assert spark.table("st").count() == 3
    df.write.mode("append").saveAsTable("st")
    assert spark.table("st").count() == 6
    df.write.mode("ignore").saveAsTable("st")
    assert spark.table("st").count() == 6
    databases = spark.catalog.listDatabases()
    assert [(d.name, d.catalog, d.description) for d in databases] == [("default", "spark_catalog",
                                                                        "default database")]


def test_a_table_written_by_one_session_is_read_by_another(sc, tmp_path):
    first = _session(sc, tmp_path / "shared")
    first.sql("CREATE TABLE t AS SELECT id FROM range(5)")
    second = _session(sc, tmp_path / "shared")
    assert second.table("t").count() == 5
    second.sql("INSERT INTO t SELECT id FROM range(5, 7)")
    assert first.table("t").count() == 7


def test_concurrent_commits_from_two_catalogs_lose_nothing(sc, tmp_path):
    from ember.sql import managed_tables, types as T

    root = tmp_path / "warehouse"
    setup = Warehouse(str(root))
    info = managed_tables.new_table(setup, "default", "t", T.StructType([T.StructField("a", T.LongType())]), [])
    managed_tables.create_empty_table(setup, info)

    def commit(writer: int) -> None:
        warehouse = Warehouse(str(root))  # as another session (or process) would
        for i in range(20):
            warehouse.commit_files(info, [f"part-{writer}-{i}.parquet"], overwrite=False)

    threads = [threading.Thread(target=commit, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(Warehouse(str(root)).table("default", "t").files) == 80


def test_files_written_but_not_committed_are_invisible(spark, tmp_path):
    """A write killed after its files are in place but before the catalog changed leaves the table as it was."""
    from ember.sql.io.options import Options
    from ember.sql.readwriter import write_files

    spark.sql("CREATE TABLE t AS SELECT id FROM range(3)")
    location = str(tmp_path / "warehouse" / "t")
    written = write_files(spark.range(100, 110), location, "parquet", "append", Options.of({}), [])
    assert written and all(os.path.exists(os.path.join(location, f)) for f in written)
    assert _rows(spark.table("t")) == [(0,), (1,), (2,)]
    spark.sql("INSERT INTO t SELECT 3")
    assert _rows(spark.table("t")) == [(0,), (1,), (2,), (3,)]


def test_a_failed_insert_leaves_the_table_unchanged(spark):
    spark.sql("CREATE TABLE t (a INT) USING parquet")
    spark.sql("INSERT INTO t VALUES (1)")
    with pytest.raises(Exception, match="DIVIDE_BY_ZERO"):  # a task fails half-way through the job
        spark.sql("INSERT INTO t SELECT CAST(10 / (id - 1) AS INT) FROM range(3)")
    assert _rows(spark.table("t")) == [(1,)]


def test_cached_table_is_refreshed_after_a_write(spark):
    spark.sql("CREATE TABLE t AS SELECT id FROM range(3)")
    spark.sql("CACHE TABLE t")
    assert spark.catalog.isCached("t") and spark.table("t").count() == 3
    spark.sql("INSERT INTO t SELECT 7")
    assert spark.table("t").count() == 4
    spark.sql("UNCACHE TABLE t")
    assert not spark.catalog.isCached("t")
