"""Parameter markers: ``spark.sql("... :x ...", args={"x": 1})`` and ``spark.sql("... ? ...", args=[1])``.

A value is bound as a typed expression node in the parsed tree (a ``BoundParameter`` holding
the literal), never by pasting its text into the SQL: ``"it's"`` stays one string whatever
it contains. To bind ``?`` markers by their order in the text (the parse tree does not keep
it), each is renamed, before parsing, to a named marker carrying its offset. A query must use
one kind of marker; a marker without a value is ``UNBOUND_SQL_PARAMETER`` naming it (a ``?``
by ``_`` and its offset, as Spark does).
"""

from __future__ import annotations

from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.tokens import TokenType

from ember.sql import expressions as E
from ember.sql.errors import AnalysisException
from ember.sql.column import expression_of

__all__ = ["BoundParameter", "mark_positional", "bind_parameters", "unbound"]

_POSITIONAL = "__ember_pos_"


class BoundParameter(exp.Expression, exp.Func):
    """A marker replaced by its value (``meta["value"]``: the ``Expression`` to use)."""

    arg_types = {"this": True}


def _bound(name: exp.Expression, value: E.Expression) -> BoundParameter:
    node = BoundParameter(this=name)
    node.meta["value"] = value
    return node


def unbound(name: str) -> AnalysisException:
    return AnalysisException("UNBOUND_SQL_PARAMETER", f"Found the unbound parameter: {name}. Please, fix `args` "
                             "and provide a mapping of the parameter to either a SQL literal or collection "
                             "constructor functions such as `map()`, `array()`, `struct()`.", "42P02")


def _invalid(name: str) -> AnalysisException:
    return AnalysisException("INVALID_SQL_ARG", f"The argument {name} of `sql()` is invalid. Consider to replace it "
                             "either by a SQL literal or by collection constructor functions such as `map()`, "
                             "`array()`, `struct()`.", "42K08")


def mark_positional(sql: str) -> str:
    """``sql`` with each ``?`` marker renamed to a named marker that records its offset."""
    try:
        tokens = sqlglot.Dialect.get_or_raise("spark").tokenize(sql)
    except sqlglot.errors.TokenError:
        return sql  # the parser reports it
    for token in reversed([t for t in tokens if t.token_type == TokenType.PLACEHOLDER and t.text == "?"]):
        sql = f"{sql[:token.start]}:{_POSITIONAL}{token.start}{sql[token.end + 1:]}"
    return sql


def _value(name: str, value: Any) -> E.Expression:
    from ember.sql.column import Column

    if isinstance(value, Column):
        if not expression_of(value).foldable:
            raise _invalid(name)
        return expression_of(value)
    try:
        return E.Literal.of(value)
    except (TypeError, ValueError):
        raise _invalid(name) from None


def bind_parameters(tree: exp.Expression, args: dict[str, Any] | list | tuple | None) -> exp.Expression:
    """``tree`` (parsed from ``mark_positional``'s text) with every marker replaced by its value."""
    markers = list(tree.find_all(exp.Placeholder))
    positional = sorted(int(m.name[len(_POSITIONAL):]) for m in markers if m.name.startswith(_POSITIONAL))
    if positional and len(positional) != len(markers):
        raise AnalysisException("INVALID_QUERY_MIXED_QUERY_PARAMETERS", "Parameterized query must either use "
                                "positional, or named parameters, but not both.", "42613")
    values = args if args is not None else {}

    def replace(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Placeholder):
            return node
        if node.name.startswith(_POSITIONAL):
            offset = int(node.name[len(_POSITIONAL):])
            index = positional.index(offset)
            if not isinstance(values, (list, tuple)) or index >= len(values):
                raise unbound(f"_{offset}")
            return _bound(exp.Literal.number(index), _value(f"_{offset}", values[index]))
        if not isinstance(values, dict) or node.name not in values:
            raise unbound(node.name)
        return _bound(exp.to_identifier(node.name), _value(node.name, values[node.name]))

    return tree.transform(replace) if markers else tree
