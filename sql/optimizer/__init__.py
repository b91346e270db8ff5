"""Optimizer rules (one per module) and the fixed-point driver."""

from ember.sql.optimizer.optimizer import ONCE_RULES, RULES, optimize

__all__ = ["ONCE_RULES", "RULES", "optimize"]
