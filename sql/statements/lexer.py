"""A cursor over the words of a SQL statement, for the statements sqlglot does not model.

sqlglot's Spark dialect reads ``SHOW …`` and ``SET …`` as opaque commands, so the statement
parsers walk their own tokens: words (plain or backquoted), strings, numbers and single
symbols, each with its offset, so that a syntax error points at the offending token with
Spark's caret. The query inside a statement (``AS SELECT …``) is handed on as raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ember.sql.errors import ParseException
from ember.sql.parser.parse_errors import syntax_error

__all__ = ["Token", "Cursor"]

_TOKEN = re.compile(r"""
    (?P<space>\s+|--[^\n]*|/\*.*?\*/)
  | (?P<quoted>`(?:[^`]|``)*`)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<symbol>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # word, quoted, string, number or symbol
    text: str
    start: int

    @property
    def value(self) -> str:
        """Words and numbers as written; quotes removed from names and strings."""
        if self.kind == "quoted":
            return self.text[1:-1].replace("``", "`")
        if self.kind == "string":
            return re.sub(r"\\(.)", r"\1", self.text[1:-1])
        return self.text

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def _tokens(sql: str) -> list[Token]:
    out = []
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup
        if kind != "space":
            out.append(Token(kind, match.group(), match.start()))
    return out


class Cursor:
    """Reads a statement token by token; ``expect`` failures are Spark-style syntax errors."""

    def __init__(self, sql: str):
        self.sql = sql
        self.tokens = _tokens(sql)
        self.position = 0

    def peek(self, offset: int = 0) -> Token | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def at_end(self) -> bool:
        return self.position >= len(self.tokens) or (
            self.position == len(self.tokens) - 1 and self.tokens[-1].text == ";")

    def accept(self, *words: str) -> bool:
        """Consume the keywords ``words`` (in order) if they come next."""
        for i, word in enumerate(words):
            token = self.peek(i)
            if token is None or not (token.is_word(word) or (token.kind == "symbol" and token.text == word)):
                return False
        self.position += len(words)
        return True

    def accept_any(self, *words: str) -> str | None:
        """Consume whichever one of ``words`` comes next; its upper-case spelling, or None."""
        token = self.peek()
        if token is not None and token.is_word(*words):
            self.position += 1
            return token.text.upper()
        return None

    def expect(self, *words: str) -> None:
        if not self.accept(*words):
            raise self.error()

    def error(self) -> ParseException:
        """A syntax error at the current token (or at the end of the input)."""
        token = self.peek()
        if token is None:
            return syntax_error(self.sql, len(self.sql), None)
        return syntax_error(self.sql, token.start, token.text)

    def name(self) -> list[str]:
        """A possibly qualified name: ``t``, ``db.t``, ```my table```."""
        parts = [self._name_part()]
        while self.peek() is not None and self.peek().text == "." and self.peek(1) is not None:
            self.position += 1
            parts.append(self._name_part())
        return parts

    def _name_part(self) -> str:
        token = self.peek()
        if token is None or token.kind not in ("word", "quoted"):
            raise self.error()
        self.position += 1
        return token.value

    def string(self) -> str:
        token = self.peek()
        if token is None or token.kind != "string":
            raise self.error()
        self.position += 1
        return token.value

    def parenthesized(self) -> str:
        """The raw text between a ``(`` here and its matching ``)``."""
        if not self.accept("("):
            raise self.error()
        start, depth = self.position, 1
        while self.position < len(self.tokens):
            text = self.tokens[self.position].text
            depth += {"(": 1, ")": -1}.get(text, 0) if self.tokens[self.position].kind == "symbol" else 0
            self.position += 1
            if depth == 0:
                end = self.tokens[self.position - 1].start
                return self.sql[self.tokens[start].start:end] if start < self.position - 1 else ""
        raise syntax_error(self.sql, len(self.sql), None)

    def rest(self) -> str:
        """The raw text from the current token to the end (a query to hand to the query parser)."""
        token = self.peek()
        return "" if token is None else self.sql[token.start:].strip().rstrip(";").strip()

    def finish(self) -> None:
        """The statement must end here."""
        if not self.at_end():
            raise self.error()
