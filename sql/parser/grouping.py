"""``GROUP BY`` clauses → grouping expressions and, for ROLLUP / CUBE / GROUPING SETS, the sets.

Each item of the clause gives a list of sets over the distinct grouping expressions: a plain
expression one set of itself, ``ROLLUP(a, b)`` its prefixes, ``CUBE(a, b)`` its subsets,
``GROUPING SETS (...)`` the sets it lists; the clause's sets are one from each item, joined
(``GROUP BY a, ROLLUP(b)`` is ``(a, b), (a)``). ``GROUP BY ALL`` groups by every select
item without an aggregate. The Hive forms ``GROUP BY a, b WITH ROLLUP``,
``WITH CUBE`` and ``GROUP BY a, b GROUPING SETS (...)`` apply to the plain list. An integer
names a select item by position, as in Spark.
"""

from __future__ import annotations

from sqlglot import exp

from ember.sql import expressions as E
from ember.sql.errors import AnalysisException
from ember.sql.parser.expressions import convert
from ember.sql.plan.grouping_sets import combine_sets, cube_sets, rollup_sets

__all__ = ["group_by"]


class _Keys:
    """The distinct grouping expressions, in order of first mention, with ordinals resolved."""

    def __init__(self, select: list[exp.Expression]):
        self.select = select
        self.nodes: list[exp.Expression] = []

    def index(self, node: exp.Expression) -> int:
        node = self._ordinal(node.unnest() if isinstance(node, exp.Paren) else node)
        for i, known in enumerate(self.nodes):
            if known == node:
                return i
        self.nodes.append(node)
        return len(self.nodes) - 1

    def _ordinal(self, node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Literal) or node.is_string or not node.this.isdigit():
            return node
        position = int(node.this)
        if not 1 <= position <= len(self.select):
            raise AnalysisException("GROUP_BY_POS_OUT_OF_RANGE", f"GROUP BY position {position} is not in select "
                                    f"list (valid range is [1, {len(self.select)}]).", "42805")
        item = self.select[position - 1]
        if any(isinstance(n, exp.AggFunc) for n in item.walk()):
            raise AnalysisException("GROUP_BY_POS_AGGREGATE", f"GROUP BY {position} refers to an expression "
                                    f"{item.sql(dialect='spark')} that contains an aggregate function. Aggregate "
                                    "functions are not allowed in GROUP BY.", "42903")
        return item.unalias()

    def members(self, node: exp.Expression) -> list[int]:
        """The key indices of one grouping set written as ``(a, b)``, ``a`` or ``()``."""
        items = node.expressions if isinstance(node, exp.Tuple) else [node]
        return list(dict.fromkeys(self.index(i) for i in items))


def _item_sets(item: exp.Expression, keys: _Keys) -> list[list[int]] | None:
    """The sets one clause item stands for; ``None`` for a plain expression."""
    if isinstance(item, exp.Rollup):
        return rollup_sets([keys.index(e) for e in item.expressions])
    if isinstance(item, exp.Cube):
        return cube_sets([keys.index(e) for e in item.expressions])
    if isinstance(item, exp.GroupingSets):
        return [keys.members(s) for s in item.expressions]
    return None


def group_by(select: exp.Select) -> tuple[list[E.Expression], list[list[int]] | None]:
    """The grouping expressions of ``select``'s GROUP BY and its grouping sets (``None``: plain)."""
    group = select.args.get("group")
    if group is None:
        return [], None
    keys = _Keys(list(select.expressions))
    if group.args.get("all"):
        return _group_by_all(select), None
    plain: list[int] = []
    factors: list[list[list[int]]] = []
    for item in group.expressions:
        sets = _item_sets(item, keys)
        if sets is None:
            plain.append(keys.index(item))
        else:
            factors.append(sets)
    hive = _hive_sets(group, plain, keys)
    grouping = [convert(n) for n in keys.nodes]
    if hive is None and not factors:
        return grouping, None
    plain_factors = [[[i]] for i in plain] if hive is None else [hive]
    return grouping, combine_sets(plain_factors + factors)


def _group_by_all(select: exp.Select) -> list[E.Expression]:
    """``GROUP BY ALL``: every select item without an aggregate function in it."""
    items = [i.unalias() for i in select.expressions]
    if any(isinstance(i, exp.Star) or isinstance(i, exp.Column) and isinstance(i.this, exp.Star) for i in items):
        raise AnalysisException("UNRESOLVED_ALL_IN_GROUP_BY", "Cannot infer grouping columns for GROUP BY ALL "
                                "based on the select clause. Please explicitly specify the grouping columns.",
                                "42803")
    return [convert(i) for i in items if not any(isinstance(n, exp.AggFunc) for n in i.walk())]


def _hive_sets(group: exp.Group, plain: list[int], keys: _Keys) -> list[list[int]] | None:
    """The sets of ``GROUP BY a, b WITH ROLLUP`` / ``WITH CUBE`` / ``GROUPING SETS (...)``, if written."""
    if group.args.get("rollup"):
        return rollup_sets(plain)
    if group.args.get("cube"):
        return cube_sets(plain)
    if group.args.get("grouping_sets"):
        return [s for g in group.args["grouping_sets"] for s in _item_sets(g, keys) or []]
    return None
