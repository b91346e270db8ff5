"""ANSI intervals: literals and the arithmetic of dates, timestamps and intervals.

Spark 4 has two interval families: year-month (``YearMonthIntervalType``, a count of months,
stored as int32) and day-time (``DayTimeIntervalType``, microseconds, stored as an Arrow
``duration("us")``). A literal's type spans the fields it names (``INTERVAL '1 02' DAY TO
HOUR``); the two families never mix.

``+``/``-`` with a date, timestamp or interval operand are rewritten at analysis
(``datetime_arithmetic``) as Spark does:

=================================  =======================================  ===========
expression                         becomes                                  type
=================================  =======================================  ===========
date ± int                         ``date_add``/``date_sub``                date
date ± INTERVAL n DAY              ``date_add(d, [-]extractansiintervaldays)``  date
date ± other day-time interval     timestamp arithmetic                     timestamp
date/timestamp ± year-month        month arithmetic, day clamped to the     same
                                   month's last day (Jan 31 + 1 month =
                                   Feb 29 in 2020)
timestamp ± day-time interval      microsecond arithmetic                   timestamp
date - date                        days between                             interval day
timestamp - timestamp              microseconds between                     interval day to second
interval ± interval (same family)  sum                                      widened fields
interval * number, interval / num  months or microseconds, HALF_UP          the family's widest
=================================  =======================================  ===========

``EXTRACT`` of an interval's fields is ``IntervalField``; ``format_interval`` gives the SQL text
Spark uses for interval values in column names and ``show()``.
"""

from __future__ import annotations

import datetime
import decimal
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException, ParseException
from ember.sql.expressions.base import ArrowValue, Expression, as_array
from ember.sql.expressions.calendar import days_from_civil, days_in_month
from ember.sql.expressions.coercion import cast_if_needed

if TYPE_CHECKING:
    from ember.sql.expressions.arithmetic import BinaryArithmetic
    from ember.sql.expressions.literals import Literal

__all__ = ["interval_literal", "unit_pairs_literal", "combine_interval_literals", "format_interval", "datetime_arithmetic",
           "ExtractAnsiIntervalDays", "AddYearMonthInterval", "AddDayTimeInterval", "DatetimeDifference",
           "IntervalArithmetic", "IntervalTimesNumber", "IntervalField", "add_months_to_days"]

MICROS_PER_SECOND = 1_000_000
MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND
_DAY_TIME_MICROS = {"day": MICROS_PER_DAY, "hour": 3_600 * MICROS_PER_SECOND, "minute": 60 * MICROS_PER_SECOND,
                    "second": MICROS_PER_SECOND}
_UNIT_ALIASES = {"week": ("day", 7), "millisecond": ("second", decimal.Decimal("0.001")),
                 "microsecond": ("second", decimal.Decimal("0.000001"))}


# --------------------------------------------------------------------------- literals


def _unit(name: str) -> str:
    unit = name.lower()
    return unit[:-1] if unit.endswith("s") and unit != "s" else unit


def _bad_interval(text: str, why: str) -> ParseException:
    return ParseException("INVALID_INTERVAL_FORMAT", f"Error parsing interval '{text}': {why}.")


def interval_literal(text: str, start_unit: str, end_unit: str | None = None) -> Literal:
    """The literal ``INTERVAL 'text' start_unit [TO end_unit]``."""
    from ember.sql.expressions.literals import Literal

    start = _unit(start_unit)
    end = _unit(end_unit) if end_unit else None
    if end is None:
        start, factor = _UNIT_ALIASES.get(start, (start, 1))
        try:
            number = decimal.Decimal(text.strip()) * factor
        except decimal.InvalidOperation:
            raise _bad_interval(text, f"'{text}' is not a number of {start_unit.lower()}s") from None
        if start in ("year", "month"):
            if number != number.to_integral_value():
                raise _bad_interval(text, f"{start_unit.lower()} must be a whole number")
            months = int(number) * (12 if start == "year" else 1)
            field = T.YearMonthIntervalType._fields.index(start)
            return Literal(months, T.YearMonthIntervalType(field, field))
        if start not in _DAY_TIME_MICROS:
            raise ParseException("INVALID_INTERVAL_FORMAT", f"Unknown interval unit {start_unit!r}.")
        micros = number * _DAY_TIME_MICROS[start]
        if micros != micros.to_integral_value():
            raise _bad_interval(text, "more than microsecond precision")
        field = T.DayTimeIntervalType._fields.index(start)
        return Literal(datetime.timedelta(microseconds=int(micros)), T.DayTimeIntervalType(field, field))
    return _span_literal(text, start, end)


def _span_literal(text: str, start: str, end: str) -> Literal:
    from ember.sql.expressions.literals import Literal

    body = text.strip()
    sign = -1 if body.startswith("-") else 1
    body = body.lstrip("+-")
    if (start, end) == ("year", "month"):
        m = re.fullmatch(r"(\d+)-(\d+)", body)
        if not m or int(m.group(2)) > 11:
            raise _bad_interval(text, "expected 'y-m' for YEAR TO MONTH")
        return Literal(sign * (int(m.group(1)) * 12 + int(m.group(2))), T.YearMonthIntervalType(0, 1))
    fields = T.DayTimeIntervalType._fields
    if start not in fields or end not in fields or fields.index(start) >= fields.index(end):
        raise ParseException("INVALID_INTERVAL_FORMAT", f"Unsupported interval range {start.upper()} TO {end.upper()}.")
    names = fields[fields.index(start): fields.index(end) + 1]
    pattern = ""
    for i, name in enumerate(names):
        if i:
            pattern += " " if names[i - 1] == "day" else ":"
        pattern += r"(\d+(?:\.\d{1,6})?)" if name == "second" else r"(\d+)"
    m = re.fullmatch(pattern, body)
    if not m:
        raise _bad_interval(text, f"it does not match {start.upper()} TO {end.upper()}")
    for name, v in list(zip(names, m.groups()))[1:]:  # only the leading field may overflow its unit
        if decimal.Decimal(v) >= _FIELD_LIMITS[name]:
            raise _bad_interval(text, f"{name} {v} outside range [0, {_FIELD_LIMITS[name] - 1}]")
    micros = sum(decimal.Decimal(v) * _DAY_TIME_MICROS[n] for n, v in zip(names, m.groups()))
    return Literal(datetime.timedelta(microseconds=sign * int(micros)),
                   T.DayTimeIntervalType(fields.index(start), fields.index(end)))


_FIELD_LIMITS = {"hour": 24, "minute": 60, "second": 60}


def unit_pairs_literal(text: str) -> Literal:
    """``INTERVAL '1 day 2 hours'``: number-unit pairs inside the string, one family only."""
    pairs = re.findall(r"([+-]?\d+(?:\.\d+)?)\s+([A-Za-z]+)", text)
    if not pairs or re.sub(r"([+-]?\d+(?:\.\d+)?)\s+([A-Za-z]+)", "", text).strip():
        raise _bad_interval(text, "expected pairs of a number and a unit")
    literal = interval_literal(*pairs[0])
    for number, unit in pairs[1:]:
        literal = combine_interval_literals(literal, interval_literal(number, unit))
    return literal


def combine_interval_literals(left: Literal, right: Literal) -> Literal:
    """``INTERVAL 1 DAY 2 HOURS``: one literal spanning both units' fields."""
    from ember.sql.expressions.literals import Literal

    lt, rt = left.dtype, right.dtype
    if type(lt) is not type(rt):
        raise ParseException("INVALID_INTERVAL_FORMAT",
                             "Cannot mix year-month and day-time fields in one interval literal.")
    dtype = type(lt)(min(lt.startField, rt.startField), max(lt.endField, rt.endField))
    return Literal(left.value + right.value, dtype)


def format_interval(value: int | datetime.timedelta, dtype: T.DataType) -> str:
    """Spark's SQL text for an interval literal, e.g. ``INTERVAL '2 10:00:00' DAY TO SECOND``."""
    fields = dtype._fields
    start, end = fields[dtype.startField], fields[dtype.endField]
    units = start.upper() if start == end else f"{start.upper()} TO {end.upper()}"
    if isinstance(dtype, T.YearMonthIntervalType):
        sign, months = ("-" if value < 0 else ""), abs(value)
        text = {"year": f"{months // 12}", "month": f"{months}"}[start] if start == end else f"{months // 12}-{months % 12}"
        return f"INTERVAL '{sign}{text}' {units}"
    micros = value // datetime.timedelta(microseconds=1)
    sign, rest = ("-" if micros < 0 else ""), abs(micros)
    parts = []
    for name in fields[dtype.startField: dtype.endField + 1]:
        if name == "second":
            seconds = decimal.Decimal(rest).scaleb(-6).normalize()
            text = f"{seconds:f}"
            parts.append(("0" if rest < 10 * MICROS_PER_SECOND else "") + text)
            continue
        amount, rest = divmod(rest, _DAY_TIME_MICROS[name])
        parts.append(f"{amount}" if name == "day" else f"{amount:02d}")
    text = ""
    for name, part in zip(fields[dtype.startField:], parts):
        text += part if not text else (":" if name != "hour" else " ") + part
    return f"INTERVAL '{sign}{text}' {units}"


# --------------------------------------------------------------------------- calendar arithmetic


def add_months_to_days(days: pa.Array, months: ArrowValue) -> pa.Array:
    """Dates (days since the epoch, int32) plus whole months, the day clamped to the month's end."""
    as_date = pc.cast(days, pa.date32())
    y = pc.fill_null(pc.year(as_date), 1970).to_numpy().astype(np.int64)
    m = pc.fill_null(pc.month(as_date), 1).to_numpy().astype(np.int64)
    d = pc.fill_null(pc.day(as_date), 1).to_numpy().astype(np.int64)
    if isinstance(months, pa.Scalar):
        n = np.int64(months.as_py() or 0)
        missing = pc.is_null(days) if months.is_valid else pa.array(np.ones(len(days), bool))
    else:
        n = pc.fill_null(months, 0).to_numpy().astype(np.int64)
        missing = pc.or_(pc.is_null(days), pc.is_null(months))
    total = y * 12 + (m - 1) + n
    ny, nm = np.floor_divide(total, 12), np.mod(total, 12) + 1
    nd = np.minimum(d, days_in_month(ny, nm))
    out = days_from_civil(ny, nm, nd)
    return pa.array(out, pa.int64(), mask=missing.to_numpy(zero_copy_only=False))


def _length(*values: ArrowValue) -> int:
    for v in values:
        if not isinstance(v, pa.Scalar):
            return len(v)
    return 1


def _floor_divide(values: ArrowValue, divisor: int) -> ArrowValue:
    """Integer division rounding toward negative infinity (Arrow's ``divide`` truncates)."""
    quotient = pc.divide(values, divisor)
    inexact = pc.not_equal(pc.multiply(quotient, divisor), values)
    return pc.if_else(pc.and_(pc.less(values, 0), inexact), pc.subtract(quotient, 1), quotient)


def _rescalar(result: pa.Array, values: tuple) -> ArrowValue:
    return result[0] if all(isinstance(v, pa.Scalar) for v in values) else result


# --------------------------------------------------------------------------- nodes


@dataclass(frozen=True, slots=True)
class ExtractAnsiIntervalDays(Expression):
    """The whole days of a day-time interval (Spark's ``extractansiintervaldays``)."""

    child: Expression

    child_fields = ("child",)

    @property
    def data_type(self) -> T.DataType:
        return T.IntegerType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        micros = pc.cast(self.child.eval(batch), pa.int64())
        return pc.cast(pc.divide(micros, MICROS_PER_DAY), pa.int32())


@dataclass(frozen=True, slots=True)
class AddYearMonthInterval(Expression):
    """``start ± interval`` for a year-month interval: a date or timestamp a whole number of months away."""

    start: Expression
    interval: Expression
    sign: int = 1

    child_fields = ("start", "interval")

    @property
    def data_type(self) -> T.DataType:
        return self.start.data_type

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        start, months = self.start.eval(batch), self.interval.eval(batch)
        if self.sign < 0:
            months = pc.negate_checked(months)
        values = as_array(start, _length(start, months))
        if isinstance(self.data_type, T.DateType):
            out = add_months_to_days(pc.cast(values, pa.int32()), months)
            return _rescalar(pc.cast(pc.cast(out, pa.int32()), pa.date32()), (start, months))
        micros = pc.cast(values, pa.int64())
        days = _floor_divide(micros, MICROS_PER_DAY)
        time_of_day = pc.subtract(micros, pc.multiply(days, MICROS_PER_DAY))
        moved = add_months_to_days(pc.cast(days, pa.int32()), months)
        out = pc.add(pc.multiply(moved, MICROS_PER_DAY), time_of_day)
        return _rescalar(pc.cast(out, pa.timestamp("us")), (start, months))

    def _fmt(self, args: list[str]) -> str:
        return f"{args[0]} {'+' if self.sign > 0 else '-'} {args[1]}"


@dataclass(frozen=True, slots=True)
class AddDayTimeInterval(Expression):
    """``start ± interval`` for a day-time interval on a timestamp (a date is read as its midnight)."""

    start: Expression
    interval: Expression
    sign: int = 1

    child_fields = ("start", "interval")

    @property
    def data_type(self) -> T.DataType:
        return T.TimestampType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        start = self.start.eval(batch)
        if isinstance(self.start.data_type, T.DateType):
            start = pc.cast(start, pa.timestamp("us"))
        kernel = pc.add_checked if self.sign > 0 else pc.subtract_checked
        return kernel(start, self.interval.eval(batch))

    def _fmt(self, args: list[str]) -> str:
        return f"{args[0]} {'+' if self.sign > 0 else '-'} {args[1]}"


@dataclass(frozen=True, slots=True)
class DatetimeDifference(Expression):
    """``end - start`` of two dates (an ``interval day``) or timestamps (``interval day to second``)."""

    end: Expression
    start: Expression

    child_fields = ("end", "start")

    @property
    def data_type(self) -> T.DataType:
        if isinstance(self.end.data_type, T.DateType):
            return T.DayTimeIntervalType(0, 0)
        return T.DayTimeIntervalType(0, 3)

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        end, start = self.end.eval(batch), self.start.eval(batch)
        if isinstance(self.end.data_type, T.DateType):
            days = pc.subtract(pc.cast(pc.cast(end, pa.int32()), pa.int64()), pc.cast(pc.cast(start, pa.int32()), pa.int64()))
            return pc.cast(pc.multiply(days, MICROS_PER_DAY), pa.duration("us"))
        return pc.subtract(end, start)

    def _fmt(self, args: list[str]) -> str:
        return f"({args[0]} - {args[1]})"


# --------------------------------------------------------------------------- analysis


def _is_interval(dt: T.DataType) -> bool:
    return isinstance(dt, (T.YearMonthIntervalType, T.DayTimeIntervalType))


def _is_datetime(dt: T.DataType) -> bool:
    return isinstance(dt, (T.DateType, T.TimestampType, T.TimestampNTZType))


def datetime_arithmetic(expr: BinaryArithmetic) -> Expression | None:
    """The node Spark evaluates ``expr`` as when an operand is a date, timestamp or interval;
    ``None`` when it is plain arithmetic."""
    from ember.sql.expressions import arithmetic as A
    from ember.sql.expressions.datetime import DateAdd, DateSub

    left, right = expr.left, expr.right
    lt, rt = left.data_type, right.data_type
    if not (_is_interval(lt) or _is_interval(rt) or _is_datetime(lt) or _is_datetime(rt)):
        return None
    adding = isinstance(expr, A.Add)
    if adding and (_is_interval(lt) or isinstance(lt, T.IntegralType)) and _is_datetime(rt):
        left, right, lt, rt = right, left, rt, lt
    if isinstance(expr, A.Multiply) and _is_interval(rt) and isinstance(lt, T.NumericType):
        left, right, lt, rt = right, left, rt, lt
    if isinstance(expr, (A.Multiply, A.Divide)) and _is_interval(lt) and isinstance(rt, T.NumericType):
        return IntervalTimesNumber(left, right, isinstance(expr, A.Divide))
    if isinstance(expr, (A.Add, A.Subtract)):
        sign = 1 if adding else -1
        if _is_datetime(lt) and isinstance(rt, T.YearMonthIntervalType):
            return AddYearMonthInterval(left, right, sign)
        if _is_datetime(lt) and isinstance(rt, T.DayTimeIntervalType):
            if isinstance(lt, T.DateType) and rt.endField == T.DayTimeIntervalType.DAY:
                days: Expression = ExtractAnsiIntervalDays(right)
                return DateAdd(left, days if adding else A.UnaryMinus(days)).coerce()
            return AddDayTimeInterval(left, right, sign)
        if isinstance(lt, T.DateType) and isinstance(rt, T.IntegralType):
            return (DateAdd if adding else DateSub)(left, right).coerce()
        if not adding and _is_datetime(lt) and _is_datetime(rt):
            if isinstance(lt, T.DateType) and isinstance(rt, T.DateType):
                return DatetimeDifference(left, right)
            return DatetimeDifference(cast_if_needed(left, T.TimestampType()), cast_if_needed(right, T.TimestampType()))
        if _is_interval(lt) and type(lt) is type(rt):
            return IntervalArithmetic(left, right, sign)
    raise AnalysisException(
        "DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE",
        f"Cannot resolve \"{expr.sql()}\" due to data type mismatch: the binary operator "
        f"{expr.symbol} does not support \"{lt.simpleString().upper()}\" and \"{rt.simpleString().upper()}\".",
    )


@dataclass(frozen=True, slots=True)
class IntervalArithmetic(Expression):
    """``a ± b`` for two intervals of one family; the type spans both operands' fields."""

    left: Expression
    right: Expression
    sign: int = 1

    child_fields = ("left", "right")

    @property
    def data_type(self) -> T.DataType:
        lt, rt = self.left.data_type, self.right.data_type
        return type(lt)(min(lt.startField, rt.startField), max(lt.endField, rt.endField))

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        kernel = pc.add_checked if self.sign > 0 else pc.subtract_checked
        return kernel(self.left.eval(batch), self.right.eval(batch))

    def _fmt(self, args: list[str]) -> str:
        return f"({args[0]} {'+' if self.sign > 0 else '-'} {args[1]})"


@dataclass(frozen=True, slots=True)
class IntervalTimesNumber(Expression):
    """``interval * number`` or ``interval / number``: the months or microseconds scaled and
    rounded HALF_UP to a whole unit; the type is the family's widest (``interval day to second``,
    ``interval year to month``)."""

    interval: Expression
    number: Expression
    divide: bool = False

    child_fields = ("interval", "number")

    @property
    def data_type(self) -> T.DataType:
        return type(self.interval.data_type)()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        from ember.sql.expressions.decimals import decimal_arithmetic

        interval, number = self.interval.eval(batch), self.number.eval(batch)
        zero = pc.equal(number, pa.scalar(0, number.type))
        if self.divide and (zero.as_py() if isinstance(zero, pa.Scalar) else pc.any(zero).as_py()):
            from ember.sql.errors import ArithmeticException

            raise ArithmeticException("INTERVAL_DIVIDED_BY_ZERO", "Division by zero. Use `try_divide` to tolerate "
                                      "divisor being 0 and return NULL instead.", "22012")
        units = pc.cast(interval, pa.int64())
        op = "divide" if self.divide else "multiply"
        if isinstance(self.number.data_type, (T.FloatType, T.DoubleType)):
            scaled = getattr(pc, op)(pc.cast(units, pa.float64()), pc.cast(number, pa.float64()))
            out = pc.cast(pc.round(scaled, round_mode="half_towards_infinity"), pa.int64())
        else:
            as_decimal = (lambda v, t: pc.cast(v, pa.decimal128(20, 0)) if isinstance(t, T.IntegralType) else v)
            number_type = self.number.data_type
            result = decimal_arithmetic(op, pc.cast(units, pa.decimal128(20, 0)), as_decimal(number, number_type),
                                        T.DecimalType(38, 0), ansi=True)
            out = pc.cast(result, pa.int64())
        target = pa.duration("us") if isinstance(self.data_type, T.DayTimeIntervalType) else pa.int32()
        return pc.cast(out, target)

    def _fmt(self, args: list[str]) -> str:
        return f"({args[0]} {'/' if self.divide else '*'} {args[1]})"


def _truncated_rem(value: ArrowValue, divisor: int) -> ArrowValue:
    """Java's ``%``: the remainder of division truncated toward zero (it has the dividend's sign)."""
    return pc.subtract(value, pc.multiply(pc.divide(value, divisor), divisor))


_INTERVAL_FIELDS: dict[str, tuple[type, T.DataType]] = {
    "year": (T.YearMonthIntervalType, T.IntegerType()), "month": (T.YearMonthIntervalType, T.ByteType()),
    "day": (T.DayTimeIntervalType, T.IntegerType()), "hour": (T.DayTimeIntervalType, T.ByteType()),
    "minute": (T.DayTimeIntervalType, T.ByteType()), "second": (T.DayTimeIntervalType, T.DecimalType(8, 6)),
}


@dataclass(frozen=True, slots=True)
class IntervalField(Expression):
    """One field of an interval, as ``EXTRACT`` gives it: ``year``, ``month`` (of a year-month
    interval) or ``day``, ``hour``, ``minute``, ``second`` (of a day-time one), each with the
    interval's sign."""

    child: Expression
    unit: str

    child_fields = ("child",)

    @staticmethod
    def accepts(unit: str, dtype: T.DataType) -> bool:
        family = _INTERVAL_FIELDS.get(unit)
        return family is not None and isinstance(dtype, family[0])

    @property
    def data_type(self) -> T.DataType:
        return _INTERVAL_FIELDS[self.unit][1]

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        units = pc.cast(self.child.eval(batch), pa.int64())
        if self.unit == "year":
            out = pc.divide(units, 12)
        elif self.unit == "month":
            out = _truncated_rem(units, 12)
        elif self.unit == "second":
            micros = pc.cast(_truncated_rem(units, 60 * MICROS_PER_SECOND), pa.decimal128(19, 0))
            return pc.divide(micros, pa.scalar(MICROS_PER_SECOND, pa.decimal128(7, 0))).cast(pa.decimal128(8, 6))
        else:
            out = pc.divide(units, _DAY_TIME_MICROS[self.unit])
            if self.unit != "day":
                out = _truncated_rem(out, {"hour": 24, "minute": 60}[self.unit])
        return pc.cast(out, to_arrow_type(self.data_type))
