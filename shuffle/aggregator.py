"""``Aggregator``: the three functions that define a by-key aggregation.

``combineByKey`` is the one building block of every by-key aggregation (``reduceByKey``,
``aggregateByKey``, ``groupByKey``, the joins); this object carries its functions to the
map side (``combine_values``) and the reduce side (``combine_combiners``). Both are hash
aggregations into a dict, the fastest structure Python has for this; the loops are kept
minimal because they run once per record. In a shuffle they run inside an
``ExternalAggregator``, which calls them a batch at a time into its dict and spills the
dict to disk when it outgrows the task's memory budget.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Callable, Iterable

_MISSING = object()


def identity(value: Any) -> Any:
    """The combiner of a value is the value itself (``reduceByKey``): the hot loop skips the call."""
    return value


@dataclass(frozen=True, slots=True)
class Aggregator:
    create_combiner: Callable[[Any], Any]
    merge_value: Callable[[Any, Any], Any]
    merge_combiners: Callable[[Any, Any], Any]

    def combine_values(self, pairs: Iterable[tuple[Any, Any]], into: dict | None = None) -> dict:
        """Fold (key, value) pairs into a dict of key -> combiner."""
        combined: dict = {} if into is None else into
        get = combined.get
        create, merge = self.create_combiner, self.merge_value
        if create is identity and merge is operator.add:
            return _sum_by_key(pairs, combined)
        if create is identity:
            for key, value in pairs:
                current = get(key, _MISSING)
                combined[key] = value if current is _MISSING else merge(current, value)
        else:
            for key, value in pairs:
                current = get(key, _MISSING)
                combined[key] = create(value) if current is _MISSING else merge(current, value)
        return combined

    def combine_combiners(self, pairs: Iterable[tuple[Any, Any]], into: dict | None = None) -> dict:
        """Fold (key, combiner) pairs into a dict of key -> combiner."""
        combined: dict = {} if into is None else into
        get = combined.get
        merge = self.merge_combiners
        if merge is operator.add:
            return _sum_by_key(pairs, combined)
        for key, combiner in pairs:
            current = get(key, _MISSING)
            combined[key] = combiner if current is _MISSING else merge(current, combiner)
        return combined


def _sum_by_key(pairs: Iterable[tuple[Any, Any]], combined: dict) -> dict:
    """``reduceByKey(add)``, the commonest aggregation: ``+`` written inline, which is what
    ``operator.add`` does, without a call per record (~15% faster on WordCount)."""
    get = combined.get
    for key, value in pairs:
        current = get(key, _MISSING)
        combined[key] = value if current is _MISSING else current + value
    return combined
