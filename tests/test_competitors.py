"""Competitor content mapping on the demo's planted answers, on hand-made records and the CLI."""

import gzip
import json
import math
from collections import Counter

import pytest
from click.testing import CliRunner
from influence_cli import cli
from influence_cli.competitors import SECTIONS as CLI_SECTIONS

import influence
from influence.competitors import SECTIONS, CompetitorConfig, map_competitors, map_sector, tag_posts
from influence.datasets import make_sector
from influence.datasets._sector import BRAND_TOPICS, BRANDS
from influence.errors import ConfigError
from influence.records import Interaction, Post
from influence.sector import Competitor
from influence.sentiment import LexiconAnalyzer
from influence.text import tokenize

from .conftest import shared_path

#: the commands run on "demo" in-process get the session's demo (conftest.session_demo)
pytestmark = pytest.mark.usefixtures("session_demo")


@pytest.fixture(scope="module")
def demo(demo_data):
    return demo_data  # make_sector(seed=0), built once per session (conftest)


@pytest.fixture(scope="module")
def cmap(demo_sector):
    # the default configuration: the number of topics is chosen by bi-cross-validation
    return map_sector(demo_sector, seed=0)


def test_sections_match_cli():
    assert CLI_SECTIONS == SECTIONS


def test_own_posts_are_the_brand_accounts_posts(demo, cmap):
    owner = {a: n for n, ids in demo.truth.competitors.items() for a in ids}
    expected = {p.id: owner[p.author] for p in demo.posts if p.author in owner}
    assert cmap.tags.own == expected


def test_every_planted_brand_mention_is_tagged(demo, cmap):
    posts = {p.id: p for p in demo.posts}
    for pid in demo.truth.sentiment:
        assert pid in cmap.tags.mentions, posts[pid].text


def _planted_labels(topics):
    """Each NMF topic's planted brand topic: the one whose phrases (es + en) share most words
    with its top terms (None when no word is shared)."""
    vocab = {t: set(tokenize(" ".join(v["es"] + v["en"]))) for t, v in BRAND_TOPICS.items()}
    labels = []
    for topic in topics:
        overlap = {t: len(vocab[t] & set(tokenize(" ".join(topic.terms)))) for t in vocab}
        best = max(overlap, key=overlap.get)
        labels.append(best if overlap[best] else None)
    return labels


def test_top_topic_is_planted_main_topic(demo, cmap):
    # issue 7: with the default number of topics each brand's top topic is its main topic, as
    # realised by the generator (GroundTruth.competitor_topics), matched by its terms
    assert cmap.topics.chosen_by == "bcv"
    labels = _planted_labels(cmap.topics.topics)
    for brand in BRANDS:
        realised = demo.truth.competitor_topics[brand.name]
        main = max(realised, key=realised.get)
        top = cmap.topics.top_topic(brand.name)
        assert labels[top.id] == main, (brand.name, top.terms)
        # a planted topic is several unrelated phrases in two languages, so NMF splits it:
        # summed over its pieces, the main topic also leads
        agg = Counter()
        for lab, share in zip(labels, cmap.topics.shares[brand.name]):
            agg[lab] += share
        assert agg.most_common(1)[0][0] == main, brand.name
        assert sum(cmap.topics.shares[brand.name]) == pytest.approx(1.0)


def test_cadence_matches_planted_schedule(demo, cmap):
    owner = {a: n for n, ids in demo.truth.competitors.items() for a in ids}
    for brand in BRANDS:
        c = cmap.cadence[brand.name]
        n = sum(1 for p in demo.posts if owner.get(p.author) == brand.name)
        assert c.posts == n and sum(map(sum, c.calendar)) == n
        assert c.posts_per_week == pytest.approx(brand.posts_per_week, abs=0.2)
        assert c.busiest_day == (["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
                                 [max(range(7), key=lambda d: (brand.weekday_weights[d],
                                                               c.calendar[d] and sum(c.calendar[d])))])
        assert abs(c.busiest_hour - brand.hour_mean) <= 2
        assert c.active_weeks == 1.0


def test_engagement_totals(demo, cmap):
    owner = {a: n for n, ids in demo.truth.competitors.items() for a in ids}
    for brand in BRANDS:
        e = cmap.engagement[brand.name]
        mine = [p for p in demo.posts if owner.get(p.author) == brand.name]
        assert e.likes == sum(p.likes or 0 for p in mine)
        assert e.replies == sum(p.replies or 0 for p in mine)
        best = max(mine, key=lambda p: sum(v for v in (p.likes, p.reshares, p.replies) if v))
        assert e.top_posts[0].engagement == sum(
            v for v in (best.likes, best.reshares, best.replies) if v is not None)
        assert e.top_posts[0].url
    # Molienda Norte: 900 followers and bot-inflated likes -> by far the best per follower
    per_f = {n: cmap.engagement[n].per_1k_followers for n in cmap.competitors}
    assert max(per_f, key=per_f.get) == "Molienda Norte"


def test_share_of_voice_counts(demo, cmap):
    owner = {a: n for n, ids in demo.truth.competitors.items() for a in ids}
    with influence.open_sector("demo") as sec:  # the store keeps one copy of repeated follows
        stored = list(sec.store.interactions())
    assert len(stored) <= len(demo.interactions)
    received = Counter(owner[i.target] for i in stored
                       if i.target in owner and owner.get(i.source) != owner[i.target])
    sov = cmap.share_of_voice
    assert sov.interactions == dict(received)
    assert sum(sov.mention_share.values()) == pytest.approx(1.0)
    # the bots inflate Molienda Norte's interactions (GroundTruth.inflated_competitor)
    assert max(sov.interaction_share, key=sov.interaction_share.get) == demo.truth.inflated_competitor
    assert len(sov.weeks) == 26
    timed = Counter(owner[i.target] for i in stored if i.target in owner and i.timestamp is not None
                    and owner.get(i.source) != owner[i.target])
    for n in cmap.competitors:  # half of the follows have no time: they count, but in no week
        assert sum(sov.weekly_interactions[n]) == timed[n] < sov.interactions[n]


def test_reputation_reads_what_the_sector_says_about_each_brand(demo, cmap):
    # issue 7 (b): reputation reads the posts that speak about a brand (its planted brand
    # mentions and the bots' praise), not the shares of its articles nor replies to its posts
    truth = demo.truth.sentiment
    about = {p for p, cs in cmap.tags.about.items()}
    assert about == set(truth)
    posts = {p.id: p for p in demo.posts}
    shares = ("Worth reading", "Recomiendo este art")
    assert not any(posts[p].text.startswith(shares) for p in about)
    for n in cmap.competitors:
        labels = [truth[p] for p, cs in cmap.tags.about.items() if n in cs]
        planted = (labels.count("positive") - labels.count("negative")) / len(labels)
        rep = cmap.reputation[n]
        assert rep.mentions == len(labels) < cmap.share_of_voice.mentions[n]
        assert math.copysign(1, rep.net) == math.copysign(1, planted), (n, rep.net, planted)
        assert rep.net == pytest.approx(planted, abs=0.05)
        assert set(rep.by_language) == {"es", "en"}
    ours = {n: cmap.reputation[n].net for n in cmap.competitors}
    assert min(ours, key=ours.get) == "Bean Theory" and ours["Bean Theory"] < 0


def test_reputation_per_post_accuracy_on_demo(demo):
    # every planted brand mention, both languages, seed 1 (the map above is seed 0)
    other = make_sector(seed=1, scale=0.5)
    posts = {p.id: p for p in other.posts}
    ids = sorted(other.truth.sentiment)
    pred = LexiconAnalyzer().predict([posts[i].text for i in ids], [posts[i].language for i in ids])
    for lang in ("es", "en"):
        pairs = [(other.truth.sentiment[i], p) for i, p in zip(ids, pred) if posts[i].language == lang]
        acc = sum(t == p for t, p in pairs) / len(pairs)
        assert len(pairs) > 50 and acc >= 0.97, (lang, acc)


def test_tagging_accent_and_case_insensitive():
    c = Competitor("Tostadores del Sur", handles=("mastodon:@tds@cafes.example",),
                   domains=("tostadoresdelsur.example",), keywords=("TDS Café",))
    posts = [Post("a", "mastodon:@x@h.example", text="Probé TOSTADORES DEL SUR ayer"),
             Post("b", "mastodon:@x@h.example", text="el tds cafe de siempre"),
             Post("c", "mastodon:@x@h.example", text="leed https://www.tostadoresdelsur.example/p/1"),
             Post("d", "mastodon:@x@h.example", text="tostadores del surf"),
             Post("e", "mastodon:@x@h.example", text="hola"),
             Post("f", "mastodon:@tds@cafes.example", text="Tostadores del Sur abre")]
    inter = [Interaction("mastodon:@x@h.example", "mastodon:@tds@cafes.example", "mention", 0, "e")]
    inter.append(Interaction("mastodon:@x@h.example", "mastodon:@tds@cafes.example", "link", 0, "c"))
    tags = tag_posts(posts, inter, [c])
    assert sorted(tags.mentions) == ["a", "b", "c", "e"] and tags.own == {"f": c.name}
    # a shared link to its site is a mention, not an opinion about it; a mention is both
    assert sorted(tags.about) == ["a", "b", "e"]
    assert sorted(tag_posts(posts, inter, [c], match_text=False).mentions) == ["c", "e"]


def test_small_map_by_hand():
    a = Competitor("A", handles=("mastodon:@a@x.example",))
    b = Competitor("B", handles=("mastodon:@b@x.example",))
    t0 = 1767571200.0  # Monday 2026-01-05 00:00 UTC
    posts = [Post(f"a{i}", "mastodon:@a@x.example", timestamp=t0 + i * 86400, text=f"grano tueste {i}",
                  likes=i, reshares=0, replies=1) for i in range(4)]
    posts += [Post("m1", "mastodon:@u@x.example", timestamp=t0, text="Me encanta A", language="es"),
              Post("m2", "mastodon:@u@x.example", timestamp=t0, text="Terrible servicio de B"),
              Post("m3", "mastodon:@u@x.example", timestamp=t0 + 8 * 86400, text="B es pésimo")]
    inter = [Interaction("mastodon:@u@x.example", "mastodon:@a@x.example", "like", t0, "a1")]
    m = map_competitors(posts, inter, [], [a, b], config=CompetitorConfig(n_topics=1))
    assert m.share_of_voice.mentions == {"A": 1, "B": 2}
    assert m.share_of_voice.interactions == {"A": 1, "B": 0}
    assert m.reputation["A"].net == 1.0 and m.reputation["B"].net == -1.0
    assert m.cadence["A"].posts_per_week == 2.0  # 4 posts over a 2-week window
    assert m.engagement["A"].mean_engagement == pytest.approx((0 + 1 + 2 + 3 + 4) / 4)
    assert m.engagement["B"].posts == 0 and m.cadence["B"].busiest_day is None
    with pytest.raises(ConfigError):
        map_competitors(posts, inter, [], [])
    with pytest.raises(ConfigError, match="n_topics"):
        CompetitorConfig(n_topics=0)


def test_to_dataframe_without_pandas(cmap, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match="pip install pandas"):
        cmap.to_dataframe("cadence")


def test_cli_json_has_every_section(demo):
    r = CliRunner().invoke(cli, ["competitors", "demo", "--format", "json", "--topics", "8"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert [c["competitor"] for c in data["competitors"]] == [b.name for b in BRANDS]
    for c in data["competitors"]:
        assert {"topics", "cadence", "engagement", "share_of_voice", "reputation"} <= set(c)
        assert len(c["cadence"]["calendar"]["Monday"]) == 24
    assert len(data["topics"]) == 8 and data["topic_model"]["chosen_by"] == "given"
    assert "8 topics (given)" in r.stderr


def test_cli_table_csv_and_errors(tmp_path):
    r = CliRunner().invoke(cli, ["competitors", "demo", "--section", "cadence", "-f", "csv",
                                 "--topics", "2"])
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("competitor,posts,posts_per_week") and len(lines) == 5
    r = CliRunner().invoke(cli, ["competitors", "demo", "-f", "csv"])
    assert r.exit_code == 2 and "one section" in r.stderr and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["competitors", "demo", "--sentiment-model", str(tmp_path / "x")])
    assert r.exit_code == 2 and "no such model file" in r.stderr
    sector = tmp_path / "s.toml"
    sector.write_text('name = "s"\n', encoding="utf-8")
    r = CliRunner().invoke(cli, ["competitors", str(sector)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["competitors", "--help"])
    assert "Example:" in r.stdout


def test_reddit_college_topic_map():
    """Subreddits as competitors: their threads are their content, the comments the sector."""
    reddit = shared_path("datasets", "reddit-college")
    from influence.competitors import map_topics

    threads, comments = {}, []
    for sub in ("CollegeAdvice", "CollegeMajors", "Emory"):
        threads[sub] = []
        with gzip.open(reddit / f"{sub}.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                th = json.loads(line)["thread"]
                threads[sub].append(Post(f"r:{th['sid']}", f"reddit:r/{sub}",
                                         title=th.get("title:"), text=th.get("text") or ""))
                stack = list((th.get("comments") or {}).values())
                while stack:
                    c = stack.pop()
                    comments.append(Post(f"r:{len(comments)}", "reddit:u/x",
                                         text=c.get("text") or ""))
                    stack.extend((c.get("replies") or {}).values())
    cfg = CompetitorConfig(n_topics=6, languages=("en",))
    tm = map_topics(threads, comments, config=cfg, seed=0)
    # each subreddit's most over-represented topic (its share minus the others' mean) is its own
    # and carries its vocabulary
    marker = {"CollegeAdvice": {"college", "advice", "school", "classes", "feel", "time"},
              "CollegeMajors": {"major", "majors", "engineering", "science", "business", "degree"},
              "Emory": {"emory", "oxford", "campus", "atlanta", "atl"}}
    picked = {}
    for sub in threads:
        others = [s for s in threads if s != sub]
        lift = [tm.shares[sub][j] - sum(tm.shares[o][j] for o in others) / 2 for j in range(6)]
        picked[sub] = max(range(6), key=lift.__getitem__)
        assert marker[sub] & set(tm.topics[picked[sub]].terms), (sub, tm.topics[picked[sub]].terms)
        assert marker[sub] & {t.lower() for t, _ in tm.distinctive_terms[sub][:5]}
    assert len(set(picked.values())) == 3
    assert "emory" in tm.top_topic("Emory").terms


_SMALL_VOCAB = ("coffee roast espresso beans brew shop order service staff price blend decaf milk cup "
                "latte barista grinder filter kettle mug pastry croissant bakery menu").split()


def _small_sector(tmp_path, n):
    """One competitor and ``n`` posts whose terms each occur in two posts (issue 14, item 13:
    12 such posts crashed the topic-count search with NMF's nndsvda error)."""
    sector = tmp_path / "s.toml"
    sector.write_text('name = "tiny"\nlanguages = ["en"]\n[[competitors]]\nname = "Acme"\n'
                      'handles = ["import:acme"]\n', encoding="utf-8")
    rows = ["id,author,timestamp,text"] + [
        f"p{i},acme,2025-01-{i + 1:02d}T10:00:00Z,"
        + " ".join(_SMALL_VOCAB[(2 * i + j) % len(_SMALL_VOCAB)] for j in range(4))
        for i in range(n)]
    (tmp_path / "posts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "inter.csv").write_text("source,target,kind,timestamp\n"
                                        "bob,acme,mention,2025-01-02T10:00:00Z\n", encoding="utf-8")
    files = [str(tmp_path / "inter.csv")] + ([str(tmp_path / "posts.csv")] if n else [])
    r = CliRunner().invoke(cli, ["import", str(sector), *files, "-q"])
    assert r.exit_code == 0, r.output
    return sector


@pytest.mark.parametrize("n, topics, note", [
    (12, 2, "topic counts above 6 not tried: 12 posts and 22 shared terms"),
    (3, 0, "no topics: 3 posts and 4 shared terms are too few"),
    (0, 0, "no topics: 0 posts with text"),
])
def test_small_sector_topics_said_plainly(tmp_path, n, topics, note):
    sector = _small_sector(tmp_path, n)
    r = CliRunner().invoke(cli, ["competitors", str(sector), "--section", "topics", "-f", "json"])
    assert r.exit_code == 0, r.output
    assert "sector languages" not in r.stderr and f"Topics: {note}" in r.stderr
    model = json.loads(r.stdout)["topic_model"]
    assert model["n_topics"] == topics and note in model["note"]
    out = tmp_path / "r.html"
    r = CliRunner().invoke(cli, ["report", str(sector), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert note in out.read_text(encoding="utf-8")


def test_small_sector_given_topics_capped_with_note():
    posts = [Post(f"p{i}", "import:acme", text=" ".join(
        _SMALL_VOCAB[(2 * i + j) % len(_SMALL_VOCAB)] for j in range(4))) for i in range(6)]
    from influence.competitors import map_topics

    tm = map_topics({"Acme": posts}, [], config=CompetitorConfig(n_topics=9, languages=("en",)))
    assert tm.n_topics == 5 and tm.chosen_by == "given" and "5 topics, not 9" in tm.note


# -- the audit on real twarc exports (2026-12): hand-made reproductions -------------------------

_AJ = Competitor("Al Jazeera", handles=("twitter:ajenglish", "twitter:ajplus"))


def test_retweets_of_the_brands_own_content_are_not_its_reputation():
    # the audit: Al Jazeera's reputation (4 posts, net +0.25) was 4 retweets "RT @AJEnglish: ..."
    # by one user, so the sentiment scored Al Jazeera's own words
    u = "twitter:reader"
    posts = [Post("r1", u, text="RT @AJEnglish: Terrible floods leave thousands homeless"),
             Post("r2", u, text="rt @ajplus: a wonderful, inspiring story"),  # no interaction
             Post("r3", u, text="Great documentary tonight on @AJEnglish"),  # a recorded reshare
             Post("r4", u, text="So true RT @AJPLUS: what a terrible decision"),
             Post("o1", u, text="I love the coverage of @AJEnglish"),
             Post("o2", u, text="RT @bob: @AJEnglish is awful these days"),  # bob's opinion of AJ
             Post("o3", u, text="Al Jazeera art @ajplus: brilliant")]  # "art", not "RT"
    inter = [Interaction(u, "twitter:ajenglish", "reshare", 0, "r1"),
             Interaction(u, "twitter:ajenglish", "reshare", 0, "r3")]
    tags = tag_posts(posts, inter, [_AJ])
    assert sorted(tags.mentions) == ["o1", "o2", "o3", "r1", "r2", "r3", "r4"]
    assert sorted(tags.about) == ["o1", "o2", "o3"]
    assert sorted(tags.shared) == ["r1", "r2", "r3", "r4"]
    # recorded as a reshare alone, with no text naming it: not a mention, nothing to leave out
    bare = tag_posts([Post("b", u, text="")], [Interaction(u, "twitter:ajplus", "reshare", 0, "b")],
                     [_AJ])
    assert bare.mentions == {} and bare.about == {} and bare.shared == {}
    m = map_competitors(posts, inter, [], [_AJ], config=CompetitorConfig(n_topics=1))
    rep = m.reputation["Al Jazeera"]
    assert rep.mentions == rep.posts_about == 3 and rep.shares_left_out == 4
    assert m.share_of_voice.mentions["Al Jazeera"] == 7  # share of voice still counts them all
    d = m.competitor_dict("Al Jazeera", ["reputation"])["reputation"]
    assert d["posts_about"] == d["mentions"] == 3 and d["shares_left_out"] == 4
    row = m.rows("reputation")[0]
    assert row["posts_about"] == 3 and "mentions" not in row


def _one_post_and_six(t0=1767571200.0):
    """Brand A with one post, brand B with six, and a sector talking about both topics."""
    a = Competitor("A", handles=("import:a",))
    b = Competitor("B", handles=("import:b",))
    words = _SMALL_VOCAB
    posts = [Post("a0", "import:a", timestamp=t0 + 22 * 3600 + 3 * 86400,
                  text="children military israel protests energy white")]
    posts += [Post(f"b{i}", "import:b", timestamp=t0 + i * 86400 + 9 * 3600,
                   text=" ".join(words[(2 * i + j) % 12] for j in range(4))) for i in range(6)]
    posts += [Post(f"s{i}", "import:u", timestamp=t0 + i * 3600,
                   text=" ".join(words[(3 * i + j) % len(words)] for j in range(4))
                   + ("", " children military israel", " protests energy white")[i % 5 % 3])
              for i in range(30)]
    return posts, [a, b]


def test_one_post_gives_no_topics_nor_calendar_claims():
    # the audit: a brand with 1 post got "40% children / military / israel, 60% protests / energy
    # / white", 10 content gaps, and in the report "mostly Thursdays at 22h UTC"
    posts, comps = _one_post_and_six()
    m = map_competitors(posts, [], [], comps, config=CompetitorConfig(n_topics=3, languages=("en",)))
    tm = m.topics
    assert tm.withheld == {"A": "too few posts (n=1); at least 5 needed"}
    assert tm.posts["A"] == 1 and tm.posts["B"] == 6
    assert tm.shares["A"] == () and tm.gaps["A"] == () and tm.distinctive_terms["A"] == []
    assert tm.top_topic("A") is None and sum(tm.shares["B"]) == pytest.approx(1)
    ca, cb = m.cadence["A"], m.cadence["B"]
    assert (ca.busiest_day, ca.busiest_hour, ca.median_gap_hours, ca.gap_cv) == (None,) * 4
    assert ca.note == "too few posts (n=1); at least 5 needed" and ca.dated_posts == 1
    assert ca.posts == 1 and sum(map(sum, ca.calendar)) == 1  # the counts are still given
    assert cb.busiest_hour == 9 and cb.note is None and cb.dated_posts == 6
    # JSON: the same keys for both, empty values and a note saying why
    da, db = (m.competitor_dict(n)["topics"] for n in ("A", "B"))
    assert set(da) == set(db)
    assert da["top_topic"] is None and da["shares"] == da["gaps"] == da["distinctive_terms"] == []
    assert da["note"].startswith("too few posts (n=1)") and da["posts"] == 1
    assert db["note"] is None and db["posts"] == 6 and db["top_topic"] is not None
    rows = [r for r in m.rows("topics") if r["competitor"] == "A"]
    assert len(rows) == 1 and rows[0]["note"].startswith("too few posts (n=1)")
    # the minimum is a parameter
    low = map_competitors(posts, [], [], comps,
                          config=CompetitorConfig(n_topics=3, languages=("en",), min_posts=1))
    assert low.topics.withheld == {} and low.cadence["A"].busiest_day == "Thursday"
    with pytest.raises(ConfigError, match="min_posts"):
        CompetitorConfig(min_posts=0)


def _export_sector(tmp_path, handles='"import:acme"'):
    sector = tmp_path / "s.toml"
    sector.write_text(f'name = "s"\nlanguages = ["en"]\n[[competitors]]\nname = "Acme"\n'
                      f'handles = [{handles}]\n', encoding="utf-8")
    (tmp_path / "posts.csv").write_text(
        "id,author,timestamp,text\n"
        "p1,acme,2025-01-02T22:00:00Z,coffee roast espresso beans\n"
        "p2,bob,2025-01-03T10:00:00Z,RT @acme: coffee roast espresso beans\n"
        "p3,bob,2025-01-04T10:00:00Z,@acme makes terrible coffee\n", encoding="utf-8")
    (tmp_path / "inter.csv").write_text(
        "source,target,kind,timestamp,post_id\n"
        "bob,acme,reshare,2025-01-03T10:00:00Z,p2\n"
        "bob,acme,mention,2025-01-04T10:00:00Z,p3\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["import", str(sector), str(tmp_path / "inter.csv"),
                                 str(tmp_path / "posts.csv"), "-q"])
    assert r.exit_code == 0, r.output
    return sector


def test_cli_says_too_few_posts_and_what_was_left_out(tmp_path):
    sector = _export_sector(tmp_path)
    r = CliRunner().invoke(cli, ["competitors", str(sector), "-f", "table"])
    assert r.exit_code == 0, r.output
    assert r.stdout.count("too few posts (n=1)") == 2  # topics and cadence
    assert "Thursday" not in r.stdout
    rep = r.stdout.split("# reputation")[1].splitlines()
    assert rep[1].split()[:2] == ["competitor", "posts_about"] and "shares_left_out" in rep[1]
    assert rep[3].split()[:2] == ["Acme", "1"]  # p3 only: p2 is Acme's words
    share = r.stdout.split("# share")[1].splitlines()
    assert share[1].split()[:2] == ["competitor", "mentions"]
    assert share[3].split()[:2] == ["Acme", "2"]
    assert "1 retweets, reshares, quotes or shared links" in r.stderr
    r = CliRunner().invoke(cli, ["competitors", str(sector), "-f", "json", "--section", "cadence"])
    cad = json.loads(r.stdout)["competitors"][0]["cadence"]
    assert cad["busiest_day"] is None and cad["note"].startswith("too few posts (n=1)")
    out = tmp_path / "r.html"
    r = CliRunner().invoke(cli, ["report", str(sector), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "mostly Thursdays" not in out.read_text(encoding="utf-8")


def test_unmatched_handles_library_and_cli_warning(tmp_path):
    from influence.competitors import unmatched_handles

    gs = Competitor("GameStop", handles=("twitter:gamestopp", "twitter:ebgames", "twitter:zzz"))
    ids = ["twitter:gamestop", "twitter:ebgames", "mastodon:@gamestopp@x.example"]
    found = unmatched_handles([gs], ids)
    assert [(u.handle, u.suggestions) for u in found] == [("twitter:gamestopp", ("twitter:gamestop",)),
                                                          ("twitter:zzz", ())]
    assert "did you mean twitter:gamestop?" in found[0].message()
    assert unmatched_handles([gs], ids + ["twitter:gamestopp", "twitter:zzz"]) == []
    sector = _export_sector(tmp_path, '"import:acmee", "import:nobody"')
    r = CliRunner().invoke(cli, ["competitors", str(sector), "--section", "share", "-f", "csv"])
    assert r.exit_code == 0, r.output  # a warning, not an error
    warnings = [line for line in r.stderr.splitlines() if line.startswith("Warning:")]
    assert warnings == [
        ("Warning: competitor Acme: handle import:acmee matches no actor in the store "
         "(did you mean import:acme?)"),
        "Warning: competitor Acme: handle import:nobody matches no actor in the store"]
    assert "Warning" not in r.stdout
    (tmp_path / "ok").mkdir()
    ok = _export_sector(tmp_path / "ok")
    r = CliRunner().invoke(cli, ["competitors", str(ok), "--section", "share", "-f", "csv"])
    assert r.exit_code == 0 and "Warning" not in r.stderr


def test_cli_min_posts_sets_the_minimum():
    """influence competitors --min-posts N: topics and cadence are withheld below N posts."""
    import json

    from click.testing import CliRunner

    from influence_cli import cli

    def topics(*extra):
        r = CliRunner().invoke(cli, ["competitors", "demo", "-f", "json", "-q", "--section", "topics", *extra])
        assert r.exit_code == 0, r.output
        return {c["competitor"]: c["topics"] for c in json.loads(r.stdout)["competitors"]}

    default, strict = topics(), topics("--min-posts", "100000")
    assert all(t["note"] is None and t["top_topic"] is not None for t in default.values())
    for name, t in strict.items():
        assert t["note"] == f"too few posts (n={default[name]['posts']}); at least 100000 needed"
        assert t["top_topic"] is None and t["shares"] == []
    bad = CliRunner().invoke(cli, ["competitors", "demo", "--min-posts", "0"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
