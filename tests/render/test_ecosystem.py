"""The ecosystem page and the partner pages: who takes part, what they share, what they put in,
the network, and that partners' names stay text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from support import (
    LAYERED_PARTNERS,
    MODULES,
    ROOT,
    Site,
    big_portfolio,
    chart_data,
    layered_site,
    read,
    render,
    render_model,
    table,
    text,
)

LOCALES = ROOT / "portfolio_plugin" / "locales"
HOSTILE = '<img src=x onerror=alert(1)>"&\'</script>'


@pytest.fixture
def pages(site: Site) -> dict[str, str]:
    return render(layered_site(site), ("ecosystem",))


def test_partners_are_grouped_by_sector_with_counts_and_links(pages: dict[str, str]) -> None:
    page = pages["portfolio/ecosystem.md"]
    headings = re.findall(r"^### (.*)$", page, re.M)
    assert headings == ["Public sector (1)", "Business (1)", "Academia (1)", "Funders (1)"]
    city = page.split("### Public sector (1)", 1)[1].split("###", 1)[0]
    assert '<a href="../partners/city/">The City</a>' in city
    assert "· 2 initiatives" in text(city)
    funders = page.split("### Funders (1)", 1)[1].split("##", 1)[0]
    assert "Innovation Agency" in funders and "· 1 initiative" in text(funders)


def test_shared_assets_show_owner_and_users_with_an_anchor(pages: dict[str, str]) -> None:
    page = pages["portfolio/ecosystem.md"]
    asset = page.split('id="asset-testbed"', 1)[1].split("</section>", 1)[0]
    assert "City testbed" in asset and "Testbed" in asset
    assert 'owned by <a href="../partners/city/">The City</a>' in asset
    assert "Used by 1 initiatives:" in text(asset)
    assert '<a href="../../initiatives/alpha/">Alpha heat</a>' in asset
    assert "beta" not in asset


def test_money_gathered_by_funder_is_computed_by_hand(pages: dict[str, str]) -> None:
    found = table(pages["portfolio/ecosystem.md"], "pf-funders")
    assert found.head[0] == ["Funder", "Base investment", "Project cash", "Cash in all",
                             "In kind"]
    assert found.body == [["The City", "1,500", "800", "2,300", "0"],
                          ["Innovation Agency", "1,000", "600", "1,600", "0"],
                          ["Acme AB", "0", "300", "300", "200"],
                          ["Lund University", "0", "200", "200", "100"]]
    assert found.foot == [["All funders", "2,500", "1,900", "4,400", "300"]]


def test_network_chart_links_partners_and_initiatives(pages: dict[str, str]) -> None:
    page = pages["portfolio/ecosystem.md"]
    figure = chart_data(page, "pf-network")
    markers = [t for t in figure["data"] if t.get("mode") == "markers"]
    names = [n for t in markers for n in t["text"]]
    assert any(n.startswith("The City<br>") for n in names)
    assert any(n.startswith("Alpha heat<br>") for n in names)
    links = [c[0] for t in markers for c in t["customdata"]]
    assert "../partners/city/" in links and "../../initiatives/beta/" in links
    # 4 + 3 partner-initiative links drawn as line segments (3 values each: start, end, gap).
    (edges,) = [t for t in figure["data"] if t.get("mode") == "lines"]
    assert len(edges["x"]) == 7 * 3
    rows = table(page, "pf-network").body
    assert rows[0] == ["The City", "Public sector", "2",
                       "Acme AB (2); Lund University (2); Innovation Agency (1)",
                       "Alpha heat; Beta buses"]
    assert figure["layout"]["xaxis"]["visible"] is False


def test_large_portfolios_get_a_readable_partner_network(tmp_path: Path) -> None:
    portfolio = big_portfolio(initiatives=300, partners=100)
    page = render_model(portfolio, tmp_path, ("ecosystem",)).pages["portfolio/ecosystem.md"]
    figure = chart_data(page, "pf-network")
    markers = [t for t in figure["data"] if t.get("mode") == "markers"]
    # Only partners: no marker per initiative, and at most 40 of them.
    assert 0 < sum(len(t["x"]) for t in markers) <= 40
    assert not any("initiative-" in c[0] for t in markers for c in t["customdata"])
    segments = sum(len(t["x"]) // 3 for t in figure["data"] if t.get("mode") == "lines")
    assert 0 < segments <= 80
    assert len(table(page, "pf-network").body) <= 40
    assert len(page.encode()) < 200_000


def test_partner_page_tells_who_they_are_and_what_they_do(pages: dict[str, str]) -> None:
    page = pages["portfolio/partners/city.md"]
    assert 'title: "The City"' in page
    words = text(page)
    assert "Runs the platform." in words and "Public sector" in words
    rows = read(page).tables[0].body
    assert rows == [["Alpha heat", "Steward", "▲ Mission-oriented", "◇ Green zone", "SEK800", "–"],
                    ["Beta buses", "Partner", "▼ Adaptive", "○ Yellow zone", "–", "–"]]
    assert "SEK800 in cash for initiatives" in words
    assert "SEK0 in kind for initiatives" in words
    assert "SEK1,500 base investment in the platform (2022, 2023)" in words
    assert '#asset-testbed">City testbed</a>' in page
    assert re.findall(r'class="pf-story-title">([^<]*)<', page) == ["Council says yes"]


def test_partner_pages_of_funders_and_partners_with_roles(pages: dict[str, str]) -> None:
    acme = pages["portfolio/partners/acme.md"]
    assert '<a href="https://acme.example/" rel="noopener">' in acme
    assert read(acme).tables[0].body == [
        ["Alpha heat", "Funder", "▲ Mission-oriented", "◇ Green zone", "–", "SEK200"],
        ["Beta buses", "Steward", "▼ Adaptive", "○ Yellow zone", "SEK300", "–"]]
    assert re.findall(r'class="pf-story-title">([^<]*)<', acme) == ["Battery fire"]
    lund = pages["portfolio/partners/lund-university.md"]
    assert [row[:2] for row in read(lund).tables[0].body] == [["Alpha heat", "Research"],
                                                              ["Beta buses", "Funder"]]
    assert "No stories name this partner yet." in text(lund)


def test_every_partner_has_a_page(pages: dict[str, str]) -> None:
    assert sorted(p for p in pages if p.startswith("portfolio/partners/")) == [
        f"portfolio/partners/{pid}.md" for pid in sorted(LAYERED_PARTNERS)]


def test_hostile_partner_names_stay_text_everywhere(site: Site) -> None:
    partners = {k: dict(v) for k, v in LAYERED_PARTNERS.items()}
    partners["acme"]["name"] = HOSTILE
    partners["acme"]["description"] = "<script>alert(2)</script> **bold**"
    built = render(layered_site(site, partners=partners), MODULES)
    for uri, page in built.items():
        assert "<img" not in page, uri
        assert "<script>alert" not in page, uri
    acme = built["portfolio/partners/acme.md"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in acme
    assert 'title: "&lt;img src=x onerror=alert(1)&gt;&#34;&amp;&#39;&lt;/script&gt;"' in acme
    # In chart data the name is escaped for plotly, and JSON hides `<` from the HTML parser.
    figure = chart_data(built["portfolio/ecosystem.md"], "pf-network")
    names = [n for t in figure["data"] if t.get("mode") == "markers" for n in t["text"]]
    assert any(n.startswith("&lt;img src=x onerror=alert(1)&gt;") for n in names)


def test_every_word_has_an_english_and_a_swedish_text() -> None:
    english = yaml.safe_load((LOCALES / "en" / "ecosystem.yml").read_text(encoding="utf-8"))
    swedish = yaml.safe_load((LOCALES / "sv" / "ecosystem.yml").read_text(encoding="utf-8"))
    assert set(english) == set(swedish)
    assert all(isinstance(v, str) and v for v in [*english.values(), *swedish.values()])


@pytest.mark.parametrize("language", ["en", "sv"])
def test_no_page_shows_a_message_key(site: Site, language: str) -> None:
    built = render(layered_site(site), MODULES, language=language)
    key = re.compile(r"\b(?:ecosystem|leverage|timeline|objectives|mandates|sector|kind|facet|"
                     r"zone|level|asset)\.[a-z0-9_-]+\b")
    for uri, page in built.items():
        body = page.split("---", 2)[2]
        assert not key.findall(text(body)), (uri, key.findall(text(body)))
