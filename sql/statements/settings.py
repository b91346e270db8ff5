"""``SET``, ``RESET`` and ``USE``: the session's settings and current database.

``SET k=v`` sets and returns ``(key, value)``; ``SET k`` returns its value, or
``<undefined>``; ``SET`` lists every setting of the session and its context. ``RESET k``
returns a key to the value the session started with (or unsets it), ``RESET`` all of them.
Key and value are the raw text around the first ``=``, as Spark reads them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ember.sql.errors import ParseException
from ember.sql.statements.lexer import Cursor
from ember.sql.statements.results import no_result, rows_result, strings
from ember.sql.session import initial_settings

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame
    from ember.sql.session import SparkSession

__all__ = ["set_", "reset", "use"]

_KEY_VALUE = strings(("key", False), ("value", False))
_STATIC = ("spark.sql.warehouse.dir",)


def _after_keyword(cursor: Cursor) -> str:
    """The raw text after the statement's first word, without a final ``;``."""
    first = cursor.tokens[0]
    return cursor.sql[first.start + len(first.text):].strip().rstrip(";").strip()


def set_(spark: SparkSession, cursor: Cursor) -> DataFrame:
    text = _after_keyword(cursor)
    if not text:
        settings = dict(spark.sparkContext.getConf().getAll())
        settings.update(spark.conf.getAll())
        return rows_result(spark, _KEY_VALUE, sorted(settings.items()))
    if re.fullmatch(r"-v", text, re.IGNORECASE):
        raise ParseException("UNSUPPORTED_FEATURE", "SET -v (every setting with its meaning) is not supported; "
                             "docs/configuration.md lists Ember's settings.")
    key, sep, value = text.partition("=")
    key, value = key.strip(), value.strip()
    if not key or any(c.isspace() for c in key):
        raise ParseException("INVALID_SET_SYNTAX", "Expected format is 'SET', 'SET key', or 'SET key=value'. If "
                             "you want to include special characters in key, or include semicolon in value, please "
                             "use backquotes, e.g., SET `key`=`value`.", "42000")
    key, value = key.strip("`"), value.strip("`")
    if not sep:
        return rows_result(spark, _KEY_VALUE, [(key, spark.conf.get(key, None) or "<undefined>")])
    if key in _STATIC:
        from ember.sql.errors import AnalysisException

        raise AnalysisException("CANNOT_MODIFY_STATIC_CONFIG", f"Cannot modify the value of the static Spark config: "
                                f"\"{key}\".", "46110")
    spark.conf.set(key, value)
    return rows_result(spark, _KEY_VALUE, [(key, value)])


def reset(spark: SparkSession, cursor: Cursor) -> DataFrame:
    key = _after_keyword(cursor).strip("`")
    initial = initial_settings(spark)
    keys = [key] if key else [k for k in spark.conf.getAll() if k not in _STATIC]
    for k in keys:
        if k in initial:
            spark.conf.set(k, initial[k])
        else:
            spark.conf.unset(k)
    return no_result(spark)


def use(spark: SparkSession, cursor: Cursor) -> DataFrame:
    cursor.accept_any("DATABASE", "SCHEMA", "NAMESPACE")
    name = cursor.name()
    cursor.finish()
    spark.catalog.setCurrentDatabase(name[-1])
    return no_result(spark)
