"""Cutting shell input into statements at ``;``, as spark-sql does.

A ``;`` ends a statement unless it is inside a quoted string (``'…'``, ``"…"``, with ``\\``
escapes), a backquoted name, a ``-- line comment`` or a ``/* block comment */``. The
interactive prompt uses ``is_complete`` to decide whether Enter submits the buffer or opens
a continuation line.
"""

from __future__ import annotations

__all__ = ["split_statements", "is_complete"]


def _scan(text: str) -> tuple[list[str], str]:
    """The finished statements of ``text`` and the unfinished rest (both unstripped)."""
    statements: list[str] = []
    start, i, n = 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"`":
            i = _end_of_quote(text, i)
        elif text.startswith("--", i):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline + 1
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
        elif ch == ";":
            statements.append(text[start:i])
            start = i = i + 1
        else:
            i += 1
    return statements, text[start:]


def _end_of_quote(text: str, i: int) -> int:
    """The index after the quote that closes the one at ``i`` (the end of ``text`` if none)."""
    quote, j = text[i], i + 1
    while j < len(text):
        if text[j] == "\\" and quote != "`":
            j += 2
            continue
        if text[j] == quote:
            return j + 1
        j += 1
    return len(text)


def _is_blank(statement: str) -> bool:
    """Nothing but white space and comments."""
    return not _strip_comments(statement).strip()


def _strip_comments(text: str) -> str:
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] in "'\"`":
            j = _end_of_quote(text, i)
            out.append(text[i:j])
            i = j
        elif text.startswith("--", i):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
            out.append(" ")
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def split_statements(text: str) -> list[str]:
    """The ``;``-separated statements of ``text``, stripped; empty ones (or only comments) dropped.

    >>> split_statements("select ';' as a; -- one; two\\nselect 2;")
    ["select ';' as a", '-- one; two\\nselect 2']
    """
    done, rest = _scan(text)
    return [s.strip() for s in done + [rest] if not _is_blank(s)]


def is_complete(text: str) -> bool:
    """Whether ``text`` ends with a finished statement (a ``;`` outside quotes and comments),
    or holds nothing but blanks and comments.

    >>> is_complete("select 1"), is_complete("select 1;"), is_complete("select ';'")
    (False, True, False)
    """
    done, rest = _scan(text)
    return _is_blank(rest) and (bool(done) or not text.strip())
