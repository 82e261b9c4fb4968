"""The open interface: data/portfolio.json, its schema, the CSV files, the feeds, the Data page
and the schema.org JSON-LD of initiative pages, checked against figures computed by hand.

The fixture (`support.write_site`) is small on purpose: two currencies (EUR at 10 SEK), an in-kind
contribution, a layer-3 initiative, and a year (2024) with funding but no base investment.
By hand, in SEK:
    layer 1: 2022 1,000,000; 2023 50,000 EUR = 500,000        total 1,500,000
    layer 2: 2022 200,000 (alpha); 2023 15,000 EUR = 150,000   total   350,000
    layer 3: 2024 400,000 (beta)                               total   400,000
    layer 4: 2023 one critical event, 2024 one                 total         2
    in kind: 2023 30,000 (alpha), never in the ratio
    leverage: 2022 0.2, 2023 0.3, 2024 none; total (350,000 + 400,000) / 1,500,000 = 0.5
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import feedparser
import jsonschema
import pytest
import yaml

from portfolio_plugin.export import (
    CSV_COLUMNS,
    Exporter,
    csv_bytes,
    csv_pieces,
    export_files,
    export_schema,
    json_bytes,
    spreadsheet_cell,
)
from portfolio_plugin.export import document as document_module
from portfolio_plugin.export.models import PortfolioDocument, dump
from portfolio_plugin.options import read_config
from portfolio_plugin.pipeline import analyse, run

from support import EPOCH, write_site

SITE_URL = "https://testvik.example/showcase/"
@pytest.fixture
def epoch(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return EPOCH


def exported(root: Path, site_url: str | None = None) -> dict[str, bytes]:
    options = read_config(write_site(root, site_url))
    build = analyse(options)
    assert not build.problems.items, [str(p) for p in build.problems]
    return export_files(build.portfolio, build.figures, options, build.translator, build.built)


def document(root: Path, site_url: str | None = None) -> dict[str, Any]:
    return json.loads(exported(root, site_url)["data/portfolio.json"])


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# -- portfolio.json ------------------------------------------------------------------------

def test_every_file_is_published_under_the_exports_folder(tmp_path: Path, epoch: str) -> None:
    files = sorted(exported(tmp_path))
    assert [f for f in files if not f.startswith("data/feeds/")] == [
        "data/datapackage.json", "data/funding.csv", "data/initiatives-template.xlsx",
        "data/initiatives.csv",
        "data/partners.csv", "data/portfolio.json", "data/portfolio.schema.json",
        "data/stories.csv", "data/stories.json", "data/stories.xml"]
    # The feeds of each initiative and partner (tests/export/test_feeds.py).
    assert "data/feeds/initiatives/beta.xml" in files


def test_the_document_names_the_portfolio_and_the_build_date(tmp_path: Path, epoch: str) -> None:
    doc = document(tmp_path)
    assert doc["schema"] == "1.1"
    assert doc["portfolio"]["name"] == "Testvik Platform"
    assert doc["portfolio"]["currency"] == "SEK"
    assert doc["portfolio"]["generated"] == "2023-11-14T22:13:20Z"
    assert doc["portfolio"]["exchange_rates"] == {"EUR": 10}


def test_leverage_follows_the_layer_model_by_hand(tmp_path: Path, epoch: str) -> None:
    leverage = document(tmp_path)["leverage"]
    assert leverage["years"] == [
        {"year": 2022, "layer1": 1000000, "layer2": 200000, "layer3": 0, "layer4": 0,
         "in_kind": 0, "leverage": 0.2},
        {"year": 2023, "layer1": 500000, "layer2": 150000, "layer3": 0, "layer4": 1,
         "in_kind": 30000, "leverage": 0.3},
        {"year": 2024, "layer1": 0, "layer2": 0, "layer3": 400000, "layer4": 1,
         "in_kind": 0, "leverage": None},
    ]
    assert leverage["total"] == {"layer1": 1500000, "layer2": 350000, "layer3": 400000,
                                 "layer4": 2, "in_kind": 30000, "leverage": 0.5}


def test_balance_counts_initiatives_and_their_cash_by_facet_and_zone(tmp_path: Path,
                                                                      epoch: str) -> None:
    balance = document(tmp_path)["balance"]
    assert balance["mission-oriented"]["green"] == {"count": 1, "funding": 350000}
    assert balance["adaptive"]["yellow"] == {"count": 1, "funding": 400000}
    assert balance["enhancement-oriented"]["blue"] == {"count": 1, "funding": 0}
    assert balance["anticipatory"] == {z: {"count": 0, "funding": 0}
                                       for z in ("yellow", "green", "blue")}
    assert sum(c["count"] for f in balance.values() for c in f.values()) == 3


def test_initiatives_are_normalised_with_money_converted_and_kept_as_given(
        tmp_path: Path, epoch: str) -> None:
    doc = document(tmp_path)
    assert [i["id"] for i in doc["initiatives"]] == ["alpha", "beta", "gamma"]
    alpha = doc["initiatives"][0]
    assert alpha["url"] == "initiatives/alpha/"
    assert alpha["start"] == "2022-03" and alpha["end"] is None
    assert alpha["partners"] == [{"id": "uni", "role": "research"}, {"id": "firm", "role": None}]
    assert alpha["funding"][1] == {"funder": "agency", "year": 2023, "kind": "cash",
                                   "amount": 150000, "currency": "SEK",
                                   "original_amount": 15000, "original_currency": "EUR",
                                   "note": ""}
    assert alpha["funding"][2]["kind"] == "in-kind"
    assert (alpha["cash"], alpha["in_kind"]) == (350000, 30000)
    assert alpha["zone_history"] == [{"date": "2022-03", "zone": "yellow", "note": ""},
                                     {"date": "2023-06", "zone": "green", "note": ""}]
    assert (alpha["themes"], alpha["mandates"], alpha["objectives"], alpha["assets"]) == (
        ["energy"], ["green-deal"], ["zero"], ["lab"])
    gamma = doc["initiatives"][2]
    assert (gamma["start"], gamma["end"], gamma["status"]) == ("2020", "2021", "completed")
    assert doc["initiatives"][1]["layer"] == 3


def test_partners_carry_their_page_and_their_initiatives(tmp_path: Path, epoch: str) -> None:
    partners = {p["id"]: p for p in document(tmp_path)["partners"]}
    assert list(partners) == ["agency", "city", "firm", "uni"]
    assert partners["firm"]["url"] == "portfolio/partners/firm/"
    assert partners["firm"]["initiatives"] == ["alpha", "beta"]
    assert partners["city"]["initiatives"] == ["alpha"]
    assert partners["city"]["website"] == "https://city.example/"
    assert (partners["city"]["base_investment"], partners["city"]["cash"]) == (1000000, 200000)
    assert (partners["agency"]["base_investment"], partners["agency"]["cash"]) == (500000,
                                                                                  150000)
    assert partners["uni"]["in_kind"] == 30000


def test_stories_are_newest_first_with_their_initiative(tmp_path: Path, epoch: str) -> None:
    stories = document(tmp_path)["stories"]
    assert [(s["date"], s["initiative"]) for s in stories] == [
        ("2024-02-10", "beta"), ("2023-06-01", "alpha"), ("2022-05", "alpha"),
        ("2021", "gamma")]
    assert stories[0]["kind"] == "critical-event"
    assert stories[0]["title"] == "Network <formed> & more"


def test_pages_assets_themes_and_funders_are_listed(tmp_path: Path, epoch: str) -> None:
    doc = document(tmp_path)
    assert doc["pages"]["overview"] == "portfolio/"
    assert doc["pages"]["facet_map"] == "portfolio/facet-map/"
    assert set(doc["pages"]) >= {"overview", "initiatives", "facet_map", "ecosystem",
                                 "leverage", "timeline", "objectives", "mandates"}
    assert "federation" not in doc["pages"]
    assert doc["assets"] == [{"id": "lab", "name": "Street Lab", "kind": "testbed",
                              "owner": "uni", "description": "", "website": None,
                              "url": "portfolio/ecosystem/#asset-lab",
                              "initiatives": ["alpha"]}]
    assert doc["themes"][0]["initiatives"] == ["alpha"]
    assert doc["mandates"][0]["initiatives"] == ["alpha"]
    funders = {f["id"]: f for f in doc["funders"]}
    assert funders["firm"] == {"id": "firm", "base_investment": 0, "cash": 400000,
                               "in_kind": 0}


def test_an_assets_address_is_the_page_that_shows_it_when_the_assets_are_apart(
        tmp_path: Path, epoch: str) -> None:
    """Beyond 60 shared assets most are on pages of their own (render/ecosystem.py): the
    document's `url` of each leads to the page that shows it, at its anchor."""
    write_site(tmp_path)
    assets = {f"a{n:02d}": {"name": f"Asset {n}", "kind": "testbed", "owner": "uni"}
              for n in range(70)}
    (tmp_path / "site_data" / "assets.yml").write_text(yaml.safe_dump(assets), encoding="utf-8")
    options = read_config(tmp_path / "mkdocs.yml")
    build = run(options)
    doc = json.loads(build.rendered.files["data/portfolio.json"])
    pages = build.rendered.pages
    folders = set()
    for asset in doc["assets"]:
        page, _, anchor = asset["url"].partition("#")
        assert anchor == f"asset-{asset['id']}"
        assert f'id="{anchor}"' in pages[page.rstrip("/") + ".md"], asset["url"]
        folders.add(page)
    assert folders == {"portfolio/ecosystem/", "portfolio/ecosystem/assets/"}


def test_the_document_matches_its_published_schema(tmp_path: Path, epoch: str) -> None:
    files = exported(tmp_path, SITE_URL)
    schema = json.loads(files["data/portfolio.schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(files["data/portfolio.json"]), schema,
                        cls=jsonschema.Draft202012Validator)
    assert schema == export_schema()


def test_the_schema_refuses_a_document_missing_its_figures(tmp_path: Path, epoch: str) -> None:
    doc = document(tmp_path)
    del doc["leverage"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, export_schema(), cls=jsonschema.Draft202012Validator)


def test_the_published_schema_lets_a_newer_minor_add_fields(tmp_path: Path, epoch: str) -> None:
    # A newer MINOR only adds optional fields: a reader of 1.0 (and its schema) must take them.
    files = exported(tmp_path)
    schema = json.loads(files["data/portfolio.schema.json"])
    doc = json.loads(files["data/portfolio.json"])
    doc["schema"] = "1.7"
    doc["impact"] = {"score": 3}
    doc["portfolio"]["motto"] = "Together"
    doc["initiatives"][0]["budget_line"] = "A-12"
    doc["leverage"]["total"]["layer5"] = 2
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    read = PortfolioDocument.model_validate(doc)
    assert "impact" not in dump(read) and "budget_line" not in dump(read)["initiatives"][0]


@pytest.mark.parametrize("version", ["2.0", "1", "1.0.1", "10.0", "v1.0"])
def test_the_published_schema_accepts_only_major_dot_minor_of_this_major(
        tmp_path: Path, epoch: str, version: str) -> None:
    files = exported(tmp_path)
    schema = json.loads(files["data/portfolio.schema.json"])
    doc = json.loads(files["data/portfolio.json"])
    doc["schema"] = version
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)


def test_the_published_document_reads_back_into_the_models_as_the_same_bytes(
        tmp_path: Path, epoch: str) -> None:
    published = exported(tmp_path, SITE_URL)["data/portfolio.json"]
    read = PortfolioDocument.model_validate_json(published)
    assert read.schema_ == "1.1"
    assert json_bytes(dump(read)) == published
    # Money is rounded to cents and written as an integer when whole, read or made.
    assert (b'"total":{"in_kind":30000,"layer1":1500000,"layer2":350000,"layer3":400000,'
            b'"layer4":2,"leverage":0.5}') in published


def test_the_published_schema_carries_the_models_descriptions(tmp_path: Path,
                                                              epoch: str) -> None:
    schema = json.loads(exported(tmp_path)["data/portfolio.schema.json"])
    layers = schema["$defs"]["Layers"]["properties"]
    assert layers["leverage"]["description"].startswith("(layer2 + layer3) / layer1")
    assert schema["$defs"]["Initiative"]["description"] == "An initiative."
    assert schema["title"] == "Innovation portfolio"
    # Titles only on the models: a field's name is its title.
    assert "title" not in layers["layer1"]


def test_the_same_input_gives_the_same_bytes(tmp_path: Path, epoch: str) -> None:
    first = exported(tmp_path / "a")
    second = exported(tmp_path / "b")
    assert first == second


def test_portfolio_json_written_part_by_part_is_the_whole_document(tmp_path: Path,
                                                                    epoch: str) -> None:
    # The file is written an initiative, a partner and a story at a time (so a build never
    # holds the whole document); its bytes are those of the document dumped at once.
    options = read_config(write_site(tmp_path))
    build = analyse(options)
    exporter = Exporter(build.portfolio, build.figures, options, build.translator, build.built)
    published = exported(tmp_path)["data/portfolio.json"]
    assert published == b"".join(exporter.document_pieces()) == json_bytes(exporter.document())
    assert json.loads(published)["initiatives"] and json.loads(published)["stories"]


def test_portfolio_json_comes_in_pieces_of_bounded_size(tmp_path: Path, epoch: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # A build hands the file on piece by piece: no piece holds much more than PIECE bytes of
    # text, however large the portfolio, and together they are the whole document.
    options = read_config(write_site(tmp_path))
    build = analyse(options)
    exporter = Exporter(build.portfolio, build.figures, options, build.translator, build.built)
    monkeypatch.setattr(document_module, "PIECE", 512)
    pieces = list(exporter.document_pieces())
    whole = json_bytes(exporter.document())
    assert b"".join(pieces) == whole
    # (in characters: a piece ends where an item does)
    longest_item = max(len(json_bytes(item).decode("utf-8"))
                       for key in ("initiatives", "partners", "stories")
                       for item in exporter.document()[key])
    sizes = [len(piece.decode("utf-8")) for piece in pieces]
    assert len(pieces) >= len(whole.decode("utf-8")) // (512 + longest_item)
    assert max(sizes) <= 512 + longest_item + 64


# -- CSV -------------------------------------------------------------------------------------

def test_csv_files_have_a_header_and_one_row_per_item(tmp_path: Path, epoch: str) -> None:
    files = exported(tmp_path)
    for name, count in (("initiatives", 3), ("partners", 4), ("funding", 6), ("stories", 4)):
        data = files[f"data/{name}.csv"]
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert tuple(header) == CSV_COLUMNS[name]
        assert len(csv_rows(data)) == count


def test_every_csv_file_starts_with_one_byte_order_mark_so_excel_reads_it_as_utf8(
        tmp_path: Path, epoch: str) -> None:
    files = exported(tmp_path)
    for name in CSV_COLUMNS:
        data = files[f"data/{name}.csv"]
        assert data.startswith(b"\xef\xbb\xbf" + CSV_COLUMNS[name][0].encode()), name
        assert data.count(b"\xef\xbb\xbf") == 1, name


def test_reading_a_csv_file_with_utf8_sig_gives_the_rows_as_written(tmp_path: Path,
                                                                    epoch: str) -> None:
    data = csv_bytes(("id", "name"), [["sjo", "Sjöby Ålänningar Ärlig"], ["x", "=1+1"]])
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        ["id", "name"], ["sjo", "Sjöby Ålänningar Ärlig"], ["x", "'=1+1"]]
    partners = exported(tmp_path)["data/partners.csv"]
    with_mark = list(csv.reader(io.StringIO(partners.decode("utf-8-sig"))))
    assert with_mark == list(csv.reader(io.StringIO(partners[3:].decode("utf-8"))))
    assert with_mark[0] == list(CSV_COLUMNS["partners"])


def test_a_csv_file_made_in_pieces_has_its_mark_only_at_the_start() -> None:
    pieces = list(csv_pieces(("name",), ([f"Göran {n}"] for n in range(500)), piece=200))
    assert len(pieces) > 5
    assert pieces[0].startswith(b"\xef\xbb\xbfname\r\n")
    assert all(not piece.startswith(b"\xef\xbb\xbf") for piece in pieces[1:])
    assert csv_rows(b"".join(pieces))[499] == {"name": "Göran 499"}


def test_a_csv_file_is_made_in_pieces_as_its_rows_come() -> None:
    rows = ([f"row {n}", "=formula", n] for n in range(1000))
    pieces = list(csv_pieces(("name", "cell", "n"), rows, piece=1000))
    whole = csv_bytes(("name", "cell", "n"), ([f"row {n}", "=formula", n] for n in range(1000)))
    assert b"".join(pieces) == whole
    assert len(pieces) > 10 and max(len(p) for p in pieces) < 1100
    assert csv_rows(whole)[3] == {"name": "row 3", "cell": "'=formula", "n": "3"}


def test_csv_figures_agree_with_the_json(tmp_path: Path, epoch: str) -> None:
    files = exported(tmp_path)
    doc = json.loads(files["data/portfolio.json"])
    funding = csv_rows(files["data/funding.csv"])
    by_layer = {layer: sum(float(r["amount"]) for r in funding
                           if r["layer"] == layer and r["kind"] == "cash")
                for layer in ("1", "2", "3")}
    total = doc["leverage"]["total"]
    assert by_layer == {"1": total["layer1"], "2": total["layer2"], "3": total["layer3"]}
    assert by_layer == {"1": 1500000, "2": 350000, "3": 400000}
    euro = [r for r in funding if r["original_currency"] == "EUR"]
    assert {(r["layer"], r["amount"], r["original_amount"]) for r in euro} == {
        ("1", "500000", "50000"), ("2", "150000", "15000")}
    initiatives = {r["id"]: r for r in csv_rows(files["data/initiatives.csv"])}
    assert (initiatives["alpha"]["cash"], initiatives["alpha"]["in_kind"]) == ("350000",
                                                                               "30000")
    assert initiatives["alpha"]["partners"] == "uni; firm"
    assert initiatives["alpha"]["critical_events"] == "1"
    partners = {r["id"]: r for r in csv_rows(files["data/partners.csv"])}
    assert partners["firm"]["initiative_ids"] == "alpha; beta"
    assert partners["firm"]["url"] == "portfolio/partners/firm/"


def test_csv_cells_that_look_like_formulas_are_made_text(tmp_path: Path, epoch: str) -> None:
    stories = csv_rows(exported(tmp_path)["data/stories.csv"])
    titles = {r["initiative"] + "/" + r["date"]: r for r in stories}
    assert titles["alpha/2022-05"]["title"] == "'=HYPERLINK(\"https://evil.example\")"
    assert titles["gamma/2021"]["text"] == "'-dash first"
    assert titles["beta/2024-02-10"]["title"] == "Network <formed> & more"
    for start in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_cell(start) == "'" + start
    assert spreadsheet_cell("plain") == "plain"
    assert spreadsheet_cell(-5) == -5


def test_csv_urls_are_absolute_when_the_site_address_is_known(tmp_path: Path,
                                                              epoch: str) -> None:
    rows = csv_rows(exported(tmp_path, SITE_URL)["data/initiatives.csv"])
    assert rows[0]["url"] == SITE_URL + "initiatives/alpha/"


# -- feeds -----------------------------------------------------------------------------------

def test_the_atom_feed_lists_the_stories_newest_first(tmp_path: Path, epoch: str) -> None:
    data = exported(tmp_path)["data/stories.xml"]
    ElementTree.fromstring(data)  # well-formed XML
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Stories of Testvik Platform"
    assert [e.title for e in feed.entries] == [
        "Network <formed> & more", "Pilot started", '=HYPERLINK("https://evil.example")',
        "Lessons learned"]
    assert feed.entries[0].link == "../initiatives/beta/"
    assert feed.entries[0].tags[0].term == "critical-event"
    assert feed.entries[0].published.startswith("2024-02-10")
    assert "<em>first</em>" in feed.entries[1].content[0].value
    assert len({e.id for e in feed.entries}) == 4


def test_the_atom_feed_links_absolutely_when_the_site_address_is_known(
        tmp_path: Path, epoch: str) -> None:
    feed = feedparser.parse(exported(tmp_path, SITE_URL)["data/stories.xml"])
    assert feed.entries[0].link == SITE_URL + "initiatives/beta/"
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [
        SITE_URL + "data/stories.xml"]


def test_the_atom_feed_escapes_text(tmp_path: Path, epoch: str) -> None:
    data = exported(tmp_path)["data/stories.xml"].decode("utf-8")
    assert "Network &lt;formed&gt; &amp; more" in data
    assert "<formed>" not in data


def test_the_json_feed_follows_json_feed_1_1(tmp_path: Path, epoch: str) -> None:
    feed = json.loads(exported(tmp_path, SITE_URL)["data/stories.json"])
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Stories of Testvik Platform"
    assert feed["feed_url"] == SITE_URL + "data/stories.json"
    items = feed["items"]
    assert [i["title"] for i in items] == [
        "Network <formed> & more", "Pilot started", '=HYPERLINK("https://evil.example")',
        "Lessons learned"]
    for item in items:
        assert isinstance(item["id"], str) and item["id"]
        assert "content_text" in item or "content_html" in item
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", item["date_published"])
    assert items[0]["url"] == SITE_URL + "initiatives/beta/"
    assert items[1]["content_html"] == "<p>The <em>first</em> lights.</p>"
    assert items[0]["_portfolio"]["initiative"] == "beta"


def test_the_json_feed_links_relatively_without_a_site_address(tmp_path: Path,
                                                               epoch: str) -> None:
    feed = json.loads(exported(tmp_path)["data/stories.json"])
    assert "feed_url" not in feed
    assert feed["items"][0]["url"] == "../initiatives/beta/"


# -- pages ------------------------------------------------------------------------------------

def built(root: Path, site_url: str | None = None) -> Any:
    build = run(read_config(write_site(root, site_url)))
    # Without site_url, only the warning that the feeds need it (tests/export/test_feeds.py).
    problems = [str(p) for p in build.problems if p.field != "site_url" or site_url]
    assert not problems, problems
    return build


def test_the_build_publishes_the_same_files_as_the_export(tmp_path: Path, epoch: str) -> None:
    build = built(tmp_path / "a")
    files = exported(tmp_path / "b")
    for uri, data in files.items():
        assert build.rendered.files[uri] == data


def test_the_data_page_explains_every_file_and_column(tmp_path: Path, epoch: str) -> None:
    page = built(tmp_path).rendered.pages["portfolio/data.md"]
    for name in ("portfolio.json", "portfolio.schema.json", "initiatives.csv", "partners.csv",
                 "funding.csv", "stories.csv", "stories.xml", "stories.json"):
        assert f'href="../../data/{name}"' in page, name
    for columns in CSV_COLUMNS.values():
        for column in columns:
            assert f'<th scope="row">{column}</th>' in page, column
    for key in ("schema", "portfolio", "pages", "initiatives", "partners", "assets", "stories",
                "leverage", "balance"):
        assert f'<th scope="row">{key}</th>' in page, key
    assert "Every amount is in SEK" in page


def test_the_data_page_speaks_swedish(tmp_path: Path, epoch: str) -> None:
    config = write_site(tmp_path)
    text = config.read_text(encoding="utf-8").replace("  font: false",
                                                      "  font: false\n  language: sv")
    config.write_text(text, encoding="utf-8")
    build = run(read_config(config))
    page = build.rendered.pages["portfolio/data.md"]
    assert "Öppna data" in page and "Alla belopp anges i SEK" in page
    assert "Every amount" not in page


def jsonld(page: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, "no JSON-LD on the page"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def test_initiative_pages_carry_schema_org_json_ld(tmp_path: Path, epoch: str) -> None:
    build = built(tmp_path, SITE_URL)
    data = jsonld(build.rendered.pages["initiatives/alpha.md"])
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Project"
    assert data["name"] == "Alpha pilot"
    assert data["url"] == SITE_URL + "initiatives/alpha/"
    grants = data["funding"]
    assert {g["@type"] for g in grants} == {"MonetaryGrant"}
    assert sorted((g["funder"]["name"], g["amount"]["value"]) for g in grants) == [
        ("Innovation Agency", 150000), ("Testvik City", 200000), ("Testvik University", 30000)]
    assert {g["amount"]["currency"] for g in grants} == {"SEK"}
    assert {m["name"] for m in data["member"]} == {"Testvik City", "Testvik University",
                                                    "Nordic Firm AB"}
    assert all(m["@type"] == "Organization" for m in data["member"])


def test_json_ld_cannot_be_closed_by_a_title(tmp_path: Path, epoch: str) -> None:
    write_site(tmp_path)
    page = tmp_path / "docs" / "initiatives" / "beta.md"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "title: Beta network", "title: 'Beta </script><script>alert(1)</script>'"),
        encoding="utf-8")
    build = run(read_config(tmp_path / "mkdocs.yml"))
    text = build.rendered.pages["initiatives/beta.md"]
    assert jsonld(text)["name"] == "Beta </script><script>alert(1)</script>"
    assert "<script>alert(1)" not in text


def test_the_leverage_page_shows_the_exported_figures(tmp_path: Path, epoch: str) -> None:
    build = built(tmp_path)
    doc = json.loads(build.rendered.files["data/portfolio.json"])
    page = build.rendered.pages["portfolio/leverage.md"]
    table = page[page.index("<tbody>"):page.index("</tfoot>")]

    def number(cell: str) -> float | None:
        digits = re.sub(r"[^0-9.]", "", cell.replace(",", ""))
        return float(digits) if digits else None

    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table):
        rows[row[0]] = [number(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row[1])]
    for year in doc["leverage"]["years"] + [dict(doc["leverage"]["total"], year="Total")]:
        cells = rows[str(year["year"])]
        assert cells[:3] == [year["layer1"], year["layer2"], year["layer3"]]
        assert year["in_kind"] in cells and cells[-1] == year["leverage"]
