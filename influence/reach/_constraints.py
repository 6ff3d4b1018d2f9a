"""Who may be picked: bot-like and inactive actors, competitors, quotas per attribute value."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ConfigError
from ..validation import check_number

if TYPE_CHECKING:
    from ..store import Store
from ._audiences import node_index
from ._common import node_attribute

#: Bot-like: followers known and at most this many ...
BOT_MAX_FOLLOWERS = 1
#: ... attention given to at least this many distinct actors ...
BOT_MIN_GIVEN = 20
#: ... and attention received from at most this many.
BOT_MAX_GIVERS = 1


# -- constraints -----------------------------------------------------------------------------------


def is_bot_like(followers: int | None, given: int, givers: int) -> bool:
    """The bot heuristic of :func:`select_reach`.

    Bot-like: the follower count is known and at most :data:`BOT_MAX_FOLLOWERS`, the account gave
    attention to at least :data:`BOT_MIN_GIVEN` distinct actors, and received attention from at
    most :data:`BOT_MAX_GIVERS`. Unknown followers never make an account bot-like.

    >>> is_bot_like(0, given=50, givers=0), is_bot_like(None, given=50, givers=0)
    (True, False)
    """
    return (followers is not None and followers <= BOT_MAX_FOLLOWERS
            and given >= BOT_MIN_GIVEN and givers <= BOT_MAX_GIVERS)


@dataclass(frozen=True)
class Quota:
    """At most ``limit`` picks whose node attribute ``attribute`` equals ``value`` (every value
    separately when ``value`` is None: at most ``limit`` per platform)."""

    attribute: str
    value: Any
    limit: int

    def __str__(self) -> str:
        return f"{self.attribute}{'' if self.value is None else ':' + str(self.value)}={self.limit}"


def parse_quota(text: str) -> Quota:
    """Read a quota: ``ATTRIBUTE:VALUE=MAX`` (``platform:mastodon=3``) or ``ATTRIBUTE=MAX`` (at
    most MAX for every value, ``platform=2``). Quotas are maxima.

    >>> parse_quota("language:es=5"), str(parse_quota("platform=2"))
    (Quota(attribute='language', value='es', limit=5), 'platform=2')
    """
    head, eq, num = str(text).rpartition("=")
    attribute, colon, value = head.partition(":")
    attribute, value, num = attribute.strip(), value.strip(), num.strip()
    if not eq or not attribute or (colon and not value) or not num.isdigit():
        raise ConfigError(f"quota must look like ATTRIBUTE:VALUE=MAX or ATTRIBUTE=MAX "
                          f"(e.g. platform:mastodon=3), got {text!r}", key="quota")
    return Quota(attribute, value if colon else None, int(num))


def last_activity(store: Store) -> dict:
    """``{actor id: latest timestamp}`` of each actor's own activity: the posts it wrote and the
    attention it gave (interactions it is the source of). Undated activity is ignored; actors with
    no dated activity are absent. Reads the store (:meth:`influence.store.Store.last_activity`)."""
    return store.last_activity()


def inactive_actors(G, latest: Mapping, days: float, *, reference: float | None = None) -> set:
    """The nodes of ``G`` with no own activity in the ``days`` days before ``reference``.

    Parameters
    ----------
    G : networkx.Graph or GraphView
    latest : mapping
        ``{actor id: latest activity timestamp}`` (:func:`last_activity`). A node merged from
        several accounts (node attribute ``accounts``) takes the latest of them.
    days : float
    reference : float, optional
        UTC epoch seconds; default the latest timestamp in ``latest`` (the sector's latest
        activity, so the answer does not depend on today's date).

    Returns
    -------
    set
        Nodes whose latest dated activity is before ``reference - days``. Nodes with no dated
        activity at all are *not* returned: unknown is not inactive.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("c", "b")])
    >>> sorted(inactive_actors(G, {"a": 0.0, "b": 9 * 86400.0}, days=7))
    ['a']
    """
    check_number("days", days, 0.0, error_key="active_days")
    if reference is None:
        if not latest:
            return set()
        reference = max(latest.values())
    cutoff = float(reference) - float(days) * 86400.0
    accounts = node_attribute(G, "accounts")
    out = set()
    for v in G.nodes:
        times = [latest[a] for a in (str(accounts[v]).split() if v in accounts else [v]) if a in latest]
        if times and max(times) < cutoff:
            out.add(v)
    return out


def candidate_pool(G, nodes: list, S, *, ranking, config, candidates, pool, exclude_competitors: bool,
                exclude_bots: bool, exclude: Mapping | None) -> tuple[list, dict]:
    """``([(actor, index)], excluded counts)``: the candidates in order, constraints applied."""
    if candidates is not None:
        cand = list(dict.fromkeys(candidates))
    else:
        if ranking is None:
            from ..ranking import rank

            ranking = rank(G, config)
        # the ranking's own order; entries are built lazily, so take only what is needed
        cand = ranking.actors(0 if pool is None else pool)
    idx_all = node_index(nodes, cand)
    m = len(cand)
    from ..measures import GraphView

    # one array per test over the candidates (a million of them with RIS): columns of a view,
    # values looked up once per candidate otherwise
    if isinstance(G, GraphView):
        def values(name: str) -> np.ndarray:
            return np.asarray(G.column(name), dtype=object)[idx_all] if m else np.zeros(0, dtype=object)
    else:
        def values(name: str) -> np.ndarray:
            attr = node_attribute(G, name)
            out = np.empty(m, dtype=object)
            out[:] = [attr.get(a) for a in cand]
            return out
    n = len(nodes)
    givers = np.diff(S.indptr)
    given = np.bincount(S.indices, minlength=n) if n else np.zeros(0, dtype=np.int64)
    comp = values("is_competitor").astype(bool) if exclude_competitors else np.zeros(m, dtype=bool)
    followers = values("followers")
    known = np.not_equal(followers, None).astype(bool)
    few = np.zeros(m, dtype=bool)
    few[known] = followers[known].astype(float) <= BOT_MAX_FOLLOWERS
    bot = (few & (given[idx_all] >= BOT_MIN_GIVEN) & (givers[idx_all] <= BOT_MAX_GIVERS)
           if exclude_bots else np.zeros(m, dtype=bool))  # is_bot_like, vectorised
    bot &= ~comp
    excluded: dict = {"competitor": int(comp.sum()), "bot-like": int(bot.sum())}
    ok = ~(comp | bot)
    extra = dict(exclude or {})
    if extra:
        for j in np.flatnonzero(ok).tolist():
            a = cand[j]
            if a in extra:
                reason = str(extra[a])
                excluded[reason] = excluded.get(reason, 0) + 1
                ok[j] = False
    at = idx_all.tolist()
    keep = [(cand[j], at[j]) for j in np.flatnonzero(ok).tolist()]
    return keep, excluded


class QuotaCounter:
    """Counts picks against :class:`Quota` maxima."""

    def __init__(self, G, quotas: Iterable[Quota] | None):
        self.rules = []
        for q in quotas or ():
            if not isinstance(q, Quota):
                q = parse_quota(q)
            values = node_attribute(G, q.attribute)
            if not values:
                raise ConfigError(f"quota {q}: no actor has the attribute {q.attribute!r}", key="quota")
            if q.value is not None and not any(str(x) == str(q.value) for x in values.values()):
                known = sorted({str(x) for x in values.values()})
                raise ConfigError(f"quota {q}: no actor has {q.attribute} {q.value!r} (known: "
                                  f"{', '.join(known[:12])}{', ...' if len(known) > 12 else ''})", key="quota")
            self.rules.append((q, {v: str(x) for v, x in values.items()}))
        self.used: dict = {}

    def allows(self, actor) -> bool:
        for q, values in self.rules:
            x = values.get(actor)
            if x is None or (q.value is not None and x != str(q.value)):
                continue
            if self.used.get((q.attribute, q.value, x), 0) >= q.limit:
                return False
        return True

    def add(self, actor) -> None:
        for q, values in self.rules:
            x = values.get(actor)
            if x is not None and (q.value is None or x == str(q.value)):
                key = (q.attribute, q.value, x)
                self.used[key] = self.used.get(key, 0) + 1


def constrained(G, actors: Iterable, k: int = 0, *, exclude: Mapping | None = None,
                quotas: Iterable[Quota | str] | None = None) -> list:
    """The first ``k`` of ``actors`` (in their order; all when ``k`` is 0) that ``exclude`` does
    not name and that fit the ``quotas``: the ``score`` strategy under constraints.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "b"), ("c", "d"), ("e", "f")])
    >>> nx.set_node_attributes(G, {"b": "mastodon", "d": "mastodon", "f": "web"}, "platform")
    >>> constrained(G, ["b", "d", "f"], 2, quotas=["platform:mastodon=1"])
    ['b', 'f']
    """
    quota = QuotaCounter(G, quotas)
    extra = exclude or {}
    out = []
    for a in actors:
        if a in extra or not quota.allows(a):
            continue
        quota.add(a)
        out.append(a)
        if k and len(out) >= k:
            break
    return out
