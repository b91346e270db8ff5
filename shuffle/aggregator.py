"""``Aggregator``: the three functions that define a by-key aggregation.

``combineByKey`` is the one building block of every by-key aggregation (``reduceByKey``,
``aggregateByKey``, ``groupByKey``, the joins); this object carries its functions to the
map side (``combine_values``) and the reduce side (``combine_combiners``). Both are hash
aggregations into a dict by one ``fold``. The fold runs once per record, so it is written
in C (``_loops.c``: ~150 ns a record less than the Python loop, a third of a WordCount's map
task); ``fold_python`` is the same loop in Python, used where the extension was not built,
and the reference the tests hold the C one to. In a shuffle the fold runs inside an
``ExternalAggregator``, a batch at a time, into ``Combiners`` (a C ``KeyTable`` for str keys,
else a dict), which it spills to disk when they outgrow the task's memory budget.
"""

from __future__ import annotations

import operator
import random
import sys
from dataclasses import dataclass
from typing import Any, Callable, Iterable

try:
    from ember.shuffle._loops import KeyTable as _KeyTable, fold as _fold_in_c
except ImportError:  # installed without a C compiler: fold_python does the same work
    _KeyTable = None
    _fold_in_c = None

_MISSING = object()

Combine = Callable[[Any, Any], Any]


def identity(value: Any) -> Any:
    """The combiner of a value is the value itself (``reduceByKey``): the fold skips the call."""
    return value


@dataclass(frozen=True, slots=True)
class Aggregator:
    create_combiner: Callable[[Any], Any]
    merge_value: Combine
    merge_combiners: Combine

    def combine_values(self, pairs: Iterable[tuple[Any, Any]], into: dict | None = None) -> dict:
        """Fold (key, value) pairs into a dict of key -> combiner."""
        return fold(pairs, {} if into is None else into, *self.value_functions())

    def combine_combiners(self, pairs: Iterable[tuple[Any, Any]], into: dict | None = None) -> dict:
        """Fold (key, combiner) pairs into a dict of key -> combiner."""
        return fold(pairs, {} if into is None else into, *self.combiner_functions())

    def value_functions(self) -> tuple[Callable[[Any], Any] | None, Combine | None]:
        """``fold``'s (create, merge) for values: None for the identity and for ``operator.add``."""
        return (None if self.create_combiner is identity else self.create_combiner,
                None if self.merge_value is operator.add else self.merge_value)

    def combiner_functions(self) -> tuple[None, Combine | None]:
        """``fold``'s (create, merge) for combiners."""
        return None, None if self.merge_combiners is operator.add else self.merge_combiners


class Combiners:
    """Key -> combiner for one aggregation in progress (the ``ExternalAggregator``'s map).

    Held in the C ``KeyTable`` while every key is an exact str (it hashes them faster than a
    dict can and keeps sums of ints and floats unboxed), and moved into a dict for good the
    first time another key arrives: a str subclass or a user's object may equal a str key,
    and only a dict finds it. Both give the same combiners in the same order.
    """

    __slots__ = ("_table", "_dict")

    def __init__(self) -> None:
        self._table = _KeyTable(random.getrandbits(64)) if _KeyTable is not None else None
        self._dict: dict = {}

    def fold(self, pairs: Iterable[tuple[Any, Any]], create: Callable[[Any], Any] | None,
             merge: Combine | None) -> None:
        """``fold`` into these combiners."""
        if self._table is None:
            fold(pairs, self._dict, create, merge)
            return
        records = iter(pairs)
        odd = self._table.fold(records, create, merge)
        if odd is not None:
            self._dict = self._table.to_dict()
            self._table = None
            fold(odd, self._dict, create, merge)
            fold(records, self._dict, create, merge)

    def get(self, key: Any, default: Any = None) -> Any:
        return self._dict.get(key, default) if self._table is None else self._table.get(key, default)

    def __len__(self) -> int:
        return len(self._dict) if self._table is None else len(self._table)

    @property
    def nbytes(self) -> int:
        """Bytes of the structure itself, without its keys and combiners."""
        return sys.getsizeof(self._dict) if self._table is None else self._table.nbytes

    def as_dict(self) -> dict:
        """The combiners as a dict, to read only: clear() leaves it as it is."""
        return self._dict if self._table is None else self._table.to_dict()

    def clear(self) -> None:
        """Forget every key; str keys go back to the table."""
        self._dict = {}
        if _KeyTable is not None:
            self._table = _KeyTable(random.getrandbits(64))


def fold(pairs: Iterable[tuple[Any, Any]], combined: dict, create: Callable[[Any], Any] | None,
         merge: Combine | None) -> dict:
    """Fold (key, value) pairs into ``combined``: ``create(value)`` for a new key (the value
    itself when ``create`` is None), ``merge(current, value)`` for a known one (``+`` when
    ``merge`` is None). Returns ``combined``."""
    if _fold_in_c is None:
        return fold_python(pairs, combined, create, merge)
    records = iter(pairs)
    # The C loop hands back, as a 1-tuple, any record that is not a plain pair, so that
    # Python unpacks it: a namedtuple-like pair folds, anything else raises Python's error.
    while (odd := _fold_in_c(combined, records, create, merge)) is not None:
        fold_python(odd, combined, create, merge)
    return combined


def fold_python(pairs: Iterable[tuple[Any, Any]], combined: dict, create: Callable[[Any], Any] | None,
                merge: Combine | None) -> dict:
    """``fold`` as a Python loop: the fallback, and the reference for ``_loops.c``."""
    get = combined.get
    if create is None and merge is None:
        for key, value in pairs:
            current = get(key, _MISSING)
            combined[key] = value if current is _MISSING else current + value
        return combined
    merge = operator.add if merge is None else merge
    if create is None:
        for key, value in pairs:
            current = get(key, _MISSING)
            combined[key] = value if current is _MISSING else merge(current, value)
    else:
        for key, value in pairs:
            current = get(key, _MISSING)
            combined[key] = create(value) if current is _MISSING else merge(current, value)
    return combined
