"""Aggregates over grouping sets (``ROLLUP``, ``CUBE``, ``GROUPING SETS``) as Spark plans them.

``GROUP BY GROUPING SETS ((k, c), (k))`` becomes an ``Aggregate`` grouped by new key columns
``k', c'`` and ``spark_grouping_id`` over an ``Expand`` that emits each input row once per set:
the child's columns, the keys (NULL where the set lacks them) and the set's id, whose bit
``n - 1 - i`` is 1 when key ``i`` is not in the set. In the select list, keys become the new
key columns (NULL in rows of sets without them), while aggregate functions still read the
child's columns; ``grouping(k)`` reads k's bit of the id and ``grouping_id()`` the id itself.

The select list is resolved against the child first, as an ordinary aggregate, so that a name
such as ``k`` means the child's column; then the rewrite above maps it onto the new columns.
"""

from __future__ import annotations

from itertools import product
from typing import Sequence

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.analyzer import analyze
from ember.sql.analyzer.resolve_references import resolve_node
from ember.sql.errors import AnalysisException
from ember.sql.expressions.grouping import Grouping, GroupingBit, GroupingID
from ember.sql.plan import logical as L

__all__ = ["grouped_aggregate", "rollup_sets", "cube_sets", "combine_sets"]

_MAX_KEYS = 64  # the bits of the grouping id, a long


def rollup_sets(keys: Sequence[int]) -> list[list[int]]:
    """``ROLLUP(a, b)``: ``(a, b), (a), ()``."""
    return [list(keys[:i]) for i in range(len(keys), -1, -1)]


def cube_sets(keys: Sequence[int]) -> list[list[int]]:
    """``CUBE(a, b)``: every subset, ``(a, b), (a), (b), ()``."""
    return [[k for k, keep in zip(keys, mask) if keep] for mask in product((True, False), repeat=len(keys))]


def combine_sets(factors: list[list[list[int]]]) -> list[list[int]]:
    """``GROUP BY a, ROLLUP(b)``: the concatenations of one set from each item (a cross product)."""
    out = []
    for choice in product(*factors):
        merged: list[int] = []
        for part in choice:
            merged.extend(i for i in part if i not in merged)
        out.append(merged)
    return out


def grouped_aggregate(grouping: Sequence[E.Expression], sets: Sequence[Sequence[int]] | None,
                      aggregates: Sequence[E.Expression], child: L.LogicalPlan) -> L.LogicalPlan:
    """``GROUP BY grouping`` (``sets`` is ``None``) or by grouping sets given as indices into ``grouping``."""
    if sets is None:
        return analyze(L.Aggregate(tuple(grouping), tuple(aggregates), child))
    resolved = resolve_node(L.Aggregate(tuple(grouping), tuple(aggregates), child))
    keys = list(resolved.grouping)
    n = len(keys)
    if n > _MAX_KEYS:
        raise AnalysisException("GROUPING_SIZE_LIMIT_EXCEEDED", f"Grouping sets size cannot be greater than "
                                f"{_MAX_KEYS}.", "54000")
    key_attrs = [E.AttributeReference(E.output_name(k), k.data_type, True, E.new_expr_id()) for k in keys]
    gid = E.AttributeReference("spark_grouping_id", T.LongType(), False, E.new_expr_id())
    # A set listed twice gives its groups twice, as in Spark: its copies differ by position.
    repeated = len({tuple(sorted(s)) for s in sets}) < len(sets)
    position = [E.AttributeReference("_gen_grouping_pos", T.IntegerType(), False, E.new_expr_id())] if repeated else []
    projections = []
    for p, members in enumerate(sets):
        values = [k if i in members else E.Literal(None, k.data_type) for i, k in enumerate(keys)]
        bits = sum(1 << (n - 1 - i) for i in range(n) if i not in members)
        extra = (E.Literal(p, T.IntegerType()),) if repeated else ()
        projections.append(tuple(child.output) + tuple(values) + (E.Literal(bits, T.LongType()),) + extra)
    attrs = tuple(child.output) + tuple(key_attrs) + (gid,) + tuple(position)
    expand = L.Expand(tuple(projections), attrs, child)
    rewrite = _Rewrite(keys, key_attrs, gid)
    items = tuple(rewrite(item) for item in resolved.aggregates)
    return analyze(L.Aggregate(tuple(key_attrs) + (gid,) + tuple(position), items, expand))


class _Rewrite:
    """Maps a resolved select item onto the Expand's key columns and grouping id."""

    def __init__(self, keys: list[E.Expression], key_attrs: list[E.AttributeReference], gid: E.AttributeReference):
        self.keys, self.key_attrs, self.gid = keys, key_attrs, gid

    def _key_index(self, e: E.Expression) -> int | None:
        for i, k in enumerate(self.keys):
            if e == k or (isinstance(e, E.AttributeReference) and isinstance(k, E.AttributeReference)
                          and e.expr_id == k.expr_id):
                return i
        return None

    def __call__(self, e: E.Expression) -> E.Expression:
        if isinstance(e, E.AggregateFunction):
            return e
        if isinstance(e, Grouping):
            i = self._key_index(e.child)
            if i is None:
                raise AnalysisException("GROUPING_COLUMN_MISMATCH", f"Column of grouping ({e.child.sql()}) can't be "
                                        f"found in grouping columns {', '.join(k.sql() for k in self.keys)}.", "42803")
            return GroupingBit(self.gid, len(self.keys) - 1 - i)
        if isinstance(e, GroupingID):
            if e.items and [self._key_index(x) for x in e.items] != list(range(len(self.keys))):
                raise AnalysisException(
                    "GROUPING_ID_COLUMN_MISMATCH", f"Columns of grouping_id ({', '.join(x.sql() for x in e.items)}) "
                    f"does not match grouping columns ({', '.join(k.sql() for k in self.keys)}).", "42803")
            return self.gid
        i = self._key_index(e) if not isinstance(e, E.Alias) else None
        if i is not None:
            return self.key_attrs[i]
        return e.with_new_children([self(c) for c in e.children]) if e.children else e
