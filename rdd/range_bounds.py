"""Range bounds for ``sortByKey``, from one pass over the data.

PySpark finds its bounds with two jobs before the sort: ``count()``, then a Bernoulli
``sample`` of about ``20 × partitions`` keys, each recomputing the whole lineage. Ember does
it in one, as Spark's own ``RangePartitioner`` does: every partition returns its record
count and a uniform sample of up to ``20 × partitions`` of its keys (reservoir sampling,
Li's Algorithm L, which draws only at the records it keeps and skips the ones between in
C), and each sampled key weighs ``count / sample size`` of its partition. A bound is the
key at the weighted quantile; when every partition is sampled whole (small data), all
weights are 1 and the bounds are exactly PySpark's: ``samples[int(n * (i + 1) / p)]``.
"""

from __future__ import annotations

import itertools
import math
import random
from bisect import bisect_right
from operator import itemgetter
from typing import Any, Callable, Iterable

SAMPLES_PER_PARTITION = 20  # PySpark's sample size: 20 keys per output partition

_TINY = 1e-300


def partition_sketch(index: int, records: Iterable[tuple[Any, Any]], size: int,
                     keyfunc: Callable[[Any], Any]) -> tuple[int, list[Any]]:
    """The number of ``records`` and ``keyfunc`` of the keys of a uniform sample of ``size``.

    The records are consumed once; the generator is seeded by the partition index, so a
    re-run draws the same sample.
    """
    iterator = iter(records)
    chosen = list(itertools.islice(iterator, size))
    if len(chosen) < size:
        return len(chosen), [keyfunc(record[0]) for record in chosen]
    rng = random.Random(index)
    counter = itertools.count(size + 1)
    numbered = zip(counter, iterator)  # zip takes the counter's next number before each record
    weight = math.exp(math.log(rng.random() or _TINY) / size)
    while True:
        skip = math.floor(math.log(rng.random() or _TINY) / math.log(max(_TINY, 1.0 - weight)))
        drawn = next(itertools.islice(numbered, skip, None), None)
        if drawn is None:
            break
        chosen[rng.randrange(size)] = drawn[1]
        weight *= math.exp(math.log(rng.random() or _TINY) / size)
    # Exhausted: zip took one number for the record that was not there, so the count is
    # the next number minus two.
    return next(counter) - 2, [keyfunc(record[0]) for record in chosen]


def weighted_bounds(sketches: Iterable[tuple[int, list[Any]]], partitions: int) -> list[Any]:
    """``partitions - 1`` keys that cut the sketched data into ranges of about equal weight."""
    weighted = sorted(((key, count / len(keys)) for count, keys in sketches for key in keys), key=itemgetter(0))
    if partitions <= 1 or not weighted:
        return []
    before = list(itertools.accumulate((weight for _, weight in weighted), initial=0.0))[:-1]
    total = before[-1] + weighted[-1][1]
    return [weighted[bisect_right(before, total * (i + 1) / partitions) - 1][0] for i in range(partitions - 1)]
