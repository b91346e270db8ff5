"""Statistics over RDDs of numbers: ``StatCounter``, ``sum``, ``mean``, ``histogram``, …

Each partition folds its numbers into a ``StatCounter`` (count, mean and the sum of
squared deviations, updated with Welford's method so large inputs stay exact), and the
driver merges the partial counters with Chan's parallel formula.
"""

from __future__ import annotations

import bisect
import math
import operator
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ember.errors import EmberTypeError, EmberValueError

if TYPE_CHECKING:
    from ember.rdd.rdd import RDD


class StatCounter:
    """Running count, mean, variance, min and max of numbers (PySpark's API)."""

    def __init__(self, values: Iterable[float] | None = None) -> None:
        self.n = 0
        self.mu = 0.0
        self.m2 = 0.0
        self.maxValue = float("-inf")
        self.minValue = float("inf")
        for value in values or ():
            self.merge(value)

    def merge(self, value: float) -> StatCounter:
        delta = value - self.mu
        self.n += 1
        self.mu += delta / self.n
        self.m2 += delta * (value - self.mu)
        self.maxValue = max(self.maxValue, value)
        self.minValue = min(self.minValue, value)
        return self

    def mergeStats(self, other: StatCounter) -> StatCounter:
        if other is self:
            return self.mergeStats(other.copy())
        if other.n == 0:
            return self
        if self.n == 0:
            self.n, self.mu, self.m2 = other.n, other.mu, other.m2
        else:
            delta = other.mu - self.mu
            total = self.n + other.n
            self.mu = (self.mu * self.n + other.mu * other.n) / total
            self.m2 += other.m2 + delta * delta * self.n * other.n / total
            self.n = total
        self.maxValue = max(self.maxValue, other.maxValue)
        self.minValue = min(self.minValue, other.minValue)
        return self

    def copy(self) -> StatCounter:
        clone = StatCounter()
        clone.n, clone.mu, clone.m2 = self.n, self.mu, self.m2
        clone.maxValue, clone.minValue = self.maxValue, self.minValue
        return clone

    def count(self) -> int:
        return self.n

    def mean(self) -> float:
        return self.mu

    def sum(self) -> float:
        return self.n * self.mu

    def min(self) -> float:
        return self.minValue

    def max(self) -> float:
        return self.maxValue

    def variance(self) -> float:
        return float("nan") if self.n == 0 else self.m2 / self.n

    def sampleVariance(self) -> float:
        return float("nan") if self.n <= 1 else self.m2 / (self.n - 1)

    def stdev(self) -> float:
        return math.sqrt(self.variance())

    def sampleStdev(self) -> float:
        return math.sqrt(self.sampleVariance())

    def asDict(self, sample: bool = False) -> dict[str, float]:
        return {
            "count": self.count(), "mean": self.mean(), "sum": self.sum(),
            "min": self.min(), "max": self.max(),
            "stdev": self.sampleStdev() if sample else self.stdev(),
            "variance": self.sampleVariance() if sample else self.variance(),
        }

    def __repr__(self) -> str:
        return (f"(count: {self.count()}, mean: {self.mean()}, stdev: {self.stdev()}, "
                f"max: {self.max()}, min: {self.min()})")


def _is_comparable(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


class NumericRDDFunctions:
    """Statistics mixed into ``RDD``."""

    def stats(self: RDD) -> StatCounter:
        """A ``StatCounter`` of all records, in one pass.

        >>> sc.parallelize([1.0, 2.0, 3.0]).stats()
        (count: 3, mean: 2.0, stdev: 0.816496580927726, max: 3.0, min: 1.0)
        """
        partials = self.ctx.run_job(self, StatCounter)
        total = StatCounter()
        for partial in partials:
            total.mergeStats(partial)
        return total

    def sum(self: RDD) -> Any:
        """The sum of all records.

        >>> sc.parallelize([1.0, 2.0, 3.0]).sum()
        6.0
        """
        return sum(self.ctx.run_job(self, sum), 0)

    def mean(self: RDD) -> float:
        return self.stats().mean()

    def variance(self: RDD) -> float:
        return self.stats().variance()

    def stdev(self: RDD) -> float:
        return self.stats().stdev()

    def sampleVariance(self: RDD) -> float:
        return self.stats().sampleVariance()

    def sampleStdev(self: RDD) -> float:
        return self.stats().sampleStdev()

    def histogram(self: RDD, buckets: int | Sequence[Any]) -> tuple[list[Any], list[int]]:
        """Counts of the records in each bucket; the last bucket includes its upper bound.

        ``buckets`` is a number of evenly spaced buckets between the minimum and maximum,
        or a sorted list of bucket boundaries. ``None`` and NaN records are ignored.

        >>> sc.parallelize(range(51)).histogram(2)
        ([0, 25, 50], [25, 26])
        """
        if isinstance(buckets, bool) or not isinstance(buckets, (int, list, tuple)):
            raise EmberTypeError("buckets should be a list or tuple or number(int or long)")
        if isinstance(buckets, int):
            bounds, even = self._even_buckets(buckets)
            if even is None:
                return bounds
        else:
            bounds, even = _check_bucket_list(list(buckets))
        given = buckets if not isinstance(buckets, int) else None
        low, high = bounds[0], bounds[-1]
        width = (high - low) / (len(bounds) - 1) if even else None

        def count_partition(iterator: Iterable[Any]) -> list[int]:
            counts = [0] * len(bounds)
            for value in iterator:
                if not _is_comparable(value) or value > high or value < low:
                    continue
                index = int((value - low) / width) if even else bisect.bisect_right(bounds, value) - 1
                counts[index] += 1
            top = counts.pop()  # values equal to the top bound belong to the last bucket
            counts[-1] += top
            return counts

        partials = self.ctx.run_job(self, count_partition)
        counts = [sum(column) for column in zip(*partials)] if partials else [0] * (len(bounds) - 1)
        return (bounds if given is None else given), counts

    def _even_buckets(self: RDD, count: int):
        if count < 1:
            raise EmberValueError("number of buckets must be >= 1")
        values = self.filter(_is_comparable)
        try:
            low, high = values.map(lambda x: (x, x)).reduce(
                lambda a, b: (min(a[0], b[0]), max(a[1], b[1])))
        except EmberValueError:
            raise EmberValueError("can not generate buckets from empty RDD") from None
        if low == high or count == 1:
            return ([low, high], [values.count()]), None
        try:
            step = (high - low) / count
        except TypeError:
            raise EmberTypeError("Can not generate buckets with non-number in RDD") from None
        if math.isinf(step):
            raise EmberValueError("Can not generate buckets with infinite value")
        if int(step) * count == high - low:
            step = int(step)
        bounds = [low + i * step for i in range(count)] + [high]
        return bounds, True


def _check_bucket_list(bounds: list[Any]) -> tuple[list[Any], bool]:
    if len(bounds) < 2:
        raise EmberValueError("buckets should have more than one value")
    if any(not _is_comparable(b) for b in bounds):
        raise EmberValueError("can not have None or NaN in buckets")
    if sorted(bounds) != bounds:
        raise EmberValueError("buckets should be sorted")
    if len(set(bounds)) != len(bounds):
        raise EmberValueError("buckets should not contain duplicated values")
    try:
        steps = list(map(operator.sub, bounds[1:], bounds[:-1]))
    except TypeError:
        return bounds, False
    return bounds, max(steps) - min(steps) < 1e-10
