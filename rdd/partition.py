"""Partition value types: what one task of an RDD is about.

A partition object travels with its task (never with the stage binary), so sources can
carry their slice of data in it and narrow RDDs can wrap their parents' partitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Partition:
    index: int


@dataclass(frozen=True, slots=True)
class DataPartition(Partition):
    """A partition that carries its own records (``parallelize``)."""

    data: Any = field(repr=False, default=None)


@dataclass(frozen=True, slots=True)
class ParentsPartition(Partition):
    """A partition made of partitions of parent RDDs (union, coalesce, zip, cartesian)."""

    parents: tuple[tuple[int, Partition], ...] = ()
