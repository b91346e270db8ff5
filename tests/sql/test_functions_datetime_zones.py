"""convert_timezone, to_timestamp_ltz, make_timestamp_ltz and the try_make_timestamp forms with
the session time zone UTC: expected names, types, values and error classes captured from
PySpark 4.3 (spark.sql.session.timeZone=UTC) on the same SQL."""

from __future__ import annotations

import datetime

import pytest

from tests.sql.captured_cases import assert_sql_gives, assert_sql_raises


# (SQL expression, PySpark 4.3's column names, types and rows for SELECT <expression>)
CASES = [
    ("convert_timezone('UTC', 'Asia/Kolkata', '2021-12-06 00:00:00')", ['convert_timezone(UTC, Asia/Kolkata, 2021-12-06 00:00:00)'], ['timestamp_ntz'], [(datetime.datetime(2021, 12, 6, 5, 30),)]),
    ("convert_timezone('UTC', 'Asia/Kolkata', timestamp'2021-12-06 00:00:00')", ["convert_timezone(UTC, Asia/Kolkata, TIMESTAMP '2021-12-06 00:00:00')"], ['timestamp_ntz'], [(datetime.datetime(2021, 12, 6, 5, 30),)]),
    ("to_timestamp_ltz('2016-12-31 00:12:00')", ['to_timestamp_ltz(2016-12-31 00:12:00)'], ['timestamp'], [(datetime.datetime(2016, 12, 31, 0, 12),)]),
    ("to_timestamp_ltz('2016-12-31', 'yyyy-MM-dd')", ['to_timestamp_ltz(2016-12-31, yyyy-MM-dd)'], ['timestamp'], [(datetime.datetime(2016, 12, 31, 0, 0),)]),
    ('to_timestamp_ltz(NULL)', ['to_timestamp_ltz(NULL)'], ['timestamp'], [(None,)]),
    ("to_timestamp_ltz(date'2016-12-31')", ["to_timestamp_ltz(DATE '2016-12-31')"], ['timestamp'], [(datetime.datetime(2016, 12, 31, 0, 0),)]),
    ('make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887)', ['make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887)'], ['timestamp'], [(datetime.datetime(2014, 12, 28, 6, 30, 45, 887000),)]),
    ("make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887, 'CET')", ['make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887, CET)'], ['timestamp'], [(datetime.datetime(2014, 12, 28, 5, 30, 45, 887000),)]),
    ('make_timestamp_ltz(2014, 12, 28, 6, 30, 60)', ['make_timestamp_ltz(2014, 12, 28, 6, 30, 60)'], ['timestamp'], [(datetime.datetime(2014, 12, 28, 6, 31),)]),
    ("try_make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887), try_make_timestamp_ltz(2014, 13, 28, 6, 30, 45.887), try_make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887, 'CET')", ['try_make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887)', 'try_make_timestamp_ltz(2014, 13, 28, 6, 30, 45.887)', 'try_make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887, CET)'], ['timestamp', 'timestamp', 'timestamp'], [(datetime.datetime(2014, 12, 28, 6, 30, 45, 887000), None, datetime.datetime(2014, 12, 28, 5, 30, 45, 887000))]),
    ('try_make_timestamp_ntz(2014, 12, 28, 6, 30, 45.887), try_make_timestamp_ntz(2014, 13, 28, 6, 30, 45.887)', ['try_make_timestamp_ntz(2014, 12, 28, 6, 30, 45.887)', 'try_make_timestamp_ntz(2014, 13, 28, 6, 30, 45.887)'], ['timestamp_ntz', 'timestamp_ntz'], [(datetime.datetime(2014, 12, 28, 6, 30, 45, 887000), None)]),
]

# (SQL expression, PySpark 4.3's error class)
ERRORS = [
    ("to_timestamp_ltz('bad')", 'CAST_INVALID_INPUT'),
    ('make_timestamp_ltz(2014, 13, 28, 6, 30, 45.887)', 'DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION'),
    ('make_timestamp_ltz(2014, 12, 28, 6, 30, 61)', 'DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION'),
]


@pytest.mark.parametrize("sql, names, types, rows", CASES, ids=[c[0][:60] for c in CASES])
def test_sql_gives_pysparks_names_types_and_rows(spark, sql, names, types, rows):
    assert_sql_gives(spark, sql, names, types, rows)


@pytest.mark.parametrize("sql, error_class", ERRORS, ids=[e[0][:60] for e in ERRORS])
def test_sql_raises_pysparks_error_class(spark, sql, error_class):
    assert_sql_raises(spark, sql, error_class)
