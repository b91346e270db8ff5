"""Aggregate functions: sums, counts, extremes, statistics, percentiles, string and bit aggregates,
regressions."""

from __future__ import annotations

import builtins
from typing import Any, Callable

from ember.sql import expressions as E
from ember.sql.column import Column
from ember.sql.errors import EmberValueError
from ember.sql.function_groups.builders import col_arg as _c, literal_value as _lit_value, sql_namer

__all__ = [
    "sum", "avg", "mean", "count", "count_distinct", "min", "max", "first", "last",
    "collect_list", "collect_set", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop",
    "any_value", "bool_and", "every", "bool_or", "some", "count_if", "product", "approx_count_distinct",
    "median", "mode", "percentile", "percentile_approx", "approx_percentile", "max_by", "min_by", "corr",
    "covar_pop", "covar_samp", "kurtosis", "skewness", "sum_distinct", "string_agg", "listagg",
    "string_agg_distinct", "listagg_distinct", "bit_and", "bit_or", "bit_xor", "regr_count", "regr_avgx",
    "regr_avgy", "regr_sxx", "regr_syy", "regr_sxy", "regr_slope", "regr_intercept", "regr_r2",
    "std", "array_agg", "try_sum", "try_avg",
]

SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {}
_sql_name = sql_namer(SQL_FUNCTIONS)


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
approxCountDistinct, std, array_agg = approx_count_distinct, stddev, collect_list
SQL_FUNCTIONS["std"] = stddev


@_sql_name()
def try_sum(col: Any) -> Column:
    """``sum``, but NULL where the total overflows its type."""
    from ember.sql.expressions.try_aggregates import TrySum

    return Column(TrySum(_c(col)))


@_sql_name()
def try_avg(col: Any) -> Column:
    """``avg``, but NULL where a decimal average overflows its type."""
    from ember.sql.expressions.try_aggregates import TryAverage

    return Column(TryAverage(_c(col)))
