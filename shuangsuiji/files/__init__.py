"""Files: reading text in the encodings clerks' tools write, atomic writes, YAML nodes, templates.

The lowest layer above ``errors``: nothing here knows about plans, registries or draws.
"""
