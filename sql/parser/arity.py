"""How many arguments each builtin SQL function takes, as Spark says it.

``EXPECTED`` maps Spark's ``expectedNum`` text of ``WRONG_NUM_ARGS`` ("1", "[2, 3]", "> 0") to the
functions it applies to, captured from PySpark 4.3 by calling each function with 0 and with 12
arguments. ``check_calls`` finds the calls in SQL text with sqlglot's tokenizer and raises Spark's
error for a call with a count its function does not take — before sqlglot can misread it (it
drops extra arguments of some functions and reports others as syntax errors).
"""

from __future__ import annotations

import sqlglot
from sqlglot.tokens import Token, TokenType

from ember.sql.errors import AnalysisException

__all__ = ["EXPECTED", "check_calls", "wrong_num_args", "takes"]

EXPECTED: dict[str, tuple[str, ...]] = {
    '1': (
        "abs", "acos", "acosh", "any", "array_compact", "array_distinct", "array_max", "array_min", "array_size",
        "ascii", "asin", "asinh", "atan", "atanh", "avg", "base64", "bin", "bit_and", "bit_count", "bit_length",
        "bit_or", "bit_xor", "bitmap_and_agg", "bitmap_bit_position", "bitmap_bucket_number",
        "bitmap_construct_agg", "bitmap_count", "bitmap_or_agg", "bool_and", "bool_or", "cardinality", "cbrt",
        "char", "char_length", "character_length", "chr", "collect_list", "collect_set", "cos", "cosh", "cot",
        "count_if", "crc32", "csc", "date_from_unix_date", "day", "dayname", "dayofmonth", "dayofweek",
        "dayofyear", "degrees", "every", "exp", "explode", "explode_outer", "expm1", "factorial", "flatten",
        "from_base32", "grouping", "hex", "initcap", "inline", "inline_outer", "is_valid_utf8", "isnan",
        "isnotnull", "isnull", "json_array_length", "json_object_keys", "kurtosis", "last_day", "lcase", "length",
        "ln", "log10", "log1p", "log2", "lower", "make_valid_utf8", "map_entries", "map_from_entries", "map_keys",
        "map_values", "max", "md5", "mean", "median", "min", "month", "monthname", "negative", "nullifzero",
        "octet_length", "posexplode", "posexplode_outer", "positive", "quarter", "quote", "radians", "raise_error",
        "reverse", "rint", "sec", "sha", "sha1", "sign", "signum", "sin", "sinh", "size", "skewness", "some",
        "soundex", "sqrt", "std", "stddev", "stddev_pop", "stddev_samp", "sum", "tan", "tanh", "timestamp_micros",
        "timestamp_millis", "timestamp_seconds", "to_base32", "try_url_decode", "try_validate_utf8", "typeof",
        "ucase", "unbase64", "unhex", "unix_date", "unix_micros", "unix_millis", "unix_seconds", "upper",
        "url_decode", "url_encode", "validate_utf8", "var_pop", "var_samp", "variance", "weekday", "weekofyear",
        "year", "zeroifnull",
    ),
    '2': (
        "add_months", "array_append", "array_contains", "array_except", "array_intersect", "array_position",
        "array_prepend", "array_remove", "array_repeat", "array_union", "arrays_overlap", "atan2", "bit_get",
        "ceil", "ceiling", "contains", "corr", "covar_pop", "covar_samp", "date_add", "date_diff", "date_part",
        "date_sub", "date_trunc", "dateadd", "datediff", "datepart", "decode", "element_at", "encode", "endswith",
        "equal_null", "exists", "filter", "find_in_set", "floor", "forall", "format_number", "from_utc_timestamp",
        "get", "get_json_object", "getbit", "hypot", "ifnull", "jaro_winkler_similarity", "left",
        "map_contains_key", "map_filter", "map_from_arrays", "mod", "nanvl", "next_day", "nullif", "nvl", "pmod",
        "pow", "power", "regexp_count", "regexp_substr", "regr_avgx", "regr_avgy", "regr_count", "regr_intercept",
        "regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy", "repeat", "right", "sha2", "shiftleft",
        "shiftright", "shiftrightunsigned", "startswith", "to_char", "to_number", "to_utc_timestamp", "to_varchar",
        "transform", "transform_keys", "transform_values", "trunc", "try_add", "try_divide", "try_element_at",
        "try_mod", "try_multiply", "try_subtract", "try_to_number",
    ),
    '[1, 2]': (
        "any_value", "approx_count_distinct", "array_sort", "assert_true", "bround", "btrim", "first",
        "first_value", "from_unixtime", "last", "last_value", "listagg", "log", "ltrim", "randstr", "round",
        "rtrim", "schema_of_json", "shuffle", "sort_array", "string_agg", "to_binary", "to_json",
        "to_timestamp_ltz", "to_timestamp_ntz", "to_unix_timestamp", "trim", "try_avg", "try_sum", "try_to_binary",
        "try_to_date", "try_to_timestamp",
    ),
    '[2, 3]': (
        "approx_percentile", "array_join", "convert_timezone", "from_json", "hmac", "ilike", "levenshtein", "lpad",
        "max_by", "min_by", "months_between", "nth_value", "parse_url", "percentile", "percentile_approx",
        "position", "regexp_extract_all", "regexp_instr", "replace", "rpad", "sequence", "split", "substr",
        "substring", "try_parse_url", "uniform",
    ),
    '0': (
        "cume_dist", "curdate", "current_catalog", "current_database", "current_date", "current_schema",
        "current_timezone", "current_user", "e", "mode", "monotonically_increasing_id", "pi", "row_number",
        "session_user", "spark_partition_id", "user", "version",
    ),
    '3': (
        "array_insert", "conv", "make_date", "map_zip_with", "nvl2", "slice", "split_part", "substring_index",
        "translate", "zip_with",
    ),
    '> 0': (
        "coalesce", "concat_ws", "format_string", "hash", "hour", "minute", "printf", "second", "xxhash64",
    ),
    '[0, 1]': (
        "current_timestamp", "localtimestamp", "now", "ntile", "rand", "randn",
    ),
    '> 1': (
        "elt", "greatest", "json_tuple", "least", "stack",
    ),
    '[3, 4]': (
        "aggregate", "overlay", "reduce",
    ),
    '6': (
        "try_make_timestamp_ltz", "try_make_timestamp_ntz",
    ),
    '[0, 1, 2, 3, 4]': (
        "lag", "lead",
    ),
    '[1, 2, 3, 6, 7]': (
        "make_timestamp", "try_make_timestamp",
    ),
    '[1, 2, 3]': (
        "sentences", "str_to_map",
    ),
    '[2, 3, 4]': (
        "instr", "window",
    ),
    '[2, 6]': (
        "make_timestamp_ltz", "make_timestamp_ntz",
    ),
    '4': (
        "width_bucket",
    ),
    '[0, 1, 2]': (
        "unix_timestamp",
    ),
    '[1, 2, 3, 4, 5]': (
        "mask",
    ),
}

_EXPECTED_BY_NAME = {name: expected for expected, names in EXPECTED.items() for name in names}

# The counts Spark accepts where its message says otherwise (found by calling each function with 0 to 7 arguments):
# the error message keeps Spark's text, the check these counts.
_ACCEPTED_BEYOND_MESSAGE = {
    "ceil": "[1, 2]", "ceiling": "[1, 2]", "floor": "[1, 2]", "decode": "> 1", "mode": "[0, 1, 2]",
    "mask": "[0, 1, 2, 3, 4, 5]", "explode": "[0, 1]", "explode_outer": "[0, 1]", "posexplode": "[0, 1]",
    "posexplode_outer": "[0, 1]", "inline": "[0, 1]", "inline_outer": "[0, 1]", "make_timestamp_ltz": "[2, 3, 6, 7]",
    "try_make_timestamp_ltz": "[2, 3, 6, 7]", "try_make_timestamp_ntz": "[2, 6]", "try_sum": "1", "try_avg": "1",
}

# Words that make a call's parentheses special syntax (CAST(x AS t), TRIM(BOTH c FROM s), first(x IGNORE
# NULLS), lambdas, named arguments, subqueries, FILTER (WHERE ...)), whose commas do not separate arguments: such calls are not checked.
_SPECIAL_WORDS = {"FROM", "AS", "IN", "FOR", "DISTINCT", "ALL", "BOTH", "LEADING", "TRAILING", "ORDER", "BY",
                  "IGNORE", "RESPECT", "PLACING", "USING", "WHERE", "SELECT", "WITH", "VALUES", "->", "=>"}
_OPEN = {TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE}
_CLOSE = {TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE}
_NOT_A_CALL_AFTER = {TokenType.DOT, TokenType.ALIAS, TokenType.DCOLON}


def takes(expected: str, count: int) -> bool:
    """Whether Spark's ``expectedNum`` text allows ``count`` arguments."""
    text = expected.strip()
    if text.startswith(">="):
        return count >= int(text[2:])
    if text.startswith(">"):
        return count > int(text[1:])
    if text.startswith("["):
        return count in {int(n) for n in text[1:-1].split(",")}
    return count == int(text)


def wrong_num_args(name: str, expected: str, actual: int) -> AnalysisException:
    """Spark's ``WRONG_NUM_ARGS.WITHOUT_SUGGESTION`` for a call of ``name`` with ``actual`` arguments."""
    return AnalysisException(
        "WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
        f"The `{name}` requires {expected} parameters but the actual number is {actual}. Please, refer to "
        "'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
        "42605",
    )


def _argument_count(tokens: list[Token], open_at: int) -> int | None:
    """The number of arguments between the parenthesis at ``open_at`` and its match (None: special syntax)."""
    depth, commas = 0, 0
    for i in range(open_at, len(tokens)):
        token = tokens[i]
        if token.token_type in _OPEN:
            depth += 1
        elif token.token_type in _CLOSE:
            depth -= 1
            if depth == 0:
                return 0 if i == open_at + 1 else commas + 1
        elif depth == 1 and token.token_type == TokenType.COMMA:
            commas += 1
        elif depth == 1 and token.token_type != TokenType.STRING and token.text.upper() in _SPECIAL_WORDS:
            return None
    return None


def check_calls(sql: str) -> None:
    """Raise ``WRONG_NUM_ARGS`` for the first builtin called in ``sql`` with a wrong number of arguments
    (a function the user registered under a builtin's name is the user's, and not checked)."""
    from ember.sql.udf import registered_function
    try:
        tokens = sqlglot.Dialect.get_or_raise("spark").tokenize(sql)
    except sqlglot.errors.TokenError:
        return
    for i in range(len(tokens) - 1):
        token = tokens[i]
        if tokens[i + 1].token_type != TokenType.L_PAREN or token.token_type == TokenType.STRING:
            continue
        if i and tokens[i - 1].token_type in _NOT_A_CALL_AFTER:
            continue
        name = token.text.lower()
        expected = _EXPECTED_BY_NAME.get(name)
        if expected is None or registered_function(name) is not None:
            continue
        count = _argument_count(tokens, i + 1)
        if count is not None and not takes(_ACCEPTED_BEYOND_MESSAGE.get(name, expected), count):
            raise wrong_num_args(name, expected, count)
