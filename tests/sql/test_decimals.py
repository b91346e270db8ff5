"""Decimal arithmetic, decimal literals and ANSI mode, against answers checked on PySpark 4."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from ember.sql import functions as F
from ember.sql.errors import ArithmeticException
from ember.sql.expressions.decimals import decimal_arithmetic, decimal_result_type
from ember.sql import types as T


@pytest.fixture
def ansi_off(spark):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    yield spark
    spark.conf.unset("spark.sql.ansi.enabled")


def _pair(spark, a, b, ta: str, tb: str):
    return spark.createDataFrame([(a, b)], f"a {ta}, b {tb}")


def _one(df, *exprs):
    return tuple(df.selectExpr(*exprs).collect()[0])


def test_number_literals_have_spark_types(spark):
    row = spark.sql("select typeof(1.5), typeof(0.05), typeof(.5), typeof(123.450), typeof(1e3), typeof(1.5e0), "
                    "typeof(1.5BD), typeof(100L), typeof(10Y), typeof(10S), typeof(1.5D), typeof(1.5F), "
                    "typeof(12345678901), typeof(-1.5)").collect()[0]
    assert tuple(row) == ("decimal(2,1)", "decimal(2,2)", "decimal(1,1)", "decimal(6,3)", "double", "double",
                          "decimal(2,1)", "bigint", "tinyint", "smallint", "double", "float", "bigint",
                          "decimal(2,1)")


def test_decimal_literal_values_and_names(spark):
    df = spark.sql("select 1.5, 0.05, 123.450, -1.5, 1.5BD, 100L, 10Y")
    assert df.columns == ["1.5", "0.05", "123.450", "-1.5", "1.5", "100", "10"]
    assert tuple(df.collect()[0]) == (Decimal("1.5"), Decimal("0.05"), Decimal("123.450"), Decimal("-1.5"),
                                      Decimal("1.5"), 100, 10)


def test_result_types_and_values_of_the_five_operators(spark):
    df = _pair(spark, Decimal("1.5"), Decimal("2.25"), "decimal(3,1)", "decimal(4,2)")
    out = df.selectExpr("a * b", "a + b", "a - b", "a / b", "a % b")
    assert [f.dataType.simpleString() for f in out.schema] == [
        "decimal(8,3)", "decimal(5,2)", "decimal(5,2)", "decimal(10,6)", "decimal(4,2)"]
    assert tuple(out.collect()[0]) == (Decimal("3.375"), Decimal("3.75"), Decimal("-0.75"), Decimal("0.666667"),
                                       Decimal("1.50"))


def test_division_rounds_half_up_away_from_zero(spark):
    df = _pair(spark, Decimal("2"), Decimal("3"), "decimal(10,2)", "decimal(10,2)")
    out = df.selectExpr("a / b", "-a / b", "typeof(a * b)")
    assert out.schema[0].dataType == T.DecimalType(23, 13)
    assert tuple(out.collect()[0]) == (Decimal("0.6666666666667"), Decimal("-0.6666666666667"), "decimal(21,4)")


def test_precision_loss_keeps_integer_digits_and_rounds(spark):
    df = _pair(spark, Decimal("1.0000005"), Decimal("1"), "decimal(38,7)", "decimal(38,0)")
    out = df.selectExpr("a * b", "-a * b")
    assert out.schema[0].dataType == T.DecimalType(38, 6)
    assert tuple(out.collect()[0]) == (Decimal("1.000001"), Decimal("-1.000001"))
    wide = _pair(spark, Decimal("1.2345678901"), Decimal("2.5"), "decimal(38,10)", "decimal(38,10)")
    assert _one(wide, "a * b", "typeof(a * b)", "b / a") == (Decimal("3.086420"), "decimal(38,6)", Decimal("2.025000"))
    thirds = _pair(spark, Decimal("1"), Decimal("3"), "decimal(38,0)", "decimal(38,0)")
    assert _one(thirds, "a / b", "(a + a) / b", "typeof(a / b)") == (Decimal("0.333333"), Decimal("0.666667"),
                                                                     "decimal(38,6)")
    tiny = _pair(spark, Decimal("0.125"), Decimal("1"), "decimal(38,37)", "decimal(38,37)")
    assert _one(tiny, "a * b", "typeof(a * b)") == (Decimal("0.12500000000000000000000000000000000"),
                                                    "decimal(38,35)")
    mixed = _pair(spark, Decimal("1"), Decimal("0.5"), "decimal(38,0)", "decimal(38,38)")
    assert _one(mixed, "a + b", "typeof(a + b)") == (Decimal("1.500000"), "decimal(38,6)")


def test_integers_become_decimals_of_their_type_or_literal_digits(spark):
    df = spark.createDataFrame([(3, 10, 2, 1, Decimal("1.5"))], "a int, b bigint, c smallint, e tinyint, d decimal(5,2)")
    types = _one(df, "typeof(a * d)", "typeof(b * d)", "typeof(c * d)", "typeof(e * d)", "typeof(a + d)",
                 "typeof(a / d)", "typeof(3 * 1.5)", "typeof(a * 1.5)", "typeof(1.5 * 2L)", "typeof(2147483648 * 1.5)")
    assert types == ("decimal(16,2)", "decimal(26,2)", "decimal(11,2)", "decimal(9,2)", "decimal(13,2)",
                     "decimal(18,6)", "decimal(4,1)", "decimal(13,1)", "decimal(4,1)", "decimal(13,1)")
    assert _one(df, "3 * 1.5", "a * 1.5") == (Decimal("4.5"), Decimal("4.5"))


def test_decimal_with_double_float_or_string_is_double(spark):
    df = spark.createDataFrame([(Decimal("1.25"), 2.0)], "d decimal(5,2), f float")
    assert _one(df, "typeof(d + 1.5D)", "d + 1.5D", "typeof(d * f)", "typeof(d + '1')") == (
        "double", 2.75, "double", "double")


def test_remainder_takes_the_dividends_sign(spark):
    assert tuple(spark.sql("select typeof(7.5 % 2), 7.5 % 2, -7.5 % 2, 7.5 % -2").collect()[0]) == (
        "decimal(2,1)", Decimal("1.5"), Decimal("-1.5"), Decimal("1.5"))


def test_null_operands_give_null_with_spark_types(spark):
    df = _pair(spark, None, Decimal("1"), "decimal(5,2)", "decimal(5,2)")
    out = df.selectExpr("a * b", "a + b", "a / b")
    assert [f.dataType for f in out.schema] == [T.DecimalType(11, 4), T.DecimalType(6, 2), T.DecimalType(13, 8)]
    assert tuple(out.collect()[0]) == (None, None, None)


def test_overflow_raises_under_ansi(spark):
    with pytest.raises(ArithmeticException, match="NUMERIC_VALUE_OUT_OF_RANGE") as info:
        spark.sql("select cast('99999999999999999999999999999999999999' as decimal(38,0)) + 1").collect()
    assert "Decimal(38, 0)" in str(info.value)
    df = spark.createDataFrame([(Decimal("9999999999999999999.9"),)], "a decimal(20,1)")
    with pytest.raises(ArithmeticException, match="NUMERIC_VALUE_OUT_OF_RANGE"):
        df.selectExpr("a * a").collect()


def test_overflow_is_null_without_ansi(ansi_off):
    spark = ansi_off
    assert spark.sql("select cast('99999999999999999999999999999999999999' as decimal(38,0)) + 1").collect()[0][0] is None
    df = spark.createDataFrame([(Decimal("9999999999999999999.9"),), (Decimal("2"),)], "a decimal(20,1)")
    out = df.selectExpr("a * a", "typeof(a * a)")
    assert [tuple(r) for r in out.collect()] == [(None, "decimal(38,2)"), (Decimal("4.00"), "decimal(38,2)")]


def test_division_by_zero_raises_under_ansi(spark):
    with pytest.raises(ArithmeticException, match="DIVIDE_BY_ZERO"):
        spark.sql("select 1.5 / 0").collect()
    with pytest.raises(ArithmeticException, match="REMAINDER_BY_ZERO"):
        spark.sql("select 1.5 % 0").collect()
    df = _pair(spark, Decimal("1"), Decimal("0"), "decimal(5,2)", "decimal(5,2)")
    with pytest.raises(ArithmeticException, match="DIVIDE_BY_ZERO"):
        df.select(F.col("a") / F.col("b")).collect()


def test_division_by_zero_is_null_without_ansi(ansi_off):
    row = ansi_off.sql("select 1.5 / 0, 1.5 % 0, 1 / 0, 1 % 0").collect()[0]
    assert tuple(row) == (None, None, None, None)
    assert ansi_off.sql("select typeof(1.5 / 0)").collect()[0][0] == "decimal(7,6)"


def test_integer_overflow_wraps_without_ansi(ansi_off, spark):
    assert ansi_off.sql("select 2147483647 + 1").collect()[0][0] == -2147483648


def test_sum_and_avg_of_decimals(spark):
    df = spark.createDataFrame([(Decimal("1.25"),), (Decimal("2.5"),), (Decimal("3.33"),), (None,)], "a decimal(10,2)")
    out = df.agg(F.sum("a"), F.avg("a"))
    assert [f.dataType for f in out.schema] == [T.DecimalType(20, 2), T.DecimalType(14, 6)]
    assert tuple(out.collect()[0]) == (Decimal("7.08"), Decimal("2.360000"))
    thirds = spark.createDataFrame([(Decimal(1),), (Decimal(2),), (Decimal(2),)], "a decimal(10,2)")
    assert thirds.agg(F.avg("a")).collect()[0][0] == Decimal("1.666667")
    wide = spark.createDataFrame([(Decimal(1),), (Decimal(2),)], "a decimal(36,2)")
    out = wide.agg(F.avg("a"), F.sum("a"))
    assert [f.dataType for f in out.schema] == [T.DecimalType(38, 6), T.DecimalType(38, 2)]
    assert out.collect()[0][0] == Decimal("1.500000")


def test_dataframe_api_multiplies_decimal_columns(spark):
    df = spark.createDataFrame([(Decimal("2.5"), Decimal("1.5")), (Decimal("-0.5"), Decimal("0.3"))],
                               "a decimal(3,1), b decimal(2,1)")
    out = df.select((F.col("a") * F.col("b")).alias("p"), (F.col("a") + 0).alias("s"))
    assert [f.dataType for f in out.schema] == [T.DecimalType(6, 2), T.DecimalType(4, 1)]  # 0 is decimal(1,0)
    assert [tuple(r) for r in out.collect()] == [(Decimal("3.75"), Decimal("2.5")), (Decimal("-0.15"), Decimal("-0.5"))]


def test_cast_to_decimal_rounds_half_up(spark):
    row = spark.sql("select cast(1.25 as decimal(2,1)), cast(-1.25 as decimal(2,1)), cast('1.255' as decimal(3,2)), "
                    "cast(7 as decimal(3,1))").collect()[0]
    assert tuple(row) == (Decimal("1.3"), Decimal("-1.3"), Decimal("1.26"), Decimal("7.0"))
    with pytest.raises(ArithmeticException, match="NUMERIC_VALUE_OUT_OF_RANGE"):
        spark.sql("select cast(123.4 as decimal(3,1))").collect()


@pytest.mark.parametrize("precision_loss, expected", [
    (True, T.DecimalType(38, 6)), (False, T.DecimalType(38, 18)),
])
def test_precision_loss_setting_changes_division_type(precision_loss, expected):
    # Spark's DecimalPrecision without precision loss splits the excess digits between both sides.
    lt = rt = T.DecimalType(38, 10)
    assert decimal_result_type("divide", lt, rt, precision_loss) == expected


def test_operands_too_wide_for_arrow_fall_back_to_exact_integers():
    import pyarrow as pa

    big = Decimal("9" * 38)
    left = pa.array([big, Decimal(-7)], pa.decimal128(38, 0))
    right = pa.array([Decimal("0.3" + "3" * 36), Decimal("2.0" + "0" * 36)], pa.decimal128(38, 37))
    result = decimal_result_type("multiply", T.DecimalType(38, 0), T.DecimalType(38, 37))
    out = decimal_arithmetic("multiply", left, right, result, ansi=False)
    assert result == T.DecimalType(38, 6)
    # 10^38 / 3 has 38 integer digits, more than decimal(38,6) holds: NULL without ANSI.
    assert out.to_pylist() == [None, Decimal("-14.000000")]
    with pytest.raises(ArithmeticException, match="NUMERIC_VALUE_OUT_OF_RANGE"):
        decimal_arithmetic("multiply", left, right, result, ansi=True)
    quotient = decimal_arithmetic("divide", right, left, T.DecimalType(38, 37), ansi=True)
    assert quotient.to_pylist()[1] == Decimal("-0.2857142857142857142857142857142857143")


# --------------------------------------------------------------------------- property: exact, HALF_UP

from fractions import Fraction  # noqa: E402

import pyarrow as pa  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402


@st.composite
def _decimal_columns(draw):
    precision = draw(st.integers(1, 38))
    scale = draw(st.integers(0, precision))
    unscaled = st.integers(-(10**precision) + 1, 10**precision - 1)
    values = draw(st.lists(st.one_of(st.none(), unscaled), min_size=1, max_size=6))
    return T.DecimalType(precision, scale), [None if v is None else Decimal(f"{v}E-{scale}") for v in values]


def _half_up(x: Fraction, scale: int) -> Decimal:
    scaled = abs(x) * 10**scale
    q = int(scaled + Fraction(1, 2))  # floor(|x| * 10^s + 1/2): ties go away from zero
    return Decimal(f"{q if x >= 0 else -q}E-{scale}")


_OPS = {"add": lambda a, b: a + b, "subtract": lambda a, b: a - b, "multiply": lambda a, b: a * b,
        "divide": lambda a, b: a / b,
        "remainder": lambda a, b: a - b * int(a / b)}  # int() truncates toward zero, as Java does


@settings(max_examples=150, deadline=None)
@given(left=_decimal_columns(), right=_decimal_columns(), op=st.sampled_from(sorted(_OPS)))
def test_decimal_kernels_match_exact_rational_arithmetic(left, right, op):
    (lt, lvalues), (rt, rvalues) = left, right
    n = min(len(lvalues), len(rvalues))
    lvalues, rvalues = lvalues[:n], rvalues[:n]
    if op in ("divide", "remainder"):
        rvalues = [None if v == 0 else v for v in rvalues]
    result = decimal_result_type(op, lt, rt)
    out = decimal_arithmetic(op, pa.array(lvalues, pa.decimal128(lt.precision, lt.scale)),
                             pa.array(rvalues, pa.decimal128(rt.precision, rt.scale)), result, ansi=False)
    expected = []
    for a, b in zip(lvalues, rvalues):
        if a is None or b is None:
            expected.append(None)
            continue
        value = _half_up(_OPS[op](Fraction(a), Fraction(b)), result.scale)
        # copy_abs, not abs(): abs() rounds to the context's 28 digits.
        expected.append(None if value.copy_abs() >= Decimal(f"1E{result.precision - result.scale}") else value)
    assert out.to_pylist() == expected


def test_integral_divide_truncates_to_bigint(spark):
    df = spark.sql("select 7 div 2, -7 div 2, 7.5 div 2, typeof(7.5 div 2)")
    assert df.columns[:2] == ["(7 div 2)", "(-7 div 2)"]
    assert tuple(df.collect()[0]) == (3, -3, 3, "bigint")
    with pytest.raises(ArithmeticException, match="DIVIDE_BY_ZERO"):
        spark.sql("select 1 div 0").collect()


def test_integral_divide_by_zero_is_null_without_ansi(ansi_off):
    assert tuple(ansi_off.sql("select 1 div 0, 7L div 0L, 7.5 div 0").collect()[0]) == (None, None, None)


def test_avg_of_decimals_is_exact_in_one_phase_aggregates_too(spark):
    # count(DISTINCT) makes the whole aggregate single-phase.
    df = spark.createDataFrame([("x", Decimal(1)), ("x", Decimal(2)), ("x", Decimal(2)), ("y", None),
                                ("z", Decimal("-0.01")), ("z", Decimal("-0.02"))], "k string, a decimal(10,2)")
    out = df.groupBy("k").agg(F.avg("a"), F.count_distinct("a")).orderBy("k")
    assert [tuple(r) for r in out.collect()] == [("x", Decimal("1.666667"), 2), ("y", None, 0),
                                                 ("z", Decimal("-0.015000"), 2)]


def test_sum_beyond_38_digits_overflows(spark, ansi_off):
    big = Decimal("6" + "0" * 37)
    rows = [(big,), (big,)]
    with_ansi_off = ansi_off.createDataFrame(rows, "a decimal(38,0)").agg(F.sum("a"))
    assert with_ansi_off.collect()[0][0] is None
    ansi_off.conf.set("spark.sql.ansi.enabled", "true")
    with pytest.raises(ArithmeticException, match="NUMERIC_VALUE_OUT_OF_RANGE"):
        spark.createDataFrame(rows, "a decimal(38,0)").agg(F.sum("a")).collect()


def test_cast_from_double_and_float_rounds_like_spark(spark):
    row = spark.sql("select cast(1.005D as decimal(5,2)), cast(0.125D as decimal(5,2)), cast(-2.5E0 as decimal(2,0)), "
                    "cast(0.1D as decimal(20,19)), cast(1.1F as decimal(10,9))").collect()[0]
    assert tuple(row) == (Decimal("1.01"), Decimal("0.13"), Decimal("-3"), Decimal("0.1000000000000000000"),
                          Decimal("1.100000024"))
    with pytest.raises(ArithmeticException, match="NUMERIC_VALUE_OUT_OF_RANGE"):
        spark.sql("select cast(1e20 as decimal(5,2))").collect()


def test_malformed_string_to_decimal(spark, ansi_off):
    from ember.sql.errors import NumberFormatException

    assert tuple(ansi_off.sql("select cast('abc' as decimal(5,2)), cast(' 1.5 ' as decimal(5,2)), "
                              "cast(1e20 as decimal(5,2)), cast(123.456 as decimal(4,2))").collect()[0]) == (
        None, Decimal("1.50"), None, None)
    ansi_off.conf.set("spark.sql.ansi.enabled", "true")
    with pytest.raises(NumberFormatException, match="The value 'abc' of the type \"STRING\""):
        spark.sql("select cast('abc' as decimal(5,2))").collect()


def test_try_arithmetic_gives_null_where_the_operator_fails(spark):
    df = spark.sql("select try_divide(1.5, 0), try_divide(3, 2), try_mod(3, 0), try_add(2147483647, 1), "
                   "try_multiply(2147483647, 2), try_subtract(1, 2), typeof(try_add(1.5, 1)), "
                   "try_add(date '2020-01-31', interval 1 month)")
    assert df.columns[:2] == ["try_divide(1.5, 0)", "try_divide(3, 2)"]
    assert tuple(df.collect()[0]) == (None, 1.5, None, None, None, -1, "decimal(3,1)", datetime.date(2020, 2, 29))
    rows = spark.createDataFrame([(2147483647, 1), (5, 0), (1, 2)], "a int, b int")
    out = rows.select(F.try_add("a", "b"), F.try_divide("a", "b"))
    assert [tuple(r) for r in out.collect()] == [(None, 2147483647.0), (5, None), (3, 0.5)]


def test_avg_caps_precision_and_scale_at_38_separately(spark):
    df = spark.createDataFrame([(Decimal(1),), (Decimal(2),)], "a decimal(38,10)")
    out = df.agg(F.avg("a"))
    assert out.schema[0].dataType == T.DecimalType(38, 14)
    assert out.collect()[0][0] == Decimal("1.50000000000000")


@pytest.fixture
def no_precision_loss(spark):
    spark.conf.set("spark.sql.decimalOperations.allowPrecisionLoss", "false")
    yield spark
    spark.conf.unset("spark.sql.decimalOperations.allowPrecisionLoss")


def test_without_precision_loss_types_are_capped_at_38(no_precision_loss):
    df = _pair(no_precision_loss, Decimal(1), Decimal(3), "decimal(38,10)", "decimal(38,10)")
    assert _one(df, "typeof(a * b)", "typeof(a / b)", "typeof(a + b)", "a / b", "a * b") == (
        "decimal(38,20)", "decimal(38,18)", "decimal(38,10)", Decimal("0.333333333333333333"),
        Decimal("3.00000000000000000000"))
    small = _pair(no_precision_loss, Decimal(2), Decimal(3), "decimal(10,2)", "decimal(10,2)")
    assert _one(small, "typeof(a / b)", "a / b") == ("decimal(23,13)", Decimal("0.6666666666667"))


def test_round_of_decimals_has_sparks_type_and_carries(spark):
    df = spark.sql("select round(2.345, 2), round(-2.345, 2), round(2.5), round(9.99, 1), round(949.5, -3), "
                   "round(2.345D, 2)")
    assert [f.dataType for f in df.schema] == [T.DecimalType(4, 2), T.DecimalType(4, 2), T.DecimalType(2, 0),
                                               T.DecimalType(3, 1), T.DecimalType(4, 0), T.DoubleType()]
    assert tuple(df.collect()[0]) == (Decimal("2.35"), Decimal("-2.35"), Decimal("3"), Decimal("10.0"),
                                      Decimal("1000"), 2.35)


def test_floor_and_ceil_of_decimals_carry_into_a_new_digit(spark):
    row = spark.sql("select ceil(9.9), floor(-9.9), ceil(cast(99.99 as decimal(4,2))), floor(1.5), ceil(-1.5)").collect()[0]
    assert tuple(row) == (Decimal("10"), Decimal("-10"), Decimal("100"), Decimal("1"), Decimal("-1"))


def test_cast_from_decimal_truncates_toward_zero(spark):
    row = spark.sql("select cast(1.5 as int), cast(-1.5 as int), cast(1.5 as double), cast(1.50 as string), "
                    "cast(-0.5 as bigint), cast(2.99 as tinyint), cast(0.10 as float)").collect()[0]
    assert tuple(row) == (1, -1, 1.5, "1.50", 0, 2, 0.10000000149011612)
    with pytest.raises(ArithmeticException, match="CAST_OVERFLOW"):
        spark.sql("select cast(cast(1e10 as decimal(11,0)) as int)").collect()


def test_cast_from_decimal_wraps_without_ansi(ansi_off):
    # Spark's legacy cast keeps the low bits, as Java's narrowing does.
    row = ansi_off.sql("select cast(cast(1e10 as decimal(11,0)) as int), cast(-2147483648.9 as int)").collect()[0]
    assert tuple(row) == (1410065408, -2147483648)


def test_try_cast_gives_null_for_what_cast_rejects(spark):
    df = spark.sql("select try_cast('abc' as int), try_cast('12' as int), try_cast('1.255' as decimal(3,2)), "
                   "try_cast(1e20 as decimal(5,2)), try_cast('2020-13-01' as date)")
    assert df.columns[:2] == ["TRY_CAST(abc AS INT)", "TRY_CAST(12 AS INT)"]
    assert tuple(df.collect()[0]) == (None, 12, Decimal("1.26"), None, None)
    rows = spark.createDataFrame([("1.5",), ("x",), (None,)], "s string")
    assert [r[0] for r in rows.selectExpr("try_cast(s as decimal(2,1))").collect()] == [Decimal("1.5"), None, None]


def test_settings_come_from_the_session_that_analyses(spark, ansi_off):
    from ember.sql import SparkSession

    other = SparkSession(spark.sparkContext)  # now the active session, with ANSI mode on
    try:
        assert ansi_off.sql("select 1 / 0").collect()[0][0] is None
        with pytest.raises(ArithmeticException, match="DIVIDE_BY_ZERO"):
            other.sql("select 1 / 0").collect()
    finally:
        SparkSession._active = spark


def test_mod_and_pmod(spark):
    df = spark.sql("select mod(7.5, 2), pmod(-7.5, 2), pmod(-7, 3), pmod(7, -3), pmod(-7, -3), pmod(null, 2)")
    assert df.columns[1] == "pmod(-7.5, 2)"  # mod(...) reaches us from sqlglot as the % operator
    assert df.schema[1].dataType == T.DecimalType(2, 1)
    assert tuple(df.collect()[0]) == (Decimal("1.5"), Decimal("0.5"), 2, 1, -1, None)
    named = spark.range(1).select(F.mod(F.lit(7), F.lit(2)), F.pmod(F.lit(-7), F.lit(3)))
    assert named.columns == ["mod(7, 2)", "pmod(-7, 3)"]
    assert tuple(named.collect()[0]) == (1, 2)


def test_malformed_strings_cast_to_null_without_ansi(ansi_off):
    row = ansi_off.sql("select cast('abc' as int), cast(' 12 ' as int), cast('2020-13-01' as date), "
                       "cast('x' as double), cast('1.5' as decimal(3,1))").collect()[0]
    assert tuple(row) == (None, 12, None, None, Decimal("1.5"))


def test_malformed_cast_names_the_value(spark):
    from ember.sql.errors import NumberFormatException

    df = spark.createDataFrame([("1",), ("x3",)], "s string")
    with pytest.raises(NumberFormatException, match="The value 'x3' of the type \"STRING\" cannot be cast to \"INT\""):
        df.selectExpr("cast(s as int)").collect()


def test_a_long_sum_past_the_long_range_fails_as_pysparks_and_wraps_with_ansi_off(spark):
    df = spark.createDataFrame([(2**62,), (2**62,), (None,)], "x LONG")
    for query in (df.agg(F.sum("x")), df.groupBy(F.lit(1)).agg(F.sum("x"))):
        with pytest.raises(ArithmeticException) as info:
            query.collect()
        # PySpark 4.3's text for the same input:
        assert str(info.value).startswith("[ARITHMETIC_OVERFLOW] overflow. Use 'try_add' to tolerate overflow")
    assert df.filter("x IS NULL OR x < 0").agg(F.sum("x")).collect()[0][0] is None
    assert spark.createDataFrame([(2**62,), (2**62 - 1,), (-5,)], "x LONG").agg(F.sum("x")).collect()[0][0] \
        == 2**63 - 6
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        assert df.agg(F.sum("x")).collect()[0][0] == -(2**63)
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "true")
