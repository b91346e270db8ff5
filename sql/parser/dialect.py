"""The SQL dialect Ember parses: sqlglot's Spark dialect, with Spark 4's string-literal escapes.

Spark reads a doubled delimiter inside a string literal as one (``'It''s'`` is ``It's``,
``"a""b"`` is ``a"b``), as well as the backslash escapes; sqlglot's Spark dialect reads
``'It''s'`` as two adjacent literals, which Spark would concatenate to ``Its``. And ``log(x)`` stays ``log`` (Spark names it
``LOG(E(), x)``), where sqlglot would turn it into ``ln(x)``.
"""

from __future__ import annotations

from sqlglot.dialects.spark import Spark

__all__ = ["EmberSpark"]


class EmberSpark(Spark):
    class Tokenizer(Spark.Tokenizer):
        STRING_ESCAPES = ["\\", "'", '"']

    class Parser(Spark.Parser):
        LOG_DEFAULTS_TO_LN = False
