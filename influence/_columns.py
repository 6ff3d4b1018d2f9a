"""Actor id columns given as integer codes: the form in which the columnar importer hands actor
ids to the SQLite bulk loader, so that each id value costs one dict lookup on the way in (its
raw text -> code) instead of two (raw text -> canonical id, canonical id -> actor number), and
the loader maps codes to actor numbers with one numpy ``take`` per column.

With a million distinct actors every lookup in a million-entry dict is a few cache misses: at
5,000,000 rows the two lookups per id were 30 of the 75 profiled seconds of an import.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CodedIds", "IdVocabulary", "plain_columns"]


class IdVocabulary:
    """An append-only list of canonical actor ids; a code is an index into ``ids``.

    The same id may appear under several codes (two raw values with one canonical id, or an id
    added again by :meth:`code_of`): consumers map each code, not each id, once.

    >>> v = IdVocabulary()
    >>> v.add(["x:a", "x:b"])
    [0, 1]
    >>> v.code_of("x:b"), v.code_of("x:c"), v.ids
    (2, 3, ['x:a', 'x:b', 'x:b', 'x:c'])
    >>> v.code_of("x:c")
    3
    """

    __slots__ = ("ids", "_index")

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._index: dict[str, int] = {}  # only the ids given to code_of

    def add(self, ids: list[str]) -> list[int]:
        """Append ``ids`` (in the order given); their codes."""
        first = len(self.ids)
        self.ids.extend(ids)
        return list(range(first, len(self.ids)))

    def code_of(self, actor_id: str) -> int:
        """A code of one id (for the few rows read record by record): the one this method gave
        it before, else a new one."""
        code = self._index.get(actor_id)
        if code is None:
            code = self._index[actor_id] = len(self.ids)
            self.ids.append(actor_id)
        return code


class CodedIds:
    """A column of canonical actor ids as codes (``int64`` array) into an :class:`IdVocabulary`.

    >>> v = IdVocabulary(); _ = v.add(["x:a", "x:b"])
    >>> col = CodedIds(np.array([1, 0, 1]), v)
    >>> len(col), col.tolist()
    (3, ['x:b', 'x:a', 'x:b'])
    """

    __slots__ = ("codes", "vocab")

    def __init__(self, codes: np.ndarray, vocab: IdVocabulary) -> None:
        self.codes = codes
        self.vocab = vocab

    def __len__(self) -> int:
        return len(self.codes)

    def tolist(self) -> list[str]:
        """The canonical ids, one per row."""
        return list(map(self.vocab.ids.__getitem__, self.codes.tolist()))


def plain_columns(batch: tuple) -> tuple:
    """An interaction column batch with its source and target as lists of canonical ids (the
    documented form of :meth:`influence.store.Store.write_interaction_columns`), whichever form
    they came in.

    >>> v = IdVocabulary(); _ = v.add(["x:a", "x:b"])
    >>> plain_columns((CodedIds(np.array([0]), v), ["x:b"], ["mention"], [None], None, None, None))[:2]
    (['x:a'], ['x:b'])
    """
    src, dst = batch[0], batch[1]
    if isinstance(src, CodedIds) or isinstance(dst, CodedIds):
        src = src.tolist() if isinstance(src, CodedIds) else src
        dst = dst.tolist() if isinstance(dst, CodedIds) else dst
        return (src, dst, *batch[2:])
    return batch
