"""Iterative walks over the lineage graph, and ``toDebugString``.

Users choose the lineage depth (iterative jobs build long chains), so every walk here
uses an explicit stack, never recursion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ember.rdd.rdd import RDD


def debug_string(rdd: RDD) -> str:
    """Spark's layout: ``(n)`` opens a stage, `` |  `` continues it, `` +-`` enters a shuffle's map side.

    Each level of shuffle indents the lines below it by three spaces; each line ends with
    the RDD's storage level in brackets (empty when it is not persisted).
    """
    lines: list[str] = []
    stack: list[tuple[RDD, int, bool]] = [(rdd, 0, True)]
    while stack:
        node, depth, opens_stage = stack.pop()
        level = node.getStorageLevel()
        storage = f"[{level}]" if level.useMemory or level.useDisk else "[]"
        if not lines:
            marker = f"({node.getNumPartitions()}) "
        elif opens_stage:
            marker = " " * (3 * (depth - 1)) + f" +-({node.getNumPartitions()}) "
        else:
            marker = " " * (3 * depth) + " |  "
        lines.append(f"{marker}{node!r} {storage}")
        for dep in reversed(node.dependencies):
            shuffle = dep.is_shuffle
            stack.append((dep.rdd, depth + 1 if shuffle else depth, shuffle))
    return "\n".join(lines)


def cleanable_shuffles(rdd: RDD) -> list[int]:
    """The shuffles ``cleanShuffleDependencies`` removes: those of ``rdd`` and of its ancestors,
    not looking past a persisted RDD (Spark's walk)."""
    found: list[int] = []
    visited: set[int] = set()
    stack = list(rdd.dependencies)
    while stack:
        dep = stack.pop()
        if dep.is_shuffle and dep.shuffle_id not in found:
            found.append(dep.shuffle_id)
        if dep.rdd.id_ in visited:
            continue
        visited.add(dep.rdd.id_)
        if not dep.rdd.is_cached:
            stack.extend(dep.rdd.dependencies)
    return found
