"""``LATERAL VIEW [OUTER] generator(...) t [AS c1, c2]`` → a ``Generate`` node over the FROM clause.

Each lateral view, in order, adds the generator's columns to every row of what precedes it
(so a later view may use an earlier one's columns), qualified by the view's name and named
by its ``AS`` list or the generator's own names (``col``, ``pos``, ``key``, ``value``).
``OUTER`` keeps rows whose array or map is NULL or empty, with NULLs generated.
"""

from __future__ import annotations

import dataclasses

from sqlglot import exp

from ember.sql import expressions as E
from ember.sql.analyzer import analyze
from ember.sql.analyzer.resolve_references import resolve_expression
from ember.sql.errors import AnalysisException
from ember.sql.parser.expressions import convert
from ember.sql.plan import logical as L

__all__ = ["lateral_views"]


def lateral_views(select: exp.Select, plan: L.LogicalPlan) -> L.LogicalPlan:
    """``plan`` (the FROM clause) with ``select``'s lateral views applied."""
    for lateral in select.args.get("laterals") or []:
        if not lateral.args.get("view"):
            raise AnalysisException("UNSUPPORTED_FEATURE", "LATERAL subqueries are not supported.")
        plan = _lateral_view(lateral, plan)
    return plan


def _lateral_view(lateral: exp.Lateral, plan: L.LogicalPlan) -> L.LogicalPlan:
    generator = resolve_expression(convert(lateral.this), plan.output, plan)
    if not isinstance(generator, E.Generator):
        raise AnalysisException("UNSUPPORTED_GENERATOR.NOT_GENERATOR", f"The generator is not supported: "
                                f"\"{generator.sql()}\" is expected to be a generator. However, its class is "
                                f"{type(generator).__name__}, which is not a generator.", "42K0E")
    if lateral.args.get("outer") and isinstance(generator, E.Explode):
        generator = dataclasses.replace(generator, is_outer=True)
    fields = generator.element_fields()
    alias = lateral.args.get("alias")
    names = [c.name for c in alias.columns] if alias is not None and alias.columns else [f[0] for f in fields]
    if len(names) != len(fields):
        raise AnalysisException("UDTF_ALIAS_NUMBER_MISMATCH", "The number of aliases supplied in the AS clause does "
                                "not match the number of columns output by the UDTF. Expected "
                                f"{len(fields)} aliases, but got {', '.join(names)}. Please ensure that the number "
                                "of aliases provided matches the number of columns output by the UDTF.", "42802")
    qualifier = (alias.name,) if alias is not None and alias.name else ()
    attrs = tuple(E.AttributeReference(name, dt, nullable, E.new_expr_id(), qualifier)
                  for name, (_, dt, nullable) in zip(names, fields))
    return analyze(L.Generate(generator, generator.outer, attrs, plan))
