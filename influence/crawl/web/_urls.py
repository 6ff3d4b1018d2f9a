"""URLs and sites: normalisation (tracking parameters dropped), share links unwrapped."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ...errors import ConfigError
from ...identity import SHARED_HOSTS, profile_actor, site_actor, site_of, site_of_host  # noqa: F401 (re-exported)
from ...records import actor_id
from ...validation import invalid

if TYPE_CHECKING:

    pass



# -- URLs and sites ---------------------------------------------------------------------------------

_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl|igshid|"
    r"mkt_tok|_hsenc|_hsmi|hsctatracking|ref_src|ref_url|spm|vero_id|oly_[a-z_]+|__s|s_cid|cmpid)$",
    re.IGNORECASE,
)


def normalize_url(url: str, base: str | None = None) -> str | None:
    """Canonical form of a link, or ``None`` for what is not an http(s) URL.

    Resolves ``url`` against ``base``; lower-cases scheme and host; drops the default port, the
    fragment, user info and tracking parameters (``utm_*``, ``fbclid``, ``gclid``...); an empty
    path becomes ``/``.

    Examples
    --------
    >>> normalize_url("HTTPS://Example.COM:443/a/../b?utm_source=x&id=2#top")
    'https://example.com/b?id=2'
    >>> normalize_url("/about", "http://blog.example/post/1")
    'http://blog.example/about'
    >>> normalize_url("mailto:ana@example.com") is None
    True
    """
    text = (url or "").strip()
    if not text:
        return None
    if text.startswith(("http://", "https://")) and len(text) < 2048:
        return _normalize_absolute(text)  # most links are absolute and repeat across pages
    return _normalize(text, base)


def _normalize(text: str, base: str | None) -> str | None:
    try:
        if base:
            text = urljoin(base, text)
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            return None
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if not host or any(c in host for c in " <>\"'{}|\\^`"):
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != (443 if scheme == "https" else 80):
        netloc += f":{port}"
    path = parts.path or "/"
    if "/." in path:  # remove dot segments (RFC 3986 §5.2.4), as a base-less urljoin does
        path = urlsplit(urljoin("http://h/", path)).path
    if " " in path:
        path = path.replace(" ", "%20")
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not _TRACKING.match(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    return urlunsplit((scheme, netloc, path, query, ""))


_normalize_absolute = lru_cache(maxsize=65536)(lambda text: _normalize(text, None))


SHARE = re.compile(
    r"^https?://(?:www\.|m\.)?(?:twitter\.com/(?:intent|share|home\?)|x\.com/(?:intent|share)|"
    r"facebook\.com/(?:sharer|share|dialog)|linkedin\.com/(?:shareArticle|sharing|cws/share)|"
    r"pinterest\.[a-z.]+/pin/create|reddit\.com/submit|news\.ycombinator\.com/submitlink|"
    r"(?:api\.)?whatsapp\.com/send|wa\.me/|t\.me/share|telegram\.me/share|getpocket\.com/(?:save|edit)|"
    r"tumblr\.com/(?:share|widgets/share)|plus\.google\.com/share|mix\.com/add|buffer\.com/add|"
    r"bsky\.app/intent|flipboard\.com/bookmarklet|vk\.com/share|digg\.com/submit|"
    r"[\w.-]+/share\?|addtoany\.com|sharethis\.com)",
    re.IGNORECASE,
)


def link_target(url: str) -> str | None:
    """The actor a link gives attention to: a social profile, else the linked site."""
    if SHARE.match(url):
        return None
    profile = profile_actor(url)
    if profile is not None:
        return profile
    site = site_of(url)
    return actor_id("web", site) if site else None


def check_urls(raw: Any, key: str, where: str, *, what: str, required: bool = False) -> list[str]:
    """A source's list of http(s) URLs (a single string is accepted), normalised.

    Raises :class:`~influence.errors.ConfigError` naming ``<where>.<key>`` (or its ``[j]``-th
    item): not a list (``what`` says what it must be), empty when ``required``, an item that is
    not an http(s) URL, or one that holds credentials.
    """
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or (required and not raw):
        raise invalid(f"{where}.{key}", what, raw)
    urls = []
    for j, u in enumerate(raw):
        n = normalize_url(u) if isinstance(u, str) else None
        if n is None:
            raise invalid(f"{where}.{key}[{j}]", "an http(s) URL", u, error_key=f"{where}.{key}")
        if urlsplit(n).username or "@" in urlsplit(u).netloc:
            raise ConfigError(f"{where}.{key}[{j}] must not hold credentials", key=f"{where}.{key}")
        urls.append(n)
    return urls
