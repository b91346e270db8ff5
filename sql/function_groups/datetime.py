"""Date and time functions: parsing and formatting, calendar fields, truncation, epoch conversions,
calendar arithmetic, names, time zones, the current time and ``window``."""

from __future__ import annotations

from typing import Any, Callable

from ember.sql import expressions as E
from ember.sql.column import Column, expression_of, to_expression, value_expression
from ember.sql.errors import EmberValueError
from ember.sql.expressions.datetime_more import DEFAULT_FORMAT
from ember.sql.expressions.time_window import parse_duration
from ember.sql.function_groups.builders import col_arg as _c, literal_value as _lit_value, sql_namer
from ember.sql.function_groups.builders import name_or_value_arg as _name_or_value

__all__ = [
    "to_date", "to_timestamp", "year", "month", "dayofmonth", "day", "quarter", "dayofweek", "weekofyear",
    "dayofyear", "hour", "minute", "second", "extract", "date_part", "datepart", "add_months", "date_add",
    "date_sub", "datediff", "current_date", "date_format", "current_timezone", "convert_timezone", "to_timestamp_ltz",
    "make_timestamp_ltz", "try_make_timestamp_ltz", "try_make_timestamp_ntz",
    "date_trunc", "trunc", "timestamp_seconds", "timestamp_millis", "timestamp_micros", "unix_seconds",
    "unix_millis", "unix_micros", "unix_date", "date_from_unix_date", "unix_timestamp", "to_unix_timestamp",
    "from_unixtime", "last_day", "make_date", "make_timestamp", "months_between", "next_day", "date_diff",
    "dateadd", "dayname", "monthname", "weekday", "from_utc_timestamp", "to_utc_timestamp", "current_timestamp",
    "now", "localtimestamp", "curdate", "try_to_timestamp", "to_timestamp_ntz", "window", "make_timestamp_ntz",
    "try_make_timestamp", "try_to_date", "timestamp_diff", "timestamp_add",
]


def _call(name: str, *args: E.Expression) -> Column:
    return Column(E.FunctionCall(name, tuple(args)))


def _value(value: Any) -> E.Expression:
    """A value argument: a Column as it is, anything else a literal (never a column name)."""
    return value_expression(value)


def _unary(name: str, doc: str) -> Callable[[Any], Column]:
    def fn(col: Any) -> Column:
        return _call(name, to_expression(col))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


# The SQL names of the functions from ``to_date`` to ``date_format``; ``SQL_FUNCTIONS`` at the end adds the rest.
_FIELD_SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {}
_sql_name = sql_namer(_FIELD_SQL_FUNCTIONS)


def to_date(col: Any, format: str | None = None) -> Column:
    return Column(E.ToDate(_c(col), format))


def to_timestamp(col: Any, format: str | None = None) -> Column:
    return Column(E.ToTimestamp(_c(col), format))


@_sql_name()
def year(col: Any) -> Column:
    return Column(E.Year(_c(col)))


@_sql_name()
def month(col: Any) -> Column:
    return Column(E.Month(_c(col)))


@_sql_name("dayofmonth")
def dayofmonth(col: Any) -> Column:
    return Column(E.DayOfMonth(_c(col)))


@_sql_name()
def day(col: Any) -> Column:
    """The day of the month, as ``dayofmonth``."""
    return Column(E.Day(_c(col)))


@_sql_name()
def quarter(col: Any) -> Column:
    return Column(E.Quarter(_c(col)))


@_sql_name()
def dayofweek(col: Any) -> Column:
    """1 for Sunday through 7 for Saturday."""
    return Column(E.DayOfWeek(_c(col)))


@_sql_name()
def weekofyear(col: Any) -> Column:
    """The ISO-8601 week of the year."""
    return Column(E.WeekOfYear(_c(col)))


@_sql_name()
def dayofyear(col: Any) -> Column:
    return Column(E.DayOfYear(_c(col)))


@_sql_name()
def hour(col: Any) -> Column:
    return Column(E.Hour(_c(col)))


@_sql_name()
def minute(col: Any) -> Column:
    return Column(E.Minute(_c(col)))


@_sql_name()
def second(col: Any) -> Column:
    return Column(E.Second(_c(col)))


def _date_part(form: str) -> Callable[[Any, Any], Column]:
    def build(field: Any, source: Any) -> Column:
        name = _lit_value(field, f"The field of {form}")
        return Column(E.DatePart(str(name), _c(source), form))

    build.__name__ = form
    build.__doc__ = f"``{form}(field, source)``: a calendar or clock field (YEAR, QUARTER, MONTH, WEEK, DAY, " \
                    "DAYOFWEEK, DOY, HOUR, MINUTE, SECOND, ...) of a date or timestamp."
    return build


extract = _date_part("extract")
date_part = _sql_name("date_part")(_date_part("date_part"))
datepart = _sql_name("datepart")(_date_part("datepart"))


@_sql_name()
def add_months(start: Any, months: Any) -> Column:
    """``start`` plus ``months`` months; the day is clamped to the last day of the target month."""
    return Column(E.AddMonths(_c(start), _name_or_value(months)))


@_sql_name()
def date_add(start: Any, days: Any) -> Column:
    return Column(E.DateAdd(_c(start), _name_or_value(days)))


@_sql_name()
def date_sub(start: Any, days: Any) -> Column:
    return Column(E.DateSub(_c(start), _name_or_value(days)))


@_sql_name()
def datediff(end: Any, start: Any) -> Column:
    return Column(E.DateDiff(_c(end), _c(start)))


@_sql_name()
def current_date() -> Column:
    return Column(E.CurrentDate())


def date_format(date: Any, format: str) -> Column:
    return Column(E.DateFormat(_c(date), format))


def date_trunc(format: str, timestamp: Any) -> Column:
    """The timestamp truncated to ``format``: year, quarter, month, week, day, hour, minute, second, …"""
    return _call("date_trunc", _value(format), to_expression(timestamp))


def trunc(date: Any, format: str) -> Column:
    """The date truncated to ``format``: year, quarter, month or week (anything else: NULL)."""
    return _call("trunc", to_expression(date), _value(format))


timestamp_seconds = _unary("timestamp_seconds", "The timestamp ``col`` seconds after the epoch.")
timestamp_millis = _unary("timestamp_millis", "The timestamp ``col`` milliseconds after the epoch.")
timestamp_micros = _unary("timestamp_micros", "The timestamp ``col`` microseconds after the epoch.")
unix_seconds = _unary("unix_seconds", "Whole seconds since the epoch (rounded down).")
unix_millis = _unary("unix_millis", "Whole milliseconds since the epoch (rounded down).")
unix_micros = _unary("unix_micros", "Microseconds since the epoch.")
unix_date = _unary("unix_date", "Days since 1970-01-01.")
date_from_unix_date = _unary("date_from_unix_date", "The date ``col`` days after 1970-01-01.")
last_day = _unary("last_day", "The last day of the date's month.")
dayname = _unary("dayname", "The three-letter day of the week (``Mon`` … ``Sun``).")
monthname = _unary("monthname", "The three-letter month (``Jan`` … ``Dec``).")
weekday = _unary("weekday", "The day of the week, 0 for Monday through 6 for Sunday.")


def unix_timestamp(timestamp: Any = None, format: str = DEFAULT_FORMAT) -> Column:
    """Seconds since the epoch of a timestamp, a date, or a string parsed with ``format`` (now if omitted)."""
    time = E.CurrentTimestamp() if timestamp is None else to_expression(timestamp)
    return _call("unix_timestamp", time, _value(format))


def to_unix_timestamp(timestamp: Any, format: Any = None) -> Column:
    """``unix_timestamp`` under its other name."""
    return _call("to_unix_timestamp", to_expression(timestamp), _value(DEFAULT_FORMAT if format is None else format))


def from_unixtime(timestamp: Any, format: str = DEFAULT_FORMAT) -> Column:
    """Seconds since the epoch as text in ``format``."""
    return _call("from_unixtime", to_expression(timestamp), _value(format))


def make_date(year: Any, month: Any, day: Any) -> Column:
    """The date of those fields; an impossible date is an error (``DATETIME_FIELD_OUT_OF_BOUNDS``)."""
    return _call("make_date", to_expression(year), to_expression(month), to_expression(day))


def make_timestamp(years: Any, months: Any, days: Any, hours: Any, mins: Any, secs: Any,
                   timezone: Any = None) -> Column:
    """The timestamp of those fields (``secs`` may have a fraction); a time zone is not supported."""
    if timezone is not None:
        raise EmberValueError("UNSUPPORTED_FEATURE", "make_timestamp with a timezone is not supported.")
    return _call("make_timestamp", *(to_expression(c) for c in (years, months, days, hours, mins, secs)))


def make_timestamp_ntz(years: Any, months: Any, days: Any, hours: Any, mins: Any, secs: Any) -> Column:
    """``make_timestamp`` as a timestamp without time zone."""
    return _call("make_timestamp_ntz", *(to_expression(c) for c in (years, months, days, hours, mins, secs)))


def try_make_timestamp(years: Any, months: Any, days: Any, hours: Any, mins: Any, secs: Any,
                       timezone: Any = None) -> Column:
    """``make_timestamp``, but NULL for impossible fields."""
    if timezone is not None:
        raise EmberValueError("UNSUPPORTED_FEATURE", "try_make_timestamp with a timezone is not supported.")
    return _call("try_make_timestamp", *(to_expression(c) for c in (years, months, days, hours, mins, secs)))


def try_to_date(col: Any, format: Any = None) -> Column:
    """``to_date``, but NULL for text that does not parse."""
    return _call("try_to_date", to_expression(col), *(() if format is None else (_value(format),)))


def timestamp_diff(unit: str, start: Any, end: Any) -> Column:
    """Whole ``unit``s (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND,
    MICROSECOND) from ``start`` to ``end``, truncated toward zero."""
    return _call("timestampdiff", E.Literal.of(unit), to_expression(start), to_expression(end))


def timestamp_add(unit: str, quantity: Any, ts: Any) -> Column:
    """``ts`` plus ``quantity`` ``unit``s; adding months keeps the day, clamped to the month's end."""
    return _call("timestampadd", E.Literal.of(unit), to_expression(quantity), to_expression(ts))


def months_between(date1: Any, date2: Any, roundOff: bool = True) -> Column:
    """Months from ``date2`` to ``date1``: whole when the days match, else in 31-day months."""
    return _call("months_between", to_expression(date1), to_expression(date2), _value(roundOff))


def next_day(date: Any, dayOfWeek: str) -> Column:
    """The first date after ``date`` that is a ``dayOfWeek`` (``"Mon"``, ``"monday"``, ``"MO"``…)."""
    return _call("next_day", to_expression(date), _value(dayOfWeek))


def date_diff(end: Any, start: Any) -> Column:
    """Days from ``start`` to ``end``."""
    return _call("date_diff", to_expression(end), to_expression(start))


def dateadd(start: Any, days: Any) -> Column:
    """``date_add`` under its other name."""
    return Column(E.DateAdd(to_expression(start), _name_or_value(days)))


def from_utc_timestamp(timestamp: Any, tz: Any) -> Column:
    """The UTC timestamp as wall time in zone ``tz``."""
    return _call("from_utc_timestamp", to_expression(timestamp), _value(tz))


def to_utc_timestamp(timestamp: Any, tz: Any) -> Column:
    """The wall time in zone ``tz`` as a UTC timestamp."""
    return _call("to_utc_timestamp", to_expression(timestamp), _value(tz))


def current_timestamp() -> Column:
    """The time the query runs, the same in every row."""
    return Column(E.CurrentTimestamp())


def now() -> Column:
    """``current_timestamp()`` under its other name."""
    return Column(E.CurrentTimestamp("now"))


def localtimestamp() -> Column:
    """The time the query runs, as a timestamp without time zone."""
    return Column(E.CurrentTimestamp("localtimestamp"))


def curdate() -> Column:
    """``current_date()`` under its other name."""
    return Column(E.CurrentDate())


def try_to_timestamp(col: Any, format: Any = None) -> Column:
    """``to_timestamp``, but NULL for text that does not parse."""
    return _call("try_to_timestamp", to_expression(col), *(() if format is None else (_value(format),)))


def to_timestamp_ntz(timestamp: Any, format: Any = None) -> Column:
    """The text parsed as a timestamp without time zone."""
    return _call("to_timestamp_ntz", to_expression(timestamp), *(() if format is None else (_c(format),)))


def _duration(value: Any, what: str) -> int:
    if isinstance(value, Column) and isinstance(expression_of(value), E.Literal):
        value = expression_of(value).value
    if not isinstance(value, str):
        raise EmberValueError("NOT_STR", f"Argument `{what}` should be a str, got {type(value).__name__}.")
    return parse_duration(value, what)


def window(timeColumn: Any, windowDuration: str, slideDuration: str | None = None,
           startTime: str | None = None) -> Column:
    """The tumbling (or, with ``slideDuration``, sliding) windows that contain each row's time, as a
    ``struct<start, end>`` named ``window``; rows with a NULL time are dropped."""
    duration = _duration(windowDuration, "windowDuration")
    slide = duration if slideDuration is None else _duration(slideDuration, "slideDuration")
    start = 0 if startTime is None else _duration(startTime, "startTime")
    return Column(E.TimeWindow(to_expression(timeColumn), duration, slide, start))


def _sql_unix_timestamp(name: str) -> Callable[..., Column]:
    def build(time: Column | None = None, format: Column | None = None) -> Column:
        value = E.CurrentTimestamp() if time is None else expression_of(time)
        return _call(name, value, expression_of(format) if format is not None else E.Literal.of(DEFAULT_FORMAT))

    return build


def _sql_call(name: str) -> Callable[..., Column]:
    def build(*cols: Column) -> Column:
        return _call(name, *(expression_of(c) for c in cols))

    build.__name__ = name
    return build


def _sql_months_between(date1: Column, date2: Column, round_off: Column | None = None) -> Column:
    dates = (expression_of(date1), expression_of(date2))
    return _call("months_between", *dates, expression_of(round_off) if round_off is not None else E.Literal.of(True))


def _sql_from_unixtime(time: Column, format: Column | None = None) -> Column:
    seconds = expression_of(time)
    pattern = expression_of(format) if format is not None else E.Literal.of(DEFAULT_FORMAT)
    return _call("from_unixtime", seconds, pattern)


SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {
    **_FIELD_SQL_FUNCTIONS,
    **{name: _sql_call(name) for name in (
        "date_trunc", "trunc", "timestamp_seconds", "timestamp_millis", "timestamp_micros", "unix_seconds",
        "unix_millis", "unix_micros", "unix_date", "date_from_unix_date", "last_day", "dayname", "monthname",
        "weekday", "make_date", "make_timestamp", "next_day", "date_diff", "from_utc_timestamp",
        "to_utc_timestamp", "try_to_timestamp", "to_timestamp_ntz", "make_timestamp_ntz", "try_make_timestamp",
        "try_to_date")},
    "unix_timestamp": _sql_unix_timestamp("unix_timestamp"),
    "to_unix_timestamp": _sql_unix_timestamp("to_unix_timestamp"),
    "from_unixtime": _sql_from_unixtime, "months_between": _sql_months_between,
    "dateadd": lambda start, days: dateadd(start, days), "current_timestamp": current_timestamp, "now": now,
    "localtimestamp": localtimestamp, "curdate": curdate, "window": lambda t, *durations: window(t, *durations),
}


# ---------------------------------------------------------------- time zones (sql/expressions/datetime_zones.py)
def current_timezone() -> Column:
    """The session time zone: UTC, the zone Ember reads timestamps in (another configured zone is refused)."""
    from ember.sql.expressions.datetime_zones import SESSION_TIME_ZONE
    from ember.sql.expressions.sql_conf import session_time_zone

    session_time_zone()  # refuses a zone other than UTC
    return Column(E.SessionFact("current_timezone", SESSION_TIME_ZONE))


def convert_timezone(sourceTz: Any, targetTz: Any, sourceTs: Any) -> Column:
    """The wall time ``sourceTs`` shows in ``sourceTz`` (default: the session's zone), as shown in ``targetTz``."""
    source = expression_of(current_timezone()) if sourceTz is None else _value(sourceTz)
    return _call("convert_timezone", source, _value(targetTz), to_expression(sourceTs))


def _sql_convert_timezone(*cols: Column) -> Column:
    if len(cols) == 2:
        return convert_timezone(None, *cols)
    return convert_timezone(*cols)


def to_timestamp_ltz(timestamp: Any, format: Any = None) -> Column:
    """The value parsed as a TIMESTAMP (with ``format``, a Java pattern given as a literal)."""
    from ember.sql.expressions.datetime_zones import ToTimestampLTZ

    pattern = None if format is None else _lit_value(format, "The format of to_timestamp_ltz")
    return Column(ToTimestampLTZ(to_expression(timestamp), pattern))


def _timestamp_fields(name: str, fields: tuple, timezone: Any = None) -> Column:
    return _call(name, *(to_expression(c) for c in fields), *(() if timezone is None else (to_expression(timezone),)))


def make_timestamp_ltz(years: Any, months: Any, days: Any, hours: Any, mins: Any, secs: Any,
                       timezone: Any = None) -> Column:
    """A TIMESTAMP from its fields, read in ``timezone`` when given (else the session's zone)."""
    return _timestamp_fields("make_timestamp_ltz", (years, months, days, hours, mins, secs), timezone)


def try_make_timestamp_ltz(years: Any, months: Any, days: Any, hours: Any, mins: Any, secs: Any,
                           timezone: Any = None) -> Column:
    """``make_timestamp_ltz``, but NULL for impossible fields."""
    return _timestamp_fields("try_make_timestamp_ltz", (years, months, days, hours, mins, secs), timezone)


def try_make_timestamp_ntz(years: Any = None, months: Any = None, days: Any = None, hours: Any = None,
                           mins: Any = None, secs: Any = None, date: Any = None, time: Any = None) -> Column:
    """``make_timestamp_ntz``, but NULL for impossible fields (the date and time form needs the TIME
    type, which Ember does not have)."""
    if date is not None or time is not None:
        raise EmberValueError("UNSUPPORTED_FEATURE", "try_make_timestamp_ntz(date, time) is not supported: Ember "
                              "has no TIME type.")
    return _timestamp_fields("try_make_timestamp_ntz", (years, months, days, hours, mins, secs))


SQL_FUNCTIONS.update({
    "current_timezone": current_timezone, "convert_timezone": _sql_convert_timezone,
    "to_timestamp_ltz": lambda *cols: to_timestamp_ltz(*cols),
    "make_timestamp_ltz": _sql_call("make_timestamp_ltz"), "try_make_timestamp_ltz": _sql_call("try_make_timestamp_ltz"),
    "try_make_timestamp_ntz": _sql_call("try_make_timestamp_ntz"),
})
