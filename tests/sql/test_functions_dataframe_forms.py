"""The DataFrame forms of the functions added (``F.to_char(...)``...): names, types and rows captured
from PySpark 4.3 on the same DataFrame; and the random ones (uniform, randstr, shuffle), whose names
and types are PySpark's but whose values are numpy's draws, checked for range and reproducibility."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ember.errors import AnalysisException
from ember.sql import functions as F

ROWS = [(1, "Hi there! Good morning.", 12454.8, "616263", "2016-12-31 00:12:00", [1, 2, 3]),
        (None, None, None, None, None, None)]
SCHEMA = "n int, s string, d double, h string, t string, a array<int>"

# (the select list, PySpark 4.3's column names, types and rows)
FORMS = [
    ('F.sentences("s")', ['sentences(s, , )'], ['array<array<string>>'], [([['Hi', 'there'], ['Good', 'morning']],), (None,)]),
    ('F.sentences("s", F.lit("en"), F.lit("US"))', ['sentences(s, en, US)'], ['array<array<string>>'], [([['Hi', 'there'], ['Good', 'morning']],), (None,)]),
    ('F.to_char("d", F.lit("99G999D9S"))', ['to_char(d, 99G999D9S)'], ['string'], [('12,454.8+',), (None,)]),
    ('F.to_varchar("n", F.lit("999"))', ['to_char(n, 999)'], ['string'], [('  1',), (None,)]),
    ('F.to_number(F.lit("$78.12"), F.lit("$99.99"))', ['to_number($78.12, $99.99)'], ['decimal(4,2)'], [(Decimal('78.12'),), (Decimal('78.12'),)]),
    ('F.try_to_number("s", F.lit("999"))', ['try_to_number(s, 999)'], ['decimal(3,0)'], [(None,), (None,)]),
    ('F.to_binary("h"), F.to_binary("h", F.lit("utf-8"))', ['to_binary(h)', 'to_binary(h, utf-8)'], ['binary', 'binary'], [(b'abc', b'616263'), (None, None)]),
    ('F.try_to_binary("s", F.lit("base64"))', ['try_to_binary(s, base64)'], ['binary'], [(None,), (None,)]),
    ('F.hmac(F.lit("key"), "s")', ['hmac(key, s, SHA-256)'], ['binary'], [(b"\xed\x06\x91?C\x8cej\r\xd7\xf3L\x8cm\x13?\x99)7\xdc\x01(\x89'\x90\xaf\x8d\x1c@\xf7!\x80",), (None,)]),
    ('F.jaro_winkler_similarity("s", F.lit("Hi there"))', ['jaro_winkler_similarity(s, Hi there)'], ['double'], [(0.8695652173913043,), (None,)]),
    ('F.try_sum("n"), F.try_avg("d")', ['try_sum(n)', 'try_avg(d)'], ['bigint', 'double'], [(1, 12454.8)]),
    ('F.bitmap_bit_position("n"), F.bitmap_bucket_number("n")', ['bitmap_bit_position(n)', 'bitmap_bucket_number(n)'], ['bigint', 'bigint'], [(0, 1), (None, None)]),
    ('F.bitmap_count(F.bitmap_construct_agg(F.bitmap_bit_position("n")))', ['bitmap_count(bitmap_construct_agg(bitmap_bit_position(n)))'], ['bigint'], [(1,)]),
    ('F.convert_timezone(None, F.lit("Asia/Kolkata"), "t")', ['convert_timezone(current_timezone(), Asia/Kolkata, t)'], ['timestamp_ntz'], [(datetime.datetime(2016, 12, 31, 5, 42),), (None,)]),
    ('F.convert_timezone(F.lit("UTC"), F.lit("Asia/Kolkata"), "t")', ['convert_timezone(UTC, Asia/Kolkata, t)'], ['timestamp_ntz'], [(datetime.datetime(2016, 12, 31, 5, 42),), (None,)]),
    ('F.to_timestamp_ltz("t")', ['to_timestamp_ltz(t)'], ['timestamp'], [(datetime.datetime(2016, 12, 31, 0, 12),), (None,)]),
    ('F.to_timestamp_ltz("t", F.lit("yyyy-MM-dd HH:mm:ss"))', ['to_timestamp_ltz(t, yyyy-MM-dd HH:mm:ss)'], ['timestamp'], [(datetime.datetime(2016, 12, 31, 0, 12),), (None,)]),
    ('F.make_timestamp_ltz(F.lit(2014), F.lit(12), F.lit(28), F.lit(6), F.lit(30), F.lit(45.887))', ['make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887)'], ['timestamp'], [(datetime.datetime(2014, 12, 28, 6, 30, 45, 887000),), (datetime.datetime(2014, 12, 28, 6, 30, 45, 887000),)]),
    ('F.try_make_timestamp_ntz(F.lit(2014), F.lit(13), F.lit(28), F.lit(6), F.lit(30), F.lit(45.887))', ['try_make_timestamp_ntz(2014, 13, 28, 6, 30, 45.887)'], ['timestamp_ntz'], [(None,), (None,)]),
    ('F.call_function("upper", "s")', ['upper(s)'], ['string'], [('HI THERE! GOOD MORNING.',), (None,)]),
    ('F.call_function("sum", "n")', ['sum(n)'], ['bigint'], [(1,)]),
    ('F.call_udf("plus_one", "n")', ['plus_one(n)'], ['int'], [(2,), (None,)]),
    ('F.call_function("plus_one", F.col("n"))', ['plus_one(n)'], ['int'], [(2,), (None,)]),
    ('F.current_timezone()', ['current_timezone()'], ['string'], [('UTC',), ('UTC',)]),
    ('F.is_valid_utf8("s"), F.make_valid_utf8("s"), F.validate_utf8("s"), F.try_validate_utf8("s")', ['is_valid_utf8(s)', 'make_valid_utf8(s)', 'validate_utf8(s)', 'try_validate_utf8(s)'], ['boolean', 'string', 'string', 'string'], [(True, 'Hi there! Good morning.', 'Hi there! Good morning.', 'Hi there! Good morning.'), (None, None, None, None)]),
    ('F.try_url_decode("s")', ['try_url_decode(s)'], ['string'], [('Hi there! Good morning.',), (None,)]),
    ('F.to_base32("s")', ['to_base32(s)'], ['string'], [('JBUSA5DIMVZGKIJAI5XW6ZBANVXXE3TJNZTS4===',), (None,)]),
]


@pytest.fixture(scope="module")
def df(spark):
    spark.udf.register("plus_one", lambda x: None if x is None else x + 1, "int")
    try:
        yield spark.createDataFrame(ROWS, SCHEMA)
    finally:
        spark.udf._functions.pop("plus_one")


@pytest.mark.parametrize("select, names, types, rows", FORMS, ids=[f[0][:50] for f in FORMS])
def test_dataframe_form_gives_pysparks_names_types_and_rows(df, select, names, types, rows):
    out = eval(f"df.select({select})", {"F": F, "df": df})
    assert out.columns == names
    assert [f.dataType.simpleString() for f in out.schema.fields] == types
    assert [tuple(r) for r in out.collect()] == rows


def test_call_function_of_an_unknown_name_or_wrong_count(df):
    with pytest.raises(AnalysisException, match=r"UNRESOLVED_ROUTINE.*`no_such_fn`"):
        df.select(F.call_function("no_such_fn", "n"))
    with pytest.raises(AnalysisException, match=r"WRONG_NUM_ARGS.*The `upper` requires 1 parameters"):
        df.select(F.call_function("upper", "s", "s"))


def test_version_names_spark_and_ember(spark):
    from ember import __version__

    out = spark.range(1).select(F.version())
    assert out.columns == ["version()"]  # PySpark 4.3's name; its value is "4.3.0 <Spark's git revision>"
    assert out.collect()[0][0] == f"4.3.0 ember-{__version__}"


# (the select list, PySpark 4.3's column names and types)
RANDOM_FORMS = [
    ('F.uniform(F.lit(10), F.lit(20), F.lit(0))', ['uniform(10, 20, 0)'], ['int']),
    ('F.uniform(F.lit(1.5), F.lit(2.5), F.lit(3))', ['uniform(1.5, 2.5, 3)'], ['double']),
    ('F.randstr(F.lit(5), F.lit(0))', ['randstr(5, 0)'], ['string']),
    ('F.shuffle("a", F.lit(0))', ['shuffle(a)'], ['array<int>']),
]


@pytest.mark.parametrize("select, names, types", RANDOM_FORMS, ids=[f[0] for f in RANDOM_FORMS])
def test_random_functions_have_pysparks_names_and_types_and_repeat_per_seed(df, select, names, types):
    out = eval(f"df.select({select})", {"F": F, "df": df})
    assert out.columns == names
    assert [f.dataType.simpleString() for f in out.schema.fields] == types
    assert out.collect() == out.collect()


def test_random_values_stay_in_their_ranges(spark):
    rows = spark.range(200).select(F.uniform(F.lit(10), F.lit(20), F.lit(1)).alias("u"),
                                   F.randstr(F.lit(3), F.lit(2)).alias("r"),
                                   F.shuffle(F.array(F.lit(1), F.lit(2), F.lit(3)), F.lit(3)).alias("s")).collect()
    assert {r.u for r in rows} <= set(range(10, 20)) and len({r.u for r in rows}) > 5
    assert all(len(r.r) == 3 and r.r.isalnum() for r in rows)
    assert all(sorted(r.s) == [1, 2, 3] for r in rows) and len({tuple(r.s) for r in rows}) > 1
    sql = spark.sql("SELECT uniform(10, 20), randstr(5), uniform(1.5, 2.5, 3) FROM range(3)")
    assert sql.columns == ["uniform(10, 20)", "randstr(5)", "uniform(1.5, 2.5, 3)"]  # PySpark 4.3's names
    assert [f.dataType.simpleString() for f in sql.schema.fields] == ["int", "string", "decimal(2,1)"]


def test_input_file_functions_name_the_file_and_block_read(spark, tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("x\n1\n2\n")
    df = spark.read.csv(str(csv), header=True)
    out = df.select("x", F.input_file_name(), F.input_file_block_start(), F.input_file_block_length())
    assert out.columns == ["x", "input_file_name()", "input_file_block_start()", "input_file_block_length()"]
    # PySpark 4.3 gives the file's URI, block start 0 and the file's 6 bytes
    assert sorted(tuple(r) for r in out.collect()) == [("1", csv.as_uri(), 0, 6), ("2", csv.as_uri(), 0, 6)]
    spark.range(3).coalesce(1).write.parquet(str(tmp_path / "p"))
    part = next((tmp_path / "p").glob("*.parquet"))
    blocks = spark.read.parquet(str(tmp_path / "p")).select(
        F.input_file_name(), F.input_file_block_start(), F.input_file_block_length()).distinct().collect()
    assert [tuple(b) for b in blocks] == [(part.as_uri(), 0, part.stat().st_size)]
    # not read from a file, or past a shuffle: '' and -1, as in PySpark 4.3
    assert [tuple(r) for r in df.groupBy("x").count().select(F.input_file_name()).collect()] == [("",), ("",)]
    assert tuple(spark.sql("SELECT input_file_name(), input_file_block_start(), input_file_block_length()")
                 .collect()[0]) == ("", -1, -1)


def test_current_timezone_is_utc_and_a_configured_other_zone_is_refused(spark):
    assert spark.sql("SELECT current_timezone()").collect()[0][0] == "UTC"
    spark.conf.set("spark.sql.session.timeZone", "Europe/Brussels")
    try:
        with pytest.raises(Exception, match="UNSUPPORTED_FEATURE"):
            spark.sql("SELECT current_timezone()")
    finally:
        spark.conf.unset("spark.sql.session.timeZone")
