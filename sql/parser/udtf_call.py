"""``FROM my_udtf(1, 'a', b => 2)``: a call of a Python UDTF the session registered.

The arguments are expressions over no columns (nothing precedes the call in FROM); named
arguments (``name => value``) are passed to ``eval`` by name. ``TABLE(t)`` arguments are
refused by name, as are calls in a ``LATERAL`` join (``lateral.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from ember.sql.errors import AnalysisException
from ember.sql.expressions.sql_conf import analysing_session
from ember.sql.parser.expressions import convert
from ember.sql.plan import logical as L
from ember.sql.dataframe import plan_of

if TYPE_CHECKING:
    from ember.sql.udtf import UserDefinedTableFunction

__all__ = ["python_udtf_call"]


def python_udtf_call(udtf: UserDefinedTableFunction, call: exp.Anonymous) -> L.LogicalPlan:
    """The plan of ``call``, a call of ``udtf`` in FROM."""
    args, kwargs = [], {}
    for argument in call.expressions:
        if isinstance(argument, exp.Anonymous) and argument.name.upper() == "TABLE":
            raise AnalysisException("UNSUPPORTED_FEATURE", f"TABLE arguments to the Python UDTF {call.name} are not "
                                    "supported by Ember; pass column values.", "0A000")
        if isinstance(argument, exp.Kwarg):
            kwargs[argument.this.name] = convert(argument.expression)
        elif kwargs:
            raise AnalysisException("UNEXPECTED_POSITIONAL_ARGUMENT", f"Cannot invoke routine `{call.name}` because it "
                                    "contains positional argument(s) following the named argument; please rearrange "
                                    "them so the positional arguments come first and then retry the query again.",
                                    "4274K")
        else:
            args.append(convert(argument))
    return plan_of(udtf)(tuple(args), kwargs, analysing_session())
