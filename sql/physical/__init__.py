"""Physical planning and Arrow operators; ``execution.py`` runs a physical plan as an RDD."""
