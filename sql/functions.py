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
    "substr", "reverse", "instr", "locate", "lpad", "rpad", "repeat", "initcap", "translate", "replace",
    "left", "right", "ascii", "base64", "unbase64", "char", "chr", "btrim", "levenshtein", "substring_index",
    "soundex", "format_number", "format_string", "printf", "regexp_extract_all", "ilike", "regexp_like",
    "regexp", "hex", "unhex", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh",
    "asinh", "acosh", "atanh", "cot", "sec", "csc", "degrees", "radians", "log10", "log2", "log1p", "expm1",
    "cbrt", "hypot", "factorial", "signum", "sign", "rint", "bin", "greatest", "least", "bround", "conv",
    "shiftleft", "shiftright", "shiftrightunsigned", "bitwise_not", "e", "pi", "nanvl", "negative", "nullif",
    "nvl", "ifnull", "nvl2", "assert_true", "raise_error", "array_contains", "array_distinct", "array_join",
    "array_max", "array_min", "array_position", "array_remove", "array_repeat", "array_union",
    "array_intersect", "array_except", "arrays_overlap", "arrays_zip", "element_at", "flatten", "sequence",
    "slice", "sort_array", "array_sort", "map_keys", "map_values", "map_from_arrays", "create_map",
    "named_struct", "any_value", "bool_and", "every", "bool_or", "some", "count_if", "product",
    "approx_count_distinct", "median", "mode", "percentile", "percentile_approx", "approx_percentile",
    "max_by", "min_by", "corr", "covar_pop", "covar_samp", "kurtosis", "skewness", "sum_distinct",
    "sumDistinct", "md5", "sha1", "sha2", "crc32", "hash", "xxhash64", "rand", "randn", "split_part",
    "regexp_substr", "regexp_count", "octet_length", "bit_length", "char_length", "character_length", "lcase",
    "ucase", "encode", "decode", "isnotnull", "equal_null", "zeroifnull", "nullifzero", "ln", "positive",
    "bit_count", "array_append", "array_prepend", "array_compact", "array_size", "map_contains_key",
    "map_entries", "map_from_entries", "map_concat", "try_element_at", "get", "string_agg", "listagg",
    "string_agg_distinct", "listagg_distinct", "bit_and", "bit_or", "bit_xor", "regr_count", "regr_avgx",
    "regr_avgy", "regr_sxx", "regr_syy", "regr_sxy", "regr_slope", "regr_intercept", "regr_r2",
    "approxCountDistinct", "bitwiseNOT", "toDegrees", "toRadians", "shiftLeft", "shiftRight",
    "shiftRightUnsigned", "negate", "std", "array_agg", "cardinality", "random", "sha", "elt", "find_in_set",
    "url_encode", "url_decode", "quote", "str_to_map", "regexp_instr", "getbit", "bit_get", "position",
    "spark_partition_id", "monotonically_increasing_id", "overlay",
    "width_bucket",
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
    return Column(_c(col)).isNaN()


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
def floor(col: Any, scale: Any = None) -> Column:
    """Round down; with ``scale``, to that many decimal places as a decimal (negative: to tens…)."""
    if scale is None:
        return Column(E.Floor(_c(col)))
    return _call("floor", _c(col), _expr(scale))


@_sql_name("ceil", "ceiling")
def ceil(col: Any, scale: Any = None) -> Column:
    """Round up; with ``scale``, to that many decimal places as a decimal (negative: to tens…)."""
    if scale is None:
        return Column(E.Ceil(_c(col)))
    return _call("ceil", _c(col), _expr(scale))


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
def trim(col: Any, trim: Any = None) -> Column:
    """Strip spaces, or the characters of ``trim``, from the string's ends."""
    if trim is None:
        return Column(E.Trim(_c(col)))
    return _call("trim", _c(col), _c(trim))


@_sql_name()
def ltrim(col: Any, trim: Any = None) -> Column:
    """Strip spaces, or the characters of ``trim``, from the string's ends."""
    if trim is None:
        return Column(E.LTrim(_c(col)))
    return _call("ltrim", _c(col), _c(trim))


@_sql_name()
def rtrim(col: Any, trim: Any = None) -> Column:
    """Strip spaces, or the characters of ``trim``, from the string's ends."""
    if trim is None:
        return Column(E.RTrim(_c(col)))
    return _call("rtrim", _c(col), _c(trim))


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


def like(str: Any, pattern: Any, escapeChar: Any = None) -> Column:
    """``str LIKE pattern``; as in PySpark, a pattern given as a string names a column."""
    if escapeChar is not None:
        raise EmberValueError("UNSUPPORTED_FEATURE", "like with an escape character is not supported.")
    return Column(E.Like(_c(str), _c(pattern)))


def rlike(str: Any, regexp: Any) -> Column:
    """``str RLIKE regexp``; as in PySpark, a regexp given as a string names a column."""
    return Column(E.RLike(_c(str), _c(regexp)))


regexp_like = regexp = rlike


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


# ---------------------------------------------------------------- functions computed by a FunctionSpec
def _call(name: str, *args: E.Expression) -> Column:
    return Column(E.FunctionCall(name, tuple(args)))


def _sql_call(name: str) -> Callable[..., Column]:
    """The SQL form of a ``FunctionCall``: every argument arrives as a Column."""
    def build(*cols: Column) -> Column:
        return _call(name, *(_expr(c) for c in cols))

    build.__name__ = name
    return build


for _name in (
    "instr", "lpad", "rpad", "repeat", "initcap", "translate", "replace", "left", "right", "ascii",
    "base64", "unbase64", "btrim", "char", "chr", "levenshtein", "substring_index", "soundex", "format_number",
    "format_string", "printf", "regexp_extract_all", "hex", "unhex", "ilike", "sin", "cos", "tan", "asin",
    "acos", "atan", "atan2", "sinh", "cosh", "tanh", "cot", "sec", "csc", "asinh", "acosh", "atanh", "degrees",
    "radians", "log10", "log2", "log1p", "expm1", "cbrt", "hypot", "factorial", "greatest", "least",
    "bround", "conv", "bin", "shiftleft", "shiftright", "shiftrightunsigned", "signum", "sign", "rint", "e",
    "pi", "nanvl", "nullif", "nvl", "ifnull", "nvl2", "assert_true", "raise_error", "array_contains",
    "array_distinct", "array_join", "array_max", "array_min", "array_position", "array_remove", "array_repeat",
    "array_union", "array_intersect", "array_except", "arrays_overlap", "arrays_zip", "element_at", "flatten",
    "sequence", "slice", "sort_array", "map_keys", "map_values", "map_from_arrays",
):
    SQL_FUNCTIONS[_name] = _sql_call(_name)
for _alias, _name in {
    "to_base64": "base64", "from_base64": "unbase64", "format": "format_string", "bitwiseleftshift": "shiftleft",
    "bitwiserightshift": "shiftright", "array_to_string": "array_join", "generate_series": "sequence",
}.items():
    SQL_FUNCTIONS[_alias] = _sql_call(_name)


@_sql_name("str_position")
def _str_position_sql(string: Column, substr: Column, pos: Column | None = None) -> Column:
    """sqlglot's one node for ``instr(str, substr)`` and ``locate(substr, str[, pos])``."""
    if pos is None:
        return _call("instr", string._expr, substr._expr)
    return _call("locate", substr._expr, string._expr, pos._expr)


@_sql_name("pad")
def _pad_sql(string: Column, length: Column, *rest: Column) -> Column:
    """sqlglot's one node for ``lpad``/``rpad``: the last argument says which."""
    *fill, is_left = rest
    return _call("lpad" if _lit_value(is_left, "side") else "rpad", string._expr, length._expr,
                 *(f._expr for f in fill))


@_sql_name("array_sort")
def _array_sort_sql(array: Column, *flags: Column) -> Column:
    """sqlglot's one node for ``sort_array(a[, asc])`` (NULLs first) and ``array_sort(a)`` (NULLs last)."""
    if len(flags) == 1 and isinstance(flags[0]._expr, E.LambdaFunction):
        return array_sort_with(array, flags[0])
    *asc, nulls_first = flags
    if asc or _lit_value(nulls_first, "nulls_first"):
        return _call("sort_array", array._expr, *([a._expr for a in asc] or [E.Literal.of(True)]))
    return _call("array_sort", array._expr)


@_sql_name("array_slice")
def _array_slice_sql(array: Column, start: Column, length: Column, *flags: Column) -> Column:
    return _call("slice", array._expr, start._expr, length._expr)


@_sql_name("reverse")
def reverse(col: Any) -> Column:
    """A string's characters, or an array's elements, in reverse order."""
    return _call("reverse", _c(col))


def instr(str: Any, substr: Any) -> Column:
    return _call("instr", _c(str), _expr(substr))


def locate(substr: str, str: Any, pos: int = 1) -> Column:
    return _call("locate", _expr(substr), _c(str), _expr(pos))


def lpad(col: Any, len: Any, pad: Any) -> Column:
    return _call("lpad", _c(col), _expr(len), _expr(pad))


def rpad(col: Any, len: Any, pad: Any) -> Column:
    return _call("rpad", _c(col), _expr(len), _expr(pad))


def repeat(col: Any, n: Any) -> Column:
    return _call("repeat", _c(col), _c(n) if isinstance(n, (str, Column)) else _expr(n))


def initcap(col: Any) -> Column:
    return _call("initcap", _c(col))


def translate(srcCol: Any, matching: str, replace: str) -> Column:
    return _call("translate", _c(srcCol), _expr(matching), _expr(replace))


def replace(src: Any, search: Any, replace: Any = None) -> Column:
    extra = () if replace is None else (_c(replace),)
    return _call("replace", _c(src), _c(search), *extra)


def left(str: Any, len: Any) -> Column:
    return _call("left", _c(str), _c(len))


def right(str: Any, len: Any) -> Column:
    return _call("right", _c(str), _c(len))


def _unary(name: str) -> Callable[[Any], Column]:
    def fn(col: Any) -> Column:
        return _call(name, _c(col))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``{name}(col)``, as Spark's SQL function of that name."
    return fn


ascii = _unary("ascii")
base64 = _unary("base64")
unbase64 = _unary("unbase64")
char = _unary("char")
soundex = _unary("soundex")
hex = _unary("hex")
unhex = _unary("unhex")
sin, cos, tan, asin, acos, atan = (_unary(n) for n in ("sin", "cos", "tan", "asin", "acos", "atan"))
sinh, cosh, tanh, asinh, acosh, atanh = (_unary(n) for n in ("sinh", "cosh", "tanh", "asinh", "acosh", "atanh"))
cot, sec, csc, degrees, radians = (_unary(n) for n in ("cot", "sec", "csc", "degrees", "radians"))
log10, log2, log1p, expm1, cbrt = (_unary(n) for n in ("log10", "log2", "log1p", "expm1", "cbrt"))
factorial, signum, sign, rint, bin = (_unary(n) for n in ("factorial", "signum", "sign", "rint", "bin"))
bitwise_not = _unary("bitwise_not")
array_distinct, array_max, array_min = (_unary(n) for n in ("array_distinct", "array_max", "array_min"))
flatten, map_keys, map_values = (_unary(n) for n in ("flatten", "map_keys", "map_values"))


def chr(n: Any) -> Column:
    return _call("chr", _c(n))


def btrim(str: Any, trim: Any = None) -> Column:
    return _call("btrim", _c(str), *(() if trim is None else (_c(trim),)))


def levenshtein(left: Any, right: Any, threshold: int | None = None) -> Column:
    return _call("levenshtein", _c(left), _c(right), *(() if threshold is None else (_expr(threshold),)))


def substring_index(str: Any, delim: str, count: int) -> Column:
    return _call("substring_index", _c(str), _expr(delim), _expr(count))


def format_number(col: Any, d: int) -> Column:
    return _call("format_number", _c(col), _expr(d))


def format_string(format: str, *cols: Any) -> Column:
    return _call("format_string", _expr(format), *(_c(c) for c in cols))


def printf(format: Any, *cols: Any) -> Column:
    return _call("printf", _c(format), *(_c(c) for c in cols))


def regexp_extract_all(str: Any, regexp: Any, idx: Any = None) -> Column:
    return _call("regexp_extract_all", _c(str), _c(regexp), _expr(1 if idx is None else idx))


@_sql_name("regexp_extract_all")
def _regexp_extract_all_sql(str: Column, regexp: Column, idx: Column | None = None) -> Column:
    return regexp_extract_all(str, regexp, idx)


def ilike(str: Any, pattern: Any, escapeChar: Any = None) -> Column:
    if escapeChar is not None:
        raise EmberValueError("UNSUPPORTED_FEATURE", "ilike with an escape character is not supported.")
    return _call("ilike", _c(str), _c(pattern))


def _numeric_pair(name: str) -> Callable[[Any, Any], Column]:
    def fn(col1: Any, col2: Any) -> Column:
        return _call(name, *(E.Literal.of(c) if isinstance(c, (int, float)) else _c(c) for c in (col1, col2)))

    fn.__name__ = fn.__qualname__ = name
    return fn


atan2, hypot = _numeric_pair("atan2"), _numeric_pair("hypot")


def greatest(*cols: Any) -> Column:
    return _call("greatest", *(_c(c) for c in cols))


def least(*cols: Any) -> Column:
    return _call("least", *(_c(c) for c in cols))


def bround(col: Any, scale: Any = None) -> Column:
    return _call("bround", _c(col), _expr(0 if scale is None else scale))


def conv(col: Any, fromBase: int, toBase: int) -> Column:
    return _call("conv", _c(col), _expr(fromBase), _expr(toBase))


def shiftleft(col: Any, numBits: int) -> Column:
    return _call("shiftleft", _c(col), _expr(numBits))


def shiftright(col: Any, numBits: int) -> Column:
    return _call("shiftright", _c(col), _expr(numBits))


def shiftrightunsigned(col: Any, numBits: int) -> Column:
    return _call("shiftrightunsigned", _c(col), _expr(numBits))


def e() -> Column:
    return _call("e")


def pi() -> Column:
    return _call("pi")


def nanvl(col1: Any, col2: Any) -> Column:
    return _call("nanvl", _c(col1), _c(col2))


def nullif(col1: Any, col2: Any) -> Column:
    return _call("nullif", _c(col1), _c(col2))


def nvl(col1: Any, col2: Any) -> Column:
    return _call("nvl", _c(col1), _c(col2))


def ifnull(col1: Any, col2: Any) -> Column:
    return _call("ifnull", _c(col1), _c(col2))


def nvl2(col1: Any, col2: Any, col3: Any) -> Column:
    return _call("nvl2", _c(col1), _c(col2), _c(col3))


def assert_true(col: Any, errMsg: Any = None) -> Column:
    return _call("assert_true", _c(col), *(() if errMsg is None else (_expr(errMsg),)))


def raise_error(errMsg: Any) -> Column:
    return _call("raise_error", _expr(errMsg))


def array_contains(col: Any, value: Any) -> Column:
    return _call("array_contains", _c(col), _expr(value))


def array_join(col: Any, delimiter: str, null_replacement: str | None = None) -> Column:
    extra = () if null_replacement is None else (_expr(null_replacement),)
    return _call("array_join", _c(col), _expr(delimiter), *extra)


def array_position(col: Any, value: Any) -> Column:
    return _call("array_position", _c(col), _expr(value))


def array_remove(col: Any, element: Any) -> Column:
    return _call("array_remove", _c(col), _expr(element))


def array_repeat(col: Any, count: Any) -> Column:
    return _call("array_repeat", _c(col), _expr(count) if isinstance(count, int) else _c(count))


def _array_pair(name: str) -> Callable[[Any, Any], Column]:
    def fn(col1: Any, col2: Any) -> Column:
        return _call(name, _c(col1), _c(col2))

    fn.__name__ = fn.__qualname__ = name
    return fn


array_union, array_intersect = _array_pair("array_union"), _array_pair("array_intersect")
array_except, arrays_overlap = _array_pair("array_except"), _array_pair("arrays_overlap")
map_from_arrays = _array_pair("map_from_arrays")


def arrays_zip(*cols: Any) -> Column:
    return _call("arrays_zip", *(_c(c) for c in cols))


def element_at(col: Any, extraction: Any) -> Column:
    return _call("element_at", _c(col), _expr(extraction))


def sequence(start: Any, stop: Any, step: Any = None) -> Column:
    return _call("sequence", _c(start), _c(stop), *(() if step is None else (_c(step),)))


def slice(x: Any, start: Any, length: Any) -> Column:
    def arg(v: Any) -> E.Expression:
        return _expr(v) if isinstance(v, int) else _c(v)

    return _call("slice", _c(x), arg(start), arg(length))


def sort_array(col: Any, asc: bool = True) -> Column:
    return _call("sort_array", _c(col), _expr(asc))


def array_sort(col: Any, comparator: Any = None) -> Column:
    """Ascending with NULLs last, or by ``comparator(l, r)`` (negative when ``l`` goes first)."""
    if comparator is not None:
        return array_sort_with(col, comparator)
    return _call("array_sort", _c(col))


def substr(str: Any, pos: Any, len: Any = None) -> Column:
    """``substring`` with the position and length given as columns (or names)."""
    length = E.Literal.of(2147483647) if len is None else _c(len)
    return Column(E.Substring(_c(str), _c(pos), length, "substr"))


# ---------------------------------------------------------------- more aggregates
@_sql_name("any_value")
def any_value(col: Any, ignoreNulls: Any = None) -> Column:
    return Column(E.AnyValue(_c(col), builtins.bool(_lit_value(ignoreNulls, "ignoreNulls"))))


@_sql_name("bool_and", "logical_and")
def bool_and(col: Any) -> Column:
    return Column(E.BoolAnd(_c(col)))


@_sql_name()
def every(col: Any) -> Column:
    return Column(E.BoolAnd(_c(col), "every"))


@_sql_name("bool_or", "logical_or")
def bool_or(col: Any) -> Column:
    return Column(E.BoolOr(_c(col)))


@_sql_name("some")
def some(col: Any) -> Column:
    return Column(E.BoolOr(_c(col), "some"))


@_sql_name("any")
def _any_sql(col: Any) -> Column:
    return Column(E.BoolOr(_c(col), "any"))


@_sql_name()
def count_if(col: Any) -> Column:
    return Column(E.CountIf(_c(col)))


def product(col: Any) -> Column:
    return Column(E.Product(_c(col)))


@_sql_name("approx_count_distinct", "approx_distinct")
def approx_count_distinct(col: Any, rsd: float | None = None) -> Column:
    """Counted exactly, so within any relative standard deviation ``rsd``."""
    return Column(E.ApproxCountDistinct(_c(col)))


def _reduction(name: str, child: E.Expression, *params: Any, shown: tuple = (), sql_name: str = "") -> Column:
    return Column(E.ListReduction(child, name, params, shown, sql_name))


@_sql_name()
def median(col: Any) -> Column:
    return _reduction("median", _c(col))


@_sql_name()
def mode(col: Any, deterministic: bool = False) -> Column:
    return _reduction("mode", _c(col))


def _fraction(percentage: Any) -> float:
    value = _lit_value(percentage, "percentage")
    if isinstance(value, (list, tuple)):
        raise EmberValueError("UNSUPPORTED_FEATURE", "percentile with an array of percentages is not supported.")
    if not 0.0 <= value <= 1.0:
        from ember.sql.errors import AnalysisException

        raise AnalysisException(
            "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
            f"The percentage must be between 0.0 and 1.0, but got {value}.")
    return builtins.float(value)


@_sql_name("percentile", "quantile")
def percentile(col: Any, percentage: Any, frequency: Any = 1) -> Column:
    """Exact percentile, interpolated linearly between the closest ranks."""
    if _lit_value(frequency, "frequency") != 1:
        raise EmberValueError("UNSUPPORTED_FEATURE", "percentile with a frequency is not supported.")
    return _reduction("percentile", _c(col), _fraction(percentage), shown=(1,))


@_sql_name("percentile_approx", "approx_quantile")
def percentile_approx(col: Any, percentage: Any, accuracy: Any = 10000) -> Column:
    """Computed exactly: the smallest value whose rank reaches ``percentage`` of the group."""
    return _reduction("percentile_approx", _c(col), _fraction(percentage),
                      shown=(_lit_value(accuracy, "accuracy"),))


@_sql_name()
def approx_percentile(col: Any, percentage: Any, accuracy: Any = 10000) -> Column:
    """``percentile_approx`` under its other name."""
    return _reduction("percentile_approx", _c(col), _fraction(percentage),
                      shown=(_lit_value(accuracy, "accuracy"),), sql_name="approx_percentile")


def _by(name: str) -> Callable[..., Column]:
    def fn(col: Any, ord: Any, k: int | None = None) -> Column:
        if k is not None:
            raise EmberValueError("UNSUPPORTED_FEATURE", f"{name} with k is not supported.")
        return _reduction(name, E.pair(_c(col), _c(ord)))

    fn.__name__ = fn.__qualname__ = name
    return fn


max_by, min_by = _by("max_by"), _by("min_by")
SQL_FUNCTIONS["max_by"] = SQL_FUNCTIONS["arg_max"] = max_by
SQL_FUNCTIONS["min_by"] = SQL_FUNCTIONS["arg_min"] = min_by


def _paired(name: str) -> Callable[[Any, Any], Column]:
    def fn(col1: Any, col2: Any) -> Column:
        return _reduction(name, E.pair(_c(col1), _c(col2)))

    fn.__name__ = fn.__qualname__ = name
    SQL_FUNCTIONS[name] = fn
    return fn


corr, covar_pop, covar_samp = _paired("corr"), _paired("covar_pop"), _paired("covar_samp")


@_sql_name()
def kurtosis(col: Any) -> Column:
    return _reduction("kurtosis", _c(col))


@_sql_name()
def skewness(col: Any) -> Column:
    return _reduction("skewness", _c(col))


def sum_distinct(col: Any) -> Column:
    """The sum of the distinct values (``sum(DISTINCT col)``)."""
    return _reduction("sum_distinct", _c(col))


sumDistinct = sum_distinct


# ---------------------------------------------------------------- maps and structs
def create_map(*cols: Any) -> Column:
    """A map from alternating key and value columns: ``create_map(k1, v1, k2, v2)``."""
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = tuple(cols[0])
    return _call("map", *(_c(c) for c in cols))


SQL_FUNCTIONS["map"] = _sql_call("map")
SQL_FUNCTIONS["contains"] = contains
SQL_FUNCTIONS["startswith"] = SQL_FUNCTIONS["starts_with"] = startswith
SQL_FUNCTIONS["endswith"] = SQL_FUNCTIONS["ends_with"] = endswith


@_sql_name("split", "regexp_split")
def _split_sql(str: Column, regex: Column, limit: Column | None = None) -> Column:
    return split(str, _lit_value(regex, "The pattern of split"), -1 if limit is None else _lit_value(limit, "limit"))


@_sql_name("var_map")
def _var_map_sql(keys: Column, values: Column) -> Column:
    """sqlglot's ``map(k1, v1, ...)``: the keys and the values as two arrays."""
    pairs = [e for kv in zip(keys._expr.items, values._expr.items) for e in kv]
    return _call("map", *pairs)


@_sql_name()
def named_struct(*cols: Any) -> Column:
    """A struct from alternating name literals and values: ``named_struct(lit("a"), col("x"))``."""
    names = [_lit_value(c, "The field name of named_struct") for c in cols[0::2]]
    return Column(E.CreateStruct(tuple(names), tuple(_c(c) for c in cols[1::2]), "named_struct"))


@_sql_name("negative")
def negative(col: Any) -> Column:
    return Column(E.Negative(_c(col)))


# ---------------------------------------------------------------- hashes
md5, sha1, crc32 = _unary("md5"), _unary("sha1"), _unary("crc32")
for _name in ("md5", "sha1", "sha", "sha2", "crc32", "hash", "xxhash64"):
    SQL_FUNCTIONS[_name] = _sql_call(_name)


def sha2(col: Any, numBits: int) -> Column:
    """The SHA-2 digest (``numBits`` of 224, 256, 384 or 512; 0 means 256) as hex."""
    if numBits not in (0, 224, 256, 384, 512):
        raise EmberValueError("VALUE_NOT_ALLOWED", "Value for `numBits` has to be amongst the following values: "
                              "[0, 224, 256, 384, 512].")
    return _call("sha2", _c(col), _expr(numBits))


def hash(*cols: Any) -> Column:
    """Spark's Murmur3 hash of the columns (seed 42), the same value Spark gives."""
    return _call("hash", *(_c(c) for c in cols))


def xxhash64(*cols: Any) -> Column:
    """Spark's XXH64 hash of the columns (seed 42), the same value Spark gives."""
    return _call("xxhash64", *(_c(c) for c in cols))


def _seed(seed: Any) -> int:
    import random

    value = _lit_value(seed, "seed")
    return random.randrange(-(1 << 63), 1 << 63) if value is None else int(value)


@_sql_name()
def rand(seed: Any = None) -> Column:
    """Uniform random numbers in [0, 1), the same for a seed and partition on every run."""
    return Column(E.Rand(_seed(seed)))


@_sql_name()
def randn(seed: Any = None) -> Column:
    """Standard normal random numbers, the same for a seed and partition on every run."""
    return Column(E.Rand(_seed(seed), gaussian=True))


# ---------------------------------------------------------------- more strings, NULL tests, arrays and maps
for _name in (
    "split_part", "regexp_substr", "regexp_count", "octet_length", "bit_length", "char_length", "character_length",
    "lcase", "ucase", "encode", "decode", "isnotnull", "equal_null", "zeroifnull", "nullifzero", "ln", "positive",
    "bit_count", "array_append", "array_prepend", "array_compact", "array_size", "map_contains_key", "map_entries",
    "map_from_entries", "map_concat", "try_element_at", "get",
):
    SQL_FUNCTIONS[_name] = _sql_call(_name)
    SQL_FUNCTIONS["bitwise_count"] = _sql_call("bit_count")
    if _name not in ("encode", "decode", "get", "try_element_at", "array_append", "array_prepend", "map_contains_key",
                     "split_part", "regexp_substr", "regexp_count", "equal_null"):
        globals()[_name] = _unary(_name)


def split_part(src: Any, delimiter: Any, partNum: Any) -> Column:
    return _call("split_part", _c(src), _c(delimiter), _c(partNum))


def regexp_substr(str: Any, regexp: Any) -> Column:
    return _call("regexp_substr", _c(str), _c(regexp))


def regexp_count(str: Any, regexp: Any) -> Column:
    return _call("regexp_count", _c(str), _c(regexp))


def encode(col: Any, charset: str) -> Column:
    return _call("encode", _c(col), _expr(charset))


def decode(col: Any, charset: str) -> Column:
    return _call("decode", _c(col), _expr(charset))


def equal_null(col1: Any, col2: Any) -> Column:
    return _call("equal_null", _c(col1), _c(col2))


def get(col: Any, index: Any) -> Column:
    return _call("get", _c(col), _expr(index) if isinstance(index, int) else _c(index))


def try_element_at(col: Any, extraction: Any) -> Column:
    return _call("try_element_at", _c(col), _c(extraction))


def array_append(col: Any, value: Any) -> Column:
    return _call("array_append", _c(col), _expr(value))


def array_prepend(col: Any, value: Any) -> Column:
    return _call("array_prepend", _c(col), _expr(value))


def map_contains_key(col: Any, value: Any) -> Column:
    return _call("map_contains_key", _c(col), _expr(value))


def map_concat(*cols: Any) -> Column:
    return _call("map_concat", *(_c(c) for c in cols))


# ---------------------------------------------------------------- string and bit aggregates, regressions
def _string_agg(name: str, col: Any, delimiter: Any, distinct: bool) -> Column:
    value = _lit_value(delimiter, "delimiter") if delimiter is not None else None
    params = () if value is None else (value,)
    return _reduction("string_agg_distinct" if distinct else "string_agg", _c(col), *params,
                      shown=("NULL",) if value is None else (), sql_name=name)


def string_agg(col: Any, delimiter: Any = None) -> Column:
    """The group's non-NULL strings joined by ``delimiter`` (none by default), in row order."""
    return _string_agg("string_agg", col, delimiter, False)


def listagg(col: Any, delimiter: Any = None) -> Column:
    """``string_agg`` under its other name."""
    return _string_agg("listagg", col, delimiter, False)


def string_agg_distinct(col: Any, delimiter: Any = None) -> Column:
    return _string_agg("string_agg", col, delimiter, True)


def listagg_distinct(col: Any, delimiter: Any = None) -> Column:
    return _string_agg("listagg", col, delimiter, True)


SQL_FUNCTIONS["string_agg"] = string_agg
SQL_FUNCTIONS["listagg"] = listagg


def _bit_aggregate(name: str) -> Callable[[Any], Column]:
    def fn(col: Any) -> Column:
        return _reduction(name, _c(col))

    fn.__name__ = fn.__qualname__ = name
    SQL_FUNCTIONS[name] = fn
    return fn


bit_and, bit_or, bit_xor = _bit_aggregate("bit_and"), _bit_aggregate("bit_or"), _bit_aggregate("bit_xor")
SQL_FUNCTIONS.update(bitwise_and_agg=bit_and, bitwise_or_agg=bit_or, bitwise_xor_agg=bit_xor)


def _regression(stat: str) -> Callable[[Any, Any], Column]:
    def fn(y: Any, x: Any) -> Column:
        return _reduction(f"regr_{stat}", E.pair(_c(y), _c(x)))

    fn.__name__ = fn.__qualname__ = f"regr_{stat}"
    SQL_FUNCTIONS[f"regr_{stat}"] = fn
    return fn


regr_count, regr_avgx, regr_avgy = _regression("count"), _regression("avgx"), _regression("avgy")
regr_sxx, regr_syy, regr_sxy = _regression("sxx"), _regression("syy"), _regression("sxy")
regr_slope, regr_intercept, regr_r2 = _regression("slope"), _regression("intercept"), _regression("r2")

# PySpark's other spellings of functions above.
approxCountDistinct, bitwiseNOT, toDegrees, toRadians = approx_count_distinct, bitwise_not, degrees, radians
shiftLeft, shiftRight, shiftRightUnsigned, negate = shiftleft, shiftright, shiftrightunsigned, negative
std, array_agg, cardinality, random = stddev, collect_list, size, rand
SQL_FUNCTIONS["std"] = stddev


def sha(col: Any) -> Column:
    return _call("sha", _c(col))
for _name in ("elt", "find_in_set", "url_encode", "url_decode", "quote", "str_to_map", "regexp_instr", "getbit",
              "bit_get"):
    SQL_FUNCTIONS[_name] = _sql_call(_name)
url_encode, url_decode, quote = _unary("url_encode"), _unary("url_decode"), _unary("quote")


def elt(*inputs: Any) -> Column:
    return _call("elt", *(_c(c) for c in inputs))


def find_in_set(str: Any, str_array: Any) -> Column:
    return _call("find_in_set", _c(str), _c(str_array))


def str_to_map(text: Any, pairDelim: Any = None, keyValueDelim: Any = None) -> Column:
    return _call("str_to_map", _c(text), _expr(pairDelim) if pairDelim is not None else E.Literal.of(","),
                 _expr(keyValueDelim) if keyValueDelim is not None else E.Literal.of(":"))


def regexp_instr(str: Any, regexp: Any, idx: Any = None) -> Column:
    return _call("regexp_instr", _c(str), _c(regexp), _expr(0 if idx is None else idx))


def getbit(col: Any, pos: Any) -> Column:
    return _call("getbit", _c(col), _c(pos) if isinstance(pos, (str, Column)) else _expr(pos))


bit_get = getbit


@_sql_name("position")
def position(substr: Any, str: Any, start: Any = None) -> Column:
    """``locate`` with the start last, named ``position(substr, str, start)``."""
    return Column(E.FunctionCall("locate", (_c(substr), _c(str), _expr(1) if start is None else _c(start))))


@_sql_name()
def spark_partition_id() -> Column:
    """The partition each row is in."""
    return Column(E.SparkPartitionId())


@_sql_name()
def monotonically_increasing_id() -> Column:
    """Unique, increasing 64-bit ids: the partition in the upper 31 bits, the row's position in it below."""
    return Column(E.MonotonicallyIncreasingId())
SQL_FUNCTIONS["overlay"] = _sql_call("overlay")
SQL_FUNCTIONS["width_bucket"] = _sql_call("width_bucket")


def overlay(src: Any, replace: Any, pos: Any, len: Any = -1) -> Column:
    """``src`` with ``len`` characters from ``pos`` (1-based) replaced by ``replace`` (``len`` -1: its length)."""
    return _call("overlay", _c(src), _c(replace), _expr(pos) if isinstance(pos, int) else _c(pos),
                 _expr(len) if isinstance(len, int) else _c(len))


def width_bucket(v: Any, min: Any, max: Any, numBucket: Any) -> Column:
    """The bucket (1..numBucket) of ``v`` in equal-width buckets over [min, max); 0 below, numBucket + 1 above."""
    buckets = _expr(numBucket) if isinstance(numBucket, int) else _c(numBucket)
    return _call("width_bucket", _c(v), _c(min), _c(max), buckets)


from ember.sql.udf import PandasUDFType, pandas_udf, udf  # noqa: E402  (PySpark's functions.udf; sql/udf.py owns them)
from ember.sql.udtf import udtf  # noqa: E402  (sql/udtf.py owns it)

__all__ += ["udf", "pandas_udf", "PandasUDFType", "udtf"]

# ---------------------------------------------------------------- families in sql/function_groups/
from ember.sql.function_groups import datetime as _datetime, higher_order as _higher_order, json as _json  # noqa: E402
from ember.sql.function_groups import misc as _misc  # noqa: E402
from ember.sql.function_groups.misc import (  # noqa: E402
    array_insert, broadcast, current_catalog, current_database, current_schema, current_user, inline, inline_outer,
    mask, parse_url, session_user, stack, try_parse_url, user,
)
from ember.sql.function_groups.datetime import (  # noqa: E402
    curdate, current_timestamp, date_diff, date_from_unix_date, date_trunc, dateadd, dayname, from_unixtime,
    from_utc_timestamp, last_day, localtimestamp, make_date, make_timestamp, monthname, months_between, next_day,
    now, timestamp_micros, timestamp_millis, timestamp_seconds, to_timestamp_ntz, to_unix_timestamp,
    to_utc_timestamp, trunc, try_to_timestamp, unix_date, unix_micros, unix_millis, unix_seconds, unix_timestamp,
    weekday, window, make_timestamp_ntz, try_make_timestamp, try_to_date, timestamp_diff, timestamp_add,
)
from ember.sql.function_groups.higher_order import (  # noqa: E402
    aggregate, array_sort_with, exists, filter, forall, map_filter, map_zip_with, reduce, transform, transform_keys,
    transform_values, zip_with,
)
from ember.sql.function_groups.json import (  # noqa: E402
    from_json, get_json_object, json_array_length, json_object_keys, json_tuple, schema_of_json, to_json,
)

__all__ += ["transform", "filter", "aggregate", "reduce", "exists", "forall", "zip_with", "map_filter",
            "transform_keys", "transform_values", "map_zip_with"]
__all__ += ["from_json", "to_json", "get_json_object", "json_tuple", "schema_of_json", "json_array_length",
            "json_object_keys"]
SQL_FUNCTIONS.update(_higher_order.SQL_FUNCTIONS)
SQL_FUNCTIONS.update(_json.SQL_FUNCTIONS)
__all__ += _datetime.__all__
SQL_FUNCTIONS.update(_datetime.SQL_FUNCTIONS)
__all__ += _misc.__all__
SQL_FUNCTIONS.update(_misc.SQL_FUNCTIONS)
