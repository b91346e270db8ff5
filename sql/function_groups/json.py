"""``from_json``, ``to_json``, ``get_json_object``, ``json_tuple``, ``schema_of_json``,
``json_array_length`` and ``json_object_keys``."""

from __future__ import annotations

from typing import Any, Callable

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.column import Column, expression_of, to_expression, value_expression
from ember.sql.errors import AnalysisException, EmberValueError

__all__ = ["from_json", "to_json", "get_json_object", "json_tuple", "schema_of_json", "json_array_length",
           "json_object_keys"]


def _literal(value: Any, what: str) -> Any:
    if isinstance(value, Column):
        if not isinstance(expression_of(value), E.Literal):
            raise AnalysisException(
                "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                f"{what} must be a constant, but got \"{expression_of(value).sql()}\".", "42K09")
        return expression_of(value).value
    return value


def _options(options: Any, function: str, allowed: tuple[str, ...]) -> dict[str, str]:
    if isinstance(options, Column):
        expression = expression_of(options)
        if not (isinstance(expression, E.FunctionCall) and expression.name == "map"
                and all(isinstance(a, E.Literal) for a in expression.args)):
            raise AnalysisException("INVALID_OPTIONS.NON_MAP_FUNCTION",
                                    f"The options of {function} must be given by map(...) of literals.", "42K06")
        values = [a.value for a in expression.args]  # type: ignore[attr-defined]
        options = dict(zip(values[0::2], values[1::2]))
    options = {str(k): str(v) for k, v in (options or {}).items()}
    unknown = [k for k in options if k not in allowed]
    if unknown:
        raise EmberValueError("UNSUPPORTED_FEATURE",
                              f"The {function} option(s) {', '.join(unknown)} are not supported"
                              f"{' (supported: ' + ', '.join(allowed) + ')' if allowed else ''}.")
    return options


def from_json(col: Any, schema: Any, options: Any = None) -> Column:
    """The JSON string column parsed into ``schema``: a StructType, ArrayType or MapType, or its DDL text.

    Only the ``mode`` option is supported: ``PERMISSIVE`` (the default; fields that do not fit are
    NULL) or ``FAILFAST`` (a malformed record is an error).
    """
    text = _literal(schema, "The schema of from_json")
    dt = T.parse_datatype_string(text) if isinstance(text, str) else text
    if not isinstance(dt, T.DataType):
        raise EmberValueError("INVALID_SCHEMA", f"from_json's schema must be a DataType or a DDL string, "
                              f"got {type(dt).__name__}.")
    mode = _options(options, "from_json", ("mode",)).get("mode", "PERMISSIVE").upper()
    return Column(E.FromJson(to_expression(col), dt, mode))


def to_json(col: Any, options: Any = None) -> Column:
    """A struct, array or map column as compact JSON text (NULL fields left out)."""
    _options(options, "to_json", ())
    return Column(E.ToJson(to_expression(col)))


def get_json_object(col: Any, path: str) -> Column:
    """The value at a JSONPath (``$.a.b``, ``$['a']``, ``$.a[0]``, ``$[*]``) as a string, NULL if absent."""
    return Column(E.FunctionCall("get_json_object", (to_expression(col), value_expression(path))))


def json_tuple(col: Any, *fields: str) -> Column:
    """The top-level ``fields`` of each JSON object as string columns ``c0``, ``c1``, … (a generator)."""
    if not fields:
        raise AnalysisException("WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                                "The `json_tuple` requires > 1 parameters but the actual number is 1.", "42605")
    return Column(E.JsonTuple(to_expression(col), tuple(value_expression(f) for f in fields)))


def schema_of_json(json: Any, options: Any = None) -> Column:
    """The DDL of the schema Spark infers for a JSON literal, e.g. ``STRUCT<a: BIGINT>``."""
    _options(options, "schema_of_json", ())
    text = _literal(json, "The input json of schema_of_json")
    return Column(E.FunctionCall("schema_of_json", (E.Literal.of(text),)))


def json_array_length(col: Any) -> Column:
    """The number of elements of a JSON array (NULL for anything else)."""
    return Column(E.FunctionCall("json_array_length", (to_expression(col),)))


def json_object_keys(col: Any) -> Column:
    """The keys of a JSON object, in order (NULL for anything else)."""
    return Column(E.FunctionCall("json_object_keys", (to_expression(col),)))


def _sql_json_tuple(col: Column, *fields: Column) -> Column:
    return Column(E.JsonTuple(expression_of(col), tuple(expression_of(f) for f in fields)))


SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {
    "from_json": from_json, "to_json": to_json, "get_json_object": get_json_object, "json_tuple": _sql_json_tuple,
    "schema_of_json": schema_of_json, "json_array_length": json_array_length, "json_object_keys": json_object_keys,
}
