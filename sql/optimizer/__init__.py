"""Optimizer rules (one per module) and the fixed-point driver."""

from ember.sql.optimizer.optimizer import RULES, optimize

__all__ = ["RULES", "optimize"]
