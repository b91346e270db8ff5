"""The lineage graph: ``RDD``, its subclasses, dependencies, partitioners and sources."""
