"""The draw: which entities are checked, and by whom.

How entities are drawn (method "sha256-rank", the default)
-----------------------------------------------------------
Everyone first agrees on a *seed*: a short text fixed before anybody can know what it
will select (a witnessed number, public lottery results, or 128 random bits from the
operating system). Every entity in the pool then gets a *rank*: the SHA-256 fingerprint
of the text ``seed + ":" + entity id``, written as 64 lowercase hex digits. The k
entities with the smallest ranks are drawn; two equal ranks (never seen in practice)
are ordered by id. This is Rivest's "consistent sampling": the result depends only on
the seed and on the set of ids -- not on the order of the file, the computer, or the
program version -- and anyone can recompute it with a stock tool (``sha256sum``,
a spreadsheet, one SQL query). Because SHA-256 output cannot be predicted or steered
without trying it, nobody can pick a seed that favours an entity once the pool is
fixed and the seed is chosen by people who cannot see the ranks in advance.

Method "rfc3797" follows RFC 3797 section 4 (the IETF NomCom selection): the public
random sources are written into a key string, and for selection i = 0, 1, ... the MD5
of (2-byte i, key, 2-byte i) taken as a big number, modulo the number of names still
left, picks a position in the remaining sorted list.

Rounds and cycles
-----------------
Entities drawn in earlier rounds of the same task and year leave the pool until every
entity in scope has been drawn once. If the pool holds fewer than k, all of it is taken
and the shortfall is drawn from the rest of the scope as a new cycle.

How teams are formed
--------------------
For each drawn entity, in pick order, the inspectors who may check it are those on duty
(never one whose status is 不参与抽取), qualified for its category, without a declared
conflict with it, and (when local avoidance is on) not from its town. They are ordered by
how many checks they already have in the year (the live rounds of every task of the year
drawn before this one, kept in the record as ``prior_checks``, plus the teams formed so far
in this draw), then by SHA-256 of ``seed:entity:inspector``; the first n form the team.
Work is thus spread evenly over the year and the choice among equals is as random and as
checkable as the entity draw.

Python's ``random`` module is never used: its sequences are not guaranteed to stay the
same across Python versions, so a draw made with it could not be re-checked later.

Everything in this package is a pure function: no files, no clock, no hidden state.
"""
