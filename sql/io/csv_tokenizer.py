"""Splitting CSV text into fields the way Spark's CSV reader (the univocity parser) does.

Spark's rules differ from RFC 4180, and this module reproduces them:

* the escape character (``escape``, default ``\\``) escapes the quote inside a quoted field, and
  itself when ``charToEscapeQuoteEscaping`` (default: the escape character) precedes it; in an
  unquoted field both are literal text;
* a doubled quote inside a quoted field stands for one quote only while the field still
  continues as a quoted field; a quote followed by anything but the delimiter, the line end or
  blanks is an *unescaped quote*, handled as ``unescapedQuoteHandling`` says
  (``STOP_AT_DELIMITER``, the default, keeps the field's text *with* its quotes up to the next
  delimiter: with the default escape, a field written with doubled quotes reads verbatim);
* an unquoted empty field is ``nullValue``, a quoted empty one ``emptyValue`` (both as text:
  the caller maps ``nullValue`` to NULL);
* with ``multiLine`` off every line is parsed on its own, so a quote left open ends at the end
  of its line.

``tokenize_line`` parses one line; ``tokenize_records`` parses a whole text whose records may
span lines (``multiLine``). A field layout the parser rejects (``RAISE_ERROR``, or text after a
closing quote) raises ``MalformedCSV``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterator

__all__ = ["Dialect", "MalformedCSV", "tokenize_line", "tokenize_records", "java_trim", "QUOTE_HANDLINGS"]

QUOTE_HANDLINGS = ("STOP_AT_DELIMITER", "BACK_TO_DELIMITER", "STOP_AT_CLOSING_QUOTE", "SKIP_VALUE", "RAISE_ERROR")
_NONE = "\0"  # univocity's "no such character"
_NL = "\n"
_BLANKS = "".join(chr(c) for c in range(1, 33))  # univocity's whitespace: U+0001 to the space


def java_trim(text: str) -> str:
    """Java's ``String.trim``: strips every character up to the space (U+0000 to U+0020)."""
    return text.strip("\0" + _BLANKS)


class MalformedCSV(ValueError):
    """The parser rejected a record's quoting."""


class _EOF(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Dialect:
    """The reader options that shape tokenization, as single characters (``"\\0"``: none)."""

    delimiter: str = ","
    quote: str = '"'
    escape: str = "\\"
    escape_escape: str = "\\"
    handling: str = "STOP_AT_DELIMITER"
    null_value: str = ""
    empty_value: str = ""
    ignore_leading: bool = False
    ignore_trailing: bool = False

    @property
    def until_delimiter(self) -> bool:
        return self.handling in ("STOP_AT_DELIMITER", "SKIP_VALUE", "BACK_TO_DELIMITER")

    def plain(self, line: str) -> list[str] | None:
        """The fields of ``line`` when no field can be quoted (no quote character in it)."""
        if self.quote != _NONE and self.quote in line:
            return None
        fields = line.split(self.delimiter)
        if self.ignore_leading:
            fields = [f.lstrip(_BLANKS) for f in fields]
        if self.ignore_trailing:
            fields = [f.rstrip(_BLANKS) for f in fields]
        null = self.null_value
        return [f if f else null for f in fields]


def _blank(ch: str) -> bool:
    return "\0" < ch <= " "


class _Parser:
    """One pass over ``text`` (records end at ``\\n``); the state is univocity's ``ch``/``prev``."""

    def __init__(self, text: str, dialect: Dialect):
        self.text = text
        self.pos = 0
        self.d = dialect
        self.ch = _NONE
        self.prev = _NONE
        self.unescaped = False
        self.buf: list[str] = []
        self.trim = False
        self.discard = False  # a skipped value: what follows, up to its end, is dropped
        self.fields: list[str] = []
        self.pending: list[list[str]] = []
        self.record_start = 0

    # -- input ---------------------------------------------------------------------------------
    def next_char(self) -> str:
        if self.pos >= len(self.text):
            raise _EOF
        ch = self.text[self.pos]
        self.pos += 1
        return ch

    def append_until(self, ch: str, *stops: str) -> str:
        """Append ``ch`` and what follows up to (not including) a stop character; return it."""
        text, start = self.text, self.pos
        if ch in stops:
            return ch
        self.buf.append(ch)
        end = min((i for i in (text.find(s, start) for s in stops if s != _NONE) if i >= 0), default=-1)
        if end < 0:
            self.buf.append(text[start:])
            self.pos = len(text)
            raise _EOF
        self.buf.append(text[start:end])
        self.pos = end + 1
        return text[end]

    def skip_blanks(self, ch: str) -> str:
        while _blank(ch) and ch != self.d.delimiter and ch != self.d.quote and ch != _NL:
            ch = self.next_char()
        return ch

    # -- output --------------------------------------------------------------------------------
    def value(self, text: str | None = None) -> None:
        if self.discard:
            text, self.buf, self.discard = self.d.null_value, [], False
        elif text is None:
            text = "".join(self.buf)
            self.buf = []
            if self.trim:
                text = text.rstrip(_BLANKS)
            text = text or self.d.empty_value
        self.fields.append(text)
        self.trim = False

    def empty(self) -> None:
        self.fields.append(self.d.null_value)
        self.discard = False

    # -- one record ----------------------------------------------------------------------------
    def record(self) -> None:
        d = self.d
        if d.ignore_leading and _blank(self.ch):
            self.ch = self.skip_blanks(self.ch)
        while self.ch != _NL:
            if d.ignore_leading and _blank(self.ch):
                self.ch = self.skip_blanks(self.ch)
            if self.ch == d.delimiter or self.ch == _NL:
                self.empty()
            else:
                self.unescaped = False
                self.prev = _NONE
                if self.ch == d.quote:
                    text = self.simple_quoted()
                    if text is not None:
                        self.fields.append(text or d.empty_value)
                        self.ch = self.next_char()
                        if self.ch == d.delimiter:
                            try:
                                self.ch = self.next_char()
                            except _EOF:
                                self.empty()
                                return
                            if self.ch == _NL:
                                self.empty()
                        continue
                    self.quoted()
                    if not (self.unescaped and d.handling == "BACK_TO_DELIMITER" and not self.buf):
                        self.value()
                else:
                    self.trim = d.ignore_trailing
                    self.ch = self.append_until(self.ch, d.delimiter, _NL)
                    self.value()
            if self.ch != _NL:
                self.ch = self.next_char()
                if self.ch == _NL:
                    self.empty()

    def simple_quoted(self) -> str | None:
        """The quoted field at ``pos`` when it is plain (univocity's shortcut, which decides some
        layouts differently from the general path): it closes right before the delimiter or the
        line end, and holds no line end and no escape before a quote or before the escape's
        escape. ``None`` otherwise."""
        d, text, start = self.d, self.text, self.pos
        i = start
        while i < len(text):
            ch = text[i]
            if ch == d.quote:
                if text[i - 1] == d.escape or i + 1 >= len(text) or text[i + 1] not in (d.delimiter, _NL):
                    return None
                self.pos = i + 1
                return text[start:i]
            if ch == d.escape and i + 1 < len(text) and text[i + 1] in (d.quote, d.escape_escape):
                return None
            if ch == _NL:
                return None
            i += 1
        return None

    def quoted(self) -> None:
        """A field that starts with a quote (univocity's ``parseQuotedValue``)."""
        d = self.d
        if self.prev != _NONE and d.until_delimiter:
            if d.handling == "SKIP_VALUE":
                self.skip_value()
                return
            self.buf.insert(0, d.quote)
            self.ch = self.next_char()
            self.trim = d.ignore_trailing
            self.ch = self.append_until(self.ch, d.delimiter, _NL)
            return
        self.ch = self.next_char()
        while True:
            if self.prev == d.quote and (_blank(self.ch) or self.ch == d.delimiter or self.ch == _NL):
                break
            if self.ch != d.quote and self.ch != d.escape:
                if self.prev == d.quote:  # an unescaped quote
                    if self.unescaped_quote() and d.handling == "SKIP_VALUE":
                        break
                    return
                if self.prev == d.escape and d.escape != _NONE:
                    self.buf.append(d.escape)
                self.ch = self.append_until(self.ch, d.quote, d.escape, d.escape_escape)
                self.prev = self.ch
                self.ch = self.next_char()
            else:
                self.quote_or_escape()
                self.prev = self.ch
                self.ch = self.next_char()
                if self.unescaped and (self.ch == d.delimiter or self.ch == _NL):
                    return
        self.after_closing_quote()

    def after_closing_quote(self) -> None:
        d = self.d
        if self.ch != d.delimiter and self.ch != _NL and _blank(self.ch):
            blanks = []
            while True:
                blanks.append(self.ch)
                self.ch = self.next_char()
                if self.ch == _NL:
                    return
                if not _blank(self.ch):
                    break
            if self.ch != d.delimiter and d.handling != "RAISE_ERROR":
                self.buf.append(d.quote)
                self.buf.extend(blanks)
                if d.until_delimiter or (self.ch != d.quote and self.ch != d.escape):
                    self.buf.append(self.ch)
                self.prev = self.ch
                self.quoted()
        if self.ch != d.delimiter and self.ch != _NL:
            raise MalformedCSV(f"Unexpected character '{self.ch}' following quoted value of CSV field. "
                               f"Expecting '{d.delimiter}'.")

    def quote_or_escape(self) -> None:
        """``ch`` is the quote or the escape character inside a quoted field."""
        d, ch, prev = self.d, self.ch, self.prev
        if ch == d.escape and prev == d.escape_escape and d.escape_escape != _NONE:
            self.buf.append(d.escape)
            self.ch = _NONE
        elif prev == d.escape:
            if ch == d.quote:
                self.buf.append(d.quote)
                self.ch = _NONE
            else:
                self.buf.append(prev)
        elif ch == d.quote and prev == d.quote:
            self.buf.append(d.quote)
        elif prev == d.quote:
            self.unescaped_quote_in_value()

    def unescaped_quote(self) -> bool:
        """A quote followed by ordinary text inside a quoted field; ``False``: value abandoned."""
        d = self.d
        self.unescaped = True
        if d.handling == "BACK_TO_DELIMITER":
            text = "".join(self.buf)
            if _NL in text:
                raise NotImplementedError("unescapedQuoteHandling BACK_TO_DELIMITER with an unescaped quote "
                                          "after a line break inside a quoted field (multiLine)")
            while True:
                cut = min((i for i in (text.find(d.delimiter), text.find(_NL)) if i >= 0), default=-1)
                if cut < 0:
                    break
                self.value(text[:cut])
                if text[cut] == _NL:
                    self.pending.append(self.fields)
                    self.fields = []
                text = text[cut + 1:]
            self.buf = [text, self.ch]
            self.prev = _NONE
            self.quoted()
            return True
        if d.handling in ("STOP_AT_CLOSING_QUOTE", "STOP_AT_DELIMITER"):
            self.buf += [d.quote, self.ch]
            self.prev = self.ch
            self.quoted()
            return True
        self.skip_or_raise(quoted=True)
        return False

    def unescaped_quote_in_value(self) -> None:
        d = self.d
        if d.handling in ("BACK_TO_DELIMITER", "STOP_AT_CLOSING_QUOTE", "STOP_AT_DELIMITER"):
            self.buf.append(d.quote)
            self.prev = self.ch
            self.value_with_escapes()
        else:
            self.skip_or_raise(quoted=False)

    def value_with_escapes(self) -> None:
        d = self.d
        while self.ch != d.delimiter and self.ch != _NL:
            if self.ch != d.quote and self.ch != d.escape:
                if self.prev == d.quote:
                    self.unescaped_quote_in_value()
                    return
                self.buf.append(self.ch)
            else:
                self.quote_or_escape()
            self.prev = self.ch
            self.ch = self.next_char()

    def skip_or_raise(self, quoted: bool) -> None:
        if self.d.handling == "SKIP_VALUE":
            self.skip_value()
        elif self.d.handling == "RAISE_ERROR":
            where = "quoted " if quoted else ""
            raise MalformedCSV(f"Unescaped quote character '{self.d.quote}' inside {where}value of CSV field.")

    def skip_value(self) -> None:
        self.buf = []
        self.discard = True
        ch = self.ch
        while ch != self.d.delimiter and ch != _NL:
            ch = self.next_char()  # at the end of the text, ``ch`` keeps the value's first character
        self.ch = ch

    # -- end of input --------------------------------------------------------------------------
    def at_end(self) -> list[str] | None:
        """The record cut short by the end of the text (univocity's ``handleEOF``)."""
        d, ch, prev = self.d, self.ch, self.prev
        consume = False
        if ch == d.quote and prev == d.quote:
            consume = True
        else:
            if ch == d.quote and not self.unescaped:
                self.buf.append(d.quote)
            consume = prev != _NONE and ch != d.delimiter and ch != _NL
        content = self.pos > self.record_start
        if self.fields or consume:
            if self.buf or consume:
                self.value()
            elif content:
                self.empty()
        elif self.buf or content:
            if self.buf:
                self.value()
            else:
                self.empty()
        else:
            return None
        return self.fields


@functools.lru_cache(maxsize=32)
def _plain_quoting(delimiter: str, quote: str, escapes: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A line of plain fields (unquoted without the quote; quoted without a quote or an escape
    character inside, closed right before a delimiter or the end), and one such field with its
    delimiter."""
    q, sep = re.escape(quote), re.escape(delimiter)
    escape = "".join(re.escape(c) for c in escapes if c != _NONE)
    field = f"(?:{q}[^{q}{escape}]*{q}|[^{q}{sep}]*)"
    return (re.compile(f"{field}(?:{sep}{field})*"),
            re.compile(f"(?:^|{sep})(?:{q}([^{q}{escape}]*){q}|([^{q}{sep}]*))"))


def _plainly_quoted(line: str, d: Dialect) -> list[str] | None:
    """The fields of a line of plain fields, which univocity reads literally; else ``None``."""
    if d.ignore_leading or d.ignore_trailing:
        return None
    whole, field = _plain_quoting(d.delimiter, d.quote, d.escape + d.escape_escape)
    if whole.fullmatch(line) is None:
        return None
    return [(m[1] or d.empty_value) if m[1] is not None else (m[2] or d.null_value) for m in field.finditer(line)]


def tokenize_line(line: str, dialect: Dialect) -> list[str]:
    """The fields of one line (no line end in it), as Spark reads a line with ``multiLine`` off."""
    fields = dialect.plain(line)
    if fields is None:
        fields = _plainly_quoted(line, dialect)
    if fields is not None:
        return fields
    parser = _Parser(line, dialect)
    try:
        parser.ch = parser.next_char()
        parser.record()
    except _EOF:
        return parser.at_end() or []
    return parser.fields


def tokenize_records(text: str, dialect: Dialect,
                     comment: str | None = None) -> Iterator[tuple[list[str], str, int]]:
    """``(fields, raw text, offset)`` of each record of ``text`` (line ends already ``\\n``);
    records may span lines (``multiLine``). Empty lines and ``comment`` lines are skipped."""
    parser = _Parser(text, dialect)
    while parser.pos < len(text):
        start = parser.record_start = parser.pos
        parser.fields, parser.buf, parser.pending = [], [], []
        parser.prev, parser.unescaped, parser.trim, parser.discard = _NONE, False, False, False
        try:
            parser.ch = parser.next_char()
            if comment is not None and parser.ch == comment:
                end = text.find(_NL, parser.pos)
                parser.pos = len(text) if end < 0 else end + 1
                continue
            parser.record()
            fields = parser.fields
        except _EOF:
            fields = parser.at_end() or []
        raw = text[start:parser.pos]
        raw = raw[:-1] if raw.endswith(_NL) else raw
        yield from ((p, raw, start) for p in parser.pending)
        if fields:
            yield fields, raw, start
