"""Regressions for bugs that PySpark's own docstring examples found in Ember's functions.

Every expected value here was captured by running the same query on PySpark 4.3 (Java 17).
"""

from __future__ import annotations

import re

import pytest

from ember.errors import NumberFormatException

# (text, CAST(text AS DATE) printed as a string; None where try_cast gives NULL), from PySpark 4.3
STRING_TO_DATE = [
    ("2015-04-08 13:08:15", "2015-04-08"), ("2015", "2015-01-01"), ("2015-4", "2015-04-01"),
    ("2015-04-8", "2015-04-08"), ("2015-04-08T10:00", "2015-04-08"), ("2015-04-08 ", "2015-04-08"),
    (" 2015-04-08 xyz", "2015-04-08"), ("2015-04-08xyz", None), ("2015-13-01", None),
    ("+2015-04-08", "2015-04-08"), ("-0001-01-01", "-0001-01-01"), ("2015-04-08T", "2015-04-08"),
    ("2015/04/08", None), ("2015-02-30", None), ("2015-04-08 junk", "2015-04-08"),
    ("2015-04-08Tjunk", "2015-04-08"), ("20150408", None), ("2015-04-", None), ("15-04-08", None),
    ("2015-4-8 1", "2015-04-08"), ("2015-04-08\t3", None), ("2015-04-08\n", "2015-04-08"),
    ("2016-02-29", "2016-02-29"), ("1900-02-29", None),
]


def test_string_to_date_cast_reads_what_spark_reads(spark):
    df = spark.createDataFrame([(text,) for text, _ in STRING_TO_DATE], "x string")
    got = [r[0] for r in df.selectExpr("string(try_cast(x AS date))").collect()]
    assert got == [expected for _, expected in STRING_TO_DATE]


def test_date_functions_accept_a_timestamp_string(spark):
    row = spark.sql("SELECT year('2015-04-08 13:08:15'), dayofweek('2015-04-08 13:08:15'), "
                    "to_date('1997-02-28 10:30:00')").first()
    assert tuple(row) == (2015, 4, __import__("datetime").date(1997, 2, 28))  # PySpark 4.3


def test_malformed_date_text_still_raises_cast_invalid_input(spark):
    with pytest.raises(NumberFormatException, match=r"CAST_INVALID_INPUT.*'2015-04-08xyz'.*\"DATE\""):
        spark.sql("SELECT CAST('2015-04-08xyz' AS DATE)").collect()
    assert spark.sql("SELECT 1").first()[0] == 1


def test_sql_to_date_with_and_without_a_pattern(spark):
    df = spark.sql("SELECT to_date('1997-02-28 10:30:00'), to_date('28/02/1997', 'dd/MM/yyyy'), "
                   "to_date('1997-02-28 10:30:00', 'yyyy-MM-dd HH:mm:ss')")
    # PySpark 4.3: three times 1997-02-28, named as written
    assert df.columns == ["to_date(1997-02-28 10:30:00)", "to_date(28/02/1997, dd/MM/yyyy)",
                          "to_date(1997-02-28 10:30:00, yyyy-MM-dd HH:mm:ss)"]
    assert [str(v) for v in df.first()] == ["1997-02-28"] * 3


def test_star_among_function_arguments_stands_for_the_columns(spark):
    from ember.sql import Row
    from ember.sql import functions as F

    df = spark.createDataFrame([(1, "a")], "x int, y string")
    got = df.select(F.hash("*"), F.xxhash64("*"), F.concat("*"), F.concat_ws("-", "*"), F.hash("x", "*"),
                    F.struct(F.lit(1).alias("k"), "*"))
    # PySpark 4.3
    assert got.columns == ["hash(x, y)", "xxhash64(x, y)", "concat(x, y)", "concat_ws(-, x, y)", "hash(x, x, y)",
                           "struct(1 AS k, x, y)"]
    assert tuple(got.first()) == (-936062819, 8205864924878002737, "1a", "1-a", -2029568805, Row(k=1, x=1, y="a"))
    assert spark.sql("SELECT hash(*), concat(t.*) FROM VALUES (1, 'a') t(x, y)").first() == (-936062819, "1a")


# (zone, from_utc_timestamp(TIMESTAMP '2015-07-01 12:00:00', zone) as text), from PySpark 4.3
ZONES = [("PST", "2015-07-01 05:00:00"), ("JST", "2015-07-01 21:00:00"), ("EST", "2015-07-01 07:00:00"),
         ("CST", "2015-07-01 07:00:00"), ("MST", "2015-07-01 05:00:00"), ("HST", "2015-07-01 02:00:00"),
         ("IST", "2015-07-01 17:30:00"), ("ECT", "2015-07-01 14:00:00"), ("+08:00", "2015-07-01 20:00:00"),
         ("+8:00", "2015-07-01 20:00:00"), ("+08", "2015-07-01 20:00:00"), ("+0800", "2015-07-01 20:00:00"),
         ("-05:30", "2015-07-01 06:30:00"), ("GMT+8", "2015-07-01 20:00:00"), ("UTC+08:00", "2015-07-01 20:00:00"),
         ("GMT-3", "2015-07-01 09:00:00"), ("UTC", "2015-07-01 12:00:00"), ("Z", "2015-07-01 12:00:00"),
         ("UT", "2015-07-01 12:00:00"), ("America/New_York", "2015-07-01 08:00:00"),
         ("Etc/GMT+8", "2015-07-01 04:00:00"), ("EST5EDT", "2015-07-01 08:00:00"), ("US/Pacific", "2015-07-01 05:00:00")]


@pytest.mark.parametrize("zone, expected", ZONES)
def test_time_zone_ids_read_as_java_reads_them(spark, zone, expected):
    got = spark.sql(f"SELECT string(from_utc_timestamp(TIMESTAMP '2015-07-01 12:00:00', '{zone}'))").first()[0]
    assert got == expected


@pytest.mark.parametrize("zone", ["pst", "utc", "XYZ", "+25:00", "america/new_york"])
def test_unknown_time_zone_ids_are_invalid(spark, zone):
    from ember.errors import SparkRuntimeException

    with pytest.raises(SparkRuntimeException, match=rf"INVALID_TIMEZONE.*The timezone: {re.escape(zone)} is invalid"):
        spark.sql(f"SELECT to_utc_timestamp(TIMESTAMP '2015-07-01 12:00:00', '{zone}')").collect()


def test_timestamp_as_string_drops_a_zero_fraction(spark):
    got = spark.sql("SELECT string(TIMESTAMP '2015-07-01 05:00:00'), string(TIMESTAMP '2015-07-01 05:00:00.120'), "
                    "string(TIMESTAMP '2015-07-01 05:00:00.123456'), string(TIMESTAMP_NTZ '2015-07-01 05:00:00.100'), "
                    "string(TIMESTAMP '1969-12-31 23:59:59.5')").first()
    # PySpark 4.3
    assert tuple(got) == ("2015-07-01 05:00:00", "2015-07-01 05:00:00.12", "2015-07-01 05:00:00.123456",
                          "2015-07-01 05:00:00.1", "1969-12-31 23:59:59.5")


def test_a_string_count_argument_names_a_column(spark):
    import datetime

    from ember.sql import functions as F

    df = spark.createDataFrame([(datetime.date(2015, 4, 8), 2, "Spark SQL", 5, 3)],
                               "dt date, a int, s string, p int, l int")
    got = df.select(F.add_months("dt", "a"), F.date_add("dt", "a"), F.date_sub("dt", "a"), F.dateadd("dt", "a"),
                    F.substring("s", "p", "l"), F.substring(df.s, 2, "l"), F.add_months(df.dt, 1))
    # PySpark 4.3
    assert got.columns == ["add_months(dt, a)", "date_add(dt, a)", "date_sub(dt, a)", "date_add(dt, a)",
                           "substring(s, p, l)", "substring(s, 2, l)", "add_months(dt, 1)"]
    assert tuple(got.first()) == (datetime.date(2015, 6, 8), datetime.date(2015, 4, 10), datetime.date(2015, 4, 6),
                                  datetime.date(2015, 4, 10), "k S", "par", datetime.date(2015, 5, 8))


def test_like_and_ilike_with_an_escape_character(spark):
    from ember.sql import functions as F

    df = spark.createDataFrame([("%SystemDrive%/Users/John", "/%SystemDrive/%//Users%")], ["a", "b"])
    got = df.select(F.like(df.a, df.b, F.lit("/")), F.ilike(df.a, df.b, F.lit("/")),
                    F.like(df.a, F.lit("/%sys%"), F.lit("/")), F.ilike(df.a, F.lit("/%sys%"), F.lit("/")))
    # PySpark 4.3
    assert got.columns == ["a LIKE b ESCAPE '/'", "ilike(a, b)", "a LIKE /%sys% ESCAPE '/'", "ilike(a, /%sys%)"]
    assert tuple(got.first()) == (True, True, False, True)
    row = spark.sql("SELECT 'a_b' LIKE 'a\\\\_b', 'a.b' LIKE 'a_b', 'A%b' LIKE 'a!%b' ESCAPE '!', "
                    "'a%b' LIKE 'a!%b' ESCAPE '!', 'a\\nb' LIKE 'a%b'").first()
    assert tuple(row) == (True, True, False, True, True)


@pytest.mark.parametrize("query, error", [
    ("SELECT 'ab' LIKE 'a/b' ESCAPE '/'", r"INVALID_FORMAT.ESC_IN_THE_MIDDLE.*'a/b'.*not allowed to precede 'b'"),
    ("SELECT 'ab' LIKE 'ab/' ESCAPE '/'", r"INVALID_FORMAT.ESC_AT_THE_END.*'ab/'"),
    ("SELECT like('a', 'a', 'xy')", r"INVALID_ESCAPE_CHAR.*length one, but got \"xy\""),
])
def test_like_refuses_a_misplaced_escape_as_spark_does(spark, query, error):
    from ember.errors import AnalysisException

    with pytest.raises(AnalysisException, match=error):  # the error classes PySpark 4.3 raises
        spark.sql(query).collect()


def test_empty_array_and_map_in_an_inline_table(spark):
    from ember.sql import Row

    df = spark.sql("SELECT * FROM VALUES (1, ARRAY(1, 2, 3, NULL), MAP(1, 2)), (2, ARRAY(), MAP()), "
                   "(3, NULL, NULL) AS t(i, a, m)")
    # PySpark 4.3
    assert df.schema.simpleString() == "struct<i:int,a:array<int>,m:map<int,int>>"
    assert df.collect() == [Row(i=1, a=[1, 2, 3, None], m={1: 2}), Row(i=2, a=[], m={}), Row(i=3, a=None, m=None)]
    typed = spark.sql("SELECT map(), array(), coalesce(map(), map(1, 2)), map_keys(map())")
    assert typed.schema.simpleString() == ("struct<map():map<void,void>,array():array<void>,"
                                           "coalesce(map(), map(1, 2)):map<int,int>,map_keys(map()):array<void>>")
    assert tuple(typed.first()) == ({}, [], {}, [])


def test_star_of_a_struct_column_expands_its_fields(spark):
    df = spark.sql("SELECT named_struct('a', 1, 'b', 'x') AS s, 2 AS t")
    got = df.select("s.*", "t")
    assert got.columns == ["a", "b", "t"]  # PySpark 4.3
    assert tuple(got.first()) == (1, "x", 2)


def test_size_and_parts_of_maps_including_the_empty_map(spark):
    from ember.sql import Row
    from ember.sql import functions as F

    df = spark.sql("SELECT map(1, 2) AS data UNION ALL SELECT map() UNION ALL SELECT NULL")
    got = df.select(F.map_keys("data"), F.map_values("data"), F.size("data"))
    # PySpark 4.3
    assert got.schema.simpleString() == "struct<map_keys(data):array<int>,map_values(data):array<int>,size(data):int>"
    assert [tuple(r) for r in got.collect()] == [([1], [2], 1), ([], [], 0), (None, None, None)]
    empty = spark.sql("SELECT map() AS data").select(F.map_keys("data"), F.size("data"))
    assert empty.schema.simpleString() == "struct<map_keys(data):array<void>,size(data):int>"
    assert empty.collect() == [Row(**{"map_keys(data)": [], "size(data)": 0})]
    assert tuple(spark.sql("SELECT size(map(1, 2, 3, 4)), size(map()), size(array(1))").first()) == (2, 0, 1)


def test_listagg_of_binary_values_joins_bytes(spark):
    from ember.errors import AnalysisException
    from ember.sql import functions as F

    df = spark.createDataFrame([(b"\x01",), (b"\x02",), (None,), (b"\x03",)], ["bytes"])
    got = df.select(F.listagg("bytes", b"B"), F.listagg("bytes"))
    # PySpark 4.3
    assert got.schema.simpleString() == "struct<listagg(bytes, X'42'):binary,listagg(bytes, NULL):binary>"
    assert tuple(got.first()) == (b"\x01B\x02B\x03", b"\x01\x02\x03")
    with pytest.raises(AnalysisException, match=r"DATA_DIFF_TYPES.*`listagg` should all be the same type"):
        df.select(F.listagg(F.col("bytes").cast("string"), b"B"))


def test_url_encode_encodes_as_javas_url_encoder(spark):
    got = spark.sql("SELECT url_encode('~!@#$%^&*()_+ é/?a=b.c-d'), url_encode(NULL)").first()
    assert tuple(got) == ("%7E%21%40%23%24%25%5E%26*%28%29_%2B+%C3%A9%2F%3Fa%3Db.c-d", None)  # PySpark 4.3


def test_get_json_object_quotes_a_string_matched_through_a_wildcard(spark):
    row = spark.sql("""SELECT get_json_object('["a"]', '$[*]'), get_json_object('{"a":["x"]}', '$.a[*]'),
        get_json_object('{"a":["x","y"]}', '$.a[*]'), get_json_object('[{"f":1}]', '$[*].f'),
        get_json_object('[{"f":{"g":"h"}}]', '$[*].f'), get_json_object('[{"f":"v"},{"g":1}]', '$[*].f'),
        get_json_object('{"a":"x"}', '$.a'), get_json_object('[[1,2],[3]]', '$[*][0]'),
        get_json_object('{"a":[{"b":"x"}]}', '$.a[0].b')""").first()
    # PySpark 4.3
    assert tuple(row) == ('"a"', '"x"', '["x","y"]', "1", '{"g":"h"}', '"v"', "x", "[1,3]", "x")


def test_regexp_instr_gives_where_the_whole_match_starts_whatever_the_group(spark):
    row = spark.sql("SELECT regexp_instr('1a 2b 14m', '\\\\d+(a|b|m)', 1), regexp_instr('xx1a', '(\\\\d+)(a)', 2), "
                    "regexp_instr('xx1a', 'z'), regexp_instr('xx1a', '(\\\\d+)', 5)").first()
    assert tuple(row) == (1, 3, 0, 3)  # PySpark 4.3


# (url, try_parse_url(url, 'HOST'), try_parse_url(url, 'PATH')), from PySpark 4.3
URLS = [("inva lid://spark.apache.org/path?query=1", None, None), ("https://spark.apache.org/pa th", None, None),
        ("https://spark.apache.org/p|x", None, None), ("1http://x.org/", None, None), ("http://x.org/ä", "x.org", "/ä"),
        ("http://x.org/%zz", None, None), ("http://[::1]:80/a", "[::1]", "/a"), ("http://x.org:abc/", None, "/"),
        ("mailto:a@b.c", None, None), ("http://x.org/a?b=c d", None, None), ("ht_tp://x.org/", None, None),
        ("http://x.org/a#b#c", None, None)]


@pytest.mark.parametrize("url, host, path", URLS)
def test_parse_url_accepts_what_javas_uri_accepts(spark, url, host, path):
    row = spark.sql(f"SELECT try_parse_url('{url}', 'HOST'), try_parse_url('{url}', 'PATH')").first()
    assert tuple(row) == (host, path)


def test_parse_url_refuses_an_invalid_url(spark):
    from ember.errors import SparkRuntimeException

    with pytest.raises(SparkRuntimeException, match=r"INVALID_URL.*The url is invalid: inva lid://x\."):
        spark.sql("SELECT parse_url('inva lid://x', 'HOST')").collect()
    assert spark.sql("SELECT try_parse_url('mailto:a@b.c', 'PROTOCOL')").first()[0] == "mailto"  # PySpark 4.3


def test_min_and_max_order_nan_above_every_number(spark):
    from ember.sql import functions as F

    nan = float("nan")
    df = spark.createDataFrame([("a", 1.0), ("a", nan), ("b", -2.5), ("b", None), ("c", nan), ("d", None),
                                ("e", -0.0), ("e", -1e300), ("f", float("inf")), ("f", float("-inf"))], "k string, v double")
    got = sorted(tuple(r) for r in df.groupBy("k").agg(F.max("v"), F.min("v")).collect())
    # PySpark 4.3 (NaN compared by identity below)
    expected = [("a", nan, 1.0), ("b", -2.5, -2.5), ("c", nan, nan), ("d", None, None), ("e", -0.0, -1e300),
                ("f", float("inf"), float("-inf"))]
    assert repr(got) == repr(expected)
    assert repr(tuple(df.select(F.max("v"), F.min("v")).first())) == repr((nan, float("-inf")))
    floats = spark.createDataFrame([(1.5,), (nan,)], "v float").select(F.max("v"), F.min("v"))
    assert floats.schema.simpleString() == "struct<max(v):float,min(v):float>"
    assert repr(tuple(floats.first())) == repr((nan, 1.5))


def test_split_and_regexp_replace_with_per_row_patterns(spark):
    from ember.sql import functions as F

    df = spark.createDataFrame([("oneAtwoBthreeC", "[ABC]", 2), ("1A2B3C", "[1-9]+", 1), ("aa2bb3cc4", "[1-9]+", -1)],
                               ["s", "p", "l"])
    got = df.select(F.split(df.s, df.p), F.split("s", df.p, "l"))
    # PySpark 4.3
    assert got.columns == ["split(s, p, -1)", "split(s, p, l)"]
    assert [tuple(r) for r in got.collect()] == [(["one", "two", "three", ""], ["one", "twoBthreeC"]),
                                                 (["", "A", "B", "C"], ["1A2B3C"]),
                                                 (["aa", "bb", "cc", ""], ["aa", "bb", "cc", ""])]
    df = spark.createDataFrame([("100-200", r"(\d+)", "--")], ["str", "pattern", "replacement"])
    got = df.select(F.regexp_replace(F.col("str"), F.col("pattern"), F.col("replacement")),
                    F.regexp_replace("str", r"(\d+)", "--", 5).alias("d"), F.regexp_replace("str", r"(\d+)", "<$1>", 5),
                    F.regexp_replace("str", r"(\d+)", r"\$1", 1))
    assert got.columns == ["regexp_replace(str, pattern, replacement, 1)", "d", "regexp_replace(str, (\\d+), <$1>, 5)",
                           "regexp_replace(str, (\\d+), \\$1, 1)"]
    assert tuple(got.first()) == ("-----", "100---", "100-<200>", "$1-$1")


def test_sort_array_orders_structs_and_arrays_as_spark(spark):
    from ember.sql import Row

    row = spark.sql("SELECT sort_array(array(named_struct('a', 2, 'b', 'x'), named_struct('a', 1, 'b', 'z'), NULL, "
                    "named_struct('a', 1, 'b', 'y'))), "
                    "sort_array(array(array(2, 1), array(1, NULL), array(1)), false)").first()
    # PySpark 4.3
    assert tuple(row) == ([None, Row(a=1, b="y"), Row(a=1, b="z"), Row(a=2, b="x")], [[2, 1], [1, None], [1]])


def test_string_format_and_stack_arguments_name_columns(spark):
    import datetime

    from ember.sql import functions as F

    df = spark.createDataFrame([("2015-04-08", "yyyy-MM-dd"), ("08/04/2015", "dd/MM/yyyy")], ["dt", "fmt"])
    assert [r[0] for r in df.select(F.to_timestamp_ntz("dt", "fmt")).collect()] == [
        datetime.datetime(2015, 4, 8)] * 2  # PySpark 4.3
    df = spark.createDataFrame([(1, 2, 3)], ["a", "b", "c"])
    got = df.select(F.stack(F.lit(2), df.a, df.b, "c"))
    assert got.columns == ["col0", "col1"]
    assert [tuple(r) for r in got.collect()] == [(1, 2), (3, None)]


def test_convert_timezone_reads_short_zone_ids(spark):
    import datetime

    row = spark.sql("SELECT convert_timezone('PST', 'JST', TIMESTAMP_NTZ '2015-07-01 12:00:00'), "
                    "convert_timezone('GMT+8', 'Z', TIMESTAMP_NTZ '2015-07-01 12:00:00')").first()
    assert tuple(row) == (datetime.datetime(2015, 7, 2, 4, 0), datetime.datetime(2015, 7, 1, 4, 0))  # PySpark 4.3


def test_log_with_a_base_is_spark_s_logarithm_in_name_and_value(spark):
    # Names and values from PySpark 4.3 on the same SQL and DataFrame calls.
    row = spark.sql("SELECT log(2, 8), log(10, 100.0), log(1.0, 3.0), log(1, 1), log(-2, 8), log(2, 0), "
                    "log(NULL, 2), log(8), ln(8)").first()
    assert row.__fields__ == ["LOG(2, 8)", "LOG(10, 100.0)", "LOG(1.0, 3.0)", "LOG(1, 1)", "LOG(-2, 8)", "LOG(2, 0)",
                              "LOG(NULL, 2)", "LOG(E(), 8)", "ln(8)"]
    assert row[:3] == (3.0, 2.0, float("inf")) and row[3] != row[3] and row[4:7] == (None, None, None)
    assert row[7] == row[8] == 2.0794415416798357
    from ember.sql import functions as F

    df = spark.range(2)
    assert df.select(F.log(2.0, "id"), F.log("id")).columns == ["LOG(2.0, id)", "ln(id)"]
    assert df.select(F.log(2.0, "id")).schema.fields[0].nullable


def test_a_decimal_mean_out_of_range_raises_under_ansi_and_try_avg_gives_null(spark):
    # PySpark 4.3: avg raises NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION (ANSI), try_avg and legacy avg give NULL.
    from decimal import Decimal

    from ember.sql import functions as F

    df = spark.createDataFrame([(Decimal("1" * 38),), (Decimal(0),)], "number DECIMAL(38, 0)")
    assert df.select(F.try_avg("number")).collect()[0][0] is None
    with pytest.raises(Exception) as error:
        df.select(F.avg("number")).collect()
    assert error.value.getCondition() == "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION"
    previous = spark.conf.get("spark.sql.ansi.enabled")
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        assert df.select(F.avg("number")).collect()[0][0] is None
    finally:
        if previous is None:
            spark.conf.unset("spark.sql.ansi.enabled")
        else:
            spark.conf.set("spark.sql.ansi.enabled", previous)
    assert df.select(F.avg(F.lit(Decimal("1.5")))).collect()[0][0] == Decimal("1.50000")
