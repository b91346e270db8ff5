"""PySpark's ``pyspark.sql.pandas`` import paths (``pyspark.sql.pandas.functions``)."""
