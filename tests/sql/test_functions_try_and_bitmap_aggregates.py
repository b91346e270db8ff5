"""try_sum, try_avg and the bitmap functions: expected names, types, values and error classes
captured from PySpark 4.3 on the same SQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.sql.captured_cases import assert_sql_gives, assert_sql_raises


def _bitmap(prefix: str, fill: int = 0) -> bytes:
    """A 4096-byte bitmap: ``prefix`` (hex), then ``fill`` bytes."""
    return bytes.fromhex(prefix).ljust(4096, bytes([fill]))


# (SQL expression, PySpark 4.3's column names, types and rows for SELECT <expression>)
CASES = [
    ('try_sum(col) FROM VALUES (1), (2), (NULL) AS t(col)', ['try_sum(col)'], ['bigint'], [(3,)]),
    ('SELECT try_sum(col) FROM VALUES (9223372036854775807L), (1L) AS t(col)', ['try_sum(col)'], ['bigint'], [(None,)]),
    ('SELECT try_sum(col) FROM VALUES (2147483647), (1) AS t(col)', ['try_sum(col)'], ['bigint'], [(2147483648,)]),
    ('SELECT try_sum(col) FROM VALUES (1.5D), (2D) AS t(col)', ['try_sum(col)'], ['double'], [(3.5,)]),
    ('SELECT try_sum(col) FROM VALUES (CAST(NULL AS INT)) AS t(col)', ['try_sum(col)'], ['bigint'], [(None,)]),
    ('SELECT try_sum(col) FROM VALUES (1.50BD), (2.25BD) AS t(col)', ['try_sum(col)'], ['decimal(13,2)'], [(Decimal('3.75'),)]),
    ('SELECT try_sum(col) FROM VALUES (99999999999999999999999999999999999999BD), (1BD) AS t(col)', ['try_sum(col)'], ['decimal(38,0)'], [(None,)]),
    ('SELECT try_avg(col) FROM VALUES (1), (2), (NULL) AS t(col)', ['try_avg(col)'], ['double'], [(1.5,)]),
    ('SELECT try_avg(col) FROM VALUES (9223372036854775807L), (1L) AS t(col)', ['try_avg(col)'], ['double'], [(4.611686018427388e+18,)]),
    ('SELECT try_avg(col) FROM VALUES (1.50BD), (2.25BD) AS t(col)', ['try_avg(col)'], ['decimal(7,6)'], [(Decimal('1.875000'),)]),
    ('SELECT try_avg(col) FROM VALUES (CAST(NULL AS INT)) AS t(col)', ['try_avg(col)'], ['double'], [(None,)]),
    ('SELECT try_sum(col), try_avg(col) FROM VALUES (CAST(1 AS TINYINT)) AS t(col)', ['try_sum(col)', 'try_avg(col)'], ['bigint', 'double'], [(1, 1.0)]),
    ("SELECT try_sum(col) FROM VALUES ('1'), ('2') AS t(col)", ['try_sum(col)'], ['double'], [(3.0,)]),
    ('bitmap_bit_position(1), bitmap_bit_position(32768), bitmap_bit_position(32769), bitmap_bit_position(0), bitmap_bit_position(-1), bitmap_bit_position(-32768), bitmap_bit_position(NULL)', ['bitmap_bit_position(1)', 'bitmap_bit_position(32768)', 'bitmap_bit_position(32769)', 'bitmap_bit_position(0)', 'bitmap_bit_position(-1)', 'bitmap_bit_position(-32768)', 'bitmap_bit_position(NULL)'], ['bigint', 'bigint', 'bigint', 'bigint', 'bigint', 'bigint', 'bigint'], [(0, 32767, 0, 0, 1, 0, None)]),
    ('bitmap_bucket_number(1), bitmap_bucket_number(32768), bitmap_bucket_number(32769), bitmap_bucket_number(0), bitmap_bucket_number(-1), bitmap_bucket_number(-32768), bitmap_bucket_number(-32769)', ['bitmap_bucket_number(1)', 'bitmap_bucket_number(32768)', 'bitmap_bucket_number(32769)', 'bitmap_bucket_number(0)', 'bitmap_bucket_number(-1)', 'bitmap_bucket_number(-32768)', 'bitmap_bucket_number(-32769)'], ['bigint', 'bigint', 'bigint', 'bigint', 'bigint', 'bigint', 'bigint'], [(1, 1, 2, 0, 0, -1, -1)]),
    ('SELECT bitmap_count(bitmap_construct_agg(bitmap_bit_position(col))) FROM VALUES (1), (2), (3) AS t(col)', ['bitmap_count(bitmap_construct_agg(bitmap_bit_position(col)))'], ['bigint'], [(3,)]),
    ('SELECT substring(hex(bitmap_construct_agg(bitmap_bit_position(col))), 0, 6) FROM VALUES (1), (2), (3) AS t(col)', ['substring(hex(bitmap_construct_agg(bitmap_bit_position(col))), 0, 6)'], ['string'], [('070000',)]),
    ('SELECT bitmap_construct_agg(col) FROM VALUES (1), (2), (NULL) AS t(col)', ['bitmap_construct_agg(col)'], ['binary'], [(_bitmap('06'),)]),
    ('SELECT length(bitmap_construct_agg(col)) FROM VALUES (1) AS t(col)', ['length(bitmap_construct_agg(col))'], ['int'], [(4096,)]),
    ('SELECT bitmap_construct_agg(col) FROM VALUES (CAST(NULL AS BIGINT)) AS t(col)', ['bitmap_construct_agg(col)'], ['binary'], [(_bitmap(''),)]),
    ("SELECT bitmap_count(bitmap_or_agg(col)) FROM VALUES (X'10'), (X'20'), (X'40') AS t(col)", ['bitmap_count(bitmap_or_agg(col))'], ['bigint'], [(3,)]),
    ("SELECT substring(hex(bitmap_or_agg(col)), 0, 6) FROM VALUES (X'10'), (X'20'), (X'40') AS t(col)", ['substring(hex(bitmap_or_agg(col)), 0, 6)'], ['string'], [('700000',)]),
    ("SELECT substring(hex(bitmap_and_agg(col)), 0, 6) FROM VALUES (X'F0'), (X'70'), (X'30') AS t(col)", ['substring(hex(bitmap_and_agg(col)), 0, 6)'], ['string'], [('300000',)]),
    ('SELECT bitmap_and_agg(col) FROM VALUES (CAST(NULL AS BINARY)) AS t(col)', ['bitmap_and_agg(col)'], ['binary'], [(_bitmap('', 0xFF),)]),
    ("SELECT length(bitmap_and_agg(col)) FROM VALUES (X'F0') AS t(col)", ['length(bitmap_and_agg(col))'], ['int'], [(4096,)]),
    ("SELECT bitmap_or_agg(col) FROM VALUES (X'10'), (X'2020') AS t(col)", ['bitmap_or_agg(col)'], ['binary'], [(_bitmap('3020'),)]),
]

# (SQL expression, PySpark 4.3's error class)
ERRORS = [
    ('SELECT bitmap_construct_agg(col) FROM VALUES (40000) AS t(col)', 'INVALID_BITMAP_POSITION'),
]


@pytest.mark.parametrize("sql, names, types, rows", CASES, ids=[c[0][:60] for c in CASES])
def test_sql_gives_pysparks_names_types_and_rows(spark, sql, names, types, rows):
    assert_sql_gives(spark, sql, names, types, rows)


@pytest.mark.parametrize("sql, error_class", ERRORS, ids=[e[0][:60] for e in ERRORS])
def test_sql_raises_pysparks_error_class(spark, sql, error_class):
    assert_sql_raises(spark, sql, error_class)
