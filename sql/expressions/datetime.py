"""Date and time functions: ``to_date``, ``to_timestamp``, the calendar fields (``year`` …
``second``) and ``EXTRACT``/``date_part``, ``date_add``/``date_sub``, ``add_months``,
``datediff``, ``current_date``, ``date_format``.

Dates are Arrow ``date32`` (days since the epoch), so day arithmetic is integer arithmetic on
the cast value. Java ``DateTimeFormatter`` patterns are translated to ``strftime`` ones.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import AnalysisException, EmberValueError, NumberFormatException
from ember.sql.expressions.base import ArrowValue, Expression
from ember.sql.expressions.coercion import cast_if_needed

__all__ = [
    "ToDate", "ToTimestamp", "Year", "Month", "DayOfMonth", "Day", "Quarter", "DayOfWeek", "DayOfWeekIso",
    "WeekOfYear", "DayOfYear", "Hour", "Minute", "Second", "SecondWithFraction", "DatePart", "AddMonths",
    "DateAdd", "DateSub", "DateDiff", "CurrentDate", "DateFormat", "java_to_strftime", "format_java",
]

_JAVA_FIELDS = {
    "yyyy": "%Y", "yy": "%y", "y": "%Y", "MMMM": "%B", "MMM": "%b", "MM": "%m", "M": "%m",
    "dd": "%d", "d": "%d", "HH": "%H", "H": "%H", "hh": "%I", "h": "%I", "mm": "%M", "m": "%M",
    "ss": "%S", "s": "%S", "a": "%p", "EEEE": "%A", "EEE": "%a", "E": "%a", "DDD": "%j",
}


def java_to_strftime(pattern: str) -> str:
    """``yyyy-MM-dd HH:mm:ss`` → ``%Y-%m-%d %H:%M:%S``; quoted text stays literal."""
    segments = _java_segments(pattern)
    if any(fraction for fraction, _ in segments):
        raise EmberValueError("INVALID_DATETIME_PATTERN",
                              f"Fractions of a second (S) are not supported in {pattern!r} here.")
    return "".join(text for _, text in segments)


def _java_segments(pattern: str) -> list[tuple[int, str]]:
    """The pattern as strftime text and fractions of a second: ``(digits, "")`` for ``S`` x digits."""
    out: list[tuple[int, str]] = []
    for m in re.finditer(r"'([^']*)'|([A-Za-z])\2*|.", pattern):
        quoted, letter = m.group(1), m.group(2)
        token = m.group(0)
        if quoted is not None:
            out.append((0, quoted.replace("%", "%%") if quoted else "'"))
        elif letter == "S":
            out.append((len(token), ""))
        elif letter is not None:
            if token not in _JAVA_FIELDS:
                raise EmberValueError("INVALID_DATETIME_PATTERN", f"Unsupported datetime pattern field {token!r} in {pattern!r}.")
            out.append((0, _JAVA_FIELDS[token]))
        else:
            out.append((0, token.replace("%", "%%")))
    return out


def format_java(values: ArrowValue, pattern: str) -> ArrowValue:
    """Timestamps as text in a Java pattern; ``S`` digits are the second's fraction, truncated."""
    seconds = pc.floor_temporal(values, unit="second").cast(pa.timestamp("s"))
    parts: list[ArrowValue] = []
    text = ""
    for digits, strftime in _java_segments(pattern) + [(0, "")]:
        if not digits:
            text += strftime
            continue
        if text:
            parts.append(pc.strftime(seconds, format=text))
            text = ""
        micros = pc.subtract(values.cast(pa.int64()), pc.multiply(seconds.cast(pa.int64()), 1_000_000))
        scaled = pc.divide(micros, 10 ** (6 - digits)) if digits < 6 else pc.multiply(micros, 10 ** (digits - 6))
        parts.append(pc.utf8_lpad(scaled.cast(pa.string()), digits, "0"))
    if text or not parts:
        parts.append(pc.strftime(seconds, format=text))
    return parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "")


def _parse(value: ArrowValue, fmt: str | None, src: T.DataType, to: T.DataType) -> ArrowValue:
    from ember.sql.expressions.cast import cast_arrow

    if fmt is None or not isinstance(src, T.StringType):
        return cast_arrow(value, src, to)
    try:
        parsed = pc.strptime(value, format=java_to_strftime(fmt), unit="us", error_is_null=False)
    except pa.ArrowInvalid as e:
        raise NumberFormatException(
            "CANNOT_PARSE_TIMESTAMP",
            f"{e}. Use `try_to_timestamp` to tolerate invalid input string and return NULL instead.",
            "22007",
        ) from None
    return pc.cast(parsed, pa.date32()) if isinstance(to, T.DateType) else parsed


@dataclass(frozen=True, slots=True)
class ToDate(Expression):
    child: Expression
    fmt: str | None = None

    child_fields = ("child",)

    @property
    def data_type(self) -> T.DataType:
        return T.DateType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return _parse(self.child.eval(batch), self.fmt, self.child.data_type, T.DateType())

    def _fmt(self, args: list[str]) -> str:
        return f"to_date({args[0]}{', ' + self.fmt if self.fmt else ''})"


@dataclass(frozen=True, slots=True)
class ToTimestamp(Expression):
    child: Expression
    fmt: str | None = None

    child_fields = ("child",)

    @property
    def data_type(self) -> T.DataType:
        return T.TimestampType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return _parse(self.child.eval(batch), self.fmt, self.child.data_type, T.TimestampType())

    def _fmt(self, args: list[str]) -> str:
        return f"to_timestamp({args[0]}{', ' + self.fmt if self.fmt else ''})"


@dataclass(frozen=True, slots=True)
class _DateField(Expression):
    """A calendar field of a date (strings and timestamps are cast to dates first)."""

    child: Expression

    child_fields = ("child",)
    kernel: ClassVar[str] = ""

    def coerce(self) -> Expression:
        return type(self)(cast_if_needed(self.child, T.DateType()))

    @property
    def data_type(self) -> T.DataType:
        return T.IntegerType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return getattr(pc, self.kernel)(self.child.eval(batch)).cast(pa.int32())


class Year(_DateField):
    __slots__ = ()
    kernel = "year"


class Month(_DateField):
    __slots__ = ()
    kernel = "month"


class DayOfMonth(_DateField):
    __slots__ = ()
    kernel = "day"


class Day(DayOfMonth):
    """``day(d)``: ``dayofmonth`` under its other name."""

    __slots__ = ()


class Quarter(_DateField):
    __slots__ = ()
    kernel = "quarter"


class WeekOfYear(_DateField):
    """The ISO-8601 week number (a week belongs to the year holding its Thursday)."""

    __slots__ = ()
    kernel = "iso_week"


class DayOfYear(_DateField):
    __slots__ = ()
    kernel = "day_of_year"


class DayOfWeek(_DateField):
    """1 = Sunday … 7 = Saturday."""

    __slots__ = ()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pc.day_of_week(self.child.eval(batch), count_from_zero=False, week_start=7).cast(pa.int32())


class DayOfWeekIso(_DateField):
    """1 = Monday … 7 = Sunday."""

    __slots__ = ()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pc.day_of_week(self.child.eval(batch), count_from_zero=False, week_start=1).cast(pa.int32())


class _TimeField(_DateField):
    """A clock field of a timestamp (dates are read as their midnight)."""

    __slots__ = ()

    def coerce(self) -> Expression:
        return type(self)(cast_if_needed(self.child, T.TimestampType()))


class Hour(_TimeField):
    __slots__ = ()
    kernel = "hour"


class Minute(_TimeField):
    __slots__ = ()
    kernel = "minute"


class Second(_TimeField):
    __slots__ = ()
    kernel = "second"


class SecondWithFraction(_TimeField):
    """Seconds with microseconds, as ``EXTRACT(SECOND …)`` gives them: a decimal(8,6)."""

    __slots__ = ()

    @property
    def data_type(self) -> T.DataType:
        return T.DecimalType(8, 6)

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = self.child.eval(batch)
        micros = pc.add(pc.multiply(pc.cast(pc.second(value), pa.int64()), 1_000_000),
                        pc.add(pc.multiply(pc.cast(pc.millisecond(value), pa.int64()), 1_000),
                               pc.cast(pc.microsecond(value), pa.int64())))
        # Exact: dividing by 10^6 terminates within Arrow's result scale (8 digits here).
        return pc.divide(pc.cast(micros, pa.decimal128(19, 0)),
                         pa.scalar(1_000_000, pa.decimal128(7, 0))).cast(pa.decimal128(8, 6))


_EXTRACT_FIELDS: dict[str, type[_DateField]] = {}
for _names, _cls in (
        (("YEAR", "Y", "YEARS", "YR", "YRS"), Year), (("QUARTER", "QTR"), Quarter),
        (("MONTH", "MON", "MONS", "MONTHS"), Month), (("WEEK", "W", "WEEKS"), WeekOfYear),
        (("DAY", "D", "DAYS"), DayOfMonth), (("DAYOFWEEK", "DOW"), DayOfWeek),
        (("DAYOFWEEK_ISO", "DOW_ISO"), DayOfWeekIso), (("DOY",), DayOfYear),
        (("HOUR", "H", "HOURS", "HR", "HRS"), Hour), (("MINUTE", "M", "MIN", "MINS", "MINUTES"), Minute),
        (("SECOND", "S", "SEC", "SECONDS", "SECS"), SecondWithFraction)):
    _EXTRACT_FIELDS.update(dict.fromkeys(_names, _cls))


_INTERVAL_UNITS: dict[type, str] = {Year: "year", Month: "month", DayOfMonth: "day", Hour: "hour", Minute: "minute",
                                    SecondWithFraction: "second"}


@dataclass(frozen=True, slots=True)
class DatePart(Expression):
    """``EXTRACT(field FROM source)`` / ``date_part('field', source)``: evaluated as the field's
    own function (``replacement``, chosen at analysis), named as the user wrote it."""

    field: str
    source: Expression
    form: str = "extract"  # or "date_part", "datepart"
    replacement: Expression | None = None

    child_fields = ("source", "replacement")

    def coerce(self) -> Expression:
        if self.replacement is not None:
            return self
        cls = _EXTRACT_FIELDS.get(self.field.upper())
        dt = self.source.data_type
        if isinstance(dt, (T.YearMonthIntervalType, T.DayTimeIntervalType)) and cls is not None:
            from ember.sql.expressions.intervals import IntervalField

            unit = _INTERVAL_UNITS.get(cls)
            if unit is not None and IntervalField.accepts(unit, dt):
                return DatePart(self.field, self.source, self.form, IntervalField(self.source, unit))
        if cls is None or not isinstance(dt, (T.DateType, T.TimestampType, T.TimestampNTZType, T.StringType,
                                              T.NullType)):
            raise AnalysisException(
                "INVALID_EXTRACT_FIELD", f"Cannot extract `{self.field}` from \"{self.source.sql()}\".", "42601")
        return DatePart(self.field, self.source, self.form, cls(self.source).coerce())

    @property
    def resolved(self) -> bool:
        return self.source.resolved

    @property
    def data_type(self) -> T.DataType:
        return (self.replacement or self.coerce().replacement).data_type

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return self.replacement.eval(batch)

    def to_string(self, ids: bool) -> str:
        source = self.source.to_string(ids)
        if self.form == "date_part":
            return f"date_part({self.field}, {source})"
        return f"{self.form}({self.field} FROM {source})"


@dataclass(frozen=True, slots=True)
class AddMonths(Expression):
    """``add_months(start, months)``: the day is clamped to the end of the target month."""

    start: Expression
    months: Expression

    child_fields = ("start", "months")

    def coerce(self) -> Expression:
        return AddMonths(cast_if_needed(self.start, T.DateType()), cast_if_needed(self.months, T.IntegerType()))

    @property
    def data_type(self) -> T.DataType:
        return T.DateType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        from ember.sql.expressions.intervals import AddYearMonthInterval

        return AddYearMonthInterval(self.start, self.months).eval(batch)

    def _fmt(self, args: list[str]) -> str:
        return f"add_months({args[0]}, {args[1]})"


def _days(value: ArrowValue) -> ArrowValue:
    return pc.cast(value, pa.int32())


@dataclass(frozen=True, slots=True)
class DateAdd(Expression):
    start: Expression
    days: Expression

    child_fields = ("start", "days")
    sign: ClassVar[int] = 1

    def coerce(self) -> Expression:
        return type(self)(cast_if_needed(self.start, T.DateType()), cast_if_needed(self.days, T.IntegerType()))

    @property
    def data_type(self) -> T.DataType:
        return T.DateType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        days = self.days.eval(batch)
        if self.sign < 0:
            days = pc.negate_checked(days)
        return pc.cast(pc.add_checked(_days(self.start.eval(batch)), days), pa.date32())


    def _fmt(self, args: list[str]) -> str:
        return f"{'date_add' if self.sign > 0 else 'date_sub'}({args[0]}, {args[1]})"


class DateSub(DateAdd):
    __slots__ = ()
    sign = -1


@dataclass(frozen=True, slots=True)
class DateDiff(Expression):
    """``datediff(end, start)``: whole days from ``start`` to ``end``."""

    end: Expression
    start: Expression

    child_fields = ("end", "start")

    def coerce(self) -> Expression:
        return DateDiff(cast_if_needed(self.end, T.DateType()), cast_if_needed(self.start, T.DateType()))

    @property
    def data_type(self) -> T.DataType:
        return T.IntegerType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pc.subtract(_days(self.end.eval(batch)), _days(self.start.eval(batch)))

    def _fmt(self, args: list[str]) -> str:
        return f"datediff({args[0]}, {args[1]})"


@dataclass(frozen=True, slots=True)
class CurrentDate(Expression):
    """Today's date; constant within a query (the optimizer folds it once)."""

    @property
    def data_type(self) -> T.DataType:
        return T.DateType()

    @property
    def nullable(self) -> bool:
        return False

    @property
    def foldable(self) -> bool:
        return True

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pa.scalar(_dt.date.today(), pa.date32())

    def _fmt(self, args: list[str]) -> str:
        return "current_date()"


@dataclass(frozen=True, slots=True)
class DateFormat(Expression):
    child: Expression
    fmt: str

    child_fields = ("child",)

    def coerce(self) -> Expression:
        return DateFormat(cast_if_needed(self.child, T.TimestampType()), self.fmt)

    @property
    def data_type(self) -> T.DataType:
        return T.StringType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return format_java(self.child.eval(batch), self.fmt)

    def _fmt(self, args: list[str]) -> str:
        return f"date_format({args[0]}, {self.fmt})"
