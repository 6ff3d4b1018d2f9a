"""Readers for the files researchers' tools export: Reddit dumps, twarc, Mastodon, Bluesky.

:func:`influence.importers.read_records` hands a file here when its content shows one of these
formats (:func:`sniff`) or when the format is given by name (``influence import --input-format``):

================ ============================================================================
``reddit``       Pushshift / Arctic Shift NDJSON: one comment or submission per line (the
                 ``RC_``/``RS_`` monthly dumps), or one API page ``{"data": [...]}`` per line
``twarc2``       twarc2 JSON Lines: one raw Twitter API v2 page per line (``data`` +
                 ``includes``), or one ``twarc2 flatten``-ed tweet per line
``twarc-csv``    CSV written by twarc-csv from twarc2 output (released and early column layouts)
``activitypub``  an ActivityPub outbox: Mastodon's ``outbox.json`` (account archive,
                 ``OrderedCollection``) or an outbox page (``OrderedCollectionPage``)
``bluesky-car``  a Bluesky repository export (CAR v1 of DAG-CBOR blocks, ``getRepo``)
================ ============================================================================

Every reader yields :class:`~influence.records.Actor`, :class:`~influence.records.Post` and
:class:`~influence.records.Interaction` records with ``reddit:``, ``twitter:``, ``mastodon:`` and
``bluesky:`` actor ids, and fills the :class:`~influence.importers.ImportReport`: items read per type
(``found``), interactions per kind (``by_kind``), references it could not resolve
(``unresolved``) and the fields it did not use (``ignored_columns``). docs/import-formats.md
says which field becomes what.

References to other posts (a Reddit comment's ``parent_id``, a tweet's replied-to tweet, a
Mastodon ``inReplyTo``) are resolved against the posts read so far in the file, the posts
already in the store (earlier files of the same import included: ``post_author``), and, for
references to posts later in the file, once more at the end of the file. Memory stays bounded:
the last :data:`RECENT_POSTS` posts are kept in memory (the store holds the rest), and at most
:data:`MAX_PENDING` forward references wait for the end of the file.
"""

from __future__ import annotations

from .._package import forward_settings
from ._read import NAMES, read
from ._sniff import sniff

# The limits, importable and settable here as when the package was one module.
from ._activitypub import MAX_OUTBOX_BYTES  # noqa: F401
from ._bluesky import MAX_CAR_BYTES  # noqa: F401
from ._common import MAX_IGNORED, MAX_PENDING, RECENT_POSTS  # noqa: F401

__all__ = ["NAMES", "read", "sniff"]

# Setting one of them on the package still sets it where it is used (influence._package).
forward_settings(__name__, {name: name for name in (
    "RECENT_POSTS", "MAX_PENDING", "MAX_OUTBOX_BYTES", "MAX_IGNORED", "MAX_CAR_BYTES")})
