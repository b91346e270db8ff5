"""``ember-sql``: a SQL shell over Ember, used as one uses spark-sql or duckdb.

``cli.py`` reads the command line and picks the source of statements; ``interactive.py``
is the prompt (prompt_toolkit); ``splitting.py`` cuts input at ``;``; ``runner.py`` runs one
statement (timing, errors, Ctrl-C); ``output.py`` prints results; ``completion.py``
completes names. docs/sql-shell.md describes it for users.
"""

from __future__ import annotations

from ember.sql.shell.cli import execute, main, register_views
from ember.sql.shell.splitting import split_statements

__all__ = ["main", "execute", "register_views", "split_statements"]
