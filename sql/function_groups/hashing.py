"""Digests and hashes: ``md5``, ``sha1``/``sha``, ``sha2``, ``crc32`` and Spark's ``hash``/``xxhash64``."""

from __future__ import annotations

from typing import Any, Callable

from ember.sql.column import Column, value_expression
from ember.sql.errors import EmberValueError
from ember.sql.function_groups.builders import (
    call as _call, col_arg as _c, sql_call as _sql_call, sql_namer, unary as _unary,
)

__all__ = [
    "md5", "sha1", "sha", "sha2", "crc32", "hash", "xxhash64", "hmac",
]

SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {}
_sql_name = sql_namer(SQL_FUNCTIONS)


md5, sha1, crc32 = _unary("md5"), _unary("sha1"), _unary("crc32")
for _name in ("md5", "sha1", "sha", "sha2", "crc32", "hash", "xxhash64"):
    SQL_FUNCTIONS[_name] = _sql_call(_name)


def sha2(col: Any, numBits: int) -> Column:
    """The SHA-2 digest (``numBits`` of 224, 256, 384 or 512; 0 means 256) as hex."""
    if numBits not in (0, 224, 256, 384, 512):
        raise EmberValueError("VALUE_NOT_ALLOWED", "Value for `numBits` has to be amongst the following values: "
                              "[0, 224, 256, 384, 512].")
    return _call("sha2", _c(col), value_expression(numBits))


def hash(*cols: Any) -> Column:
    """Spark's Murmur3 hash of the columns (seed 42), the same value Spark gives."""
    return _call("hash", *(_c(c) for c in cols))


def xxhash64(*cols: Any) -> Column:
    """Spark's XXH64 hash of the columns (seed 42), the same value Spark gives."""
    return _call("xxhash64", *(_c(c) for c in cols))


def sha(col: Any) -> Column:
    return _call("sha", _c(col))


SQL_FUNCTIONS["hmac"] = _sql_call("hmac")


def hmac(key: Any, message: Any, algorithm: Any = None) -> Column:
    """The HMAC of ``message`` under ``key`` with ``algorithm`` (SHA-256 by default; SHA-512, SHA-384,
    SHA-224, SHA-1, MD5)."""
    return _call("hmac", _c(key), _c(message), *(() if algorithm is None else (_c(algorithm),)))
