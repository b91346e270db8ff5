"""A HyperLogLog sketch for ``countApproxDistinct``: about how many distinct values were seen.

Spark keeps a streamlib ``HyperLogLogPlus`` of precision ``p`` (``2**p`` registers) derived
from the wanted relative standard deviation, and so does this sketch. Each value's 64-bit
hash picks a register with its top ``p`` bits; the register keeps the largest position of
the first one-bit in the remaining bits. The estimate uses Ertl's improved estimator
("New cardinality estimation algorithms for HyperLogLog sketches", 2017), which is unbiased
over the whole range without HLL++'s empirical bias tables; its relative standard error
is about ``1.04 / sqrt(2**p)``, the accuracy Spark's sketch has.

Like PySpark, a value is first reduced to 32 bits with ``portable_hash(x) & 0xFFFFFFFF``; the
JVM then hashes that number with its own MurmurHash, which this sketch replaces with
SplitMix64's finaliser. Estimates therefore differ from Spark's in the last digits, never in
accuracy.
"""

from __future__ import annotations

import math
from typing import Any

from ember.errors import EmberValueError
from ember.rdd.partitioner import portable_hash

_MASK64 = (1 << 64) - 1
_MAX_PRECISION = 24  # 16 MiB of registers per partition; Spark would allow up to 32 (4 GiB)


def precision_for(relative_sd: float) -> int:
    """Spark's precision for a relative standard deviation: ``ceil(2 log2(1.054 / sd))``, at least 4."""
    precision = max(4, math.ceil(2.0 * math.log(1.054 / relative_sd) / math.log(2)))
    if precision > _MAX_PRECISION:
        raise EmberValueError(
            f"countApproxDistinct(relativeSD={relative_sd}) needs 2^{precision} registers per partition; "
            f"Ember supports relativeSD >= {1.054 / 2 ** (_MAX_PRECISION / 2):.6f} (2^{_MAX_PRECISION} registers)")
    return precision


def _mix64(value: int) -> int:
    """SplitMix64's finaliser: spreads a 32-bit hash over 64 well-mixed bits."""
    value = (value + 0x9E3779B97F4A7C15) & _MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK64
    return value ^ (value >> 31)


class HyperLogLog:
    """``2**precision`` registers; ``add`` values, ``merge`` sketches, read ``cardinality()``."""

    def __init__(self, precision: int) -> None:
        self.precision = precision
        self.registers = bytearray(1 << precision)

    def add(self, value: Any) -> None:
        hashed = _mix64(portable_hash(value) & 0xFFFFFFFF)
        rest_bits = 64 - self.precision
        index = hashed >> rest_bits
        rest = hashed & ((1 << rest_bits) - 1)
        rank = rest_bits - rest.bit_length() + 1
        if rank > self.registers[index]:
            self.registers[index] = rank

    def merge(self, other: HyperLogLog) -> HyperLogLog:
        if other.precision != self.precision:
            raise EmberValueError(f"cannot merge HyperLogLog sketches of precision {self.precision} and {other.precision}")
        self.registers = bytearray(map(max, self.registers, other.registers))
        return self

    def cardinality(self) -> int:
        """Ertl's improved raw estimate from the histogram of register values."""
        m = len(self.registers)
        q = 64 - self.precision
        histogram = [0] * (q + 2)
        for value in self.registers:
            histogram[value] += 1
        z = m * _tau(1 - histogram[q + 1] / m)
        for k in range(q, 0, -1):
            z = 0.5 * (z + histogram[k])
        z += m * _sigma(histogram[0] / m)
        if math.isinf(z):
            return 0
        return round(m * m / (2 * math.log(2)) / z)


def _sigma(x: float) -> float:
    if x == 1.0:
        return math.inf
    y, z = 1.0, x
    while True:
        x *= x
        previous = z
        z += x * y
        y += y
        if z == previous:
            return z


def _tau(x: float) -> float:
    if x in (0.0, 1.0):
        return 0.0
    y, z = 1.0, 1.0 - x
    while True:
        x = math.sqrt(x)
        previous = z
        y *= 0.5
        z -= (1 - x) ** 2 * y
        if z == previous:
            return z / 3
