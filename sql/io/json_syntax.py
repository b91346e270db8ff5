"""Reading one JSON record as Spark's Jackson parser does with its reader options.

``json.loads`` reads strict JSON. Spark's defaults are wider: ``allowSingleQuotes`` (strings
and names in single quotes) and ``allowNonNumericNumbers`` (``NaN``, ``Infinity``, ``INF``,
each with a sign but ``NaN``). A line ``json.loads`` rejects is therefore re-read by a small
lenient parser that knows these two extensions and nothing else; with
``allowNonNumericNumbers=false`` the constants ``json.loads`` would take are refused. As in
Spark, a record is its first JSON value: text after it on the line is not read.

Numbers keep their text (``Number``), so a number read into a string column, or inferred as a
decimal (``prefersDecimal``), is the text Spark sees (``1.50``, not ``1.5``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["JsonSyntax", "loads_for", "RawFloat", "RawInt"]


class RawFloat(float):
    """A JSON number with a fraction or exponent, and its text."""

    text: str

    def __new__(cls, text: str) -> RawFloat:
        value = super().__new__(cls, text)
        value.text = text
        return value


class RawInt(int):
    """A JSON integer and its text."""

    text: str

    def __new__(cls, text: str) -> RawInt:
        value = super().__new__(cls, text)
        value.text = text
        return value


@dataclass(frozen=True, slots=True)
class JsonSyntax:
    single_quotes: bool = True
    non_numeric: bool = True


_CONSTANTS = {"NaN": float("nan"), "Infinity": float("inf"), "+Infinity": float("inf"), "-Infinity": float("-inf"),
              "INF": float("inf"), "+INF": float("inf"), "-INF": float("-inf")}
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")
_WORD = re.compile(r"[+-]?[A-Za-z]+")
_BLANK = re.compile(r"[ \t\n\r]*")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "'": "'"}


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"non-numeric number {name}")


class _Lenient:
    """A recursive-descent reader of JSON plus the two extensions ``JsonSyntax`` allows."""

    def __init__(self, text: str, syntax: JsonSyntax):
        self.text = text
        self.pos = 0
        self.syntax = syntax

    def blank(self) -> None:
        self.pos = _BLANK.match(self.text, self.pos).end()

    def value(self) -> Any:
        self.blank()
        if self.pos >= len(self.text):
            raise ValueError("unexpected end")
        ch = self.text[self.pos]
        if ch == "{":
            return self.obj()
        if ch == "[":
            return self.array()
        if ch == '"' or (ch == "'" and self.syntax.single_quotes):
            return self.string(ch)
        number = _NUMBER.match(self.text, self.pos)
        if number is not None and not (self.text[self.pos:self.pos + 1] == "-" and number.end() == self.pos + 1):
            self.pos = number.end()
            raw = number.group()
            return RawFloat(raw) if number.group(1) or number.group(2) else RawInt(raw)
        word = _WORD.match(self.text, self.pos)
        if word is None:
            raise ValueError(f"unexpected character {ch!r}")
        self.pos = word.end()
        token = word.group()
        if token in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[token]
        if token in _CONSTANTS and self.syntax.non_numeric:
            return _CONSTANTS[token]
        raise ValueError(f"unexpected token {token!r}")

    def expect(self, ch: str) -> None:
        self.blank()
        if self.text[self.pos:self.pos + 1] != ch:
            raise ValueError(f"expected {ch!r}")
        self.pos += 1

    def peek(self) -> str:
        self.blank()
        return self.text[self.pos:self.pos + 1]

    def obj(self) -> dict[str, Any]:
        self.pos += 1
        out: dict[str, Any] = {}
        if self.peek() == "}":
            self.pos += 1
            return out
        while True:
            quote = self.peek()
            if quote != '"' and not (quote == "'" and self.syntax.single_quotes):
                raise ValueError("expected a field name")
            key = self.string(quote)
            self.expect(":")
            out[key] = self.value()
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("}")
            return out

    def array(self) -> list[Any]:
        self.pos += 1
        out: list[Any] = []
        if self.peek() == "]":
            self.pos += 1
            return out
        while True:
            out.append(self.value())
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("]")
            return out

    def string(self, quote: str) -> str:
        text, i = self.text, self.pos + 1
        out = []
        while True:
            if i >= len(text):
                raise ValueError("unclosed string")
            ch = text[i]
            if ch == quote:
                self.pos = i + 1
                return "".join(out)
            if ch < " ":
                raise ValueError("control character in a string")
            if ch == "\\":
                nxt = text[i + 1:i + 2]
                if nxt == "u":
                    out.append(chr(int(text[i + 2:i + 6], 16)))
                    i += 6
                    continue
                if nxt not in _ESCAPES or (nxt == "'" and quote != "'"):
                    raise ValueError(f"bad escape \\{nxt}")
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            out.append(ch)
            i += 1


def loads_for(syntax: JsonSyntax) -> Callable[[str], Any]:
    """A ``loads`` for one record's text under ``syntax``; raises ``ValueError`` when malformed."""
    constant = None if syntax.non_numeric else _refuse_constant

    def loads(text: str) -> Any:
        try:
            if constant is None:
                return json.loads(text, parse_float=RawFloat, parse_int=RawInt)
            return json.loads(text, parse_float=RawFloat, parse_int=RawInt, parse_constant=constant)
        except ValueError:
            pass
        return _Lenient(text, syntax).value()

    return loads
