"""SQL lambdas, ``x -> x + 1`` and ``(acc, x) -> acc + x``, as ``LambdaFunction`` expressions.

Inside a lambda's body its parameter names mean the parameters, before any column of that
name, as in Spark: the names in scope are kept in a context variable while the body is
converted, and a bare identifier or a column whose first part is in scope becomes an
``UnresolvedNamedLambdaVariable`` (plus struct field accesses for ``x.field``).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Callable

from sqlglot import exp

from ember.sql import expressions as E

__all__ = ["lambda_builders"]

_SCOPE: ContextVar[frozenset[str]] = ContextVar("lambda_scope", default=frozenset())

Convert = Callable[[exp.Expression], E.Expression]


def lambda_builders(convert: Convert, column: Callable[[exp.Column], E.Expression]
                    ) -> dict[type, Callable[[exp.Expression], E.Expression]]:
    def lambda_(node: exp.Lambda) -> E.Expression:
        names = [p.name for p in node.expressions]
        token = _SCOPE.set(_SCOPE.get() | {n.lower() for n in names})
        try:
            body = convert(node.this)
        finally:
            _SCOPE.reset(token)
        return E.LambdaFunction(body, tuple(E.UnresolvedNamedLambdaVariable(n) for n in names))

    def variable(name: str, fields: list[str]) -> E.Expression:
        result: E.Expression = E.UnresolvedNamedLambdaVariable(name)
        for field in fields:
            result = E.GetItem(result, field)
        return result

    def identifier(node: exp.Identifier) -> E.Expression:
        if node.name.lower() in _SCOPE.get():
            return variable(node.name, [])
        return E.UnresolvedAttribute(node.name)

    def column_or_variable(node: exp.Column) -> E.Expression:
        parts = [p.name for p in node.parts]
        if parts and not isinstance(node.this, exp.Star) and parts[0].lower() in _SCOPE.get():
            return variable(parts[0], parts[1:])
        return column(node)

    return {exp.Lambda: lambda_, exp.Identifier: identifier, exp.Column: column_or_variable}
