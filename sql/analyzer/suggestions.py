"""Spark's "did you mean" list for an unknown column."""

from __future__ import annotations

from ember.sql.errors import AnalysisException

__all__ = ["levenshtein", "unresolved_column"]


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def unresolved_column(name: str, candidates: list[str], plan_text: str | None = None) -> AnalysisException:
    """``UNRESOLVED_COLUMN.WITH_SUGGESTION`` with up to five closest names, as Spark orders them
    (by edit distance between the name and each back-quoted candidate; ties alphabetically,
    as PySpark 4.3 shows: ``kk`` among ``k, s, d`` suggests ``[`k`, `d`, `s`]``)."""
    quoted = sorted(f"`{c}`" for c in candidates if c)  # a nameless column is no one's (spark.tvf's row)
    ranked = sorted(quoted, key=lambda q: levenshtein(q, name))[:5]
    if not ranked:
        return AnalysisException(
            "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION",
            f"A column, variable, or function parameter with name `{name}` cannot be resolved.",
            "42703", plan_text,
        )
    return AnalysisException(
        "UNRESOLVED_COLUMN.WITH_SUGGESTION",
        f"A column, variable, or function parameter with name `{name}` cannot be resolved. "
        f"Did you mean one of the following? [{', '.join(ranked)}].",
        "42703", plan_text,
    )
