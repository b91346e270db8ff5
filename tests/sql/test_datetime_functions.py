"""Date and time functions, checked against PySpark 4.3 (session time zone UTC) on the same rows.

Every expected value and column name was produced by PySpark and written in by hand. A name of
``None`` marks a call whose spelling sqlglot's parse does not keep (it upper-cases the unit of
``date_trunc``/``trunc``, and parses ``to_unix_timestamp`` and ``date_diff`` as
``unix_timestamp`` and ``datediff``): its value is still checked.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ember.errors import AnalysisException, SparkRuntimeException
from ember.sql import functions as F

from tests.sql.test_functions_more import same

ROWS = [(datetime.datetime(2024, 3, 15, 13, 47, 25, 123456), datetime.date(2024, 2, 29), 1700000000, "2024-03-15 13:47:25"),
        (None, None, None, None),
        (datetime.datetime(1969, 12, 31, 23, 59, 59), datetime.date(2023, 12, 31), -1, "1999-01-01 00:00:00")]
SCHEMA = "t timestamp, d date, x bigint, ts string"

# (SQL call, the column name PySpark gives it, its value on each row; window() drops NULL-time rows)
SQL = [
    ("date_trunc('hour', t)", None, [datetime.datetime(2024, 3, 15, 13, 0), None, datetime.datetime(1969, 12, 31, 23, 0)]),
    ("date_trunc('YEAR', t)", 'date_trunc(YEAR, t)', [datetime.datetime(2024, 1, 1, 0, 0), None, datetime.datetime(1969, 1, 1, 0, 0)]),
    ("date_trunc('month', t)", None, [datetime.datetime(2024, 3, 1, 0, 0), None, datetime.datetime(1969, 12, 1, 0, 0)]),
    ("date_trunc('week', t)", None, [datetime.datetime(2024, 3, 11, 0, 0), None, datetime.datetime(1969, 12, 29, 0, 0)]),
    ("date_trunc('quarter', t)", None, [datetime.datetime(2024, 1, 1, 0, 0), None, datetime.datetime(1969, 10, 1, 0, 0)]),
    ("date_trunc('day', t)", None, [datetime.datetime(2024, 3, 15, 0, 0), None, datetime.datetime(1969, 12, 31, 0, 0)]),
    ("date_trunc('minute', t)", None, [datetime.datetime(2024, 3, 15, 13, 47), None, datetime.datetime(1969, 12, 31, 23, 59)]),
    ("date_trunc('second', t)", None, [datetime.datetime(2024, 3, 15, 13, 47, 25), None, datetime.datetime(1969, 12, 31, 23, 59, 59)]),
    ("date_trunc('millisecond', t)", None, [datetime.datetime(2024, 3, 15, 13, 47, 25, 123000), None, datetime.datetime(1969, 12, 31, 23, 59, 59)]),
    ("date_trunc('dd', d)", None, [datetime.datetime(2024, 2, 29, 0, 0), None, datetime.datetime(2023, 12, 31, 0, 0)]),
    ("trunc(d, 'month')", None, [datetime.date(2024, 2, 1), None, datetime.date(2023, 12, 1)]),
    ("trunc(d, 'year')", None, [datetime.date(2024, 1, 1), None, datetime.date(2023, 1, 1)]),
    ("trunc(d, 'week')", None, [datetime.date(2024, 2, 26), None, datetime.date(2023, 12, 25)]),
    ("trunc(d, 'quarter')", None, [datetime.date(2024, 1, 1), None, datetime.date(2023, 10, 1)]),
    ("trunc(d, 'dd')", None, [None, None, None]),
    ('timestamp_seconds(x)', 'timestamp_seconds(x)', [datetime.datetime(2023, 11, 14, 22, 13, 20), None, datetime.datetime(1969, 12, 31, 23, 59, 59)]),
    ('timestamp_millis(x)', 'timestamp_millis(x)', [datetime.datetime(1970, 1, 20, 16, 13, 20), None, datetime.datetime(1969, 12, 31, 23, 59, 59, 999000)]),
    ('timestamp_micros(x)', 'timestamp_micros(x)', [datetime.datetime(1970, 1, 1, 0, 28, 20), None, datetime.datetime(1969, 12, 31, 23, 59, 59, 999999)]),
    ('unix_seconds(t)', 'unix_seconds(t)', [1710510445, None, -1]),
    ('unix_millis(t)', 'unix_millis(t)', [1710510445123, None, -1000]),
    ('unix_micros(t)', 'unix_micros(t)', [1710510445123456, None, -1000000]),
    ('unix_date(d)', 'unix_date(d)', [19782, None, 19722]),
    ('date_from_unix_date(19000)', 'date_from_unix_date(19000)', [datetime.date(2022, 1, 8), datetime.date(2022, 1, 8), datetime.date(2022, 1, 8)]),
    ('unix_timestamp(t)', 'unix_timestamp(t, yyyy-MM-dd HH:mm:ss)', [1710510445, None, -1]),
    ('unix_timestamp(ts)', 'unix_timestamp(ts, yyyy-MM-dd HH:mm:ss)', [1710510445, None, 915148800]),
    ("unix_timestamp(ts, 'yyyy-MM-dd HH:mm:ss')", 'unix_timestamp(ts, yyyy-MM-dd HH:mm:ss)', [1710510445, None, 915148800]),
    ("to_unix_timestamp(ts, 'yyyy-MM-dd HH:mm:ss')", None, [1710510445, None, 915148800]),
    ('from_unixtime(x)', 'from_unixtime(x, yyyy-MM-dd HH:mm:ss)', ['2023-11-14 22:13:20', None, '1969-12-31 23:59:59']),
    ("from_unixtime(x, 'yyyy/MM/dd')", 'from_unixtime(x, yyyy/MM/dd)', ['2023/11/14', None, '1969/12/31']),
    ('last_day(d)', 'last_day(d)', [datetime.date(2024, 2, 29), None, datetime.date(2023, 12, 31)]),
    ('make_date(2024, 2, 29)', 'make_date(2024, 2, 29)', [datetime.date(2024, 2, 29), datetime.date(2024, 2, 29), datetime.date(2024, 2, 29)]),
    ('months_between(t, d)', 'months_between(t, d, true)', [0.56692242, None, -648.0]),
    ('months_between(d, t, false)', 'months_between(d, t, false)', [-0.5669224163679809, None, 648.0]),
    ("months_between('2024-03-31', '2024-02-29')", 'months_between(2024-03-31, 2024-02-29, true)', [1.0, 1.0, 1.0]),
    ("next_day(d, 'Mon')", 'next_day(d, Mon)', [datetime.date(2024, 3, 4), None, datetime.date(2024, 1, 1)]),
    ("next_day(d, 'friday')", 'next_day(d, friday)', [datetime.date(2024, 3, 1), None, datetime.date(2024, 1, 5)]),
    ("date_diff(d, '2024-01-01')", None, [59, None, -1]),
    ('dateadd(d, 3)', 'date_add(d, 3)', [datetime.date(2024, 3, 3), None, datetime.date(2024, 1, 3)]),
    ('dayname(d)', 'dayname(d)', ['Thu', None, 'Sun']),
    ('monthname(d)', 'monthname(d)', ['Feb', None, 'Dec']),
    ('weekday(d)', 'weekday(d)', [3, None, 6]),
    ("from_utc_timestamp(t, 'America/New_York')", 'from_utc_timestamp(t, America/New_York)', [datetime.datetime(2024, 3, 15, 9, 47, 25, 123456), None, datetime.datetime(1969, 12, 31, 18, 59, 59)]),
    ("to_utc_timestamp(t, 'Asia/Tokyo')", 'to_utc_timestamp(t, Asia/Tokyo)', [datetime.datetime(2024, 3, 15, 4, 47, 25, 123456), None, datetime.datetime(1969, 12, 31, 14, 59, 59)]),
    ("window(t, '1 hour')", 'window', [{'start': datetime.datetime(2024, 3, 15, 13, 0), 'end': datetime.datetime(2024, 3, 15, 14, 0)}, {'start': datetime.datetime(1969, 12, 31, 23, 0), 'end': datetime.datetime(1970, 1, 1, 0, 0)}]),
    ("window(t, '10 minutes', '5 minutes')", 'window', [{'start': datetime.datetime(2024, 3, 15, 13, 45), 'end': datetime.datetime(2024, 3, 15, 13, 55)}, {'start': datetime.datetime(2024, 3, 15, 13, 40), 'end': datetime.datetime(2024, 3, 15, 13, 50)}, {'start': datetime.datetime(1969, 12, 31, 23, 55), 'end': datetime.datetime(1970, 1, 1, 0, 5)}, {'start': datetime.datetime(1969, 12, 31, 23, 50), 'end': datetime.datetime(1970, 1, 1, 0, 0)}]),
    ("window(t, '1 day', '1 day', '2 hours')", 'window', [{'start': datetime.datetime(2024, 3, 15, 2, 0), 'end': datetime.datetime(2024, 3, 16, 2, 0)}, {'start': datetime.datetime(1969, 12, 31, 2, 0), 'end': datetime.datetime(1970, 1, 1, 2, 0)}]),
    ('floor(2.567, 2)', 'floor(2.567, 2)', [Decimal('2.56'), Decimal('2.56'), Decimal('2.56')]),
    ('ceil(2.561, 2)', 'ceil(2.561, 2)', [Decimal('2.57'), Decimal('2.57'), Decimal('2.57')]),
    ('floor(-1234.5, -2)', 'floor(-1234.5, -2)', [Decimal('-1300'), Decimal('-1300'), Decimal('-1300')]),
    ('ceil(x, -3)', 'ceil(x, -3)', [Decimal('1700000000'), None, Decimal('0')]),
    ('try_to_timestamp(ts)', 'try_to_timestamp(ts)', [datetime.datetime(2024, 3, 15, 13, 47, 25), None, datetime.datetime(1999, 1, 1, 0, 0)]),
    ("try_to_timestamp('bad')", 'try_to_timestamp(bad)', [None, None, None]),
    ('to_timestamp_ntz(ts)', 'to_timestamp_ntz(ts)', [datetime.datetime(2024, 3, 15, 13, 47, 25), None, datetime.datetime(1999, 1, 1, 0, 0)]),
    ('make_timestamp(2024, 1, 2, 3, 4, 5.5)', 'make_timestamp(2024, 1, 2, 3, 4, 5.5)', [datetime.datetime(2024, 1, 2, 3, 4, 5, 500000), datetime.datetime(2024, 1, 2, 3, 4, 5, 500000), datetime.datetime(2024, 1, 2, 3, 4, 5, 500000)]),
    ("date_format(t, 'yyyy-MM-dd HH:mm:ss.SSS')", 'date_format(t, yyyy-MM-dd HH:mm:ss.SSS)', ['2024-03-15 13:47:25.123', None, '1969-12-31 23:59:59.000']),
    ("date_format(t, 'EEE MMM d yy')", 'date_format(t, EEE MMM d yy)', ['Fri Mar 15 24', None, 'Wed Dec 31 69']),
]

# (label, the Python call, the column name PySpark gives it, its value on each row)
API = [
    ('window', lambda: F.window("t", "1 hour"),
     'window',
     [{'start': datetime.datetime(2024, 3, 15, 13, 0), 'end': datetime.datetime(2024, 3, 15, 14, 0)}, {'start': datetime.datetime(1969, 12, 31, 23, 0), 'end': datetime.datetime(1970, 1, 1, 0, 0)}]),
    ('window_slide', lambda: F.window("t", "10 minutes", "5 minutes"),
     'window',
     [{'start': datetime.datetime(2024, 3, 15, 13, 45), 'end': datetime.datetime(2024, 3, 15, 13, 55)}, {'start': datetime.datetime(2024, 3, 15, 13, 40), 'end': datetime.datetime(2024, 3, 15, 13, 50)}, {'start': datetime.datetime(1969, 12, 31, 23, 55), 'end': datetime.datetime(1970, 1, 1, 0, 5)}, {'start': datetime.datetime(1969, 12, 31, 23, 50), 'end': datetime.datetime(1970, 1, 1, 0, 0)}]),
    ('date_trunc', lambda: F.date_trunc("hour", "t"),
     'date_trunc(hour, t)',
     [datetime.datetime(2024, 3, 15, 13, 0), None, datetime.datetime(1969, 12, 31, 23, 0)]),
    ('timestamp_seconds', lambda: F.timestamp_seconds("x"),
     'timestamp_seconds(x)',
     [datetime.datetime(2023, 11, 14, 22, 13, 20), None, datetime.datetime(1969, 12, 31, 23, 59, 59)]),
    ('floor_scale', lambda: F.floor(F.lit(2.567), 2),
     'floor(2.567, 2)',
     [Decimal('2.56'), Decimal('2.56'), Decimal('2.56')]),
    ('ceil_scale', lambda: F.ceil(F.lit(2.561), 2),
     'ceil(2.561, 2)',
     [Decimal('2.57'), Decimal('2.57'), Decimal('2.57')]),
    ('timestamp_millis', lambda: F.timestamp_millis(F.lit(1000)),
     'timestamp_millis(1000)',
     [datetime.datetime(1970, 1, 1, 0, 0, 1), datetime.datetime(1970, 1, 1, 0, 0, 1), datetime.datetime(1970, 1, 1, 0, 0, 1)]),
    ('make_date', lambda: F.make_date(F.lit(2024), F.lit(1), F.lit(31)),
     'make_date(2024, 1, 31)',
     [datetime.date(2024, 1, 31), datetime.date(2024, 1, 31), datetime.date(2024, 1, 31)]),
    ('last_day', lambda: F.last_day(F.lit("2024-02-10")),
     'last_day(2024-02-10)',
     [datetime.date(2024, 2, 29), datetime.date(2024, 2, 29), datetime.date(2024, 2, 29)]),
    ('next_day', lambda: F.next_day(F.lit("2024-02-10"), "Sun"),
     'next_day(2024-02-10, Sun)',
     [datetime.date(2024, 2, 11), datetime.date(2024, 2, 11), datetime.date(2024, 2, 11)]),
    ('months_between', lambda: F.months_between(F.lit("2024-03-31"), F.lit("2024-02-29")),
     'months_between(2024-03-31, 2024-02-29, true)',
     [1.0, 1.0, 1.0]),
    ('from_unixtime', lambda: F.from_unixtime(F.lit(0)),
     'from_unixtime(0, yyyy-MM-dd HH:mm:ss)',
     ['1970-01-01 00:00:00', '1970-01-01 00:00:00', '1970-01-01 00:00:00']),
    ('unix_timestamp', lambda: F.unix_timestamp(F.lit("2024-01-01 00:00:00")),
     'unix_timestamp(2024-01-01 00:00:00, yyyy-MM-dd HH:mm:ss)',
     [1704067200, 1704067200, 1704067200]),
    ('trunc', lambda: F.trunc(F.lit("2024-05-17"), "year"),
     'trunc(2024-05-17, year)',
     [datetime.date(2024, 1, 1), datetime.date(2024, 1, 1), datetime.date(2024, 1, 1)]),
    ('dayname', lambda: F.dayname(F.lit("2024-05-17")),
     'dayname(2024-05-17)',
     ['Fri', 'Fri', 'Fri']),
]


@pytest.fixture(scope="module")
def df(spark):
    frame = spark.createDataFrame(ROWS, SCHEMA)
    frame.createOrReplaceTempView("dt_t")
    return frame


@pytest.mark.parametrize("call,name,expected", SQL, ids=[c for c, _, _ in SQL])
def test_sql_datetime_function_gives_pysparks_value_and_name(spark, df, call, name, expected):
    out = spark.sql(f"SELECT {call} FROM dt_t")
    if name is not None:
        assert out.columns == [name]
    assert same([r[0] for r in out.collect()], expected)


@pytest.mark.parametrize("label,build,name,expected", API, ids=[a[0] for a in API])
def test_python_datetime_function_gives_pysparks_value_and_name(df, label, build, name, expected):
    out = df.select(build())
    assert out.columns == [name]
    assert same([r[0] for r in out.collect()], expected)


def test_group_by_a_tumbling_window_counts_rows_per_window(df):
    out = df.groupBy(F.window("t", "1 hour")).count()
    assert out.columns == ['window', 'count']
    rows = sorted(((r[0].asDict(), r[1]) for r in out.collect()), key=lambda r: r[0]["start"])
    assert rows == [({'start': datetime.datetime(1969, 12, 31, 23, 0), 'end': datetime.datetime(1970, 1, 1, 0, 0)}, 1), ({'start': datetime.datetime(2024, 3, 15, 13, 0), 'end': datetime.datetime(2024, 3, 15, 14, 0)}, 1)]


def test_sliding_window_repeats_each_row_once_per_window_in_sparks_order(df):
    out = df.select(F.window("t", "10 minutes", "5 minutes").alias("w"), "x")
    assert out.columns == ['w', 'x']
    assert [(r.w.asDict(), r.x) for r in out.collect()] == [({'start': datetime.datetime(2024, 3, 15, 13, 45), 'end': datetime.datetime(2024, 3, 15, 13, 55)}, 1700000000), ({'start': datetime.datetime(2024, 3, 15, 13, 40), 'end': datetime.datetime(2024, 3, 15, 13, 50)}, 1700000000), ({'start': datetime.datetime(1969, 12, 31, 23, 55), 'end': datetime.datetime(1970, 1, 1, 0, 5)}, -1), ({'start': datetime.datetime(1969, 12, 31, 23, 50), 'end': datetime.datetime(1970, 1, 1, 0, 0)}, -1)]


def test_window_with_a_month_is_refused(df):
    with pytest.raises(AnalysisException, match="day-time interval"):
        df.select(F.window("t", "1 month"))


def test_make_date_of_an_impossible_date_raises_sparks_error(spark):
    # PySpark: [DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION] Invalid date 'FEBRUARY 30'.
    with pytest.raises(SparkRuntimeException, match="Invalid date 'FEBRUARY 30'"):
        spark.sql("SELECT make_date(2024, 2, 30)").collect()


def test_next_day_of_an_unknown_day_raises_sparks_error(spark):
    with pytest.raises(SparkRuntimeException, match="ILLEGAL_DAY_OF_WEEK"):
        spark.sql("SELECT next_day(DATE'2024-01-01', 'xx')").collect()


def test_current_timestamp_is_now_and_the_same_in_every_row(spark, df):
    before = datetime.datetime.now()
    out = df.select(F.current_timestamp().alias("a"), F.now().alias("b"), F.localtimestamp().alias("c"),
                    F.curdate().alias("d")).collect()
    after = datetime.datetime.now()
    assert len({(r.a, r.b) for r in out}) == 1
    assert before <= out[0].a <= after and before <= out[0].c <= after
    assert out[0].d == before.date() or out[0].d == after.date()
    assert spark.sql("SELECT current_timestamp(), now(), localtimestamp(), curdate()").columns == [
        "current_timestamp()", "now()", "localtimestamp()", "current_date()"]


# The try_ forms, timestamp_diff and timestamp_add, on a second table (same conventions as API).
TRY_ROWS = [("2024-03-15 13:47:25", "http://h.com/p?q=1", datetime.datetime(2024, 3, 15, 13, 47, 25),
             datetime.datetime(2023, 1, 31, 0, 0)),
            (None, None, None, None),
            ("bad", "http://h.com:xx/p", datetime.datetime(1969, 12, 31, 23, 59, 59), datetime.datetime(1970, 3, 1))]
TRY_API = [
    ('try_parse_url', lambda: F.try_parse_url("u", F.lit("HOST")),
     'try_parse_url(u, HOST)',
     ['h.com', None, None]),
    ('make_timestamp_ntz', lambda: F.make_timestamp_ntz(F.lit(2024), F.lit(1), F.lit(2), F.lit(3), F.lit(4), F.lit(5.5)),
     'make_timestamp_ntz(2024, 1, 2, 3, 4, 5.5)',
     [datetime.datetime(2024, 1, 2, 3, 4, 5, 500000), datetime.datetime(2024, 1, 2, 3, 4, 5, 500000), datetime.datetime(2024, 1, 2, 3, 4, 5, 500000)]),
    ('try_make_timestamp', lambda: F.try_make_timestamp(F.lit(2024), F.lit(2), F.lit(30), F.lit(3), F.lit(4), F.lit(5)),
     'try_make_timestamp(2024, 2, 30, 3, 4, 5)',
     [None, None, None]),
    ('try_to_date', lambda: F.try_to_date("s"),
     'try_to_date(s)',
     [datetime.date(2024, 3, 15), None, None]),
    ('try_to_date_fmt', lambda: F.try_to_date(F.lit("2024/01/02"), "yyyy/MM/dd"),
     'try_to_date(2024/01/02, yyyy/MM/dd)',
     [datetime.date(2024, 1, 2), datetime.date(2024, 1, 2), datetime.date(2024, 1, 2)]),
    ('timestamp_diff_month', lambda: F.timestamp_diff("MONTH", "t2", "t"),
     'timestampdiff(MONTH, t2, t)',
     [13, None, -2]),
    ('timestamp_diff_hour', lambda: F.timestamp_diff("HOUR", "t2", "t"),
     'timestampdiff(HOUR, t2, t)',
     [9829, None, -1416]),
    ('timestamp_diff_day', lambda: F.timestamp_diff("DAY", "t", "t2"),
     'timestampdiff(DAY, t, t2)',
     [-409, None, 59]),
    ('timestamp_add_day', lambda: F.timestamp_add("DAY", F.lit(3), "t"),
     'timestampadd(DAY, 3, t)',
     [datetime.datetime(2024, 3, 18, 13, 47, 25), None, datetime.datetime(1970, 1, 3, 23, 59, 59)]),
    ('timestamp_add_month', lambda: F.timestamp_add("MONTH", F.lit(1), "t2"),
     'timestampadd(MONTH, 1, t2)',
     [datetime.datetime(2023, 2, 28, 0, 0), None, datetime.datetime(1970, 4, 1, 0, 0)]),
    ('timestamp_add_year', lambda: F.timestamp_add("YEAR", F.lit(-1), "t"),
     'timestampadd(YEAR, -1, t)',
     [datetime.datetime(2023, 3, 15, 13, 47, 25), None, datetime.datetime(1968, 12, 31, 23, 59, 59)]),
]


@pytest.mark.parametrize("label,build,name,expected", TRY_API, ids=[a[0] for a in TRY_API])
def test_try_forms_and_timestamp_arithmetic_give_pysparks_value_and_name(spark, label, build, name, expected):
    out = spark.createDataFrame(TRY_ROWS, "s string, u string, t timestamp, t2 timestamp").select(build())
    assert out.columns == [name]
    assert same([r[0] for r in out.collect()], expected)
