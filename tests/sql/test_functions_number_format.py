"""to_char/to_varchar and to_number/try_to_number with Spark's number formats: every expected
name, type, value and error class was captured from PySpark 4.3 on the same SQL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.sql.captured_cases import assert_sql_gives, assert_sql_raises


# (SQL expression, PySpark 4.3's column names, types and rows for SELECT <expression>)
CASES = [
    ("to_char(454, '999')", ['to_char(454, 999)'], ['string'], [('454',)]),
    ("to_char(454.00, '000D00')", ['to_char(454.00, 000D00)'], ['string'], [('454.00',)]),
    ("to_char(12454, '99G999')", ['to_char(12454, 99G999)'], ['string'], [('12,454',)]),
    ("to_char(78.12, '$99.99')", ['to_char(78.12, $99.99)'], ['string'], [('$78.12',)]),
    ("to_char(-12454.8, '99G999D9S')", ['to_char(-12454.8, 99G999D9S)'], ['string'], [('12,454.8-',)]),
    ("to_char(-12454.8, '99G999D9MI')", ['to_char(-12454.8, 99G999D9MI)'], ['string'], [('12,454.8-',)]),
    ("to_char(-12454.8, '99G999D9PR')", ['to_char(-12454.8, 99G999D9PR)'], ['string'], [('<12,454.8>',)]),
    ("to_char(12454.8, '99G999D9PR')", ['to_char(12454.8, 99G999D9PR)'], ['string'], [('12,454.8  ',)]),
    ("to_char(454, '99')", ['to_char(454, 99)'], ['string'], [('##',)]),
    ("to_char(CAST(NULL AS INT), '999')", ['to_char(CAST(NULL AS INT), 999)'], ['string'], [(None,)]),
    ("to_char(12.5, '0000.000')", ['to_char(12.5, 0000.000)'], ['string'], [('0012.500',)]),
    ("to_char(-5, 'S999')", ['to_char(-5, S999)'], ['string'], [('  -5',)]),
    ("to_char(5, 'S999')", ['to_char(5, S999)'], ['string'], [('  +5',)]),
    ("to_char(5, '999MI')", ['to_char(5, 999MI)'], ['string'], [('  5 ',)]),
    ("to_char(0.5, '9.99')", ['to_char(0.5, 9.99)'], ['string'], [('0.50',)]),
    ("to_char(0.5, '0.99')", ['to_char(0.5, 0.99)'], ['string'], [('0.50',)]),
    ("to_char(1234567, '9,999,999')", ['to_char(1234567, 9,999,999)'], ['string'], [('1,234,567',)]),
    ("to_char(CAST(454 AS BIGINT), '999')", ['to_char(CAST(454 AS BIGINT), 999)'], ['string'], [('454',)]),
    ("to_char(CAST(4.5 AS DOUBLE), '9.9')", ['to_char(CAST(4.5 AS DOUBLE), 9.9)'], ['string'], [('4.5',)]),
    ("to_varchar(454, '999')", ['to_char(454, 999)'], ['string'], [('454',)]),
    ("to_number('454', '999')", ['to_number(454, 999)'], ['decimal(3,0)'], [(Decimal('454'),)]),
    ("to_number('454.00', '000.00')", ['to_number(454.00, 000.00)'], ['decimal(5,2)'], [(Decimal('454.00'),)]),
    ("to_number('12,454', '99,999')", ['to_number(12,454, 99,999)'], ['decimal(5,0)'], [(Decimal('12454'),)]),
    ("to_number('$78.12', '$99.99')", ['to_number($78.12, $99.99)'], ['decimal(4,2)'], [(Decimal('78.12'),)]),
    ("to_number('12,454.8-', '99,999.9S')", ['to_number(12,454.8-, 99,999.9S)'], ['decimal(6,1)'], [(Decimal('-12454.8'),)]),
    ("to_number('<12,454.8>', '99,999.9PR')", ['to_number(<12,454.8>, 99,999.9PR)'], ['decimal(6,1)'], [(Decimal('-12454.8'),)]),
    ("to_number('12,454.8-', '99,999.9MI')", ['to_number(12,454.8-, 99,999.9MI)'], ['decimal(6,1)'], [(Decimal('-12454.8'),)]),
    ("to_number('-454', 'S999')", ['to_number(-454, S999)'], ['decimal(3,0)'], [(Decimal('-454'),)]),
    ("try_to_number('abc', '999')", ['try_to_number(abc, 999)'], ['decimal(3,0)'], [(None,)]),
    ("try_to_number('454', '999')", ['try_to_number(454, 999)'], ['decimal(3,0)'], [(Decimal('454'),)]),
    ("to_number('4', '999')", ['to_number(4, 999)'], ['decimal(3,0)'], [(Decimal('4'),)]),
    ("to_number(' 454', '999')", ['to_number( 454, 999)'], ['decimal(3,0)'], [(Decimal('454'),)]),
    ("to_number('0454', '9999')", ['to_number(0454, 9999)'], ['decimal(4,0)'], [(Decimal('454'),)]),
    ("to_number('1,2', '9,9')", ['to_number(1,2, 9,9)'], ['decimal(2,0)'], [(Decimal('12'),)]),
    ("to_number(NULL, '999')", ['to_number(NULL, 999)'], ['decimal(3,0)'], [(None,)]),
]

# (SQL expression, PySpark 4.3's error class)
ERRORS = [
    ("to_char(454, '9.9.9')", 'INVALID_FORMAT.WRONG_NUM_TOKEN'),
    ("to_number('454', '99')", 'INVALID_FORMAT.MISMATCH_INPUT'),
    ("to_number('abc', '999')", 'INVALID_FORMAT.MISMATCH_INPUT'),
    ("to_number('454', '0000')", 'INVALID_FORMAT.MISMATCH_INPUT'),
    ("to_number('5', 'x99')", 'INVALID_FORMAT.UNEXPECTED_TOKEN'),
]


@pytest.mark.parametrize("sql, names, types, rows", CASES, ids=[c[0][:60] for c in CASES])
def test_sql_gives_pysparks_names_types_and_rows(spark, sql, names, types, rows):
    assert_sql_gives(spark, sql, names, types, rows)


@pytest.mark.parametrize("sql, error_class", ERRORS, ids=[e[0][:60] for e in ERRORS])
def test_sql_raises_pysparks_error_class(spark, sql, error_class):
    assert_sql_raises(spark, sql, error_class)
