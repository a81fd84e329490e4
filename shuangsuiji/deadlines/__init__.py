"""Deadlines (pure): working days on the Chinese holiday calendar, and where each round stands.

``workdays`` knows which days are working days (the chinese-calendar library, overridden
by ``calendar/<year>.yaml``); ``due`` computes publication deadlines and the states that
``ssj publish-due`` lists.
"""
