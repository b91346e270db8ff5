"""The CSV reader's options, read as Spark's ``CSVOptions`` reads them.

Option names are case-insensitive (``Options``). Defaults are Spark's, not RFC 4180's: the
quote is ``"``, the escape ``\\``, ``charToEscapeQuoteEscaping`` the escape when it differs from
the quote; an empty ``quote``/``escape`` turns the character off. ``sep`` takes Spark's escapes
(``\\t``, ``\\n``, ``\\\\``, ...) and must be one character. Leading and trailing blanks are kept on read unless
``ignoreLeadingWhiteSpace``/``ignoreTrailingWhiteSpace`` ask otherwise. ``encoding`` (alias
``charset``) is one of the names Spark accepts (anything else fails as in Spark); the UTF-16 and
UTF-32 ones, which Spark garbles unless records may span lines, are refused without
``multiLine`` (and on write).
"""

from __future__ import annotations

from dataclasses import dataclass

from ember.sql.errors import EmberValueError, IllegalArgumentException
from ember.sql.io.csv_tokenizer import QUOTE_HANDLINGS, Dialect
from ember.sql.io.options import Options

__all__ = ["CsvSettings", "csv_settings", "delimiter_of", "encoding_of"]

_NONE = "\0"
_DELIMITER_ESCAPES = {"\\t": "\t", "\\r": "\r", "\\b": "\b", "\\f": "\f", '\\"': '"', "\\'": "'",
                      "\\n": "\n", "\\\\": "\\"}


@dataclass(frozen=True, slots=True)
class CsvSettings:
    """Everything about a CSV read that is not the schema."""

    dialect: Dialect
    multi_line: bool
    comment: str | None
    encoding: str


def _char(options: Options, name: str, default: str) -> str:
    value = options.get(name)
    if value is None:
        return default
    if len(value) > 1:
        raise EmberValueError("INVALID_OPTION_VALUE", f"Option '{name}' cannot be more than one character, "
                              f"got '{value}'.")
    return value or _NONE


def delimiter_of(options: Options) -> str:
    """``sep`` (or ``delimiter``) with Spark's escapes resolved; one character or an error."""
    text = options.get("sep") or options.get("delimiter") or ","
    out, i = [], 0
    while i < len(text):
        if text[i] != "\\":
            out.append(text[i])
            i += 1
            continue
        pair = text[i:i + 2]
        if pair not in _DELIMITER_ESCAPES:
            raise EmberValueError("INVALID_OPTION_VALUE", f"Unsupported special character for delimiter: {pair}")
        out.append(_DELIMITER_ESCAPES[pair])
        i += 2
    if len(out) != 1:
        raise EmberValueError("UNSUPPORTED_FEATURE", f"A CSV delimiter of {len(out)} characters ('{text}') is not "
                              "supported; use a single character.")
    return out[0]


_CHARSETS = ("iso-8859-1", "us-ascii", "utf-16", "utf-16be", "utf-16le", "utf-32", "utf-8")
_WIDE_CHARSETS = ("utf-16", "utf-16be", "utf-16le", "utf-32")


def encoding_of(options: Options, direction: str = "read") -> str:
    """The Python codec for ``encoding``/``charset``: Spark's names only, wide ones with ``multiLine``."""
    name = "encoding" if options.get("encoding") is not None else "charset"
    value = options.get(name)
    if value is None:
        return "utf-8"
    if value.lower() not in _CHARSETS:
        raise IllegalArgumentException(
            "INVALID_PARAMETER_VALUE.CHARSET", f"The value of parameter(s) `{name}` in `CSVOptions` is invalid: "
            f"expects one of the {', '.join(_CHARSETS)}, but got {value}.", "22023")
    if value.lower() in _WIDE_CHARSETS and (direction == "write" or not options.flag("multiLine")):
        where = "write" if direction == "write" else "read without multiLine"
        raise EmberValueError("UNSUPPORTED_FEATURE", f"The CSV option '{name}' = '{value}' is not supported by Ember "
                              f"for a {where}: use UTF-8, US-ASCII or ISO-8859-1.")
    return value.lower()


def _handling(options: Options) -> str:
    value = (options.get("unescapedQuoteHandling") or "STOP_AT_DELIMITER").upper()
    if value not in QUOTE_HANDLINGS:
        raise EmberValueError("INVALID_OPTION_VALUE", f"Unknown unescapedQuoteHandling '{value}'. "
                              f"Supported values: {', '.join(QUOTE_HANDLINGS)}.")
    return value


def csv_settings(options: Options) -> CsvSettings:
    """The reader settings ``options`` describe (raises ``EmberValueError`` naming a bad option)."""
    quote = _char(options, "quote", '"')
    escape = _char(options, "escape", "\\")
    escape_escape = options.get("charToEscapeQuoteEscaping")
    if escape_escape:
        escape_escape = _char(options, "charToEscapeQuoteEscaping", _NONE)
    else:
        escape_escape = escape if escape != quote else _NONE
    comment = options.get("comment")
    dialect = Dialect(
        delimiter=delimiter_of(options), quote=quote, escape=escape, escape_escape=escape_escape,
        handling=_handling(options), null_value=options.get("nullValue", "") or "",
        empty_value=options.get("emptyValue", "") or "",
        ignore_leading=options.flag("ignoreLeadingWhiteSpace"), ignore_trailing=options.flag("ignoreTrailingWhiteSpace"))
    return CsvSettings(dialect, options.flag("multiLine"), comment if comment and len(comment) == 1 else None,
                       encoding_of(options))
