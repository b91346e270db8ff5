"""Sampling: ``sample``, ``sampleByKey``, ``randomSplit``, ``takeSample``.

Each partition draws from its own generator seeded by ``(seed, partition index)``, so a
seeded sample is reproducible whatever worker runs it. Without replacement each record is
kept with probability ``fraction`` (Bernoulli); with replacement it is repeated a
Poisson(``fraction``) number of times. ``randomSplit`` draws one uniform number per record
from the same seeded stream for every split, so the splits partition the data exactly.
An unseeded sample is nondeterministic, and the RDD records that for recovery.
"""

from __future__ import annotations

import math
import random
import sys
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from ember.errors import EmberValueError

if TYPE_CHECKING:
    from ember.rdd.rdd import RDD


_MAX_SAMPLE_SIZE = sys.maxsize - int(10.0 * math.sqrt(sys.maxsize))  # PySpark's bound (10 deviations)


def _partition_random(seed: int, index: int) -> random.Random:
    return random.Random(seed * 1_000_003 + index)


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method for small means, a normal approximation for large ones."""
    if mean > 30:
        return max(0, int(round(rng.gauss(mean, math.sqrt(mean)))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _pyspark_random(seed: int, index: int) -> random.Random:
    """PySpark's per-partition generator (``RDDSamplerBase.initRandomGenerator``)."""
    rng = random.Random(seed ^ index)
    for _ in range(10):  # PySpark mixes, because the seeds of neighbouring partitions are close
        rng.randint(0, 1)
    return rng


def _pyspark_poisson(rng: random.Random, mean: float) -> int:
    """PySpark's Poisson draw: Knuth's method below a mean of 20, exponential gaps above."""
    count = 0
    if mean < 20.0:
        limit, product = math.exp(-mean), rng.random()
        while product > limit:
            count += 1
            product *= rng.random()
        return count
    gap = rng.expovariate(mean)
    while gap < 1.0:
        count += 1
        gap += rng.expovariate(mean)
    return count


def _fraction_for_sample_size(size: int, total: int, with_replacement: bool) -> float:
    """A fraction that yields at least ``size`` of ``total`` records with high probability."""
    fraction = size / total
    if with_replacement:
        deviations = 9 if size < 12 else 5
        return fraction + deviations * math.sqrt(fraction / total)
    gamma = -math.log(0.00005) / total
    return min(1.0, fraction + gamma + math.sqrt(gamma * gamma + 2 * gamma * fraction))


class SamplingRDDFunctions:
    """Sampling mixed into ``RDD``."""

    def sample(self: RDD, withReplacement: bool, fraction: float, seed: int | None = None) -> RDD:
        """A random sample of about ``fraction`` of the records."""
        if fraction < 0:
            raise EmberValueError(f"Fraction must be nonnegative, got {fraction}")
        base_seed = random.randrange(sys.maxsize) if seed is None else seed

        def draw(index: int, iterator: Iterator[Any]) -> Iterator[Any]:
            rng = _partition_random(base_seed, index)
            if withReplacement:
                for record in iterator:
                    for _ in range(_poisson(rng, fraction)):
                        yield record
            else:
                for record in iterator:
                    if rng.random() < fraction:
                        yield record

        sampled = self.mapPartitionsWithIndex(draw, True)
        sampled.is_deterministic = self.is_deterministic and seed is not None
        return sampled

    def sampleByKey(self: RDD, withReplacement: bool, fractions: dict[Any, float],
                    seed: int | None = None) -> RDD:
        """A stratified sample: each key's records kept at its own rate ``fractions[key]``.

        The draws are PySpark's (``RDDStratifiedSampler``), so a seeded sample picks the
        same records as PySpark does on the same partitions.
        """
        for fraction in fractions.values():
            assert fraction >= 0.0, "Negative fraction value: %s" % fraction
        base_seed = random.randint(0, sys.maxsize) if seed is None else seed

        def draw(index: int, iterator: Iterator[Any]) -> Iterator[Any]:
            rng = _pyspark_random(base_seed, index)
            if withReplacement:
                for key, value in iterator:
                    for _ in range(_pyspark_poisson(rng, fractions[key])):
                        yield key, value
            else:
                for key, value in iterator:
                    if rng.random() < fractions[key]:
                        yield key, value

        sampled = self.mapPartitionsWithIndex(draw, True)
        sampled.is_deterministic = self.is_deterministic and seed is not None
        return sampled

    def randomSplit(self: RDD, weights: Sequence[float], seed: int | None = None) -> list[RDD]:
        """Split into RDDs whose sizes follow ``weights``; every record lands in exactly one."""
        if any(w < 0 for w in weights):
            raise EmberValueError(f"Weights must be nonnegative, got {list(weights)}")
        total = float(sum(weights))
        if total <= 0:
            raise EmberValueError(f"Sum of weights must be positive, got {list(weights)}")
        base_seed = random.randrange(sys.maxsize) if seed is None else seed
        cumulative = [0.0]
        for weight in weights:
            cumulative.append(cumulative[-1] + weight / total)
        return [self._range_sample(base_seed, low, high, seed is not None)
                for low, high in zip(cumulative, cumulative[1:])]

    def _range_sample(self: RDD, seed: int, low: float, high: float, seeded: bool) -> RDD:
        def draw(index: int, iterator: Iterator[Any]) -> Iterator[Any]:
            rng = _partition_random(seed, index)
            for record in iterator:
                if low <= rng.random() < high:
                    yield record

        split = self.mapPartitionsWithIndex(draw, True)
        split.is_deterministic = self.is_deterministic and seeded
        return split

    def takeSample(self: RDD, withReplacement: bool, num: int, seed: int | None = None) -> list[Any]:
        """Exactly ``num`` records drawn at random (fewer only if the RDD is smaller)."""
        if num < 0:
            raise EmberValueError("Sample size cannot be negative.")
        if num > _MAX_SAMPLE_SIZE:
            raise ValueError(f"Sample size cannot be greater than {_MAX_SAMPLE_SIZE}.")  # PySpark's type
        if num == 0:
            return []
        total = self.count()
        if total == 0:
            return []
        rng = random.Random(seed)
        if not withReplacement and num >= total:
            records = self.collect()
            rng.shuffle(records)
            return records
        fraction = _fraction_for_sample_size(num, total, withReplacement)
        draw_seed = rng.randrange(sys.maxsize) if seed is None else seed
        records = self.sample(withReplacement, fraction, draw_seed).collect()
        while len(records) < num:
            records = self.sample(withReplacement, fraction, rng.randrange(sys.maxsize)).collect()
        rng.shuffle(records)
        return records[:num]
