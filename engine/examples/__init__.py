"""Runnable examples that ship with Ember (``python -m ember.examples.wordcount``)."""
