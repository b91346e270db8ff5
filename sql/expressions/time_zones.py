"""Spark's time zone IDs (``from_utc_timestamp(t, 'PST')``) as the zone names Arrow understands.

Spark reads a zone as Java's ``ZoneId.of(id, SHORT_IDS)`` does: a region such as
``America/Los_Angeles`` (case-sensitive), one of Java's three-letter short IDs (``PST``,
``JST``, ...), ``Z``/``UTC``/``GMT``/``UT``, an offset ``+08``, ``+8:00``, ``+08:00``, ``+0800``,
``-13:33:33`` within ±18:00, or an offset after ``UTC``/``GMT``/``UT`` (``GMT+8``).
"""

from __future__ import annotations

import re
import zoneinfo

from ember.sql.errors import SparkRuntimeException

__all__ = ["arrow_zone"]

# java.time.ZoneId.SHORT_IDS
SHORT_IDS = {
    "ACT": "Australia/Darwin", "AET": "Australia/Sydney", "AGT": "America/Argentina/Buenos_Aires",
    "ART": "Africa/Cairo", "AST": "America/Anchorage", "BET": "America/Sao_Paulo", "BST": "Asia/Dhaka",
    "CAT": "Africa/Harare", "CNT": "America/St_Johns", "CST": "America/Chicago", "CTT": "Asia/Shanghai",
    "EAT": "Africa/Addis_Ababa", "ECT": "Europe/Paris", "IET": "America/Indiana/Indianapolis",
    "IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "MIT": "Pacific/Apia", "NET": "Asia/Yerevan",
    "NST": "Pacific/Auckland", "PLT": "Asia/Karachi", "PNT": "America/Phoenix", "PRT": "America/Puerto_Rico",
    "PST": "America/Los_Angeles", "SST": "Pacific/Guadalcanal", "VST": "Asia/Ho_Chi_Minh",
    "EST": "-05:00", "MST": "-07:00", "HST": "-10:00",
}
_UTC_NAMES = ("UTC", "GMT", "UT")
_OFFSET = re.compile(r"([+-])(?:(\d{1,2})|(\d{1,2}):(\d{2})(?::(\d{2}))?|(\d{2})(\d{2})(\d{2})?)")


def _invalid(name: str) -> SparkRuntimeException:
    return SparkRuntimeException(
        "INVALID_TIMEZONE",
        f"The timezone: {name} is invalid. The timezone must be either a region-based zone ID or a zone offset. "
        "Region IDs must have the form 'area/city', such as 'America/Los_Angeles'. Zone offsets must be in the "
        "format '(+|-)HH', '(+|-)HH:mm’ or '(+|-)HH:mm:ss', e.g '-08' , '+01:00' or '-13:33:33', and must be in "
        "the range from -18:00 to +18:00. 'Z' and 'UTC' are accepted as synonyms for '+00:00'.",
        "22009",
    )


def _offset(text: str, name: str) -> str:
    match = _OFFSET.fullmatch(text)
    if match is None:
        raise _invalid(name)
    sign, h1, h2, m2, s2, h3, m3, s3 = match.groups()
    hours, minutes, seconds = (int(v or 0) for v in ((h1 or h2 or h3), (m2 or m3), (s2 or s3)))
    total = hours * 3600 + minutes * 60 + seconds
    if minutes > 59 or seconds > 59 or total > 18 * 3600:
        raise _invalid(name)
    if seconds:
        raise SparkRuntimeException("INVALID_TIMEZONE", f"The timezone: {name} has an offset in seconds, which "
                                    "Ember does not support.", "22009")
    return f"{sign}{hours:02d}:{minutes:02d}"


def arrow_zone(name: str) -> str:
    """The Arrow time zone (an IANA name or ``±HH:MM``) for Spark's zone ID ``name``."""
    if name == "Z" or name in _UTC_NAMES:
        return "UTC"
    if name[:1] in ("+", "-"):
        return _offset(name, name)
    for prefix in _UTC_NAMES:
        if name.startswith(prefix) and name[len(prefix):len(prefix) + 1] in ("+", "-"):
            return _offset(name[len(prefix):], name)
    region = SHORT_IDS.get(name, name)
    if region[:1] in ("+", "-"):
        return region
    try:
        zoneinfo.ZoneInfo(region)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _invalid(name) from None
    return region
