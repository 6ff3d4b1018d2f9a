"""Sector files: a TOML file that defines one sector, and opening a sector's store.

A minimal sector file::

    name = "specialty-coffee"

A full one (every key is optional except ``name``)::

    name = "specialty-coffee"
    store = "data/coffee.db"          # default: <name>.db beside this file
    languages = ["es", "en"]
    keywords = ["café de especialidad", "specialty coffee"]
    allow_private_addresses = false   # crawlers: allow hosts on private networks

    [ranking]                         # any RankingConfig key, see influence.config
    normalization = "rank"
    [ranking.measures]
    pagerank = 0.6
    in_strength = 0.4

    [[sources]]                       # filled in by the crawlers; each needs a `type`
    type = "feed"
    urls = ["https://blog.example/feed.xml"]

    [[competitors]]                   # each needs a `name`
    name = "Café Aurora"
    handles = ["mastodon:@cafeaurora@mastodon.example"]
    domains = ["cafeaurora.example"]
    feeds = ["https://cafeaurora.example/feed.xml"]

Every validation error starts with the file name and names the key, e.g.
``sector.toml: ranking.measures.pagerank must be a number >= 0, got "high"``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._storage import STORE_ENV, is_store_url, mask_url, open_store
from .config import RankingConfig, load_toml
from .errors import ConfigError, SectorFileError, StoreError
from .records import actor_id, parse_actor_id
from .store import Store, is_store_file
from .validation import message, one_of, show

__all__ = ["Competitor", "Sector", "load_sector", "open_sector", "SOURCE_TYPES"]

#: Source types a sector file may declare (the crawler modules define their own keys).
SOURCE_TYPES: tuple[str, ...] = ("web", "feed", "mastodon", "bluesky", "reddit", "hackernews")

_TOP_KEYS = {"name", "store", "languages", "keywords", "allow_private_addresses", "ranking", "sources",
             "competitors", "description", "crawl"}
_COMPETITOR_KEYS = {"name", "handles", "domains", "feeds", "keywords"}
_NAME_RE = re.compile(r"^[\w][\w .-]{0,99}$")


@dataclass(frozen=True)
class Competitor:
    """A competitor brand: its name and the accounts, domains and feeds it publishes through.

    Attributes
    ----------
    name : str
    handles : tuple of str
        Canonical actor ids (``mastodon:@brand@host``, ``bluesky:brand.example``...).
    domains : tuple of str
        Web domains; each is also the actor ``web:<domain>``.
    feeds : tuple of str
        RSS/Atom feed URLs.
    keywords : tuple of str
        Extra names the brand is called by in text (matched case- and accent-insensitively).
    """

    name: str
    handles: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def actor_ids(self) -> tuple[str, ...]:
        """Every actor id of this brand: its handles and ``web:<domain>`` for its domains."""
        return tuple(dict.fromkeys(self.handles + tuple(actor_id("web", d) for d in self.domains)))


@dataclass
class Sector:
    """A sector: its definition and, once opened with :func:`open_sector`, its store.

    Attributes
    ----------
    name : str
    path : Path or None
        The sector file, or ``None`` for a store opened directly or the demo.
    store_path : str
        The SQLite file (or ``":memory:"``).
    languages, keywords : tuple of str
    sources : tuple of dict
        ``[[sources]]`` tables, each with a ``type``.
    competitors : tuple of Competitor
    ranking : RankingConfig
        The ``[ranking]`` table (defaults where absent).
    allow_private_addresses : bool
    crawl : dict
        The ``[crawl]`` table (HTTP settings of the crawlers, see
        :class:`influence.crawl.http.HttpConfig`), validated; empty for the defaults.
    store : Store or None
        Open store (``None`` until opened).
    """

    name: str
    path: Path | None = None
    store_path: str = ":memory:"
    languages: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    sources: tuple[dict, ...] = ()
    competitors: tuple[Competitor, ...] = ()
    ranking: RankingConfig = field(default_factory=RankingConfig)
    allow_private_addresses: bool = False
    crawl: dict = field(default_factory=dict)
    store: Store | None = None
    created_store: bool = False  #: True when open_sector created the store file just now
    #: a PostgreSQL store's URL as given (may hold a password: never shown; store_path is masked)
    store_url: str | None = field(default=None, repr=False)

    def graph(self, config: RankingConfig | None = None, **options):
        """The sector's interaction graph: :func:`influence.build_graph` with this sector's
        ranking config (unless ``config`` is given), competitors and keywords."""
        from .graph import build_graph

        if self.store is None:
            raise StoreError(f"sector {self.name}: the store is not open (use open_sector)")
        options.setdefault("competitors", self.competitor_map())
        options.setdefault("keywords", self.keywords)
        return build_graph(self.store, config if config is not None else self.ranking, **options)

    def competitor_map(self) -> dict[str, str]:
        """``{actor id: competitor name}`` for every declared competitor account."""
        return {aid: c.name for c in self.competitors for aid in c.actor_ids}

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def discard_if_empty(self) -> bool:
        """Close and delete a store this process just created and never wrote to (a first import
        that failed), so a failed command leaves no file behind. Returns True if it did."""
        if not self.created_store or self.store is None:
            return False
        if any(self.store.counts().values()):
            return False
        path = self.store_path
        self.close()
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(path + suffix)
            except FileNotFoundError:
                pass
        return True

    def __enter__(self) -> Sector:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _err(path: Path, msg: str) -> SectorFileError:
    return SectorFileError(f"{path.name}: {msg}")


def _strings(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _err(path, f"{key} must be a list of strings, got {show(value)}")
    return tuple(value)


def load_sector(path: str | os.PathLike) -> Sector:
    """Read and validate a sector file (does not open the store).

    Raises
    ------
    SectorFileError
        If the file is missing, not valid TOML, or holds an invalid value; the message names the
        file and the key.
    """
    p = Path(path)
    if not p.exists():
        raise SectorFileError(f"{p}: no such sector file")
    if p.is_dir():
        raise SectorFileError(f"{p}: is a folder, not a sector file")
    try:
        data = load_toml(p)
    except OSError as exc:
        raise SectorFileError(f"{p}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise _err(p, "not a UTF-8 text file") from None
    except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise _err(p, f"invalid TOML: {exc}") from None

    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _err(p, f"unknown key {unknown[0]} (known: {', '.join(sorted(_TOP_KEYS))})")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _err(p, f"name must be a non-empty string, got {show(name)}" if "name" in data
                   else "name is required (e.g. name = \"specialty-coffee\")")
    if not _NAME_RE.match(name):
        raise _err(p, f"name must be letters, digits, spaces, '.', '_' or '-', got {show(name)}")

    store = data.get("store", f"{name}.db")
    if not isinstance(store, str) or not store:
        raise _err(p, f"store must be a file path or postgresql:// URL string, got {show(store)}")
    store = os.environ.get(STORE_ENV, "").strip() or store  # docs/scale-out.md
    store_url = store if is_store_url(store) else None  # PostgreSQL: path shown masked
    store_path = store if store == ":memory:" else mask_url(store) if store_url else str((p.parent / store).resolve())

    languages = _strings(p, "languages", data.get("languages", []))
    for lang in languages:
        if not re.fullmatch(r"[a-z]{2,3}", lang):
            raise _err(p, f"languages must be ISO 639-1 codes such as \"es\", got {show(lang)}")
    keywords = _strings(p, "keywords", data.get("keywords", []))
    private = data.get("allow_private_addresses", False)
    if not isinstance(private, bool):
        raise _err(p, f"allow_private_addresses must be true or false, got {show(private)}")
    crawl = data.get("crawl", {})
    if not isinstance(crawl, Mapping):
        raise _err(p, f"crawl must be a table ([crawl]), got {show(crawl)}")
    from .crawl.http import HttpConfig  # light: requests and urllib3 only

    try:
        HttpConfig.from_dict(crawl)
    except ConfigError as exc:
        msg = str(exc)
        raise _err(p, msg.replace("unknown key ", "unknown key crawl.", 1) if msg.startswith("unknown key")
                   else f"crawl.{msg}") from None

    ranking_data = data.get("ranking", {})
    try:
        ranking = RankingConfig.from_dict(ranking_data)
    except ConfigError as exc:
        msg = str(exc)
        key = exc.key
        if key and msg.startswith(key):
            msg = f"ranking.{msg}"
        elif key and msg.startswith(f"unknown key {key}"):
            msg = f"unknown key ranking.{msg[len('unknown key '):]}"
        elif not msg.startswith("ranking"):
            msg = "ranking: " + msg
        raise _err(p, msg) from None

    sources_data = data.get("sources", [])
    if not isinstance(sources_data, list):
        raise _err(p, "sources must be an array of tables ([[sources]])")
    sources = []
    for i, src in enumerate(sources_data):
        if not isinstance(src, Mapping):
            raise _err(p, f"sources[{i}] must be a table")
        typ = src.get("type")
        if typ not in SOURCE_TYPES:
            raise _err(p, message(f"sources[{i}].type", one_of(SOURCE_TYPES), typ))
        sources.append(dict(src))

    comp_data = data.get("competitors", [])
    if not isinstance(comp_data, list):
        raise _err(p, "competitors must be an array of tables ([[competitors]])")
    competitors = []
    seen: set[str] = set()
    for i, comp in enumerate(comp_data):
        if not isinstance(comp, Mapping):
            raise _err(p, f"competitors[{i}] must be a table")
        unknown = sorted(set(comp) - _COMPETITOR_KEYS)
        if unknown:
            raise _err(p, f"unknown key competitors[{i}].{unknown[0]} (known: {', '.join(sorted(_COMPETITOR_KEYS))})")
        cname = comp.get("name")
        if not isinstance(cname, str) or not cname.strip():
            raise _err(p, f"competitors[{i}].name must be a non-empty string, got {show(cname)}")
        if cname in seen:
            raise _err(p, f"competitors[{i}].name {show(cname)} is declared twice")
        seen.add(cname)
        handles = []
        for j, h in enumerate(_strings(p, f"competitors[{i}].handles", comp.get("handles", []))):
            if ":" not in h:
                raise _err(p, f"competitors[{i}].handles[{j}] must be 'platform:handle' "
                              f"(e.g. \"mastodon:@brand@host\"), got {show(h)}")
            try:
                handles.append(parse_actor_id(h))
            except ValueError as exc:
                raise _err(p, f"competitors[{i}].handles[{j}]: {exc}") from None
        domains = []
        for j, d in enumerate(_strings(p, f"competitors[{i}].domains", comp.get("domains", []))):
            try:
                domains.append(actor_id("web", d).split(":", 1)[1])
            except ValueError:
                raise _err(p, f"competitors[{i}].domains[{j}] must be a domain name, got {show(d)}") from None
        competitors.append(
            Competitor(
                name=cname.strip(),
                handles=tuple(handles),
                domains=tuple(domains),
                feeds=_strings(p, f"competitors[{i}].feeds", comp.get("feeds", [])),
                keywords=_strings(p, f"competitors[{i}].keywords", comp.get("keywords", [])),
            )
        )

    return Sector(
        name=name.strip(),
        path=p,
        store_path=store_path,
        languages=languages,
        keywords=keywords,
        sources=tuple(sources),
        competitors=tuple(competitors),
        ranking=ranking,
        allow_private_addresses=private,
        crawl=dict(crawl),
        store_url=store_url,
    )


def open_sector(spec: str | os.PathLike, *, create: bool = False, readonly: bool | None = None,
                seed: int = 0) -> Sector:
    """Open a sector from a sector file, a store file, or ``"demo"``.

    Parameters
    ----------
    spec : str or path-like
        - ``"demo"``: the bundled synthetic sector (:func:`influence.datasets.make_sector`),
          built in memory with ``seed``;
        - a ``.toml`` sector file: its store is opened (created if ``create``);
        - a SQLite store file (any other path): opened directly; created if ``create``.
    create : bool, default=False
        Create the store if it does not exist yet (importing does; ranking does not).
    readonly : bool, optional
        Open the store read-only: nothing is ever written to it (no migration, no cached
        fingerprint), and a file that is not a store yet (empty, or another SQLite database) is
        refused. Default: read-only unless ``create``, so code that only reads cannot change a
        file by mistake; pass ``readonly=False`` to write to an existing store.
    seed : int, default=0
        Seed of the demo sector (ignored otherwise).

    Returns
    -------
    Sector
        With ``store`` open. Use it as a context manager to close the store.

    Raises
    ------
    SectorFileError
        If the sector file is missing or invalid.
    StoreError
        If the store does not exist (and ``create`` is false) or is not a store.
    """
    if readonly is None:
        readonly = not create
    text = os.fspath(spec)
    if text == "demo":
        from .datasets import make_sector

        demo = make_sector(seed=seed)
        store = Store(":memory:")
        store.write(demo.records())
        store.set_meta("sector", "demo")
        competitors = tuple(
            Competitor(
                name=c["name"],
                handles=tuple(c.get("handles", ())),
                domains=tuple(c.get("domains", ())),
                feeds=tuple(c.get("feeds", ())),
            )
            for c in demo.competitors
        )
        return Sector(
            name="demo",
            store_path=":memory:",
            languages=tuple(demo.languages),
            keywords=tuple(demo.keywords),
            competitors=competitors,
            store=store,
        )
    p = Path(text)
    if p.suffix.lower() == ".toml":
        sector = load_sector(p)
    elif is_store_url(text):  # a PostgreSQL store (influence._store_pg)
        name = text.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "sector"
        sector = Sector(name=name, store_path=mask_url(text), store_url=text)
    else:
        if p.is_dir():
            raise StoreError(f"{p}: is a folder, not a sector file or store")
        if p.exists() and p.stat().st_size > 0 and not is_store_file(p):
            raise StoreError(
                f"{p}: neither a sector file (.toml) nor a store (SQLite database)"
            )
        if not create and p.exists() and p.stat().st_size == 0:
            raise StoreError(f"{p}: an empty file, neither a sector file (.toml) nor a store; "
                             "import or crawl data into a sector first")
        sector = Sector(name=p.stem, store_path=str(p))
    local = sector.store_url is None and sector.store_path != ":memory:"
    if local and not Path(sector.store_path).exists() and not create:
        where = f" (from {sector.path.name})" if sector.path else ""
        raise StoreError(
            f"{sector.store_path}: no store yet{where}; import or crawl data into it first"
        )
    sector.created_store = local and not Path(sector.store_path).exists()
    sector.store = open_store(sector.store_url or sector.store_path, readonly=readonly)
    if not readonly and sector.store.get_meta("sector") is None:
        sector.store.set_meta("sector", sector.name)
    return sector
