"""More date and time functions as ``FunctionSpec``s: truncation (``date_trunc``, ``trunc``),
epoch conversions (``timestamp_seconds`` … ``unix_micros``, ``unix_timestamp``,
``from_unixtime``), calendar arithmetic (``last_day``, ``next_day``, ``months_between``,
``make_date``, ``make_timestamp``), names (``dayname``, ``monthname``, ``weekday``) and time
zone shifts (``from_utc_timestamp``, ``to_utc_timestamp``).

Timestamps are zone-less microseconds holding wall time (see ``arrow_types.py``), and epoch
conversions read that wall time as UTC, as Spark does with ``spark.sql.session.timeZone=UTC``.
Truncation, epoch arithmetic, names and zone shifts are Arrow kernels; the calendar functions
with Spark-specific rules run per row.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import decimal
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import AnalysisException, SparkRuntimeException
from ember.sql.expressions.base import ArrowValue, Expression
from ember.sql.expressions.coercion import cast_if_needed
from ember.sql.expressions.datetime import ToTimestamp, format_java, java_to_strftime
from ember.sql.expressions.function_call import NUMERIC, FunctionCall, FunctionSpec, register

__all__ = ["CurrentTimestamp"]

TS, DATE, LONG, INT, STRING = T.TimestampType(), T.DateType(), T.LongType(), T.IntegerType(), T.StringType()
MICROS = 1_000_000
DEFAULT_FORMAT = "yyyy-MM-dd HH:mm:ss"


def _by_constant(units: pa.Array, compute: Callable[[str], ArrowValue | None], out_type: pa.DataType) -> pa.Array:
    """``compute(unit)`` for each distinct unit of ``units`` (a literal in practice), merged by row."""
    result = pa.nulls(len(units), out_type)
    for unit in pc.unique(units).to_pylist():
        if unit is None:
            continue
        value = compute(unit)
        if value is not None:
            result = pc.if_else(pc.equal(units, unit), value, result)
    return result


# ---------------------------------------------------------------------------- truncation
_TRUNC_UNITS = {
    "year": "year", "yyyy": "year", "yy": "year", "quarter": "quarter", "month": "month", "mon": "month",
    "mm": "month", "week": "week", "day": "day", "dd": "day", "hour": "hour", "minute": "minute",
    "second": "second", "millisecond": "millisecond", "microsecond": "microsecond",
}
_DATE_UNITS = ("year", "quarter", "month", "week")


def _floor(values: pa.Array, unit: str) -> pa.Array:
    if unit == "microsecond":
        return values
    return pc.floor_temporal(values, unit=unit, week_starts_monday=True)


def _date_trunc(units: pa.Array, timestamps: pa.Array) -> pa.Array:
    def compute(unit: str) -> pa.Array | None:
        unit = _TRUNC_UNITS.get(unit.lower(), "")
        return _floor(timestamps, unit) if unit else None

    return _by_constant(units, compute, pa.timestamp("us"))


def _trunc(dates: pa.Array, units: pa.Array) -> pa.Array:
    def compute(unit: str) -> pa.Array | None:
        unit = _TRUNC_UNITS.get(unit.lower(), "")
        return _floor(dates, unit) if unit in _DATE_UNITS else None

    return _by_constant(units, compute, pa.date32())


register(FunctionSpec("date_trunc", (STRING, TS), TS, vector=_date_trunc))
register(FunctionSpec("trunc", (DATE, STRING), DATE, vector=_trunc))


# ---------------------------------------------------------------------------- epoch conversions
def _micros(values: pa.Array) -> pa.Array:
    return values.cast(pa.int64())


def _from_micros(micros: pa.Array) -> pa.Array:
    return micros.cast(pa.int64()).cast(pa.timestamp("us"))


def _floor_div(values: pa.Array, by: int) -> pa.Array:
    numbers = values.to_numpy(zero_copy_only=False)
    valid = pc.is_valid(values).to_numpy(zero_copy_only=False)
    return pa.array(np.floor_divide(np.where(valid, numbers, 0).astype(np.int64), by), pa.int64(), mask=~valid)


def _timestamp_seconds(seconds: pa.Array) -> pa.Array:
    if pa.types.is_integer(seconds.type):
        return _from_micros(pc.multiply_checked(seconds.cast(pa.int64()), MICROS))
    return _from_micros(pc.trunc(pc.multiply(seconds.cast(pa.float64()), float(MICROS))))


register(FunctionSpec("timestamp_seconds", (NUMERIC,), TS, vector=_timestamp_seconds))
register(FunctionSpec("timestamp_millis", (LONG,), TS, vector=lambda v: _from_micros(pc.multiply_checked(v, 1000))))
register(FunctionSpec("timestamp_micros", (LONG,), TS, vector=_from_micros))
register(FunctionSpec("unix_seconds", (TS,), LONG, vector=lambda v: _floor_div(_micros(v), MICROS)))
register(FunctionSpec("unix_millis", (TS,), LONG, vector=lambda v: _floor_div(_micros(v), 1000)))
register(FunctionSpec("unix_micros", (TS,), LONG, vector=_micros))
register(FunctionSpec("unix_date", (DATE,), INT, vector=lambda v: v.cast(pa.int32())))
register(FunctionSpec("date_from_unix_date", (INT,), DATE, vector=lambda v: v.cast(pa.int32()).cast(pa.date32())))


def _format_literal(call: FunctionCall, i: int) -> str:
    arg = call.args[i]
    from ember.sql.expressions.literals import Literal

    if not isinstance(arg, Literal) or not isinstance(arg.value, str):
        raise AnalysisException("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                                f"Cannot resolve \"{call.sql()}\": the format must be a string literal.", "42K09")
    return arg.value


def _unix_timestamp_args(call: FunctionCall) -> tuple[Expression, ...]:
    """The time (parsed with the format when a string) as a hidden last argument."""
    value, fmt = call.args[0], _format_literal(call, 1)
    if isinstance(value.data_type, T.StringType):
        seconds: Expression = ToTimestamp(value, fmt)
    else:
        seconds = cast_if_needed(value, TS)
    return (value, call.args[1], seconds)


for _name in ("unix_timestamp", "to_unix_timestamp"):
    register(FunctionSpec(_name, (None, STRING), LONG, vector=lambda _v, _f, ts: _floor_div(_micros(ts), MICROS),
                          coerce_args=_unix_timestamp_args, hidden_args=1))


def _from_unixtime(seconds: pa.Array, formats: pa.Array) -> pa.Array:
    timestamps = _from_micros(pc.multiply_checked(seconds.cast(pa.int64()), MICROS))
    return _by_constant(formats, lambda f: format_java(timestamps, f), pa.string())


register(FunctionSpec("from_unixtime", (LONG, STRING), STRING, vector=_from_unixtime))


# ---------------------------------------------------------------------------- calendar arithmetic
def _last_day(dates: pa.Array) -> pa.Array:
    days = dates.cast(pa.int32()).to_numpy(zero_copy_only=False)
    valid = pc.is_valid(dates).to_numpy(zero_copy_only=False)
    months = np.where(valid, days, 0).astype("datetime64[D]").astype("datetime64[M]")
    last = (months + 1).astype("datetime64[D]") - 1
    return pa.array(last.astype(np.int32), pa.int32(), mask=~valid).cast(pa.date32())


register(FunctionSpec("last_day", (DATE,), DATE, vector=_last_day))


def _make_date(year: int, month: int, day: int) -> _dt.date:
    try:
        return _dt.date(year, month, day)
    except ValueError as e:
        what = f"{calendar.month_name[month].upper()} {day}" if 1 <= month <= 12 else f"month {month}"
        raise SparkRuntimeException(
            "DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION",
            f"Invalid date '{what}'." if "day" in str(e) else f"Invalid value for {str(e)}.", "22023") from None


register(FunctionSpec("make_date", (INT, INT, INT), DATE, row=_make_date))


def timestamp_from_fields(year: int, month: int, day: int, hour: int, minute: int,
                          second: decimal.Decimal) -> _dt.datetime:
    whole = int(second)
    micros = int((decimal.Decimal(second) - whole) * MICROS)
    if whole == 60 and micros == 0:  # Spark's leap-second spelling of the next minute
        return _dt.datetime(year, month, day, hour, minute) + _dt.timedelta(minutes=1)
    try:
        return _dt.datetime(year, month, day, hour, minute, whole, micros)
    except ValueError as e:
        raise SparkRuntimeException("DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION",
                                    f"Invalid value for a field of make_timestamp: {e}.", "22023") from None


_TIMESTAMP_FIELDS = (INT, INT, INT, INT, INT, T.DecimalType(16, 6))
register(FunctionSpec("make_timestamp", _TIMESTAMP_FIELDS, TS, row=timestamp_from_fields))
register(FunctionSpec("make_timestamp_ntz", _TIMESTAMP_FIELDS, T.TimestampNTZType(), row=timestamp_from_fields))
register(FunctionSpec("try_make_timestamp", _TIMESTAMP_FIELDS, TS,
                      row=lambda *fields: _or_null(timestamp_from_fields, *fields)))


def _or_null(fn: Callable, *args: object) -> object:
    """``fn(*args)``, NULL where Spark's ``try_`` form tolerates the error."""
    try:
        return fn(*args)
    except SparkRuntimeException:
        return None


def _is_last_day(t: _dt.date) -> bool:
    return t.day == calendar.monthrange(t.year, t.month)[1]


def _months_between(end: _dt.datetime, start: _dt.datetime, round_off: bool) -> float:
    """Spark's rule: whole months when the days match or both are month ends, else a 31-day month."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day == start.day or (_is_last_day(end) and _is_last_day(start)):
        return float(months)
    seconds = ((end.day - start.day) * 86400 + (end.hour - start.hour) * 3600 + (end.minute - start.minute) * 60
               + end.second - start.second)  # whole seconds, as Spark counts them
    value = months + seconds / (31 * 86400)
    return math.floor(value * 1e8 + 0.5) / 1e8 if round_off else value  # Java's Math.round


register(FunctionSpec("months_between", (TS, TS, T.BooleanType()), T.DoubleType(), row=_months_between))

_DAYS = {name: i for i, names in enumerate((("MO", "MON", "MONDAY"), ("TU", "TUE", "TUESDAY"),
                                            ("WE", "WED", "WEDNESDAY"), ("TH", "THU", "THURSDAY"),
                                            ("FR", "FRI", "FRIDAY"), ("SA", "SAT", "SATURDAY"),
                                            ("SU", "SUN", "SUNDAY"))) for name in names}


def _next_day(date: _dt.date, day_of_week: str) -> _dt.date:
    target = _DAYS.get(day_of_week.strip().upper())
    if target is None:
        raise SparkRuntimeException("ILLEGAL_DAY_OF_WEEK", f"Illegal input for day of week: {day_of_week}.", "22009")
    ahead = (target - date.weekday() - 1) % 7 + 1
    return date + _dt.timedelta(days=ahead)


register(FunctionSpec("next_day", (DATE, STRING), DATE, row=_next_day))
register(FunctionSpec("date_diff", (DATE, DATE), INT,
                      vector=lambda end, start: pc.subtract(end.cast(pa.int32()), start.cast(pa.int32()))))

# ---------------------------------------------------------------------------- names
register(FunctionSpec("dayname", (DATE,), STRING, vector=lambda d: pc.strftime(d.cast(pa.timestamp("us")), "%a")))
register(FunctionSpec("monthname", (DATE,), STRING, vector=lambda d: pc.strftime(d.cast(pa.timestamp("us")), "%b")))
register(FunctionSpec("weekday", (DATE,), INT, vector=lambda d: pc.day_of_week(d).cast(pa.int32())))


# ---------------------------------------------------------------------------- time zones
def _zone(name: str) -> str:
    from ember.sql.expressions.time_zones import arrow_zone

    return arrow_zone(name)


def _from_utc(timestamps: pa.Array, zones: pa.Array) -> pa.Array:
    return _by_constant(zones, lambda z: pc.local_timestamp(timestamps.cast(pa.timestamp("us", tz=_zone(z)))),
                        pa.timestamp("us"))


def _to_utc(timestamps: pa.Array, zones: pa.Array) -> pa.Array:
    return _by_constant(zones, lambda z: pc.assume_timezone(
        timestamps, _zone(z), ambiguous="earliest", nonexistent="latest").cast(
        pa.timestamp("us", tz="UTC")).cast(pa.timestamp("us")), pa.timestamp("us"))


register(FunctionSpec("from_utc_timestamp", (TS, STRING), TS, vector=_from_utc))
register(FunctionSpec("to_utc_timestamp", (TS, STRING), TS, vector=_to_utc))


# ---------------------------------------------------------------------------- parsing that tolerates bad input
def _try_parse(text: str, fmt: str | None = None) -> _dt.datetime | None:
    try:
        if fmt is None:
            return _dt.datetime.fromisoformat(text.strip())
        return _dt.datetime.strptime(text, java_to_strftime(fmt))
    except ValueError:
        return None


register(FunctionSpec("try_to_timestamp", (STRING, STRING), TS, row=_try_parse, min_args=1))


def _try_to_date(text: str, fmt: str | None = None) -> _dt.date | None:
    if fmt is None:
        try:
            return _dt.date.fromisoformat(text.strip()[:10]) if len(text.strip()) == 10 else (
                _dt.datetime.fromisoformat(text.strip()).date())
        except ValueError:
            return None
    parsed = _try_parse(text, fmt)
    return parsed.date() if parsed is not None else None


register(FunctionSpec("try_to_date", (STRING, STRING), DATE, row=_try_to_date, min_args=1))


# ---------------------------------------------------------------------------- timestampdiff / timestampadd
_MICROS_PER = {"WEEK": 7 * 86_400_000_000, "DAY": 86_400_000_000, "HOUR": 3_600_000_000, "MINUTE": 60_000_000,
               "SECOND": MICROS, "MILLISECOND": 1000, "MICROSECOND": 1}
_MONTHS_PER = {"YEAR": 12, "QUARTER": 3, "MONTH": 1}


def _unit(unit: str) -> str:
    upper = unit.upper()
    if upper not in _MICROS_PER and upper not in _MONTHS_PER:
        raise SparkRuntimeException("INVALID_PARAMETER_VALUE.DATETIME_UNIT",
                                    f"The value of parameter(s) `unit` is invalid: {unit}.", "22023")
    return upper


def _add_months(t: _dt.datetime, months: int) -> _dt.datetime:
    month0 = t.year * 12 + t.month - 1 + months
    year, month = divmod(month0, 12)
    day = min(t.day, calendar.monthrange(year, month + 1)[1])
    return t.replace(year=year, month=month + 1, day=day)


def _timestamp_diff(unit: str, start: _dt.datetime, end: _dt.datetime) -> int:
    """Whole ``unit``s from ``start`` to ``end``, truncated toward zero (months by calendar)."""
    unit = _unit(unit)
    if unit in _MICROS_PER:
        micros = (end - start) // _dt.timedelta(microseconds=1)
        return int(micros / _MICROS_PER[unit]) if micros >= 0 else -int(-micros // _MICROS_PER[unit])
    months = (end.year - start.year) * 12 + end.month - start.month
    landed = _add_months(start, months)
    if months > 0 and landed > end:
        months -= 1
    elif months < 0 and landed < end:
        months += 1
    return int(months / _MONTHS_PER[unit])


def _timestamp_add(unit: str, quantity: int, t: _dt.datetime) -> _dt.datetime:
    unit = _unit(unit)
    if unit in _MICROS_PER:
        return t + _dt.timedelta(microseconds=quantity * _MICROS_PER[unit])
    return _add_months(t, quantity * _MONTHS_PER[unit])


register(FunctionSpec("timestampdiff", (STRING, TS, TS), LONG, row=_timestamp_diff))
register(FunctionSpec("timestampadd", (STRING, LONG, TS), TS, row=_timestamp_add))


def _to_timestamp_ntz(text: str, fmt: str | None = None) -> _dt.datetime:
    parsed = _try_parse(text, fmt)
    if parsed is None:
        raise SparkRuntimeException(
            "CANNOT_PARSE_TIMESTAMP", f"Text '{text}' could not be parsed. Use `try_to_timestamp` to tolerate "
            "invalid input string and return NULL instead.", "22007")
    return parsed


register(FunctionSpec("to_timestamp_ntz", (STRING, STRING), T.TimestampNTZType(), row=_to_timestamp_ntz,
                      min_args=1))


@dataclass(frozen=True, slots=True)
class CurrentTimestamp(Expression):
    """``current_timestamp()`` (also spelled ``now()``) or ``localtimestamp()``: constant within a query."""

    name: str = "current_timestamp"

    @property
    def data_type(self) -> T.DataType:
        return T.TimestampNTZType() if self.name == "localtimestamp" else TS

    @property
    def nullable(self) -> bool:
        return False

    @property
    def foldable(self) -> bool:
        return True

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pa.scalar(_dt.datetime.now(), pa.timestamp("us"))

    def _fmt(self, args: list[str]) -> str:
        return f"{self.name}()"
