"""SQL ``LIKE`` patterns as regular expressions, with Spark's escape rules.

``_`` is one character and ``%`` any run of characters (newlines included). The escape
character (``\\`` unless ``ESCAPE`` names another) makes the ``_``, ``%`` or escape character
after it literal; before any other character, or at the end, it is an error, as in Spark.
"""

from __future__ import annotations

import re

from ember.sql.errors import AnalysisException

__all__ = ["like_regex", "escape_char"]


def _invalid(pattern: str, detail: str, sub_class: str) -> AnalysisException:
    return AnalysisException(f"INVALID_FORMAT.{sub_class}", f"The format is invalid: '{pattern}'. {detail}", "42601")


def like_regex(pattern: str, escape: str = "\\") -> str:
    """The regular expression (Python and RE2 syntax) that matches what ``pattern`` matches."""
    out, i = ["(?s)"], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == escape:
            if i + 1 == len(pattern):
                raise _invalid(pattern, "The escape character is not allowed to end with.", "ESC_AT_THE_END")
            nxt = pattern[i + 1]
            if nxt not in ("_", "%", escape):
                raise _invalid(pattern, f"The escape character is not allowed to precede '{nxt}'.",
                               "ESC_IN_THE_MIDDLE")
            out.append(re.escape(nxt))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return "".join(out)


def escape_char(value: object) -> str:
    """The escape character given to ``like``/``ilike``: one character, else ``INVALID_ESCAPE_CHAR``."""
    if not isinstance(value, str) or len(value) != 1:
        raise AnalysisException(
            "INVALID_ESCAPE_CHAR",
            f"`EscapeChar` should be a string literal of length one, but got \"{value}\".", "42604")
    return value
