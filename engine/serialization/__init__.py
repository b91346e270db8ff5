"""How records become bytes and back: serializers, and the frame codec of files and batches.

The foundation under both storage (cached blocks on disk) and shuffle (map output files),
so neither needs the other to read or write its bytes.
"""
