"""PySpark's ``pyspark.sql.pandas.functions`` import path for pandas UDFs.

>>> from ember.sql.pandas.functions import pandas_udf, PandasUDFType
>>> @pandas_udf("long")
... def plus_one(s):
...     return s + 1
>>> spark.range(3).select(plus_one("id").alias("n")).collect()
[Row(n=1), Row(n=2), Row(n=3)]
"""

from ember.sql.udf import PandasUDFType, PythonEvalType, pandas_udf

__all__ = ["PandasUDFType", "PythonEvalType", "pandas_udf"]
