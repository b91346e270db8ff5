"""``pyspark.sql.functions``: each function builds one expression node and wraps it in a Column.

The functions live by family in ``sql/function_groups/`` (core, conditional, aggregate, window,
mathematical, strings, datetime, collection, hashing, bitmap, higher_order, json, misc); this module
re-exports them, so ``import ember.sql.functions as F`` and ``from ember.sql.functions import *``
see one namespace, as in PySpark.

Arguments that PySpark documents as "Column or str" take a column name or a Column; value
arguments (``lit``, ``when``'s value, ``date_add``'s days) take a Python value or a Column.
``SQL_FUNCTIONS`` maps SQL function names to these builders for ``expr()`` and SQL text.
"""

from __future__ import annotations

from typing import Callable

from ember.sql.column import Column
from ember.sql.function_groups import (
    aggregate as _aggregate, bitmap as _bitmap, collection as _collection, conditional as _conditional, core as _core,
    datetime as _datetime, hashing as _hashing, higher_order as _higher_order, json as _json,
    mathematical as _mathematical, misc as _misc, strings as _strings, window as _window,
)
from ember.sql.function_groups.aggregate import *  # noqa: F401,F403
from ember.sql.function_groups.bitmap import *  # noqa: F401,F403
from ember.sql.function_groups.collection import *  # noqa: F401,F403
from ember.sql.function_groups.conditional import *  # noqa: F401,F403
from ember.sql.function_groups.core import *  # noqa: F401,F403
from ember.sql.function_groups.datetime import *  # noqa: F401,F403
from ember.sql.function_groups.hashing import *  # noqa: F401,F403
from ember.sql.function_groups.higher_order import *  # noqa: F401,F403
from ember.sql.function_groups.json import *  # noqa: F401,F403
from ember.sql.function_groups.mathematical import *  # noqa: F401,F403
from ember.sql.function_groups.misc import *  # noqa: F401,F403
from ember.sql.function_groups.strings import *  # noqa: F401,F403
from ember.sql.function_groups.window import *  # noqa: F401,F403
# Old spellings PySpark keeps outside its ``__all__``, and ``mod`` (SQL's name, which Ember also offers here).
from ember.sql.function_groups.aggregate import approxCountDistinct, countDistinct, sumDistinct  # noqa: F401
from ember.sql.function_groups.core import random  # noqa: F401
from ember.sql.function_groups.mathematical import (  # noqa: F401
    bitwiseNOT, mod, shiftLeft, shiftRight, shiftRightUnsigned, toDegrees, toRadians,
)
from ember.sql.function_groups.strings import chr  # noqa: F401
from ember.sql.udf import PandasUDFType, pandas_udf, udf  # noqa: F401  (sql/udf.py owns them)
from ember.sql.udtf import udtf  # noqa: F401  (sql/udtf.py owns it)

# Later families win where two register the same SQL name.
_FAMILIES = (_core, _conditional, _aggregate, _window, _mathematical, _strings, _collection, _hashing, _bitmap,
             _higher_order, _json, _datetime, _misc)

__all__ = [name for family in _FAMILIES for name in family.__all__] + ["udf", "pandas_udf", "PandasUDFType", "udtf"]

SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {}
for _family in _FAMILIES:
    SQL_FUNCTIONS.update(_family.SQL_FUNCTIONS)
