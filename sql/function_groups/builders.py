"""What the function families share: turning arguments into expressions, building a
``FunctionCall`` column, and registering SQL names."""

from __future__ import annotations

from typing import Any, Callable

from ember.sql import expressions as E
from ember.sql.column import Column, expression_of, to_expression, value_expression
from ember.sql.errors import EmberValueError

Builder = Callable[..., Column]


def col_arg(value: Any) -> E.Expression:
    """A "Column or str" argument: a Column as it is, a string as a column name."""
    return to_expression(value)


def value_arg(value: Any) -> E.Expression:
    """A value argument: a Column as it is, anything else a literal."""
    return value_expression(value)


def name_or_value_arg(value: Any) -> E.Expression:
    """A "Column, column name or int" argument (``add_months(d, 'n')``): a string names a column."""
    return to_expression(value) if isinstance(value, str) else value_expression(value)


def literal_value(value: Any, what: str) -> Any:
    """The Python value of a literal argument given as a value or ``lit(...)``."""
    if isinstance(value, Column):
        if not isinstance(expression_of(value), E.Literal):
            raise EmberValueError("NOT_LITERAL", f"{what} must be a literal value, got {value!r}.")
        return expression_of(value).value
    return value


def seed_value(seed: Any) -> int:
    """A random function's seed: the literal given, else a fresh random one."""
    import random

    value = literal_value(seed, "seed")
    return random.randrange(-(1 << 63), 1 << 63) if value is None else int(value)


def call(name: str, *args: E.Expression) -> Column:
    """A column computed by the ``FunctionSpec`` called ``name``."""
    return Column(E.FunctionCall(name, tuple(args)))


def sql_call(name: str) -> Builder:
    """The SQL form of a ``FunctionCall``: every argument arrives as a Column."""
    def build(*cols: Column) -> Column:
        return call(name, *(value_expression(c) for c in cols))

    build.__name__ = name
    return build


def unary(name: str) -> Callable[[Any], Column]:
    """``name(col)`` as a function of one "Column or str" argument."""
    def fn(col: Any) -> Column:
        return call(name, to_expression(col))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``{name}(col)``, as Spark's SQL function of that name."
    return fn


def sql_namer(table: dict[str, Builder]) -> Callable[..., Callable[[Builder], Builder]]:
    """A decorator factory registering a builder in ``table`` under its SQL names (default: its own)."""
    def sql_name(*names: str) -> Callable[[Builder], Builder]:
        def register(fn: Builder) -> Builder:
            for name in names or (fn.__name__,):
                table[name.lower()] = fn
            return fn

        return register

    return sql_name
