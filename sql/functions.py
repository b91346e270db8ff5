"""``pyspark.sql.functions``: each function builds one expression node and wraps it in a Column.

Arguments that PySpark documents as "Column or str" take a column name or a Column; value
arguments (``lit``, ``when``'s value, ``date_add``'s days) take a Python value or a Column.
``SQL_FUNCTIONS`` maps SQL function names to these builders for ``expr()`` and SQL text.
"""

from __future__ import annotations

import builtins
from typing import Any, Callable

from ember.sql import expressions as E
from ember.sql.column import Column, _col_expr, _expr
from ember.sql.errors import EmberValueError

__all__ = [
    "col", "column", "lit", "expr", "when", "coalesce", "isnull", "isnan", "sum", "avg", "mean",
    "count", "countDistinct", "count_distinct", "min", "max", "first", "last", "collect_list",
    "collect_set", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "round",
    "abs", "sqrt", "exp", "log", "pow", "power", "floor", "ceil", "ceiling", "upper", "lower",
    "length", "trim", "ltrim", "rtrim", "substring", "concat", "concat_ws", "split",
    "regexp_replace", "regexp_extract", "like", "rlike", "startswith", "endswith", "contains",
    "to_date", "to_timestamp", "year", "month", "dayofmonth", "day", "quarter", "dayofweek", "weekofyear",
    "dayofyear", "hour", "minute", "second", "extract", "date_part", "datepart", "add_months",
    "date_add", "date_sub", "datediff",
    "current_date", "date_format", "array", "struct", "size", "explode", "explode_outer", "posexplode",
    "posexplode_outer", "typeof", "mod", "pmod", "try_add", "try_subtract", "try_multiply", "try_divide", "try_mod",
    "asc", "desc", "asc_nulls_first",
    "asc_nulls_last", "desc_nulls_first", "desc_nulls_last", "grouping", "grouping_id", "row_number", "rank",
    "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "nth_value", "first_value", "last_value",
]

SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {}


def _sql_name(*names: str) -> Callable[[Callable[..., Column]], Callable[..., Column]]:
    def register(fn: Callable[..., Column]) -> Callable[..., Column]:
        for name in names or (fn.__name__,):
            SQL_FUNCTIONS[name.lower()] = fn
        return fn

    return register


def _c(value: Any) -> E.Expression:
    return _col_expr(value)


def _lit_value(value: Any, what: str) -> Any:
    """The Python value of a literal argument given as a value or ``lit(...)``."""
    if isinstance(value, Column):
        if not isinstance(value._expr, E.Literal):
            raise EmberValueError("NOT_LITERAL", f"{what} must be a literal value, got {value!r}.")
        return value._expr.value
    return value


# ---------------------------------------------------------------- references and literals
def col(col: str) -> Column:
    """A column by name: ``col("a")``, ``col("t.a")``, ``col("*")``."""
    return Column(_col_expr(col))


column = col


def lit(col: Any) -> Column:
    """A literal value (a Column passes through unchanged)."""
    return col if isinstance(col, Column) else Column(E.Literal.of(col))


def expr(str: str) -> Column:
    """Parse a SQL expression, e.g. ``expr("a + 1 AS b")``."""
    from ember.sql.parser.expressions import parse_expression

    return Column(parse_expression(str))


# ---------------------------------------------------------------- conditionals and nulls
def when(condition: Column, value: Any) -> Column:
    return Column(E.CaseWhen((_expr(condition),), (_expr(value),)))


@_sql_name("coalesce", "nvl", "ifnull")
def coalesce(*cols: Any) -> Column:
    return Column(E.Coalesce(tuple(_c(c) for c in cols)))


@_sql_name()
def isnull(col: Any) -> Column:
    return Column(E.IsNull(_c(col)))


@_sql_name()
def isnan(col: Any) -> Column:
    from ember.sql.expressions import EqualTo

    c = _c(col)
    return Column(E.Not(EqualTo(c, c)))


# ---------------------------------------------------------------- aggregates
@_sql_name()
def sum(col: Any) -> Column:
    return Column(E.Sum(_c(col)))


@_sql_name("avg", "mean")
def avg(col: Any) -> Column:
    return Column(E.Average(_c(col)))


mean = avg


@_sql_name()
def count(col: Any) -> Column:
    """``count("*")``/``count(lit(1))`` counts rows; ``count(col)`` counts its non-NULL values."""
    e = _c(col)
    if isinstance(e, E.UnresolvedStar) or isinstance(e, E.Literal) and e.value is not None:
        return Column(E.Count(None))
    return Column(E.Count(e))


def count_distinct(col: Any, *cols: Any) -> Column:
    if cols:
        raise EmberValueError(
            "UNSUPPORTED_FEATURE", "count_distinct of several columns is not supported."
        )
    return Column(E.CountDistinct(_c(col)))


countDistinct = count_distinct


@_sql_name()
def min(col: Any) -> Column:
    return Column(E.Min(_c(col)))


@_sql_name()
def max(col: Any) -> Column:
    return Column(E.Max(_c(col)))


@_sql_name()
def first(col: Any, ignorenulls: bool = False) -> Column:
    return Column(E.First(_c(col), ignorenulls))


@_sql_name()
def last(col: Any, ignorenulls: bool = False) -> Column:
    return Column(E.Last(_c(col), ignorenulls))


@_sql_name()
def collect_list(col: Any) -> Column:
    return Column(E.CollectList(_c(col)))


@_sql_name()
def collect_set(col: Any) -> Column:
    return Column(E.CollectSet(_c(col)))


@_sql_name("stddev", "stddev_samp", "std")
def stddev(col: Any) -> Column:
    return Column(E.StddevSamp(_c(col)))


stddev_samp = stddev


@_sql_name()
def stddev_pop(col: Any) -> Column:
    return Column(E.StddevPop(_c(col)))


@_sql_name("variance", "var_samp")
def variance(col: Any) -> Column:
    return Column(E.VarianceSamp(_c(col)))


var_samp = variance


@_sql_name()
def var_pop(col: Any) -> Column:
    return Column(E.VariancePop(_c(col)))


# ---------------------------------------------------------------- math
@_sql_name()
def round(col: Any, scale: int = 0) -> Column:
    return Column(E.Round(_c(col), _lit_value(scale, "scale")))


@_sql_name()
def abs(col: Any) -> Column:
    return Column(E.Abs(_c(col)))


@_sql_name()
def sqrt(col: Any) -> Column:
    return Column(E.Sqrt(_c(col)))


@_sql_name()
def exp(col: Any) -> Column:
    return Column(E.Exp(_c(col)))


@_sql_name("log", "ln")
def log(arg1: Any, arg2: Any = None) -> Column:
    """``log(col)`` is the natural log; ``log(base, col)`` the log in ``base``."""
    if arg2 is None:
        return Column(E.Log(_c(arg1)))
    base = _lit_value(arg1, "base")
    return Column(E.Divide(E.Log(_c(arg2)), E.Log(E.Literal.of(float(base)))))


@_sql_name("pow", "power")
def pow(col1: Any, col2: Any) -> Column:
    left = _c(col1) if isinstance(col1, (str, Column)) else E.Literal.of(col1)
    right = _c(col2) if isinstance(col2, (str, Column)) else E.Literal.of(col2)
    return Column(E.Pow(left, right))


power = pow


@_sql_name()
def floor(col: Any) -> Column:
    return Column(E.Floor(_c(col)))


@_sql_name("ceil", "ceiling")
def ceil(col: Any) -> Column:
    return Column(E.Ceil(_c(col)))


ceiling = ceil


# ---------------------------------------------------------------- strings
@_sql_name("upper", "ucase")
def upper(col: Any) -> Column:
    return Column(E.Upper(_c(col)))


@_sql_name("lower", "lcase")
def lower(col: Any) -> Column:
    return Column(E.Lower(_c(col)))


@_sql_name("length", "char_length", "character_length")
def length(col: Any) -> Column:
    return Column(E.Length(_c(col)))


@_sql_name()
def trim(col: Any) -> Column:
    return Column(E.Trim(_c(col)))


@_sql_name()
def ltrim(col: Any) -> Column:
    return Column(E.LTrim(_c(col)))


@_sql_name()
def rtrim(col: Any) -> Column:
    return Column(E.RTrim(_c(col)))


@_sql_name("substring", "substr")
def substring(str: Any, pos: int, len: int) -> Column:
    return Column(E.Substring(_c(str), _expr(pos), _expr(len)))


@_sql_name()
def concat(*cols: Any) -> Column:
    return Column(E.Concat(tuple(_c(c) for c in cols)))


def concat_ws(sep: str, *cols: Any) -> Column:
    return Column(E.ConcatWs(sep, tuple(_c(c) for c in cols)))


@_sql_name("concat_ws")
def _concat_ws_sql(sep: Any, *cols: Any) -> Column:
    """SQL's ``concat_ws(sep, ...)``: the separator arrives as a literal column."""
    return concat_ws(_lit_value(sep, "The separator of concat_ws"), *cols)


def split(str: Any, pattern: str, limit: int = -1) -> Column:
    return Column(E.Split(_c(str), pattern, limit))


def regexp_replace(string: Any, pattern: str, replacement: str) -> Column:
    return Column(E.RegexpReplace(_c(string), pattern, replacement))


def regexp_extract(str: Any, pattern: str, idx: int) -> Column:
    return Column(E.RegexpExtract(_c(str), pattern, idx))


def like(str: Any, pattern: Any) -> Column:
    return Column(E.Like(_c(str), _expr(pattern)))


def rlike(str: Any, regexp: Any) -> Column:
    return Column(E.RLike(_c(str), _expr(regexp)))


def startswith(str: Any, prefix: Any) -> Column:
    return Column(E.StartsWith(_c(str), _c(prefix)))


def endswith(str: Any, suffix: Any) -> Column:
    return Column(E.EndsWith(_c(str), _c(suffix)))


def contains(left: Any, right: Any) -> Column:
    return Column(E.Contains(_c(left), _c(right)))


# ---------------------------------------------------------------- dates
def to_date(col: Any, format: str | None = None) -> Column:
    return Column(E.ToDate(_c(col), format))


def to_timestamp(col: Any, format: str | None = None) -> Column:
    return Column(E.ToTimestamp(_c(col), format))


@_sql_name()
def year(col: Any) -> Column:
    return Column(E.Year(_c(col)))


@_sql_name()
def month(col: Any) -> Column:
    return Column(E.Month(_c(col)))


@_sql_name("dayofmonth")
def dayofmonth(col: Any) -> Column:
    return Column(E.DayOfMonth(_c(col)))


@_sql_name()
def day(col: Any) -> Column:
    """The day of the month, as ``dayofmonth``."""
    return Column(E.Day(_c(col)))


@_sql_name()
def quarter(col: Any) -> Column:
    return Column(E.Quarter(_c(col)))


@_sql_name()
def dayofweek(col: Any) -> Column:
    """1 for Sunday through 7 for Saturday."""
    return Column(E.DayOfWeek(_c(col)))


@_sql_name()
def weekofyear(col: Any) -> Column:
    """The ISO-8601 week of the year."""
    return Column(E.WeekOfYear(_c(col)))


@_sql_name()
def dayofyear(col: Any) -> Column:
    return Column(E.DayOfYear(_c(col)))


@_sql_name()
def hour(col: Any) -> Column:
    return Column(E.Hour(_c(col)))


@_sql_name()
def minute(col: Any) -> Column:
    return Column(E.Minute(_c(col)))


@_sql_name()
def second(col: Any) -> Column:
    return Column(E.Second(_c(col)))


def _date_part(form: str) -> Callable[[Any, Any], Column]:
    def build(field: Any, source: Any) -> Column:
        name = _lit_value(field, f"The field of {form}")
        return Column(E.DatePart(str(name), _c(source), form))

    build.__name__ = form
    build.__doc__ = f"``{form}(field, source)``: a calendar or clock field (YEAR, QUARTER, MONTH, WEEK, DAY, " \
                    "DAYOFWEEK, DOY, HOUR, MINUTE, SECOND, ...) of a date or timestamp."
    return build


extract = _date_part("extract")
date_part = _sql_name("date_part")(_date_part("date_part"))
datepart = _sql_name("datepart")(_date_part("datepart"))


@_sql_name()
def add_months(start: Any, months: Any) -> Column:
    """``start`` plus ``months`` months; the day is clamped to the last day of the target month."""
    return Column(E.AddMonths(_c(start), _expr(months)))


@_sql_name()
def date_add(start: Any, days: Any) -> Column:
    return Column(E.DateAdd(_c(start), _expr(days)))


@_sql_name()
def date_sub(start: Any, days: Any) -> Column:
    return Column(E.DateSub(_c(start), _expr(days)))


@_sql_name()
def datediff(end: Any, start: Any) -> Column:
    return Column(E.DateDiff(_c(end), _c(start)))


@_sql_name()
def current_date() -> Column:
    return Column(E.CurrentDate())


def date_format(date: Any, format: str) -> Column:
    return Column(E.DateFormat(_c(date), format))


@_sql_name()
def mod(dividend: Any, divisor: Any) -> Column:
    """``dividend % divisor``, with the dividend's sign."""
    return Column(E.Mod(_c(dividend), _c(divisor)))


@_sql_name()
def pmod(dividend: Any, divisor: Any) -> Column:
    """The positive remainder of ``dividend`` by ``divisor``."""
    return Column(E.Pmod(_c(dividend), _c(divisor)))


def _try(name: str, operator: type) -> Callable[[Any, Any], Column]:
    def build(left: Any, right: Any) -> Column:
        return Column(E.TryArithmetic(operator(_c(left), _c(right)), name))

    build.__name__ = name
    build.__doc__ = f"``{name}(left, right)``: as the operator in ANSI mode, but NULL where it fails."
    return build


try_add = _sql_name("try_add")(_try("try_add", E.Add))
try_subtract = _sql_name("try_subtract")(_try("try_subtract", E.Subtract))
try_multiply = _sql_name("try_multiply")(_try("try_multiply", E.Multiply))
try_divide = _sql_name("try_divide")(_try("try_divide", E.Divide))
try_mod = _sql_name("try_mod")(_try("try_mod", E.Remainder))


@_sql_name()
def typeof(col: Any) -> Column:
    """The DDL name of ``col``'s type, e.g. ``decimal(8,3)`` or ``interval day``."""
    return Column(E.TypeOf(_c(col)))


# ---------------------------------------------------------------- collections
@_sql_name()
def array(*cols: Any) -> Column:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = tuple(cols[0])
    return Column(E.CreateArray(tuple(_c(c) for c in cols)))


@_sql_name()
def explode(col: Any) -> Column:
    """One row per element of an array (column ``col``) or entry of a map (``key``, ``value``)."""
    return Column(E.Explode(_c(col)))


@_sql_name()
def explode_outer(col: Any) -> Column:
    """``explode``, but a NULL or empty array or map still gives one row (of NULLs)."""
    return Column(E.Explode(_c(col), is_outer=True))


@_sql_name()
def posexplode(col: Any) -> Column:
    """``explode`` with each element's position (``pos``, from 0) before it."""
    return Column(E.Explode(_c(col), with_position=True))


@_sql_name()
def posexplode_outer(col: Any) -> Column:
    return Column(E.Explode(_c(col), with_position=True, is_outer=True))


@_sql_name()
def struct(*cols: Any) -> Column:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = tuple(cols[0])
    items = tuple(_c(c) for c in cols)
    names = tuple(
        E.output_name(e) if isinstance(e, (E.Alias, E.UnresolvedAttribute, E.AttributeReference)) else f"col{i + 1}"
        for i, e in builtins.enumerate(items)
    )
    items = tuple(e.child if isinstance(e, E.Alias) else e for e in items)
    return Column(E.CreateStruct(names, items))


@_sql_name("size", "cardinality")
def size(col: Any) -> Column:
    return Column(E.Size(_c(col)))


# ---------------------------------------------------------------- ordering
def asc(col: Any) -> Column:
    return Column(E.SortOrder(_c(col), True))


def desc(col: Any) -> Column:
    return Column(E.SortOrder(_c(col), False))


def asc_nulls_first(col: Any) -> Column:
    return Column(E.SortOrder(_c(col), True, True))


def asc_nulls_last(col: Any) -> Column:
    return Column(E.SortOrder(_c(col), True, False))


def desc_nulls_first(col: Any) -> Column:
    return Column(E.SortOrder(_c(col), False, True))


def desc_nulls_last(col: Any) -> Column:
    return Column(E.SortOrder(_c(col), False, False))


# ---------------------------------------------------------------- grouping sets
@_sql_name()
def grouping(col: Any) -> Column:
    """1 when ``col`` is aggregated away in the row's grouping set (ROLLUP, CUBE, GROUPING SETS), else 0."""
    from ember.sql.expressions.grouping import Grouping

    return Column(Grouping(_c(col)))


@_sql_name()
def grouping_id(*cols: Any) -> Column:
    """The ``grouping`` bits of all grouping columns as one long, the first column's bit highest."""
    from ember.sql.expressions.grouping import GroupingID

    return Column(GroupingID(tuple(_c(c) for c in cols)))


# ---------------------------------------------------------------- window functions (use with .over)
@_sql_name()
def row_number() -> Column:
    """The row's position in its window partition, from 1."""
    return Column(E.RowNumber())


@_sql_name()
def rank() -> Column:
    """1 + the number of rows ordered before the row's peers (ties share a rank, leaving gaps)."""
    return Column(E.Rank())


@_sql_name()
def dense_rank() -> Column:
    """Like ``rank`` without gaps: 1 + the number of distinct order values before the row."""
    return Column(E.DenseRank())


@_sql_name()
def percent_rank() -> Column:
    """``(rank - 1) / (rows in partition - 1)``, 0 for a one-row partition."""
    return Column(E.PercentRank())


@_sql_name()
def cume_dist() -> Column:
    """The fraction of the partition's rows ordered before the row or tied with it."""
    return Column(E.CumeDist())


@_sql_name()
def ntile(n: int) -> Column:
    """The bucket (1..n) of the row when the ordered partition is cut into ``n`` near-equal parts."""
    return Column(E.NTile(_lit_value(n, "The buckets of ntile")))


def _offset_function(cls: type, col: Any, offset: Any, default: Any) -> Column:
    return Column(cls(_c(col), _lit_value(offset, "The offset"), _expr(default)))


@_sql_name()
def lag(col: Any, offset: int = 1, default: Any = None) -> Column:
    """The value ``offset`` rows before the current row in the window partition, else ``default``."""
    return _offset_function(E.Lag, col, offset, default)


@_sql_name()
def lead(col: Any, offset: int = 1, default: Any = None) -> Column:
    """The value ``offset`` rows after the current row in the window partition, else ``default``."""
    return _offset_function(E.Lead, col, offset, default)


@_sql_name()
def nth_value(col: Any, offset: int, ignoreNulls: bool = False) -> Column:
    """The value of the window frame's ``offset``-th row (its ``offset``-th non-NULL value with ``ignoreNulls``)."""
    return Column(E.NthValue(_c(col), _lit_value(offset, "The offset"), bool(_lit_value(ignoreNulls, "ignoreNulls"))))


@_sql_name()
def first_value(col: Any, ignoreNulls: Any = None) -> Column:
    """The value of the window frame's first row (first non-NULL value with ``ignoreNulls``)."""
    return Column(E.FirstValue(_c(col), bool(_lit_value(ignoreNulls, "ignoreNulls"))))


@_sql_name()
def last_value(col: Any, ignoreNulls: Any = None) -> Column:
    """The value of the window frame's last row (last non-NULL value with ``ignoreNulls``)."""
    return Column(E.LastValue(_c(col), bool(_lit_value(ignoreNulls, "ignoreNulls"))))
