"""``optimize(plan)``: apply ``RULES`` in order, repeatedly, until the plan stops changing.

Each rule is a pure ``plan -> plan`` function in its own module. A rule is skipped when its
flag is false (``flags={"push_down_predicates": False}``; the session reads them from
``spark.ember.optimizer.<rule>``). A rule set that keeps rewriting the plan past
``max_iterations`` passes is a bug, reported as such rather than looping forever.

Subquery expressions are rewritten into joins first, whatever the flags: no plan can run
with them. Then ``ONCE_RULES`` run one time each (flags apply), before the fixed-point loop:
join reordering needs the filters above a join tree where the query put them.
"""

from __future__ import annotations

import logging
from typing import Callable, Mapping

from ember.sql.optimizer.combine_filters import combine_filters
from ember.sql.optimizer.eliminate_subquery_aliases import eliminate_subquery_aliases
from ember.sql.optimizer.fold_constants import fold_constants
from ember.sql.optimizer.prune_columns import prune_columns
from ember.sql.optimizer.push_down_into_scans import push_down_into_scans
from ember.sql.optimizer.push_down_limit import push_down_limit
from ember.sql.optimizer.push_down_predicates import push_down_predicates
from ember.sql.optimizer.reorder_joins import reorder_joins
from ember.sql.optimizer.rewrite_subqueries import rewrite_subqueries
from ember.sql.optimizer.simplify_booleans import simplify_booleans
from ember.sql.plan.logical import LogicalPlan

__all__ = ["ONCE_RULES", "RULES", "optimize", "OptimizerDidNotConverge"]

logger = logging.getLogger(__name__)

Rule = Callable[[LogicalPlan], LogicalPlan]

# Boolean simplification first: it turns OR-ed join conditions into conjuncts reordering can use.
ONCE_RULES: tuple[Rule, ...] = (simplify_booleans, reorder_joins)

RULES: tuple[Rule, ...] = (
    eliminate_subquery_aliases,
    fold_constants,
    simplify_booleans,
    push_down_predicates,
    combine_filters,
    push_down_limit,
    prune_columns,
    push_down_into_scans,
)


class OptimizerDidNotConverge(RuntimeError):
    """The rules kept changing the plan; the message names the last rule that did."""


def optimize(plan: LogicalPlan, rules: tuple[Rule, ...] = RULES, flags: Mapping[str, bool] | None = None,
             max_iterations: int = 100, once_rules: tuple[Rule, ...] = ONCE_RULES) -> LogicalPlan:
    plan = rewrite_subqueries(plan)
    for rule in once_rules:
        if (flags or {}).get(rule.__name__, True):
            plan = rule(plan)
    active = [r for r in rules if (flags or {}).get(r.__name__, True)]
    for _ in range(max_iterations):
        changed_by = None
        for rule in active:
            new = rule(plan)
            if new != plan:
                changed_by = rule.__name__
                plan = new
        if changed_by is None:
            return plan
        logger.debug("optimizer pass changed the plan (last: %s)", changed_by)
    raise OptimizerDidNotConverge(
        f"Optimizer did not converge after {max_iterations} passes; last change by {changed_by}"
    )
