"""The interactive prompt, on prompt_toolkit.

Line editing, history kept across sessions in ``~/.ember_sql_history`` (one entry per
statement, multi-line ones whole), completion (``completion.py``), SQL highlighting with
Pygments' ``SqlLexer``. Enter submits the buffer once it ends with a ``;`` outside quotes and
comments, and opens a continuation line otherwise. Ctrl-C at the prompt clears the buffer;
Ctrl-C while a statement runs cancels it (``runner.py``); Ctrl-D on an empty line, ``quit;``
or ``exit;`` leaves.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.lexers import PygmentsLexer
from pygments.lexers.sql import SqlLexer

from ember.sql.shell.completion import SqlCompleter
from ember.sql.shell.splitting import is_complete, split_statements

if TYPE_CHECKING:
    from prompt_toolkit.key_binding import KeyPressEvent

    from ember.sql.session import SparkSession
    from ember.sql.shell.runner import StatementRunner

__all__ = ["HISTORY_FILE", "repl"]

HISTORY_FILE = "~/.ember_sql_history"
_QUIT = {"quit", "exit"}


def _key_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter")
    def _(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        if is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    return bindings


def _prompt(spark: SparkSession) -> str:
    return f"ember-sql ({spark.catalog.currentDatabase()})> "


def repl(spark: SparkSession, runner: StatementRunner) -> bool:
    """Read and run statements until Ctrl-D or ``quit;``; ``True`` if none failed."""
    session: PromptSession[str] = PromptSession(
        history=FileHistory(os.path.expanduser(HISTORY_FILE)), lexer=PygmentsLexer(SqlLexer),
        completer=SqlCompleter(spark), complete_while_typing=False, multiline=True,
        key_bindings=_key_bindings(), enable_history_search=False)
    ok = True
    while True:
        prompt = _prompt(spark)
        try:
            text = session.prompt(prompt, prompt_continuation=lambda width, *_: " " * (width - 2) + "> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            return ok
        for statement in split_statements(text):
            if statement.lower() in _QUIT:
                return ok
            ok = runner.run(statement) and ok
