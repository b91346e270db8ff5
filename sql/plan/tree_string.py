"""Rendering plans as Spark's indented trees (``+-`` for the last child, ``:-`` before it)."""

from __future__ import annotations

from typing import Any

__all__ = ["tree_string"]


def tree_string(plan: Any) -> str:
    """Every node on one line, children indented under their parent, iteratively."""
    lines: list[str] = []
    stack: list[tuple[Any, str, str]] = [(plan, "", "")]
    while stack:
        node, first_prefix, child_prefix = stack.pop()
        lines.append(first_prefix + node.node_string())
        children = list(node.children)
        for i in reversed(range(len(children))):
            last = i == len(children) - 1
            stack.append((children[i], child_prefix + ("+- " if last else ":- "),
                          child_prefix + ("   " if last else ":  ")))
    return "\n".join(lines)
