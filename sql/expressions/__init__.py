"""Expression nodes; see ``base.py`` for the life of a node."""

from __future__ import annotations

from ember.sql.expressions.aggregates import *  # noqa: F401,F403
from ember.sql.expressions.arithmetic import *  # noqa: F401,F403
from ember.sql.expressions.base import *  # noqa: F401,F403
from ember.sql.expressions.cast import *  # noqa: F401,F403
from ember.sql.expressions.collections import *  # noqa: F401,F403
from ember.sql.expressions.conditional import *  # noqa: F401,F403
from ember.sql.expressions.datetime import *  # noqa: F401,F403
from ember.sql.expressions.generators import *  # noqa: F401,F403
from ember.sql.expressions.intervals import *  # noqa: F401,F403
from ember.sql.expressions.literals import *  # noqa: F401,F403
from ember.sql.expressions.mathematical import *  # noqa: F401,F403
from ember.sql.expressions.named import *  # noqa: F401,F403
from ember.sql.expressions.predicates import *  # noqa: F401,F403
from ember.sql.expressions.sort_order import *  # noqa: F401,F403
from ember.sql.expressions.strings import *  # noqa: F401,F403
from ember.sql.expressions.struct_fields import *  # noqa: F401,F403
from ember.sql.expressions.subquery import *  # noqa: F401,F403
from ember.sql.expressions.windows import *  # noqa: F401,F403
from ember.sql.expressions.function_call import *  # noqa: F401,F403
from ember.sql.expressions.aggregates_more import *  # noqa: F401,F403
from ember.sql.expressions.math_more import *  # noqa: F401,F403
from ember.sql.expressions.higher_order import *  # noqa: F401,F403
from ember.sql.expressions.json_functions import *  # noqa: F401,F403
from ember.sql.expressions.time_window import *  # noqa: F401,F403
from ember.sql.expressions import strings_more, collections_more, conditional_more, hashes  # noqa: F401,E402
from ember.sql.expressions.datetime_more import *  # noqa: F401,F403,E402
from ember.sql.expressions.generators_more import *  # noqa: F401,F403,E402
from ember.sql.expressions.misc_functions import *  # noqa: F401,F403,E402
from ember.sql.expressions import binary_text, datetime_zones, number_format, text_similarity, try_aggregates  # noqa: F401,E402
from ember.sql.expressions import bitmaps, random_values  # noqa: F401,E402
