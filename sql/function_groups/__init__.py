"""Families of ``pyspark.sql.functions`` kept out of ``functions.py``, which re-exports them.

Each module declares its public functions in ``__all__`` and the SQL names that build them in
``SQL_FUNCTIONS``.
"""
