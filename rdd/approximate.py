"""Approximate actions: ``countApprox``, ``sumApprox``, ``meanApprox``, ``countApproxDistinct``.

The first three run an ordinary job but wait only ``timeout`` milliseconds; whatever
partitions finished by then are combined into an estimate with error bounds, as Spark's
``SumEvaluator`` and ``MeanEvaluator`` do (a normal or Student-t interval over the
finished partitions), and the rest of the job is cancelled. A job that finishes in time
gives the exact value with confidence 1.0. ``countApproxDistinct`` merges HyperLogLog
sketches (``hyperloglog.py``).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Iterator

from ember.errors import EmberValueError
from ember.rdd.hyperloglog import HyperLogLog, precision_for
from ember.rdd.numeric import StatCounter

if TYPE_CHECKING:
    from ember.rdd.rdd import RDD


class BoundedFloat(float):
    """An estimate with its confidence and bounds, from an approximate job (PySpark's type).

    >>> BoundedFloat(100.0, 0.95, 95.0, 105.0)
    100.0
    """

    confidence: float
    low: float
    high: float

    def __new__(cls, mean: float, confidence: float, low: float, high: float) -> BoundedFloat:
        value = float.__new__(cls, mean)
        value.confidence = confidence
        value.low = low
        value.high = high
        return value


def _t_two_sided(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with integer ``df`` (Abramowitz and Stegun 26.7.3-4)."""
    theta = math.atan(t / math.sqrt(df))
    cos2 = math.cos(theta) ** 2
    if df % 2 == 1:
        total, term = 0.0, math.cos(theta)
        for k in range(1, (df - 1) // 2 + 1):
            total += term
            term *= cos2 * (2 * k) / (2 * k + 1)
        return 2 / math.pi * (theta + math.sin(theta) * total) if df > 1 else 2 * theta / math.pi
    total, term = 0.0, 1.0
    for k in range(1, df // 2 + 1):
        total += term
        term *= cos2 * (2 * k - 1) / (2 * k)
    return math.sin(theta) * total


def _confidence_factor(count: int, confidence: float) -> float:
    """How many standard errors make a two-sided ``confidence`` interval (Spark's choice of
    the normal distribution above 100 samples, Student's t below)."""
    if not 0.0 <= confidence <= 1.0:
        raise EmberValueError(f"confidence must be between 0 and 1, got {confidence}")
    if confidence == 1.0:
        return math.inf
    if count > 100:
        return NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    low, high = 0.0, 1.0
    while _t_two_sided(high, count - 1) < confidence:
        high *= 2
    for _ in range(200):  # bisection to full double precision
        middle = (low + high) / 2
        low, high = (middle, high) if _t_two_sided(middle, count - 1) < confidence else (low, middle)
    return (low + high) / 2


def sum_estimate(counter: StatCounter, merged: int, total: int, confidence: float) -> BoundedFloat:
    """Spark's ``SumEvaluator``: the sum of ``total`` partitions from the ``merged`` finished."""
    if merged == total:
        return BoundedFloat(counter.sum(), 1.0, counter.sum(), counter.sum())
    if merged == 0 or counter.count() == 0:
        return BoundedFloat(0.0, 0.0, -math.inf, math.inf)
    fraction = merged / total
    mean = counter.mean()
    count_estimate = (counter.count() + 1 - fraction) / fraction
    if counter.count() == 1:
        return BoundedFloat(counter.sum(), confidence, -math.inf, math.inf)
    mean_var = counter.sampleVariance() / counter.count()
    count_var = (counter.count() + 1) * (1 - fraction) / (fraction * fraction)
    estimate = mean * count_estimate
    stdev = math.sqrt(mean * mean * count_var + count_estimate * count_estimate * mean_var + mean_var * count_var)
    factor = _confidence_factor(counter.count(), confidence)
    return BoundedFloat(estimate, confidence, estimate - factor * stdev, estimate + factor * stdev)


def mean_estimate(counter: StatCounter, merged: int, total: int, confidence: float) -> BoundedFloat:
    """Spark's ``MeanEvaluator``: the mean of the records of the ``merged`` finished partitions."""
    if merged == total:
        return BoundedFloat(counter.mean(), 1.0, counter.mean(), counter.mean())
    if merged == 0 or counter.count() == 0:
        return BoundedFloat(0.0, 0.0, -math.inf, math.inf)
    if counter.count() == 1:
        return BoundedFloat(counter.mean(), confidence, -math.inf, math.inf)
    stdev = math.sqrt(counter.sampleVariance() / counter.count())
    factor = _confidence_factor(counter.count(), confidence)
    return BoundedFloat(counter.mean(), confidence, counter.mean() - factor * stdev, counter.mean() + factor * stdev)


def _stat_counter(iterator: Iterator[Any]) -> StatCounter:
    counter = StatCounter()
    for value in iterator:
        counter.merge(float(value))
    return counter


def _merged(counters: list[StatCounter]) -> StatCounter:
    total = StatCounter()
    for counter in counters:
        total.mergeStats(counter)
    return total


def _sketch_partition(precision: int):
    def sketch(iterator: Iterator[Any]) -> HyperLogLog:
        hll = HyperLogLog(precision)
        for value in iterator:
            hll.add(value)
        return hll
    return sketch


class ApproximateRDDFunctions:
    """Approximate actions mixed into ``RDD``."""

    def countApprox(self: RDD, timeout: int, confidence: float = 0.95) -> int:
        """The count, or an estimate from the partitions done within ``timeout`` milliseconds.

        >>> sc.parallelize(range(1000), 10).countApprox(1000, 1.0)
        1000
        """
        counts = self.mapPartitions(lambda iterator: [float(sum(1 for _ in iterator))])
        return int(counts.sumApprox(timeout, confidence))

    def sumApprox(self: RDD, timeout: int, confidence: float = 0.95) -> BoundedFloat:
        """The sum, or an estimate with bounds from the partitions done within ``timeout`` ms.

        >>> rdd = sc.parallelize(range(1000), 10)
        >>> rdd.sumApprox(1000)
        499500.0
        """
        sums = self.mapPartitions(lambda iterator: [float(sum(iterator))])
        counters, total = self.ctx.run_job_within(sums, _stat_counter, timeout / 1000)
        return sum_estimate(_merged(counters), len(counters), total, confidence)

    def meanApprox(self: RDD, timeout: int, confidence: float = 0.95) -> BoundedFloat:
        """The mean, or an estimate with bounds from the partitions done within ``timeout`` ms.

        >>> sc.parallelize(range(1000), 10).meanApprox(1000)
        499.5
        """
        counters, total = self.ctx.run_job_within(self, _stat_counter, timeout / 1000)
        return mean_estimate(_merged(counters), len(counters), total, confidence)

    def countApproxDistinct(self: RDD, relativeSD: float = 0.05) -> int:
        """About how many distinct records there are (HyperLogLog++ as in Spark).

        ``relativeSD`` is the relative standard deviation wanted (more precision, more
        memory); it must be greater than 0.000017.

        >>> n = sc.parallelize([i % 20 for i in range(1000)]).countApproxDistinct()
        >>> 16 < n < 24
        True
        """
        if relativeSD < 0.000017:
            raise ValueError("relativeSD should be greater than 0.000017")
        sketches = self.ctx.run_job(self, _sketch_partition(precision_for(relativeSD)))
        total = sketches[0] if sketches else HyperLogLog(precision_for(relativeSD))
        for sketch in sketches[1:]:
            total.merge(sketch)
        return total.cardinality()
