"""PySpark's ``pyspark.storagelevel`` import path for ``StorageLevel``, so ported imports work;
the class lives in ``ember.storage_level``.

>>> from ember.storagelevel import StorageLevel
>>> StorageLevel.DISK_ONLY
StorageLevel(True, False, False, False, 1)
"""

from ember.storage_level import StorageLevel

__all__ = ["StorageLevel"]
