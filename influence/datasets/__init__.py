"""The bundled synthetic demo sector: a Spanish/English specialty-coffee market.

:func:`make_sector` generates a deterministic, entirely *synthetic* sector with planted structure and
returns its records (:class:`~influence.records.Actor`, :class:`~influence.records.Post`,
:class:`~influence.records.Interaction`) together with the :class:`GroundTruth` that planted it, so
that ranking, community detection, bot filtering and competitor analysis can be demonstrated and
tested against known answers. Nobody in it is real: names are random combinations of common first
and last names, every web site and Mastodon instance lives under the reserved ``.example`` TLD
(RFC 2606) and the four brands are invented.

The sector
----------
About 2,000 actors and 20,000 interactions at ``scale=1`` (both grow linearly with ``scale``),
over 26 weeks starting Monday 2026-01-05 00:00 UTC (a fixed anchor: the wall clock is never read).

Communities
    Six planted conversations (``GroundTruth.communities`` labels every actor ``0..5``; brand
    accounts are ``-1`` and bots ``-2``), each with its own topic vocabulary, hashtags, language
    mix and platform mix:

    == ================ ============== =============================================
    id name             Spanish share  about
    == ================ ============== =============================================
    0  baristas         88 %           cafés, espresso on bar, milk, training
    1  homebrew         15 %           V60, AeroPress, grinders, water recipes
    2  roasters         55 %           green-coffee prices, roast profiles, cupping
    3  latte-art        25 %           tulips, rosettas, pitchers, throwdowns
    4  health-science   85 %           caffeine, sleep, heart health, decaf
    5  sustainability   50 %           fair trade, cooperatives, deforestation law
    == ================ ============== =============================================

    About 94 % of an ordinary actor's attention stays inside its community. Platforms: mostly
    ``mastodon`` (``actor_id("mastodon", "user@instance.example")``), some ``bluesky``
    (``name.bsky.example``), ``reddit`` (``u/name``, mainly home brewers) and ``web`` (blogs and
    media sites such as ``web:cuadernodetueste.example``).
Opinion leaders
    2-4 per community, drawn with an attention weight 15-45 times an ordinary actor's (and,
    unlike ordinary actors, drawing attention from other platforms too), so they receive many
    replies, reshares, mentions, likes, links and comments from many distinct members, and have
    high follower counts (``None`` for web sites, which have no follower count).
    ``GroundTruth.leaders`` orders them by planted strength: the expected number of interactions
    the generator sends them.
Bridges
    Mastodon members of one community who also get attention from two other communities (and
    spend half of their own attention there).
Broadcasters
    News-feed style accounts that publish 60+ posts but are almost never engaged with (their
    attention weight is 1/25 of an ordinary actor's, their posts get few likes or reshares).
Bots
    A network of Mastodon accounts on ``promo.example`` / ``ofertas.example`` with 0-5 followers
    that, in bursts every second day at 04:00:00 UTC (each bot a few seconds after the previous
    one), like, reshare and mention a few targets: the accounts of the brand
    ``"Molienda Norte"`` (whose attention they inflate), a few ordinary "client" accounts and each
    other. ``GroundTruth.bot_targets`` lists the targets.
Competitors
    Four fictional brands, each with 1-3 accounts (Mastodon, a ``.example`` web domain, maybe
    Bluesky), posting in Spanish and English with its own steady cadence (posts per week, one more
    or one fewer in about one week out of five; preferred weekdays and UTC hours) and topic mix
    (``GroundTruth.competitor_topics`` gives the realised shares):

    ================== =============== =============== ==========================================
    brand              posts per week  when (UTC)      topics
    ================== =============== =============== ==========================================
    Café Aurora        5               Tue/Thu ~09:30  sustainability, origin, events, promotions
    Tostadores del Sur 3               Mon/Wed/Fri ~18 origin, stores, promotions, events
    Bean Theory        8               weekends ~12    brewing gear, recipes, promotions, stores
    Molienda Norte     2               Sat/Sun ~20     promotions, stores, recipes
    ================== =============== =============== ==========================================

    Sector actors engage with brand posts, and write brand-mention posts with positive, negative
    or neutral wording in both languages ("Me encanta el nuevo tueste de @cafeaurora@cafes.example",
    "Terrible service from Bean Theory, my order arrived late", "Bean Theory abre tienda en
    Valencia"). The bots' mentions of "Molienda Norte" are brand mentions labelled positive.

Records
-------
Interaction kinds depend on the platforms of both ends: on the same social platform likes,
reshares, replies, mentions, quotes and follows (Reddit: replies, likes, mentions, follows);
across social platforms mentions and links; towards a web site comments and links; from a web site
links and mentions. Every weight is 1.0; there are no self-interactions.

``Interaction.post`` convention:

* ``mention``, ``reply``, ``quote``, ``link``, ``comment``: the *new* post that carries the
  interaction, written by the source; for ``reply``, ``quote`` and ``comment`` its ``parent`` is
  the target's post.
* ``like``, ``reshare``: the target's post that was liked or reshared (neither creates content).
* ``follow``: ``None``; half of the follows have no timestamp either.

Post ids are ``"<platform>:<unique part>"`` (``mastodon:cafes.example/1234``,
``web:beantheory.example/p/1300``, a web comment ``web:site.example/p/1300#c1400``...). Post
engagement counts (``likes``, ``reshares`` = reshares + quotes, ``replies`` = replies + comments)
are those observed in the interactions plus a few unobserved ones that grow with the author's
attention weight, so they are never below the observed counts.

Examples
--------
>>> from influence.datasets import make_sector
>>> demo = make_sector(seed=0, scale=0.1)
>>> len(demo.actors), len(demo.posts), len(demo.interactions)
(210, 2876, 2029)
>>> demo.truth.community_names[2]
'roasters'
>>> sorted(demo.truth.competitors)
['Bean Theory', 'Café Aurora', 'Molienda Norte', 'Tostadores del Sur']
>>> demo.truth.competitors["Bean Theory"]
('mastodon:@beantheory@brew.example', 'web:beantheory.example', 'bluesky:beantheory.bsky.example')
>>> sum(1 for label in demo.truth.sentiment.values() if label == "negative") > 0
True
>>> make_sector(seed=0, scale=0.1).interactions == demo.interactions
True
"""

from ._sector import DemoSector, GroundTruth, make_sector

__all__ = ["DemoSector", "GroundTruth", "make_sector"]
