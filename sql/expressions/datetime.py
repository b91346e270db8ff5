"""Date and time functions: ``to_date``, ``to_timestamp``, ``year``/``month``/``dayofmonth``,
``date_add``/``date_sub``, ``datediff``, ``current_date``, ``date_format``.

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
from ember.sql.errors import EmberValueError, NumberFormatException
from ember.sql.expressions.base import ArrowValue, Expression
from ember.sql.expressions.coercion import cast_if_needed

__all__ = [
    "ToDate", "ToTimestamp", "Year", "Month", "DayOfMonth", "DateAdd", "DateSub", "DateDiff",
    "CurrentDate", "DateFormat", "java_to_strftime",
]

_JAVA_FIELDS = {
    "yyyy": "%Y", "yy": "%y", "y": "%Y", "MMMM": "%B", "MMM": "%b", "MM": "%m", "M": "%m",
    "dd": "%d", "d": "%d", "HH": "%H", "H": "%H", "hh": "%I", "h": "%I", "mm": "%M", "m": "%M",
    "ss": "%S", "s": "%S", "a": "%p", "EEEE": "%A", "EEE": "%a", "E": "%a", "DDD": "%j",
}


def java_to_strftime(pattern: str) -> str:
    """``yyyy-MM-dd HH:mm:ss`` → ``%Y-%m-%d %H:%M:%S``; quoted text stays literal."""
    out: list[str] = []
    for m in re.finditer(r"'([^']*)'|([A-Za-z])\2*|.", pattern):
        quoted, letter = m.group(1), m.group(2)
        token = m.group(0)
        if quoted is not None:
            out.append(quoted.replace("%", "%%") if quoted else "'")
        elif letter is not None:
            if token not in _JAVA_FIELDS:
                raise EmberValueError("INVALID_DATETIME_PATTERN", f"Unsupported datetime pattern field {token!r} in {pattern!r}.")
            out.append(_JAVA_FIELDS[token])
        else:
            out.append(token.replace("%", "%%"))
    return "".join(out)


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
        return pc.strftime(self.child.eval(batch), format=java_to_strftime(self.fmt))

    def _fmt(self, args: list[str]) -> str:
        return f"date_format({args[0]}, {self.fmt})"
