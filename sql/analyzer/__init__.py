"""The analyzer: names to attributes, implicit casts, and the checks that make plans valid."""

from ember.sql.analyzer.analyzer import analyze

__all__ = ["analyze"]
