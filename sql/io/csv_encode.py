"""Writing CSV fields as Spark's writer does (its univocity settings, not Python's ``csv``).

Per value: NULL is ``nullValue`` (default empty); text is trimmed of leading and trailing blanks
unless ``ignoreLeadingWhiteSpace``/``ignoreTrailingWhiteSpace`` are false (both default true on
write); an empty string is ``emptyValue`` (default ``""``). A value is quoted when ``quoteAll``
is set, or it holds the delimiter, a line end, or (``escapeQuotes``, default true) the quote,
or starts with ``#`` (the writer's comment character unless ``comment`` names another). Inside
quotes the quote is written as ``escape`` + quote (default ``\\"``) and the escape itself as
``charToEscapeQuoteEscaping`` + escape (default ``\\\\``; nothing when escape and quote are the
same character).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ember.sql.io.csv_dialect import delimiter_of
from ember.sql.io.options import Options

__all__ = ["CsvWriteSettings", "csv_write_settings", "encode_line"]

_BLANKS = "".join(chr(c) for c in range(1, 33))


@dataclass(frozen=True, slots=True)
class CsvWriteSettings:
    delimiter: str
    quote: str
    escape: str
    escape_escape: str
    comment: str
    null_value: str
    empty_value: str
    quote_all: bool
    escape_quotes: bool
    trim_leading: bool
    trim_trailing: bool


def csv_write_settings(options: Options) -> CsvWriteSettings:
    """The writer's settings from ``options`` (case-insensitive names, Spark's defaults)."""
    quote = options.get("quote", '"') or "\0"
    escape = options.get("escape", "\\") or "\0"
    escape_escape = options.get("charToEscapeQuoteEscaping") or (escape if escape != quote else "\0")
    comment = options.get("comment") or "#"
    return CsvWriteSettings(
        delimiter_of(options), quote, escape, escape_escape, comment,
        options.get("nullValue", "") or "", options.get("emptyValue", '""') or "",
        options.flag("quoteAll"), options.flag("escapeQuotes", True),
        options.flag("ignoreLeadingWhiteSpace", True), options.flag("ignoreTrailingWhiteSpace", True))


def _quoted(text: str, s: CsvWriteSettings) -> str:
    if s.escape_escape != "\0" and s.escape != "\0" and s.escape != s.quote:
        text = text.replace(s.escape, s.escape_escape + s.escape)
    if s.quote != "\0":
        text = text.replace(s.quote, (s.escape if s.escape != "\0" else s.quote) + s.quote)
    return f"{s.quote}{text}{s.quote}"


def _field(value: str | None, s: CsvWriteSettings) -> str:
    if value is None:
        return _quoted(s.null_value, s) if s.quote_all else s.null_value
    if s.trim_leading:
        value = value.lstrip(_BLANKS)
    if s.trim_trailing:
        value = value.rstrip(_BLANKS)
    if not value:
        return s.empty_value
    if (s.quote_all or s.delimiter in value or "\n" in value or "\r" in value or value.startswith(s.comment)
            or (s.escape_quotes and s.quote != "\0" and s.quote in value)):
        return _quoted(value, s)
    return value


def encode_line(values: list[Any], s: CsvWriteSettings, text: Callable[[Any], str]) -> str:
    """One CSV line (with its ``\\n``) for ``values``; ``text`` renders a non-NULL value."""
    return s.delimiter.join(_field(None if v is None else text(v), s) for v in values) + "\n"
