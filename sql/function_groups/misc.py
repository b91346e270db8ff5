"""``array_insert``, ``mask``, ``parse_url``, the session facts (``current_user``,
``current_database``…), the generators ``inline``/``inline_outer``/``stack``, and
``broadcast``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ember.sql import expressions as E
from ember.sql.column import Column, expression_of, to_expression, value_expression
from ember.sql.expressions.misc_functions import current_user_name

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["array_insert", "mask", "parse_url", "try_parse_url", "current_user", "user", "session_user", "current_database",
           "current_schema", "current_catalog", "inline", "inline_outer", "stack", "broadcast", "version", "call_function",
           "call_udf", "input_file_name", "input_file_block_start", "input_file_block_length"]


def _call(name: str, *args: E.Expression) -> Column:
    return Column(E.FunctionCall(name, tuple(args)))


def array_insert(arr: Any, pos: Any, value: Any) -> Column:
    """``value`` inserted at 1-based ``pos`` (negative: from the end), padding with NULLs past either end."""
    return _call("array_insert", to_expression(arr), value_expression(pos), value_expression(value))


def mask(col: Any, upperChar: Any = None, lowerChar: Any = None, digitChar: Any = None,
         otherChar: Any = None) -> Column:
    """Upper-case letters as ``X``, lower-case as ``x``, digits as ``n`` (or the characters given);
    other characters kept unless ``otherChar`` is given."""
    chars = [E.Literal.of("X") if upperChar is None else value_expression(upperChar),
             E.Literal.of("x") if lowerChar is None else value_expression(lowerChar),
             E.Literal.of("n") if digitChar is None else value_expression(digitChar),
             E.Literal.of(None) if otherChar is None else value_expression(otherChar)]
    return _call("mask", to_expression(col), *chars)


def parse_url(url: Any, partToExtract: Any, key: Any = None) -> Column:
    """A part of a URL: HOST, PATH, QUERY (or one query parameter ``key``), REF, PROTOCOL, FILE,
    AUTHORITY or USERINFO."""
    args = [to_expression(url), to_expression(partToExtract)] + ([] if key is None else [to_expression(key)])
    return _call("parse_url", *args)


def try_parse_url(url: Any, partToExtract: Any, key: Any = None) -> Column:
    """``parse_url``, but NULL for an invalid URL."""
    return _call("try_parse_url", to_expression(url), to_expression(partToExtract),
                 *(() if key is None else (to_expression(key),)))


def current_user() -> Column:
    """The user running the session."""
    return Column(E.SessionFact("current_user", current_user_name()))


def user() -> Column:
    """``current_user()`` under its other name."""
    return Column(E.SessionFact("user", current_user_name()))


def session_user() -> Column:
    """``current_user()`` under its other name."""
    return Column(E.SessionFact("session_user", current_user_name()))


def current_database() -> Column:
    """The current database, ``default`` (Spark names the column ``current_schema()``)."""
    return Column(E.SessionFact("current_schema", "default"))


current_schema = current_database


def current_catalog() -> Column:
    """The current catalog, ``spark_catalog``."""
    return Column(E.SessionFact("current_catalog", "spark_catalog"))


def inline(col: Any) -> Column:
    """One row per struct of an array of structs, one column per field."""
    return Column(E.Inline(to_expression(col)))


def inline_outer(col: Any) -> Column:
    """``inline``, but a NULL or empty array still gives one row of NULLs."""
    return Column(E.Inline(to_expression(col), is_outer=True))


def stack(*cols: Any) -> Column:
    """``stack(n, v1, v2, ...)``: the values as ``n`` rows of columns ``col0``, ``col1``, …"""
    from ember.sql.errors import EmberValueError

    first = expression_of(cols[0]) if cols and isinstance(cols[0], Column) else E.Literal.of(cols[0] if cols else None)
    if not isinstance(first, E.Literal) or not isinstance(first.value, int):
        raise EmberValueError("NOT_INT", "The first argument of stack, the number of rows, must be an int literal.")
    values = tuple(to_expression(c) if isinstance(c, str) else value_expression(c) for c in cols[1:])
    return Column(E.Stack(first.value, values))


def broadcast(df: DataFrame) -> DataFrame:
    """``df`` marked to be broadcast when it is joined, whatever its estimated size."""
    from ember.sql.dataframe import derive, plan_of
    from ember.sql.plan import logical as L

    return derive(df, L.ResolvedHint(plan_of(df), "broadcast"))


def _input_file(what: str) -> Column:
    from ember.sql.expressions.input_file import InputFileInfo

    return Column(InputFileInfo(what))


def input_file_name() -> Column:
    """The URI of the file the row was read from, ``''`` where it was not read from a file."""
    return _input_file("name")


def input_file_block_start() -> Column:
    """The offset of the block of the file the row was read from, -1 where it was not read from a file."""
    return _input_file("start")


def input_file_block_length() -> Column:
    """The length of the block of the file the row was read from, -1 where it was not read from a file."""
    return _input_file("length")


def version() -> Column:
    """The Spark version Ember speaks and Ember's own, as Spark gives its version and revision."""
    from ember import __version__

    return Column(E.SessionFact("version", f"4.3.0 ember-{__version__}"))


def call_function(funcName: str, *cols: Any) -> Column:
    """The builtin or registered function ``funcName`` applied to ``cols`` (names or Columns)."""
    from ember.sql.errors import AnalysisException
    from ember.sql.functions import SQL_FUNCTIONS as BUILTINS
    from ember.sql.parser.arity import EXPECTED, takes, wrong_num_args
    from ember.sql.udf import registered_function

    name = funcName.lower()
    fn = registered_function(name)
    if fn is None:
        fn = BUILTINS.get(name)
        if fn is None:
            raise AnalysisException(
                "UNRESOLVED_ROUTINE", f"Cannot resolve routine `{funcName}` on search path [`system`.`builtin`, "
                "`system`.`session`, `spark_catalog`.`default`].", "42883")
        expected = next((e for e, names in EXPECTED.items() if name in names), None)
        if expected is not None and not takes(expected, len(cols)):
            raise wrong_num_args(name, expected, len(cols))
    return fn(*(Column(to_expression(c)) for c in cols))


def call_udf(udfName: str, *cols: Any) -> Column:
    """``call_function`` under PySpark's older name for registered functions."""
    return call_function(udfName, *cols)


SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {
    "version": version, "input_file_name": input_file_name, "input_file_block_start": input_file_block_start,
    "input_file_block_length": input_file_block_length,
    "array_insert": array_insert, "mask": mask, "parse_url": parse_url, "try_parse_url": try_parse_url, "current_user": current_user,
    "user": user, "session_user": session_user, "current_database": current_database,
    "current_schema": current_schema, "current_catalog": current_catalog, "inline": inline,
    "inline_outer": inline_outer, "stack": stack,
}
