"""Readers and writers end to end: CSV, JSON, text and Parquet against DuckDB/pandas, parse
modes (RELIABILITY 15), schema conflicts (RELIABILITY 14), pruning, and atomic commits."""

from __future__ import annotations

import os

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ember.sql import AnalysisException, Row
from ember.sql import functions as F
from ember.sql.errors import EmberSQLException, EmberValueError
from ember.sql.io import commit

BAD_CSV = "a,b,c\n1,x,1.5\n2,y\n3,z,2.5,extra\nbad,w,3.5\n5,,4.5\n"
SCHEMA = "a INT, b STRING, c DOUBLE"


def _write(path, text):
    path.write_text(text)
    return str(path)


def _sorted(rows):
    return sorted((tuple(r) for r in rows), key=lambda t: tuple((v is None, str(v)) for v in t))


# ---------------------------------------------------------------------------- CSV
def test_csv_permissive_keeps_every_row_and_the_raw_record(spark, tmp_path):
    path = _write(tmp_path / "d.csv", BAD_CSV)
    df = spark.read.csv(path, header=True, schema=SCHEMA + ", _corrupt_record STRING")
    assert df.collect() == [
        Row(a=1, b="x", c=1.5, _corrupt_record=None), Row(a=2, b="y", c=None, _corrupt_record="2,y"),
        Row(a=3, b="z", c=2.5, _corrupt_record="3,z,2.5,extra"),
        Row(a=None, b="w", c=3.5, _corrupt_record="bad,w,3.5"), Row(a=5, b=None, c=4.5, _corrupt_record=None)]
    assert df.count() == df.select("b").count() == 5


def test_csv_dropmalformed_count_is_the_same_for_every_projection(spark, tmp_path):
    # RELIABILITY 15 / SPARK-28058: PySpark 4.3 answers 5 for count() and 2 for collect().
    path = _write(tmp_path / "d.csv", BAD_CSV)
    for schema in (SCHEMA, SCHEMA + ", _corrupt_record STRING"):
        df = spark.read.csv(path, header=True, schema=schema, mode="DROPMALFORMED")
        assert [tuple(r)[:3] for r in df.collect()] == [(1, "x", 1.5), (5, None, 4.5)]
        assert df.count() == df.select("b").count() == df.select("a").count() == 2
        assert df.where(F.col("c") > 0).select("c").count() == 2


def test_csv_failfast_names_file_line_and_record(spark, tmp_path):
    path = _write(tmp_path / "d.csv", BAD_CSV)
    df = spark.read.csv(path, header=True, schema=SCHEMA, mode="FAILFAST")
    with pytest.raises(EmberSQLException) as info:
        df.select("b").collect()
    assert info.value.getCondition() == "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION"
    assert f"file:{path}:3: '2,y'" in str(info.value)
    with pytest.raises(EmberValueError, match="Unknown parse mode 'FAILFST'"):
        spark.read.csv(path, header=True, schema=SCHEMA, mode="FAILFST").collect()


def test_csv_infer_schema_matches_pyspark(spark, tmp_path):
    path = _write(tmp_path / "i.csv", "i,l,d,dt,ts,bo,s,n\n1,10000000000,1.5,2020-01-02,2020-01-02 03:04:05,true,hello,NA\n"
                  '2,3,2,2021-12-31,2021-12-31 00:00:00,false,"a,b",\n')
    df = spark.read.csv(path, header=True, inferSchema=True, nullValue="NA")
    assert df.dtypes == [("i", "int"), ("l", "bigint"), ("d", "double"), ("dt", "date"), ("ts", "timestamp"),
                         ("bo", "boolean"), ("s", "string"), ("n", "string")]
    assert [r.s for r in df.collect()] == ["hello", "a,b"]
    assert [r.n for r in df.collect()] == [None, None]
    plain = spark.read.csv(path)
    assert plain.columns == [f"_c{i}" for i in range(8)] and plain.count() == 3


def test_csv_options_sep_and_many_files_match_duckdb(spark, tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    rows = [(i, f"name{i % 7}", i * 0.5 if i % 5 else None) for i in range(300)]
    for f in range(3):
        chunk = rows[f * 100:(f + 1) * 100]
        lines = ["id;name;v"] + [f"{a};{b};{'' if c is None else c}" for a, b, c in chunk]
        (folder / f"p{f}.csv").write_text("\n".join(lines) + "\n")
    (folder / "_SUCCESS").write_text("")
    df = (spark.read.format("csv").option("header", True).option("sep", ";")
          .options(inferSchema=True).load(str(folder)))
    assert df.rdd.getNumPartitions() == 3
    got = df.groupBy("name").agg(F.count("*"), F.sum("v")).collect()
    want = duckdb.sql(f"select name, count(*), sum(v) from read_csv('{folder}/p*.csv', delim=';', header=true) "
                      "group by name").fetchall()
    assert _sorted(got) == _sorted(want)
    assert spark.read.csv(str(folder / "p[01].csv"), header=True, sep=";").count() == 200
    assert spark.read.csv([str(folder / "p0.csv"), str(folder / "p2.csv")], header=True, sep=";").count() == 200


def test_missing_path_and_empty_file(spark, tmp_path):
    with pytest.raises(AnalysisException, match=r"\[PATH_NOT_FOUND\] Path does not exist: file:.*nope"):
        spark.read.csv(str(tmp_path / "nope"))
    empty = _write(tmp_path / "e.csv", "")
    assert spark.read.csv(empty, schema="a INT").count() == 0


# ---------------------------------------------------------------------------- JSON and text
JSON_LINES = ('{"b": 1, "a": "x", "c": [1,2], "d": {"y": 1.5, "x": true}}\n{"b": 2.5, "a": null}\n'
              'not json\n{"e": "2020-01-01"}\n')


def test_json_inference_and_corrupt_records_match_pyspark(spark, tmp_path):
    path = _write(tmp_path / "j.json", JSON_LINES)
    df = spark.read.json(path)
    assert df.dtypes == [("_corrupt_record", "string"), ("a", "string"), ("b", "double"), ("c", "array<bigint>"),
                         ("d", "struct<x:boolean,y:double>"), ("e", "string")]
    rows = df.collect()
    assert rows[0] == Row(_corrupt_record=None, a="x", b=1.0, c=[1, 2], d=Row(x=True, y=1.5), e=None)
    assert rows[2]._corrupt_record == "not json"
    dropped = spark.read.json(path, mode="DROPMALFORMED")
    assert "_corrupt_record" not in dropped.columns and dropped.count() == dropped.select("a").count() == 3
    with pytest.raises(EmberSQLException, match=r"j.json:3: 'not json'"):
        spark.read.json(path, mode="FAILFAST").collect()


def test_json_with_schema_flags_values_of_the_wrong_type(spark, tmp_path):
    path = _write(tmp_path / "j.json", '{"a": 1, "b": "x"}\n{"a": "oops", "b": "y"}\n{"b": "z"}\n')
    df = spark.read.schema("a INT, b STRING, _corrupt_record STRING").json(path)
    assert df.collect() == [Row(a=1, b="x", _corrupt_record=None),
                            Row(a=None, b="y", _corrupt_record='{"a": "oops", "b": "y"}'),
                            Row(a=None, b="z", _corrupt_record=None)]


def test_text_reads_lines(spark, tmp_path):
    path = _write(tmp_path / "t.txt", "one\ntwo\n\nthree\n")
    df = spark.read.text(path)
    assert df.columns == ["value"]
    assert [r.value for r in df.collect()] == ["one", "two", "", "three"]
    assert spark.read.text(path, wholetext=True).collect() == [Row(value="one\ntwo\n\nthree\n")]


# ---------------------------------------------------------------------------- Parquet
@pytest.fixture
def sales(tmp_path):
    path = tmp_path / "sales.parquet"
    n = 10_000
    table = pa.table({"id": pa.array(range(n), pa.int64()), "region": [f"r{i % 4}" for i in range(n)],
                      "amount": [None if i % 13 == 0 else float(i % 100) for i in range(n)]})
    pq.write_table(table, path, row_group_size=1000)
    return str(path)


def test_parquet_matches_duckdb(spark, sales):
    got = spark.read.parquet(sales).groupBy("region").agg(F.sum("amount"), F.count("amount")).collect()
    want = duckdb.sql(f"select region, sum(amount), count(amount) from '{sales}' group by region").fetchall()
    assert _sorted(got) == _sorted(want)


def test_parquet_pruning_shows_in_explain_and_skips_row_groups(spark, sales, capsys):
    df = spark.read.parquet(sales).where((F.col("id") >= 2500) & (F.col("id") < 3500)).select("region")
    df.explain()
    text = capsys.readouterr().out
    assert "PushedFilters: [GreaterThanOrEqual(id,2500), LessThan(id,3500)]" in text
    assert "ReadSchema: struct<id:bigint,region:string>" in text
    assert "RowGroups: 2/10" in text
    assert df.count() == 1000
    assert spark.read.parquet(sales).where("id > 100000").count() == 0


def test_parquet_schema_conflict_names_both_files(spark, tmp_path):
    # RELIABILITY 14: never read on silently, with or without mergeSchema.
    pq.write_table(pa.table({"a": pa.array([1], pa.int64())}), tmp_path / "one.parquet")
    pq.write_table(pa.table({"a": pa.array(["x"])}), tmp_path / "two.parquet")
    for merge in (False, True):
        with pytest.raises(AnalysisException) as info:
            spark.read.option("mergeSchema", merge).parquet(str(tmp_path))
        message = str(info.value)
        assert info.value.getCondition() == "CANNOT_MERGE_SCHEMAS"
        assert "one.parquet" in message and "two.parquet" in message
        assert "`a`" in message and "BIGINT" in message and "STRING" in message


def test_parquet_merge_schema_unites_columns(spark, tmp_path):
    pq.write_table(pa.table({"a": pa.array([1], pa.int64())}), tmp_path / "one.parquet")
    pq.write_table(pa.table({"a": pa.array([2], pa.int64()), "b": [1.5]}), tmp_path / "two.parquet")
    df = spark.read.parquet(str(tmp_path), mergeSchema=True)
    assert df.columns == ["a", "b"]
    assert _sorted(df.collect()) == [(1, None), (2, 1.5)]
    assert spark.read.parquet(str(tmp_path)).columns == ["a"]


# ---------------------------------------------------------------------------- writers
DATA = [(1, "a", 1.0), (2, None, None), (1, "b", 2.0), (None, "n", 3.5)]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json"])
def test_write_then_read_round_trips(spark, tmp_path, fmt):
    df = spark.createDataFrame(DATA, "k INT, s STRING, d DOUBLE")
    out = str(tmp_path / fmt)
    df.write.format(fmt).save(out)
    names = sorted(os.listdir(out))
    assert "_SUCCESS" in names and "_temporary" not in names
    assert all(n.startswith("part-") for n in names if n != "_SUCCESS")
    back = spark.read.schema("k INT, s STRING, d DOUBLE").format(fmt).load(out)
    assert _sorted(back.collect()) == _sorted(DATA)


def test_partition_by_writes_directories_and_reads_them_back(spark, tmp_path):
    df = spark.createDataFrame(DATA, "k INT, s STRING, d DOUBLE")
    out = str(tmp_path / "p")
    df.write.partitionBy("k").parquet(out)
    assert sorted(n for n in os.listdir(out) if n.startswith("k=")) == ["k=1", "k=2", "k=__HIVE_DEFAULT_PARTITION__"]
    back = spark.read.parquet(out)
    assert back.dtypes == [("s", "string"), ("d", "double"), ("k", "int")]
    assert _sorted(back.collect()) == _sorted([(s, d, k) for k, s, d in DATA])
    pruned = back.where(F.col("k") == 1)
    assert "PartitionFilters: [(k" in pruned._qe.physical.tree_string()
    assert "Files: " in pruned._qe.physical.tree_string()
    assert _sorted(pruned.collect()) == [("a", 1.0, 1), ("b", 2.0, 1)]
    assert duckdb.sql(f"select count(*) from read_parquet('{out}/*/*.parquet', hive_partitioning=true)").fetchall() == [(4,)]


def test_save_modes(spark, tmp_path):
    df = spark.createDataFrame(DATA, "k INT, s STRING, d DOUBLE")
    out = str(tmp_path / "m")
    df.write.parquet(out)
    with pytest.raises(AnalysisException, match=r"\[PATH_ALREADY_EXISTS\] Path file:.*/m already exists. "
                                                r"Set mode as \"overwrite\" to overwrite the existing path."):
        df.write.parquet(out)
    df.write.mode("ignore").parquet(out)
    df.write.mode("append").parquet(out)
    assert spark.read.parquet(out).count() == 8
    df.limit(1).write.mode("overwrite").parquet(out)
    assert spark.read.parquet(out).count() == 1
    with pytest.raises(EmberValueError, match="INVALID_SAVE_MODE"):
        df.write.mode("sometimes")


def test_empty_result_still_writes_a_readable_file(spark, tmp_path):
    out = str(tmp_path / "e")
    spark.createDataFrame(DATA, "k INT, s STRING, d DOUBLE").where("k > 100").write.parquet(out)
    back = spark.read.parquet(out)
    assert back.columns == ["k", "s", "d"] and back.count() == 0


def test_failed_write_leaves_no_output_and_keeps_old_data(spark, tmp_path):
    bad = spark.range(0, 40, numPartitions=4).select((F.lit(10) / (F.col("id") - 35)).alias("x"))
    fresh = str(tmp_path / "fresh")
    with pytest.raises(Exception):
        bad.write.parquet(fresh)
    assert not os.path.exists(fresh)
    kept = str(tmp_path / "kept")
    spark.range(3).write.parquet(kept)
    with pytest.raises(Exception):
        bad.write.mode("overwrite").parquet(kept)
    assert sorted(os.listdir(kept))[0] == "_SUCCESS" and "_temporary" not in os.listdir(kept)
    assert spark.read.parquet(kept).count() == 3


def test_duplicate_task_attempt_commits_once(tmp_path):
    job = commit.WriteJob(str(tmp_path / "out"), "error")
    assert commit.setup_job(job)

    def writer(name):
        def write(root):
            (tmp_path / "out").joinpath(root, name).write_text(name)
            return [name]
        return write

    first = commit.run_task(job, 3, 0, writer("first.txt"))
    second = commit.run_task(job, 3, 1, writer("second.txt"))
    assert first == second == ["first.txt"]
    commit.commit_job(job, [(3, first)])
    assert sorted(os.listdir(tmp_path / "out")) == ["_SUCCESS", "first.txt"]
