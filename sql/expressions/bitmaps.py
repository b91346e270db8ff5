"""Spark's bitmap functions: positions and buckets of 32768-bit bitmaps (``bitmap_bit_position``,
``bitmap_bucket_number``), their population count (``bitmap_count``) and the aggregates that
build them (``bitmap_construct_agg``) or combine them (``bitmap_or_agg``, ``bitmap_and_agg``).

A bitmap is 4096 bytes, bit ``p`` the ``p % 8``-th lowest of byte ``p // 8``, as Spark lays it
out; the aggregates are reduced per group in Python over Arrow's list of the group's values.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from ember.sql import types as T
from ember.sql.errors import AnalysisException, SparkRuntimeException
from ember.sql.expressions.aggregates import AggregateFunction, AggSpec
from ember.sql.expressions.base import Expression
from ember.sql.expressions.coercion import cast_if_needed
from ember.sql.expressions.function_call import FunctionSpec, register

__all__ = ["BitmapAggregate"]

NUM_BYTES = 4096
NUM_BITS = NUM_BYTES * 8
L, B = T.LongType(), T.BinaryType()


def bit_position(value: int) -> int:
    return (value - 1) % NUM_BITS if value > 0 else (-value) % NUM_BITS


def bucket_number(value: int) -> int:
    return 1 + (value - 1) // NUM_BITS if value > 0 else -((-value) // NUM_BITS)


def bit_count(bitmap: bytes) -> int:
    return int.from_bytes(bitmap, "little").bit_count()


register(FunctionSpec("bitmap_bit_position", (L,), L, row=bit_position))
register(FunctionSpec("bitmap_bucket_number", (L,), L, row=bucket_number))
register(FunctionSpec("bitmap_count", (B,), L, row=bit_count))


def _construct(positions: list) -> bytes:
    bits = 0
    for p in positions:
        if p is None:
            continue
        if not 0 <= p < NUM_BITS:
            raise SparkRuntimeException(
                "INVALID_BITMAP_POSITION", f"The 0-indexed bitmap position {p} is out of bounds. The bitmap has "
                f"{NUM_BITS} bits ({NUM_BYTES} bytes).", "22003")
        bits |= 1 << p
    return bits.to_bytes(NUM_BYTES, "little")


def _combine(bitmaps: list, conjunction: bool) -> bytes:
    out = bytearray(b"\xff" * NUM_BYTES if conjunction else NUM_BYTES)
    for bitmap in bitmaps:
        if bitmap is None:
            continue
        if conjunction:  # bytes past a shorter bitmap's end count as zeros
            padded = bitmap[:NUM_BYTES].ljust(NUM_BYTES, b"\x00")
            out = bytearray(a & b for a, b in zip(out, padded))
        else:
            for i, byte in enumerate(bitmap[:NUM_BYTES]):
                out[i] |= byte
    return bytes(out)


_REDUCE = {"bitmap_construct_agg": _construct, "bitmap_or_agg": lambda v: _combine(v, False),
           "bitmap_and_agg": lambda v: _combine(v, True)}


@dataclass(frozen=True, slots=True)
class BitmapAggregate(AggregateFunction):
    """``bitmap_construct_agg(position)``, ``bitmap_or_agg(bitmap)`` or ``bitmap_and_agg(bitmap)``."""

    name: str = "bitmap_or_agg"

    ordered = True

    def coerce(self) -> Expression:
        wanted = L if self.name == "bitmap_construct_agg" else B
        dt = self.child.data_type
        ok = isinstance(dt, (T.IntegralType, T.NullType)) if wanted == L else isinstance(dt, (T.BinaryType, T.NullType))
        if not ok:
            raise AnalysisException(
                "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: The first parameter requires the "
                f"\"{wanted.simpleString().upper()}\" type, however \"{self.child.sql()}\" has the type "
                f"\"{dt.simpleString().upper()}\".", "42K09")
        return BitmapAggregate(cast_if_needed(self.child, wanted), self.name)

    @property
    def supports_partial(self) -> bool:
        return False

    @property
    def data_type(self) -> T.DataType:
        return B

    @property
    def nullable(self) -> bool:
        return False

    @property
    def pretty_name(self) -> str:
        return self.name

    def complete(self) -> AggSpec:
        return ("list", None)

    def finish_complete(self, result: pa.Array) -> pa.Array:
        reduce = _REDUCE[self.name]
        return pa.array([reduce(values or []) for values in result.to_pylist()], pa.binary())
