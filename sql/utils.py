"""PySpark's ``pyspark.sql.utils`` import path for its exception types.

Code written for PySpark 3 imports ``AnalysisException`` and friends from here; PySpark 4 keeps
the path working, so Ember does too. The classes live in ``ember.errors``.

>>> from ember.sql.utils import AnalysisException
>>> try:
...     spark.range(1).select("nope")
... except AnalysisException as error:
...     print(error.getCondition())
UNRESOLVED_COLUMN.WITH_SUGGESTION
"""

from ember.errors import (AnalysisException, IllegalArgumentException, ParseException, PythonException,
                          UnsupportedOperationException)

__all__ = ["AnalysisException", "IllegalArgumentException", "ParseException", "PythonException",
           "UnsupportedOperationException"]
