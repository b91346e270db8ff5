"""Hash functions as ``FunctionSpec``s: ``md5``, ``sha1``, ``sha2``, ``crc32``, and Spark's
``hash`` (Murmur3 x86_32) and ``xxhash64`` (XXH64), both seeded with 42 and giving Spark's exact
values: each value is hashed by its type the way Spark's ``HashExpression`` does (ints as 4
bytes, longs and doubles as 8, ``-0.0`` as ``0.0``, strings as their UTF-8 bytes with Spark's
byte-at-a-time tail), NULL leaves the running hash unchanged, and each column's hash seeds the
next column's.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from typing import Any, Callable

from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.expressions.coercion import cast_if_needed
from ember.sql.expressions.function_call import ANY, FunctionCall, FunctionSpec, register
from ember.sql.expressions.literals import Literal

__all__: list[str] = []

M32, M64 = 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF
SEED = 42


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value >= 1 << (bits - 1) else value


# ---------------------------------------------------------------- Murmur3 x86_32, as Spark's
def _rotl32(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & M32


def _mix_k1(k1: int) -> int:
    k1 = (k1 * 0xCC9E2D51) & M32
    return (_rotl32(k1, 15) * 0x1B873593) & M32


def _mix_h1(h1: int, k1: int) -> int:
    h1 = _rotl32(h1 ^ k1, 13)
    return (h1 * 5 + 0xE6546B64) & M32


def _fmix32(h1: int, length: int) -> int:
    h1 ^= length
    h1 ^= h1 >> 16
    h1 = (h1 * 0x85EBCA6B) & M32
    h1 ^= h1 >> 13
    h1 = (h1 * 0xC2B2AE35) & M32
    return h1 ^ (h1 >> 16)


def _murmur_int(value: int, seed: int) -> int:
    return _fmix32(_mix_h1(seed, _mix_k1(value & M32)), 4)


def _murmur_long(value: int, seed: int) -> int:
    h1 = _mix_h1(seed, _mix_k1(value & M32))
    h1 = _mix_h1(h1, _mix_k1((value >> 32) & M32))
    return _fmix32(h1, 8)


def _murmur_bytes(data: bytes, seed: int) -> int:
    h1 = seed
    aligned = len(data) - len(data) % 4
    for (word,) in struct.iter_unpack("<I", data[:aligned]):
        h1 = _mix_h1(h1, _mix_k1(word))
    for byte in data[aligned:]:  # Spark mixes each tail byte, sign-extended, as its own word
        h1 = _mix_h1(h1, _mix_k1(_signed(byte, 8) & M32))
    return _fmix32(h1, len(data))


# ---------------------------------------------------------------- XXH64
P1, P2, P3, P4, P5 = (0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63,
                      0x27D4EB2F165667C5)


def _rotl64(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & M64


def _round64(acc: int, lane: int) -> int:
    return (_rotl64((acc + lane * P2) & M64, 31) * P1) & M64


def _merge64(acc: int, value: int) -> int:
    return ((acc ^ _round64(0, value)) * P1 + P4) & M64


def _xxh64(data: bytes, seed: int) -> int:
    n, i = len(data), 0
    if n >= 32:
        v = [(seed + P1 + P2) & M64, (seed + P2) & M64, seed & M64, (seed - P1) & M64]
        while i + 32 <= n:
            lanes = struct.unpack_from("<4Q", data, i)
            v = [_round64(a, lane) for a, lane in zip(v, lanes)]
            i += 32
        h = (_rotl64(v[0], 1) + _rotl64(v[1], 7) + _rotl64(v[2], 12) + _rotl64(v[3], 18)) & M64
        for a in v:
            h = _merge64(h, a)
    else:
        h = (seed + P5) & M64
    h = (h + n) & M64
    while i + 8 <= n:
        (lane,) = struct.unpack_from("<Q", data, i)
        h = (_rotl64(h ^ _round64(0, lane), 27) * P1 + P4) & M64
        i += 8
    if i + 4 <= n:
        (word,) = struct.unpack_from("<I", data, i)
        h = (_rotl64(h ^ (word * P1) & M64, 23) * P2 + P3) & M64
        i += 4
    while i < n:
        h = (_rotl64(h ^ (data[i] * P5) & M64, 11) * P1) & M64
        i += 1
    h ^= h >> 33
    h = (h * P2) & M64
    h ^= h >> 29
    h = (h * P3) & M64
    return h ^ (h >> 32)


# ---------------------------------------------------------------- values by type
_INT_TYPES = (T.BooleanType, T.ByteType, T.ShortType, T.IntegerType, T.DateType)
_LONG_TYPES = (T.LongType, T.TimestampType)


def _hash_value(value: Any, dt: T.DataType, seed: int, murmur: bool) -> int:
    """The running hash ``seed`` updated with one value of type ``dt``, as Spark's HashExpression."""
    if value is None:
        return seed
    if isinstance(dt, _INT_TYPES) or isinstance(dt, T.FloatType):
        if isinstance(dt, T.FloatType):
            value = struct.unpack("<i", struct.pack("<f", 0.0 if value == 0 else value))[0]
        elif isinstance(dt, T.DateType):
            value = value.toordinal() - 719163
        return _murmur_int(int(value), seed) if murmur else _xxh64(struct.pack("<i", int(value)), seed)
    if isinstance(dt, _LONG_TYPES) or isinstance(dt, T.DoubleType):
        if isinstance(dt, T.DoubleType):
            value = struct.unpack("<q", struct.pack("<d", 0.0 if value == 0 else value))[0]
        elif isinstance(dt, T.TimestampType):
            raise _unsupported(dt)
        return _murmur_long(value, seed) if murmur else _xxh64(struct.pack("<q", value), seed)
    if isinstance(dt, (T.StringType, T.BinaryType)):
        data = value.encode() if isinstance(value, str) else bytes(value)
        return _murmur_bytes(data, seed) if murmur else _xxh64(data, seed)
    if isinstance(dt, T.ArrayType):
        for element in value:
            seed = _hash_value(element, dt.elementType, seed, murmur)
        return seed
    if isinstance(dt, T.StructType):
        values = value.values() if isinstance(value, dict) else value
        for field, item in zip(dt.fields, values):
            seed = _hash_value(item, field.dataType, seed, murmur)
        return seed
    if isinstance(dt, T.DecimalType) and dt.precision <= 18:
        unscaled = int(value.scaleb(dt.scale))
        return _murmur_long(unscaled, seed) if murmur else _xxh64(struct.pack("<q", unscaled), seed)
    raise _unsupported(dt)


def _unsupported(dt: T.DataType) -> AnalysisException:
    return AnalysisException("UNSUPPORTED_FEATURE", f"Hashing a value of type {dt.simpleString()} is not supported.")


def _typed_args(call: FunctionCall) -> tuple:
    """The columns, then their types' DDL (the per-row hash needs the types)."""
    for arg in call.args:
        if isinstance(arg.data_type, T.MapType):
            raise AnalysisException(
                "DATATYPE_MISMATCH.HASH_MAP_TYPE",
                f"Cannot resolve \"{call.sql()}\" due to data type mismatch: Input to the function `{call.name}` "
                "cannot contain elements of the \"MAP\" type.")
        _hash_value(None, arg.data_type, 0, True)
    types = "\0".join(a.data_type.simpleString() for a in call.args)
    return tuple(call.args) + (Literal(types, T.StringType()),)


def _spark_hash(murmur: bool) -> Callable[..., int]:
    def run(*args: Any) -> int:
        *values, types = args
        seed = SEED
        for value, text in zip(values, types.split("\0")):
            seed = _hash_value(value, T.parse_datatype_string(text), seed, murmur)
        return _signed(seed, 32 if murmur else 64)
    return run


def _bytes(value: Any) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


def _binary_args(call: FunctionCall) -> tuple:
    first = call.args[0]
    if not isinstance(first.data_type, T.BinaryType):
        first = cast_if_needed(first, T.StringType())
    return (first,) + tuple(cast_if_needed(a, T.IntegerType()) for a in call.args[1:])


def _sha2(value: Any, bits: int) -> str | None:
    algorithm = {0: "sha256", 224: "sha224", 256: "sha256", 384: "sha384", 512: "sha512"}.get(bits)
    return None if algorithm is None else hashlib.new(algorithm, _bytes(value)).hexdigest()


for spec in [
    FunctionSpec("md5", (ANY,), T.StringType(), coerce_args=_binary_args,
                 row=lambda v: hashlib.md5(_bytes(v)).hexdigest()),
    FunctionSpec("sha1", (ANY,), T.StringType(), coerce_args=_binary_args,
                 row=lambda v: hashlib.sha1(_bytes(v)).hexdigest()),
    FunctionSpec("sha", (ANY,), T.StringType(), coerce_args=_binary_args,
                 row=lambda v: hashlib.sha1(_bytes(v)).hexdigest()),
    FunctionSpec("sha2", (ANY, ANY), T.StringType(), coerce_args=_binary_args, row=_sha2),
    FunctionSpec("crc32", (ANY,), T.LongType(), coerce_args=_binary_args, row=lambda v: zlib.crc32(_bytes(v))),
    FunctionSpec("hash", (ANY,), T.IntegerType(), variadic=True, min_args=1, null_safe=True, nullable=False,
                 coerce_args=_typed_args, row=_spark_hash(True), hidden_args=1),
    FunctionSpec("xxhash64", (ANY,), T.LongType(), variadic=True, min_args=1, null_safe=True, nullable=False,
                 coerce_args=_typed_args, row=_spark_hash(False), hidden_args=1),
]:
    register(spec)
