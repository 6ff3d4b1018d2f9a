"""``influence competitors`` and ``influence sentiment``: competitor content maps and sentiment models."""

from __future__ import annotations

import json

import click

from ._common import (
    OUTPUT_FORMATS,
    UserError,
    choose_format,
    echo_err,
    emit,
    open_sector_arg,
    quiet_option,
    refuse_output,
    render,
    translate_errors,
    warn_unmatched_handles,
)

# Restated from influence.competitors (importing it would load scikit-learn for --help); a test
# checks that they match.
SECTIONS = ("topics", "cadence", "engagement", "share", "reputation")

COLUMNS = {
    # new columns go last, so that CSV read by position keeps working
    "topics": ("competitor", "topic", "label", "share", "sector_share", "gap", "posts", "note"),
    "cadence": ("competitor", "posts", "posts_per_week", "weekly_sd", "busiest_day", "busiest_hour",
                "median_gap_hours", "max_gap_hours", "gap_cv", "active_weeks", "formats",
                "dated_posts", "note"),
    "engagement": ("competitor", "posts", "measured_posts", "likes", "reshares", "replies",
                   "mean_engagement", "median_engagement", "per_1k_followers", "followers",
                   "top_post"),
    "share": ("competitor", "mentions", "mention_share", "interactions", "interaction_share",
              "mention_trend", "interaction_trend"),
    # "posts_about", not "mentions": share of voice's mentions count every mention, reputation
    # only the posts about the brand (no shares of its content): two numbers, two names
    "reputation": ("competitor", "posts_about", "positive", "negative", "neutral", "net", "trend",
                   "shares_left_out", "languages"),
}


@click.command("competitors")
@click.argument("sector")
@click.option("--section", type=click.Choice(SECTIONS + ("all",)), default="all", show_default=True,
              help="Which part of the map to show (table/CSV show one section at a time; "
                   "`all` prints every section, one table after the other).")
@click.option("--topics", "n_topics", type=click.IntRange(min=1), default=None,
              help="Number of topics. Default: chosen by bi-cross-validation of NMF (see "
                   "docs/competitors.md).")
@click.option("--max-topics", type=click.IntRange(min=1), default=40, show_default=True,
              help="Largest number of topics tried when --topics is not given.")
@click.option("--min-posts", type=click.IntRange(min=1), default=5, show_default=True,
              help="Fewest posts a competitor's topics and publishing pattern are claimed on "
                   "(below: 'too few posts').")
@click.option("--sentiment-model", type=click.Path(dir_okay=False), default=None,
              help="A model from `influence sentiment train` (default: the lexicon analyser).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the topic model (and of the demo sector).")
@click.option("-f", "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default=None,
              help="Output format. Default: table on a terminal, json otherwise.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of stdout (a FILE.manifest.json is written beside it).")
@quiet_option
def competitors_cmd(sector, section, n_topics, max_topics, min_posts, sentiment_model, seed, fmt, output,
                    quiet):
    """Map the competitors of SECTOR: topics, cadence, engagement, share of voice, reputation.

    Competitors are the sector file's [[competitors]]. Their own posts give the topics, cadence
    and engagement; the sector's posts that mention them give share of voice and reputation
    (positive / negative / neutral, English and Spanish). JSON holds every section per
    competitor, with weekly series, the publishing calendar and top posts.

    \b
    Example:
      influence competitors demo --section share
      influence competitors demo --format json -o competitors.json
      influence competitors coffee.toml --section reputation --sentiment-model model.npz
    """
    from influence.competitors import CompetitorConfig
    from influence.errors import ConfigError
    from influence.manifest import make_manifest
    from influence.pipeline import analyze
    from influence.sentiment import analyzer_from

    fmt = choose_format(fmt, output)
    if fmt == "csv" and section == "all":
        raise UserError("--format csv shows one section: add --section "
                        + "|".join(SECTIONS))
    analyzer = translate_errors(lambda: analyzer_from(sentiment_model))
    from ._progress import progress_for

    with open_sector_arg(sector, seed=seed) as sec, progress_for(quiet) as progress:
        if not sec.competitors:
            raise UserError(f"sector {sec.name} declares no competitors "
                            "(add [[competitors]] to the sector file)")
        # a typo in a handle silently does nothing: warn (not an error, a brand may have no
        # activity in the data yet)
        warn_unmatched_handles(sec, None, quiet)
        cfg_args = {"n_topics": n_topics, "max_topics": max(max_topics, 2), "min_posts": min_posts}
        if sec.languages:
            cfg_args["languages"] = tuple(sec.languages)
        try:
            cfg = CompetitorConfig(**cfg_args)
        except ConfigError as exc:
            raise UserError(str(exc)) from None
        analysis = analyze(sec, seed=seed, progress=progress)
        cmap = translate_errors(lambda: analysis.competitors(cfg, analyzer=analyzer))
        progress.done()
        sections = SECTIONS if section == "all" else (section,)
        if fmt == "json":
            text = json.dumps(cmap.to_dict(sections), ensure_ascii=False, indent=2) + "\n"
        elif fmt == "jsonl":
            text = "".join(json.dumps(cmap.competitor_dict(n, sections), ensure_ascii=False) + "\n"
                           for n in cmap.competitors)
        else:
            parts = []
            for s in sections:
                body = render(cmap.rows(s), COLUMNS[s], fmt)
                parts.append(body if len(sections) == 1 else f"# {s}\n{body}")
            text = "\n".join(parts)
        manifest = None
        if output is not None:
            manifest = make_manifest(command="competitors", sector=sec, seed=seed,
                                     competitors=cmap.params, section=section, format=fmt)
        emit(text, output, manifest, quiet)
        tm = cmap.topics
        echo_err(f"{len(cmap.competitors)} competitors; {tm.n_topics} topics "
                 f"({tm.chosen_by}); sentiment: {cmap.params['analyzer']}", quiet)
        if tm.note:
            echo_err(f"Topics: {tm.note}", quiet)
        if "reputation" in sections:
            left = sum(r.shares_left_out for r in cmap.reputation.values())
            if left:
                echo_err(f"Reputation: {left} retweets, reshares, quotes or shared links of the "
                         "competitors' own content left out (column shares_left_out)", quiet)
        model = cmap.params.get("sentiment_model", {})
        if "reputation" in sections and model.get("hint"):
            echo_err(f"Sentiment: {model['hint']}", quiet)


@click.group("sentiment")
def sentiment_group() -> None:
    """Train sentiment models for `influence competitors --sentiment-model`.

    \b
    Example:
      influence sentiment train labelled.csv -o model.npz
    """


@sentiment_group.command("train")
@click.argument("labelled", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Where to write the model (numbers and words only: loading it runs no code).")
@click.option("--text-column", default="text", show_default=True, help="Column holding the text.")
@click.option("--label-column", default="label", show_default=True,
              help="Column holding positive / negative / neutral (`sentiment` also works).")
@click.option("--folds", type=click.IntRange(min=0), default=5, show_default=True,
              help="Report k-fold cross-validated macro-F1 on stderr first; 0 skips it.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the folds and the solver.")
@quiet_option
def train_cmd(labelled, output, text_column, label_column, folds, seed, quiet):
    """Train a TF-IDF + logistic-regression sentiment classifier on LABELLED.csv.

    LABELLED.csv has a header with a text column and a label column (positive, negative or
    neutral). The model works for any language you give it examples in.

    \b
    Example:
      influence sentiment train labelled.csv -o model.npz
      influence sentiment train tweets.csv --text-column text --label-column airline_sentiment -o m.npz
      influence competitors demo --sentiment-model model.npz --section reputation
    """
    from influence.sentiment import cross_validate, read_labelled, train_classifier

    refuse_output(output, [(labelled, "the labelled examples")])
    texts, labels = translate_errors(lambda: read_labelled(labelled, text_column=text_column,
                                                           label_column=label_column))
    if folds == 1:
        raise UserError("--folds must be 0 (no cross-validation) or at least 2")
    if folds and min(labels.count(x) for x in set(labels)) < folds:
        raise UserError(f"{labelled}: every label needs at least {folds} examples for "
                        f"{folds}-fold cross-validation (use --folds 0 to skip it)")
    echo_err(f"{len(texts)} labelled examples", quiet)
    if folds:
        cv = translate_errors(lambda: cross_validate(texts, labels, folds=folds, seed=seed))
        echo_err(f"{folds}-fold cross-validation: macro-F1 {cv['macro_f1']:.3f}, "
                 f"accuracy {cv['accuracy']:.3f}", quiet)
    model = translate_errors(lambda: train_classifier(texts, labels, seed=seed))
    try:
        model.save(output)
    except OSError as exc:
        raise UserError(f"{output}: cannot write: {exc.strerror or exc}") from None
    echo_err(f"Wrote {output}", quiet)
