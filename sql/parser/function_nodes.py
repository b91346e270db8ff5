"""Builders for the sqlglot nodes that fold several Spark functions into one.

sqlglot parses ``lpad``/``rpad`` into one ``Pad`` node, ``element_at``/``try_element_at`` into a
1-based ``Bracket``, ``named_struct`` into a ``Struct`` of ``name := value`` pairs, and keeps the side,
offset or names in flags that the generic function builder cannot see; these builders read
them.
"""

from __future__ import annotations

from typing import Callable

from sqlglot import exp

from ember.sql import expressions as E
from ember.sql.errors import ParseException
from ember.sql.column import expression_of

__all__ = ["function_builders"]

Convert = Callable[[exp.Expression], E.Expression]


def function_builders(convert: Convert) -> dict[type, Callable[[exp.Expression], E.Expression]]:
    def call(name: str, *nodes: exp.Expression | None) -> E.Expression:
        return E.FunctionCall(name, tuple(convert(n) for n in nodes if n is not None))

    def pad(node: exp.Pad) -> E.Expression:
        side = "lpad" if node.args.get("is_left") else "rpad"
        return call(side, node.this, node.expression, node.args.get("fill_pattern"))

    def bracket(node: exp.Bracket) -> E.Expression:
        if node.args.get("offset") == 1 and len(node.expressions) == 1:
            return call("try_element_at" if node.args.get("safe") else "element_at", node.this, node.expressions[0])
        if not node.args.get("offset") and len(node.expressions) == 1 and isinstance(node.expressions[0], exp.Literal):
            key = convert(node.expressions[0])
            return E.GetItem(convert(node.this), key.value)  # ``a[0]`` (0-based), ``m['k']``
        raise ParseException("UNSUPPORTED_FEATURE",
                             f"Unsupported SQL construct {node.sql(dialect='spark')!r} (Bracket).")

    def escape(node: exp.Escape) -> E.Expression:
        """``a LIKE b ESCAPE 'c'`` and ``like(a, b, 'c')`` (and ``ILIKE``)."""
        from ember.sql.expressions.like_patterns import escape_char

        inner = node.this
        if not isinstance(inner, (exp.Like, exp.ILike)):
            raise ParseException("UNSUPPORTED_FEATURE", f"Unsupported SQL construct {node.sql(dialect='spark')!r}.")
        char = E.Literal.of(escape_char(convert(node.expression).value))
        name = "ilike" if isinstance(inner, exp.ILike) else "like_escape"
        return E.FunctionCall(name, (convert(inner.this), convert(inner.expression), char))

    def struct(node: exp.Struct) -> E.Expression:
        items = node.expressions
        if items and all(isinstance(i, exp.PropertyEQ) for i in items):
            # sqlglot spells both ``struct(k, k + 1)`` and ``named_struct('k', k, 'col2', k + 1)`` this way:
            # names that ``struct`` would have given itself mean ``struct``.
            names = tuple(i.this.name for i in items)
            defaults = tuple(i.expression.name if isinstance(i.expression, exp.Column) else f"col{n + 1}"
                             for n, i in enumerate(items))
            function = "struct" if names == defaults else "named_struct"
            return E.CreateStruct(names, tuple(convert(i.expression) for i in items), function)
        from ember.sql.functions import struct as struct_fn
        from ember.sql.column import Column

        return expression_of(struct_fn(*(Column(convert(i)) for i in items)))

    def get_json_object(node: exp.JSONExtractScalar) -> E.Expression:
        """sqlglot parses the path into a ``JSONPath`` tree; Spark takes the path text."""
        path = node.expression
        if isinstance(path, exp.JSONPath):
            text = path.sql(dialect="spark")
            return E.FunctionCall("get_json_object", (convert(node.this), E.Literal.of(text[1:-1])))
        return call("get_json_object", node.this, path)

    def trim(node: exp.Trim) -> E.Expression:
        side = {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(str(node.args.get("position") or "").upper(), "trim")
        chars = node.expression
        if chars is None:
            from ember.sql import functions as F

            return expression_of(getattr(F, side)(F.Column(convert(node.this))))
        return call(side, node.this, chars)

    def sum_(node: exp.Sum) -> E.Expression:
        if isinstance(node.this, exp.Distinct) and len(node.this.expressions) == 1:
            return E.ListReduction(convert(node.this.expressions[0]), "sum_distinct")
        return E.Sum(convert(node.this))

    def group_concat(node: exp.GroupConcat) -> E.Expression:
        """``string_agg``/``listagg``, one node in sqlglot (named ``string_agg`` when a separator is given)."""
        from ember.sql import functions as F

        value, distinct = node.this, isinstance(node.this, exp.Distinct)
        if distinct:
            value = node.this.expressions[0]
        separator = node.args.get("separator")
        build = F.string_agg if separator is not None else F.listagg
        if distinct:
            build = F.string_agg_distinct if separator is not None else F.listagg_distinct
        separator_column = None if separator is None else F.Column(convert(separator))
        return expression_of(build(F.Column(convert(value)), separator_column))

    return {
        exp.GroupConcat: group_concat,
        exp.JSONExtractScalar: get_json_object,
        exp.Sum: sum_,
        exp.Map: lambda n: call("map_from_arrays", n.args["keys"], n.args["values"]),
        exp.Trim: trim,
        exp.Pad: pad,
        exp.Bracket: bracket,
        exp.Struct: struct,
        exp.ILike: lambda n: call("ilike", n.this, n.expression),
        exp.Escape: escape,
        exp.BitwiseLeftShift: lambda n: call("shiftleft", n.this, n.expression),
        exp.BitwiseRightShift: lambda n: call("shiftright", n.this, n.expression),
        exp.Initcap: lambda n: call("initcap", n.this),
        exp.Any: lambda n: E.BoolOr(convert(n.this), "any"),
    }
