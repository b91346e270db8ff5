"""Move a generator (``explode``) out of a select list into a ``Generate`` node below it.

Before: ``Project[k, explode(arr) AS v] <- t``;
after: ``Project[k, v] <- Generate(explode(arr), [v]) <- t``. The generated columns take the
alias when one names a single column, else the generator's names (``col``, ``pos``, ``key``,
``value``). Several generators in one select list (as Spark 4 allows) become a stack of
``Generate`` nodes, the first lowest, so the rows are their cartesian product with the first
generator varying slowest. None may be nested in an expression.
"""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql.errors import AnalysisException
from ember.sql.plan import logical as L

__all__ = ["extract_generators"]


def _generator_of(item: E.Expression) -> E.Generator | None:
    body = item.child if isinstance(item, E.Alias) else item
    return body if isinstance(body, E.Generator) else None


def _check_not_nested(items: tuple[E.Expression, ...]) -> None:
    for item in items:
        body = item.child if isinstance(item, E.Alias) else item
        nested = [n for n in body.walk() if isinstance(n, E.Generator) and n is not body]
        if nested:
            raise AnalysisException(
                "UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS",
                f"The generator is not supported: nested in expressions \"{body.sql()}\".", "42K0E")


def extract_generators(node: L.LogicalPlan) -> L.LogicalPlan:
    if not isinstance(node, L.Project):
        return node
    _check_not_nested(node.project_list)
    found = [(i, g) for i, item in enumerate(node.project_list) if (g := _generator_of(item)) is not None]
    if not found:
        return node
    plan, items = node.child, list(node.project_list)
    for index, generator in found:
        item = items[index]
        fields = generator.element_fields()
        named = isinstance(item, E.Alias) and item.name != generator.sql() and len(fields) == 1
        attrs = tuple(E.AttributeReference(item.name if named else name, dt, nullable, E.new_expr_id())
                      for name, dt, nullable in fields)
        plan = L.Generate(generator, generator.outer, attrs, plan)
        items[index] = attrs
    flat = tuple(e for item in items for e in (item if isinstance(item, tuple) else (item,)))
    return L.Project(flat, plan)
