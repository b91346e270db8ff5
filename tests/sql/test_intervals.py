"""ANSI interval literals, date/timestamp arithmetic and EXTRACT, against answers checked on PySpark 4."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ember.sql import functions as F
from ember.sql import types as T
from ember.sql.errors import AnalysisException, ParseException


def _row(spark, sql: str) -> tuple:
    return tuple(spark.sql(sql).collect()[0])


def test_interval_literal_types(spark):
    assert _row(spark, "select typeof(interval '90' day), typeof(interval 3 months), typeof(interval '1' year), "
                       "typeof(interval '1-2' year to month), typeof(interval '2 10:00:00' day to second), "
                       "typeof(interval 1 day 2 hours), typeof(interval '1 day'), typeof(interval 1 hour), "
                       "typeof(interval 30 minutes), typeof(interval 5 seconds), typeof(interval 1.5 seconds)") == (
        "interval day", "interval month", "interval year", "interval year to month", "interval day to second",
        "interval day to hour", "interval day", "interval hour", "interval minute", "interval second",
        "interval second")


def test_interval_literal_names_and_values(spark):
    df = spark.sql("select interval '90' day, interval '2 10:00:00' day to second, interval 1 day 2 hours, "
                   "interval -1 day, interval 1 hour, interval 5 seconds, interval 1.5 seconds, interval 2 weeks, "
                   "interval 7 microseconds, interval '12:30.5' minute to second")
    assert df.columns == ["INTERVAL '90' DAY", "INTERVAL '2 10:00:00' DAY TO SECOND", "INTERVAL '1 02' DAY TO HOUR",
                          "INTERVAL '-1' DAY", "INTERVAL '01' HOUR", "INTERVAL '05' SECOND", "INTERVAL '01.5' SECOND",
                          "INTERVAL '14' DAY", "INTERVAL '00.000007' SECOND",
                          "INTERVAL '12:30.5' MINUTE TO SECOND"]
    assert tuple(df.collect()[0]) == (
        dt.timedelta(days=90), dt.timedelta(days=2, hours=10), dt.timedelta(days=1, hours=2), dt.timedelta(days=-1),
        dt.timedelta(hours=1), dt.timedelta(seconds=5), dt.timedelta(seconds=1.5), dt.timedelta(days=14),
        dt.timedelta(microseconds=7), dt.timedelta(minutes=12, seconds=30.5))
    assert df.schema[1].dataType == T.DayTimeIntervalType(T.DayTimeIntervalType.DAY, T.DayTimeIntervalType.SECOND)


def test_year_month_literals_count_months(spark):
    df = spark.sql("select interval 3 months, interval '1' year, interval '1-2' year to month, "
                   "interval '-1-2' year to month")
    assert df.columns == ["INTERVAL '3' MONTH", "INTERVAL '1' YEAR", "INTERVAL '1-2' YEAR TO MONTH",
                          "INTERVAL '-1-2' YEAR TO MONTH"]
    assert tuple(df.collect()[0]) == (3, 12, 14, -14)
    assert df.schema[2].dataType.simpleString() == "interval year to month"


def test_mixing_interval_families_is_an_error(spark):
    with pytest.raises(ParseException, match="year-month and day-time"):
        spark.sql("select interval 1 month 2 days")
    with pytest.raises(ParseException, match="INVALID_INTERVAL_FORMAT"):
        spark.sql("select interval '1-x' year to month")


def test_tpch_date_arithmetic(spark):
    df = spark.sql("select date '1998-12-01' - interval '90' day, date '1994-01-01' + interval '1' year, "
                   "date '1995-09-01' + interval '1' month, date '1993-10-01' + interval '3' month")
    assert all(f.dataType == T.DateType() for f in df.schema)
    assert tuple(df.collect()[0]) == (dt.date(1998, 9, 2), dt.date(1995, 1, 1), dt.date(1995, 10, 1),
                                      dt.date(1994, 1, 1))


def test_month_arithmetic_clamps_to_the_end_of_the_month(spark):
    assert _row(spark, "select date '2020-01-31' + interval 1 month, date '2020-03-31' - interval 1 month, "
                       "date '2020-02-29' + interval 1 year, add_months(date '2020-01-31', -2), "
                       "add_months('2020-01-31', 13), timestamp '2020-01-31 10:00:00' + interval 1 month, "
                       "timestamp '2020-01-01 00:00:00' + interval '1-1' year to month") == (
        dt.date(2020, 2, 29), dt.date(2020, 2, 29), dt.date(2021, 2, 28), dt.date(2019, 11, 30),
        dt.date(2021, 2, 28), dt.datetime(2020, 2, 29, 10), dt.datetime(2021, 2, 1))


def test_day_time_intervals_on_dates_and_timestamps(spark):
    df = spark.sql("select date '2020-01-01' + interval '2 10:00:00' day to second, date '2020-01-01' + interval 1 hour, "
                   "timestamp '2020-01-31 10:00:00' - interval '1 02:03:04.5' day to second, "
                   "timestamp '2020-01-31 10:00:00' + interval 1 day, date '2020-01-01' + 1")
    assert [f.dataType for f in df.schema] == [T.TimestampType()] * 4 + [T.DateType()]
    assert tuple(df.collect()[0]) == (dt.datetime(2020, 1, 3, 10), dt.datetime(2020, 1, 1, 1),
                                      dt.datetime(2020, 1, 30, 7, 56, 55, 500000), dt.datetime(2020, 2, 1, 10),
                                      dt.date(2020, 1, 2))


def test_differences_of_dates_and_timestamps_are_intervals(spark):
    df = spark.sql("select date '2020-03-01' - date '2020-01-01', "
                   "timestamp '2020-01-02 03:00:00' - timestamp '2020-01-01 00:00:00', "
                   "datediff(date '2020-03-01', date '2020-01-01')")
    assert [f.dataType.simpleString() for f in df.schema] == ["interval day", "interval day to second", "int"]
    assert tuple(df.collect()[0]) == (dt.timedelta(days=60), dt.timedelta(days=1, hours=3), 60)


def test_interval_sums_widen_their_fields(spark):
    df = spark.sql("select interval 1 year + interval 2 months, (interval 1 day) - (interval 1 day)")
    assert [f.dataType.simpleString() for f in df.schema] == ["interval year to month", "interval day"]
    assert tuple(df.collect()[0]) == (14, dt.timedelta(0))


def test_date_add_sub_and_nulls(spark):
    assert _row(spark, "select date_add(date '2020-02-28', 2), date_sub(date '2020-03-01', 1), "
                       "cast(null as date) + interval 1 day, date_add(cast(null as date), 1)") == (
        dt.date(2020, 3, 1), dt.date(2020, 2, 29), None, None)


def test_column_arithmetic_with_intervals_and_nulls(spark):
    df = spark.createDataFrame([(dt.date(2021, 3, 31),), (None,)], "d date")
    out = df.select(F.expr("d + interval 1 day").alias("a"), F.expr("d - interval '1' month").alias("b"))
    assert [tuple(r) for r in out.collect()] == [(dt.date(2021, 4, 1), dt.date(2021, 2, 28)), (None, None)]


def test_unsupported_interval_arithmetic_names_the_operator(spark):
    with pytest.raises(AnalysisException, match=r"operator % does not support \"INTERVAL DAY\""):
        spark.sql("select interval 1 day % 3")
    with pytest.raises(AnalysisException, match="INTERVAL YEAR"):
        spark.sql("select (interval '1' year) + (interval '1' day)")


def test_extract_fields_of_dates(spark):
    df = spark.createDataFrame([(dt.date(2020, 3, 4),)], "d date")
    out = df.selectExpr("extract(YEAR FROM d)", "extract(quarter from d)", "extract(month from d)",
                        "extract(week from d)", "extract(day from d)", "extract(dayofweek from d)",
                        "extract(doy from d)", "extract(dow from d)", "extract(dayofweek_iso from d)",
                        "extract(years from d)", "extract(mon from d)", "extract(hour from d)")
    assert out.columns[0] == "extract(YEAR FROM d)"
    assert tuple(out.collect()[0]) == (2020, 1, 3, 10, 4, 4, 64, 4, 3, 2020, 3, 0)
    assert all(f.dataType == T.IntegerType() for f in out.schema)


def test_extract_second_is_a_decimal_with_microseconds(spark):
    df = spark.createDataFrame([(dt.datetime(2020, 3, 4, 5, 6, 7, 123456), dt.date(2020, 3, 4))], "t timestamp, d date")
    out = df.selectExpr("extract(hour from t)", "extract(minute from t)", "extract(second from t)",
                        "date_part('second', t)", "extract(second from d)", "second(t)")
    assert [f.dataType for f in out.schema] == [T.IntegerType(), T.IntegerType(), T.DecimalType(8, 6),
                                                T.DecimalType(8, 6), T.DecimalType(8, 6), T.IntegerType()]
    assert tuple(out.collect()[0]) == (5, 6, Decimal("7.123456"), Decimal("7.123456"), Decimal("0.000000"), 7)


def test_date_part_and_field_functions(spark):
    df = spark.createDataFrame([(dt.date(2021, 1, 1), dt.datetime(2020, 3, 4, 5, 6, 7, 900000)), (None, None)],
                               "d date, t timestamp")
    out = df.selectExpr("date_part('year', d)", "date_part('doy', d)", "dayofweek(d)", "weekofyear(d)",
                        "dayofyear(d)", "quarter(d)", "hour(t)", "minute(t)", "second(t)", "day(d)")
    assert out.columns[:2] == ["date_part(year, d)", "date_part(doy, d)"] and out.columns[-1] == "day(d)"
    assert [tuple(r) for r in out.collect()] == [(2021, 1, 6, 53, 1, 1, 5, 6, 7, 1), (None,) * 10]
    assert _row(spark, "select extract(week from date '2020-12-31'), extract(week from date '2024-12-30'), "
                       "weekofyear(date '2027-01-01'), extract(year from '2020-03-04')") == (53, 1, 53, 2020)


def test_dataframe_functions_for_fields(spark):
    df = spark.createDataFrame([(dt.date(1998, 12, 1),)], "d date")
    out = df.select(F.year("d"), F.quarter("d"), F.dayofweek("d"), F.date_part(F.lit("doy"), F.col("d")),
                    F.extract(F.lit("MONTH"), F.col("d")), F.add_months("d", 3))
    assert tuple(out.collect()[0]) == (1998, 4, 3, 335, 12, dt.date(1999, 3, 1))


def test_extract_of_an_unknown_field_is_an_error(spark):
    df = spark.createDataFrame([(dt.date(2020, 3, 4),)], "d date")
    with pytest.raises(AnalysisException, match="INVALID_EXTRACT_FIELD"):
        df.selectExpr("extract(foo from d)")


def test_column_names_are_sparks(spark):
    df = spark.sql("select date '1998-12-01' - interval '90' day, date '1994-01-01' + interval '1' year, "
                   "date '2020-03-01' - date '2020-01-01', timestamp '2020-01-31 10:00:00' + interval 1 day, "
                   "cast(2.5 as decimal(3,1)) * cast(1.5 as decimal(2,1))")
    assert df.columns == [
        "date_add(DATE '1998-12-01', (- extractansiintervaldays(INTERVAL '90' DAY)))",
        "DATE '1994-01-01' + INTERVAL '1' YEAR", "(DATE '2020-03-01' - DATE '2020-01-01')",
        "TIMESTAMP '2020-01-31 10:00:00' + INTERVAL '1' DAY",
        "(CAST(2.5 AS DECIMAL(3,1)) * CAST(1.5 AS DECIMAL(2,1)))"]


def test_invalid_typed_literal_is_a_parse_error(spark):
    with pytest.raises(ParseException, match="INVALID_TYPED_LITERAL"):
        spark.sql("select date '2020-13-01'")


def test_intervals_scale_by_numbers_rounding_half_up(spark):
    df = spark.sql("select interval 1 day * 3, interval 3 days / 2, interval '10' hour * 1.5, interval 1 second / 3, "
                   "3 * interval 2 hours, interval 5 months * 1.5, interval 5 months / 2, "
                   "interval '1-2' year to month * 2, interval -5 months / 2, interval 5 months * 1.5D")
    assert df.columns[4] == "(INTERVAL '02' HOUR * 3)"
    assert [f.dataType.simpleString() for f in df.schema] == ["interval day to second"] * 5 + [
        "interval year to month"] * 5
    assert tuple(df.collect()[0]) == (dt.timedelta(days=3), dt.timedelta(days=1, hours=12), dt.timedelta(hours=15),
                                      dt.timedelta(microseconds=333333), dt.timedelta(hours=6), 8, 3, 28, -3, 8)


def test_interval_divided_by_zero_is_an_error(spark):
    from ember.sql.errors import ArithmeticException

    with pytest.raises(ArithmeticException, match="INTERVAL_DIVIDED_BY_ZERO"):
        spark.sql("select interval 1 day / 0").collect()


def test_intervals_compare_across_their_fields(spark):
    assert _row(spark, "select interval 1 day > interval 23 hours, -interval '1' year < interval 0 month, "
                       "-interval 1 day") == (True, True, dt.timedelta(days=-1))


def test_extract_fields_of_intervals(spark):
    df = spark.sql("select extract(day from interval '5 10:11:12.5' day to second), "
                   "extract(hour from interval '5 10:11:12.5' day to second), "
                   "extract(minute from interval '5 10:11:12.5' day to second), "
                   "extract(second from interval '5 10:11:12.5' day to second), "
                   "extract(year from interval '-1-2' year to month), extract(month from interval '-1-2' year to month), "
                   "extract(hour from interval '-5 10:00:00' day to second)")
    assert [f.dataType for f in df.schema] == [T.IntegerType(), T.ByteType(), T.ByteType(), T.DecimalType(8, 6),
                                               T.IntegerType(), T.ByteType(), T.ByteType()]
    assert tuple(df.collect()[0]) == (5, 10, 11, Decimal("12.500000"), -1, -2, -10)
    with pytest.raises(AnalysisException, match="INVALID_EXTRACT_FIELD"):
        spark.sql("select extract(year from interval 5 days)")


def test_interval_types_in_schemas_and_ddl():
    assert T.parse_datatype_string("interval day to second") == T.DayTimeIntervalType(0, 3)
    assert T.parse_datatype_string("a interval year, b interval hour to minute") == T.StructType([
        T.StructField("a", T.YearMonthIntervalType(0, 0)), T.StructField("b", T.DayTimeIntervalType(1, 2))])
    assert T.DayTimeIntervalType().simpleString() == "interval day to second"
    assert T.YearMonthIntervalType(1).simpleString() == "interval month"
    assert T.infer_type(dt.timedelta(days=1)) == T.DayTimeIntervalType()
    with pytest.raises(ValueError):
        T.DayTimeIntervalType(3, 1)


def test_intervals_show_and_print_as_spark_does(spark, capsys):
    df = spark.createDataFrame([(dt.timedelta(days=1, hours=2), 14)], "i interval day to second, m int")
    df.selectExpr("i", "interval 1 year", "i * 2").show()
    df.printSchema()
    out = capsys.readouterr().out
    assert "|INTERVAL '1 02:00...|INTERVAL '1' YEAR|INTERVAL '2 04:00...|" in out
    assert " |-- i: interval day to second (nullable = true)" in out


def test_month_arithmetic_before_the_epoch(spark):
    assert _row(spark, "select timestamp '1969-12-31 23:00:00.5' + interval 1 month, "
                       "date '1600-02-29' + interval 12 months, date '1900-01-31' + interval '1-1' year to month") == (
        dt.datetime(1970, 1, 31, 23, 0, 0, 500000), dt.date(1601, 2, 28), dt.date(1901, 2, 28))


# --------------------------------------------------------------------------- property: calendar months

import calendar  # noqa: E402

import pyarrow as pa  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402

from ember.sql.expressions.intervals import add_months_to_days  # noqa: E402


def _python_add_months(day: dt.date, months: int) -> dt.date | None:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        return None
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), st.integers(-2000, 2000)),
                min_size=1, max_size=8))
def test_add_months_matches_the_calendar(pairs):
    expected = [_python_add_months(day, n) for day, n in pairs]
    pairs = [(day, n) for (day, n), e in zip(pairs, expected) if e is not None]
    days = pa.array([day for day, _ in pairs], pa.date32()).cast(pa.int32())
    months = pa.array([n for _, n in pairs], pa.int32())
    out = add_months_to_days(days, months).cast(pa.int32()).cast(pa.date32())
    assert out.to_pylist() == [e for e in expected if e is not None]


def test_unit_pairs_inside_the_string(spark):
    df = spark.sql("select interval '1 day 2 hours', interval '-1 day', interval '1 year 2 months'")
    assert df.columns == ["INTERVAL '1 02' DAY TO HOUR", "INTERVAL '-1' DAY", "INTERVAL '1-2' YEAR TO MONTH"]
    assert tuple(df.collect()[0]) == (dt.timedelta(days=1, hours=2), dt.timedelta(days=-1), 14)
    with pytest.raises(ParseException, match="monkeys"):
        spark.sql("select interval '1 day 2 monkeys'")


def test_only_the_leading_field_may_exceed_its_unit(spark):
    assert _row(spark, "select interval '25:00' hour to minute") == (dt.timedelta(hours=25),)
    with pytest.raises(ParseException, match="hour 25 outside range"):
        spark.sql("select interval '1 25' day to hour")


def test_intervals_cast_to_spark_text(spark):
    assert _row(spark, "select cast(interval '1-2' year to month as string), "
                       "cast(interval '-2 10:00:00.5' day to second as string), cast(interval 5 months / 2 as string)") == (
        "INTERVAL '1-2' YEAR TO MONTH", "INTERVAL '-2 10:00:00.5' DAY TO SECOND", "INTERVAL '0-3' YEAR TO MONTH")


from ember.sql.expressions.intervals import format_interval, interval_literal  # noqa: E402

_UNIT_MICROS = {0: 86_400_000_000, 1: 3_600_000_000, 2: 60_000_000, 3: 1}


@st.composite
def _day_time_values(draw):
    start = draw(st.integers(0, 3))
    end = draw(st.integers(start, 3))
    micros = draw(st.integers(-(10**15), 10**15)) // _UNIT_MICROS[end] * _UNIT_MICROS[end]
    return T.DayTimeIntervalType(start, end), dt.timedelta(microseconds=micros)


@settings(max_examples=200, deadline=None)
@given(_day_time_values())
def test_interval_text_reads_back_as_the_same_value(typed):
    # The SQL text Spark writes for an interval (column names, show()) parses back to it.
    dtype, value = typed
    text = format_interval(value, dtype)
    body, units = text[len("INTERVAL '"):].split("' ", 1)
    start, _, end = units.partition(" TO ")
    literal = interval_literal(body, start, end or None)
    assert (literal.value, literal.dtype) == (value, dtype)
