"""Implementation of :func:`influence.datasets.make_sector`.

The docstring of :mod:`influence.datasets` describes the sector and what is planted in it. This
module holds the generator, which draws every random number from one
:func:`numpy.random.default_rng` seeded by the caller; the vocabulary it draws from (names, topics,
post templates, brands) is the data file ``demo_vocabulary.json`` next to it, read once at import.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from ..records import Actor, Interaction, Kind, Post, actor_id
from ..validation import check_number, check_whole

__all__ = ["DemoSector", "GroundTruth", "make_sector"]


# ==================================================================================================
# Vocabulary: names, topics, templates (all invented), read from demo_vocabulary.json
# ==================================================================================================


@dataclass(frozen=True)
class CommunitySpec:
    """One planted conversation: who is in it and what they talk about."""

    name: str
    title: str
    size_share: float  # share of the regular actors
    es_share: float  # share of Spanish speakers
    platform_mix: tuple[float, float, float, float]  # mastodon, bluesky, reddit, web
    topics: dict  # language -> topic phrases
    hashtags: dict  # language -> hashtags
    roles: dict  # language -> bio roles
    site_words: dict  # language -> words for web site names


@dataclass(frozen=True)
class BrandSpec:
    """A fictional competitor: accounts, publishing cadence, topic mix, reputation."""

    name: str
    accounts: tuple[tuple[str, str], ...]  # (platform, handle); the first is the main one
    followers: tuple[int | None, ...]
    posts_per_week: int
    weekday_weights: tuple[float, ...]  # Monday..Sunday
    hour_mean: float  # UTC
    hour_sd: float
    es_share: float
    topics: dict  # topic -> planned share
    popularity: float  # organic attention from the sector
    sentiment: tuple[float, float, float]  # positive, negative, neutral
    bio: str


def _frozen(value):
    """JSON lists as tuples (the vocabulary is immutable and was written as tuples)."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def _vocabulary() -> dict:
    from importlib.resources import files

    text = files(__package__).joinpath("demo_vocabulary.json").read_text(encoding="utf-8")
    return {k: _frozen(v) for k, v in json.loads(text).items() if not k.startswith("_")}


_V = _vocabulary()

#: First and last names per language.
FIRST_NAMES: dict = _V["FIRST_NAMES"]
LAST_NAMES: dict = _V["LAST_NAMES"]
#: Mastodon instances of the demo (all under .example, so no real server is ever named).
MASTODON_INSTANCES: dict = _V["MASTODON_INSTANCES"]
#: Suffix of the demo's Bluesky handles (``name.bsky.example``).
BLUESKY_SUFFIX: str = _V["BLUESKY_SUFFIX"]
#: The planted conversations.
COMMUNITIES: tuple[CommunitySpec, ...] = tuple(CommunitySpec(**c) for c in _V["COMMUNITIES"])
SITE_PREFIXES: dict = _V["SITE_PREFIXES"]
SITE_SUFFIXES: dict = _V["SITE_SUFFIXES"]
#: Post templates per language (``{topic}``, ``{h}``: a handle).
OPENERS: dict = _V["OPENERS"]
CLOSERS: dict = _V["CLOSERS"]
REPLIES: dict = _V["REPLIES"]
COMMENTS: dict = _V["COMMENTS"]
MENTIONS: dict = _V["MENTIONS"]
QUOTES: dict = _V["QUOTES"]
LINKS: dict = _V["LINKS"]
BROADCASTS: dict = _V["BROADCASTS"]
BROADCASTER_NAMES: dict = _V["BROADCASTER_NAMES"]
#: The fictional competitors.
BRANDS: tuple[BrandSpec, ...] = tuple(BrandSpec(**b) for b in _V["BRANDS"])
#: The brand whose attention the bot network inflates.
INFLATED_BRAND: str = _V["INFLATED_BRAND"]
BRAND_TOPICS: dict = _V["BRAND_TOPICS"]
BRAND_HASHTAGS: dict = _V["BRAND_HASHTAGS"]
#: Brand-mention templates by sentiment and language; ``{b}`` is the brand (name or @handle).
SENTIMENT_TEMPLATES: dict = _V["SENTIMENT_TEMPLATES"]
BOT_INSTANCES: tuple[str, ...] = _V["BOT_INSTANCES"]
BOT_WORDS: tuple[str, ...] = _V["BOT_WORDS"]
BOT_POSTS: tuple[str, ...] = _V["BOT_POSTS"]
BOT_MENTIONS: tuple[str, ...] = _V["BOT_MENTIONS"]
#: The sector file's keywords.
KEYWORDS: tuple[str, ...] = _V["KEYWORDS"]


# ==================================================================================================
# Generator
# ==================================================================================================

#: Start of the demo's time window: Monday 2026-01-05 00:00 UTC (fixed, never the wall clock).
ANCHOR = datetime(2026, 1, 5, tzinfo=timezone.utc).timestamp()
WEEKS = 26
_DAY = 86400.0
END = ANCHOR + WEEKS * 7 * _DAY

_PLATFORMS = ("mastodon", "bluesky", "reddit", "web")
_MASTODON, _BLUESKY, _REDDIT, _WEB = range(4)

_KINDS = (
    Kind.MENTION,
    Kind.REPLY,
    Kind.RESHARE,
    Kind.QUOTE,
    Kind.LIKE,
    Kind.LINK,
    Kind.COMMENT,
    Kind.FOLLOW,
)
_K_MENTION, _K_REPLY, _K_RESHARE, _K_QUOTE, _K_LIKE, _K_LINK, _K_COMMENT, _K_FOLLOW = range(8)
#: Kinds that act on one post of the target (the liked, reshared, replied, quoted, commented one).
_ON_TARGET_POST = frozenset({_K_REPLY, _K_RESHARE, _K_QUOTE, _K_LIKE, _K_COMMENT})

# Roles of the generated actors.
_MEMBER, _LEADER, _BRIDGE, _BROADCASTER, _BRAND, _BOT = range(6)

# Budgets at scale=1 (each is multiplied by scale). The general budget is what ordinary
# conversation adds on top of brand engagement, brand mentions and bot bursts; it is set so that the
# total lands near 20,000 interactions at scale=1 (the 3-interaction floor per actor adds ~700).
_N_REGULAR = 1960
_GENERAL_BUDGET = 16000
_BRAND_ENGAGEMENT = 1400
_BRAND_MENTIONS = 700
_N_BOTS = 30
_N_BRIDGES = 12
_N_BROADCASTERS = 15
_N_CLIENTS = 3

_P_HOME = 0.94  # share of an ordinary actor's attention that stays in its community
_MIN_OUT = 3  # every regular actor gives at least this much attention, so none is isolated
_LEADER_WEIGHT = (15.0, 45.0)  # leader attention weight, in units of an ordinary actor's median
_BRIDGE_HOME_WEIGHT = 4.0
_BRIDGE_AWAY_WEIGHT = 3.0
_LEADER_AFFINITY = 0.6  # leaders draw attention across platforms (floor of _PLATFORM_AFFINITY)
_BROADCASTER_WEIGHT = 0.04
_MEAN_DELAY_H = 5.0  # mean delay between a post and the reactions to it, hours
_BOT_BURST_EVERY_DAYS = 2
_BOT_BURST_HOUR = 4
_BOT_P_ACTIVE = 0.45


def _kind_table() -> np.ndarray:
    """Probability of each kind given (source platform, target platform)."""
    social_same = (0.12, 0.20, 0.20, 0.05, 0.33, 0.0, 0.0, 0.10)
    reddit_same = (0.15, 0.45, 0.0, 0.0, 0.35, 0.0, 0.0, 0.05)
    social_cross = (0.40, 0.0, 0.0, 0.0, 0.0, 0.60, 0.0, 0.0)
    to_web = (0.0, 0.0, 0.0, 0.0, 0.0, 0.40, 0.60, 0.0)
    web_web = (0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    web_social = (0.50, 0.0, 0.0, 0.0, 0.0, 0.50, 0.0, 0.0)
    table = np.zeros((4, 4, 8))
    for s in range(4):
        for t in range(4):
            if s == _WEB:
                row = web_web if t == _WEB else web_social
            elif t == _WEB:
                row = to_web
            elif s != t:
                row = social_cross
            elif s == _REDDIT:
                row = reddit_same
            else:
                row = social_same
            table[s, t] = row
    return table


_KIND_TABLE = _kind_table()

#: How readily an actor on one platform (row) gives attention to one on another (column):
#: conversation mostly stays on its platform; web sites get comments and links from everyone.
_PLATFORM_AFFINITY = np.array(
    [
        # mastodon bluesky reddit web
        [1.00, 0.20, 0.10, 0.40],  # from mastodon
        [0.20, 1.00, 0.10, 0.40],  # from bluesky
        [0.10, 0.10, 1.00, 0.40],  # from reddit
        [0.30, 0.30, 0.30, 1.00],  # from web
    ]
)


def _ascii(text: str) -> str:
    """Lower-case ASCII letters and digits only (``"Álvaro Núñez"`` -> ``"alvaronunez"``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _pick(seq, u: float):
    """Element of ``seq`` chosen by a uniform draw ``u`` in [0, 1)."""
    return seq[min(int(u * len(seq)), len(seq) - 1)]


def _check_scale(scale: object) -> float:
    return check_number("scale", scale, 0.0, open_lo=True)


def _check_seed(seed: object) -> int:
    return check_whole("seed", seed, 0)


class _Builder:
    """Mutable scratchpad of one :func:`make_sector` call (never escapes it)."""

    def __init__(self, seed: int, scale: float):
        self.rng = np.random.default_rng(seed)
        self.scale = scale
        # actors, as parallel lists indexed by an int
        self.ids: list[str] = []
        self.names: list[str] = []
        self.platform: list[int] = []
        self.lang: list[str] = []
        self.community: list[int] = []
        self.role: list[int] = []
        self.followers: list[int | None] = []
        self.url: list[str | None] = []
        self.bio: list[str] = []
        self.brand: list[str | None] = []
        self.att: list[float] = []  # attention weight inside the home community
        self.act: list[float] = []  # activity: how much attention the actor gives
        self.display: list[str] = []  # how the actor is written in a post (@user@host, domain)
        self.host: list[str] = []  # where its posts live (instance, domain, bluesky handle)
        self.user: list[str] = []
        self.index: dict[str, int] = {}
        # posts, as dicts (mutable until the records are built)
        self.posts: list[dict] = []
        self.originals: list[list[int]] = []  # per actor: its original (reactable) posts
        self.counter = 1000
        # interactions: (source, target, kind, timestamp or None, post index or None)
        self.inter: list[tuple[int, int, int, float | None, int | None]] = []
        self.sentiment: dict[int, str] = {}  # post index -> label
        self.expected: dict[int, float] = {}  # leader -> expected attention
        self.topic_counts: dict[str, dict[str, int]] = {}
        self.bridge_away: dict[int, tuple[int, int]] = {}
        self.clients: list[int] = []
        self.seen: set[tuple[int, int, int]] = set()  # likes, reshares and follows already given

    # ------------------------------------------------------------------------------------------
    # actors
    # ------------------------------------------------------------------------------------------

    def _add_actor(self, platform: int, handle: str, **fields) -> int:
        aid = actor_id(_PLATFORMS[platform], handle)
        i = len(self.ids)
        self.ids.append(aid)
        self.index[aid] = i
        self.platform.append(platform)
        self.originals.append([])
        _, _, h = aid.partition(":")
        if platform == _MASTODON:
            user, _, host = h[1:].partition("@")
            self.display.append(h)
            self.url.append(fields.pop("url", f"https://{host}/@{user}"))
        elif platform == _BLUESKY:
            user, host = h, h
            self.display.append("@" + h)
            self.url.append(fields.pop("url", None))
        elif platform == _REDDIT:
            user, host = h[2:], "reddit"
            self.display.append(h)
            self.url.append(fields.pop("url", None))
        else:
            user, host = h, h
            self.display.append(h)
            self.url.append(fields.pop("url", f"https://{h}/"))
        self.user.append(user)
        self.host.append(host)
        self.names.append(fields["name"])
        self.lang.append(fields["lang"])
        self.community.append(fields["community"])
        self.role.append(fields["role"])
        self.followers.append(fields.get("followers"))
        self.bio.append(fields.get("bio", ""))
        self.brand.append(fields.get("brand"))
        self.att.append(fields.get("att", 1.0))
        self.act.append(fields.get("act", 1.0))
        return i

    def _unique(self, platform: int, stem: str, tail: str = "") -> str:
        """First free handle of ``stem + tail``, ``stem + "1" + tail``, ``stem + "2" + tail``..."""
        n = 0
        while True:
            handle = f"{stem}{n or ''}{tail}"
            if actor_id(_PLATFORMS[platform], handle) not in self.index:
                return handle
            n += 1

    def _person_handle(self, platform: int, lang: str, first: str, last: str, u: np.ndarray) -> str:
        f, l_ = _ascii(first), _ascii(last)
        sep = "-" if platform == _BLUESKY else "_"
        style = int(u[0] * 5)
        base = (f + l_, f + sep + l_, f + l_[:1], f + sep + "cafe", "cafe" + sep + f)[style]
        if u[1] < 0.3:
            base += str(10 + int(u[2] * 89))
        if platform == _MASTODON:
            instance = _pick(MASTODON_INSTANCES[lang], u[3])
            return self._unique(platform, base, "@" + instance)
        if platform == _BLUESKY:
            return self._unique(platform, base, "." + BLUESKY_SUFFIX)
        return self._unique(platform, "u/" + base)

    def _make_regular(self) -> None:
        rng = self.rng
        n_regular = max(6 * 8, round(_N_REGULAR * self.scale))
        shares = np.array([c.size_share for c in COMMUNITIES])
        sizes = np.floor(shares / shares.sum() * n_regular).astype(int)
        sizes[: n_regular - sizes.sum()] += 1
        n_leaders = rng.integers(2, 5, size=len(COMMUNITIES))
        n_bridges = max(2, round(_N_BRIDGES * self.scale))
        n_broad = max(2, round(_N_BROADCASTERS * self.scale))
        # roles, community by community: leaders first, then bridges and broadcasters, spread evenly
        bridge_home = np.arange(n_bridges) % len(COMMUNITIES)
        rng.shuffle(bridge_home)
        broad_home = np.arange(n_broad) % len(COMMUNITIES)
        rng.shuffle(broad_home)
        for c, spec in enumerate(COMMUNITIES):
            roles = [_LEADER] * int(n_leaders[c])
            roles += [_BRIDGE] * int((bridge_home == c).sum())
            roles += [_BROADCASTER] * int((broad_home == c).sum())
            roles += [_MEMBER] * (int(sizes[c]) - len(roles))
            n = len(roles)
            lang_es = rng.random(n) < spec.es_share
            plat = rng.choice(4, size=n, p=np.array(spec.platform_mix))
            att = rng.lognormal(0.0, 0.9, size=n)
            act = rng.lognormal(0.0, 0.9, size=n)
            strengths = np.sort(rng.uniform(*_LEADER_WEIGHT, size=int(n_leaders[c])))[::-1]
            u = rng.random((n, 8))
            for j, role in enumerate(roles):
                lang = "es" if lang_es[j] else "en"
                platform = int(plat[j])
                if role == _BRIDGE:  # on the platform most of every community uses
                    platform = _MASTODON
                elif role == _BROADCASTER:
                    platform = _MASTODON if u[j, 4] < 0.6 else _WEB
                elif role == _LEADER and platform == _REDDIT:
                    platform = _MASTODON
                first = _pick(FIRST_NAMES[lang], u[j, 5])
                last = _pick(LAST_NAMES[lang], u[j, 6])
                name = f"{first} {last}"
                role_word = _pick(spec.roles[lang], u[j, 7])
                bio = f"{role_word}. {_pick(spec.hashtags[lang], u[j, 0])}"
                if role == _BROADCASTER:
                    name = _pick(BROADCASTER_NAMES[lang], u[j, 5])
                    bio = (
                        "Noticias del café, cada día."
                        if lang == "es"
                        else "Coffee news, every day."
                    )
                    slug = _ascii(name)
                    if platform == _WEB:
                        handle = self._unique(platform, slug, ".example")
                    else:
                        inst = _pick(MASTODON_INSTANCES[lang], u[j, 3])
                        handle = self._unique(platform, slug, "@" + inst)
                elif platform == _WEB:
                    if u[j, 1] < 0.5:  # a personal blog
                        name = (
                            f"Blog de {first} {last}" if lang == "es" else f"{first} {last}'s blog"
                        )
                        slug = _ascii(first + last)
                    else:  # a small media site
                        prefix = _pick(SITE_PREFIXES[lang], u[j, 2])
                        word = _pick(spec.site_words[lang], u[j, 3])
                        name = f"{prefix} {word}{_pick(SITE_SUFFIXES[lang], u[j, 0])}"
                        slug = _ascii(name)
                    handle = self._unique(platform, slug, ".example")
                    bio = f"{spec.title}: {_pick(spec.topics[lang], u[j, 2])}."
                else:
                    handle = self._person_handle(platform, lang, first, last, u[j, :4])
                if role == _LEADER:
                    k = j  # leaders come first and strengths are sorted, strongest first
                    weight = float(strengths[k])
                    followers = int(weight / 15.0 * rng.lognormal(math.log(6000), 0.4))
                    activity = 3.0 * float(act[j])
                elif role == _BRIDGE:
                    weight = _BRIDGE_HOME_WEIGHT
                    followers = int(rng.lognormal(math.log(1500), 0.5))
                    activity = 2.5 * max(1.0, float(act[j]))
                elif role == _BROADCASTER:
                    weight = _BROADCASTER_WEIGHT
                    followers = int(rng.lognormal(math.log(900), 0.6))
                    activity = 0.2
                else:
                    weight = float(att[j])
                    followers = int(rng.lognormal(math.log(120), 1.1))
                    activity = float(act[j])
                i = self._add_actor(
                    platform,
                    handle,
                    name=name,
                    lang=lang,
                    community=c,
                    role=role,
                    followers=None if platform == _WEB else followers,
                    bio=bio,
                    att=weight,
                    act=activity,
                )
                if role == _BRIDGE:
                    away = rng.choice(
                        [k for k in range(len(COMMUNITIES)) if k != c], 2, replace=False
                    )
                    self.bridge_away[i] = (int(away[0]), int(away[1]))

    def _make_brands(self) -> None:
        for spec in BRANDS:
            for (plat, handle), followers in zip(spec.accounts, spec.followers):
                platform = _PLATFORMS.index(plat)
                self._add_actor(
                    platform,
                    handle,
                    name=spec.name,
                    lang="es" if spec.es_share >= 0.5 else "en",
                    community=-1,
                    role=_BRAND,
                    followers=followers,
                    bio=spec.bio,
                    brand=spec.name,
                    att=8.0 * spec.popularity,
                    act=0.0,
                )

    def _make_bots(self) -> None:
        rng = self.rng
        n_bots = max(4, round(_N_BOTS * self.scale))
        nums = rng.choice(np.arange(100, 10000), size=n_bots, replace=False)
        u = rng.random((n_bots, 3))
        for b in range(n_bots):
            word = _pick(BOT_WORDS, u[b, 0])
            inst = _pick(BOT_INSTANCES, u[b, 1])
            handle = self._unique(_MASTODON, f"{word}_{nums[b]}", "@" + inst)
            self._add_actor(
                _MASTODON,
                handle,
                name=f"Ofertas Café {nums[b]}",
                lang="es",
                community=-2,
                role=_BOT,
                followers=int(u[b, 2] * 6),
                bio="🔥 Las mejores ofertas de café 🔥",
                att=0.0,
                act=0.0,
            )

    # ------------------------------------------------------------------------------------------
    # posts
    # ------------------------------------------------------------------------------------------

    def _times(self, n: int, hour_mean: float = 14.0, hour_sd: float = 4.0) -> np.ndarray:
        """Human-looking times: a uniform day of the window, an hour around ``hour_mean``."""
        day = self.rng.integers(0, WEEKS * 7, size=n)
        hour = np.mod(self.rng.normal(hour_mean, hour_sd, size=n), 24.0)
        return ANCHOR + day * _DAY + np.floor(hour * 3600.0)

    def _new_post(
        self,
        author: int,
        ts: float | None,
        text: str,
        *,
        lang: str,
        title: str | None = None,
        parent: int | None = None,
        original: bool = False,
        comment_on: int | None = None,
        vir: float = 1.0,
        fmt: str = "text",
    ) -> int:
        self.counter += 1
        n = self.counter
        platform = self.platform[author]
        host = self.host[author]
        url = None
        if comment_on is not None:  # a comment lives on the commented site
            p = self.posts[comment_on]
            pid = f"{p['id']}#c{n}"
            url = f"{p['url']}#c{n}" if p["url"] else None
        elif platform == _MASTODON:
            pid = f"mastodon:{host}/{n}"
            url = f"https://{host}/@{self.user[author]}/{n}"
        elif platform == _BLUESKY:
            pid = f"bluesky:{host}/{n}"
        elif platform == _REDDIT:
            pid = f"reddit:{'t3' if original else 't1'}_{n:x}"
        else:
            pid = f"web:{host}/p/{n}"
            url = f"https://{host}/p/{n}"
        k = len(self.posts)
        self.posts.append(
            {
                "id": pid,
                "author": author,
                "ts": ts,
                "text": text,
                "title": title,
                "url": url,
                "lang": lang,
                "parent": parent,
                "format": fmt,
                "vir": vir,
                "original": original,
                "topic": None,
            }
        )
        if original:
            self.originals[author].append(k)
        return k

    def _regular_posts(self) -> None:
        rng = self.rng
        regular = [i for i, r in enumerate(self.role) if r not in (_BRAND, _BOT)]
        act = np.array([self.act[i] for i in regular])
        rel = np.minimum(act / act.mean(), 5.0)
        counts = []
        for i, r in zip(regular, rel):
            role = self.role[i]
            if role == _LEADER:
                counts.append(8 + rng.poisson(10))
            elif role == _BRIDGE:
                counts.append(4 + rng.poisson(6))
            elif role == _BROADCASTER:
                counts.append(60 + rng.poisson(40))
            else:
                counts.append(1 + rng.poisson(1.0 + 1.5 * r))
        total = int(sum(counts))
        ts = self._times(total)
        vir = rng.lognormal(0.0, 1.0, size=total)
        u = rng.random((total, 5))
        k = 0
        for i, n in zip(regular, counts):
            lang = self.lang[i]
            spec = COMMUNITIES[self.community[i]]
            broadcaster = self.role[i] == _BROADCASTER
            for _ in range(n):
                topic = _pick(spec.topics[lang], u[k, 0])
                tags = _pick(spec.hashtags[lang], u[k, 3])
                if broadcaster:
                    text = _pick(BROADCASTS[lang], u[k, 1]).format(topic=topic) + " " + tags
                else:
                    closer = _pick(CLOSERS[lang], u[k, 2])
                    text = f"{_pick(OPENERS[lang], u[k, 1])} {topic}. {closer}".rstrip()
                    text += " " + tags
                title = topic[:1].upper() + topic[1:] if self.platform[i] == _WEB else None
                self._new_post(
                    i, float(ts[k]), text, lang=lang, title=title, original=True, vir=float(vir[k])
                )
                k += 1

    def _brand_posts(self) -> None:
        rng = self.rng
        for spec in BRANDS:
            accounts = [self.index[actor_id(p, h)] for p, h in spec.accounts]
            acc_w = np.array(
                [{_MASTODON: 0.6, _WEB: 0.25, _BLUESKY: 0.15}[self.platform[a]] for a in accounts]
            )
            acc_w /= acc_w.sum()
            weekday_p = np.array(spec.weekday_weights) / sum(spec.weekday_weights)
            topics = list(spec.topics)
            topic_p = np.array([spec.topics[t] for t in topics])
            rows = []
            # a steady schedule: the planned number of posts a week, one more or one fewer in
            # about one week out of five
            per_week = spec.posts_per_week + rng.choice([-1, 0, 1], size=WEEKS, p=[0.1, 0.8, 0.1])
            for week in range(WEEKS):
                n = int(per_week[week])
                days = rng.choice(7, size=n, p=weekday_p)
                hours = np.clip(rng.normal(spec.hour_mean, spec.hour_sd, size=n), 0.0, 23.9)
                # scheduled posts: rounded to five minutes
                secs = np.round(hours * 12.0) * 300.0
                for d, s in zip(days, secs):
                    rows.append(ANCHOR + (week * 7 + int(d)) * _DAY + float(s))
            n = len(rows)
            acc = rng.choice(len(accounts), size=n, p=acc_w)
            acc[: len(accounts)] = np.arange(len(accounts))  # every account publishes
            lang_es = rng.random(n) < spec.es_share
            lang_es[0], lang_es[1] = True, False  # both languages, always
            topic_idx = rng.choice(len(topics), size=n, p=topic_p)
            vir = rng.lognormal(0.0, 0.8, size=n)
            u = rng.random((n, 2))
            counts = dict.fromkeys(topics, 0)
            for j in range(n):
                lang = "es" if lang_es[j] else "en"
                topic = topics[int(topic_idx[j])]
                counts[topic] += 1
                phrase = _pick(BRAND_TOPICS[topic][lang], u[j, 0])
                a = accounts[int(acc[j])]
                text = f"{phrase}. {_pick(BRAND_HASHTAGS[lang], u[j, 1])}"
                title = phrase if self.platform[a] == _WEB else None
                k = self._new_post(
                    a, rows[j], text, lang=lang, title=title, original=True, vir=float(vir[j])
                )
                self.posts[k]["topic"] = topic
            self.topic_counts[spec.name] = counts

    def _bot_posts(self) -> None:
        rng = self.rng
        bots = [i for i, r in enumerate(self.role) if r == _BOT]
        n_bursts = WEEKS * 7 // _BOT_BURST_EVERY_DAYS
        for b in bots:
            for k in sorted(rng.choice(n_bursts, size=3, replace=False)):
                ts = ANCHOR + k * _BOT_BURST_EVERY_DAYS * _DAY + _BOT_BURST_HOUR * 3600.0 - 60.0
                self._new_post(b, ts, _pick(BOT_POSTS, rng.random()), lang="es", original=True)

    # ------------------------------------------------------------------------------------------
    # interactions
    # ------------------------------------------------------------------------------------------

    def _target_posts(self, targets: np.ndarray) -> np.ndarray:
        """One original post per target, chosen in proportion to post virality."""
        rng = self.rng
        out = np.empty(len(targets), dtype=np.int64)
        order = np.argsort(targets, kind="stable")
        sorted_t = targets[order]
        bounds = np.flatnonzero(np.diff(sorted_t)) + 1
        for group in np.split(order, bounds):
            if len(group) == 0:
                continue
            posts = self.originals[int(targets[group[0]])]
            vir = np.array([self.posts[p]["vir"] for p in posts])
            out[group] = np.asarray(posts)[
                rng.choice(len(posts), size=len(group), p=vir / vir.sum())
            ]
        return out

    def _first_time(self, s: int, t: int, k: int, post: int) -> bool:
        """False for a repeated like or reshare of one post, or a repeated follow."""
        if k in (_K_LIKE, _K_RESHARE):
            key = (s, k, post)
        elif k == _K_FOLLOW:
            key = (s, k, t)
        else:
            return True
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def _sample_kinds(self, src: np.ndarray, tgt: np.ndarray) -> np.ndarray:
        plat = np.asarray(self.platform)
        p = _KIND_TABLE[plat[src], plat[tgt]]
        cum = np.cumsum(p, axis=1)
        u = self.rng.random(len(src)) * cum[:, -1]
        kinds = (u[:, None] >= cum).sum(axis=1)
        # float rounding can step past the last kind with a non-zero probability
        last = 7 - np.argmax(p[:, ::-1] > 0, axis=1)
        return np.minimum(kinds, last)

    def _emit(self, src: np.ndarray, tgt: np.ndarray, kinds: np.ndarray, *, texts=None) -> None:
        """Turn sampled (source, target, kind) triples into posts and interactions.

        ``texts`` optionally gives, per row, the text of the carrying post (brand mentions).
        """
        rng = self.rng
        n = len(src)
        on_post = np.isin(kinds, list(_ON_TARGET_POST))
        tpost = np.full(n, -1, dtype=np.int64)
        if on_post.any():
            tpost[on_post] = self._target_posts(tgt[on_post])
        free_ts = self._times(n)
        delay = rng.exponential(_MEAN_DELAY_H * 3600.0, size=n)
        follow_known = rng.random(n) < 0.5
        u = rng.random((n, 4))
        for j in range(n):
            s, t, k = int(src[j]), int(tgt[j]), int(kinds[j])
            if not self._first_time(s, t, k, int(tpost[j])):
                continue
            lang = self.lang[s]
            if tpost[j] >= 0:
                tp = int(tpost[j])
                ts = min(self.posts[tp]["ts"] + float(np.floor(delay[j])), END - 60.0)
            elif k == _K_FOLLOW:
                ts = float(free_ts[j]) if follow_known[j] else None
            else:
                ts = float(free_ts[j])
            comm = self.community[t] if self.community[t] >= 0 else self.community[s]
            spec = COMMUNITIES[comm] if comm >= 0 else COMMUNITIES[0]
            topic = _pick(spec.topics[lang], u[j, 0])
            post = None
            if k in (_K_LIKE, _K_RESHARE):
                post = int(tpost[j])
            elif k == _K_MENTION:
                text = (
                    texts[j]
                    if texts is not None
                    else (
                        _pick(MENTIONS[lang], u[j, 1]).format(topic=topic, h=self.display[t])
                        + " "
                        + _pick(spec.hashtags[lang], u[j, 2])
                    )
                )
                title = text if self.platform[s] == _WEB else None
                post = self._new_post(s, ts, text, lang=lang, title=title)
            elif k == _K_REPLY:
                post = self._new_post(
                    s, ts, _pick(REPLIES[lang], u[j, 1]), lang=lang, parent=int(tpost[j])
                )
            elif k == _K_QUOTE:
                text = _pick(QUOTES[lang], u[j, 1]).format(topic=topic)
                post = self._new_post(s, ts, text, lang=lang, parent=int(tpost[j]))
            elif k == _K_COMMENT:
                post = self._new_post(
                    s,
                    ts,
                    _pick(COMMENTS[lang], u[j, 1]),
                    lang=lang,
                    parent=int(tpost[j]),
                    comment_on=int(tpost[j]),
                )
            elif k == _K_LINK:
                text = _pick(LINKS[lang], u[j, 1]).format(topic=topic, h=self.display[t])
                title = text if self.platform[s] == _WEB else None
                if self.url[t]:
                    text = f"{text} {self.url[t]}"
                post = self._new_post(s, ts, text, lang=lang, title=title, fmt="link")
            self.inter.append((s, t, k, ts, post))

    def _general(self) -> None:
        """Ordinary conversation: every regular actor gives attention, mostly in its community."""
        rng = self.rng
        n_comm = len(COMMUNITIES)
        regular = np.array([i for i, r in enumerate(self.role) if r not in (_BRAND, _BOT)])
        act = np.asarray(self.act)[regular]
        lam = act / act.sum() * (_GENERAL_BUDGET * self.scale)
        n_out = np.maximum(_MIN_OUT, rng.poisson(lam))
        src = np.repeat(regular, n_out)
        comm = np.asarray(self.community)
        home = comm[src]
        u = rng.random(len(src))
        tc = home.copy()
        away = u >= _P_HOME
        tc[away] = (home[away] + rng.integers(1, n_comm, size=int(away.sum()))) % n_comm
        for b, (c1, c2) in self.bridge_away.items():  # bridges: half at home, a quarter each away
            rows = np.flatnonzero(src == b)
            ub = u[rows]
            tc[rows] = np.where(ub < 0.5, comm[b], np.where(ub < 0.75, c1, c2))
        att = np.asarray(self.att)
        plat = np.asarray(self.platform)
        src_plat = plat[src]
        is_leader = np.asarray(self.role) == _LEADER
        tgt = np.empty(len(src), dtype=np.int64)
        expected = np.zeros(len(self.ids))
        for c in range(n_comm):
            members = regular[comm[regular] == c]
            guests = np.array([b for b, cs in self.bridge_away.items() if c in cs], dtype=np.int64)
            cand = np.concatenate([members, guests])
            w_c = np.concatenate([att[members], np.full(len(guests), _BRIDGE_AWAY_WEIGHT)])
            for sp in range(len(_PLATFORMS)):
                rows = np.flatnonzero((tc == c) & (src_plat == sp))
                if len(rows) == 0:
                    continue
                aff = _PLATFORM_AFFINITY[sp, plat[cand]]
                aff = np.where(is_leader[cand], np.maximum(aff, _LEADER_AFFINITY), aff)
                w = w_c * aff
                p = w / w.sum()
                tgt[rows] = cand[rng.choice(len(cand), size=len(rows), p=p)]
                selfish = rows[tgt[rows] == src[rows]]  # one redraw; what is left is dropped
                tgt[selfish] = cand[rng.choice(len(cand), size=len(selfish), p=p)]
                np.add.at(expected, cand, len(rows) * p)
        keep = tgt != src
        src, tgt = src[keep], tgt[keep]
        self.expected = {i: float(expected[i]) for i, r in enumerate(self.role) if r == _LEADER}
        self._emit(src, tgt, self._sample_kinds(src, tgt))

    def _brand_account_for(self, brand: int, sources: np.ndarray) -> np.ndarray:
        """Per source, the account of ``BRANDS[brand]`` it addresses: same platform if any."""
        spec = BRANDS[brand]
        accounts = [self.index[actor_id(p, h)] for p, h in spec.accounts]
        by_platform = {self.platform[a]: a for a in accounts}
        plat = np.asarray(self.platform)[sources]
        return np.array([by_platform.get(int(p), accounts[0]) for p in plat], dtype=np.int64)

    def _engagers(self, n: int) -> np.ndarray:
        regular = np.array([i for i, r in enumerate(self.role) if r in (_MEMBER, _LEADER, _BRIDGE)])
        act = np.asarray(self.act)[regular]
        return regular[self.rng.choice(len(regular), size=n, p=act / act.sum())]

    def _brand_engagement(self) -> None:
        """Sector actors like, reshare, reply to, comment on and link to brand posts."""
        rng = self.rng
        n = max(20, round(_BRAND_ENGAGEMENT * self.scale))
        src = self._engagers(n)
        pop = np.array([b.popularity for b in BRANDS])
        brand = rng.choice(len(BRANDS), size=n, p=pop / pop.sum())
        tgt = np.empty(n, dtype=np.int64)
        for b in range(len(BRANDS)):
            rows = np.flatnonzero(brand == b)
            tgt[rows] = self._brand_account_for(b, src[rows])
        kinds = self._sample_kinds(src, tgt)
        # a mention of a brand is a brand-mention post with a sentiment (see _brand_mentions)
        plat = np.asarray(self.platform)
        same = plat[src] == plat[tgt]
        kinds = np.where(kinds == _K_MENTION, np.where(same, _K_LIKE, _K_LINK), kinds)
        self._emit(src, tgt, kinds)

    def _brand_mentions(self) -> None:
        """Posts naming a brand with positive, negative or neutral wording, in es and en."""
        rng = self.rng
        n = max(36, round(_BRAND_MENTIONS * self.scale))
        src = self._engagers(n)
        # the first six rows cover every (sentiment, language) pair, so all are always present
        labels = ("positive", "negative", "neutral")
        lang_arr = np.asarray(self.lang)
        forced = [(s, lang) for s in labels for lang in ("es", "en")]
        for j, (_, lang) in enumerate(forced):
            pool = np.flatnonzero((lang_arr == lang) & (np.asarray(self.role) == _MEMBER))
            src[j] = pool[int(rng.integers(len(pool)))]
        pop = np.array([b.popularity for b in BRANDS])
        brand = rng.choice(len(BRANDS), size=n, p=pop / pop.sum())
        sentiment = [labels[int(rng.choice(3, p=np.array(BRANDS[b].sentiment)))] for b in brand]
        for j, (s, _) in enumerate(forced):
            sentiment[j] = s
        tgt = np.empty(n, dtype=np.int64)
        for b in range(len(BRANDS)):
            rows = np.flatnonzero(brand == b)
            tgt[rows] = self._brand_account_for(b, src[rows])
        u = rng.random((n, 2))
        texts = []
        for j in range(n):
            t, lang = int(tgt[j]), self.lang[int(src[j])]
            social = self.platform[t] in (_MASTODON, _BLUESKY)
            ref = self.display[t] if social and u[j, 0] < 0.5 else BRANDS[int(brand[j])].name
            texts.append(_pick(SENTIMENT_TEMPLATES[sentiment[j]][lang], u[j, 1]).format(b=ref))
        start = len(self.inter)
        self._emit(src, tgt, np.full(n, _K_MENTION), texts=texts)
        for j, (*_, post) in enumerate(self.inter[start:]):
            self.sentiment[post] = sentiment[j]

    def _bot_bursts(self) -> None:
        """Bots like, reshare and mention their targets in bursts at machine-regular times."""
        rng = self.rng
        bots = [i for i, r in enumerate(self.role) if r == _BOT]
        inflated = next(b for b in BRANDS if b.name == INFLATED_BRAND)
        brand_acc = self.index[actor_id(*inflated.accounts[0])]
        members = [
            i for i, r in enumerate(self.role) if r == _MEMBER and self.platform[i] == _MASTODON
        ]
        n_clients = max(1, round(_N_CLIENTS * self.scale))
        self.clients = sorted(int(i) for i in rng.choice(members, size=n_clients, replace=False))
        post_ts = {
            a: np.array(sorted(self.posts[p]["ts"] for p in self.originals[a]))
            for a in [brand_acc, *self.clients, *bots]
        }
        post_by_ts = {
            a: sorted(self.originals[a], key=lambda p: self.posts[p]["ts"]) for a in post_ts
        }
        n_bursts = WEEKS * 7 // _BOT_BURST_EVERY_DAYS
        for k in range(n_bursts):
            t0 = ANCHOR + k * _BOT_BURST_EVERY_DAYS * _DAY + _BOT_BURST_HOUR * 3600.0
            active = rng.random(len(bots)) < _BOT_P_ACTIVE
            for rank, b in enumerate(bots):
                if not active[rank]:
                    continue
                for a in range(1 + int(rng.random() < 0.35)):
                    ts = t0 + rank * 3.0 + a
                    u = rng.random(3)
                    if u[0] < 0.6:
                        t = brand_acc
                    elif u[0] < 0.85:
                        t = _pick(self.clients, u[1])
                    else:
                        t = _pick([x for x in bots if x != b], u[1])
                    # like or reshare the latest post of the target published before the burst;
                    # mention the target when there is none yet
                    pos = int(np.searchsorted(post_ts[t], ts, side="right")) - 1
                    if u[2] < 0.8 and pos >= 0:
                        kind = _K_LIKE if u[2] < 0.45 else _K_RESHARE
                        post = post_by_ts[t][pos]
                        if not self._first_time(b, t, kind, post):
                            continue
                    else:
                        kind = _K_MENTION
                        text = _pick(BOT_MENTIONS, u[1]).format(h=self.display[t])
                        post = self._new_post(b, ts, text, lang="es")
                        if t == brand_acc:
                            self.sentiment[post] = "positive"
                    self.inter.append((b, t, kind, ts, post))

    # ------------------------------------------------------------------------------------------
    # records
    # ------------------------------------------------------------------------------------------

    def build(self, seed: int) -> DemoSector:
        self._make_regular()
        self._make_brands()
        self._make_bots()
        self._regular_posts()
        self._brand_posts()
        self._bot_posts()
        self._general()
        self._brand_engagement()
        self._brand_mentions()
        self._bot_bursts()
        return self._records(seed)

    def _records(self, seed: int) -> DemoSector:
        rng = self.rng
        ids = self.ids
        n_posts = len(self.posts)
        likes = np.zeros(n_posts, dtype=np.int64)
        reshares = np.zeros(n_posts, dtype=np.int64)
        replies = np.zeros(n_posts, dtype=np.int64)
        interactions = []
        for s, t, k, ts, post in self.inter:
            if k == _K_LIKE:
                likes[post] += 1
            elif k == _K_RESHARE:
                reshares[post] += 1
            elif k == _K_QUOTE:
                reshares[self.posts[post]["parent"]] += 1
            elif k in (_K_REPLY, _K_COMMENT):
                replies[self.posts[post]["parent"]] += 1
            interactions.append(
                Interaction(
                    ids[s], ids[t], _KINDS[k], ts, None if post is None else self.posts[post]["id"]
                )
            )
        # engagement nobody in the sector was seen giving: grows with the author's attention weight
        att = np.array(
            [self.att[p["author"]] * (p["vir"] if p["original"] else 0.2) for p in self.posts]
        )
        likes += rng.poisson(0.6 * att)
        reshares += rng.poisson(0.15 * att)
        replies += rng.poisson(0.1 * att)
        posts = []
        for k, p in enumerate(self.posts):
            platform = self.platform[p["author"]]
            web = platform == _WEB or "#c" in p["id"]
            posts.append(
                Post(
                    id=p["id"],
                    author=ids[p["author"]],
                    timestamp=p["ts"],
                    text=p["text"],
                    title=p["title"],
                    url=p["url"],
                    language=p["lang"],
                    likes=None if web else int(likes[k]),
                    reshares=None if web or platform == _REDDIT else int(reshares[k]),
                    replies=int(replies[k]),
                    parent=None if p["parent"] is None else self.posts[p["parent"]]["id"],
                    format=p["format"],
                )
            )
        actors = tuple(
            Actor(
                ids[i],
                name=self.names[i],
                url=self.url[i],
                followers=self.followers[i],
                competitor=self.brand[i],
                language=self.lang[i],
                bio=self.bio[i] or None,
            )
            for i in range(len(ids))
        )
        return DemoSector(
            actors=actors,
            posts=tuple(posts),
            interactions=tuple(interactions),
            truth=self._truth(),
            keywords=KEYWORDS,
            competitors=self._competitor_dicts(),
            seed=seed,
            scale=self.scale,
        )

    def _truth(self) -> GroundTruth:
        ids = self.ids
        leaders = sorted(self.expected, key=lambda i: (-self.expected[i], ids[i]))
        by_comm: dict[int, tuple[str, ...]] = {}
        for c in range(len(COMMUNITIES)):
            by_comm[c] = tuple(ids[i] for i in leaders if self.community[i] == c)
        names = {c: spec.name for c, spec in enumerate(COMMUNITIES)}
        names[-1] = "brands"
        names[-2] = "bots"
        competitors = {b.name: tuple(actor_id(p, h) for p, h in b.accounts) for b in BRANDS}
        topics = {}
        for brand, counts in self.topic_counts.items():
            total = sum(counts.values())
            topics[brand] = {t: c / total for t, c in counts.items()}
        inflated = next(b for b in BRANDS if b.name == INFLATED_BRAND)
        return GroundTruth(
            leaders=tuple(ids[i] for i in leaders),
            leaders_by_community=by_comm,
            communities={ids[i]: self.community[i] for i in range(len(ids))},
            community_names=names,
            bridges=tuple(ids[i] for i in self.bridge_away),
            broadcasters=tuple(ids[i] for i, r in enumerate(self.role) if r == _BROADCASTER),
            bots=tuple(ids[i] for i, r in enumerate(self.role) if r == _BOT),
            competitors=competitors,
            competitor_topics=topics,
            sentiment={self.posts[k]["id"]: label for k, label in self.sentiment.items()},
            bot_targets=(actor_id(*inflated.accounts[0]), *(ids[i] for i in self.clients)),
            inflated_competitor=INFLATED_BRAND,
        )

    def _competitor_dicts(self) -> tuple[dict, ...]:
        out = []
        for b in BRANDS:
            handles = [actor_id(p, h) for p, h in b.accounts if p != "web"]
            domains = [h for p, h in b.accounts if p == "web"]
            out.append({"name": b.name, "handles": handles, "domains": domains, "feeds": []})
        return tuple(out)




# ==================================================================================================
# Public API
# ==================================================================================================


@dataclass(frozen=True, repr=False)
class GroundTruth:
    """What :func:`make_sector` planted, to evaluate analyses against.

    Parameters
    ----------
    leaders : tuple of str
        Planted opinion leaders (actor ids), strongest first. Strength is the expected number of
        interactions the generator sends them.
    leaders_by_community : dict of int to tuple of str
        Planted leaders of each community, strongest first.
    communities : dict of str to int
        Planted community of every actor. Brand accounts are labelled ``-1`` and bots ``-2``;
        regular actors (bridges and broadcasters included) carry their home community ``0..5``.
    community_names : dict of int to str
        Name of each label, e.g. ``{0: "baristas", 1: "homebrew", ..., -1: "brands", -2: "bots"}``.
    bridges : tuple of str
        Actors of one community who also get attention from two other communities.
    broadcasters : tuple of str
        Actors who publish a lot but receive almost no attention.
    bots : tuple of str
        Accounts of the bot network.
    competitors : dict of str to tuple of str
        Brand name to the actor ids of its accounts (Mastodon first).
    competitor_topics : dict of str to dict of str to float
        Brand name to the share of each topic among the posts it published (realised shares,
        summing to 1).
    sentiment : dict of str to str
        Post id to ``"positive"``, ``"negative"`` or ``"neutral"`` for every post that names a
        brand (the sector's brand mentions and the bots' promotional mentions, all positive).
    bot_targets : tuple of str
        Actors the bots push: the inflated brand's main account first, then its "clients".
    inflated_competitor : str or None
        The brand whose attention the bots inflate.
    """

    leaders: tuple[str, ...]
    leaders_by_community: dict[int, tuple[str, ...]]
    communities: dict[str, int]
    community_names: dict[int, str]
    bridges: tuple[str, ...]
    broadcasters: tuple[str, ...]
    bots: tuple[str, ...]
    competitors: dict[str, tuple[str, ...]]
    competitor_topics: dict[str, dict[str, float]]
    sentiment: dict[str, str]
    bot_targets: tuple[str, ...] = ()
    inflated_competitor: str | None = None

    def __repr__(self) -> str:
        return (
            f"GroundTruth(leaders={len(self.leaders)}, communities="
            f"{sum(1 for c in self.community_names if c >= 0)}, bridges={len(self.bridges)}, "
            f"broadcasters={len(self.broadcasters)}, bots={len(self.bots)}, "
            f"competitors={len(self.competitors)}, sentiment={len(self.sentiment)})"
        )


@dataclass(frozen=True, repr=False)
class DemoSector:
    """A generated sector: its records, its ground truth and its sector-file settings.

    Parameters
    ----------
    actors : tuple of Actor
        Every actor referenced by a post or an interaction.
    posts : tuple of Post
    interactions : tuple of Interaction
    truth : GroundTruth
        What was planted.
    keywords : tuple of str
        Sector keywords, as a sector file would list them.
    competitors : tuple of dict
        Sector-file style competitor entries:
        ``{"name": ..., "handles": [actor ids], "domains": [hosts], "feeds": []}``.
    seed : int
        Seed it was generated with.
    scale : float
        Scale it was generated with.
    name : str, default="demo"
        Sector name.
    languages : tuple of str, default=("es", "en")
        Sector languages.
    """

    actors: tuple[Actor, ...]
    posts: tuple[Post, ...]
    interactions: tuple[Interaction, ...]
    truth: GroundTruth
    keywords: tuple[str, ...]
    competitors: tuple[dict, ...]
    seed: int
    scale: float
    name: str = "demo"
    languages: tuple[str, ...] = ("es", "en")

    def records(self) -> Iterator[Actor | Post | Interaction]:
        """Iterate over the actors, then the posts, then the interactions.

        Yields
        ------
        Actor, Post or Interaction
        """
        yield from self.actors
        yield from self.posts
        yield from self.interactions

    def __repr__(self) -> str:
        return (
            f"DemoSector(name={self.name!r}, seed={self.seed}, scale={self.scale}, "
            f"actors={len(self.actors)}, posts={len(self.posts)}, "
            f"interactions={len(self.interactions)})"
        )


def make_sector(seed: int = 0, scale: float = 1.0) -> DemoSector:
    """Generate the synthetic specialty-coffee demo sector.

    The module docstring of :mod:`influence.datasets` describes what is planted.

    Parameters
    ----------
    seed : int, default=0
        Seed of the :func:`numpy.random.default_rng` generator, the only source of randomness.
        Pass an int for reproducible output across calls: the same seed and scale give equal
        records.
    scale : float, default=1.0
        Size multiplier: ``scale=1`` gives about 2,000 actors and 20,000 interactions. Small
        scales keep every role (2-4 leaders per community, at least 2 bridges, 2 broadcasters and
        4 bots, all four brands) and a floor of 48 regular actors.

    Returns
    -------
    DemoSector

    Raises
    ------
    ValueError
        (:class:`~influence.errors.ConfigError`) if ``scale`` is not a finite number > 0 or
        ``seed`` is not an int >= 0.

    Examples
    --------
    >>> demo = make_sector(seed=3, scale=0.1)
    >>> demo  # doctest: +ELLIPSIS
    DemoSector(name='demo', seed=3, scale=0.1, actors=..., posts=..., interactions=...)
    >>> all(lead in {a.id for a in demo.actors} for lead in demo.truth.leaders)
    True
    """
    seed = _check_seed(seed)
    scale = _check_scale(scale)
    return _Builder(seed, scale).build(seed)
