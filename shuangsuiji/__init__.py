"""ssj (双随机抽查): random spot checks from plan to publication.

Data flows one way: files -> loaders (records that remember path:line) -> pure core
(draw, workdays, report numbers) -> events appended to the ledger -> renderers.
"""

__version__ = "0.1.0"
