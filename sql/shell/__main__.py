"""``python -m ember.sql.shell``: the same as the ``ember-sql`` command."""

from __future__ import annotations

import sys

from ember.sql.shell.cli import main

sys.exit(main())
