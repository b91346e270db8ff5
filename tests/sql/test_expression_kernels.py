"""Expression kernels, tested where they live: each evaluated directly on an Arrow batch.

Null propagation, three-valued logic, and what overflow and division by zero do in ANSI mode
(an error, Spark 4's default) and in legacy mode (wrap-around or NULL), per type. Expected
values follow Spark's documented semantics and Java's two's-complement arithmetic.
"""

from __future__ import annotations

import decimal

import pyarrow as pa
import pytest

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.errors import ArithmeticException

INT_MAX, LONG_MAX = 2**31 - 1, 2**63 - 1


def _column(values: list, data_type: T.DataType, arrow_type: pa.DataType, ordinal: int) -> tuple:
    return pa.array(values, arrow_type), E.BoundReference(ordinal, data_type, True, f"c{ordinal}")


def _eval(expr: E.Expression, *arrays: pa.Array) -> list:
    batch = pa.RecordBatch.from_arrays(list(arrays), [f"c{i}" for i in range(len(arrays))])
    return E.as_array(expr.eval(batch), batch.num_rows).to_pylist()


def _ints(left: list, right: list, data_type=T.IntegerType(), arrow_type=pa.int32()):
    a, x = _column(left, data_type, arrow_type, 0)
    b, y = _column(right, data_type, arrow_type, 1)
    return (a, b), x, y


@pytest.mark.parametrize("operator", [E.Add, E.Subtract, E.Multiply, E.Divide, E.Remainder])
def test_arithmetic_with_a_null_operand_is_null(operator):
    arrays, x, y = _ints([1, None, None], [None, 2, None])
    assert _eval(operator(x, y, ansi=True), *arrays) == [None, None, None]


@pytest.mark.parametrize("ansi, expected", [(False, [-(2**31)]), (True, ArithmeticException)])
def test_int_addition_overflow_wraps_in_legacy_mode_and_fails_in_ansi(ansi, expected):
    arrays, x, y = _ints([INT_MAX], [1])
    if expected is ArithmeticException:
        with pytest.raises(ArithmeticException) as caught:
            _eval(E.Add(x, y, ansi=ansi), *arrays)
        assert caught.value.getCondition() == "ARITHMETIC_OVERFLOW"
    else:
        assert _eval(E.Add(x, y, ansi=ansi), *arrays) == expected


@pytest.mark.parametrize("ansi", [False, True])
def test_long_multiplication_overflow(ansi):
    arrays, x, y = _ints([LONG_MAX, 3], [2, 4], T.LongType(), pa.int64())
    if ansi:
        with pytest.raises(ArithmeticException, match="ARITHMETIC_OVERFLOW"):
            _eval(E.Multiply(x, y, ansi=True), *arrays)
    else:
        assert _eval(E.Multiply(x, y, ansi=False), *arrays) == [-2, 12]  # Java: Long.MAX_VALUE * 2 == -2


@pytest.mark.parametrize("operator, error_class, expected", [
    (E.Divide, "DIVIDE_BY_ZERO", 3.5), (E.Remainder, "REMAINDER_BY_ZERO", 1.0)])
def test_division_by_zero_is_null_in_legacy_mode_and_an_error_in_ansi(operator, error_class, expected):
    # The analyzer casts "/"'s operands to double; the kernel sees doubles.
    arrays, x, y = _ints([7.0, 7.0], [0.0, 2.0], T.DoubleType(), pa.float64())
    assert _eval(operator(x, y, ansi=False), *arrays) == [None, expected]
    with pytest.raises(ArithmeticException) as caught:
        _eval(operator(x, y, ansi=True), *arrays)
    assert caught.value.getCondition() == error_class


def test_remainder_takes_the_sign_of_the_dividend_as_java_does():
    arrays, x, y = _ints([-7, 7, -7], [2, -2, -2])
    assert _eval(E.Remainder(x, y, ansi=True), *arrays) == [-1, 1, -1]


def test_integer_remainder_by_zero_is_null_in_legacy_mode():
    arrays, x, y = _ints([7, None], [0, 0])
    assert _eval(E.Remainder(x, y, ansi=False), *arrays) == [None, None]


def test_decimal_addition_is_exact():
    dt = T.DecimalType(10, 2)
    a, x = _column([decimal.Decimal("0.10"), None], dt, pa.decimal128(10, 2), 0)
    b, y = _column([decimal.Decimal("0.20"), decimal.Decimal("1.00")], dt, pa.decimal128(10, 2), 1)
    out = _eval(E.Add(x, y, ansi=True), a, b)
    assert out == [decimal.Decimal("0.30"), None]


def _bools(values: list, ordinal: int):
    return _column(values, T.BooleanType(), pa.bool_(), ordinal)


# Every pair of TRUE, FALSE and NULL: SQL's three-valued (Kleene) logic.
LEFT = [True, True, True, False, False, False, None, None, None]
RIGHT = [True, False, None] * 3


def test_and_is_false_if_either_side_is_false_even_beside_null():
    (a, x), (b, y) = _bools(LEFT, 0), _bools(RIGHT, 1)
    assert _eval(E.And(x, y), a, b) == [True, False, None, False, False, False, None, False, None]


def test_or_is_true_if_either_side_is_true_even_beside_null():
    (a, x), (b, y) = _bools(LEFT, 0), _bools(RIGHT, 1)
    assert _eval(E.Or(x, y), a, b) == [True, True, True, True, False, None, True, None, None]


def test_not_null_is_null():
    a, x = _bools([True, False, None], 0)
    assert _eval(E.Not(x), a) == [False, True, None]


def test_comparison_with_null_is_null_but_null_safe_equality_is_never_null():
    arrays, x, y = _ints([1, None, None, 2], [1, 1, None, 3])
    assert _eval(E.EqualTo(x, y), *arrays) == [True, None, None, False]
    assert _eval(E.EqualNullSafe(x, y), *arrays) == [True, False, True, False]


def test_in_list_with_a_null_member_is_null_when_no_member_matches():
    a, x = _column([1, 5, None], T.IntegerType(), pa.int32(), 0)
    members = (E.Literal.of(1), E.Literal(None, T.IntegerType()))
    assert _eval(E.In(x, members), a) == [True, None, None]


def test_coalesce_takes_the_first_non_null():
    arrays, x, y = _ints([None, 1, None], [2, 3, None])
    assert _eval(E.Coalesce((x, y)), *arrays) == [2, 1, None]


def test_is_null_and_is_not_null_are_never_null():
    a, x = _column([1, None], T.IntegerType(), pa.int32(), 0)
    assert _eval(E.IsNull(x), a) == [False, True]
    assert _eval(E.IsNotNull(x), a) == [True, False]
