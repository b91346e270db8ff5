"""The SQL layer's exceptions: PySpark's names, Spark's ``[ERROR_CLASS] message`` text.

They are part of Ember's one hierarchy (``ember.errors``); this module re-exports the ones
the structured layer raises, so ``from ember.sql.errors import AnalysisException`` and
``from ember.errors import AnalysisException`` name the same class.
"""

from __future__ import annotations

from ember.errors import (AnalysisException, ArithmeticException, EmberIndexError, EmberSQLException,
                          EmberTypeError, EmberValueError, IllegalArgumentException, NumberFormatException,
                          ParseException, SparkRuntimeException)

__all__ = [
    "EmberSQLException", "AnalysisException", "ParseException", "ArithmeticException",
    "NumberFormatException", "EmberTypeError", "EmberValueError", "EmberIndexError", "SparkRuntimeException",
    "IllegalArgumentException",
]
