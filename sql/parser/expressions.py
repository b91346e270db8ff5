"""SQL expression text (``expr()``, ``filter("a > 1")``, ``selectExpr``) → expression nodes.

sqlglot parses with its Spark dialect; a dispatch table maps each AST node class to a small
builder. Function calls go through ``functions.SQL_FUNCTIONS``, so SQL and the Python API
build identical trees. Anything unsupported raises ``ParseException`` naming the construct.
"""

from __future__ import annotations

import datetime
import decimal
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator

import sqlglot
from sqlglot import exp

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.errors import AnalysisException, ParseException
from ember.sql.expressions.intervals import combine_interval_literals, interval_literal, unit_pairs_literal
from ember.sql.parser.dialect import EmberSpark
from ember.sql.parser.parameters import BoundParameter, unbound

__all__ = ["parse_expression", "convert", "subqueries_planned_by"]

# Plans the query of a subquery found in an expression; set by the SQL front end, which knows
# the tables and the enclosing query. Expression text outside SQL (``expr()``) has none.
_SUBQUERY_PLANNER: ContextVar[Callable[[exp.Expression], Any] | None] = ContextVar("subquery_planner", default=None)


@contextmanager
def subqueries_planned_by(planner: Callable[[exp.Expression], Any] | None) -> Iterator[None]:
    """Within the block, subqueries in converted expressions are planned by ``planner``
    (``None``: refused, where the SQL front end does not plan them)."""
    token = _SUBQUERY_PLANNER.set(planner)
    try:
        yield
    finally:
        _SUBQUERY_PLANNER.reset(token)


def parse_expression(text: str) -> E.Expression:
    from ember.sql.parser.arity import check_calls
    from ember.sql.parser.parse_errors import from_sqlglot

    try:
        tree = sqlglot.parse_one(text, read=EmberSpark)
    except sqlglot.errors.ParseError as e:
        check_calls(text)
        raise from_sqlglot(text, e) from None
    check_calls(text)
    return _convert(tree)


def convert(node: exp.Expression) -> E.Expression:
    """The expression node for one sqlglot expression (used by the SQL front end too)."""
    return _convert(node)


def _convert(node: exp.Expression) -> E.Expression:
    builder = _BUILDERS.get(type(node))
    if builder is not None:
        result = builder(node)
        # sqlglot marks "a NOT LIKE b" (and NOT ILIKE / RLIKE ...) as a flag on the node.
        return E.Not(result) if node.args.get("negate") else result
    if isinstance(node, exp.Func):
        return _function(node)
    raise ParseException("UNSUPPORTED_FEATURE", f"Unsupported SQL construct {node.sql(dialect='spark')!r} ({type(node).__name__}).")


def _binary(cls: type) -> Callable[[exp.Expression], E.Expression]:
    return lambda n: cls(_convert(n.left), _convert(n.right))


def _column(node: exp.Column) -> E.Expression:
    if isinstance(node.this, exp.Star):
        return E.UnresolvedStar(node.table or None)
    return E.UnresolvedAttribute(".".join(p.name for p in node.parts))


def _literal(node: exp.Literal) -> E.Literal:
    """A number is an int, a bigint, or beyond that a decimal; with a point a decimal of exactly
    its digits (``1.50`` is decimal(3,2)); with an exponent a double, as in Spark SQL."""
    if node.is_string:
        return E.Literal.of(node.this)
    text = node.this
    if "e" in text.lower():
        return E.Literal.of(float(text))
    value = decimal.Decimal(text)
    if "." not in text and -(2**63) <= value < 2**63:
        return E.Literal.of(int(text))
    literal = E.Literal.of(value)
    return literal if literal.dtype.precision <= 38 else E.Literal.of(float(text))


def _negate(node: exp.Neg) -> E.Expression:
    """``-1.5`` is the literal -1.5 (Spark folds the sign into a number), anything else a negation."""
    typed = node.this
    if isinstance(typed, exp.TryCast) and "format" not in typed.args and isinstance(typed.this, exp.Literal) and (
            not typed.this.is_string):  # -9223372036854775808L: the sign belongs to the typed literal
        signed = typed.copy()
        signed.set("this", exp.Literal(this="-" + typed.this.name, is_string=False))
        return _try_cast(signed)
    if isinstance(node.this, exp.Literal) and not node.this.is_string:
        literal = _literal(node.this)
        return E.Literal.of(-literal.value) if not isinstance(literal.value, float) else E.Literal(-literal.value, literal.dtype)
    return E.UnaryMinus(_convert(node.this))


def _try_cast(node: exp.TryCast) -> E.Expression:
    """Spark's typed number literals (``10Y``, ``10S``, ``100L``, ``1.5D``, ``1.5F``, ``1.5BD``)
    reach us as a ``TryCast`` of the number that, unlike one parsed from ``CAST(...)``, has no
    ``format`` argument; they are literals of that type."""
    cast = _cast(node)
    if "format" not in node.args and isinstance(node.this, exp.Literal) and isinstance(cast.child, E.Literal) and (
            isinstance(cast.to, T.NumericType)):
        from ember.sql.expressions.cast import cast_arrow

        value = cast_arrow(cast.child.to_arrow(), cast.child.dtype, cast.to).as_py()
        return E.Literal(value, cast.to)
    if node.args.get("safe"):  # TRY_CAST(...), not CAST(...)
        return E.TryCast(cast.child, cast.to)
    return cast


def _interval(node: exp.Interval) -> E.Expression:
    unit = node.args.get("unit")
    if not isinstance(node.this, exp.Literal):
        raise ParseException("UNSUPPORTED_FEATURE", f"Unsupported interval {node.sql(dialect='spark')!r}.")
    if unit is None:
        return unit_pairs_literal(node.this.name)
    if isinstance(unit, exp.IntervalSpan):
        return interval_literal(node.this.name, unit.this.name, unit.expression.name)
    return interval_literal(node.this.name, unit.name)


def _add(node: exp.Add) -> E.Expression:
    left, right = _convert(node.left), _convert(node.right)
    if isinstance(node.right, exp.Interval) and _is_interval_sum(node.left):
        return combine_interval_literals(left, right)
    return E.Add(left, right)


def _is_interval_sum(node: exp.Expression) -> bool:
    """``INTERVAL 1 DAY 2 HOURS 3 MINUTES`` parses as a chain of ``+`` of intervals."""
    return isinstance(node, exp.Interval) or (
        isinstance(node, exp.Add) and isinstance(node.right, exp.Interval) and _is_interval_sum(node.left))


def _extract(node: exp.Extract) -> E.Expression:
    return E.DatePart(node.this.name, _convert(node.expression), "extract")


def _ts_or_ds_add(node: exp.TsOrDsAdd) -> E.Expression:
    """sqlglot's reading of ``date_add(d, n)`` and of ``date_sub(d, n)`` (as ``n * -1`` days)."""
    unit = node.args.get("unit")
    if unit is not None and unit.name.upper() != "DAY":
        raise ParseException("UNSUPPORTED_FEATURE", f"Unsupported date arithmetic {node.sql(dialect='spark')!r}.")
    days = node.expression
    if isinstance(days, exp.Mul) and isinstance(days.expression, exp.Literal) and days.expression.this == "-1" or (
            isinstance(days, exp.Mul) and isinstance(days.expression, exp.Neg)):
        return E.DateSub(_convert(node.this), _convert(days.this))
    return E.DateAdd(_convert(node.this), _convert(days))


def _cast(node: exp.Cast) -> E.Expression:
    return E.Cast(_convert(node.this), T.supported_type(T.parse_datatype_string(node.to.sql(dialect="spark"))))


def _typed_literal(node: exp.Cast) -> E.Expression:
    """``DATE '1998-12-01'``, ``TIMESTAMP '...'`` and ``TIMESTAMP_NTZ '...'`` (sqlglot's ``Cast``; ``CAST(...)`` in Spark SQL
    parses as ``TryCast``) are literals, checked as they are parsed."""
    to = T.supported_type(T.parse_datatype_string(node.to.sql(dialect="spark")))
    if not (isinstance(node.this, exp.Literal) and node.this.is_string and isinstance(
            to, (T.DateType, T.TimestampType, T.TimestampNTZType))):
        return _cast(node)
    text = node.this.this.strip()
    try:
        if isinstance(to, T.DateType):
            return E.Literal(datetime.date.fromisoformat(text), to)
        return E.Literal(datetime.datetime.fromisoformat(text).replace(tzinfo=None), to)
    except ValueError:
        raise ParseException("INVALID_TYPED_LITERAL", f"The value of the typed literal \"{to.simpleString().upper()}\" "
                             f"is invalid: '{node.this.this}'.") from None


def _subquery_plan(query: exp.Expression, source: exp.Expression) -> Any:
    planner = _SUBQUERY_PLANNER.get()
    if planner is None:
        raise ParseException("UNSUPPORTED_FEATURE", f"Subqueries are supported in SQL queries only, not in "
                             f"expression text: {source.sql(dialect='spark')!r}.")
    return planner(query)


def _in(node: exp.In) -> E.Expression:
    query = node.args.get("query")
    if query is not None:
        values = node.this.expressions if isinstance(node.this, exp.Tuple) else [node.this]
        return E.InSubquery(_subquery_plan(query.unnest(), node), values=tuple(_convert(v) for v in values))
    return E.In(_convert(node.this), tuple(_convert(e) for e in node.expressions))


def _equal_any(node: exp.EQ) -> E.Expression:
    """``a = ANY (SELECT ...)`` is ``a IN (SELECT ...)``; other comparisons with ANY/ALL are refused."""
    if isinstance(node.expression, exp.Any) and isinstance(node.expression.this, exp.Subquery):
        return _in(exp.In(this=node.this, query=node.expression.this))
    return E.EqualTo(_convert(node.left), _convert(node.right))


def _between(node: exp.Between) -> E.Expression:
    value = _convert(node.this)
    return E.And(E.GreaterThanOrEqual(value, _convert(node.args["low"])),
                 E.LessThanOrEqual(value, _convert(node.args["high"])))


def _is(node: exp.Is) -> E.Expression:
    if isinstance(node.expression, exp.Null):
        return E.IsNull(_convert(node.this))
    raise ParseException("UNSUPPORTED_FEATURE", f"Unsupported IS test {node.sql()!r}.")


def _not(node: exp.Not) -> E.Expression:
    if isinstance(node.this, exp.Is) and isinstance(node.this.expression, exp.Null):
        return E.IsNotNull(_convert(node.this.this))
    return E.Not(_convert(node.this))


def _case(node: exp.Case) -> E.Expression:
    subject = node.this
    conditions, values = [], []
    for branch in node.args["ifs"]:
        cond = _convert(branch.this)
        if subject is not None:
            cond = E.EqualTo(_convert(subject), cond)
        conditions.append(cond)
        values.append(_convert(branch.args["true"]))
    default = node.args.get("default")
    return E.CaseWhen(tuple(conditions), tuple(values), _convert(default) if default is not None else None)


def _count(node: exp.Count) -> E.Expression:
    arg = node.this
    if isinstance(arg, exp.Distinct):
        return E.CountDistinct(_convert(arg.expressions[0]))
    if arg is None or isinstance(arg, exp.Star) or isinstance(arg, exp.Literal):
        return E.Count(None)
    return E.Count(_convert(arg))


def _window(node: exp.Window) -> E.Expression:
    from ember.sql.parser.windows import window_expression

    return window_expression(node)


def _ignore_nulls(node: exp.IgnoreNulls) -> E.Expression:
    from ember.sql.parser.windows import ignore_nulls

    return ignore_nulls(node)


# sqlglot parses some Spark functions into nodes named after another dialect's function.
_SPARK_NAMES: dict[type, str] = {
    exp.ArrayAgg: "collect_list", exp.ArrayUniqueAgg: "collect_set", exp.DayOfMonth: "dayofmonth",
    exp.IsNan: "isnan", exp.ArraySize: "size", exp.VariancePop: "var_pop",
    exp.DayOfWeek: "dayofweek", exp.WeekOfYear: "weekofyear", exp.DayOfYear: "dayofyear",
    exp.SafeAdd: "try_add", exp.SafeSubtract: "try_subtract", exp.SafeMultiply: "try_multiply",
    exp.SafeDivide: "try_divide", exp.ArrayFilter: "filter", exp.Reduce: "aggregate", exp.Exists: "exists",
    exp.TimestampFromParts: "make_timestamp", exp.JSONFormat: "to_json", exp.JSONKeys: "json_object_keys", exp.FromJson: "from_json",
}


def _function(node: exp.Func) -> E.Expression:
    from ember.sql.column import Column
    from ember.sql.functions import SQL_FUNCTIONS
    from ember.sql.udf import registered_function

    name = _SPARK_NAMES.get(type(node)) or (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
    fn = registered_function(name) or SQL_FUNCTIONS.get(name)
    if fn is None:
        raise AnalysisException(
            "UNRESOLVED_ROUTINE",
            f"Cannot resolve routine `{name}` on search path [`system`.`builtin`, `system`.`session`, "
            "`spark_catalog`.`default`].", "42883")
    args: list[E.Expression] = []
    for key in node.arg_types:
        value = node.args.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, exp.TsOrDsToDate) and item.args.get("format") is None:
                item = item.this  # sqlglot wraps year(d), datediff(a, b), ... arguments in to_date
            if isinstance(item, exp.Expression):  # not sqlglot's flags such as Concat(safe=True)
                args.append(_convert(item))
    return expression_of(fn(*[Column(a) for a in args]))


def _unbound_marker(node: exp.Placeholder) -> E.Expression:
    raise unbound(node.name or "?")


_BUILDERS: dict[type, Callable[[exp.Expression], E.Expression]] = {
    BoundParameter: lambda n: n.meta["value"],
    exp.Placeholder: _unbound_marker,
    exp.Column: _column,
    exp.Star: lambda n: E.UnresolvedStar(),
    exp.Literal: _literal,
    exp.Boolean: lambda n: E.Literal.of(bool(n.this)),
    exp.Null: lambda n: E.Literal.of(None),
    exp.HexString: lambda n: E.Literal.of(bytes.fromhex(n.this if len(n.this) % 2 == 0 else "0" + n.this)),
    exp.Paren: lambda n: _convert(n.this),
    exp.Alias: lambda n: E.Alias.make(_convert(n.this), n.alias),
    exp.Neg: _negate,
    exp.Add: _add,
    exp.Sub: _binary(E.Subtract),
    exp.Mul: _binary(E.Multiply),
    exp.Div: _binary(E.Divide),
    exp.Mod: _binary(E.Remainder),
    exp.IntDiv: _binary(E.IntegralDivide),
    exp.BitwiseAnd: lambda n: E.FunctionCall("&", (_convert(n.this), _convert(n.expression))),
    exp.BitwiseOr: lambda n: E.FunctionCall("|", (_convert(n.this), _convert(n.expression))),
    exp.BitwiseXor: lambda n: E.FunctionCall("^", (_convert(n.this), _convert(n.expression))),
    exp.BitwiseNot: lambda n: E.FunctionCall("bitwise_not", (_convert(n.this),)),
    exp.EQ: _equal_any,
    exp.NullSafeEQ: _binary(E.EqualNullSafe),
    exp.NullSafeNEQ: lambda n: E.Not(E.EqualNullSafe(_convert(n.left), _convert(n.right))),
    exp.NEQ: lambda n: E.Not(E.EqualTo(_convert(n.left), _convert(n.right))),
    exp.GT: _binary(E.GreaterThan),
    exp.GTE: _binary(E.GreaterThanOrEqual),
    exp.LT: _binary(E.LessThan),
    exp.LTE: _binary(E.LessThanOrEqual),
    exp.And: _binary(E.And),
    exp.Or: _binary(E.Or),
    exp.Not: _not,
    exp.Is: _is,
    exp.In: _in,
    exp.Subquery: lambda n: E.ScalarSubquery(_subquery_plan(n.this, n)),
    exp.Exists: lambda n: _function(n) if n.expression is not None else E.Exists(_subquery_plan(n.this, n)),
    exp.Between: _between,
    exp.DPipe: lambda n: E.Concat((_convert(n.this), _convert(n.expression))),
    exp.Like: lambda n: E.Like(_convert(n.this), _convert(n.expression)),
    exp.RegexpLike: lambda n: E.RLike(_convert(n.this), _convert(n.expression)),
    exp.Cast: _typed_literal,
    exp.TryCast: _try_cast,
    exp.Interval: _interval,
    exp.Extract: _extract,
    exp.TsOrDsAdd: _ts_or_ds_add,
    exp.Case: _case,
    exp.If: lambda n: E.CaseWhen((_convert(n.this),), (_convert(n.args["true"]),),
                                 _convert(n.args["false"]) if n.args.get("false") is not None else None),
    exp.Count: _count,
    exp.Window: _window,
    exp.IgnoreNulls: _ignore_nulls,
    exp.RespectNulls: lambda n: _convert(n.this),
    exp.Substring: lambda n: E.Substring(_convert(n.this), _convert(n.args["start"]),
                                         _convert(n.args["length"]) if n.args.get("length") else E.Literal.of(2**31 - 1)),
    exp.Round: lambda n: E.Round(_convert(n.this), int(_convert(n.args["decimals"]).value) if n.args.get("decimals") else 0),
}


from ember.sql.parser.function_nodes import function_builders  # noqa: E402  (needs _convert)

from ember.sql.parser.datetime_nodes import datetime_builders  # noqa: E402
from ember.sql.parser.lambdas import lambda_builders  # noqa: E402
from ember.sql.column import expression_of

_BUILDERS.update(function_builders(_convert))
_BUILDERS.update(lambda_builders(_convert, _column))
_BUILDERS.update(datetime_builders(_convert))
