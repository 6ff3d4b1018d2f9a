"""Records: the contract between crawling and analysis.

Every source (crawler or file import) produces the same three record types, :class:`Actor`,
:class:`Post` and :class:`Interaction`, so the analysis never knows where data came from.

Direction convention
--------------------
An interaction ``u -> v`` means **u gives attention to v**: u mentions, replies to, reshares, quotes,
likes, links to, comments on or follows v. Attention, and so influence, is credited to **v**, the
target. In the interaction graph an edge ``u -> v`` therefore points *towards* the influential actor,
and in-degree / in-strength / PageRank measure received attention. Spreading simulations that need
"who can influence whom" use the reverse orientation and say so where they do.

Actor ids
---------
Actors are identified by canonical ids of the form ``platform:handle``:

========== ====================================== ===================================
platform   example id                             normalisation
========== ====================================== ===================================
web        ``web:example.com``                    a URL gives its host, lower-cased, without
                                                  ``www.`` and port; a bare ``host/path?query``
                                                  keeps its path and query as written (blogs on
                                                  shared hosts); only the host is lower-cased
mastodon   ``mastodon:@ana@mastodon.social``      ``@user@domain``, lower-cased
bluesky    ``bluesky:ana.bsky.social``            handle lower-cased, leading ``@`` dropped
twitter    ``twitter:jack``                       as bluesky
reddit     ``reddit:u/name``                      ``u/`` prefix, name lower-cased
hackernews ``hackernews:pg``                      as given (HN user names are case-sensitive)
others     ``import:42``                          stripped; case kept
========== ====================================== ===================================

Use :func:`actor_id` to build one and :func:`parse_actor_id` to read a value that may or may not
already be canonical.

Examples
--------
>>> actor_id("mastodon", "Ana@Mastodon.Social")
'mastodon:@ana@mastodon.social'
>>> actor_id("web", "https://www.Example.com:443/blog/post?id=1")
'web:example.com'
>>> parse_actor_id("42", default_platform="import")
'import:42'
>>> Kind.parse("retweet")
<Kind.RESHARE: 'reshare'>
"""

from __future__ import annotations

import dataclasses
import enum
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

__all__ = [
    "Kind",
    "KINDS",
    "PLATFORMS",
    "PLATFORM_RE",
    "Actor",
    "Post",
    "Interaction",
    "SameAs",
    "actor_id",
    "parse_actor_id",
    "split_actor_id",
    "parse_timestamp",
    "format_timestamp",
    "timestamp_in_range",
    "clean_text",
    "check_id",
    "TIMESTAMP_MIN",
    "TIMESTAMP_MAX",
    "COUNT_MAX",
    "WEIGHT_MAX",
    "StoredDataWarning",
    "DataWarning",
]


class DataWarning(UserWarning):
    """Something about the user's data that changes the results and that they should know (the
    CLI prints each one as a single ``Warning:`` line). See docs/safety.md and docs/ranking.md."""


class StoredDataWarning(DataWarning):
    """A store holds values that today's checks refuse (written by an older version), read in a
    safe way: a timestamp outside the accepted range is read as unknown. See docs/safety.md."""

#: Earliest accepted timestamp, 1900-01-01T00:00:00Z (UTC epoch seconds). Web and social data are
#: far later; archival corpora (letters, citations) may reach back a century. See docs/safety.md.
TIMESTAMP_MIN = -2208988800.0
#: First refused timestamp, 2100-01-01T00:00:00Z: later values are typing or unit errors (a value in
#: microseconds read as milliseconds lands in year 318857 and no date library can show it).
TIMESTAMP_MAX = 4102444800.0
#: Largest accepted count (followers, likes, reshares, replies), 2**53: every whole number up to it
#: is exact as a float and fits SQLite's 64-bit integers.
COUNT_MAX = 2**53
#: Largest accepted interaction weight. A weight stands for a number of interactions; 1e12 is more
#: than a hundred per living person, and no sum of such rows can overflow a float (it would take
#: over 1e296 rows), so summed duplicates stay finite.
WEIGHT_MAX = 1e12

# Control characters: C0 (U+0000-U+001F), DEL, C1 (U+0080-U+009F), plus lone surrogates and the
# noncharacters U+FFFE/U+FFFF, which UTF-8 cannot encode or XML cannot hold.
_CONTROL = "\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_ID_BAD = re.compile(f"[{_CONTROL}]")
_LINE_SPACE = re.compile("\r\n|[\t\n\r\x0b\x0c]")
_LINE_DROP = re.compile(f"[{_CONTROL}]")
_TEXT_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class Kind(str, enum.Enum):
    """Interaction kinds. The value is the name stored and printed.

    Every kind reads "source gives attention to target".
    """

    MENTION = "mention"  #: source's post names target (@handle, h-card, mention facet)
    REPLY = "reply"  #: source replies to a post of target
    RESHARE = "reshare"  #: source reshares target's post (boost, retweet, repost)
    QUOTE = "quote"  #: source quotes target's post with its own comment
    LIKE = "like"  #: source likes / favourites target's post
    LINK = "link"  #: source's page or post links to target (hyperlink)
    COMMENT = "comment"  #: source comments on target's page or article
    FOLLOW = "follow"  #: source follows target

    def __str__(self) -> str:  # so f"{kind}" prints "reply", not "Kind.REPLY"
        return self.value

    @classmethod
    def parse(cls, value: str | Kind) -> Kind:
        """Return the kind named by ``value``, accepting common synonyms.

        Synonyms: boost, reblog, retweet, repost, rt, share -> reshare; favourite, favorite, fav,
        likes -> like; hyperlink -> link; mentions -> mention; replies -> reply; comments ->
        comment; quotes -> quote.

        Raises
        ------
        ValueError
            If ``value`` names no kind; the message lists the valid ones.
        """
        if isinstance(value, Kind):
            return value
        key = str(value).strip().lower()
        key = _KIND_SYNONYMS.get(key, key)
        try:
            return cls(key)
        except ValueError:
            valid = ", ".join(k.value for k in cls)
            raise ValueError(f"unknown interaction kind {value!r} (expected one of: {valid})") from None


_KIND_SYNONYMS = {
    "boost": "reshare",
    "reblog": "reshare",
    "retweet": "reshare",
    "repost": "reshare",
    "rt": "reshare",
    "share": "reshare",
    "favourite": "like",
    "favorite": "like",
    "fav": "like",
    "hyperlink": "link",
    "mentions": "mention",
    "replies": "reply",
    "comments": "comment",
    "quotes": "quote",
    "likes": "like",
}

#: All kind names, in declaration order.
KINDS: tuple[str, ...] = tuple(k.value for k in Kind)

#: Platforms with a known id normalisation. Other platform names are accepted as given.
PLATFORMS: tuple[str, ...] = ("web", "mastodon", "bluesky", "reddit", "hackernews", "twitter", "import")

#: What a platform name may be: a lower-case letter, then up to 31 letters, digits, ``_`` or ``-``.
#: No dots: a platform name never looks like a host, so "blog.example:8080" stays a host with a port.
PLATFORM_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def _web_id(handle: str) -> str:
    """A URL (with a scheme) names its site, by the one rule every source follows
    (:func:`influence.identity.site_of`: the registrable domain, ``blog.example.co.uk`` ->
    ``example.co.uk``). A bare ``host/path`` is kept as a sub-site, because blogs on shared hosts
    (``home.example.net/~ana``) are distinct actors."""
    text = handle.strip()
    is_url = "://" in text
    parts = urlsplit(text if is_url else "//" + text)
    try:
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        host = ""
    if host.startswith("www."):
        host = host[4:]
    if is_url and host:
        from .identity import site_of_host

        return site_of_host(host)
    if not host:
        return host
    # the path (and query: xanga.com/home.aspx?user=ana) tells blogs on one host apart
    path = parts.path.rstrip("/")
    return host + path + (f"?{parts.query}" if parts.query else "")


def actor_id(platform: str, handle: str) -> str:
    """Return the canonical id ``platform:handle`` of an actor.

    Parameters
    ----------
    platform : str
        Platform name, e.g. ``"mastodon"``, ``"web"``, ``"reddit"``. Lower-cased.
    handle : str
        The actor's handle on that platform, in any usual spelling (``@ana@host``, ``ana@host``,
        ``u/name``, ``/u/name``, a URL for the web).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If the platform name is invalid or the handle is empty.

    Examples
    --------
    >>> actor_id("reddit", "/u/SomeOne")
    'reddit:u/someone'
    >>> actor_id("bluesky", "@Ana.bsky.social")
    'bluesky:ana.bsky.social'
    """
    p = str(platform).strip().lower()
    if not PLATFORM_RE.match(p):
        raise ValueError(f"invalid platform name {platform!r}")
    h = str(handle).strip()
    if p == "web":
        h = _web_id(h)
    elif p == "mastodon":
        h = h.lower().lstrip("@")
        if "@" not in h:
            raise ValueError(f"mastodon handle {handle!r} must be user@domain")
        h = "@" + h
    elif p in ("bluesky", "twitter"):  # case-insensitive handles
        h = h.lower().lstrip("@")
    elif p == "reddit":
        h = h.lower().lstrip("/")
        if h.startswith("u/"):
            h = h[2:]
        elif h.startswith("user/"):
            h = h[5:]
        h = "u/" + h if h else ""
    if not h or h in ("@",):
        raise ValueError(f"empty handle for platform {p!r}")
    return f"{p}:{h}"


def split_actor_id(aid: str) -> tuple[str, str]:
    """Split a canonical id into ``(platform, handle)``.

    >>> split_actor_id("mastodon:@ana@mastodon.social")
    ('mastodon', '@ana@mastodon.social')
    """
    platform, sep, handle = aid.partition(":")
    if not sep:
        return "", aid
    return platform, handle


def parse_actor_id(value: str, default_platform: str = "import") -> str:
    """Read an actor id that may already be canonical.

    A value that starts with a platform prefix (``web:``, ``mastodon:``, ``karate:`` ... : a
    lower-case word, then a colon) is normalised as that platform; an ``http(s)://`` URL is the
    web actor of its host, whatever the default; anything else is a handle on
    ``default_platform``.

    >>> parse_actor_id("web:WWW.Example.com")
    'web:example.com'
    >>> parse_actor_id("https://blog.example.org/a")  # a URL names its site (influence.identity)
    'web:example.org'
    >>> parse_actor_id("0", default_platform="karate")
    'karate:0'
    """
    text = str(value).strip()
    if not text:
        raise ValueError("empty actor id")
    prefix, sep, rest = text.partition(":")
    if sep and prefix.lower() in ("http", "https") and rest.startswith("//"):
        return actor_id("web", text)
    if sep and PLATFORM_RE.match(prefix.lower()) and not rest.startswith("//"):
        return actor_id(prefix, rest)
    return actor_id(default_platform, text)


def parse_timestamp(value: object) -> float | None:
    """Parse a timestamp into UTC epoch seconds.

    Accepts ``None``/empty (unknown time), ISO 8601 strings (``2024-05-01``,
    ``2024-05-01T10:00:00Z``, ``2024-05-01 10:00:00+02:00``; a naive time is taken as UTC),
    :class:`datetime` objects, and numbers (epoch seconds; values above 1e11 are read as
    milliseconds). The time must lie in the accepted range, 1900-01-01 (inclusive) to 2100-01-01
    (exclusive): see :data:`TIMESTAMP_MIN`, :data:`TIMESTAMP_MAX` and docs/safety.md.

    Raises
    ------
    ValueError
        If the value cannot be read as a time, or the time is outside the accepted range.

    Examples
    --------
    >>> parse_timestamp("2024-05-01T10:00:00+02:00")
    1714550400.0
    >>> parse_timestamp("") is None
    True
    >>> parse_timestamp(1e16)
    Traceback (most recent call last):
    ...
    ValueError: timestamp 1e+16 is outside the accepted range 1900-01-01 to 2100-01-01 (numbers are epoch seconds, or milliseconds above 1e11)
    """
    ts = _parse_timestamp(value)
    if not timestamp_in_range(ts):
        hint = " (numbers are epoch seconds, or milliseconds above 1e11)" if _is_number(value) else ""
        raise ValueError(f"timestamp {value!r} is outside the accepted range 1900-01-01 to 2100-01-01{hint}")
    return ts


def _is_number(value: object) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    try:
        float(str(value).strip())
    except (ValueError, OverflowError):
        return False
    return True


def _parse_timestamp(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return dt.timestamp()
    if isinstance(value, bool):
        raise ValueError(f"invalid timestamp {value!r}")
    if isinstance(value, (int, float)):
        try:
            x = float(value)
        except OverflowError:  # an int beyond the float range
            raise ValueError(f"timestamp {value!r} is outside the accepted range 1900-01-01 to 2100-01-01") from None
        if not math.isfinite(x):
            raise ValueError(f"invalid timestamp {value!r}")
        return x / 1000.0 if abs(x) > 1e11 else x
    text = str(value).strip()
    if not text:
        return None
    try:
        return _parse_timestamp(float(text))
    except ValueError:
        pass
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        dt = datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(f"invalid timestamp {value!r} (expected ISO 8601, e.g. 2024-05-01T10:00:00Z)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def format_timestamp(ts: float | None) -> str | None:
    """Format UTC epoch seconds as ISO 8601 with a ``Z`` suffix (``None`` stays ``None``).

    >>> format_timestamp(1714550400.0)
    '2024-05-01T08:00:00Z'
    """
    if ts is None:
        return None
    dt = datetime.fromtimestamp(ts, tz=timezone.utc)
    if dt.microsecond:
        return dt.isoformat().replace("+00:00", "Z")
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def timestamp_in_range(ts: float | None) -> bool:
    """Whether ``ts`` (UTC epoch seconds) is in the accepted range ``[TIMESTAMP_MIN, TIMESTAMP_MAX)``,
    1900-01-01 to 2100-01-01 (``None``, an unknown time, is accepted).

    >>> timestamp_in_range(1714550400.0), timestamp_in_range(1e13), timestamp_in_range(None)
    (True, False, True)
    """
    return ts is None or TIMESTAMP_MIN <= ts < TIMESTAMP_MAX


def check_id(value: object, what: str = "id") -> str:
    r"""Return ``value`` if it is a string without control characters, else raise ``ValueError``.

    Ids are keys: a control character in one (NUL, ESC, a newline, DEL, C1 controls) is refused,
    never silently removed, since removing it could merge two actors.

    >>> check_id("web:a.example")
    'web:a.example'
    >>> check_id("web:a\x00b", "actor id")
    Traceback (most recent call last):
    ...
    ValueError: actor id contains a control character (U+0000) at position 5: 'web:a\x00b'
    """
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, got {value!r}")
    m = _ID_BAD.search(value)
    if m:
        raise ValueError(f"{what} contains a control character (U+{ord(m.group()):04X}) at position "
                         f"{m.start()}: {value!r}")
    return value


def clean_text(value: object, *, multiline: bool = False) -> str | None:
    r"""Remove control characters from a display text (names, titles, bios, post text).

    The rule (docs/safety.md): in one-line fields, a tab, line break, vertical tab or form feed
    becomes one space (``\r\n`` counts as one); in multi-line fields (post ``text``, actor
    ``bio``) tabs and line breaks are kept, with ``\r\n`` and a lone ``\r`` turned into
    ``\n``. Every other control character (C0, DEL, C1, ESC included), lone surrogates and
    U+FFFE/U+FFFF are dropped. ``None`` stays ``None``; other values are turned into strings.

    >>> clean_text("Ana\x1b[31m\x00 Pérez\nMadrid")
    'Ana[31m Pérez Madrid'
    >>> clean_text("line 1\r\nline 2\x07", multiline=True)
    'line 1\nline 2'
    """
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if not _LINE_DROP.search(text):
        return text
    if multiline:
        return _TEXT_DROP.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _LINE_DROP.sub("", _LINE_SPACE.sub(" ", text))


def _clean_fields(rec: object, names: tuple[str, ...], multiline: tuple[str, ...] = ()) -> None:
    for name in names:
        v = getattr(rec, name)
        if v is not None:
            c = clean_text(v, multiline=name in multiline)
            if c is not v:
                object.__setattr__(rec, name, c)


def _check_count(name: str, value: object, *, signed: bool = False) -> int | None:
    if value is None or value == "":
        return None
    lo = -COUNT_MAX if signed else 0
    msg = f"{name} must be a whole number between {lo} and 2**53 ({COUNT_MAX}), got {value!r}"
    if isinstance(value, bool):
        raise ValueError(msg)
    if isinstance(value, int):
        if not lo <= value <= COUNT_MAX:
            raise ValueError(msg)
        return value
    try:
        f = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(msg) from None
    if not math.isfinite(f) or not lo <= f <= COUNT_MAX or f != int(f):
        raise ValueError(msg)
    return int(f)


@dataclass(frozen=True, slots=True)
class Actor:
    """Someone who publishes or receives attention: a person, a brand, a site.

    Parameters
    ----------
    id : str
        Canonical id ``platform:handle`` (see :func:`actor_id`).
    name : str, optional
        Display name.
    url : str, optional
        Profile or home page.
    followers : int, optional
        Follower / subscriber count where the platform gives it; ``None`` when unknown. A whole
        number from 0 to ``2**53`` (:data:`COUNT_MAX`).
    competitor : str, optional
        Name of the competitor brand this actor belongs to (from the sector file), if any.
    language : str, optional
        Main language (ISO 639-1, e.g. ``"es"``).
    bio : str, optional
        Profile description.
    """

    id: str
    name: str | None = None
    url: str | None = None
    followers: int | None = None
    competitor: str | None = None
    language: str | None = None
    bio: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or ":" not in self.id:
            raise ValueError(f"actor id must be 'platform:handle', got {self.id!r}")
        check_id(self.id, "actor id")
        object.__setattr__(self, "followers", _check_count("followers", self.followers))
        _clean_fields(self, ("name", "url", "competitor", "language", "bio"), multiline=("bio",))

    @property
    def platform(self) -> str:
        """The platform part of the id."""
        return split_actor_id(self.id)[0]

    @property
    def handle(self) -> str:
        """The handle part of the id."""
        return split_actor_id(self.id)[1]

    def to_dict(self) -> dict:
        """Plain dict of the fields (JSON-ready)."""
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class Post:
    """A piece of content: a status, a blog article, a comment, a feed item.

    Parameters
    ----------
    id : str
        Unique id, conventionally ``platform:native-id`` or the page URL.
    author : str
        Canonical actor id of the author.
    timestamp : float, optional
        Publication time, UTC epoch seconds (see :func:`parse_timestamp`).
    text : str
        Plain text (HTML stripped).
    title, url, language : str, optional
    likes, reshares, replies : int, optional
        Engagement counts reported by the platform; ``None`` when unknown (not zero). ``likes``
        is the platform's net score where it has down-votes (Reddit: up-votes minus down-votes),
        so it may be negative (down to ``-2**53``); ``reshares`` and ``replies`` are whole numbers
        from 0 to ``2**53``.
    parent : str, optional
        Id of the post this one replies to or comments on.
    format : str, optional
        Content format where the source says: ``text``, ``link``, ``image``, ``video``.
    tags : tuple of str
        Hashtags or categories the source gives (feed categories, post tags).
    """

    id: str
    author: str
    timestamp: float | None = None
    text: str = ""
    title: str | None = None
    url: str | None = None
    language: str | None = None
    likes: int | None = None
    reshares: int | None = None
    replies: int | None = None
    parent: str | None = None
    format: str | None = None
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("post id must not be empty")
        check_id(self.id, "post id")
        if not isinstance(self.author, str) or ":" not in self.author:
            raise ValueError(f"post author must be an actor id 'platform:handle', got {self.author!r}")
        check_id(self.author, "post author")
        if self.parent is not None:
            check_id(self.parent, "post parent")
        object.__setattr__(self, "timestamp", parse_timestamp(self.timestamp))
        # likes is a net score where the platform has down-votes (Reddit: up minus down), so it
        # may be negative; reshares and replies are counts
        object.__setattr__(self, "likes", _check_count("likes", self.likes, signed=True))
        for name in ("reshares", "replies"):
            object.__setattr__(self, name, _check_count(name, getattr(self, name)))
        if self.text is None:
            object.__setattr__(self, "text", "")
        _clean_fields(self, ("text", "title", "url", "language", "format"), multiline=("text",))
        if isinstance(self.tags, str):
            raise ValueError("tags must be a sequence of strings, not one string")
        object.__setattr__(self, "tags", tuple(t for t in (clean_text(x) or "" for x in (self.tags or ())) if t.strip()))

    @property
    def platform(self) -> str:
        return split_actor_id(self.author)[0]

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["timestamp"] = format_timestamp(self.timestamp)
        return d


@dataclass(frozen=True, slots=True)
class Interaction:
    """``source`` gives attention to ``target`` (see the direction convention above).

    Parameters
    ----------
    source, target : str
        Canonical actor ids.
    kind : Kind or str
        One of :data:`KINDS` (synonyms accepted, see :meth:`Kind.parse`).
    timestamp : float, optional
        UTC epoch seconds; ``None`` when unknown.
    post : str, optional
        Id of the post that carries the interaction (the reply, the reshare...).
    weight : float
        How many interactions this record stands for (default 1). Aggregated data such as SNAP's
        weighted edge lists put their count here. Finite, > 0 and <= 1e12 (:data:`WEIGHT_MAX`).
    rel : str, optional
        Link qualifiers, space-separated: ``nofollow``, ``sponsored``, ``ugc`` (HTML ``rel``).

    Notes
    -----
    Ids (actors, posts) must not contain control characters (:func:`check_id`); display texts
    have theirs removed (:func:`clean_text`), on every record type. The store identifies an interaction by ``(source, target, kind, timestamp, post)``; storing the
    same one twice keeps one row, so re-importing or re-crawling changes no counts.
    """

    source: str
    target: str
    kind: Kind
    timestamp: float | None = None
    post: str | None = None
    weight: float = 1.0
    rel: str | None = None

    def __post_init__(self) -> None:
        for name in ("source", "target"):
            v = getattr(self, name)
            if not isinstance(v, str) or ":" not in v:
                raise ValueError(f"interaction {name} must be an actor id 'platform:handle', got {v!r}")
            check_id(v, f"interaction {name}")
        object.__setattr__(self, "kind", Kind.parse(self.kind))
        object.__setattr__(self, "timestamp", parse_timestamp(self.timestamp))
        msg = f"weight must be a finite number > 0 and <= 1e12, got {self.weight!r}"
        try:
            w = float(self.weight)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(msg) from None
        if not math.isfinite(w) or w <= 0 or w > WEIGHT_MAX:
            raise ValueError(msg)
        object.__setattr__(self, "weight", w)
        if self.post == "":
            object.__setattr__(self, "post", None)
        if self.post is not None:
            check_id(self.post, "interaction post")
        if self.rel is not None:
            rel = clean_text(self.rel)
            object.__setattr__(self, "rel", " ".join(sorted(set(rel.lower().split()))) or None)

    @property
    def platform(self) -> str:
        return split_actor_id(self.source)[0]

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["kind"] = self.kind.value
        d["timestamp"] = format_timestamp(self.timestamp)
        return d


@dataclass(frozen=True, slots=True)
class SameAs:
    """Identity link: actors ``a`` and ``b`` are the same person or organisation.

    Crawlers yield it from ``rel=me`` links, verified profile fields, a Bluesky handle that is the
    person's web domain, and the like. The graph builder merges linked accounts into one node
    (``graph.merge_identities``), keeping the per-account detail in node attributes. The link is
    symmetric: ``SameAs(a, b)`` and ``SameAs(b, a)`` are the same record.

    Parameters
    ----------
    a, b : str
        Canonical actor ids (different).
    evidence : str
        How the link was found, e.g. ``"rel=me"``, ``"profile link"``.

    >>> SameAs("web:ana.example", "mastodon:@ana@social.example").pair
    ('mastodon:@ana@social.example', 'web:ana.example')
    """

    a: str
    b: str
    evidence: str = ""

    def __post_init__(self) -> None:
        for name in ("a", "b"):
            v = getattr(self, name)
            if not isinstance(v, str) or ":" not in v:
                raise ValueError(f"identity link {name} must be an actor id 'platform:handle', got {v!r}")
            check_id(v, f"identity link {name}")
        if self.a == self.b:
            raise ValueError(f"identity link between {self.a!r} and itself")
        if self.evidence:
            object.__setattr__(self, "evidence", clean_text(self.evidence))

    @property
    def pair(self) -> tuple[str, str]:
        """The two ids in sorted order (the stored key)."""
        return (self.a, self.b) if self.a < self.b else (self.b, self.a)
