"""Spark datetime patterns (``dd/MM/yyyy HH:mm``) for the ``dateFormat``/``timestampFormat``/
``timestampNTZFormat`` options of the CSV and JSON readers and writers.

A pattern compiles to a regular expression that must match the whole text (case-insensitively,
as Spark's formatter parses) and a builder that checks the fields strictly, as Java's
``ResolverStyle.STRICT`` does: ``dd`` takes exactly two digits, ``d`` one or more, ``S…S``
one up to as many fraction digits as letters, ``yy`` is a year of 2000–2099, and a day that
does not exist (``31/02``) is not a date. ``[...]`` is an optional section and ``'...'``
literal text. Fields absent from the pattern default to 1970-01-01 00:00. A zone (``X``,
``x``, ``Z``) converts the instant to the session's local time, as Ember's timestamps are;
zone names (``z``, ``V``, ``O``), week-based fields and other letters are refused, naming the
letter, as is a day name (``E``) when parsing: Spark fails the read when it disagrees with the
date.

Writing renders the same letters; timestamps are local (``X`` writes the local offset, ``Z``
for UTC).
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from typing import Any, Callable

from ember.sql.errors import EmberValueError

__all__ = ["compile_parser", "compile_formatter"]

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december"]
_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_LETTERS = set("yuMLdDHhkKmsSaEXxZ")
_ZONE = r"Z|[+-]\d{2}(?::?\d{2})?"


@dataclass(frozen=True, slots=True)
class _Field:
    letter: str
    count: int


@dataclass(frozen=True, slots=True)
class _Optional:
    parts: tuple[Any, ...]


def _unsupported(letter: str, pattern: str) -> EmberValueError:
    return EmberValueError("INVALID_DATETIME_PATTERN",
                           f"The datetime pattern letter '{letter}' of '{pattern}' is not supported by Ember.")


def _tokens(pattern: str) -> tuple[Any, ...]:
    """The pattern as literals (``str``), fields and optional sections."""
    stack: list[list[Any]] = [[]]
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "'":
            end = pattern.find("'", i + 1)
            while end >= 0 and pattern[end + 1:end + 2] == "'":
                end = pattern.find("'", end + 2)
            if end < 0:
                raise EmberValueError("INVALID_DATETIME_PATTERN", f"Unclosed quote in the datetime pattern '{pattern}'.")
            stack[-1].append("'" if end == i + 1 else pattern[i + 1:end].replace("''", "'"))
            i = end + 1
        elif ch == "[":
            stack.append([])
            i += 1
        elif ch == "]":
            if len(stack) == 1:
                raise EmberValueError("INVALID_DATETIME_PATTERN", f"Unbalanced ']' in the datetime pattern '{pattern}'.")
            section = stack.pop()
            stack[-1].append(_Optional(tuple(section)))
            i += 1
        elif ch.isalpha():
            j = i
            while j < len(pattern) and pattern[j] == ch:
                j += 1
            if ch not in _LETTERS:
                raise _unsupported(ch, pattern)
            stack[-1].append(_Field(ch, j - i))
            i = j
        else:
            stack[-1].append(ch)
            i += 1
    if len(stack) != 1:
        raise EmberValueError("INVALID_DATETIME_PATTERN", f"Unbalanced '[' in the datetime pattern '{pattern}'.")
    return tuple(stack[0])


def _field_regex(f: _Field) -> str:
    letter, n = f.letter, f.count
    if letter in "yu":
        return r"\d{2}" if n == 2 else (r"\d{1,9}" if n == 1 else r"\d{%d,9}" % n)
    if letter in "ML":
        if n >= 4:
            return "|".join(_MONTHS)
        if n == 3:
            return "|".join(m[:3] for m in _MONTHS)
    if letter == "a":
        return "am|pm"
    if letter == "S":
        return r"\d{1,%d}" % n
    if letter in "XxZ":
        return _ZONE
    if letter == "D":
        return r"\d+" if n == 1 else r"\d{%d,3}" % n
    return r"\d+" if n == 1 else r"\d{%d}" % n


def _regex(parts: tuple[Any, ...], groups: list[_Field]) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(re.escape(part))
        elif isinstance(part, _Optional):
            out.append(f"(?:{_regex(part.parts, groups)})?")
        else:
            groups.append(part)
            out.append(f"({_field_regex(part)})")
    return "".join(out)


def _offset(text: str) -> datetime.timezone:
    if text.upper() == "Z":
        return datetime.timezone.utc
    digits = text[1:].replace(":", "")
    delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    return datetime.timezone(-delta if text[0] == "-" else delta)


def _resolve(groups: list[_Field], values: tuple[str | None, ...], want_date: bool,
             local: bool) -> datetime.date | datetime.datetime:
    year, month, day, hour, minute, second, micro = 1970, 1, 1, 0, 0, 0, 0
    day_of_year = half = zone = None
    clock: tuple[str, int] | None = None
    for f, text in zip(groups, values):
        if text is None:
            continue
        letter, lower = f.letter, text.lower()
        if letter in "yu":
            year = 2000 + int(text) if f.count == 2 else int(text)
        elif letter in "ML":
            month = int(text) if f.count <= 2 else [m[:len(lower)] for m in _MONTHS].index(lower) + 1
        elif letter == "d":
            day = int(text)
        elif letter == "D":
            day_of_year = int(text)
        elif letter in "HhkK":
            clock = (letter, int(text))
        elif letter == "m":
            minute = int(text)
        elif letter == "s":
            second = int(text)
        elif letter == "S":
            micro = int(text.ljust(6, "0")[:6])
        elif letter == "a":
            half = lower
        else:
            zone = _offset(text)
    if clock is not None:
        letter, value = clock
        limits = {"H": (0, 23), "k": (1, 24), "h": (1, 12), "K": (0, 11)}[letter]
        if not limits[0] <= value <= limits[1]:
            raise ValueError(f"hour {value} out of range")
        hour = {"H": value, "k": value % 24, "h": value % 12, "K": value}[letter]
        if letter in "hK" and half == "pm":
            hour += 12
    value = datetime.datetime(year, month, day, hour, minute, second, micro)
    if day_of_year is not None:
        value = value.replace(month=1, day=1) + datetime.timedelta(days=day_of_year - 1)
        if value.year != year:
            raise ValueError("day of year out of range")
    if want_date:
        return value.date()
    if zone is not None and local:
        value = value.replace(tzinfo=zone).astimezone().replace(tzinfo=None)
    return value


@functools.lru_cache(maxsize=64)
def compile_parser(pattern: str, kind: str) -> Callable[[str], Any]:
    """A parser of text in ``pattern`` to a ``date`` (``kind="date"``), a local ``timestamp`` or
    a ``timestamp_ntz`` (the zone, if any, is ignored); it raises ``ValueError`` on a mismatch."""
    groups: list[_Field] = []
    regex = re.compile(_regex(_tokens(pattern), groups), re.IGNORECASE)
    if any(f.letter == "E" for f in groups):
        # Spark fails the whole read when a day name disagrees with the date (its legacy-parser check)
        raise _unsupported("E", pattern)
    want_date, local = kind == "date", kind == "timestamp"

    def parse(text: str) -> Any:
        match = regex.fullmatch(text)
        if match is None:
            raise ValueError(f"{text!r} does not match the pattern {pattern!r}")
        return _resolve(groups, match.groups(), want_date, local)

    return parse


def _render(f: _Field, value: datetime.date | datetime.datetime) -> str:
    letter, n = f.letter, f.count
    is_time = isinstance(value, datetime.datetime)
    if letter in "yu":
        return f"{value.year % 100:02d}" if n == 2 else f"{value.year:0{n}d}"
    if letter in "ML":
        return f"{value.month:0{n}d}" if n <= 2 else (_MONTHS[value.month - 1] if n >= 4
                                                      else _MONTHS[value.month - 1][:3]).capitalize()
    if letter == "d":
        return f"{value.day:0{n}d}"
    if letter == "D":
        return f"{value.timetuple().tm_yday:0{n}d}"
    if letter == "E":
        name = _DAYS[value.weekday()]
        return (name if n >= 4 else name[:3]).capitalize()
    hour = value.hour if is_time else 0
    if letter == "H":
        return f"{hour:0{n}d}"
    if letter == "k":
        return f"{hour or 24:0{n}d}"
    if letter == "h":
        return f"{hour % 12 or 12:0{n}d}"
    if letter == "K":
        return f"{hour % 12:0{n}d}"
    if letter == "a":
        return "AM" if hour < 12 else "PM"
    if letter == "m":
        return f"{value.minute if is_time else 0:0{n}d}"
    if letter == "s":
        return f"{value.second if is_time else 0:0{n}d}"
    if letter == "S":
        return f"{value.microsecond if is_time else 0:06d}000"[:n]
    offset = (value if is_time else datetime.datetime(value.year, value.month, value.day)).astimezone().utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if minutes == 0 and letter == "X":
        return "Z"
    sign, minutes = ("-" if minutes < 0 else "+"), abs(minutes)
    hh, mm = divmod(minutes, 60)
    if letter == "Z":
        return f"{sign}{hh:02d}:{mm:02d}" if n == 5 else f"{sign}{hh:02d}{mm:02d}"
    if n == 1:
        return f"{sign}{hh:02d}" + (f"{mm:02d}" if mm else "")
    return f"{sign}{hh:02d}:{mm:02d}" if n in (3, 5) else f"{sign}{hh:02d}{mm:02d}"


def _format(parts: tuple[Any, ...], value: Any) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, _Optional):
            out.append(_format(part.parts, value))
        else:
            out.append(_render(part, value))
    return "".join(out)


@functools.lru_cache(maxsize=64)
def compile_formatter(pattern: str) -> Callable[[Any], str]:
    """A renderer of a ``date`` or naive local ``datetime`` as ``pattern`` text."""
    parts = _tokens(pattern)
    return lambda value: _format(parts, value)


