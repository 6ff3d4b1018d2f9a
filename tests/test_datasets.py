"""Tests of influence.datasets: the synthetic specialty-coffee demo sector.

The planted structure is checked independently of the package's own graph and ranking code: the
interaction graph is rebuilt here with networkx, summing weights.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from influence.datasets import DemoSector, GroundTruth, make_sector
from influence.records import Actor, Interaction, Kind, Post, actor_id, split_actor_id

START = datetime(2026, 1, 5, tzinfo=timezone.utc).timestamp()
END = START + 26 * 7 * 86400

NEGATIVE_WORDS = (
    "terrible",
    "decepcionado",
    "pena",
    "pésima",
    "disappointed",
    "awful",
    "worst",
    "rancio",
    "stale",
    "tarde",
    "late",
)


@pytest.fixture(scope="module")
def demo(demo_data) -> DemoSector:
    return demo_data  # make_sector(seed=0), built once per session (conftest)


@pytest.fixture(scope="module")
def small() -> DemoSector:
    return make_sector(seed=0, scale=0.1)


def digraph(sector: DemoSector) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(a.id for a in sector.actors)
    for i in sector.interactions:
        if g.has_edge(i.source, i.target):
            g[i.source][i.target]["weight"] += i.weight
        else:
            g.add_edge(i.source, i.target, weight=i.weight)
    return g


def regular_ids(sector: DemoSector) -> list[str]:
    """Actors of the six planted communities (no brands, no bots)."""
    return [a.id for a in sector.actors if sector.truth.communities[a.id] >= 0]


# --------------------------------------------------------------------------------------------------
# API, determinism, size
# --------------------------------------------------------------------------------------------------


def test_types(demo):
    assert isinstance(demo, DemoSector)
    assert isinstance(demo.truth, GroundTruth)
    assert all(isinstance(a, Actor) for a in demo.actors)
    assert all(isinstance(p, Post) for p in demo.posts)
    assert all(isinstance(i, Interaction) for i in demo.interactions)
    assert demo.name == "demo"
    assert demo.languages == ("es", "en")
    assert demo.seed == 0 and demo.scale == 1.0
    assert "specialty coffee" in demo.keywords and "café de especialidad" in demo.keywords
    records = list(demo.records())
    n_a, n_p = len(demo.actors), len(demo.posts)
    assert len(records) == n_a + n_p + len(demo.interactions)
    assert all(isinstance(r, Actor) for r in records[:n_a])
    assert all(isinstance(r, Post) for r in records[n_a : n_a + n_p])
    assert all(isinstance(r, Interaction) for r in records[n_a + n_p :])


def test_frozen(demo):
    with pytest.raises(AttributeError):
        demo.seed = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        demo.truth.leaders = ()  # type: ignore[misc]


def test_same_seed_same_records(demo):
    again = make_sector(seed=0)
    assert list(again.actors) == list(demo.actors)
    assert list(again.posts) == list(demo.posts)
    assert list(again.interactions) == list(demo.interactions)
    assert again.truth == demo.truth


def test_other_seed_other_records(demo):
    other = make_sector(seed=1)
    assert list(other.interactions) != list(demo.interactions)
    assert [a.id for a in other.actors] != [a.id for a in demo.actors]
    assert other.truth.leaders != demo.truth.leaders


def test_default_counts(demo):
    assert 1800 <= len(demo.actors) <= 2200
    assert 18000 <= len(demo.interactions) <= 22000
    assert len(demo.posts) > len(demo.actors)


def test_scale_small(small):
    assert 150 <= len(small.actors) <= 300
    assert 1500 <= len(small.interactions) <= 2500
    truth = small.truth
    assert len(truth.leaders) >= 2 * 6
    assert all(2 <= len(ls) <= 4 for ls in truth.leaders_by_community.values())
    assert len(truth.bridges) >= 1
    assert len(truth.broadcasters) >= 1
    assert len(truth.bots) >= 3
    assert 3 <= len(truth.competitors) <= 5
    assert set(truth.sentiment.values()) == {"positive", "negative", "neutral"}
    assert {c for c in truth.communities.values() if c >= 0} == set(range(6))
    # even this small, leaders stand out and broadcasters do not
    indeg = dict(digraph(small).in_degree(weight="weight"))
    regular = np.array([indeg[a] for a in regular_ids(small)])
    for leader in truth.leaders:
        assert (regular > indeg[leader]).mean() < 0.15, leader
    assert all(
        indeg[b] < np.median([indeg[x] for x in truth.leaders]) / 10 for b in truth.broadcasters
    )


def test_scale_grows_counts(small, demo):
    assert len(small.interactions) < len(demo.interactions) / 5
    bigger = make_sector(seed=0, scale=1.3)
    assert len(bigger.interactions) > 1.2 * len(demo.interactions)


@pytest.mark.parametrize("scale", [0, -1, 0.0, float("nan"), float("inf"), -0.5, "1", None, True])
def test_bad_scale(scale):
    with pytest.raises(ValueError, match="scale"):
        make_sector(seed=0, scale=scale)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_bad_seed(seed):
    with pytest.raises(ValueError, match="seed"):
        make_sector(seed=seed, scale=0.1)


def test_import_is_light():
    code = (
        "import sys, influence; before = set(sys.modules); import influence.datasets; "
        "added = set(sys.modules) - before; "
        "bad = sorted(m for m in added if m.split('.')[0] in ('networkx', 'sklearn', 'scipy')); "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --------------------------------------------------------------------------------------------------
# Referential integrity
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["demo", "small"])
def test_referential_integrity(name, request):
    sector = request.getfixturevalue(name)
    ids = [a.id for a in sector.actors]
    assert len(ids) == len(set(ids))
    actors = set(ids)
    post_ids = [p.id for p in sector.posts]
    assert len(post_ids) == len(set(post_ids))
    posts = {p.id: p for p in sector.posts}
    for p in sector.posts:
        assert p.author in actors
        assert p.id.partition(":")[0] in ("mastodon", "bluesky", "reddit", "web")
        assert p.parent is None or p.parent in posts
    for i in sector.interactions:
        assert i.source in actors and i.target in actors
        assert i.post is None or i.post in posts
    truth = sector.truth
    referenced = [
        *truth.leaders,
        *truth.bridges,
        *truth.broadcasters,
        *truth.bots,
        *truth.bot_targets,
        *truth.communities,
    ]
    referenced += [a for accounts in truth.competitors.values() for a in accounts]
    referenced += [h for c in sector.competitors for h in c["handles"]]
    assert set(referenced) <= actors
    assert set(truth.communities) == actors
    assert set(truth.sentiment) <= set(posts)


def test_ids_are_canonical(demo):
    for a in demo.actors:
        platform, handle = split_actor_id(a.id)
        assert actor_id(platform, handle) == a.id
        assert platform in ("mastodon", "bluesky", "reddit", "web")
        if platform == "web":
            assert handle.endswith(".example")
        if platform == "mastodon":
            assert handle.endswith(".example")


def test_platform_mix(demo):
    platforms = Counter(a.platform for a in demo.actors)
    assert set(platforms) == {"mastodon", "bluesky", "reddit", "web"}
    assert platforms["mastodon"] > len(demo.actors) / 2
    assert min(platforms.values()) >= 50


def test_interaction_shape(demo):
    kinds = Counter(i.kind for i in demo.interactions)
    assert set(kinds) == set(Kind)
    assert all(i.weight == 1.0 for i in demo.interactions)
    assert sum(i.source == i.target for i in demo.interactions) == 0
    stamped = [i.timestamp for i in demo.interactions if i.timestamp is not None]
    assert min(stamped) >= START and max(stamped) < END
    assert all(i.timestamp is not None for i in demo.interactions if i.kind != Kind.FOLLOW)
    keys = Counter((i.source, i.target, i.kind, i.timestamp, i.post) for i in demo.interactions)
    assert max(keys.values()) == 1  # the store would merge duplicates


def test_post_convention(demo):
    posts = {p.id: p for p in demo.posts}
    for i in demo.interactions:
        if i.kind in (Kind.LIKE, Kind.RESHARE):
            assert posts[i.post].author == i.target
            assert i.timestamp >= posts[i.post].timestamp
        elif i.kind in (Kind.REPLY, Kind.QUOTE, Kind.COMMENT):
            carrier = posts[i.post]
            assert carrier.author == i.source
            assert posts[carrier.parent].author == i.target
            assert carrier.timestamp == i.timestamp >= posts[carrier.parent].timestamp
        elif i.kind in (Kind.MENTION, Kind.LINK):
            assert posts[i.post].author == i.source
        else:
            assert i.post is None


def test_mention_text_names_the_target(demo):
    actors = {a.id: a for a in demo.actors}
    posts = {p.id: p for p in demo.posts}
    for i in demo.interactions:
        if i.kind == Kind.MENTION:
            text = posts[i.post].text.lower()
            handle = split_actor_id(i.target)[1]
            brand = actors[i.target].competitor
            assert handle in text or (brand is not None and brand.lower() in text)


def test_engagement_counts_cover_observed(demo):
    posts = {p.id: p for p in demo.posts}
    likes, reshares, replies = Counter(), Counter(), Counter()
    for i in demo.interactions:
        if i.kind == Kind.LIKE:
            likes[i.post] += 1
        elif i.kind == Kind.RESHARE:
            reshares[i.post] += 1
        elif i.kind == Kind.QUOTE:
            reshares[posts[i.post].parent] += 1
        elif i.kind in (Kind.REPLY, Kind.COMMENT):
            replies[posts[i.post].parent] += 1
    for pid, n in likes.items():
        assert posts[pid].likes is None or posts[pid].likes >= n
    for pid, n in reshares.items():
        assert posts[pid].reshares is None or posts[pid].reshares >= n
    for pid, n in replies.items():
        assert posts[pid].replies >= n


def test_posts_have_language_hashtags_and_time(demo):
    assert {p.language for p in demo.posts} == {"es", "en"}
    originals = [p for p in demo.posts if p.parent is None]
    assert sum("#" in p.text for p in originals) > 0.5 * len(originals)
    assert all(START <= p.timestamp < END for p in demo.posts)
    texts = " ".join(p.text for p in demo.posts)
    for tag in ("#cafedeespecialidad", "#homebrew", "#latteart", "#comerciojusto"):
        assert tag in texts


# --------------------------------------------------------------------------------------------------
# Planted structure
# --------------------------------------------------------------------------------------------------


def test_leaders_in_top_decile(demo):
    g = digraph(demo)
    indeg = dict(g.in_degree(weight="weight"))
    cut = np.quantile([indeg[a.id] for a in demo.actors], 0.9)
    truth = demo.truth
    assert 12 <= len(truth.leaders) <= 24
    for leader in truth.leaders:
        assert indeg[leader] >= cut, leader
    assert set(truth.leaders) == {x for ls in truth.leaders_by_community.values() for x in ls}
    for c, ls in truth.leaders_by_community.items():
        assert all(truth.communities[x] == c for x in ls)


def test_leaders_get_attention_from_many(demo):
    truth = demo.truth
    sources = defaultdict(set)
    for i in demo.interactions:
        if truth.communities[i.source] == truth.communities.get(i.target):
            sources[i.target].add(i.source)
    median_member = np.median([len(sources[a]) for a in regular_ids(demo)])
    for leader in truth.leaders:
        assert len(sources[leader]) >= max(20, 5 * median_member), leader


def test_leader_order_follows_strength(demo):
    g = digraph(demo)
    indeg = dict(g.in_degree(weight="weight"))
    values = [indeg[x] for x in demo.truth.leaders]
    # planted strength, not realised attention, orders them: allow noise but not a reversal
    rho = np.corrcoef(np.argsort(np.argsort(values)), np.arange(len(values))[::-1])[0, 1]
    assert rho > 0.6


def test_leaders_have_many_followers(demo):
    truth = demo.truth
    followers = {a.id: a.followers for a in demo.actors}
    leaders = [followers[x] for x in truth.leaders if followers[x] is not None]
    special = {*truth.leaders, *truth.bridges, *truth.broadcasters, *truth.bot_targets}
    members = [
        followers[x] for x in regular_ids(demo) if x not in special and followers[x] is not None
    ]
    assert len(leaders) >= len(truth.leaders) // 2
    assert np.median(leaders) > 10 * np.median(members)


def test_broadcasters_post_a_lot_but_get_little_attention(demo):
    truth = demo.truth
    g = digraph(demo)
    indeg = dict(g.in_degree(weight="weight"))
    per_author = Counter(p.author for p in demo.posts)
    median_poster = np.median(list(per_author.values()))
    leader_median = np.median([indeg[x] for x in truth.leaders])
    assert len(truth.broadcasters) >= 5
    for b in truth.broadcasters:
        assert per_author[b] >= 3 * median_poster
        assert indeg[b] < leader_median / 10
        mine = [p for p in demo.posts if p.author == b and p.parent is None]
        likes = [p.likes or 0 for p in mine]
        assert np.mean(likes) < 0.5


def test_bots(demo):
    truth = demo.truth
    bots = set(truth.bots)
    assert len(bots) >= 10
    followers = {a.id: a.followers for a in demo.actors}
    assert all(followers[b] is not None and followers[b] <= 5 for b in bots)
    out = [i for i in demo.interactions if i.source in bots]
    assert len(out) > 10 * len(bots)
    targets = Counter(i.target for i in out if i.target not in bots)
    top5 = sum(n for _, n in targets.most_common(5))
    assert top5 >= 0.7 * len(out)
    # one of the pushed targets is a competitor brand
    brand_accounts = {a for accounts in truth.competitors.values() for a in accounts}
    top_target = targets.most_common(1)[0][0]
    assert top_target in brand_accounts
    assert top_target in truth.competitors[truth.inflated_competitor]
    assert set(targets) <= set(truth.bot_targets)
    # bots also push each other
    assert sum(i.target in bots for i in out) > 0
    # machine-like timing: every burst starts at 04:00:00 UTC and lasts seconds
    seconds = {int(i.timestamp - START) % 86400 for i in out}
    assert all(4 * 3600 <= s < 4 * 3600 + 600 for s in seconds)


def test_bridges_get_attention_from_several_communities(demo):
    truth = demo.truth
    assert len(truth.bridges) >= 6
    by_source_comm = defaultdict(Counter)
    for i in demo.interactions:
        c = truth.communities[i.source]
        if c >= 0:
            by_source_comm[i.target][c] += i.weight
    for b in truth.bridges:
        home = truth.communities[b]
        away = {c: n for c, n in by_source_comm[b].items() if c != home and n >= 3}
        assert len(away) >= 2, (b, by_source_comm[b])
    # ordinary members do not look like bridges
    special = {*truth.bridges, *truth.leaders}
    members = [a for a in regular_ids(demo) if a not in special]
    share_away = [
        1 - by_source_comm[a][truth.communities[a]] / max(1, sum(by_source_comm[a].values()))
        for a in members
    ]
    bridge_away = [
        1 - by_source_comm[b][truth.communities[b]] / sum(by_source_comm[b].values())
        for b in truth.bridges
    ]
    assert np.median(bridge_away) > 3 * np.median(share_away)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_communities_recoverable(seed, demo):
    sector = demo if seed == 0 else make_sector(seed=seed)
    truth = sector.truth
    regular = regular_ids(sector)
    g = digraph(sector).subgraph(regular).to_undirected()
    found = nx.community.louvain_communities(g, seed=0)
    label = {n: k for k, c in enumerate(found) for n in c}
    nmi = normalized_mutual_info_score(
        [truth.communities[n] for n in regular], [label[n] for n in regular]
    )
    assert nmi >= 0.9


def test_communities_have_own_language_mix(demo):
    truth = demo.truth
    langs = {a.id: a.language for a in demo.actors}
    es_share = {}
    for c, name in truth.community_names.items():
        if c < 0:
            continue
        members = [a for a, k in truth.communities.items() if k == c]
        es_share[name] = np.mean([langs[a] == "es" for a in members])
    assert es_share["baristas"] > 0.7
    assert es_share["homebrew"] < 0.3
    assert es_share["health-science"] > 0.7
    assert es_share["latte-art"] < 0.4
    assert truth.community_names[-1] == "brands" and truth.community_names[-2] == "bots"


# --------------------------------------------------------------------------------------------------
# Competitors
# --------------------------------------------------------------------------------------------------


def test_competitors(demo):
    truth = demo.truth
    actors = {a.id: a for a in demo.actors}
    assert 3 <= len(truth.competitors) <= 5
    assert [c["name"] for c in demo.competitors] == list(truth.competitors)
    by_author = defaultdict(list)
    for p in demo.posts:
        by_author[p.author].append(p)
    for c in demo.competitors:
        name = c["name"]
        accounts = truth.competitors[name]
        assert 1 <= len(accounts) <= 3
        assert set(c["handles"]) | {actor_id("web", d) for d in c["domains"]} == set(accounts)
        assert c["feeds"] == []
        for a in accounts:
            assert actors[a].competitor == name
            assert truth.communities[a] == -1
        posts = [p for a in accounts for p in by_author[a]]
        assert {p.language for p in posts} == {"es", "en"}
        assert len(posts) >= 26  # at least one a week on average over ~6 months
        shares = truth.competitor_topics[name]
        assert math.isclose(sum(shares.values()), 1.0)
        assert all(0 <= v <= 1 for v in shares.values())
        assert all(p.likes is None or p.likes >= 0 for p in posts)


def test_competitor_cadences_differ(demo):
    truth = demo.truth
    weekly, weekday = {}, {}
    for name, accounts in truth.competitors.items():
        ts = [p.timestamp for p in demo.posts if p.author in accounts and p.parent is None]
        weekly[name] = len(ts) / 26
        days = Counter(datetime.fromtimestamp(t, tz=timezone.utc).weekday() for t in ts)
        weekday[name] = days.most_common(1)[0][0]
    assert len({round(w) for w in weekly.values()}) == len(weekly)
    assert weekly["Bean Theory"] > weekly["Molienda Norte"]
    assert weekday["Bean Theory"] in (5, 6)
    assert weekday["Café Aurora"] in (1, 3)


def test_competitor_topics(demo):
    topics = demo.truth.competitor_topics
    assert max(topics["Café Aurora"], key=topics["Café Aurora"].get) == "sustainability"
    assert max(topics["Bean Theory"], key=topics["Bean Theory"].get) == "brewing gear"


def test_sentiment(demo):
    truth = demo.truth
    posts = {p.id: p for p in demo.posts}
    labels = Counter(truth.sentiment.values())
    assert set(labels) == {"positive", "negative", "neutral"}
    for label in labels:
        langs = {posts[pid].language for pid, lab in truth.sentiment.items() if lab == label}
        assert langs == {"es", "en"}, label
    mention_posts = {i.post: i.target for i in demo.interactions if i.kind == Kind.MENTION}
    brand_accounts = {a for accounts in truth.competitors.values() for a in accounts}
    for pid, label in truth.sentiment.items():
        assert mention_posts[pid] in brand_accounts
        text = posts[pid].text.lower()
        if label == "negative":
            assert any(w in text for w in NEGATIVE_WORDS), text
        else:
            assert not any(w in text for w in NEGATIVE_WORDS), text
