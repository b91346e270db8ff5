"""CSV read as PySpark 4.3 reads it: quotes, escapes, unescaped-quote handling, multiLine, parse
modes, blank trimming, comments, null and empty values. Every expected row here was captured
from PySpark 4.3 (``local[1]``) reading the same bytes; ``fixtures/csv_spark_fields.json`` holds
PySpark's fields for random lines over the alphabet ``a b , " \\ <space>`` under each option set."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pytest

from ember.sql import types as T
from ember.sql.errors import EmberSQLException, EmberValueError
from ember.sql.io import csv_format
from ember.sql.io.files import InputFile
from ember.sql.io.options import Options
from ember.sql.io.splits import TextSplit, plan_text_splits

S3 = "id INT, name STRING, v INT"
CORRUPT = ", _corrupt_record STRING"
HANDLINGS = ["STOP_AT_DELIMITER", "BACK_TO_DELIMITER", "STOP_AT_CLOSING_QUOTE", "SKIP_VALUE", "RAISE_ERROR"]
FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "csv_spark_fields.json").read_text())


def _file(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return str(path)


def _rows(spark, path, schema, **options):
    return [list(r) for r in spark.read.csv(path, schema=schema, **options).collect()]


# ------------------------------------------------------------------ a quoted line break, multiLine off and on
QUOTED_NEWLINE = 'id,name,v\n1,"a\nb",2\n3,c,4\n'


def test_quoted_newline_without_multiline_is_two_malformed_lines(spark, tmp_path):
    path = _file(tmp_path, "qn.csv", QUOTED_NEWLINE)
    assert _rows(spark, path, S3 + CORRUPT, header=True) == [
        [1, "a", None, '1,"a'], [None, "2", None, 'b",2'], [3, "c", 4, None]]
    assert _rows(spark, path, S3, header=True) == [[1, "a", None], [None, "2", None], [3, "c", 4]]
    assert _rows(spark, path, S3 + CORRUPT, header=True, mode="DROPMALFORMED") == [[3, "c", 4, None]]
    with pytest.raises(EmberSQLException, match="MALFORMED_RECORD_IN_PARSING"):
        _rows(spark, path, S3, header=True, mode="FAILFAST")


@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"])
def test_quoted_newline_with_multiline_is_one_record(spark, tmp_path, mode):
    path = _file(tmp_path, "qn.csv", QUOTED_NEWLINE)
    assert _rows(spark, path, S3 + CORRUPT, header=True, mode=mode, multiLine=True) == [
        [1, "a\nb", 2, None], [3, "c", 4, None]]


# ------------------------------------------------------------------ Spark's quote and escape defaults
def test_doubled_quotes_keep_their_quotes_under_the_backslash_escape(spark, tmp_path):
    path = _file(tmp_path, "hi.csv", '5,"say ""hi""",6\n')
    assert _rows(spark, path, S3 + CORRUPT) == [[5, '"say ""hi"""', 6, None]]
    assert _rows(spark, path, S3 + CORRUPT, escape='"') == [[5, 'say "hi"', 6, None]]
    expected = {"STOP_AT_DELIMITER": '"say ""hi"""', "BACK_TO_DELIMITER": 'say "hi""',
                "STOP_AT_CLOSING_QUOTE": 'say ""hi""', "SKIP_VALUE": None}
    for handling, name in expected.items():
        assert _rows(spark, path, S3 + CORRUPT, unescapedQuoteHandling=handling) == [[5, name, 6, None]]


def test_backslash_escapes_a_quote_only_inside_quotes(spark, tmp_path):
    text = ('1,"a\\"b",2\n2,a\\"b,3\n3,"a\\\\",4\n4,"a\\\\\\"b",5\n5,"a\\nb",6\n6,"",7\n7,  "x"  ,8\n'
            '8,"x" y,9\n')
    path = _file(tmp_path, "esc.csv", text)
    names = ['a"b', 'a\\"b', "a\\", 'a\\"b', "a\\nb", None, '  "x"  ', '"x" y']
    assert _rows(spark, path, S3 + CORRUPT) == [[i + 1, n, i + 2, None] for i, n in enumerate(names)]
    names[5] = ""  # a quoted empty field is emptyValue (""), NULL only while nullValue is "" too
    assert _rows(spark, path, S3 + CORRUPT, nullValue="NV") == [[i + 1, n, i + 2, None] for i, n in enumerate(names)]
    no_escape = ['"a\\"b"', 'a\\"b', "a\\\\", '"a\\\\\\"b"', "a\\nb", None, '  "x"  ', '"x" y']
    assert _rows(spark, path, S3 + CORRUPT, escape="") == [[i + 1, n, i + 2, None] for i, n in enumerate(no_escape)]


def test_char_to_escape_quote_escaping(spark, tmp_path):
    path = _file(tmp_path, "ce.csv", '1,"a\\\\"b",2\n2,"a\\\\\\"b",3\n3,"a##"b",4\n4,"a#\\"b",5\n')
    assert _rows(spark, path, S3 + CORRUPT) == [
        [1, '"a\\"b"', 2, None], [2, 'a\\"b', 3, None], [3, '"a##"b"', 4, None], [4, 'a#"b', 5, None]]
    assert _rows(spark, path, S3 + CORRUPT, charToEscapeQuoteEscaping="#") == [
        [1, 'a\\"b', 2, None], [2, 'a\\\\"b', 3, None], [3, '"a"b"', 4, None], [4, '"a\\"b"', 5, None]]


def test_other_quote_characters_and_no_quote(spark, tmp_path):
    path = _file(tmp_path, "q.csv", "1,'a,b',2\n2,'it''s',3\n")
    assert _rows(spark, path, S3 + CORRUPT, quote="'") == [[1, "a,b", 2, None], [2, "'it''s'", 3, None]]
    assert _rows(spark, path, "a STRING, b STRING, c STRING, d STRING" + CORRUPT, quote="") == [
        ["1", "'a", "b'", "2", None], ["2", "'it''s'", "3", None, "2,'it''s',3"]]


# ------------------------------------------------------------------ unescaped quotes under every mode
UNESCAPED = '1,"a"b,c",2\n2,a"b,3\n3,"ab,4\n4,"a"b"c,5\n5,"a""b"x,6\n'
UNESCAPED_PERMISSIVE = {
    "STOP_AT_DELIMITER": [[1, '"a"b', None, '1,"a"b,c",2'], [2, 'a"b', 3, None], [3, "ab,4", None, '3,"ab,4'],
                          [4, '"a"b"c', 5, None], [5, '"a""b"x', 6, None]],
    "BACK_TO_DELIMITER": [[1, "ab,c", 2, None], [2, 'a"b', 3, None], [3, "ab,4", None, '3,"ab,4'],
                          [4, "abc,5", None, '4,"a"b"c,5'], [5, 'a"bx,6', None, '5,"a""b"x,6']],
    "STOP_AT_CLOSING_QUOTE": [[1, 'a"b,c', 2, None], [2, 'a"b', 3, None], [3, "ab,4", None, '3,"ab,4'],
                              [4, 'a"b"c,5', None, '4,"a"b"c,5'], [5, 'a""b"x,6', None, '5,"a""b"x,6']],
    "SKIP_VALUE": [[1, None, None, '1,"a"b,c",2'], [2, 'a"b', 3, None], [3, "ab,4", None, '3,"ab,4'],
                   [4, None, 5, None], [5, None, 6, None]],
}
UNESCAPED_MULTILINE = {
    "STOP_AT_DELIMITER": [[1, '"a"b', None, '1,"a"b,c",2'], [2, 'a"b', 3, None], [3, '"ab,4\n4,"a"b"c', 5, None],
                          [5, '"a""b"x', 6, None]],
    "STOP_AT_CLOSING_QUOTE": [[1, 'a"b,c', 2, None], [2, 'a"b', 3, None],
                              [3, 'ab,4\n4,"a"b"c,5\n5,"a""b"x,6\n', None, '3,"ab,4\n4,"a"b"c,5\n5,"a""b"x,6']],
    "SKIP_VALUE": [[1, None, None, '1,"a"b,c",2'], [2, 'a"b', 3, None], [3, None, 5, None], [5, None, 6, None]],
}


@pytest.mark.parametrize("handling", list(UNESCAPED_PERMISSIVE))
def test_unescaped_quotes_in_every_parse_mode(spark, tmp_path, handling):
    path = _file(tmp_path, "uq.csv", UNESCAPED)
    permissive = UNESCAPED_PERMISSIVE[handling]
    assert _rows(spark, path, S3 + CORRUPT, unescapedQuoteHandling=handling) == permissive
    assert _rows(spark, path, S3 + CORRUPT, unescapedQuoteHandling=handling, mode="DROPMALFORMED") == [
        r for r in permissive if r[3] is None]
    with pytest.raises(EmberSQLException, match="MALFORMED_RECORD_IN_PARSING"):
        _rows(spark, path, S3 + CORRUPT, unescapedQuoteHandling=handling, mode="FAILFAST")


@pytest.mark.parametrize("handling", list(UNESCAPED_MULTILINE))
def test_unescaped_quotes_with_multiline(spark, tmp_path, handling):
    path = _file(tmp_path, "uq.csv", UNESCAPED)
    assert _rows(spark, path, S3 + CORRUPT, unescapedQuoteHandling=handling, multiLine=True) == \
        UNESCAPED_MULTILINE[handling]


@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"])
@pytest.mark.parametrize("multi_line", [False, True])
def test_raise_error_fails_the_read_in_every_mode(spark, tmp_path, mode, multi_line):
    path = _file(tmp_path, "uq.csv", UNESCAPED)
    with pytest.raises(EmberSQLException, match=r"FAILED_READ_FILE.*Unescaped quote character"):
        _rows(spark, path, S3 + CORRUPT, unescapedQuoteHandling="RAISE_ERROR", mode=mode, multiLine=multi_line)


def test_back_to_delimiter_across_a_line_break_is_refused(spark, tmp_path):
    path = _file(tmp_path, "uq.csv", UNESCAPED)
    with pytest.raises(EmberSQLException, match="UNSUPPORTED_FEATURE.*BACK_TO_DELIMITER"):
        _rows(spark, path, S3 + CORRUPT, unescapedQuoteHandling="BACK_TO_DELIMITER", multiLine=True)


# ------------------------------------------------------------------ too few / too many fields
@pytest.mark.parametrize("multi_line", [False, True])
def test_field_count_mismatch_is_malformed(spark, tmp_path, multi_line):
    path = _file(tmp_path, "cols.csv", "1,2,3\n1,2\n1,2,3,4\n1\nx,2,3\n")
    schema = "a INT, b INT, c INT"
    assert _rows(spark, path, schema + CORRUPT, multiLine=multi_line) == [
        [1, 2, 3, None], [1, 2, None, "1,2"], [1, 2, 3, "1,2,3,4"], [1, None, None, "1"], [None, 2, 3, "x,2,3"]]
    assert _rows(spark, path, schema, multiLine=multi_line) == [
        [1, 2, 3], [1, 2, None], [1, 2, 3], [1, None, None], [None, 2, 3]]
    assert _rows(spark, path, schema, mode="DROPMALFORMED", multiLine=multi_line) == [[1, 2, 3]]
    with pytest.raises(EmberSQLException, match=r"MALFORMED_RECORD_IN_PARSING.*cols.csv:2: '1,2'"):
        _rows(spark, path, schema, mode="FAILFAST", multiLine=multi_line)


# ------------------------------------------------------------------ blanks, comments, null and empty values
def test_blank_trimming_options(spark, tmp_path):
    path = _file(tmp_path, "ws.csv", '  1 , " x " ,3 \n2,\t y\t,4\n')
    strings = "a STRING, b STRING, c STRING"
    assert _rows(spark, path, strings) == [["  1 ", ' " x " ', "3 "], ["2", "\t y\t", "4"]]
    assert _rows(spark, path, strings, ignoreLeadingWhiteSpace=True) == [["1 ", " x ", "3 "], ["2", "y\t", "4"]]
    assert _rows(spark, path, strings, ignoreTrailingWhiteSpace=True) == [["  1", ' " x "', "3"], ["2", "\t y", "4"]]
    assert _rows(spark, path, "a INT, b STRING, c INT", ignoreLeadingWhiteSpace=True,
                 ignoreTrailingWhiteSpace=True) == [[1, " x ", 3], [2, "y", 4]]
    assert _rows(spark, path, "a INT, b STRING, c INT" + CORRUPT) == [  # an int with blanks is malformed
        [None, ' " x " ', None, '  1 , " x " ,3 '], [2, "\t y\t", 4, None]]


def test_comment_null_value_and_empty_value(spark, tmp_path):
    path = _file(tmp_path, "cm.csv", '#c,1\n1,NA,""\n2,,x\n # not\n3,"NA",\n')
    strings = "a STRING, b STRING, c STRING"
    assert _rows(spark, path, strings, comment="#") == [
        ["1", "NA", None], ["2", None, "x"], [" # not", None, None], ["3", "NA", None]]
    assert _rows(spark, path, strings)[0] == ["#c", "1", None]
    assert _rows(spark, path, strings, comment="#", nullValue="NA") == [
        ["1", None, ""], ["2", None, "x"], [" # not", None, None], ["3", None, None]]
    assert _rows(spark, path, strings, comment="#", emptyValue="EMPTY") == [
        ["1", "NA", "EMPTY"], ["2", None, "x"], [" # not", None, None], ["3", "NA", None]]


def test_header_is_the_first_non_blank_line(spark, tmp_path):
    path = _file(tmp_path, "hb.csv", "\n  \na,b\n1,2\n\n3,4\n")
    df = spark.read.csv(path, header=True)
    assert df.columns == ["a", "b"] and [list(r) for r in df.collect()] == [["1", "2"], ["3", "4"]]


def test_carriage_returns_end_lines_and_multiline_detects_the_line_end(spark, tmp_path):
    path = _file(tmp_path, "cr.csv", '1,a,2\r\n2,"b\r\nc",3\r\n3,d,4\r5,e,6\n')
    assert _rows(spark, path, S3 + CORRUPT) == [
        [1, "a", 2, None], [2, "b", None, '2,"b'], [None, "3", None, 'c",3'], [3, "d", 4, None], [5, "e", 6, None]]
    assert _rows(spark, path, S3 + CORRUPT, multiLine=True) == [
        [1, "a", 2, None], [2, "b\nc", 3, None], [3, "d", None, "3,d,4\r5,e,6"]]


def test_option_names_are_case_insensitive(spark, tmp_path):
    path = _file(tmp_path, "uq.csv", UNESCAPED)
    df = (spark.read.schema(S3 + CORRUPT).option("UNESCAPEDQUOTEHANDLING", "skip_value")
          .option("Mode", "dropmalformed").option("MULTILINE", "true").csv(path))
    assert [list(r) for r in df.collect()] == [r for r in UNESCAPED_MULTILINE["SKIP_VALUE"] if r[3] is None]


def test_bad_options_name_themselves(spark, tmp_path):
    path = _file(tmp_path, "a.csv", "1,2\n")
    with pytest.raises(EmberValueError, match="unescapedQuoteHandling 'NOPE'"):
        spark.read.csv(path, schema="a INT, b INT", unescapedQuoteHandling="nope").collect()
    with pytest.raises(EmberValueError, match="'quote' cannot be more than one character"):
        spark.read.csv(path, schema="a INT, b INT", quote="''").collect()
    with pytest.raises(EmberValueError, match="delimiter of 2 characters"):
        spark.read.csv(path, schema="a INT, b INT", sep="::").collect()


# ------------------------------------------------------------------ PySpark's fields for random lines
_STRINGS = ", ".join(f"c{i} STRING" for i in range(10)) + CORRUPT


@pytest.mark.parametrize("variant", list(FIXTURE["variants"]))
def test_random_lines_split_into_pysparks_fields(spark, tmp_path, variant):
    case = FIXTURE["variants"][variant]
    path = _file(tmp_path, "fuzz.csv", "\n".join(FIXTURE["lines"]) + "\n")
    got = _rows(spark, path, _STRINGS, **case["options"])
    for line, row, (fields, malformed) in zip(FIXTURE["lines"], got, case["rows"]):
        values = row[:10]
        while values and values[-1] is None:
            values.pop()
        assert (values, row[10] is not None) == (fields, malformed), line
    assert len(got) == len(case["rows"])


def _read_whole(path, schema, options):
    options = Options.of(options)
    corrupt = options.corrupt_column
    data = T.StructType([f for f in schema.fields if f.name != corrupt])
    out = pa.schema([pa.field(f.name, pa.string()) for f in schema.fields])
    positions = [-1 if f.name == corrupt else i for i, f in enumerate(schema.fields)]
    split = TextSplit(InputFile(path, os.path.getsize(path)), 0, max(1, os.path.getsize(path)))
    return pa.Table.from_batches(list(csv_format.read_file(split, data, out, positions, options)), schema=out)


@pytest.mark.parametrize("handling", list(FIXTURE["multiline"]))
def test_random_multiline_texts_split_into_pysparks_records(tmp_path, handling):
    schema = T.StructType([T.StructField(f"c{i}", T.StringType()) for i in range(10)]
                          + [T.StructField("_corrupt_record", T.StringType())])
    for i, (text, want) in enumerate(zip(FIXTURE["multiline_texts"], FIXTURE["multiline"][handling])):
        path = _file(tmp_path, f"m{i}.csv", text)
        got = []
        for row in _read_whole(path, schema, {"multiLine": True, "unescapedQuoteHandling": handling}).to_pylist():
            values = [row[f"c{j}"] for j in range(10)]
            while values and values[-1] is None:
                values.pop()
            got.append([values, row["_corrupt_record"]])
        assert got == want, text


# ------------------------------------------------------------------ splitting quoted files
def test_quoted_file_splits_at_lines_and_agrees_with_one_split(spark, tmp_path):
    rows = []
    for i in range(6000):
        name = [f'"n{i}"', f'"a,{i}"', f"plain{i}", f'"say ""{i}"""', f'"x\\"{i}"', f'"open{i}'][i % 6]
        rows.append(f"{i},{name},{i % 7}")
    path = _file(tmp_path, "quoted.csv", "id,name,v\n" + "\n".join(rows) + "\n")
    size = os.path.getsize(path)
    splits = plan_text_splits([InputFile(path, size)], "csv", Options.of({}), 20_000)
    assert len(splits) > 4
    schema = T.StructType([T.StructField("id", T.IntegerType()), T.StructField("name", T.StringType()),
                           T.StructField("v", T.IntegerType()), T.StructField("_corrupt_record", T.StringType())])
    out = pa.schema([pa.field("id", pa.int32()), pa.field("name", pa.string()), pa.field("v", pa.int32()),
                     pa.field("_corrupt_record", pa.string())])
    options = Options.of({"header": True})
    parts = [pa.Table.from_batches(list(csv_format.read_file(s, T.StructType(schema.fields[:3]), out, [0, 1, 2, -1],
                                                             options)), schema=out) for s in splits]
    whole = pa.Table.from_batches(list(csv_format.read_file(
        TextSplit(InputFile(path, size), 0, size), T.StructType(schema.fields[:3]), out, [0, 1, 2, -1], options)),
        schema=out)
    assert pa.concat_tables(parts).to_pylist() == whole.to_pylist()
    got = whole.to_pylist()
    assert [r["id"] for r in got] == list(range(6000))
    assert got[0]["name"] == "n0" and got[1]["name"] == "a,1" and got[2]["name"] == "plain2"
    assert got[3]["name"] == '"say ""3"""' and got[4]["name"] == 'x"4'
    assert got[5] == {"id": 5, "name": "open5,5", "v": None, "_corrupt_record": '5,"open5,5'}
    spark.conf.set("spark.sql.files.maxPartitionBytes", "20000")
    spark.conf.set("spark.sql.files.openCostInBytes", "1")
    try:
        df = spark.read.csv(path, header=True, schema="id INT, name STRING, v INT")
        assert df.rdd.getNumPartitions() > 4 and df.count() == 6000
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
        spark.conf.unset("spark.sql.files.openCostInBytes")


def test_plainly_quoted_split_takes_the_arrow_path(tmp_path, monkeypatch):
    path = _file(tmp_path, "p.csv", "id,name,v\n" + "\n".join(f'{i},"n {i}, x",{i}' for i in range(500)) + "\n")
    monkeypatch.setattr(csv_format, "_read_python", lambda *a: (_ for _ in ()).throw(AssertionError("fell back")))
    table = _read_whole(path, T.StructType([T.StructField("id", T.StringType()), T.StructField("name", T.StringType()),
                                           T.StructField("v", T.StringType())]), {"header": True})
    assert table.column("name").to_pylist() == [f"n {i}, x" for i in range(500)]


# ------------------------------------------------------------------ writing
WRITE_ROWS = [('a"b', 1), ("a,b", 2), ("", 3), (None, 4), (" x ", 5), ("a\\b", 6), ("a\nb", 7), ('a\\"b', 8),
              ("#c", 9)]
WRITTEN = {  # PySpark 4.3's part file for each option set
    "default": ({}, '"a\\"b",1\n"a,b",2\n"",3\n,4\nx,5\na\\b,6\n"a\nb",7\n"a\\\\\\"b",8\n"#c",9\n'),
    "quoteAll": ({"quoteAll": True}, '"a\\"b","1"\n"a,b","2"\n"","3"\n"","4"\n"x","5"\n"a\\\\b","6"\n"a\nb","7"\n'
                                     '"a\\\\\\"b","8"\n"#c","9"\n'),
    "noesc": ({"escapeQuotes": False}, 'a"b,1\n"a,b",2\n"",3\n,4\nx,5\na\\b,6\n"a\nb",7\na\\"b,8\n"#c",9\n'),
    "escq": ({"escape": '"'}, '"a""b",1\n"a,b",2\n"",3\n,4\nx,5\na\\b,6\n"a\nb",7\n"a\\""b",8\n"#c",9\n'),
    "nullv": ({"nullValue": "NULL", "emptyValue": "E"}, '"a\\"b",1\n"a,b",2\nE,3\nNULL,4\nx,5\na\\b,6\n"a\nb",7\n'
                                                        '"a\\\\\\"b",8\n"#c",9\n'),
    "header": ({"header": True}, 's,i\n"a\\"b",1\n"a,b",2\n"",3\n,4\nx,5\na\\b,6\n"a\nb",7\n"a\\\\\\"b",8\n"#c",9\n'),
    "ws": ({"ignoreLeadingWhiteSpace": False, "ignoreTrailingWhiteSpace": False},
           '"a\\"b",1\n"a,b",2\n"",3\n,4\n x ,5\na\\b,6\n"a\nb",7\n"a\\\\\\"b",8\n"#c",9\n'),
}


@pytest.mark.parametrize("case", list(WRITTEN))
def test_write_quotes_and_escapes_as_pyspark(spark, tmp_path, case):
    options, expected = WRITTEN[case]
    out = tmp_path / case
    spark.createDataFrame(WRITE_ROWS, "s STRING, i INT").coalesce(1).write.csv(str(out), **options)
    parts = sorted(p for p in os.listdir(out) if p.startswith("part-"))
    assert "".join((out / p).read_text() for p in parts) == expected


def test_written_csv_reads_back_as_the_original_rows(spark, tmp_path):
    out = str(tmp_path / "round")
    rows = [r for r in WRITE_ROWS if r[0] not in (" x ", "")]  # trimmed on write; "" reads back as NULL
    spark.createDataFrame(rows, "s STRING, i INT").coalesce(1).write.csv(out)
    assert sorted(map(tuple, spark.read.csv(out, schema="s STRING, i INT", multiLine=True).collect()),
                  key=lambda r: r[1]) == rows


@pytest.mark.parametrize("options", [{}, {"nullValue": "N"}, {"emptyValue": "E"}, {"escape": '"'},
                                     {"charToEscapeQuoteEscaping": "a"}, {"quote": "'"}])
def test_arrow_path_agrees_with_the_exact_path_line_by_line(tmp_path, options):
    # the exact path is the one checked against PySpark above; every line is its own file so
    # that a line the Arrow path declines does not hide the others
    import random

    rng = random.Random(11)
    pieces = ["a", "b", " ", '"', "'", "\\", ",", "N", "E"]
    schema = T.StructType([T.StructField(f"c{i}", T.StringType()) for i in range(3)])
    out = pa.schema([pa.field(f"c{i}", pa.string()) for i in range(3)])
    taken = 0
    for i in range(150):
        fields = []
        for _ in range(3):
            body = "".join(rng.choice(pieces[:-3] if rng.random() < 0.5 else pieces) for _ in range(rng.randint(0, 4)))
            fields.append(f'"{body}"' if rng.random() < 0.5 else body)
        path = _file(tmp_path, f"l{i}.csv", ",".join(fields) + "\n")
        split = TextSplit(InputFile(path, os.path.getsize(path)), 0, os.path.getsize(path))
        opts = Options.of(options)
        fast = pa.Table.from_batches(list(csv_format.read_file(split, schema, out, [0, 1, 2], opts)), schema=out)
        slow = pa.Table.from_batches(list(csv_format._read_python(split, None, schema, out, [0, 1, 2], opts, False)),
                                     schema=out)
        assert fast.to_pylist() == slow.to_pylist(), ",".join(fields)
        try:
            csv_format._arrow_columns(open(path, "rb").read(), schema, csv_format.csv_settings(opts), False)
            taken += 1
        except csv_format.arrow_parse.Fallback:
            pass
    assert taken >= 10  # the comparison exercised the Arrow path


def test_line_separator_option_is_refused(spark, tmp_path):
    path = _file(tmp_path, "a.csv", "1,2\n")
    with pytest.raises(EmberValueError, match="'lineSep' = ';' is not supported"):
        spark.read.csv(path, schema="a INT, b INT", lineSep=";").collect()
