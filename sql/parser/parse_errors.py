"""``ParseException`` with Spark's layout: where the error is, the SQL text, and a caret line.

    [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)

    == SQL ==
    SELEC a FROM t
    ^^^

The caret line goes under the offending line, indented by dashes to the token's column (pos
is 0-based, as in Spark). Positions come from sqlglot's tokens; sqlglot accepts some text
Spark rejects, so a statement that does not start with a query keyword is reported at its
first word, as Spark does.
"""

from __future__ import annotations

import sqlglot
from sqlglot.tokens import TokenType

from ember.sql.errors import ParseException

__all__ = ["syntax_error", "from_sqlglot", "check_statement_start"]

_QUERY_STARTS = {TokenType.SELECT, TokenType.WITH, TokenType.VALUES, TokenType.FROM, TokenType.L_PAREN,
                 TokenType.TABLE}


def _line_and_pos(sql: str, offset: int) -> tuple[int, int]:
    before = sql[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1)


def syntax_error(sql: str, offset: int, near: str | None) -> ParseException:
    """``PARSE_SYNTAX_ERROR`` at character ``offset`` (``near=None``: at the end of the input)."""
    line, pos = _line_and_pos(sql, offset)
    lines = sql.split("\n")
    if near is None and lines and lines[-1] == "":
        lines.pop()
    caret_after = min(line, len(lines))
    shown = lines[:caret_after] + ["-" * pos + "^^^"] + lines[caret_after:]
    where = "end of input" if near is None else f"'{near}'"
    return ParseException(
        "PARSE_SYNTAX_ERROR",
        f"Syntax error at or near {where}. SQLSTATE: 42601 (line {line}, pos {pos})\n\n== SQL ==\n"
        + "\n".join(shown) + "\n")


def check_statement_start(sql: str) -> None:
    """Reject a statement whose first token cannot start a query (``SELEC a FROM t``)."""
    try:
        tokens = sqlglot.Dialect.get_or_raise("spark").tokenize(sql)
    except sqlglot.errors.TokenError:
        raise syntax_error(sql, len(sql), None) from None
    if not tokens:
        raise syntax_error(sql, len(sql), None)
    first = tokens[0]
    if first.token_type not in _QUERY_STARTS:
        raise syntax_error(sql, first.start, sql[first.start:first.end + 1])


def from_sqlglot(sql: str, error: sqlglot.errors.ParseError) -> ParseException:
    """Our ``ParseException`` for a sqlglot parse error (its first error's token)."""
    details = error.errors[0] if error.errors else {}
    highlight = details.get("highlight") or ""
    line, col = details.get("line") or 1, details.get("col") or 0
    line_start = sum(len(text) + 1 for text in sql.split("\n")[: line - 1])
    start = max(0, line_start + col - len(highlight))
    rest = sql[start + len(highlight):]
    if not rest.strip() and str(details.get("description", "")).startswith(("Required keyword", "Expecting")):
        return syntax_error(sql, len(sql), None)
    return syntax_error(sql, start, highlight or None)
