"""Readers and writers end to end: CSV, JSON, text and Parquet against DuckDB/pandas, parse
modes (docs/reliability.md#parse-modes), schema conflicts (#schema-conflicts), pruning, and atomic commits."""

from __future__ import annotations

import os

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ember.sql import AnalysisException, Row
from ember.sql import functions as F
from ember.sql.errors import EmberSQLException, EmberValueError

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
    # docs/reliability.md#parse-modes / SPARK-28058: PySpark 4.3 answers 5 for count() and 2 for collect().
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
    # docs/reliability.md#schema-conflicts: never read on silently, with or without mergeSchema.
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


# ---------------------------------------------------------------------------- Arrow fast path and splits
from ember.sql import types as T  # noqa: E402
from ember.sql.arrow_types import to_arrow_type  # noqa: E402
from ember.sql.io import csv_format, json_format  # noqa: E402
from ember.sql.io.files import InputFile  # noqa: E402
from ember.sql.io.options import Options  # noqa: E402
from ember.sql.io.splits import TextSplit, plan_text_splits  # noqa: E402

_TYPES = [T.IntegerType(), T.LongType(), T.ShortType(), T.DoubleType(), T.FloatType(), T.BooleanType(),
          T.DateType(), T.TimestampType(), T.StringType()]
_FIELDS = {  # per type: texts both paths must read alike (valid, invalid and odd spellings)
    "int": ["1", "-7", "007", " 5", "+5", "1_0", "2147483648", "x", "1.0", ""],
    "bigint": ["9223372036854775807", "9223372036854775808", "-3", "", "NA"],
    "smallint": ["32767", "32768", "-1"],
    "double": ["1.5", "1e5", ".5", "5.", "+1.5", "nan", "NaN", "inf", "Infinity", "-Inf", "1_0", " 2.5", "0x1p3"],
    "float": ["1.1", "3.4e38", "1e39", "0.1"],
    "boolean": ["true", "False", "TRUE", "tRuE", " true", "1", "yes"],
    "date": ["2020-01-01", "2020-1-1", "20200101", "0000-01-01", "2020-02-30", " 2020-01-02", "2020-W01-1"],
    "timestamp": ["2020-01-01 01:02:03", "2020-01-01T01:02", "2020-01-01", "2020-01-01 01",
                  "2020-01-01 24:00:00", "2020-01-01 01:02:03.1234567", "2020-01-01 01:02:03+01:00",
                  "2020-01-01 01:02:03.5", "0000-01-01 00:00:00"],
    "string": ["plain", '"a,b"', '"a""b"', '"ab"c', 'a"b', '"x\ny"', '""', " ", "NA", "\\,x", '"\\"q"'],
}


def _both_paths(module, path, schema, options, split=None):
    options = Options.of(options)
    corrupt = options.corrupt_column
    parsed = T.StructType([f for f in schema.fields if f.name != corrupt])
    out = pa.schema([pa.field(f.name, to_arrow_type(f.dataType)) for f in schema.fields])
    positions = [-1 if f.name == corrupt else i for i, f in enumerate(parsed.fields)]
    positions = [-1 if f.name == corrupt else [g.name for g in parsed.fields].index(f.name) for f in schema.fields]
    split = split or TextSplit(InputFile(path, os.path.getsize(path)), 0, max(1, os.path.getsize(path)))
    fast = pa.Table.from_batches(list(module.read_file(split, parsed, out, positions, options)), schema=out)
    if module is csv_format:
        slow_batches = module._read_python(split, None, parsed, out, positions, options,
                                           options.flag("header") and split.start == 0)
    else:
        slow_batches = module._read_python(split, None, list(parsed.fields), out, positions, options)
    slow = pa.Table.from_batches(list(slow_batches), schema=out)
    return fast, slow


def _same(a, b):
    assert a.num_rows == b.num_rows
    for x, y in zip(a.to_pylist(), b.to_pylist()):
        assert {k: (None if v != v else v) for k, v in x.items()} == {k: (None if v != v else v) for k, v in y.items()}


@pytest.mark.parametrize("type_name", list(_FIELDS))
@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED"])
def test_csv_arrow_and_python_paths_agree_per_value(tmp_path, type_name, mode):
    dt = T.parse_datatype_string(type_name) if hasattr(T, "_parse_datatype_string") else None
    dt = dt or next(t for t in _TYPES if t.simpleString() == type_name)
    schema = T.StructType([T.StructField("k", T.IntegerType()), T.StructField("v", dt),
                           T.StructField("_corrupt_record", T.StringType())])
    for i, text in enumerate(_FIELDS[type_name]):
        for null_value in ("", "NA"):
            path = _write(tmp_path / f"v{i}.csv", f"k,v\n1,{text}\n2,\n")
            fast, slow = _both_paths(csv_format, path, schema, {"header": True, "mode": mode, "nullValue": null_value})
            _same(fast, slow)


def test_csv_arrow_path_is_used_for_clean_files_and_agrees(tmp_path, monkeypatch):
    lines = ["i,l,d,b,dt,ts,s"] + [f"{i},{i * 10**10},{i / 7},{'true' if i % 2 else 'false'},2020-01-{i % 28 + 1:02d},"
                                   f"2021-03-04 05:06:{i % 60:02d}.{i:06d},s{i}" if i % 9 else ",,,,,," for i in range(1, 3000)]
    path = _write(tmp_path / "clean.csv", "\n".join(lines) + "\n")
    schema = T.StructType([T.StructField(n, t) for n, t in zip(
        "i l d b dt ts s".split(), [T.IntegerType(), T.LongType(), T.DoubleType(), T.BooleanType(), T.DateType(),
                                    T.TimestampType(), T.StringType()])])
    fast, slow = _both_paths(csv_format, path, schema, {"header": True})
    _same(fast, slow)
    monkeypatch.setattr(csv_format, "_read_python", lambda *a: (_ for _ in ()).throw(AssertionError("fell back")))
    again, _ = (pa.Table.from_batches(list(csv_format.read_file(
        InputFile(path, os.path.getsize(path)), schema, fast.schema, list(range(7)), Options.of({"header": True})))), None)
    assert again.equals(fast)


def test_csv_odd_lines_agree(tmp_path):
    schema = T.StructType([T.StructField("a", T.StringType()), T.StructField("b", T.IntegerType())])
    for i, text in enumerate(["a,b\r\nx,1\r\ny,2\r\n", "a,b\n\n  \nx,1\n", "a,b\rx,1\ry,2", "\ufeffa,b\nx,1\n",
                              "a,b\nx\t,1\n\t\n", 'a,"b\nc"\nx,1\n', "x,1\ny,2", "a,b\n"]):
        path = _write(tmp_path / f"o{i}.csv", text)
        for options in ({"header": True}, {"header": False}, {"header": True, "sep": "\t"}):
            _same(*_both_paths(csv_format, path, schema, options))


def test_json_arrow_and_python_paths_agree(tmp_path):
    schema = T.StructType([T.StructField("a", T.IntegerType()), T.StructField("d", T.DoubleType()),
                           T.StructField("s", T.StringType()), T.StructField("t", T.TimestampType()),
                           T.StructField("dt", T.DateType()), T.StructField("_corrupt_record", T.StringType())])
    records = ['{"a": 1, "d": 2, "s": "x", "t": "2020-01-01 00:00:01", "dt": "2020-01-02"}', '{"a": 1.0}',
               '{"a": 1e2}', '{"a": 1, "a": 2}', '{"a": 1}{"a": 2}', '{"s": 5}', '{"a": true}', '   ', '{"A": 3}',
               '[1]', '{"a": 3000000000}', '{"d": NaN}', '{"d": 1e400}', '{"s": {"x": 1}}', '{"dt": " 2020-01-02"}',
               '{"t": "2020-01-01T00:00:01+02:00"}', '{"extra": 1}', 'not json', '{"d": 12345678901234567890123}']
    for i, record in enumerate(records):
        path = _write(tmp_path / f"j{i}.json", '{"a": 7, "s": "ok"}\n' + record + "\n")
        for mode in ("PERMISSIVE", "DROPMALFORMED"):
            _same(*_both_paths(json_format, path, schema, {"mode": mode}))


def test_splits_cover_every_record_once_and_failfast_counts_lines(spark, tmp_path):
    rows = [f"{i},name{i % 13},{i * 0.25}" for i in range(20000)]
    path = _write(tmp_path / "big.csv", "id,name,v\n" + "\n".join(rows) + "\n")
    splits = plan_text_splits([InputFile(path, os.path.getsize(path))], "csv", Options.of({}), 50_000)
    assert len(splits) > 5 and splits[0].start == 0 and splits[-1].end == os.path.getsize(path)
    schema = T.StructType([T.StructField("id", T.IntegerType()), T.StructField("name", T.StringType()),
                           T.StructField("v", T.DoubleType())])
    ids = []
    for split in splits:
        fast, slow = _both_paths(csv_format, path, schema, {"header": True}, split)
        _same(fast, slow)
        ids += fast.column("id").to_pylist()
    assert ids == list(range(20000))
    spark.conf.set("spark.sql.files.maxPartitionBytes", "60000")
    spark.conf.set("spark.sql.files.openCostInBytes", "1")
    try:
        df = spark.read.csv(path, header=True, schema="id INT, name STRING, v DOUBLE")
        assert df.rdd.getNumPartitions() > 5
        assert df.count() == 20000 and df.agg(F.sum("id")).collect()[0][0] == sum(range(20000))
        bad = _write(tmp_path / "bad.csv", "id,name,v\n" + "\n".join(rows[:15000] + ["1,x,oops"] + rows[15000:]) + "\n")
        with pytest.raises(EmberSQLException, match=rf"file:{bad}:15002: '1,x,oops'"):
            spark.read.csv(bad, header=True, schema="id INT, name STRING, v DOUBLE", mode="FAILFAST").collect()
        assert spark.read.csv(bad, header=True, schema="id INT, name STRING, v DOUBLE",
                              mode="DROPMALFORMED").count() == 20000
        jpath = _write(tmp_path / "big.json", "\n".join(f'{{"id": {i}}}' for i in range(20000)) + '\n{"id": "x"}\n')
        with pytest.raises(EmberSQLException, match=r"big.json:20001: "):
            spark.read.schema("id INT").json(jpath, mode="FAILFAST").collect()
        quoted = _write(tmp_path / "q.csv", "id,name,v\n" + "\n".join(f'{i},"n{i}",1' for i in range(20000)) + "\n")
        # records are lines (multiLine off): quotes do not stop byte-range splits
        assert spark.read.csv(quoted, header=True).rdd.getNumPartitions() > 5
        assert spark.read.csv(quoted, header=True, multiLine=True).rdd.getNumPartitions() == 1
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
        spark.conf.unset("spark.sql.files.openCostInBytes")
