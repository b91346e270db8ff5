"""Logical plans and their rendering."""
