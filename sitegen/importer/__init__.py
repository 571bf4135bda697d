"""``sitegen import``: seeds and editorial files from web-archive captures, saved pages,
exports and plain text.

One module per kind of source (:mod:`.warc`, :mod:`.page`, :mod:`.exports`,
:mod:`.plaintext`) turns its files into :class:`~.records.Candidate` articles and
diagnostics; :mod:`.store` writes them (never over an existing file); :mod:`.run` decides
which candidates to import and reports what happened to each.
"""
