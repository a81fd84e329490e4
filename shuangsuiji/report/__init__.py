"""The annual report's numbers (pure): from the plan, the registries and the folded ledger.
"""
