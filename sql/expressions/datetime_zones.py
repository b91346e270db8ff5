"""Time-zone functions on Ember's UTC wall-clock timestamps: ``convert_timezone``,
``to_timestamp_ltz``, ``make_timestamp_ltz``/``try_make_timestamp_ltz`` and
``try_make_timestamp_ntz``.

Ember reads TIMESTAMP values as UTC wall time (``datetime_more.py``), so the session time zone is
UTC: a TIMESTAMP (LTZ) is built from its fields as ``make_timestamp`` does, and fields given in
another zone are moved to UTC. Zones are region IDs (``Europe/Brussels``) or offsets
(``+05:30``, ``-08``), as Spark accepts.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import re
import zoneinfo

from ember.sql import types as T
from ember.sql.errors import SparkRuntimeException
from ember.sql.expressions.datetime import ToTimestamp
from ember.sql.expressions.datetime_more import timestamp_from_fields
from ember.sql.expressions.function_call import FunctionSpec, register

__all__ = ["ToTimestampLTZ", "SESSION_TIME_ZONE"]

SESSION_TIME_ZONE = "UTC"  # the zone Ember's TIMESTAMP values are read in
S, INT, NTZ, TS = T.StringType(), T.IntegerType(), T.TimestampNTZType(), T.TimestampType()
_OFFSET = re.compile(r"([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?")


def zone(name: str) -> _dt.tzinfo:
    """The zone ``name`` names, or Spark's ``INVALID_TIMEZONE``."""
    if not _OFFSET.fullmatch(name):
        from ember.sql.expressions.time_zones import arrow_zone

        name = arrow_zone(name)  # short IDs (PST), Z, GMT+8, ... as Java's ZoneId.of reads them
    match = _OFFSET.fullmatch(name)
    if match:
        sign, hours, minutes, seconds = match.groups()
        delta = _dt.timedelta(hours=int(hours), minutes=int(minutes or 0), seconds=int(seconds or 0))
        return _dt.timezone(-delta if sign == "-" else delta)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SparkRuntimeException(
            "INVALID_TIMEZONE", f"The timezone: {name} is invalid. The timezone must be either a region-based zone "
            "ID or a zone offset. Region IDs must have the form 'area/city', such as 'America/Los_Angeles'. Zone "
            "offsets must be in the format '(+|-)HH', '(+|-)HH:mm’ or '(+|-)HH:mm:ss', e.g '-08' , '+01:00' or "
            "'-13:33:33', and must be in the range from -18:00 to +18:00. 'Z' and 'UTC' are accepted as synonyms "
            "for '+00:00'.", "22009") from None


def _convert(source: str, target: str, wall: _dt.datetime) -> _dt.datetime:
    """``convert_timezone``'s argument order."""
    return _shift(wall, source, target)


def _shift(wall: _dt.datetime, source: str, target: str) -> _dt.datetime:
    """The wall time in ``target`` at the instant ``wall`` shows in ``source``."""
    return wall.replace(tzinfo=zone(source)).astimezone(zone(target)).replace(tzinfo=None)


def _make_ltz(year: int, month: int, day: int, hour: int, minute: int, second: decimal.Decimal,
              timezone: str | None = None) -> _dt.datetime:
    wall = timestamp_from_fields(year, month, day, hour, minute, second)
    return wall if timezone is None else _shift(wall, timezone, SESSION_TIME_ZONE)


def _or_null(fn):
    def run(*args):
        try:
            return fn(*args)
        except SparkRuntimeException:
            return None
    return run


class ToTimestampLTZ(ToTimestamp):
    """``to_timestamp_ltz(value[, format])``: ``to_timestamp`` under the name of its LTZ form."""

    __slots__ = ()

    def _fmt(self, args: list[str]) -> str:
        return f"to_timestamp_ltz({args[0]}{', ' + self.fmt if self.fmt else ''})"


_FIELDS = (INT, INT, INT, INT, INT, T.DecimalType(16, 6), S)
_NTZ_FIELDS = _FIELDS[:6]
for _spec in (
    FunctionSpec("convert_timezone", (S, S, NTZ), NTZ, row=_convert),
    FunctionSpec("make_timestamp_ltz", _FIELDS, TS, min_args=6, row=_make_ltz),
    FunctionSpec("try_make_timestamp_ltz", _FIELDS, TS, min_args=6, row=_or_null(_make_ltz)),
    FunctionSpec("try_make_timestamp_ntz", _NTZ_FIELDS, NTZ, row=_or_null(timestamp_from_fields)),
):
    register(_spec)
