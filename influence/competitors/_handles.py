"""Declared competitor handles that match no actor of the store (typos, renamed accounts)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..records import split_actor_id

# -- unmatched handles ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnmatchedHandle:
    """A competitor handle that no actor of the store has.

    Attributes
    ----------
    competitor : str
    handle : str
        The actor id declared (``"twitter:gamestopp"``).
    suggestions : tuple of str
        Stored actor ids of the same platform close to it, closest first (may be empty).
    """

    competitor: str
    handle: str
    suggestions: tuple[str, ...] = ()

    def message(self) -> str:
        """One line for the person at the terminal."""
        text = (f"competitor {self.competitor}: handle {self.handle} matches no actor in the "
                "store")
        if self.suggestions:
            text += f" (did you mean {' or '.join(self.suggestions)}?)"
        return text


def unmatched_handles(competitors: Sequence[Any], actor_ids: Iterable[str], *, n: int = 3,
                      cutoff: float = 0.8) -> list[UnmatchedHandle]:
    """The competitors' handles that match no actor id in ``actor_ids``, with near matches.

    A handle nobody in the store has is not an error (the brand may not be active in the data
    yet) but is often a typo, and a typo silently does nothing: the brand's real account is
    neither its own content nor excluded from shortlists. Near matches are found by
    :func:`difflib.get_close_matches` among the stored ids of the same platform, compared
    case-insensitively.

    Parameters
    ----------
    competitors : sequence of influence.sector.Competitor
    actor_ids : iterable of str
        Every actor id of the store (e.g. ``a.id for a in store.actors()``).
    n : int, default=3
        Most suggestions per handle.
    cutoff : float, default=0.8
        Least :class:`difflib.SequenceMatcher` ratio of a suggestion (on the part after the
        platform).

    Returns
    -------
    list of UnmatchedHandle
        In the order the competitors and their handles are declared.

    Examples
    --------
    >>> from influence.sector import Competitor
    >>> gs = Competitor("GameStop", handles=("twitter:gamestopp", "twitter:ebgames"))
    >>> [(u.handle, u.suggestions)
    ...  for u in unmatched_handles([gs], ["twitter:gamestop", "twitter:ebgames"])]
    [('twitter:gamestopp', ('twitter:gamestop',))]
    """
    wanted = [(c.name, h) for c in competitors for h in c.handles]
    if not wanted:
        return []
    ids = set(actor_ids)
    missing = [(name, h) for name, h in wanted if h not in ids]
    if not missing:
        return []
    # suggestions only among the same platform's ids, and only for the handles missing
    by_platform: dict[str, dict[str, list[str]]] = {}
    platforms = {split_actor_id(h)[0] for _, h in missing}
    for aid in ids:
        platform, rest = split_actor_id(aid)
        if platform in platforms:
            by_platform.setdefault(platform, {}).setdefault(rest.lower(), []).append(aid)
    out = []
    for name, h in missing:
        platform, rest = split_actor_id(h)
        pool = by_platform.get(platform, {})
        close = difflib.get_close_matches(rest.lower(), list(pool), n=n, cutoff=cutoff)
        found = [aid for key in close for aid in sorted(pool[key])]
        out.append(UnmatchedHandle(competitor=name, handle=h, suggestions=tuple(found[:n])))
    return out
