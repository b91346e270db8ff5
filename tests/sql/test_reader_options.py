"""Reader and writer options: each one behaves as in PySpark 4.3 or is refused by name.

Every expected value below was captured from PySpark 4.3 (``local[1]``, session time zone UTC,
the machine's zone) reading or writing the same bytes.
"""

from __future__ import annotations

import bz2
import datetime
import decimal
import glob
import gzip
import math
import os
import zlib

import pytest

from ember.sql import Row
from ember.sql.errors import (AnalysisException, EmberSQLException, EmberValueError, IllegalArgumentException,
                              SparkRuntimeException)
from ember.sql.io import option_rules
from ember.sql.io.datetime_patterns import compile_formatter, compile_parser

DT = datetime.datetime
D = datetime.date
# timestamps are local in Ember; PySpark ran with the session time zone UTC
utc_only = pytest.mark.skipif(datetime.datetime.now().astimezone().utcoffset() != datetime.timedelta(0),
                              reason="expectations captured in UTC")


def _file(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return str(path)


def _rows(df):
    return [tuple(r) for r in df.collect()]


def _same(actual, expected):
    """Row lists equal, NaN equal to NaN."""
    assert len(actual) == len(expected), (actual, expected)
    for a_row, e_row in zip(actual, expected):
        for a, e in zip(a_row, e_row):
            if isinstance(e, float) and math.isnan(e):
                assert isinstance(a, float) and math.isnan(a), (a_row, e_row)
            else:
                assert a == e, (a_row, e_row)


def _written(directory):
    """``(name ending, text)`` of each part file, decompressed by extension."""
    out = []
    for path in sorted(glob.glob(os.path.join(directory, "part-*"))):
        raw = open(path, "rb").read()
        for ending, decompress in ((".gz", gzip.decompress), (".bz2", bz2.decompress), (".deflate", zlib.decompress)):
            if path.endswith(ending):
                raw = decompress(raw)
        out.append((os.path.basename(path).split(".c000", 1)[1], raw.decode("latin-1")))
    return out


# ------------------------------------------------------------------ CSV datetime patterns
TS_CSV = "id,t,d\n1,25/12/2020 13:45,25/12/2020\n2,bad,01/01/2021\n3,1/2/2020 1:05,1/2/2020\n"


def test_csv_timestamp_and_date_formats_parse_with_spark_patterns(spark, tmp_path):
    path = _file(tmp_path, "ts.csv", TS_CSV)
    df = spark.read.csv(path, header=True, schema="id int, t timestamp, d date",
                        timestampFormat="dd/MM/yyyy HH:mm", dateFormat="dd/MM/yyyy")
    assert _rows(df) == [(1, DT(2020, 12, 25, 13, 45), D(2020, 12, 25)), (2, None, D(2021, 1, 1)), (3, None, None)]


def test_csv_timestamp_ntz_format_parses_timestamp_ntz_columns(spark, tmp_path):
    path = _file(tmp_path, "ts.csv", TS_CSV)
    df = spark.read.option("timestampNTZFormat", "dd/MM/yyyy HH:mm").csv(
        path, header=True, schema="id int, t timestamp_ntz, d string")
    assert _rows(df) == [(1, DT(2020, 12, 25, 13, 45), "25/12/2020"), (2, None, "01/01/2021"),
                         (3, None, "1/2/2020")]


def test_csv_inference_with_formats_falls_back_to_string_on_a_mismatch(spark, tmp_path):
    path = _file(tmp_path, "ts.csv", TS_CSV)
    df = spark.read.csv(path, header=True, inferSchema=True, timestampFormat="dd/MM/yyyy HH:mm",
                        dateFormat="dd/MM/yyyy")
    assert df.schema.simpleString() == "struct<id:int,t:string,d:string>"


def test_csv_inference_with_formats_infers_dates_and_timestamps(spark, tmp_path):
    path = _file(tmp_path, "ts.csv", "t,d\n25/12/2020 13:45,25/12/2020\n")
    df = spark.read.csv(path, header=True, inferSchema=True, timestampFormat="dd/MM/yyyy HH:mm",
                        dateFormat="dd/MM/yyyy")
    assert df.schema.simpleString() == "struct<t:timestamp,d:date>"
    assert _rows(df) == [(DT(2020, 12, 25, 13, 45), D(2020, 12, 25))]


def test_an_unknown_pattern_letter_is_refused_naming_it(spark, tmp_path):
    path = _file(tmp_path, "ts.csv", TS_CSV)
    with pytest.raises(EmberValueError, match="letter 'z'"):
        spark.read.csv(path, header=True, schema="id int, t timestamp, d date", timestampFormat="yyyy z").collect()
    with pytest.raises(EmberValueError, match="letter 'E'"):  # Spark fails when a day name disagrees
        spark.read.csv(path, header=True, schema="id int, t timestamp, d date", dateFormat="EEE yyyy").collect()


def test_datetime_patterns_are_strict_about_widths_and_real_days():
    parse = compile_parser("dd/MM/yyyy", "date")
    assert parse("05/12/2020") == D(2020, 12, 5)
    for bad in ("5/12/2020", "31/02/2020", "05/12/2020 ", "05-12-2020"):
        with pytest.raises(ValueError):
            parse(bad)
    assert compile_parser("d/M/yyyy", "date")("1/2/2020") == D(2020, 2, 1)
    assert compile_parser("MMM d yyyy", "date")("dec 5 2020") == D(2020, 12, 5)
    assert compile_parser("dd/MM/yy hh:mm a", "timestamp")("05/12/20 03:04 PM") == DT(2020, 12, 5, 15, 4)
    iso = compile_parser("yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]", "timestamp")
    assert iso("2020-12-05T10:11:12") == DT(2020, 12, 5, 10, 11, 12)
    assert iso("2020-12-05T10:11:12.5Z") == DT(2020, 12, 5, 10, 11, 12, 500000)


@utc_only
def test_csv_patterns_with_month_names_am_pm_and_zones(spark, tmp_path):
    path = _file(tmp_path, "pat2.csv", "a,b,c,d\nDec 5 2020,05/12/20 03:04 PM,x,1/2/2020\n"
                                       "December 15 2020,05/12/20 12:00 AM,y,11/12/2020\n")
    df = spark.read.csv(path, header=True, schema="a date, b timestamp, c string, d string", dateFormat="MMM d yyyy",
                        timestampFormat="dd/MM/yy hh:mm a")
    assert _rows(df) == [(D(2020, 12, 5), DT(2020, 12, 5, 15, 4), "x", "1/2/2020"),
                         (None, DT(2020, 12, 5, 0, 0), "y", "11/12/2020")]
    full = spark.read.csv(path, header=True, schema="a date", dateFormat="MMMM d yyyy")
    assert [r[0] for r in full.collect()] == [None, D(2020, 12, 15)]
    loose = spark.read.csv(path, header=True, schema="a string, b string, c string, d date", dateFormat="d/M/yyyy")
    assert [r[3] for r in loose.collect()] == [D(2020, 2, 1), D(2020, 12, 11)]
    zoned = _file(tmp_path, "pat.csv", "v\n2020-12-05T10:11:12.123+02:00\n2020-12-05T10:11:12\n"
                                       "2020-12-05T10:11:12.5Z\n31/02/2020\n")
    df = spark.read.csv(zoned, header=True, schema="v timestamp", timestampFormat="yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX]")
    assert [r[0] for r in df.collect()] == [DT(2020, 12, 5, 8, 11, 12, 123000), DT(2020, 12, 5, 10, 11, 12),
                                            DT(2020, 12, 5, 10, 11, 12, 500000), None]


def test_datetime_formatter_renders_spark_letters():
    value = DT(2020, 12, 5, 15, 4, 5, 123456)
    assert compile_formatter("EEEE, MMMM d, yyyy h:mm:ss.SSSSSS a")(value) == "Saturday, December 5, 2020 3:04:05.123456 PM"
    assert compile_formatter("EEE dd/MM/yy")(D(2020, 12, 5)) == "Sat 05/12/20"


# ------------------------------------------------------------------ CSV numbers, columns, header
NAN_CSV = "x,y\nNaN,1\nInf,2\n-Inf,3\nnan,4\n+inf,5\n-inf,6\nInfinity,7\n"


def test_csv_default_nan_and_infinity_spellings(spark, tmp_path):
    path = _file(tmp_path, "nan.csv", NAN_CSV)
    _same(_rows(spark.read.csv(path, header=True, schema="x double, y int")),
          [(float("nan"), 1), (float("inf"), 2), (float("-inf"), 3), (None, 4), (None, 5), (None, 6),
           (float("inf"), 7)])


def test_csv_nan_value_positive_inf_and_negative_inf_options(spark, tmp_path):
    path = _file(tmp_path, "nan.csv", NAN_CSV)
    df = spark.read.csv(path, header=True, schema="x double, y int", nanValue="nan", positiveInf="+inf",
                        negativeInf="-inf")
    _same(_rows(df), [(float("nan"), 1), (None, 2), (None, 3), (float("nan"), 4), (float("inf"), 5),
                      (float("-inf"), 6), (float("inf"), 7)])


def test_csv_max_columns_fails_a_wider_record(spark, tmp_path):
    path = _file(tmp_path, "wide.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(SparkRuntimeException, match=r"MALFORMED_CSV_RECORD.*a,b,c"):
        spark.read.csv(path, header=True, maxColumns=2).collect()
    assert _rows(spark.read.csv(path, header=True, maxColumns=3)) == [("1", "2", "3")]


def test_csv_enforce_schema_false_checks_header_names(spark, tmp_path):
    path = _file(tmp_path, "wide.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(EmberSQLException, match="Expected: x but found: b"):
        spark.read.csv(path, header=True, schema="a int, x int, c int", enforceSchema=False).collect()
    with pytest.raises(EmberSQLException, match="Header length: 3, schema size: 2"):
        spark.read.csv(path, header=True, schema="a int, b int", enforceSchema=False).collect()
    df = spark.read.csv(path, header=True, schema="A int, b int, c int", enforceSchema=False)
    assert _rows(df) == [(1, 2, 3)]
    assert _rows(spark.read.csv(path, header=True, schema="a int, x int, c int")) == [(1, 2, 3)]


def test_csv_max_columns_fails_a_wide_data_record_in_permissive_mode(spark, tmp_path):
    path = _file(tmp_path, "wide2.csv", "a,b\n1,2\n1,2,3\n4,5\n")
    with pytest.raises(SparkRuntimeException, match="Malformed CSV record: 1,2,3"):
        spark.read.csv(path, header=True, schema="a int, b int", maxColumns=2).collect()
    assert _rows(spark.read.csv(path, header=True, schema="a int, b int")) == [(1, 2), (1, 2), (4, 5)]


def test_csv_inference_drops_the_first_files_header_line_from_every_file(spark, tmp_path):
    _file(tmp_path, "hd/hd1.csv", "a,b\n1,x\na,b\n")
    _file(tmp_path, "hd/hd2.csv", "a,b\n2,y\n")
    df = spark.read.csv(str(tmp_path / "hd"), header=True, inferSchema=True)
    assert df.schema.simpleString() == "struct<a:int,b:string>"
    assert sorted(_rows(df), key=str) == sorted([(1, "x"), (None, "b"), (2, "y")], key=str)


def test_csv_inference_skips_copies_of_the_header_but_reading_keeps_them(spark, tmp_path):
    path = _file(tmp_path, "hdr.csv", "a,b\n1,2\na,b\n3,4\n")
    df = spark.read.csv(path, header=True, inferSchema=True)
    assert df.schema.simpleString() == "struct<a:int,b:int>"
    assert _rows(df) == [(1, 2), (None, None), (3, 4)]
    assert _rows(spark.read.csv(path, header=True)) == [("1", "2"), ("a", "b"), ("3", "4")]


def test_a_utf8_byte_order_mark_is_dropped_by_every_text_reader(spark, tmp_path):
    csv = _file(tmp_path, "bom.csv", "\ufeffa,b\n1,2\n")
    assert spark.read.csv(csv, header=True, inferSchema=True).schema.simpleString() == "struct<a:int,b:int>"
    nh = _file(tmp_path, "bomnh.csv", "\ufeff1,2\n3,4\n")
    assert _rows(spark.read.csv(nh, inferSchema=True)) == [(1, 2), (3, 4)]
    assert _rows(spark.read.text(csv)) == [("a,b",), ("1,2",)]
    js = _file(tmp_path, "bom.json", '\ufeff{"a": 1}\n')
    assert _rows(spark.read.json(js)) == [(1,)]


def test_csv_blank_padded_values_parse_as_spark_parses_them(spark, tmp_path):
    path = _file(tmp_path, "pad.csv", "d,x,i,t,b\n 2020-01-01 , 1.5 , 1 , 2020-01-01 10:00:00 , true \n")
    df = spark.read.csv(path, header=True, schema="d date, x double, i int, t timestamp, b boolean")
    assert _rows(df) == [(D(2020, 1, 1), 1.5, None, DT(2020, 1, 1, 10, 0), None)]
    inferred = spark.read.csv(path, header=True, inferSchema=True)
    assert inferred.schema.simpleString() == "struct<d:timestamp,x:double,i:double,t:timestamp,b:string>"
    assert _rows(inferred) == [(DT(2020, 1, 1), 1.5, 1.0, DT(2020, 1, 1, 10, 0), " true ")]


def test_csv_encodings_spark_names_only(spark, tmp_path):
    latin = _file(tmp_path, "latin.csv", "name\ncaf\u00e9\n", "latin-1")
    assert _rows(spark.read.csv(latin, header=True, encoding="ISO-8859-1")) == [("café",)]
    with pytest.raises(IllegalArgumentException, match="expects one of the iso-8859-1.*but got latin1"):
        spark.read.option("charset", "latin1").csv(latin, header=True)
    wide = _file(tmp_path, "u16.csv", "name\ncaf\u00e9\n", "utf-16")
    assert _rows(spark.read.csv(wide, header=True, encoding="UTF-16", multiLine=True)) == [("café",)]
    with pytest.raises(EmberValueError, match="'encoding' = 'UTF-16' is not supported"):
        spark.read.csv(wide, header=True, encoding="UTF-16")


def test_sampling_ratio_is_accepted_and_inference_reads_every_row(spark, tmp_path):
    path = _file(tmp_path, "ts.csv", TS_CSV)
    df = spark.read.csv(path, header=True, inferSchema=True, samplingRatio=0.5)
    assert df.schema.simpleString() == "struct<id:int,t:string,d:string>"


# ------------------------------------------------------------------ file selection
@pytest.fixture
def tree(tmp_path):
    _file(tmp_path, "glob/a.csv", "x\n1\n")
    _file(tmp_path, "glob/b.txt", "x\n2\n")
    _file(tmp_path, "glob/sub/c.csv", "x\n3\n")
    _file(tmp_path, "part/k=1/a.csv", "x\n1\n")
    _file(tmp_path, "part/k=2/b.csv", "x\n2\n")
    return tmp_path


def test_recursive_file_lookup_reads_every_file_without_partition_columns(spark, tree):
    df = spark.read.csv(str(tree / "glob"), header=True, recursiveFileLookup=True)
    assert sorted(_rows(df)) == [("1",), ("2",), ("3",)]
    part = spark.read.csv(str(tree / "part"), header=True, recursiveFileLookup=True)
    assert part.columns == ["x"] and sorted(_rows(part)) == [("1",), ("2",)]
    globbed = spark.read.csv(str(tree / "glob"), header=True, recursiveFileLookup=True, pathGlobFilter="*.csv")
    assert sorted(_rows(globbed)) == [("1",), ("3",)]


def test_path_glob_filter_keeps_partition_discovery(spark, tree):
    df = spark.read.csv(str(tree / "part"), header=True, pathGlobFilter="a*")
    assert df.schema.simpleString() == "struct<x:string,k:int>" and _rows(df) == [("1", 1)]
    braces = spark.read.csv(str(tree / "part"), header=True, pathGlobFilter="{a,b}.csv")
    assert sorted(_rows(braces)) == [("1", 1), ("2", 2)]


def test_modified_before_and_after_select_files_by_time(spark, tmp_path):
    old = _file(tmp_path, "mod/old.csv", "x\n1\n")
    _file(tmp_path, "mod/new.csv", "x\n2\n")
    stamp = datetime.datetime(2020, 1, 1).timestamp()
    os.utime(old, (stamp, stamp))
    directory = str(tmp_path / "mod")
    assert _rows(spark.read.csv(directory, header=True, modifiedBefore="2021-01-01T00:00:00")) == [("1",)]
    assert _rows(spark.read.csv(directory, header=True, modifiedAfter="2021-01-01T00:00:00")) == [("2",)]
    with pytest.raises(AnalysisException, match="modifiedAfter"):
        spark.read.csv(directory, header=True, modifiedAfter="yesterday")


def test_compressed_files_are_read_by_extension(spark, tmp_path):
    assert _rows(spark.read.csv(_file(tmp_path, "a.csv.gz", gzip.compress(b"x\n1\n")), header=True)) == [("1",)]
    assert _rows(spark.read.json(_file(tmp_path, "a.json.bz2", bz2.compress(b'{"x": 1}\n')))) == [(1,)]
    assert _rows(spark.read.text(_file(tmp_path, "a.txt.deflate", zlib.compress(b"hello\n")))) == [("hello",)]
    with pytest.raises(EmberValueError, match="Hadoop's lz4 block framing"):
        spark.read.text(_file(tmp_path, "a.txt.lz4", b"\0\0")).collect()


# ------------------------------------------------------------------ JSON
def test_json_default_syntax_takes_single_quotes_and_non_numeric_numbers(spark, tmp_path):
    path = _file(tmp_path, "j2.json", "{a: 1}\n{'a': 2}\n{\"a\": 007}\n{\"a\": NaN}\n{\"a\": Infinity}\n"
                                      "{\"a\": -Infinity}\n{\"a\": +INF}\n")
    df = spark.read.json(path)
    assert df.schema.simpleString() == "struct<_corrupt_record:string,a:double>"
    _same(_rows(df), [("{a: 1}", None), (None, 2.0), ('{"a": 007}', None), (None, float("nan")),
                      (None, float("inf")), (None, float("-inf")), (None, float("inf"))])


def test_json_allow_non_numeric_numbers_false_makes_them_malformed(spark, tmp_path):
    path = _file(tmp_path, "j.json", '{"a": 1}\n{"a": NaN}\n{"a": +INF}\n')
    df = spark.read.json(path, allowNonNumericNumbers=False)
    assert _rows(df) == [(None, 1), ('{"a": NaN}', None), ('{"a": +INF}', None)]


def test_json_reads_the_first_value_of_a_line(spark, tmp_path):
    path = _file(tmp_path, "j1.json", '{"a": 1} // c\n/* x */ {"a": 2}\n')
    assert _rows(spark.read.json(path)) == [(None, 1), ('/* x */ {"a": 2}', None)]


J3 = '{"a": 1, "b": 1.5, "c": true, "d": null, "e": {"f": null}, "g": "2020-01-01"}\n'


def test_json_inference_options(spark, tmp_path):
    path = _file(tmp_path, "j3.json", J3)
    assert spark.read.json(path).schema.simpleString() == \
        "struct<a:bigint,b:double,c:boolean,d:string,e:struct<f:string>,g:string>"
    strings = spark.read.json(path, primitivesAsString=True)
    assert strings.schema.simpleString() == "struct<a:string,b:string,c:string,d:string,e:struct<f:string>,g:string>"
    assert _rows(strings) == [("1", "1.5", "true", None, Row(f=None), "2020-01-01")]
    decimals = spark.read.json(path, prefersDecimal=True)
    assert decimals.schema.simpleString() == \
        "struct<a:bigint,b:decimal(2,1),c:boolean,d:string,e:struct<f:string>,g:string>"
    assert _rows(decimals)[0][1] == decimal.Decimal("1.5")
    dropped = spark.read.json(path, dropFieldIfAllNull=True)
    assert dropped.schema.simpleString() == "struct<a:bigint,b:double,c:boolean,g:string>"
    assert _rows(dropped) == [(1, 1.5, True, "2020-01-01")]


def test_json_prefers_decimal_widens_decimals_and_integers(spark, tmp_path):
    path = _file(tmp_path, "k4.json", '{"a": 1.25}\n{"a": 100.5}\n{"a": 10}\n')
    df = spark.read.json(path, prefersDecimal=True)
    assert df.schema.simpleString() == "struct<a:decimal(22,2)>"
    assert [r[0] for r in df.collect()] == [decimal.Decimal("1.25"), decimal.Decimal("100.50"), decimal.Decimal("10.00")]


def test_json_single_quoted_strings_and_text_after_a_record(spark, tmp_path):
    path = _file(tmp_path, "k3.json", "{'a': \"x'y\"}\n{'a': 'say \"hi\"'}\n{\"a\": 'p\\'q'}\n")
    assert _rows(spark.read.json(path)) == [("x'y",), ('say "hi"',), ("p'q",)]
    trailing = _file(tmp_path, "k1.json", '{"a": 1}{"a": 2}\n{"a": 3} xyz\n{"a": 4}\n')
    assert _rows(spark.read.json(trailing)) == [(1,), (3,), (4,)]


def test_json_number_read_into_a_string_column_keeps_its_text(spark, tmp_path):
    path = _file(tmp_path, "k2.json", '{"s": 1.50, "t": 2}\n')
    assert _rows(spark.read.json(path, schema="s string, t string")) == [("1.50", "2")]


def test_json_prefers_decimal_refuses_a_negative_scale_as_spark_does(spark, tmp_path):
    path = _file(tmp_path, "j6.json", '{"a": 1.25}\n{"a": 1e300}\n')
    with pytest.raises(AnalysisException, match="NEGATIVE_SCALE_DISALLOWED"):
        spark.read.json(path, prefersDecimal=True)


def test_json_multi_line_reads_each_file_as_one_value(spark, tmp_path):
    for name, text in (("arr", '[{"a": 1},\n {"a": 2}]\n'), ("obj", '{\n "a": 3,\n "b": "x"\n}\n'),
                       ("bad", '{"a": 4,\n'), ("mixed", '[{"a": 5}, 7]\n'), ("empty", "[]\n"),
                       ("two", '{"a": 6} {"a": 7}\n')):
        _file(tmp_path, f"ml/{name}.json", text)
    df = spark.read.json(str(tmp_path / "ml"), multiLine=True)
    assert df.schema.simpleString() == "struct<_corrupt_record:string,a:bigint,b:string>"
    assert sorted(_rows(df), key=str) == sorted([(None, 3, "x"), (None, 1, None), (None, 2, None), (None, 6, None),
                                                 ('[{"a": 5}, 7]\n', None, None), ('{"a": 4,\n', None, None)], key=str)
    assert _rows(spark.read.json(str(tmp_path / "ml" / "arr.json"), multiLine=True)) == [(1,), (2,)]


def test_json_date_and_timestamp_formats(spark, tmp_path):
    path = _file(tmp_path, "j5.json", '{"t": "25/12/2020 13:45", "d": "25/12/2020"}\n')
    df = spark.read.json(path, schema="t timestamp, d date", timestampFormat="dd/MM/yyyy HH:mm",
                         dateFormat="dd/MM/yyyy")
    assert _rows(df) == [(DT(2020, 12, 25, 13, 45), D(2020, 12, 25))]


# ------------------------------------------------------------------ refusals
@pytest.mark.parametrize("fmt, options, name", [
    ("csv", {"locale": "fr-FR"}, "locale"),
    ("csv", {"preferDate": "false"}, "preferDate"),
    ("csv", {"ignoreCorruptFiles": "true"}, "ignoreCorruptFiles"),
    ("json", {"allowComments": "true"}, "allowComments"),
    ("json", {"allowUnquotedFieldNames": "true"}, "allowUnquotedFieldNames"),
    ("json", {"allowBackslashEscapingAnyCharacter": "true"}, "allowBackslashEscapingAnyCharacter"),
    ("json", {"inferTimestamp": "true"}, "inferTimestamp"),
    ("parquet", {"datetimeRebaseMode": "LEGACY"}, "datetimeRebaseMode"),
])
def test_a_known_spark_option_ember_cannot_honour_is_refused_by_name(spark, tmp_path, fmt, options, name):
    path = _file(tmp_path, "x", "x\n1\n" if fmt != "json" else '{"x": 1}\n')
    if fmt == "parquet":
        spark.createDataFrame([(1,)], "x int").write.parquet(str(tmp_path / "p"))
        path = str(tmp_path / "p")
    with pytest.raises(EmberValueError, match=f"The {fmt.upper()} read option '{name}' = .* is not supported"):
        spark.read.options(**options).format(fmt).load(path)


def test_refused_options_at_their_spark_default_and_unknown_options_are_accepted(spark, tmp_path):
    path = _file(tmp_path, "a.csv", "x\n1\n")
    df = spark.read.options(locale="en-US", ignoreCorruptFiles="false", noSuchOption="1",
                            inputBufferSize="10").csv(path, header=True)
    assert _rows(df) == [("1",)]


# ------------------------------------------------------------------ writers
@pytest.fixture
def typed(spark):
    return spark.sql("select 1 as i, 'a' as s, date'2020-12-25' as d, timestamp'2020-12-25 13:45:06.5' as t, "
                     "timestamp_ntz'2020-12-25 13:45:06' as tn, cast(1.5 as double) as x, "
                     "cast('NaN' as double) as n, cast('Infinity' as double) as inf")


@utc_only
def test_csv_writer_default_and_patterned_dates_and_timestamps(typed, tmp_path):
    typed.write.csv(str(tmp_path / "a"), header=True)
    assert _written(tmp_path / "a") == [(".csv", "i,s,d,t,tn,x,n,inf\n1,a,2020-12-25,2020-12-25T13:45:06.500Z,"
                                                 "2020-12-25T13:45:06.000,1.5,NaN,Infinity\n")]
    typed.write.csv(str(tmp_path / "b"), header=True, dateFormat="dd/MM/yyyy", timestampFormat="dd/MM/yyyy HH:mm")
    assert _written(tmp_path / "b")[0][1].endswith("1,a,25/12/2020,25/12/2020 13:45,2020-12-25T13:45:06.000,"
                                                   "1.5,NaN,Infinity\n")
    typed.write.option("timestampNTZFormat", "yyyy/MM/dd HH:mm").csv(str(tmp_path / "c"))
    assert _written(tmp_path / "c")[0][1] == ("1,a,2020-12-25,2020-12-25T13:45:06.500Z,2020/12/25 13:45,1.5,NaN,"
                                              "Infinity\n")


@utc_only
def test_json_writer_dates_timestamps_and_non_finite_doubles(typed, tmp_path):
    typed.write.json(str(tmp_path / "a"))
    assert _written(tmp_path / "a") == [(".json", '{"i":1,"s":"a","d":"2020-12-25","t":"2020-12-25T13:45:06.500Z",'
                                                  '"tn":"2020-12-25T13:45:06.000","x":1.5,"n":"NaN","inf":"Infinity"}\n')]
    typed.write.json(str(tmp_path / "b"), dateFormat="dd/MM/yyyy", timestampFormat="dd/MM/yyyy HH:mm")
    assert '"d":"25/12/2020","t":"25/12/2020 13:45"' in _written(tmp_path / "b")[0][1]


@pytest.mark.parametrize("codec, ending", [("gzip", ".csv.gz"), ("bzip2", ".csv.bz2"), ("deflate", ".csv.deflate"),
                                           ("none", ".csv"), ("uncompressed", ".csv")])
def test_csv_writer_compression_names_the_file_and_reads_back(spark, typed, tmp_path, codec, ending):
    typed.select("i", "s").write.csv(str(tmp_path / codec), compression=codec)
    assert _written(tmp_path / codec) == [(ending, "1,a\n")]
    assert _rows(spark.read.csv(str(tmp_path / codec), schema="i int, s string")) == [(1, "a")]


def test_text_and_json_writer_compression(spark, typed, tmp_path):
    typed.select("s").write.text(str(tmp_path / "t"), compression="gzip")
    assert _written(tmp_path / "t") == [(".txt.gz", "a\n")]
    typed.select("i").write.json(str(tmp_path / "j"), compression="gzip")
    assert _written(tmp_path / "j") == [(".json.gz", '{"i":1}\n')]


def test_writer_codecs_spark_lacks_or_ember_cannot_frame_are_refused(typed, tmp_path):
    with pytest.raises(IllegalArgumentException, match="The codec zstd is not available. Available codecs are "
                                                       "bzip2, deflate, uncompressed, snappy, none, lz4, gzip"):
        typed.write.csv(str(tmp_path / "z"), compression="zstd")
    with pytest.raises(EmberValueError, match="'compression' = 'lz4' is not supported"):
        typed.write.csv(str(tmp_path / "l"), compression="lz4")
    with pytest.raises(IllegalArgumentException, match="The codec bzip2 is not available"):
        typed.write.parquet(str(tmp_path / "p"), compression="bzip2")
    assert not os.path.exists(tmp_path / "z") and not os.path.exists(tmp_path / "p")


@pytest.mark.parametrize("codec, ending", [("none", ".parquet"), ("snappy", ".snappy.parquet"),
                                           ("gzip", ".gz.parquet"), ("zstd", ".zstd.parquet"),
                                           ("lz4_raw", ".lz4raw.parquet")])
def test_parquet_writer_codecs_name_the_file(spark, typed, tmp_path, codec, ending):
    typed.select("i").write.parquet(str(tmp_path / codec), compression=codec)
    names = [os.path.basename(p) for p in glob.glob(str(tmp_path / codec / "part-*"))]
    assert len(names) == 1 and names[0].endswith(".c000" + ending)
    assert _rows(spark.read.parquet(str(tmp_path / codec))) == [(1,)]


def test_csv_writer_line_separator_and_encoding(spark, tmp_path):
    spark.sql("select 'a' as s").write.csv(str(tmp_path / "l"), lineSep="\r\n")
    assert _written(tmp_path / "l") == [(".csv", "a\r\n")]
    spark.sql("select 'caf\u00e9' as s").write.csv(str(tmp_path / "e"), encoding="ISO-8859-1")
    assert _written(tmp_path / "e") == [(".csv", "caf\u00e9\n")]


@utc_only
def test_writers_print_numbers_as_java_does(spark, tmp_path):
    df = spark.sql("select cast(1.50 as decimal(3,2)) as dec, 1e20d as big, 1e-5d as small, cast(0.1 as float) as f, "
                   "timestamp'2020-12-05 15:04:05.123456' as t, date'2020-12-05' as d")
    df.write.json(str(tmp_path / "j"))
    assert _written(tmp_path / "j") == [(".json", '{"dec":1.50,"big":1.0E20,"small":1.0E-5,"f":0.1,'
                                                  '"t":"2020-12-05T15:04:05.123Z","d":"2020-12-05"}\n')]
    df.write.csv(str(tmp_path / "c"))
    assert _written(tmp_path / "c") == [(".csv", "1.50,1.0E20,1.0E-5,0.1,2020-12-05T15:04:05.123Z,2020-12-05\n")]
    df.select("t", "d").write.csv(str(tmp_path / "p"), timestampFormat="EEEE, MMMM d, yyyy h:mm:ss.SSSSSS a",
                                  dateFormat="EEE dd/MM/yy")
    assert _written(tmp_path / "p") == [(".csv", '"Saturday, December 5, 2020 3:04:05.123456 PM",Sat 05/12/20\n')]
    df.select("t").write.json(str(tmp_path / "z"), timestampFormat="yyyy-MM-dd HH:mm:ssXXX")
    assert _written(tmp_path / "z") == [(".json", '{"t":"2020-12-05 15:04:05Z"}\n')]


def test_json_writer_refuses_keeping_null_fields(typed, tmp_path):
    with pytest.raises(EmberValueError, match="'ignoreNullFields' = 'false' is not supported"):
        typed.write.json(str(tmp_path / "n"), ignoreNullFields=False)


# ------------------------------------------------------------------ documentation
def test_compatibility_page_lists_every_option_rule():
    page = open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "compatibility.md"), encoding="utf-8").read()
    assert option_rules.markdown_table() in page
