"""Cached partitions: storage levels, each worker's block manager and its disk store, and the
driver's record of which worker caches what."""
