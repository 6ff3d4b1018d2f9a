"""Actor identity: the one place that turns a URL or a profile link into an actor id.

Every source (the web and feed crawlers, Mastodon, Bluesky, Reddit, Hacker News) and the importer
go through these functions, so attention to ``https://blog.example.co.uk/x`` lands on one node,
``web:example.co.uk``, whichever source saw the link:

- :func:`site_of` / :func:`site_actor`: a **site** is a registrable domain (the maintained Public
  Suffix List of :mod:`publicsuffixlist`, private section included, so ``ana.github.io`` is its
  own site), except on the blog hosts of :data:`SHARED_HOSTS`, where the full host is the site;
- :func:`web_actor`: the site actor of an ``http``/``https`` URL, ``None`` for other schemes;
- :func:`profile_actor`: the actor a social profile URL names (Mastodon-style ``/@user``,
  Bluesky, Reddit, Hacker News, X/Twitter, GitHub, LinkedIn, Facebook, Instagram, YouTube,
  TikTok, Threads, Medium), ``None`` for anything else (share buttons included).

Pure functions of text: no network.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

from .records import actor_id

__all__ = ["SHARED_HOSTS", "site_of", "site_of_host", "site_actor", "web_actor", "profile_actor"]


#: Hosts that give every blog a subdomain but are not on the Public Suffix List: the full host
#: (``ana.wordpress.com``) is the site.
SHARED_HOSTS: tuple[str, ...] = (
    "wordpress.com", "substack.com", "tumblr.com", "typepad.com", "livejournal.com", "over-blog.com",
    "wixsite.com", "weebly.com", "ghost.io", "hashnode.dev", "medium.com", "blogs.com", "jimdofree.com",
    "webnode.page", "micro.blog", "bearblog.dev", "write.as", "tistory.com", "hatenablog.com",
)


@lru_cache(maxsize=1)
def _psl():
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()  # the list ships in the package; nothing is downloaded


@lru_cache(maxsize=65536)
def site_of_host(host: str) -> str:
    """The site (registrable domain) of a host name, lower-cased, ``www.`` dropped; an IP
    address is its own site (see :func:`site_of`).

    >>> site_of_host("Blog.Example.co.uk")
    'example.co.uk'
    """
    host = host.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if not host or re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return host  # an IP address is its own site
    for shared in SHARED_HOSTS:
        if host.endswith("." + shared):
            return host
    return _psl().privatesuffix(host) or host


def site_of(url: str) -> str:
    """The site (registrable domain) of a URL or host name.

    Examples
    --------
    >>> site_of("https://blog.example.co.uk/post")
    'example.co.uk'
    >>> site_of("https://ana.github.io/")
    'ana.github.io'
    >>> site_of("https://ana.wordpress.com/2024/01/")
    'ana.wordpress.com'
    >>> site_of("http://127.0.0.1:8080/")
    '127.0.0.1'
    """
    text = url if "://" in url else "//" + url
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        host = ""
    return site_of_host(host)


def site_actor(url: str) -> str:
    """The actor id of a URL's site, ``web:<registrable domain>``.

    >>> site_actor("https://www.Lemire.me/blog/")
    'web:lemire.me'
    """
    return actor_id("web", site_of(url))


_RESERVED = {
    "twitter": {"intent", "share", "home", "search", "hashtag", "i", "login", "signup", "explore",
                "settings", "privacy", "tos", "about", "notifications", "messages", "compose",
                "followers", "following", "account", "widgets", "download"},
    "github": {"about", "features", "pricing", "login", "join", "topics", "trending", "marketplace",
               "explore", "sponsors", "orgs", "settings", "site", "security", "enterprise", "collections"},
    "facebook": {"sharer", "sharer.php", "share", "share.php", "dialog", "plugins", "tr", "login",
                 "login.php", "events", "groups", "watch", "hashtag", "help", "policies", "privacy",
                 "photo.php", "story.php", "permalink.php", "profile.php", "pages", "l.php"},
    "instagram": {"p", "explore", "accounts", "about", "reel", "reels", "stories", "direct", "tv"},
}

_MASTODON_LIKE_EXCLUDED = ("medium.com", "youtube.com", "tiktok.com", "threads.net", "flickr.com",
                           "soundcloud.com", "twitch.tv", "vimeo.com", "pinterest.com")


def profile_actor(url: str) -> str | None:
    """The actor id of a social profile URL, or ``None`` if the URL is not a profile.

    Recognises Mastodon-style ``https://host/@user``, Bluesky, Reddit, Hacker News, X/Twitter,
    GitHub, LinkedIn, Facebook, Instagram, YouTube, TikTok, Threads and Medium profiles. Share
    buttons (``twitter.com/intent/...``, ``facebook.com/sharer.php``) are not profiles.

    Examples
    --------
    >>> profile_actor("https://mastodon.social/@Gargron")
    'mastodon:@gargron@mastodon.social'
    >>> profile_actor("https://bsky.app/profile/ana.bsky.social")
    'bluesky:ana.bsky.social'
    >>> profile_actor("https://twitter.com/intent/tweet?text=hi") is None
    True
    >>> profile_actor("https://www.reddit.com/user/spez/")
    'reddit:u/spez'
    """
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if host.startswith(("www.", "m.", "mobile.")):
        host = host.split(".", 1)[1]
    segs = [s for s in parts.path.split("/") if s]
    first = segs[0] if segs else ""
    low = first.lower()
    if host in ("twitter.com", "x.com"):
        if len(segs) in (1, 3) and low not in _RESERVED["twitter"] and re.fullmatch(r"\w{1,15}", first):
            if len(segs) == 1 or segs[1] == "status":
                return f"twitter:{low}"
        return None
    if host == "bsky.app":
        # a DID (did:plc:...) is not a handle: the account is named by its handle elsewhere
        if len(segs) >= 2 and segs[0] == "profile" and not segs[1].startswith("did:"):
            return actor_id("bluesky", segs[1])
        return None
    if host in ("reddit.com", "old.reddit.com", "np.reddit.com", "new.reddit.com"):
        if len(segs) >= 2 and low in ("user", "u"):
            return actor_id("reddit", segs[1])
        return None
    if host == "news.ycombinator.com":
        if parts.path == "/user":
            name = dict(parse_qsl(parts.query)).get("id")
            return f"hackernews:{name}" if name else None
        return None
    if host == "github.com":
        if len(segs) == 1 and low not in _RESERVED["github"] and re.fullmatch(r"[\w-]{1,39}", first):
            return f"github:{low}"
        return None
    if host == "linkedin.com":
        if len(segs) >= 2 and low in ("in", "company", "school"):
            return f"linkedin:{low}/{segs[1].lower()}"
        return None
    if host in ("facebook.com", "fb.com"):
        if len(segs) == 1 and low not in _RESERVED["facebook"] and re.fullmatch(r"[\w.-]{2,80}", first):
            return f"facebook:{low}"
        return None
    if host == "instagram.com":
        if len(segs) == 1 and low not in _RESERVED["instagram"] and re.fullmatch(r"[\w.]{1,30}", first):
            return f"instagram:{low}"
        return None
    if host == "youtube.com":
        if len(segs) >= 1 and first.startswith("@"):
            return f"youtube:{low}"
        if len(segs) >= 2 and low in ("channel", "c", "user"):
            handle = segs[1] if low == "channel" else segs[1].lower()
            return f"youtube:{low}/{handle}"
        return None
    if host in ("tiktok.com", "threads.net", "medium.com"):
        if len(segs) >= 1 and first.startswith("@") and len(first) > 1:
            return f"{host.split('.')[0]}:{low}"
        return None
    # Mastodon, Pleroma, Misskey...: https://instance/@user (one path segment)
    if len(segs) == 1 and first.startswith("@") and re.fullmatch(r"@\w[\w.-]{0,63}", first):
        if host and not host.endswith(_MASTODON_LIKE_EXCLUDED) and "." in host:
            return actor_id("mastodon", f"{first[1:]}@{host}")
    return None


def web_actor(url: str) -> str | None:
    """The ``web:`` actor of an ``http``/``https`` URL's site (:func:`site_actor`), or ``None``
    for other schemes, URLs without a dotted host and bad URLs.

    >>> web_actor("https://www.Example.org/a/b?c=1")
    'web:example.org'
    >>> web_actor("https://blog.example.co.uk/post")
    'web:example.co.uk'
    >>> web_actor("mailto:ana@example.org") is None
    True
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except (ValueError, AttributeError):
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or "." not in host:
        return None
    try:
        return site_actor(url.strip())
    except ValueError:
        return None


#: The former private name, kept while :mod:`influence.records` still imports it.
