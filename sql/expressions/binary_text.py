"""Bytes and text: ``to_binary``/``try_to_binary``, ``to_base32``/``from_base32``, the UTF-8
checks (``is_valid_utf8``, ``make_valid_utf8``, ``validate_utf8``, ``try_validate_utf8``),
``try_url_decode`` and ``hmac``, as ``FunctionSpec``s (see ``function_call.py``).

A STRING argument may hold any bytes here (a BINARY column passed as it is), as in Spark, whose
strings are bytes until read as text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac as _hmac

from ember.sql import types as T
from ember.sql.errors import AnalysisException, IllegalArgumentException
from ember.sql.expressions.function_call import ANY, FunctionCall, FunctionSpec, register

__all__: list[str] = []

S, B, BOOL = T.StringType(), T.BinaryType(), T.BooleanType()
_FORMATS = ("hex", "utf-8", "utf8", "base64")


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def _unhex(text: str) -> bytes | None:
    """Spark's ``unhex``: an odd count of digits gets a leading 0; NULL for a non-hex digit."""
    digits = text if len(text) % 2 == 0 else "0" + text
    try:
        return bytes.fromhex(digits)
    except ValueError:
        return None


def _unbase64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _format_of(call: FunctionCall) -> str:
    """The literal format of ``to_binary`` (``hex`` when there is none), checked as Spark does."""
    from ember.sql.expressions.literals import Literal

    if len(call.args) < 2:
        return "hex"
    fmt = call.args[1]
    value = fmt.value if isinstance(fmt, Literal) else None
    if not isinstance(value, str) or value.lower() not in _FORMATS:
        raise AnalysisException(
            "DATATYPE_MISMATCH.INVALID_ARG_VALUE",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: The fmt value must to be a case-insensitive "
            f"\"STRING\" literal of 'hex', 'utf-8', 'utf8', or 'base64', but got {fmt.sql()!r}.", "42K09")
    return value.lower()


def _to_binary_args(call: FunctionCall) -> tuple:
    """The text as STRING and the format as given; ``to_binary`` checks the format first."""
    from ember.sql.expressions.coercion import cast_if_needed

    if call.name == "to_binary":
        _format_of(call)
    return (cast_if_needed(call.args[0], S), *call.args[1:])


def _to_binary(text: str, fmt: str = "hex") -> bytes | None:
    """The bytes ``text`` spells in ``fmt``; NULL for text that does not (and for an unknown format,
    which only ``try_to_binary`` lets through)."""
    fmt = fmt.lower()
    if fmt == "hex":
        return _unhex(text)
    if fmt == "base64":
        return _unbase64(text)
    return _bytes(text) if fmt in _FORMATS else None


def _valid(value: str | bytes) -> bool:
    if isinstance(value, str):
        return True
    try:
        value.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _made_valid(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode("utf-8", errors="replace")


def _validated(value: str | bytes) -> str:
    if _valid(value):
        return _made_valid(value)
    shown = "".join(f"\\x{b:02X}" for b in value)
    raise IllegalArgumentException("INVALID_UTF8_STRING", f"Invalid UTF8 byte sequence found in string: {shown}.",
                                   "22029")


def _try_url_decode(text: str) -> str | None:
    """``url_decode``, but NULL where a ``%`` escapes nothing."""
    from ember.sql.expressions.strings_more import url_decode

    try:
        return url_decode(text)
    except IllegalArgumentException:
        return None


_DIGESTS = {"SHA-256": hashlib.sha256, "SHA-512": hashlib.sha512, "SHA-384": hashlib.sha384,
            "SHA-224": hashlib.sha224, "SHA-1": hashlib.sha1, "SHA1": hashlib.sha1, "MD5": hashlib.md5}


def _hmac_of(key: str | bytes, message: str | bytes, algorithm: str = "SHA-256") -> bytes:
    digest = _DIGESTS.get(algorithm.upper())
    if digest is None:
        raise IllegalArgumentException("INVALID_PARAMETER_VALUE.HMAC_ALGORITHM",
                                       f"The value of parameter(s) `algorithm` in `hmac` is invalid: {algorithm!r}.",
                                       "22023")
    return _hmac.new(_bytes(key), _bytes(message), digest).digest()


for _spec in (
    FunctionSpec("to_binary", (S, S), B, min_args=1, coerce_args=_to_binary_args, row=_to_binary),
    FunctionSpec("try_to_binary", (S, S), B, min_args=1, coerce_args=_to_binary_args, row=_to_binary),
    FunctionSpec("to_base32", (ANY,), S, row=lambda v: base64.b32encode(_bytes(v)).decode("ascii")),
    FunctionSpec("from_base32", (S,), B, row=lambda v: base64.b32decode(v + "=" * (-len(v) % 8))),
    FunctionSpec("is_valid_utf8", (ANY,), BOOL, row=_valid),
    FunctionSpec("make_valid_utf8", (ANY,), S, row=_made_valid),
    FunctionSpec("validate_utf8", (ANY,), S, row=_validated),
    FunctionSpec("try_validate_utf8", (ANY,), S, row=lambda v: _made_valid(v) if _valid(v) else None),
    FunctionSpec("try_url_decode", (S,), S, row=_try_url_decode),
    FunctionSpec("hmac", (ANY, ANY, S), B, min_args=2, row=_hmac_of,
                 fmt=lambda a: f"hmac({', '.join(a + ['SHA-256'][len(a) - 2:])})"),
):
    register(_spec)
