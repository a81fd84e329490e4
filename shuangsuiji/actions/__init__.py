"""Actions: the only layer that writes files or appends to the ledger.

Each module is one command's work: read what it needs (``reading``), call the pure core,
write files atomically and append the ledger line that commits them, under the ledger
lock. The CLI calls exactly one action per command.
"""
