"""SQL text → Ember expressions (and, later, logical plans) through sqlglot's Spark dialect."""
