"""Scalar functions of several small families, as ``FunctionSpec``s: ``array_insert``, ``mask``,
``parse_url``, and the session facts ``current_user``, ``current_database``/``current_schema``,
``current_catalog`` (constants fixed when the query is analysed)."""

from __future__ import annotations

import getpass
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from ember.sql import types as T
from ember.sql.errors import SparkRuntimeException
from ember.sql.expressions.base import ArrowValue, Expression
from ember.sql.expressions.collections_more import array_and_element, first_type
from ember.sql.expressions.coercion import cast_if_needed
from ember.sql.expressions.function_call import ANY, FunctionCall, FunctionSpec, register

__all__ = ["SessionFact"]

STRING = T.StringType()


def _array_insert(array: list | None, pos: int | None, value: Any) -> list | None:
    """Spark's 1-based insert: negative positions count from the end; past either end pads with NULLs."""
    if array is None or pos is None:
        return None
    if pos == 0:
        raise SparkRuntimeException("INVALID_INDEX_OF_ZERO",
                                    "The index 0 is invalid. An index shall be either < 0 or > 0 (the first element "
                                    "has index 1).", "22003")
    n = len(array)
    if pos > 0:
        return array[:pos - 1] + [value] + array[pos - 1:] if pos <= n + 1 else array + [None] * (pos - n - 1) + [value]
    if -pos <= n:
        at = n + pos + 1
        return array[:at] + [value] + array[at:]
    return [value] + [None] * (-pos - n - 1) + array


def _array_insert_args(call: FunctionCall) -> tuple:
    """The array and the value cast to one element type (as ``array_append``), the position to int."""
    array, value = array_and_element(FunctionCall(call.name, (call.args[0], call.args[2])))
    return array, cast_if_needed(call.args[1], T.IntegerType()), value


register(FunctionSpec("array_insert", (ANY, ANY, ANY), first_type, row=_array_insert, null_safe=True,
                      coerce_args=_array_insert_args))


def _mask(text: str | None, upper: str | None, lower: str | None, digit: str | None, other: str | None) -> str | None:
    if text is None:
        return None

    def replace(c: str) -> str:
        if "A" <= c <= "Z":
            return upper if upper is not None else c
        if "a" <= c <= "z":
            return lower if lower is not None else c
        if "0" <= c <= "9":
            return digit if digit is not None else c
        return other if other is not None else c

    return "".join(replace(c) for c in text)


register(FunctionSpec("mask", (STRING, STRING, STRING, STRING, STRING), STRING, row=_mask, null_safe=True,
                      min_args=1))

_URL_PARTS = ("HOST", "PATH", "QUERY", "REF", "PROTOCOL", "FILE", "AUTHORITY", "USERINFO")


_URI_ILLEGAL = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]|%(?![0-9A-Fa-f]{2})|#.*#')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


def _java_uri_ok(url: str) -> bool:
    """Whether Java's ``new URI(url)``, which Spark parses with, accepts ``url``: no spaces or
    other illegal characters, well-formed ``%`` escapes, one ``#`` at most, a well-formed scheme."""
    if _URI_ILLEGAL.search(url):
        return False
    head = re.match(r"[^/?#]*?:", url)
    return head is None or _SCHEME.fullmatch(head.group(0)[:-1]) is not None


def _parse_url(url: str, part: str, key: str | None = None) -> str | None:
    parsed = urllib.parse.urlsplit(url) if _java_uri_ok(url) else None
    if parsed is None:
        raise SparkRuntimeException("INVALID_URL", f"The url is invalid: {url}. Use `try_parse_url` to tolerate "
                                    "invalid URL and return NULL instead.", "22P02")
    if parsed.scheme and not url[len(parsed.scheme) + 1:].startswith("/"):
        return part == "PROTOCOL" and parsed.scheme or None  # an opaque URI (mailto:a@b.c) has no parts
    host = parsed.netloc.rpartition("@")[2]
    host, _, port = host.rpartition(":") if re.search(r":[^\]]*$", host) else (host, "", "")
    values = {
        "HOST": host if host and (port == "" or port.isdigit()) else None,  # a bad port: Java's registry authority
        "PATH": parsed.path or None, "QUERY": parsed.query or None,
        "REF": parsed.fragment or None, "PROTOCOL": parsed.scheme or None,
        "FILE": parsed.path + ("?" + parsed.query if parsed.query else "") or None,
        "AUTHORITY": parsed.netloc or None,
        "USERINFO": parsed.netloc.rpartition("@")[0] if "@" in parsed.netloc else None,
    }
    value = values.get(part)
    if key is None or part != "QUERY" or value is None:
        return value
    for pair in value.split("&"):
        name, _, found = pair.partition("=")
        if name == key:
            return found
    return None


def _try_parse_url(url: str, part: str, key: str | None = None) -> str | None:
    try:
        return _parse_url(url, part, key)
    except SparkRuntimeException:
        return None


register(FunctionSpec("parse_url", (STRING, STRING, STRING), STRING, row=_parse_url, min_args=2))
register(FunctionSpec("try_parse_url", (STRING, STRING, STRING), STRING, row=_try_parse_url, min_args=2))


@dataclass(frozen=True, slots=True)
class SessionFact(Expression):
    """``current_user()``, ``current_schema()``, ``current_catalog()``…: a string fixed at analysis."""

    name: str
    value: str

    @property
    def data_type(self) -> T.DataType:
        return STRING

    @property
    def nullable(self) -> bool:
        return False

    @property
    def foldable(self) -> bool:
        return True

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pa.scalar(self.value, pa.string())

    def _fmt(self, args: list[str]) -> str:
        return f"{self.name}()"


def current_user_name() -> str:
    """The user running the session, as Spark reports the operating-system user."""
    return getpass.getuser()
