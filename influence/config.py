"""``RankingConfig``: every parameter of graph building and ranking, in one validated object.

A config is a frozen dataclass. It is built from keywords, from a nested dict (the ``[ranking]``
table of a sector file, or a separate TOML file), and patched with dotted ``key=value`` overrides as
the CLI's ``--set`` does. ``to_dict()`` gives the nested dict back, so a config round-trips through
TOML and goes into every result's manifest.

Parameters and defaults
-----------------------
========================== ============ ==========================================================
key                        default      why
========================== ============ ==========================================================
``measures.in_degree``     1            distinct actors giving attention: robust to a few heavy
                                        fans and bots, and the easiest to explain
``measures.katz``          1            attention along paths of every length (recursive)
``measures.hits_authority`` 1           attention from the actors who attend to the best
``measures.<other>``       0            pagerank, in_strength, hits_hub, harmonic, betweenness,
                                        coreness, engagement, audience, reach_diversity.
                                        The three defaults (equal weights, all O(m) per
                                        iteration) track SIR spreading on the real networks of
                                        docs/evaluation.md with mean Kendall tau 0.753, against
                                        0.544 for PageRank alone and 0.583 for the earlier
                                        default (PageRank 0.6, in-strength 0.4); ``influence
                                        tune`` fits the weights to a sector's own simulation
``normalization``          ``"rank"``   percentiles are robust to the heavy tails of attention
``pagerank.alpha``         0.85         the usual damping factor (Brin & Page 1998)
``pagerank.tol``           1e-10        L1 change between iterations (not per node), so large
                                        graphs are not stopped early
``pagerank.max_iter``      1000         generous; convergence is normally reached in < 100
``pagerank.personalization`` "none"     "keywords": teleport to actors whose posts match the
                                        sector keywords; "seeds": to ``pagerank.seeds``
``hits.max_iter/tol``      1000, 1e-10  as PageRank
``katz.alpha``             0.5          relative to a bound on the spectral radius: converges
                                        on any graph
``harmonic.k``             256          sampled sources above ``harmonic.exact_max_nodes`` (5000)
``betweenness.k``          256          sampled sources above ``betweenness.exact_max_nodes``
                                        (5000); exact below
``betweenness.directed``   true         paths follow attention; false ignores direction
``engagement.mode``        "total"      or "per_post"
``missing``                "renormalize" an actor missing a measure (no posts, unknown
                                        followers) is scored on the measures it has; "zero"
                                        counts the missing one as a normalised 0
``edge_weights.reshare``   1.0          amplifying someone's post is the strongest endorsement
``edge_weights.quote``     1.0          a reshare with a comment
``edge_weights.link``      1.0          a hyperlink is a deliberate, lasting citation
``edge_weights.reply``     0.8          engagement, sometimes disagreement
``edge_weights.mention``   0.8          naming someone draws attention to them
``edge_weights.comment``   0.8          like a reply, on a web page
``edge_weights.like``      0.3          cheap, one click
``edge_weights.follow``    0.2          old and static; says little about today's conversation
``graph.kinds``            all kinds    e.g. ``["reshare"]`` for a retweet-only network
``graph.since/until``      none         ISO dates bounding the time window (until is exclusive)
``graph.half_life_days``   0 (none)     exponential time decay; 0 disables it
``graph.reference_time``   none         ISO time the decay is measured from; default:
                                        ``graph.until`` if set, else the latest interaction
                                        not later than now (a future-dated row cannot move it)
``graph.weights``          "auto"       how an interaction's own weight enters the graph:
                                        "counts" (it is a number of interactions: used as
                                        is), "ignore" (every interaction counts 1), "auto"
                                        ("counts" when every stored weight is a whole number
                                        >= 1, as crawls and plain imports give; else
                                        "ignore", with a warning: fractional weights of
                                        unknown meaning, e.g. probabilities, would skew
                                        Katz and HITS). See docs/ranking.md.
``graph.platforms``        all          keep interactions whose source is on these platforms
``graph.merge_identities`` true         one node per person: accounts linked by identity links
                                        (rel=me, profile links) are merged
``filters.min_interactions`` 0          drop actors who received fewer interactions
``filters.exclude_competitors`` true    brands are watched, not shortlisted as influencers
``filters.platforms``      all          only list actors of these platforms
``filters.languages``      all          only list actors whose language is one of these
``filters.exclude``        none         never list actors whose id, or one of whose merged
                                        accounts, matches one of these patterns (``*`` any
                                        text, ``?`` one character; case-insensitive), e.g.
                                        ``["web:*", "mastodon:@*@ourbrand.example"]``: your
                                        own brand, media and shop accounts
``seed``                   0            for the randomised measures (sampling); fixed for
                                        reproducible runs
========================== ============ ==========================================================

Examples
--------
>>> cfg = RankingConfig().with_overrides(["measures.pagerank=1", "pagerank.alpha=0.9"])
>>> cfg.pagerank_alpha, cfg.measures["pagerank"]
(0.9, 1.0)
>>> RankingConfig.from_dict(cfg.to_dict()) == cfg
True
>>> RankingConfig.from_dict({"pagerank": {"alpha": 2}})
Traceback (most recent call last):
...
influence.errors.ConfigError: pagerank.alpha must be a number in the open interval (0, 1), got 2
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError
from .records import KINDS, parse_timestamp
from .validation import Invalid, number, show
from .validation import check as check_value

__all__ = ["RankingConfig", "MEASURE_NAMES", "DEFAULT_EDGE_WEIGHTS", "NORMALIZATIONS", "load_toml"]

#: ``graph.weights`` policies: how an interaction's own weight (a count, or an imported number of
#: unknown meaning) enters the graph. See :func:`influence.graph.resolve_weights`.
WEIGHT_POLICIES: tuple[str, ...] = ("auto", "counts", "ignore")

#: Measures the composite knows, in display order. ``influence.measures`` implements them.
MEASURE_NAMES: tuple[str, ...] = (
    "pagerank", "in_strength", "in_degree", "hits_authority", "hits_hub", "katz", "harmonic",
    "betweenness", "coreness", "engagement", "audience", "reach_diversity",
)

NORMALIZATIONS: tuple[str, ...] = ("rank", "minmax", "zscore")

DEFAULT_MEASURES: dict[str, float] = {m: 0.0 for m in MEASURE_NAMES} | {"in_degree": 1.0, "katz": 1.0,
                                                                       "hits_authority": 1.0}
MISSING_POLICIES: tuple[str, ...] = ("renormalize", "zero")

DEFAULT_EDGE_WEIGHTS: dict[str, float] = {
    "mention": 0.8,
    "reply": 0.8,
    "reshare": 1.0,
    "quote": 1.0,
    "like": 0.3,
    "link": 1.0,
    "comment": 0.8,
    "follow": 0.2,
}


def _number(v: Any, lo: float | None = None, hi: float | None = None, *, open_lo=False, open_hi=False,
            phrase: str) -> float:
    return number(lo, hi, open_lo=open_lo, open_hi=open_hi, phrase=phrase)(v)


def _nonneg(v):
    return _number(v, 0.0, phrase="a number >= 0")


def _positive(v):
    return _number(v, 0.0, open_lo=True, phrase="a number > 0")


def _alpha(v):
    return _number(v, 0.0, 1.0, open_lo=True, open_hi=True, phrase="a number in the open interval (0, 1)")


def _count(v):
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise Invalid("a whole number >= 0")
    return int(v)


def _iterations(v):
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise Invalid("a whole number >= 1")
    return int(v)


def _boolean(v):
    if not isinstance(v, bool):
        raise Invalid("true or false")
    return v


def _seed(v):
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise Invalid("a whole number >= 0")
    return int(v)


def _choice(options):
    def check(v):
        if v not in options:
            raise Invalid("one of " + ", ".join(f'"{o}"' for o in options))
        return v

    return check


def _optional_count(v):
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise Invalid("a whole number >= 1")
    return int(v)


def _normalization(v):
    if v not in NORMALIZATIONS:
        raise Invalid("one of " + ", ".join(f'"{n}"' for n in NORMALIZATIONS))
    return v


def _date(v):
    if v is None or v == "":
        return None
    if not isinstance(v, str):
        # tomllib gives datetime/date objects for bare TOML dates
        v = v.isoformat() if hasattr(v, "isoformat") else v
    if not isinstance(v, str):
        raise Invalid("an ISO 8601 date or time string")
    try:
        parse_timestamp(v)
    except ValueError:
        raise Invalid("an ISO 8601 date or time string") from None
    return v


def _str_list(v, allowed: Iterable[str] | None = None):
    if v is None:
        return None
    if isinstance(v, str):
        v = [v]
    allowed = tuple(allowed) if allowed is not None else None
    phrase = "a list of strings" + (" from: " + ", ".join(allowed) if allowed else "")
    if not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
        raise Invalid(phrase)
    if allowed is not None and any(x not in allowed for x in v):
        raise Invalid(phrase)
    return tuple(v)


def _kinds(v):
    from .records import Kind

    if v is None:
        return None
    if isinstance(v, str):
        v = [v]
    if isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
        try:
            return tuple(Kind.parse(x).value for x in v)  # synonyms: retweet -> reshare
        except ValueError:
            pass
    raise Invalid("a list of interaction kinds from: " + ", ".join(KINDS))


# Scalar parameters: dotted key -> (field name, checker).
_SCALARS: dict[str, tuple[str, Any]] = {
    "normalization": ("normalization", _normalization),
    "seed": ("seed", _seed),
    "pagerank.alpha": ("pagerank_alpha", _alpha),
    "pagerank.tol": ("pagerank_tol", _positive),
    "pagerank.max_iter": ("pagerank_max_iter", _iterations),
    "pagerank.personalization": ("pagerank_personalization", _choice(("none", "keywords", "seeds"))),
    "pagerank.seeds": ("pagerank_seeds", _str_list),
    "hits.max_iter": ("hits_max_iter", _iterations),
    "hits.tol": ("hits_tol", _positive),
    "katz.alpha": ("katz_alpha", _alpha),
    "katz.max_iter": ("katz_max_iter", _iterations),
    "harmonic.k": ("harmonic_k", _optional_count),
    "harmonic.exact_max_nodes": ("harmonic_exact_max_nodes", _count),
    "betweenness.k": ("betweenness_k", _optional_count),
    "betweenness.exact_max_nodes": ("betweenness_exact_max_nodes", _count),
    "betweenness.directed": ("betweenness_directed", _boolean),
    "engagement.mode": ("engagement_mode", _choice(("total", "per_post"))),
    "missing": ("missing", _choice(MISSING_POLICIES)),
    "graph.kinds": ("kinds", _kinds),
    "graph.since": ("since", _date),
    "graph.until": ("until", _date),
    "graph.half_life_days": ("half_life_days", _nonneg),
    "graph.reference_time": ("reference_time", _date),
    "graph.weights": ("weights", _choice(WEIGHT_POLICIES)),
    "graph.platforms": ("platforms", _str_list),
    "graph.merge_identities": ("merge_identities", _boolean),
    "filters.min_interactions": ("min_interactions", _count),
    "filters.exclude_competitors": ("exclude_competitors", _boolean),
    "filters.platforms": ("output_platforms", _str_list),
    "filters.languages": ("output_languages", _str_list),
    "filters.exclude": ("exclude_patterns", _str_list),
}
# Mapping parameters: section -> (field name, allowed sub-keys, checker).
_MAPPINGS: dict[str, tuple[str, tuple[str, ...], Any]] = {
    "measures": ("measures", MEASURE_NAMES, _nonneg),
    "edge_weights": ("edge_weights", KINDS, _nonneg),
}
_FIELD_TO_KEY = {f: k for k, (f, _) in _SCALARS.items()}
_INT_FIELDS = {"pagerank_max_iter", "min_interactions", "hits_max_iter", "katz_max_iter", "harmonic_k",
               "harmonic_exact_max_nodes", "betweenness_k", "betweenness_exact_max_nodes"}


@dataclass(frozen=True)
class RankingConfig:
    """Parameters of graph building and ranking (see the module docs for each key and its default).

    Every argument is a keyword with a default and is stored as given after validation;
    ``dataclasses.replace(cfg, ...)`` re-validates, like scikit-learn's ``set_params``.

    Raises
    ------
    ConfigError
        Naming the dotted key, e.g. ``pagerank.alpha must be a number in the open interval
        (0, 1), got 2``.
    """

    measures: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_MEASURES))
    normalization: str = "rank"
    pagerank_alpha: float = 0.85
    pagerank_tol: float = 1e-10
    pagerank_max_iter: int = 1000
    pagerank_personalization: str = "none"
    pagerank_seeds: tuple[str, ...] | None = None
    hits_max_iter: int = 1000
    hits_tol: float = 1e-10
    katz_alpha: float = 0.5
    katz_max_iter: int = 1000
    harmonic_k: int | None = 256
    harmonic_exact_max_nodes: int = 5000
    betweenness_k: int | None = 256
    betweenness_exact_max_nodes: int = 5000
    betweenness_directed: bool = True
    engagement_mode: str = "total"
    missing: str = "renormalize"
    edge_weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_EDGE_WEIGHTS))
    kinds: tuple[str, ...] | None = None
    since: str | None = None
    until: str | None = None
    half_life_days: float = 0.0
    reference_time: str | None = None
    weights: str = "auto"
    platforms: tuple[str, ...] | None = None
    merge_identities: bool = True
    min_interactions: int = 0
    exclude_competitors: bool = True
    output_platforms: tuple[str, ...] | None = None
    output_languages: tuple[str, ...] | None = None
    exclude_patterns: tuple[str, ...] | None = None
    seed: int | None = 0

    def __post_init__(self) -> None:
        for key, (fname, check) in _SCALARS.items():
            value = getattr(self, fname)
            if fname in _INT_FIELDS and isinstance(value, float) and value.is_integer():
                value = int(value)
            object.__setattr__(self, fname, _check(key, check, value))
        for section, (fname, allowed, check) in _MAPPINGS.items():
            given = getattr(self, fname)
            if not isinstance(given, Mapping):
                raise ConfigError(
                    f"{section} must be a table of {', '.join(allowed)}, got {show(given)}", key=section
                )
            defaults = DEFAULT_MEASURES if fname == "measures" else DEFAULT_EDGE_WEIGHTS
            merged = dict(defaults) if fname == "edge_weights" else {}
            for name, value in given.items():
                if name not in allowed:
                    raise ConfigError(
                        f"unknown key {section}.{name} (known: {', '.join(allowed)})",
                        key=f"{section}.{name}",
                    )
                merged[name] = _check(f"{section}.{name}", check, value)
            if fname == "measures":
                merged = {m: merged.get(m, 0.0) for m in MEASURE_NAMES}
                if sum(merged.values()) <= 0:
                    raise ConfigError("measures must give at least one measure a weight > 0", key="measures")
            object.__setattr__(self, fname, merged)
        if self.since and self.until and parse_timestamp(self.since) >= parse_timestamp(self.until):
            raise ConfigError(
                f"graph.since ({self.since}) must be before graph.until ({self.until})", key="graph.since"
            )

    # -- dict / TOML -----------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RankingConfig:
        """Build a config from a nested dict such as a sector file's ``[ranking]`` table.

        Unknown keys are errors naming the key. Missing keys take their defaults.
        """
        if not isinstance(data, Mapping):
            raise ConfigError(f"ranking must be a table, got {show(data)}", key="")
        return cls().with_values(flatten(data))

    def to_dict(self) -> dict[str, Any]:
        """Nested dict of every parameter (TOML-ready: unset values are left out)."""
        out: dict[str, Any] = {}
        for section, (fname, _allowed, _check) in _MAPPINGS.items():
            out[section] = dict(getattr(self, fname))
        for key, (fname, _check) in _SCALARS.items():
            value = getattr(self, fname)
            if value is None:
                continue
            if isinstance(value, tuple):
                value = list(value)
            _assign(out, key, value)
        return out

    def with_values(self, values: Mapping[str, Any]) -> RankingConfig:
        """Return a copy with dotted keys set, e.g. ``{"pagerank.alpha": 0.9}``."""
        changes: dict[str, Any] = {}
        mappings = {fname: dict(getattr(self, fname)) for _s, (fname, _a, _c) in _MAPPINGS.items()}
        for key, value in values.items():
            if key in _SCALARS:
                changes[_SCALARS[key][0]] = value
                continue
            section, _, name = key.partition(".")
            if section in _MAPPINGS and name:
                fname, allowed, _c = _MAPPINGS[section]
                if name not in allowed:
                    raise ConfigError(
                        f"unknown key {key} (known {section}: {', '.join(allowed)})", key=key
                    )
                mappings[fname][name] = value
                continue
            raise ConfigError(f"unknown key {key} (known: {', '.join(known_keys())})", key=key)
        for fname, m in mappings.items():
            if m != dict(getattr(self, fname)):
                changes[fname] = m
        return dataclasses.replace(self, **changes)

    def with_overrides(self, assignments: Iterable[str]) -> RankingConfig:
        """Apply ``key=value`` strings (the CLI's ``--set``). Values use TOML syntax; a bare word
        is a string (``normalization=minmax``), lists are ``graph.kinds=["reply","mention"]``.
        """
        values: dict[str, Any] = {}
        for item in assignments:
            key, sep, raw = item.partition("=")
            key = key.strip()
            if not sep or not key:
                raise ConfigError(f"--set expects key=value, got {show(item)}")
            values[key] = parse_value(raw.strip())
        return self.with_values(values)

    def to_toml(self) -> str:
        """The config as a TOML document with a ``[ranking]`` table."""
        import tomli_w

        return tomli_w.dumps({"ranking": self.to_dict()})

    def graph_options(self) -> dict[str, Any]:
        """Keyword arguments for :func:`influence.build_graph` taken from this config."""
        return {
            "edge_weights": dict(self.edge_weights),
            "kinds": self.kinds,
            "since": self.since,
            "until": self.until,
            "half_life_days": self.half_life_days,
            "reference_time": self.reference_time,
            "weights": self.weights,
            "platforms": self.platforms,
            "merge_identities": self.merge_identities,
        }


def known_keys() -> list[str]:
    """Every dotted key a config accepts."""
    keys = list(_SCALARS)
    for section, (_f, allowed, _c) in _MAPPINGS.items():
        keys += [f"{section}.{a}" for a in allowed]
    return sorted(keys)


def parse_value(raw: str) -> Any:
    """Parse a ``--set`` value with TOML syntax; a bare word that is not TOML is a string.

    >>> parse_value("0.9"), parse_value("true"), parse_value("minmax"), parse_value('["a", "b"]')
    (0.9, True, 'minmax', ['a', 'b'])
    """
    try:
        return _tomllib().loads(f"v = {raw}")["v"]
    except Exception:  # tomllib.TOMLDecodeError, but also odd input
        return raw


def _tomllib():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib


def load_toml(path) -> dict[str, Any]:
    """Read a TOML file (raises OSError or the TOML decode error)."""
    with open(path, "rb") as fh:
        return _tomllib().load(fh)


def _check(key: str, checker, value):
    return check_value(key, checker, value)


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested table as dotted keys: ``{"pagerank": {"alpha": 0.9}}`` -> ``{"pagerank.alpha": 0.9}``
    (the table of a scalar key, such as ``measures``, stays whole for its checker to refuse)."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            if key in _SCALARS:
                out[key] = v  # let the checker reject it by name
            else:
                out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _assign(out: dict, key: str, value: Any) -> None:
    parts = key.split(".")
    node = out
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


#: The former private name, kept while the CLI (``cli/_common.py``) still imports it.
