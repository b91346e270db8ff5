"""File sources and sinks of the structured layer: CSV, JSON, text and Parquet.

``files`` lists input files and discovers ``key=value`` partition directories; each format
module (``csv_format``, ``json_format``, ``text_format``, ``parquet_format``) infers a schema on
the driver and reads one split inside a task (CSV's field rules are ``csv_tokenizer``'s, its
options ``csv_dialect``'s, its writing ``csv_encode``'s); ``source`` ties them into the ``FileSource`` a
scan node carries; ``pushdown`` turns filters into Arrow expressions for partition and
row-group pruning; ``commit`` is the atomic output protocol that ``writers`` use.
"""
