"""The ledger: the hash chain (``chain``) and the fold of its events into rounds (``state``).

The ledger ``draws/ledger.jsonl`` is the only source of truth for what happened.
"""
