"""Shared fixtures. Prefer fixtures over setup classes (networkx conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from influence.records import Actor, Interaction, Post
from influence.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def store():
    """A fresh in-memory store."""
    s = Store(":memory:")
    yield s
    s.close()


@pytest.fixture
def small_records():
    """A hand-made sector: ana is the clear leader, bob second, a brand, one self-loop."""
    return [
        Actor("mastodon:@ana@coffee.example", name="Ana", followers=1200, language="es"),
        Actor("mastodon:@bob@coffee.example", name="Bob", followers=300),
        Actor("web:aurora.example", name="Café Aurora", competitor="Café Aurora"),
        Post("mastodon:1", "mastodon:@ana@coffee.example", "2026-01-05T10:00:00Z", "Hola #cafe",
             likes=10, reshares=3, replies=2),
        Interaction("mastodon:@bob@coffee.example", "mastodon:@ana@coffee.example", "reply", "2026-01-05T11:00:00Z", "mastodon:2"),
        Interaction("mastodon:@cid@coffee.example", "mastodon:@ana@coffee.example", "reshare", "2026-01-06T09:00:00Z", "mastodon:3"),
        Interaction("mastodon:@dan@coffee.example", "mastodon:@ana@coffee.example", "like", "2026-01-06T09:30:00Z"),
        Interaction("mastodon:@ana@coffee.example", "mastodon:@bob@coffee.example", "mention", "2026-01-07T09:00:00Z", "mastodon:4"),
        Interaction("mastodon:@cid@coffee.example", "mastodon:@bob@coffee.example", "mention", "2026-01-07T10:00:00Z", "mastodon:5"),
        Interaction("mastodon:@bob@coffee.example", "web:aurora.example", "mention", "2026-01-08T10:00:00Z", "mastodon:6"),
        Interaction("mastodon:@dan@coffee.example", "web:aurora.example", "link", None),
        Interaction("mastodon:@ana@coffee.example", "mastodon:@ana@coffee.example", "mention", "2026-01-08T10:00:00Z", "mastodon:7"),
    ]


@pytest.fixture(params=[0, 1, 2])
def seed(request):
    """Tests taking this run for several seeds (sklearn's global_random_seed idea)."""
    return request.param


@pytest.fixture
def shared_datasets():
    path = SHARED / "datasets"
    if not path.is_dir():
        pytest.skip("../shared/datasets not found: real-data tests need the shared folder beside the repository")
    return path
