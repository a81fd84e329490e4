"""Inputs: the plan and both registries of 一单两库, read into typed records that keep ``path:line``.

``plan`` reads ``plans/<year>.yaml``; ``registry`` and ``entity_table`` read
``data/entities.csv`` and ``data/inspectors.csv``; ``uscc`` checks credit codes;
``year`` loads one year's inputs together, with the SHA-256 of each file.
"""
