"""Issue 18: exports of researchers' tools import without a converter (influence/formats.py).

Each real sample in ../shared/fixtures/exports (see its PROVENANCE.md) is imported and the store is
compared with what the test reads from the raw file itself, walking the JSON/CSV with plain
Python: the posts, and every interaction as ``(source, target, kind, post)``. Small hand-made
files cover the edge cases (deleted authors, a parent in an earlier file or later in the file,
``created_utc`` as int/float/string, bad lines, duplicates, non-public Mastodon posts).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from influence_cli import cli

from influence.crawl.api import web_actor
from influence.errors import InputDataError
from influence.formats import sniff
from influence.importers import import_file
from influence.store import Store

from .conftest import SHARED

EXPORTS = SHARED / "fixtures" / "exports"


def _sample(rel: str) -> Path:
    path = EXPORTS / rel
    if not path.exists():
        pytest.skip(f"{path} not found: the shared fixtures live beside the repository (../shared)")
    return path


def _got(store: Store) -> tuple[set, Counter]:
    posts = {p.id for p in store.posts()}
    inter = Counter((i.source, i.target, i.kind.value, i.post) for i in store.interactions())
    return posts, inter


def _import(path, **kw):
    store = Store(":memory:")
    rep = import_file(store, path, **kw)
    return store, rep


def _check_reimport(store: Store, path, **kw) -> None:
    before = store.fingerprint()
    rep = import_file(store, path, **kw)
    assert rep.new == {"actors": 0, "posts": 0, "interactions": 0}
    assert store.fingerprint() == before


# -- Reddit ----------------------------------------------------------------------------------------

_DELETED = (None, "", "[deleted]", "[removed]")
_U = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")


def _reddit_expected(paths):
    """Posts and interactions of Pushshift files, from the raw JSON."""
    items = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                for r in d["data"] if isinstance(d.get("data"), list) else [d]:
                    kind = "t1" if ("body" in r or "parent_id" in r) else "t3"
                    items[f"{kind}_{r['id']}"] = r
    posts, inter = set(), Counter()
    for name, r in items.items():
        if r.get("author") in _DELETED:
            continue
        me = "reddit:u/" + r["author"].lower()
        pid = "reddit:" + name
        posts.add(pid)
        parent = items.get(r.get("parent_id") or "")
        if parent is not None and parent.get("author") not in _DELETED and parent["author"].lower() != r["author"].lower():
            inter[(me, "reddit:u/" + parent["author"].lower(), "reply", pid)] += 1
        url = r.get("url") or ""
        if name.startswith("t3_") and not r.get("is_self") and url.startswith("http"):
            host = urlsplit(url).hostname or ""
            if not any(host == h or host.endswith("." + h) for h in ("reddit.com", "redd.it", "redditmedia.com",
                                                                       "redditstatic.com", "reddituploads.com")):
                inter[(me, web_actor(url), "link", pid)] += 1
        if r.get("crosspost_parent"):  # a crosspost: the original's author, given inline
            original = r["crosspost_parent_list"][0]["author"]
            inter[(me, "reddit:u/" + original.lower(), "reshare", pid)] += 1
        text = r.get("body") if name.startswith("t1_") else r.get("selftext")
        for u in {m.lower() for m in _U.findall(text or "")} - {r["author"].lower()}:
            inter[(me, "reddit:u/" + u, "mention", pid)] += 1
    return posts, inter


@pytest.mark.parametrize("name", ["pushshift-importer_test_comments.ndjson",
                                  "pushshift-importer_test_submissions.ndjson"])
def test_pushshift_sample(name):
    path = _sample(f"reddit_pushshift/{name}")
    assert sniff(str(path)) == "reddit"
    store, rep = _import(path)
    posts, inter = _reddit_expected([path])
    got_posts, got_inter = _got(store)
    assert got_posts == posts
    assert got_inter == inter
    raw = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    deleted = sum(r.get("author") in _DELETED for r in raw)
    assert len(posts) == len(raw) - deleted and deleted == (5 if "comments" in name else 0)
    assert rep.rows == len(raw)
    # deleted authors are left out, never one giant "[deleted]" actor
    assert not any("deleted" in a.id or "removed" in a.id for a in store.actors())
    authors = {"reddit:u/" + r["author"].lower() for r in raw if r.get("author") not in _DELETED}
    assert {a.id for a in store.actors() if a.id.startswith("reddit:")} == authors | {
        k[1] for k in inter if k[1].startswith("reddit:")}
    # negative scores are kept; created_utc as int, float or string all read
    by_id = {p.id: p for p in store.posts()}
    for r in raw:
        if r.get("author") in _DELETED:
            continue
        p = by_id["reddit:" + ("t1_" if "body" in r else "t3_") + r["id"]]
        assert p.likes == int(r["score"]) and p.timestamp == float(r["created_utc"])
        assert p.tags == (f"r/{r['subreddit']}",)
    if "comments" in name:
        assert rep.unresolved["comments by a deleted or missing author (not imported)"] == 5
        # no parent is in the sample: every reply of a known author is counted as unresolved
        assert rep.unresolved["replies to a post in neither the file nor the store"] == len(posts)
    assert dict(rep.by_kind) == dict(Counter(k[2] for k in inter.elements()))
    _check_reimport(store, path)


def test_pushshift_both_samples_in_one_store():
    paths = [_sample("reddit_pushshift/pushshift-importer_test_submissions.ndjson"),
             _sample("reddit_pushshift/pushshift-importer_test_comments.ndjson")]
    store = Store(":memory:")
    for p in paths:
        import_file(store, p)
    posts, inter = _reddit_expected(paths)
    assert _got(store) == (posts, inter)


def _lines(path: Path, rows) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_reddit_edge_cases(tmp_path):
    sub = {"id": "aaa", "author": "Alice", "title": "T", "selftext": "hi u/Carol", "is_self": True,
           "subreddit": "coffee", "created_utc": "1600000000", "score": -3, "num_comments": 4}
    first = _lines(tmp_path / "RS.ndjson", [sub])
    comments = [
        # parent in the earlier file, created_utc a float
        {"id": "c1", "author": "Bob", "body": "x", "parent_id": "t3_aaa", "link_id": "t3_aaa",
         "subreddit": "coffee", "created_utc": 1600000100.0, "score": 2},
        # parent later in this file, created_utc an int
        {"id": "c2", "author": "Carol", "body": "y", "parent_id": "t1_c3", "link_id": "t3_aaa",
         "subreddit": "coffee", "created_utc": 1600000200, "score": 1},
        {"id": "c3", "author": "Dan", "body": "z", "parent_id": "t1_c1", "link_id": "t3_aaa",
         "subreddit": "coffee", "created_utc": "1600000150", "score": 0},
        # deleted, removed and missing authors: no actor, no post; replies to them are counted
        {"id": "c4", "author": "[deleted]", "body": "[deleted]", "parent_id": "t3_aaa", "created_utc": 1},
        {"id": "c5", "author": "[removed]", "body": "q", "parent_id": "t3_aaa", "created_utc": 1},
        {"id": "c6", "body": "q", "parent_id": "t3_aaa", "created_utc": 1},
        {"id": "c7", "author": "Eve", "body": "w", "parent_id": "t1_c4", "created_utc": 1600000300},
        # an unknown parent
        {"id": "c8", "author": "Eve", "body": "w", "parent_id": "t1_zzz", "created_utc": 1600000300},
        # the same comment twice (overlapping dumps): one reply, weight 1
        {"id": "c1", "author": "Bob", "body": "x", "parent_id": "t3_aaa", "link_id": "t3_aaa",
         "subreddit": "coffee", "created_utc": 1600000100.0, "score": 2},
    ]
    second = _lines(tmp_path / "RC.ndjson", comments)
    store = Store(":memory:")
    import_file(store, first)
    rep = import_file(store, second)
    inter = {(i.source, i.target, i.kind.value): i.weight for i in store.interactions()}
    assert inter == {
        ("reddit:u/alice", "reddit:u/carol", "mention"): 1.0,
        ("reddit:u/bob", "reddit:u/alice", "reply"): 1.0,
        ("reddit:u/carol", "reddit:u/dan", "reply"): 1.0,
        ("reddit:u/dan", "reddit:u/bob", "reply"): 1.0,
    }
    assert rep.unresolved == {
        "comments by a deleted or missing author (not imported)": 3,
        "replies to a post whose author was deleted": 1,
        "replies to a post in neither the file nor the store": 1,
    }
    assert rep.found == {"comments": 9, "posts": 6}
    ids = {a.id for a in store.actors()}
    assert ids == {"reddit:u/" + n for n in ("alice", "bob", "carol", "dan", "eve")}
    posts = {p.id: p for p in store.posts()}
    assert posts["reddit:t3_aaa"].likes == -3 and posts["reddit:t3_aaa"].timestamp == 1600000000.0
    assert posts["reddit:t3_aaa"].replies == 4 and posts["reddit:t3_aaa"].tags == ("r/coffee",)
    assert posts["reddit:t1_c3"].timestamp == 1600000150.0 and posts["reddit:t1_c3"].parent == "reddit:t1_c1"
    _check_reimport(store, second)


def test_reddit_api_page_and_forced_format(tmp_path):
    page = {"data": [{"id": "p1", "author": "Ana", "title": "t", "selftext": "", "is_self": True,
                      "subreddit": "x", "created_utc": 1600000000, "score": 5, "num_comments": 1},
                     {"id": "k1", "author": "Bo", "body": "b", "parent_id": "t3_p1", "subreddit": "x",
                      "created_utc": 1600000001, "score": 1}]}
    path = _lines(tmp_path / "page.txt", [page])  # .txt: an edge list by extension
    store, rep = _import(path, fmt="reddit")
    assert [(i.source, i.target, i.kind.value) for i in store.interactions()] == [
        ("reddit:u/bo", "reddit:u/ana", "reply")]
    assert rep.format == "reddit" and rep.found == {"submissions": 1, "posts": 2, "comments": 1}


def test_reddit_bad_line_is_numbered(tmp_path):
    good = {"id": "p1", "author": "Ana", "title": "t", "subreddit": "x", "created_utc": 1600000000}
    path = _lines(tmp_path / "RS.ndjson", [good, "{not json", {"id": "p2", "author": "Bo"},
                                           {**good, "id": "p3", "created_utc": "yesterday"}])
    store = Store(":memory:")
    with pytest.raises(InputDataError, match=r"line 2: invalid JSON"):
        import_file(store, path)
    assert store.counts()["posts"] == 0  # nothing written
    rep = import_file(store, path, skip_bad_rows=True)
    assert rep.skipped == 3 and store.counts()["posts"] == 1
    assert "line 3: neither a Reddit comment" in rep.errors[1]
    assert "line 4:" in rep.errors[2] and "yesterday" in rep.errors[2]
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "s.db"), str(path)])
    assert result.exit_code == 2 and "line 2" in result.output and "Traceback" not in result.output


# -- twarc2 ----------------------------------------------------------------------------------------

_TW_HOSTS = ("twitter.com", "x.com", "t.co")


def _tweet_expected(t, username_of, author_of_tweet, posts, inter):
    """Expected post and interactions of one v2 tweet; ``username_of(user id)``,
    ``author_of_tweet(tweet id)`` give lower-case usernames (or None)."""
    me = username_of(t["author_id"])
    pid = "twitter:" + t["id"]
    posts.add(pid)
    refs = {r["type"]: r["id"] for r in t.get("referenced_tweets", [])}
    reply_to = None
    for typ, kind in (("retweeted", "reshare"), ("quoted", "quote"), ("replied_to", "reply")):
        if typ not in refs:
            continue
        target = username_of(t.get("in_reply_to_user_id")) if typ == "replied_to" else None
        target = target or author_of_tweet(refs[typ])
        assert target is not None, (t["id"], typ)  # the samples carry every referenced author
        if typ == "replied_to":
            reply_to = target
        if target != me:
            inter[("twitter:" + me, "twitter:" + target, kind, pid)] += 1
    if "replied_to" not in refs and t.get("in_reply_to_user_id"):  # a reply to a tweet not given
        reply_to = username_of(t["in_reply_to_user_id"])
        inter[("twitter:" + me, "twitter:" + reply_to, "reply", pid)] += 1
    if "retweeted" in refs:
        return
    ents = t.get("entities", {})
    for m in {m["username"].lower() for m in ents.get("mentions", [])} - {me, reply_to}:
        inter[("twitter:" + me, "twitter:" + m, "mention", pid)] += 1
    sites = set()
    for u in ents.get("urls", []):
        href = u.get("unwound_url") or u.get("expanded_url") or u["url"]
        host = urlsplit(href).hostname or ""
        if "media_key" not in u and not any(host == h or host.endswith("." + h) for h in _TW_HOSTS):
            sites.add(web_actor(href))
    for s in sites:
        inter[("twitter:" + me, s, "link", pid)] += 1


@pytest.mark.parametrize("name", ["twarc-csv_media_policy_violation_off.jsonl", "twarc-csv_mentions_tweet.jsonl"])
def test_twarc2_pages(name):
    path = _sample(f"twarc2_jsonl/{name}")
    assert sniff(str(path)) == "twarc2"
    store, rep = _import(path)
    posts, inter, users = set(), Counter(), {}
    n_tweets = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        names = {u["id"]: u["username"].lower() for u in page["includes"]["users"]}
        users.update({u["username"].lower(): u for u in page["includes"]["users"]})
        authors = {t["id"]: names[t["author_id"]] for t in page["includes"].get("tweets", [])}
        for t in page["data"]:
            n_tweets += 1
            _tweet_expected(t, names.get, authors.get, posts, inter)
    assert _got(store) == (posts, inter)
    assert rep.found["tweets"] == n_tweets and len(posts) == n_tweets
    actors = {a.id: a for a in store.actors()}
    for uname, u in users.items():  # includes.users become actors with their follower counts
        assert actors["twitter:" + uname].followers == u["public_metrics"]["followers_count"]
    assert set(actors) == {"twitter:" + u for u in users} | {k[1] for k in inter}
    assert dict(rep.by_kind) == dict(Counter(k[2] for k in inter.elements()))
    if "media_policy" in name:  # the figures PROVENANCE.md gives for this page
        assert Counter(k[2] for k in inter.elements())["reshare"] == 42
    _check_reimport(store, path)


def test_twarc2_flattened():
    path = _sample("twarc2_flat_jsonl/twarc-csv_flat_first40.jsonl")
    assert sniff(str(path)) == "twarc2"
    store, rep = _import(path)
    posts, inter, followers = set(), Counter(), {}
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    for t in rows:
        names = {t["author_id"]: t["author"]["username"].lower()}
        if t.get("in_reply_to_user"):
            names[t["in_reply_to_user"]["id"]] = t["in_reply_to_user"]["username"].lower()
        authors = {}
        for r in t.get("referenced_tweets", []):
            if "author" in r:
                authors[r["id"]] = r["author"]["username"].lower()
            elif r["type"] == "retweeted":  # not expanded: the RT @user: prefix names the author
                authors[r["id"]] = re.match(r"RT @(\w+):", t["text"]).group(1).lower()
        _tweet_expected(t, names.get, authors.get, posts, inter)
        followers[t["author"]["username"].lower()] = t["author"]["public_metrics"]["followers_count"]
    assert _got(store) == (posts, inter)
    assert len(posts) == 40 == rep.found["tweets"]
    actors = {a.id: a for a in store.actors()}
    for uname, n in followers.items():
        assert actors["twitter:" + uname].followers == n
    # retweets carry the retweeted tweet's metrics in v2: not credited to the retweet
    by_id = {p.id: p for p in store.posts()}
    for t in rows:
        p = by_id["twitter:" + t["id"]]
        rt = any(r["type"] == "retweeted" for r in t.get("referenced_tweets", []))
        assert p.likes == (None if rt else t["public_metrics"]["like_count"])
    _check_reimport(store, path)


def test_twarc_csv_early_layout():
    path = _sample("twarc_csv/twarc-csv_small_sample_early.csv")
    assert sniff(str(path)) == "twarc-csv"
    store, rep = _import(path)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    names = {r["author_id"]: r["author.username"].lower() for r in rows}
    tweet_author = {r["id"]: r["author.username"].lower() for r in rows}
    posts, inter = set(), Counter()
    for r in rows:
        t = {"id": r["id"], "author_id": r["author_id"], "text": r["text"],
             "referenced_tweets": json.loads(r["referenced_tweets"] or "[]"),
             "entities": {k: json.loads(r[f"entities.{k}"] or "[]") for k in ("mentions", "urls")}}
        _tweet_expected(t, names.get, tweet_author.get, posts, inter)
    assert _got(store) == (posts, inter)
    assert rep.found["tweets"] == len(rows) == 4
    assert inter[("twitter:thenickywaters", "twitter:gamestop", "quote", "twitter:1169968866866466817")] == 1
    followers = {a.id: a.followers for a in store.actors()}
    for r in rows:
        assert followers["twitter:" + r["author.username"].lower()] == int(r["author.public_metrics.followers_count"])
    # its text columns are JSON string literals: stored decoded, no quotes, real newlines
    texts = {p.id: p.text for p in store.posts()}
    for r in rows:
        assert r["text"].startswith('"') and texts["twitter:" + r["id"]] == json.loads(r["text"])
    assert texts["twitter:1169734611666198528"].startswith("Nobody: \n\nLiterally nobody: ")
    bios = {a.id: a.bio for a in store.actors()}
    assert bios["twitter:axsnipersc"].startswith("Twitch Affiliate.")
    _check_reimport(store, path)


def test_twarc_csv_json_encoded_text_is_decoded(tmp_path):
    """The early layout's JSON-encoded text is decoded; in the released layout only a file whose
    every string cell is JSON-encoded (twarc-csv --json-encode-text) is, not a tweet in quotes."""
    early = tmp_path / "early.csv"
    with open(early, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([
            ["id", "text", "author_id", "author.username", "author.description", "author.name",
             "type", "referenced_tweets", "entities.mentions", "public_metrics.like_count"],
            ["1", json.dumps("Nobody: \n\ncan\u2019t \"stop\""), "10", "ana", json.dumps("café\nbar"),
             '"Ana"', "", "", "", "1"],
            ["2", "not \"json\"", "11", "bo", "", "Bo", "", "", "", ""],
        ])
    store, _ = _import(early)
    texts = {p.id: p.text for p in store.posts()}
    assert texts == {"twitter:1": 'Nobody: \n\ncan\u2019t "stop"', "twitter:2": 'not "json"'}
    actors = {a.id: a for a in store.actors()}
    assert actors["twitter:ana"].bio == "café\nbar" and actors["twitter:ana"].name == '"Ana"'
    released = tmp_path / "released.csv"
    header = ["id", "referenced_tweets.replied_to.id", "author_id", "text", "author.username"]
    with open(released, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, ["1", "", "10", '"a tweet in quotes"', "ana"]])
    assert {p.text for p in _import(released)[0].posts()} == {'"a tweet in quotes"'}
    with open(released, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, ['"1"', "", '"10"', json.dumps("hi\n@bo"), '"ana"']])
    store, _ = _import(released)
    assert [(p.id, p.text) for p in store.posts()] == [("twitter:1", "hi\n@bo")]
    assert [(p.author, a.id) for p in store.posts() for a in store.actors()] == [("twitter:ana", "twitter:ana")]


def test_twarc_csv_released_layout(tmp_path):
    # the released twarc-csv column names (DocNow/twarc-csv dataframe_converter.DEFAULT_TWEET_COLUMNS):
    # lists are JSON-encoded cells, mentions as "@name", urls as expanded URLs
    header = ["id", "conversation_id", "referenced_tweets.replied_to.id", "referenced_tweets.retweeted.id",
              "referenced_tweets.quoted.id", "author_id", "in_reply_to_user_id", "in_reply_to_username",
              "retweeted_user_id", "retweeted_username", "quoted_user_id", "quoted_username", "created_at",
              "text", "lang", "public_metrics.reply_count", "public_metrics.retweet_count",
              "public_metrics.like_count", "entities.hashtags", "entities.mentions", "entities.urls",
              "author.id", "author.username", "author.public_metrics.followers_count"]
    rows = [
        ["1", "1", "", "", "", "10", "", "", "", "", "", "", "2023-01-01T00:00:00.000Z", "hi @bo #Coffee",
         "en", "1", "2", "3", '["#Coffee"]', '["@bo"]', '["https://www.shop.example/a", "https://twitter.com/x/status/9"]',
         "10", "Ana", "100"],
        ["2", "1", "1", "", "", "11", "10", "Ana", "", "", "", "", "2023-01-01T01:00:00.000Z", "@Ana yes",
         "en", "0", "0", "1", "", '["@Ana"]', "", "11", "bo", "7"],
        ["3", "3", "", "1", "", "12", "", "", "10", "Ana", "", "", "2023-01-01T02:00:00.000Z", "RT @Ana: hi",
         "en", "0", "2", "0", "", '["@Ana"]', "", "12", "cy", ""],
        ["4", "4", "", "", "2", "12", "", "", "", "", "", "", "2023-01-01T03:00:00.000Z", "look",
         "en", "0", "0", "0", "", "", "", "12", "cy", ""],
    ]
    path = tmp_path / "tweets.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    assert sniff(str(path)) == "twarc-csv"
    store, rep = _import(path)
    assert rep.format == "twarc-csv" and rep.found == {"tweets": 4, "posts": 4}
    assert sorted((i.source, i.target, i.kind.value) for i in store.interactions()) == [
        ("twitter:ana", "twitter:bo", "mention"),
        ("twitter:ana", "web:shop.example", "link"),
        ("twitter:bo", "twitter:ana", "reply"),     # its @Ana mention is the reply itself
        ("twitter:cy", "twitter:ana", "reshare"),
        ("twitter:cy", "twitter:bo", "quote"),      # tweet 2's author, found earlier in the file
    ]
    posts = {p.id: p for p in store.posts()}
    assert posts["twitter:1"].tags == ("Coffee",) and posts["twitter:1"].likes == 3
    assert posts["twitter:2"].parent == "twitter:1" and posts["twitter:3"].reshares is None
    assert {a.id: a.followers for a in store.actors()}["twitter:ana"] == 100


# -- Mastodon / ActivityPub ------------------------------------------------------------------------

_AP_USER = re.compile(r"^https://([^/]+)/users/([^/]+)")


def test_mastodon_outbox_page():
    path = _sample("mastodon_outbox/xposter_hachyderm_outbox_page.json")
    assert sniff(str(path)) == "activitypub"
    store, rep = _import(path)
    doc = json.loads(path.read_text(encoding="utf-8"))

    def who(uri):
        m = _AP_USER.match(uri)
        return f"mastodon:@{m.group(2).lower()}@{m.group(1)}"

    posts, inter = set(), Counter()
    for act in doc["orderedItems"]:
        me = who(act["actor"])
        if act["type"] == "Announce":
            inter[(me, who(act["object"]), "reshare", act["object"])] += 1
            continue
        note = act["object"]
        posts.add(note["id"])
        target = who(note["inReplyTo"]) if note.get("inReplyTo") else None
        if target:
            inter[(me, target, "reply", note["id"])] += 1
        for tag in note.get("tag", []):
            if tag["type"] == "Mention":
                t = "mastodon:" + tag["name"].lower()
                if t not in (me, target):
                    inter[(me, t, "mention", note["id"])] += 1
        hrefs = re.findall(r'<a href="([^"]+)"(?: class="([^"]*)")?', note["content"])
        for site in {web_actor(h) for h, cls in hrefs if "mention" not in cls and "hashtag" not in cls}:
            inter[(me, site, "link", note["id"])] += 1
    assert _got(store) == (posts, inter)
    assert rep.found == {"Announce activities": 14, "Create activities": 6, "posts": 6}
    assert Counter(k[2] for k in inter.elements())["reshare"] == 14
    _check_reimport(store, path)


def test_activitypub_archive_outbox(tmp_path):
    pub = ["https://www.w3.org/ns/activitystreams#Public"]
    me = "https://social.example/users/ana"
    doc = {"@context": "https://www.w3.org/ns/activitystreams", "id": me + "/outbox",
           "type": "OrderedCollection", "totalItems": 4, "orderedItems": [
               {"type": "Create", "actor": me, "published": "2024-01-01T00:00:00Z", "to": pub, "object": {
                   "id": me + "/statuses/1", "type": "Note", "attributedTo": me, "to": pub,
                   "content": "<p>hola</p>", "contentMap": {"es": "<p>hola</p>"},
                   "published": "2024-01-01T00:00:00Z", "tag": [{"type": "Hashtag", "name": "#cafe"}]}},
               {"type": "Create", "actor": me, "published": "2024-01-02T00:00:00Z", "to": [me + "/followers"],
                "object": {"id": me + "/statuses/2", "type": "Note", "attributedTo": me, "to": [me + "/followers"],
                           "content": "<p>private</p>", "published": "2024-01-02T00:00:00Z"}},
               {"type": "Create", "actor": me, "published": "2024-01-03T00:00:00Z", "to": pub, "object": {
                   "id": me + "/statuses/3", "type": "Note", "attributedTo": me, "to": pub,
                   "inReplyTo": "https://other.example/objects/abc", "content": "<p>re</p>",
                   "published": "2024-01-03T00:00:00Z"}},
               {"type": "Announce", "actor": me, "published": "2024-01-04T00:00:00Z", "to": pub,
                "cc": [me + "/followers"], "object": "https://other.example/objects/xyz"},
               {"type": "Announce", "actor": me, "published": "2024-01-05T00:00:00Z", "to": pub,
                "cc": ["https://bsky.example/@luis", me + "/followers"], "object": "https://bsky.example/@luis/77"},
           ]}
    path = tmp_path / "outbox.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    store, rep = _import(path)
    assert [(i.source, i.target, i.kind.value) for i in store.interactions()] == [
        ("mastodon:@ana@social.example", "mastodon:@luis@bsky.example", "reshare")]
    posts = {p.id: p for p in store.posts()}
    assert set(posts) == {me + "/statuses/1", me + "/statuses/3"}
    assert posts[me + "/statuses/1"].language == "es" and posts[me + "/statuses/1"].tags == ("cafe",)
    assert rep.unresolved == {"followers-only or direct posts (not public: not imported)": 1,
                              "replies to a post in neither the file nor the store": 1,
                              "reshares of a post whose author is unknown": 1}


# -- the command line ------------------------------------------------------------------------------


def test_cli_summary_names_what_it_found(tmp_path):
    path = _sample("twarc2_jsonl/twarc-csv_mentions_tweet.jsonl")
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "s.db"), str(path)])
    assert result.exit_code == 0, result.output
    assert "twarc2 export, 1 lines read" in result.output
    assert "found: 1 pages, 1 tweets, 1 posts" in result.output
    assert "interactions by kind: reshare 1" in result.output


def test_generic_files_are_not_taken_for_exports(tmp_path):
    posts = tmp_path / "posts.jsonl"
    _lines(posts, [{"id": "p1", "author": "ana", "text": "hi"}])
    inter = tmp_path / "e.csv"
    inter.write_text("source,target,kind\na,b,mention\n", encoding="utf-8")
    assert sniff(str(posts)) is None and sniff(str(inter)) is None


def test_cli_json_summary(tmp_path):
    path = _lines(tmp_path / "RC.ndjson", [
        {"id": "c1", "author": "Ana", "body": "x", "parent_id": "t3_gone", "created_utc": 1600000000},
        {"id": "c2", "author": "[deleted]", "body": "x", "parent_id": "t1_c1", "created_utc": 1600000001},
        {"id": "c3", "author": "Bo", "body": "x", "parent_id": "t1_c1", "created_utc": 1600000002}])
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "s.db"), str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    (rep,) = out["files"]
    assert rep["format"] == "reddit" and rep["rows"] == 3 and rep["by_kind"] == {"reply": 1}
    assert rep["unresolved"] == {"comments by a deleted or missing author (not imported)": 1,
                                 "replies to a post in neither the file nor the store": 1}
    assert out["store"]["posts"] == 2 and out["store"]["interactions"] == 1


def test_parent_beyond_the_memory_window_is_found_in_the_store(tmp_path, monkeypatch):
    # only the last RECENT_POSTS authors stay in memory; older posts are looked up in the store,
    # which has them by then (written in batches of WRITE_BATCH, inside the same transaction)
    from influence import formats
    from influence import store as store_mod

    monkeypatch.setattr(formats, "RECENT_POSTS", 3)
    monkeypatch.setattr(store_mod, "WRITE_BATCH", 2)
    rows = [{"id": "root", "author": "Ana", "title": "t", "created_utc": 1600000000}]
    rows += [{"id": f"f{i}", "author": f"user{i}", "title": "t", "created_utc": 1600000000 + i} for i in range(10)]
    rows += [{"id": "c1", "author": "Bo", "body": "x", "parent_id": "t3_root", "created_utc": 1600000100}]
    path = _lines(tmp_path / "mixed.ndjson", rows)
    store, rep = _import(path)
    assert [(i.source, i.target, i.kind.value) for i in store.interactions()] == [
        ("reddit:u/bo", "reddit:u/ana", "reply")]
    assert rep.unresolved == {}


# -- Bluesky repository exports (CAR) --------------------------------------------------------------


@pytest.mark.parametrize("name", ["indigo_fakermaker.repo.car", "indigo_greenground.repo.car"])
def test_bluesky_car(name, tmp_path):
    path = _sample(f"bluesky_car/{name}")
    assert sniff(str(path)) == "bluesky-car"
    store, rep = _import(path)
    # the record counts PROVENANCE.md / index.json give, from their own reading of the blocks
    index = json.loads((EXPORTS / "index.json").read_text(encoding="utf-8"))
    (entry,) = [f for f in index["files"] if f["file"] == f"bluesky_car/{name}"]
    blocks = {k: v for k, v in entry["records"]["blocks_by_type"].items() if k.startswith("app.bsky.")}
    assert {k[:-len(" records")]: v for k, v in rep.found.items() if k.endswith(" records")} == blocks
    assert rep.rows == sum(blocks.values())
    kinds = Counter(i.kind.value for i in store.interactions())
    raw = path.read_bytes()
    assert kinds["follow"] == blocks.get("app.bsky.graph.follow", 0)
    assert kinds["like"] == blocks.get("app.bsky.feed.like", 0)
    assert kinds["reshare"] == blocks.get("app.bsky.feed.repost", 0)
    # replies: each post's "reply" map {parent, root} (CBOR: text "reply", then a 2-entry map)
    assert kinds["reply"] == raw.count(b"\x65reply\xa2")
    assert store.counts()["posts"] == blocks.get("app.bsky.feed.post", 0)
    # every record's author is the repository's DID: one source for all interactions
    assert len({i.source for i in store.interactions()}) == 1
    assert all(i.source.startswith("bluesky:did:plc:") for i in store.interactions())
    _check_reimport(store, path)
    # a truncated file is one clear error, nothing written
    cut = tmp_path / "cut.car"
    cut.write_bytes(raw[: len(raw) - 7])
    with pytest.raises(InputDataError, match="cannot read the CAR file"):
        import_file(Store(":memory:"), cut)


def test_activitypub_likes_collection_is_counted_not_refused(tmp_path):
    # a Mastodon archive's likes.json: an OrderedCollection of status URIs, with no actor named
    path = tmp_path / "likes.json"
    path.write_text(json.dumps({"@context": "https://www.w3.org/ns/activitystreams", "id": "likes.json",
                                "type": "OrderedCollection", "orderedItems": [
                                    "https://a.example/users/x/statuses/1", "https://b.example/users/y/statuses/2"]}),
                    encoding="utf-8")
    store, rep = _import(path)
    assert store.counts()["interactions"] == 0 and rep.rows == 2
    assert rep.unresolved == {"items that are only a post URI (likes.json or bookmarks.json name no actor)": 2}


def test_twitter_v1_lines(tmp_path):
    # Twitter API v1.1 tweets, one per line (twarc 1, Hydrator): the same mapping as twarc2
    ana = {"id_str": "10", "screen_name": "Ana", "name": "Ana P", "followers_count": 120}
    bo = {"id_str": "11", "screen_name": "bo", "followers_count": 7}
    original = {"id_str": "1", "created_at": "Wed Oct 10 20:19:24 +0000 2018", "user": ana, "lang": "en",
                "full_text": "hi @bo #Coffee https://t.co/x", "favorite_count": 4, "retweet_count": 2,
                "entities": {"user_mentions": [{"screen_name": "bo", "id_str": "11"}],
                             "hashtags": [{"text": "Coffee"}],
                             "urls": [{"url": "https://t.co/x", "expanded_url": "https://bit.ly/abc",
                                       "unwound": {"url": "https://www.shop.example/p"}}]}}
    retweet = {"id_str": "2", "created_at": "Wed Oct 10 21:00:00 +0000 2018", "user": bo,
               "text": "RT @Ana: hi", "retweeted_status": original, "favorite_count": 0, "retweet_count": 2,
               "entities": {"user_mentions": [{"screen_name": "Ana", "id_str": "10"}]}}
    reply = {"id_str": "3", "created_at": "Wed Oct 10 22:00:00 +0000 2018", "user": bo, "text": "@Ana yes",
             "in_reply_to_status_id_str": "1", "in_reply_to_user_id_str": "10", "in_reply_to_screen_name": "Ana",
             "entities": {"user_mentions": [{"screen_name": "Ana", "id_str": "10"}]}}
    quote = {"id_str": "4", "created_at": "Wed Oct 10 23:00:00 +0000 2018", "user": ana, "text": "look",
             "quoted_status_id_str": "3", "quoted_status": reply}
    path = _lines(tmp_path / "tweets.jsonl", [original, retweet, reply, quote])
    assert sniff(str(path)) == "twarc2"
    store, rep = _import(path)
    assert sorted((i.source, i.target, i.kind.value) for i in store.interactions()) == [
        ("twitter:ana", "twitter:bo", "mention"),
        ("twitter:ana", "twitter:bo", "quote"),
        ("twitter:ana", "web:shop.example", "link"),  # the unwound URL, not the shortener
        ("twitter:bo", "twitter:ana", "reply"),
        ("twitter:bo", "twitter:ana", "reshare"),
    ]
    posts = {p.id: p for p in store.posts()}
    assert posts["twitter:1"].timestamp == 1539202764.0 and posts["twitter:1"].tags == ("Coffee",)
    assert posts["twitter:1"].likes == 4 and posts["twitter:2"].likes is None
    assert posts["twitter:3"].parent == "twitter:1"
    assert {a.id: a.followers for a in store.actors()}["twitter:ana"] == 120
    assert rep.found["v1.1 tweets"] == 4


def test_reddit_integer_parent_ids(tmp_path):
    # some Pushshift API versions give parent_id/link_id as base-10 numbers
    sub = {"id": "abc", "author": "Ana", "title": "t", "created_utc": 1600000000}
    top = {"id": "k1", "author": "Bo", "body": "x", "parent_id": int("abc", 36), "link_id": int("abc", 36),
           "created_utc": 1600000001}
    nested = {"id": "k2", "author": "Cy", "body": "y", "parent_id": int("k1", 36), "link_id": int("abc", 36),
              "created_utc": 1600000002}
    store, _ = _import(_lines(tmp_path / "RC.ndjson", [sub, top, nested]))
    assert sorted((i.source, i.target, i.kind.value) for i in store.interactions()) == [
        ("reddit:u/bo", "reddit:u/ana", "reply"), ("reddit:u/cy", "reddit:u/bo", "reply")]
