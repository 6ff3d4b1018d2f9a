"""influence.text: tokens, stop words, hashtags, links and TF-IDF.

Expected values are written out by hand, read from the stop-word package's own list files, or
computed with scikit-learn's TfidfVectorizer (an independent implementation of the same formula).
"""

from __future__ import annotations

import gzip
import json
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from influence.text import (
    SOCIAL_STOP_WORDS,
    extract_domains,
    extract_hashtags,
    extract_urls,
    fold,
    stop_words,
    term_counts,
    tfidf,
    tokenize,
    top_terms,
)

from .conftest import shared_path


def _package_list(language: str) -> list[str]:
    """The raw stop-word file shipped by the stop-words package."""
    import stop_words as sw_pkg

    path = Path(sw_pkg.__file__).parent / "stop-words" / f"{language}.txt"
    return [w.strip() for w in path.read_text(encoding="utf-8").splitlines() if w.strip()]


# -- fold, stop words ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Café", "cafe"),
    ("PEÑA", "pena"),
    ("Ação", "acao"),
    ("Straße", "strasse"),  # casefold, not lower
    ("ﬁlter", "filter"),  # NFKD splits the ligature
    ("déjà vu", "deja vu"),
])
def test_fold(text, expected):
    assert fold(text) == expected


@given(st.text())
def test_fold_is_idempotent_and_has_no_combining_marks(text):
    once = fold(text)
    assert fold(once) == once
    assert not any(unicodedata.combining(c) for c in once)


def test_stop_words_are_the_package_lists_folded():
    sw = stop_words(["es", "en"])
    es, en = _package_list("spanish"), _package_list("english")
    assert len(es) > 500 and len(en) > 1000
    assert {fold(w) for w in es} | {fold(w) for w in en} | SOCIAL_STOP_WORDS <= sw
    # accents folded: "también" is listed with its accent, matched without
    assert "también" in es and "tambien" in sw
    # topic words of the demo sector are not stop words
    assert not {"cafe", "coffee", "espresso", "barista", "tueste"} & sw


def test_stop_words_one_language_and_errors():
    es_only = stop_words(["es"])
    assert "que" in es_only and "the" not in es_only
    assert stop_words(["spanish"]) == es_only
    with pytest.raises(ValueError, match="no stop-word list for language 'xx'"):
        stop_words(["xx"])


# -- extraction ------------------------------------------------------------------------------------


def test_urls_domains_and_hashtags():
    text = ("Mira https://www.Cafe.example:8443/p/1?x=2, y (http://blog.example.org/a). "
            "#CaféDeEspecialidad #v60 #2024 C# issue#4 &#39; https://x.example/#frag")
    assert extract_urls(text) == [
        "https://www.Cafe.example:8443/p/1?x=2", "http://blog.example.org/a", "https://x.example/#frag",
    ]
    assert extract_domains(text) == ["cafe.example", "blog.example.org", "x.example"]
    assert extract_hashtags(text) == ["#cafedeespecialidad", "#v60"]
    assert extract_urls("") == [] and extract_hashtags("") == [] and extract_domains("no links") == []


def test_tokenize_removes_links_mentions_hashtags_numbers_and_stop_words():
    text = ("Vía @julia@mastodon-es.example y @bob.bsky.social: el espresso de 2024 en "
            "cafes.example/p/1 https://x.example/a #barista ¡Qué crema!")
    assert tokenize(text) == ["espresso", "crema"]
    assert tokenize(text, keep_hashtags=True) == ["espresso", "barista", "crema"]
    assert tokenize(text, languages=None) == ["via", "el", "espresso", "de", "en", "que", "crema"]
    assert tokenize("Crème brûlée", languages=None, fold_accents=False) == ["crème", "brûlée"]
    assert tokenize("don't brew the beans", languages=["en"]) == ["brew", "beans"]  # "don't" listed
    assert tokenize("coffee x y", languages=None, min_length=1) == ["coffee", "x", "y"]
    assert tokenize("V60 V60", stop=["v60"], languages=None) == []


@given(st.text())
def test_tokens_are_folded_words_outside_the_stop_list(text):
    sw = stop_words(["es", "en"])
    for tok in tokenize(text):
        assert tok == fold(tok) and tok not in sw and not tok.isdigit() and len(tok) >= 2
        assert not any(c.isspace() for c in tok)


# -- counting and TF-IDF ---------------------------------------------------------------------------


def test_term_counts_counts_documents_and_keeps_the_usual_spelling():
    counts, docs, forms = term_counts(
        ["Café y más café", "un cafe solo", "Cafe, café, CAFÉ", "té verde"], languages=["es"],
    )
    assert counts["cafe"] == 6 and docs["cafe"] == 3
    assert forms["cafe"] == "café"  # 4 of 6 write it with the accent
    assert counts["verde"] == 1 and forms["verde"] == "verde"
    # the price of folding: "té" (tea) becomes the pronoun "te", a stop word
    assert counts["te"] == 0


def test_phrases_do_not_cross_punctuation_stop_words_or_links():
    counts, _, _ = term_counts(
        ["cold brew, latte art", "cold brew https://x.example latte", "latte and art"],
        languages=["en"], ngrams=2,
    )
    assert counts["cold brew"] == 2
    assert counts["latte art"] == 1  # "latte and art": the stop word breaks the phrase
    assert counts["brew latte"] == 0  # neither the comma nor the link joins them


def test_tfidf_matches_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = {
        "brew": ["v60", "v60", "v60", "grinder", "coffee", "coffee"],
        "bar": ["espresso", "espresso", "milk", "coffee"],
        "roast": ["green", "profile", "coffee", "coffee", "coffee", "grinder"],
    }
    ours = tfidf({g: Counter(ws) for g, ws in docs.items()})
    vec = TfidfVectorizer(analyzer=lambda ws: ws, sublinear_tf=True)
    X = vec.fit_transform(list(docs.values())).toarray()
    vocab = vec.vocabulary_
    for i, g in enumerate(docs):
        expected = {t: X[i, j] for t, j in vocab.items() if X[i, j] > 0}
        assert ours[g].keys() == expected.keys()
        for t, w in expected.items():
            assert ours[g][t] == pytest.approx(w, rel=1e-12)
    # raw tf as well
    raw = tfidf({g: Counter(ws) for g, ws in docs.items()}, sublinear_tf=False)
    X = TfidfVectorizer(analyzer=lambda ws: ws).fit_transform(list(docs.values())).toarray()
    assert raw["brew"]["v60"] == pytest.approx(X[0, vocab["v60"]])


def test_top_terms_ranks_distinctive_terms_and_merges_phrases():
    groups = {
        "brew": ["my cold brew", "cold brew again", "cold brew and coffee", "coffee"],
        "bar": ["espresso shot", "espresso and milk", "coffee with milk", "coffee"],
        "rest": ["coffee", "coffee news", "coffee"],
    }
    out = top_terms(groups, top=3, languages=["en"], ngrams=2)
    assert [t for t, _ in out["brew"]] == ["cold brew", "coffee"]
    assert [t for t, _ in out["bar"]] == ["espresso", "milk", "coffee"]
    # single words only, the phrase's words come apart
    words = top_terms(groups, top=3, languages=["en"])
    assert [t for t, _ in words["brew"]] == ["brew", "cold", "coffee"]
    # min_docs: "shot" is in one post of "bar" only
    assert "shot" not in dict(top_terms(groups, top=10, languages=["en"])["bar"])
    assert "shot" in dict(top_terms(groups, top=10, languages=["en"], min_docs=1)["bar"])


# -- real text: three subreddits -------------------------------------------------------------------


@pytest.fixture(scope="module")
def subreddit_texts():
    reddit = shared_path("datasets", "reddit-college")
    groups: dict[str, list[str]] = {}
    for path in sorted(reddit.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                sub, thread = row["source_file"].split("/")[0], row["thread"]
                texts = groups.setdefault(sub, [])
                texts.append(f"{thread.get('title:') or ''} | {thread.get('text') or ''}")
                stack = list(thread.get("comments", {}).values())
                while stack:
                    c = stack.pop()
                    texts.append(c.get("text") or "")
                    stack.extend((c.get("replies") or {}).values())
    return groups


def test_subreddit_terms(subreddit_texts):
    # the README's counts: threads + comments of each subreddit
    assert {s: len(t) for s, t in subreddit_texts.items()} == {
        "CollegeAdvice": 818 + 1402, "CollegeMajors": 1274 + 4509, "Emory": 1591 + 9567,
    }
    out = top_terms(subreddit_texts, top=10)
    # the word most specific to r/Emory, counted independently: in how many texts of each group
    # "emory" occurs (as a word, any case) -- only r/Emory uses it in more than 1% of its texts
    def share(sub, word):
        texts = subreddit_texts[sub]
        return sum(word in fold(t).split() for t in texts) / len(texts)

    assert share("Emory", "emory") > 0.1
    assert max(share("CollegeAdvice", "emory"), share("CollegeMajors", "emory")) < 0.01
    assert out["Emory"][0][0] == "emory"
    assert out["CollegeMajors"][0][0] == "major"
    assert "major" not in {t for t, _ in out["Emory"]}
    scores = [s for _, s in out["CollegeAdvice"]]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
