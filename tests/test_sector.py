import pytest

from influence.errors import SectorFileError, StoreError
from influence.sector import load_sector, open_sector

FULL = '''
name = "specialty-coffee"
store = "data/coffee.db"
languages = ["es", "en"]
keywords = ["café de especialidad", "specialty coffee"]

[ranking]
normalization = "minmax"
[ranking.measures]
pagerank = 0.5
in_strength = 0.5
[ranking.pagerank]
alpha = 0.9

[[sources]]
type = "feed"
urls = ["https://blog.example/feed.xml"]

[[competitors]]
name = "Café Aurora"
handles = ["mastodon:@CafeAurora@mastodon.example"]
domains = ["www.cafeaurora.example"]
feeds = ["https://cafeaurora.example/feed.xml"]
'''


def write(tmp_path, text, name="sector.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_full_sector_file(tmp_path):
    s = load_sector(write(tmp_path, FULL))
    assert s.name == "specialty-coffee"
    assert s.store_path == str((tmp_path / "data" / "coffee.db").resolve())
    assert s.languages == ("es", "en") and s.keywords[0] == "café de especialidad"
    assert s.ranking.normalization == "minmax" and s.ranking.pagerank_alpha == 0.9
    assert s.sources[0]["type"] == "feed"
    (c,) = s.competitors
    assert c.handles == ("mastodon:@cafeaurora@mastodon.example",)
    assert c.actor_ids == ("mastodon:@cafeaurora@mastodon.example", "web:cafeaurora.example")
    assert s.competitor_map()["web:cafeaurora.example"] == "Café Aurora"


def test_minimal_sector_default_store(tmp_path):
    s = load_sector(write(tmp_path, 'name = "tea"'))
    assert s.store_path == str((tmp_path / "tea.db").resolve())
    assert s.competitors == () and s.sources == ()


@pytest.mark.parametrize(
    "text, message",
    [
        ('name = "x"\n[ranking.measures]\npagerank = "high"\n',
         'sector.toml: ranking.measures.pagerank must be a number >= 0, got "high"'),
        ('name = "x"\n[ranking.pagerank]\nalpha = 2\n', "sector.toml: ranking.pagerank.alpha must be"),
        ('name = "x"\n[ranking]\ncolour = 1\n', "sector.toml: unknown key ranking.colour"),
        ('name = "x"\n[ranking]\nn = 1\n', "sector.toml: unknown key ranking.n (known:"),
        ('name = "x"\n[ranking.measures]\nmagic = 1\n', "sector.toml: unknown key ranking.measures.magic"),
        ('languages = ["es"]\n', "sector.toml: name is required"),
        ('name = 5\n', "sector.toml: name must be a non-empty string, got 5"),
        ('name = "x"\nlanguages = "spanish"\n', 'sector.toml: languages must be ISO 639-1 codes'),
        ('name = "x"\nlanguages = [1]\n', "sector.toml: languages must be a list of strings"),
        ('name = "x"\nstores = "a.db"\n', "sector.toml: unknown key stores"),
        ('name = "x"\n[[sources]]\nurl = "y"\n', "sector.toml: sources[0].type must be one of"),
        ('name = "x"\n[[competitors]]\nhandles = []\n', "sector.toml: competitors[0].name must be a non-empty string"),
        ('name = "x"\n[[competitors]]\nname = "A"\nhandles = ["brand"]\n',
         "sector.toml: competitors[0].handles[0] must be 'platform:handle'"),
        ('name = "x"\n[[competitors]]\nname = "A"\n[[competitors]]\nname = "A"\n', "declared twice"),
        ('name = "x"\nallow_private_addresses = "yes"\n', "allow_private_addresses must be true or false"),
        ('name = "x\n', "sector.toml: invalid TOML"),
    ],
)
def test_validation_names_file_and_key(tmp_path, text, message):
    with pytest.raises(SectorFileError) as info:
        load_sector(write(tmp_path, text))
    assert message in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(SectorFileError, match="no such sector file"):
        load_sector(tmp_path / "nope.toml")


def test_open_sector_needs_store_unless_create(tmp_path):
    p = write(tmp_path, 'name = "tea"')
    with pytest.raises(StoreError, match="no store yet"):
        open_sector(p)
    with open_sector(p, create=True) as s:
        assert s.store is not None and s.store.get_meta("sector") == "tea"
    assert (tmp_path / "tea.db").exists()
    with open_sector(tmp_path / "tea.db") as s:  # a store path works too
        assert s.name == "tea"


def test_open_sector_rejects_non_store(tmp_path):
    p = tmp_path / "data.csv"
    p.write_text("a,b\n")
    with pytest.raises(StoreError, match="neither a sector file"):
        open_sector(p)
