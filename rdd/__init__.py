"""The lineage graph: ``RDD``, its subclasses, dependencies, partitioners and sources.

``portable_hash`` and ``BoundedFloat`` are importable from here, as from ``pyspark.rdd``.
"""

from ember.rdd.approximate import BoundedFloat
from ember.rdd.partitioner import portable_hash

__all__ = ["BoundedFloat", "portable_hash"]
