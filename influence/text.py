"""Text helpers shared by the analyses: tokens, stop words, hashtags, links and TF-IDF.

Everything here is a pure function of its input (no models, no downloads), written for the
sector's languages, Spanish and English, and general enough for any language the stop-word
package knows (``stop_words.AVAILABLE_LANGUAGES``: 30+).

=========================== =============================================================
function                    what it does
=========================== =============================================================
:func:`fold`                lower-case and strip accents (``"Café"`` -> ``"cafe"``)
:func:`tokenize`            words of a post, without URLs, @mentions, hashtags, numbers,
                            stop words; optionally accent-folded
:func:`stop_words`          the stop-word set of some languages (from ``stop-words``)
:func:`extract_hashtags`    ``#hashtags``, lower-cased and accent-folded
:func:`extract_urls`        ``http(s)://`` links
:func:`extract_domains`     the host of each link, lower-cased, without ``www.``
:func:`term_counts`         token counts of many texts, with a readable form of each term
:func:`tfidf`               TF-IDF of groups of texts against each other
:func:`top_terms`           the most distinctive terms of each group, in readable form
=========================== =============================================================

Accent folding
--------------
Spanish posts write the same word with and without accents (``café``/``cafe``,
``También``/``tambien``) and hashtags almost never carry them. Tokens, stop words and hashtags are
therefore compared accent-folded (Unicode NFKD, combining marks removed, ``str.casefold``), while
:func:`term_counts` remembers the most frequent spelling of each folded term so that results are
shown as people wrote them (``café``, not ``cafe``). The price is a rare collision: ``té`` (tea)
folds to the pronoun ``te``, a stop word.

Stop words
----------
From the maintained `stop-words <https://pypi.org/project/stop-words/>`_ package, which ships its
lists (nothing is downloaded at run time), accent-folded, plus a few tokens that are noise in
social-media text in any language (:data:`SOCIAL_STOP_WORDS`: ``rt``, ``amp``, ``https``...).

Examples
--------
>>> tokenize("¡Qué pinta el café de @ana@cafes.example! https://x.example #Barista")
['pinta', 'cafe']
>>> extract_hashtags("Latte art #CaféDeEspecialidad #latteart #latteart")
['#cafedeespecialidad', '#latteart', '#latteart']
>>> extract_domains("Read https://www.Example.org/a and http://blog.example.net/b?c=1.")
['example.org', 'blog.example.net']
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from functools import lru_cache
from urllib.parse import urlsplit

__all__ = [
    "SOCIAL_STOP_WORDS",
    "fold",
    "stop_words",
    "tokenize",
    "extract_hashtags",
    "extract_urls",
    "extract_domains",
    "term_counts",
    "tfidf",
    "top_terms",
]

#: Tokens that carry no topic in social-media text, whatever the language.
SOCIAL_STOP_WORDS: frozenset[str] = frozenset(
    {"rt", "amp", "gt", "lt", "http", "https", "www", "com", "via", "cc", "nbsp", "quot"}
)

# A URL runs to the next whitespace; trailing punctuation belongs to the sentence, not the link.
_URL_RE = re.compile(r"\bhttps?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAIL = ".,;:!?)]}'\"…»"
# A bare host name (cafe.example, blog.example.org/p/1): a site named in text, not a word.
_BARE_HOST_RE = re.compile(r"(?<![\w@.-])[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}\b(?:/\S*)?")
# Fediverse handles (@user@host.tld) and plain ones (@user, @user.bsky.social).
_MENTION_RE = re.compile(r"(?<![\w@])@[\w.-]+(?:@[\w-]+(?:\.[\w-]+)+)?")
# A hashtag starts after a non-word character and holds at least one letter (#2024 is no tag).
_HASHTAG_RE = re.compile(r"(?<![\w#&])#(\w*[^\W\d_]\w*)")
# Words: letters and digits, with inner apostrophes kept ("don't", "l'eau") so that the
# stop-word lists, which spell them that way, can catch them.
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def fold(text: str) -> str:
    """Lower-case ``text`` and remove its accents.

    Parameters
    ----------
    text : str

    Returns
    -------
    str
        NFKD-decomposed, combining marks removed, case-folded. ``ñ`` becomes ``n``, like every
        accented letter: search engines and hashtags treat them the same way.

    Examples
    --------
    >>> fold("Café TOSTADO en Peñíscola")
    'cafe tostado en peniscola'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Words repeat a lot (Zipf): folding each distinct word once makes tokenising ~3x faster.
_fold_word = lru_cache(maxsize=1 << 17)(fold)


@lru_cache(maxsize=32)
def _stop_words(languages: tuple[str, ...]) -> frozenset[str]:
    from stop_words import StopWordError, get_stop_words

    words: set[str] = set(SOCIAL_STOP_WORDS)
    for lang in languages:
        try:
            listed = get_stop_words(lang)
        except StopWordError:
            raise ValueError(
                f"no stop-word list for language {lang!r} (the stop-words package knows "
                "ISO 639-1 codes such as 'es', 'en', 'fr', 'pt', 'de')"
            ) from None
        for w in listed:
            words.add(fold(w))
            # the lists spell "don't"; posts write "don’t" as often
            if "'" in w:
                words.add(fold(w.replace("'", "’")))
    return frozenset(words)


def stop_words(languages: Iterable[str] = ("es", "en")) -> frozenset[str]:
    """The accent-folded stop words of ``languages``, plus :data:`SOCIAL_STOP_WORDS`.

    Parameters
    ----------
    languages : iterable of str, default=("es", "en")
        ISO 639-1 codes (``"es"``) or names (``"spanish"``) known to the ``stop-words`` package.

    Returns
    -------
    frozenset of str

    Raises
    ------
    ValueError
        If a language has no list.

    Examples
    --------
    >>> sw = stop_words(["es", "en"])
    >>> {"que", "the", "tambien", "rt"} <= sw, "cafe" in sw
    (True, False)
    """
    return _stop_words(tuple(sorted(set(languages))))


def extract_urls(text: str) -> list[str]:
    """The ``http(s)://`` links in ``text``, in order, without trailing punctuation.

    Examples
    --------
    >>> extract_urls("See https://a.example/x, (and http://b.example/y).")
    ['https://a.example/x', 'http://b.example/y']
    """
    return [m.group(0).rstrip(_URL_TRAIL) for m in _URL_RE.finditer(text or "")]


def _host(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.lower().rstrip(".").removeprefix("www.")


def extract_domains(text: str) -> list[str]:
    """The host of every link in ``text``: lower-cased, without ``www.`` and port.

    Examples
    --------
    >>> extract_domains("https://WWW.Cafe.example:8443/p/1 and https://cafe.example/p/2")
    ['cafe.example', 'cafe.example']
    """
    return [h for h in (_host(u) for u in extract_urls(text)) if h]


def extract_hashtags(text: str) -> list[str]:
    """The hashtags of ``text``, each as ``"#" + fold(tag)``, in order (repeats kept).

    URLs are removed first, so the fragment of ``https://x.example/#top`` is not a hashtag.

    Examples
    --------
    >>> extract_hashtags("#V60 o #AeroPress? https://x.example/#no #2024 C#")
    ['#v60', '#aeropress']
    """
    text = _URL_RE.sub(" ", text or "")
    return ["#" + fold(m.group(1)) for m in _HASHTAG_RE.finditer(text)]


def _strip(text: str, keep_hashtags: bool) -> str:
    # " | " rather than " ": the words on either side of a removed link are not one phrase
    text = _URL_RE.sub(" | ", text)
    text = _MENTION_RE.sub(" | ", text)
    text = _BARE_HOST_RE.sub(" | ", text)
    if not keep_hashtags:
        text = _HASHTAG_RE.sub(" | ", text)
    return text


def _runs(text, languages, stop, fold_accents, keep_hashtags, min_length) -> list[list[str]]:
    """The kept tokens of ``text``, in runs of words separated only by white space: a stop
    word, a number, punctuation or a removed link ends a run ("cold brew, please" -> [cold, brew])."""
    sw = stop_words(languages) if languages is not None else frozenset()
    if stop is not None:
        sw = sw | {fold(w) for w in stop}
    stripped = _strip(text or "", keep_hashtags)
    runs: list[list[str]] = []
    current: list[str] = []
    end = 0
    for m in _WORD_RE.finditer(stripped):
        if current and not stripped[end:m.start()].isspace():
            runs.append(current)
            current = []
        end = m.end()
        word = m.group(0)
        folded = _fold_word(word)
        if len(folded) < min_length or folded.isdigit() or folded in sw:
            if current:
                runs.append(current)
                current = []
            continue
        current.append(folded if fold_accents else word.lower())
    if current:
        runs.append(current)
    return runs


def tokenize(
    text: str,
    *,
    languages: Iterable[str] | None = ("es", "en"),
    stop: Iterable[str] | None = None,
    fold_accents: bool = True,
    keep_hashtags: bool = False,
    min_length: int = 2,
) -> list[str]:
    """Split a post into lower-case words for counting.

    URLs, bare host names (``cafe.example``) and @mentions are removed, hashtags too unless ``keep_hashtags`` (then the tag's word is
    kept, without ``#``); tokens made only of digits, shorter than ``min_length`` or in the stop
    words are dropped.

    Parameters
    ----------
    text : str
    languages : iterable of str or None, default=("es", "en")
        Languages whose stop words are removed (see :func:`stop_words`); ``None`` removes none.
    stop : iterable of str, optional
        Extra stop words (compared accent-folded).
    fold_accents : bool, default=True
        Return accent-folded tokens (``cafe``); ``False`` returns them lower-cased as written
        (``café``). Stop words are matched folded either way.
    keep_hashtags : bool, default=False
    min_length : int, default=2

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokenize("También probé la V60 en 2024: ¡genial! #v60")
    ['probe', 'v60', 'genial']
    >>> tokenize("También probé la V60", fold_accents=False)
    ['probé', 'v60']
    >>> tokenize("Lo cuenta cafe.example/p/1. Y tú?", languages=None)
    ['lo', 'cuenta', 'tu']
    >>> tokenize("I don't like the new grinder", languages=None)
    ["don't", 'like', 'the', 'new', 'grinder']
    """
    runs = _runs(text, languages, stop, fold_accents, keep_hashtags, min_length)
    return [w for run in runs for w in run]


def term_counts(
    texts: Iterable[str],
    *,
    languages: Iterable[str] | None = ("es", "en"),
    stop: Iterable[str] | None = None,
    min_length: int = 2,
    ngrams: int = 1,
) -> tuple[Counter, Counter, dict[str, str]]:
    """Count the accent-folded terms of many texts.

    Parameters
    ----------
    texts : iterable of str
        One text per document (post).
    languages, stop, min_length
        As in :func:`tokenize`.
    ngrams : int, default=1
        Also count phrases of up to this many words (``2``: "cold brew", "latte art"): words
        that follow each other in the text with only white space between them, so that no
        phrase spans a removed stop word, a number, punctuation or a link.

    Returns
    -------
    counts : collections.Counter
        Occurrences of each folded term.
    doc_counts : collections.Counter
        Number of texts containing each folded term.
    forms : dict of str to str
        The most frequent lower-case spelling of each folded term (ties: the first seen).

    Examples
    --------
    >>> counts, docs, forms = term_counts(["Café solo", "un cafe", "café con leche"])
    >>> counts["cafe"], docs["cafe"], forms["cafe"]
    (3, 3, 'café')
    >>> term_counts(["Cold brew for summer. Summer heat"], ngrams=2)[0]
    Counter({'summer': 2, 'cold': 1, 'brew': 1, 'heat': 1, 'cold brew': 1, 'summer heat': 1})
    """
    docs: Counter = Counter()
    spellings: dict[str, dict[str, int]] = {}
    for text in texts:
        runs = _runs(text, languages, stop, False, False, min_length)
        words = [w for run in runs for w in run]
        for n in range(2, ngrams + 1):
            words += [" ".join(run[i:i + n]) for run in runs for i in range(len(run) - n + 1)]
        seen = set()
        for w in words:
            f = _fold_word(w)
            forms_of = spellings.get(f)
            if forms_of is None:
                forms_of = spellings[f] = {}
            forms_of[w] = forms_of.get(w, 0) + 1
            seen.add(f)
        docs.update(seen)
    counts: Counter = Counter({f: sum(c.values()) for f, c in spellings.items()})
    # most frequent spelling; ties: the first seen (dicts keep insertion order, max keeps the first)
    forms = {f: max(c, key=c.__getitem__) for f, c in spellings.items()}
    return counts, docs, forms


def tfidf(
    counts: Mapping[Hashable, Mapping[str, float]],
    *,
    sublinear_tf: bool = True,
) -> dict[Hashable, dict[str, float]]:
    """TF-IDF of each group's terms, the groups being the documents.

    For group g and term t, with ``n`` groups of which ``df(t)`` use t::

        tf(t, g)  = 1 + ln(count(t, g))       (sublinear_tf; else count(t, g))
        idf(t)    = ln((1 + n) / (1 + df(t))) + 1
        w(t, g)   = tf(t, g) * idf(t), then each group's vector is scaled to unit L2 norm

    This is scikit-learn's ``TfidfVectorizer(sublinear_tf=True, smooth_idf=True, norm="l2")``
    on one document per group: a term scores high in a group when the group uses it a lot and
    few other groups use it at all.

    Parameters
    ----------
    counts : mapping of group -> mapping of term -> count
        E.g. the ``counts`` of :func:`term_counts` for each group of texts. Include a group for
        "the rest" (texts outside every group of interest) so that terms common everywhere are
        recognised as such.
    sublinear_tf : bool, default=True

    Returns
    -------
    dict of group -> dict of term -> float
        Only terms with a count > 0 appear.

    References
    ----------
    K. Spärck Jones, "A statistical interpretation of term specificity and its application in
    retrieval", Journal of Documentation 28(1), 11-21 (1972). doi:10.1108/eb026526

    Examples
    --------
    >>> w = tfidf({"a": {"v60": 4, "coffee": 4}, "b": {"tamper": 3, "coffee": 5}})
    >>> sorted(w["a"], key=w["a"].get, reverse=True)
    ['v60', 'coffee']
    >>> round(sum(x * x for x in w["b"].values()), 6)
    1.0
    """
    n = len(counts)
    df: Counter = Counter()
    for terms in counts.values():
        df.update(t for t, c in terms.items() if c > 0)
    out: dict[Hashable, dict[str, float]] = {}
    for g, terms in counts.items():
        row = {}
        for t, c in terms.items():
            if c <= 0:
                continue
            tf = 1.0 + math.log(c) if sublinear_tf else float(c)
            row[t] = tf * (math.log((1 + n) / (1 + df[t])) + 1.0)
        norm = math.sqrt(sum(v * v for v in row.values()))
        out[g] = {t: v / norm for t, v in row.items()} if norm > 0 else row
    return out


def top_terms(
    groups: Mapping[Hashable, Sequence[str]],
    *,
    top: int = 10,
    languages: Iterable[str] | None = ("es", "en"),
    stop: Iterable[str] | None = None,
    min_docs: int = 2,
    sublinear_tf: bool = True,
    ngrams: int = 1,
) -> dict[Hashable, list[tuple[str, float]]]:
    """The most distinctive terms of each group of texts, by :func:`tfidf` across the groups.

    Parameters
    ----------
    groups : mapping of group -> sequence of str
        The texts of each group. Every group takes part in the IDF, so add the texts outside
        the groups of interest as one more group ("the rest") and ignore its result.
    top : int, default=10
        Terms per group.
    languages, stop
        Stop words, as in :func:`tokenize`.
    min_docs : int, default=2
        A term must occur in at least this many texts of the group to be listed (one text
        repeating a word is not a topic). It still counts for the IDF.
    sublinear_tf : bool, default=True
    ngrams : int, default=1
        Longest phrase counted as a term (see :func:`term_counts`). With phrases, a phrase takes
        the place of the listed words it contains ("french press" replaces "french", keeping its
        rank and score) and words inside a listed phrase are skipped.

    Returns
    -------
    dict of group -> list of (term, score)
        Terms in their most frequent spelling, best first; ties broken alphabetically.

    Examples
    --------
    >>> groups = {
    ...     "brew": ["My V60 recipe", "V60 or AeroPress?", "coffee and a V60", "coffee scale"],
    ...     "bar": ["Café espresso en barra", "espresso y café", "el café del barrio"],
    ... }
    >>> [t for t, _ in top_terms(groups, top=2)["brew"]]
    ['v60', 'coffee']
    >>> [t for t, _ in top_terms(groups, top=2)["bar"]]
    ['café', 'espresso']
    >>> phrases = {"brew": ["Cold brew at home", "my cold brew recipe", "iced coffee"],
    ...            "bar": ["espresso at the bar", "espresso shots", "coffee"]}
    >>> top_terms(phrases, ngrams=2)
    {'brew': [('cold brew', 0.467683)], 'bar': [('espresso', 0.670692)]}
    """
    per_group = {}
    for g, texts in groups.items():
        counts, docs, forms = term_counts(texts, languages=languages, stop=stop, ngrams=ngrams)
        per_group[g] = (counts, docs, forms)
    weights = tfidf({g: c for g, (c, _, _) in per_group.items()}, sublinear_tf=sublinear_tf)
    out: dict[Hashable, list[tuple[str, float]]] = {}
    for g, (_, docs, forms) in per_group.items():
        scored = [(t, w) for t, w in weights[g].items() if docs[t] >= min_docs]
        scored.sort(key=lambda tw: (-tw[1], forms[tw[0]]))
        if ngrams > 1:
            # merged over a fixed window, so that the first terms do not depend on ``top``
            scored = _merge_phrases(scored[: max(50, 3 * top)])
        out[g] = [(forms[t], round(w, 6)) for t, w in scored[:top]]
    return out


def _merge_phrases(scored: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Drop the overlap between words and phrases, best first: a phrase takes the place of the
    listed words it contains ("french", "french press" -> "french press"; "living", "incomes",
    "living incomes" -> "living incomes"), and a term inside a listed one is skipped ("press"
    after "french press")."""
    chosen: list[tuple[str, float]] = []
    for term, w in scored:
        words = set(term.split())
        if any(words <= set(t.split()) for t, _ in chosen):
            continue
        inside = [i for i, (t, _) in enumerate(chosen) if set(t.split()) < words]
        if inside:
            chosen[inside[0]] = (term, chosen[inside[0]][1])
            for i in reversed(inside[1:]):
                del chosen[i]
        else:
            chosen.append((term, w))
    return chosen
