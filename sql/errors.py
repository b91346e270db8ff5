"""The SQL layer's exceptions, with PySpark's names and its ``[ERROR_CLASS] message`` text.

The engine's shared hierarchy (``ember.errors``) did not exist when the SQL layer was
written; these classes follow the same shape (an error class, message parameters, a rendered
message, ``__reduce__`` so they survive the trip from an executor) and are meant to move
there once it does::

    EmberSQLException
    ├── AnalysisException            unresolved names, type mismatches (planning time)
    │   └── ParseException           DDL and SQL text that does not parse
    ├── ArithmeticException          ANSI overflow and division by zero (run time)
    ├── NumberFormatException        ANSI casts of malformed strings (also a ValueError)
    ├── EmberTypeError               wrong Python argument types (also a TypeError)
    └── EmberValueError              wrong Python argument values (also a ValueError)
"""

from __future__ import annotations

__all__ = [
    "EmberSQLException", "AnalysisException", "ParseException", "ArithmeticException",
    "NumberFormatException", "EmberTypeError", "EmberValueError",
]


class EmberSQLException(Exception):
    """An error with a Spark error class, e.g. ``UNRESOLVED_COLUMN.WITH_SUGGESTION``."""

    def __init__(self, error_class: str, message: str, sqlstate: str | None = None,
                 plan: str | None = None):
        self.error_class = error_class
        self.message = message
        self.sqlstate = sqlstate
        self.plan = plan
        super().__init__(self._render())

    def _render(self) -> str:
        text = f"[{self.error_class}] {self.message}"
        if self.sqlstate:
            text += f" SQLSTATE: {self.sqlstate}"
        if self.plan:
            text += f";\n{self.plan}"
        return text

    def getCondition(self) -> str:
        return self.error_class

    def getMessage(self) -> str:
        return self._render()

    def getSqlState(self) -> str | None:
        return self.sqlstate

    def __reduce__(self):
        return (type(self), (self.error_class, self.message, self.sqlstate, self.plan))


class AnalysisException(EmberSQLException):
    """A query that cannot be analysed: unknown column, wrong types, bad plan shape."""


class ParseException(AnalysisException):
    """Text (a DDL type string or SQL) that does not parse."""


class ArithmeticException(EmberSQLException, ArithmeticError):
    """ANSI-mode arithmetic failure: overflow, division by zero."""


class NumberFormatException(EmberSQLException, ValueError):
    """ANSI-mode cast of a malformed string to a number or date."""


class EmberTypeError(EmberSQLException, TypeError):
    """An argument of the wrong Python type."""


class EmberValueError(EmberSQLException, ValueError):
    """An argument with a wrong value."""
