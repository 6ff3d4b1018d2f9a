"""The web crawler (``[[sources]] type = "web"``): blogs, media and brand sites into records.

A sector file declares it as::

    [[sources]]
    type = "web"
    name = "coffee blogs"                 # optional; default "web[<index>]"
    seeds = ["https://blog.example/", "https://news.example/coffee/"]
    max_pages = 500                       # pages per crawl, resumed runs included (default 100)
    max_depth = 3                         # link hops from a seed (default 3)
    allowed_domains = ["blog.example"]    # sites to follow (default: the seeds' sites)

Breadth-first from the seeds, following links within the allowed sites and recording, but not
following, links to other sites. Every fetch goes through the polite session
(:mod:`influence.crawl.http`); the frontier and visited set are kept in the sector store
(:mod:`influence.crawl.state`), so a killed crawl resumes where it stopped, and a re-crawl
sends ``If-None-Match`` / ``If-Modified-Since``.

Entities and records
--------------------
- A **site** is a registrable domain (``blog.example.co.uk`` -> ``web:example.co.uk``; the
  maintained Public Suffix List of :mod:`publicsuffixlist`, private section included, so
  ``ana.github.io`` stays a site of its own; blog platforms that give each blog a subdomain
  but are not on the list, such as ``wordpress.com``, keep the full host).
- An **author** with a profile URL on the page's own site is a person actor with that path
  (``web:elpais.com/autor/nuno``); otherwise the page is attributed to its site.
- Each HTML page gives a :class:`~influence.records.Post` (id: the normalised URL; title, main
  text, language, published date), ``link`` interactions from the page's site to every other
  site or social profile it links to (weight: the number of links; share buttons, navigation,
  footers and comment sections left out), for each comment a comment ``Post`` with a
  ``comment`` interaction commenter -> page author (and ``reply`` -> the parent commenter for a
  threaded reply), and :class:`~influence.records.SameAs` identity links from ``rel=me`` links,
  JSON-LD ``sameAs`` and social profile links outside the article body.
- Commenters with a website are that site's actor; commenters without one are
  ``commenter:<site>/<name>``, a name known only on that site.
- Discovered feeds (``<link rel="alternate" type="application/rss+xml">``...) are kept in the
  source's state (``feeds``), where feed sources find them.

The parsing functions (:func:`parse_page`, :func:`page_records`, :func:`normalize_url`,
:func:`site_of`, :func:`profile_actor`) are pure and work on text, without a network.
"""

from __future__ import annotations

from ...identity import SHARED_HOSTS, profile_actor, site_actor, site_of
from ._crawler import DEFAULT_MAX_DEPTH, DEFAULT_MAX_PAGES, KEYS, crawl, validate
from ._extract import parse_page
from ._html import Comment, Link, Page, decode_html
from ._records import commenter_actor, identity_records, page_records
from ._urls import check_urls, link_target, normalize_url

__all__ = [
    "Link",
    "Comment",
    "Page",
    "parse_page",
    "page_records",
    "identity_records",
    "normalize_url",
    "site_of",
    "site_actor",
    "profile_actor",
    "crawl",
    "validate",
    "decode_html",
]
