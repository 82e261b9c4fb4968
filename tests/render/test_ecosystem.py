"""The ecosystem page and the partner pages: who takes part, what they share, what they put in,
the network, and that partners' names stay text."""

from __future__ import annotations

import gzip
import posixpath
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from portfolio_plugin.model import Asset, AssetKind
from portfolio_plugin.render.ecosystem import (
    COLLABORATION_FIRST,
    PARTNER_INITIATIVES_SHOWN,
    PARTNER_STORIES_SHOWN,
)

from support import (
    LAYERED_PARTNERS,
    MODULES,
    ROOT,
    Site,
    big_portfolio,
    layered_site,
    read,
    render,
    render_model,
    script_json,
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
    assert headings == ["Public sector (1)", "Business (1)", "Academia (1)", "Funders (1)",
                        "Between sectors", "Each partner and who it works with"]
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


def test_the_sector_matrix_counts_initiatives_where_sectors_meet(pages: dict[str, str]) -> None:
    found = table(pages["portfolio/ecosystem.md"], "pf-sector-matrix")
    assert found.caption == "Initiatives in which partners of two sectors work together"
    assert found.head == [["Sector", "with Public sector", "with Business", "with Academia",
                           "with Funders"]]
    # Alpha joins all four sectors, beta all but the funders: worked out by hand.
    assert found.body == [["Public sector", "0", "2", "2", "1"],
                          ["Business", "2", "0", "2", "1"],
                          ["Academia", "2", "2", "0", "1"],
                          ["Funders", "1", "1", "1", "0"]]
    cells = re.findall(r'data-label="(with [^"]+)"><span class="pf-heat pf-heat-(\d)">(\d+)<',
                       pages["portfolio/ecosystem.md"])
    assert cells[:4] == [("with Public sector", "0", "0"), ("with Business", "4", "2"),
                         ("with Academia", "4", "2"), ("with Funders", "2", "1")]


def test_every_partner_is_listed_with_those_it_works_with_most(pages: dict[str, str]) -> None:
    page = pages["portfolio/ecosystem.md"]
    found = table(page, "pf-collaboration")
    assert found.head == [["Partner", "Sector", "Initiatives", "Works with (partners)",
                           "Works most with (initiatives in common)"]]
    assert found.body == [
        ["Acme AB", "Business", "2", "3",
         "The City (2), Lund University (2), Innovation Agency (1)"],
        ["Lund University", "Academia", "2", "3",
         "Acme AB (2), The City (2), Innovation Agency (1)"],
        ["The City", "Public sector", "2", "3",
         "Acme AB (2), Lund University (2), Innovation Agency (1)"],
        ["Innovation Agency", "Funders", "1", "3",
         "Acme AB (1), The City (1), Lund University (1)"]]
    rows = re.findall(r'<tr data-pf-item data-sector="([a-z-]+)"><th scope="row"><a href="([^"]+)"',
                      page)
    assert rows[2] == ("public", "../partners/city/")
    assert ('<a href="../partners/city/#pf-works-with" aria-label="The City works with 3 '
            'partners: the list">3</a>') in page
    # Every cell of a row has its column's name, for the cards on a phone.
    assert page.count('data-label="Works most with (initiatives in common)"') == 4
    assert 'data-pf-filter="pf-collaboration"' in page and 'name="sector"' in page
    assert "pf-network" not in page and "plotly" not in page


def test_figures_above_the_network_count_pairs_and_joint_initiatives(
        pages: dict[str, str]) -> None:
    words = text(pages["portfolio/ecosystem.md"])
    assert "6 pairs of partners share at least one initiative" in words
    assert "2 of 2 initiatives bring two or more partners together" in words


def _followed(pages: dict[str, str], first: str) -> list[str]:
    """The pages of a list cut into pages, from its first by the pager's "next" links (docs
    paths of pages served at folders: `a/b.md` at `a/b/`)."""
    found = []
    url: str | None = first.removesuffix(".md") + "/"
    while url:
        page = pages[url.rstrip("/") + ".md"]
        found.append(page)
        following = re.search(r'<a href="([^"]+)" rel="next"(?: data-pf-carry)?>', page)
        url = following and posixpath.normpath(posixpath.join(url, following.group(1))) + "/"
    return found


def test_large_portfolios_list_every_partner_and_stay_light(tmp_path: Path) -> None:
    portfolio = big_portfolio(initiatives=1500, partners=1500)
    assets = tuple(Asset(f"asset-{n:03d}", f"Asset {n:03d}", AssetKind.TESTBED,
                         f"partner-{n:03d}", "A testbed " * 20) for n in range(150))
    portfolio = replace(portfolio, assets=assets)
    pages = render_model(portfolio, tmp_path, ("ecosystem",)).pages
    page = pages["portfolio/ecosystem.md"]
    # Every partner is listed by sector: the few in the most initiatives on the page, and
    # every partner of the sector, by name, on the sector's pages it links to.
    sectors = re.findall(r'<a href="([a-z-]+)/">All ([\d,]+) partners of this sector', page)
    assert len(sectors) == 6
    listed: set[str] = set()
    for folder, count in sectors:
        names = []
        found = _followed(pages, f"portfolio/ecosystem/{folder}.md")
        for sector_page in found:
            assert len(sector_page.encode()) < 240_000
            names += re.findall(r'<a href="(?:\.\./)+partners/([^/"]+)/">([^<]+)</a>',
                                sector_page)
        ids = [pid for pid, _ in names]
        assert len(ids) == len(set(ids)) == int(count.replace(",", ""))
        assert {portfolio.partner(pid).sector.value for pid in ids} == {folder}  # type: ignore[union-attr]
        assert [name for _, name in names] == sorted(name for _, name in names)
        assert len(found) == -(-len(ids) // 200)
        listed |= set(ids)
    assert listed == {p.id for p in portfolio.partners}
    # The shared assets beyond the most used are on pages of their own, each once.
    shown = re.findall(r'<section class="pf-asset" id="asset-([^"]+)"', page)
    more = re.search(r'<a href="(assets)/">The other ([\d,]+) shared assets</a>', page)
    assert more is not None and len(shown) == 3
    for asset_page in _followed(pages, "portfolio/ecosystem/assets.md"):
        assert len(asset_page.encode()) < 240_000
        shown += re.findall(r'<section class="pf-asset" id="asset-([^"]+)"', asset_page)
    assert sorted(shown) == sorted(a.id for a in assets) and int(more.group(2)) == 147
    # Each asset's owner links to the page that shows it, at its anchor.
    for asset in assets:
        here = f"portfolio/partners/{asset.owner}/"  # as served
        link = re.search(rf'<a href="([^"#]*)#asset-{asset.id}">', pages[here[:-1] + ".md"])
        assert link is not None, asset.id
        target = posixpath.normpath(posixpath.join(here, link.group(1)))
        assert f'id="asset-{asset.id}"' in pages[target + ".md"], (asset.id, target)
    rows = table(page, "pf-collaboration").body
    active = {i.steward for i in portfolio.initiatives} | {
        p.id for i in portfolio.initiatives for p in i.partners}
    assert len(active) > 900 and len(rows) == COLLABORATION_FIRST
    assert f"of the {len(active):,} that take part in one" in text(page)
    counts = [int(row[2]) for row in rows]
    assert counts == sorted(counts, reverse=True)
    assert len(table(page, "pf-sector-matrix").body) == 6
    assert len(gzip.compress(page.encode())) < 150_000


def test_a_partner_of_thousands_of_initiatives_keeps_a_page_of_one_size(
        tmp_path: Path) -> None:
    """A national funder's programme: each of four partners takes part in over 2,000 of
    3,000 initiatives. Its page shows the first of them and links to the rest; its linked
    data names the first by id (each initiative's page names its members): at 20,000
    initiatives such a page was 1.7 MB of HTML, most of it JSON-LD."""
    portfolio = big_portfolio(initiatives=3000, partners=4)
    pages = render_model(portfolio, tmp_path, ("ecosystem",)).pages
    for partner in portfolio.partners:
        page = pages[f"portfolio/partners/{partner.id}.md"]
        members = sorted(i.slug for i in portfolio.initiatives
                         if partner.id in {i.steward, *(p.id for p in i.partners)})
        assert len(members) > 2_000
        (linked,) = script_json(page, "application/ld+json")
        named = [re.search(r"initiatives/([^/]+)/#initiative", m["@id"]).group(1)  # type: ignore[union-attr]
                 for m in linked["memberOf"]]
        assert named == members[:PARTNER_INITIATIVES_SHOWN]
        shown = page.split('class="pf-table pf-partner-initiatives"')[1].split("</table>")[0]
        assert shown.count("<tr>") - 1 == PARTNER_INITIATIVES_SHOWN  # (and its head)
        assert len(page.encode()) < 150_000, (partner.id, len(page.encode()))


def test_partner_page_lists_whom_it_works_with_and_on_what(pages: dict[str, str]) -> None:
    page = pages["portfolio/partners/city.md"]
    assert '<p id="pf-works-with">The City shares initiatives with 3 other partners' in page
    found = read(page).tables[1]
    assert found.caption == "Partners it works with and the initiatives they share"
    assert found.body == [["Acme AB", "Business", "2", "Alpha heat; Beta buses"],
                          ["Lund University", "Academia", "2", "Alpha heat; Beta buses"],
                          ["Innovation Agency", "Funders", "1", "Alpha heat"]]
    assert '<a href="../acme/">Acme AB</a>' in page
    assert '<a href="../../../initiatives/alpha/">Alpha heat</a>' in page


def test_a_partner_without_companions_says_so(site: Site) -> None:
    partners = {k: dict(v) for k, v in LAYERED_PARTNERS.items()}
    partners["loner"] = {"name": "Lone Wolf AB", "sector": "business"}
    page = render(layered_site(site, partners=partners), ("ecosystem",))[
        "portfolio/partners/loner.md"]
    assert "Lone Wolf AB shares no initiative with another partner yet." in text(page)


def test_partner_page_tells_who_they_are_and_what_they_do(pages: dict[str, str]) -> None:
    page = pages["portfolio/partners/city.md"]
    assert 'title: "The City"' in page
    words = text(page)
    assert "Runs the platform." in words and "Public sector" in words
    rows = read(page).tables[0].body
    assert rows == [["Alpha heat", "Steward", "▲ Mission-oriented", "◇ Green zone", "SEK 800", "–"],
                    ["Beta buses", "Partner", "▼ Adaptive", "○ Yellow zone", "–", "–"]]
    assert "SEK 800 in cash for initiatives" in words
    assert "SEK 0 in kind for initiatives" in words
    assert "SEK 1,500 base investment in the platform (2022, 2023)" in words
    assert '#asset-testbed">City testbed</a>' in page
    assert re.findall(r'class="pf-story-title">([^<]*)<', page) == ["Council says yes"]


def test_partner_pages_of_funders_and_partners_with_roles(pages: dict[str, str]) -> None:
    acme = pages["portfolio/partners/acme.md"]
    assert '<a href="https://acme.example/" rel="noopener">' in acme
    assert read(acme).tables[0].body == [
        ["Alpha heat", "Funder", "▲ Mission-oriented", "◇ Green zone", "–", "SEK 200"],
        ["Beta buses", "Steward", "▼ Adaptive", "○ Yellow zone", "SEK 300", "–"]]
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
    assert "&lt;img src=x onerror=alert(1)&gt;" in built["portfolio/ecosystem.md"]


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


@pytest.mark.parametrize(("initiatives", "partners"), [(1500, 20), (40, 30)])
def test_a_partner_of_more_stories_than_its_page_shows_has_every_one_on_pages_of_its_own(
        tmp_path: Path, initiatives: int, partners: int) -> None:
    # (The link went to the timeline's newest stories, filtered by the partner: at 5,000
    # initiatives, 72% of the partners it was made for were not among them, and it showed
    # every partner's stories.)
    portfolio = big_portfolio(initiatives=initiatives, partners=partners)
    pages = render_model(portfolio, tmp_path, ("ecosystem",)).pages
    story = re.compile(r'<li class="pf-story[^"]*" data-pf-item[^>]* data-partners="([^"]*)">'
                       r'.*?<h\d class="pf-story-title">([^<]+)</h\d>', re.S)
    with_pages = without = 0
    for partner in portfolio.partners:
        naming = {s.title for i in portfolio.initiatives for s in i.stories
                  if partner.id in s.partners}
        here = f"portfolio/partners/{partner.id}/"
        page = pages[here[:-1] + ".md"]
        link = re.search(r'<a href="([^"]+)">All ([\d,]+) stories involving this partner</a>', page)
        shown = story.findall(page)
        if len(naming) <= PARTNER_STORIES_SHOWN:
            assert link is None and len(shown) == len(naming), partner.id
            assert f"{here}stories.md" not in pages
            without += 1
            continue
        with_pages += 1
        assert link is not None and int(link.group(2).replace(",", "")) == len(naming)
        first = posixpath.normpath(posixpath.join(here, link.group(1)))
        found = _followed(pages, first + ".md")
        assert len(found) == -(-len(naming) // 200), partner.id
        listed = [item for one in found for item in story.findall(one)]
        assert all(partner.id in ids.split() for ids, _ in listed)
        assert sorted(title for _, title in listed) == sorted(naming), partner.id
        assert all(len(one.encode()) < 300_000 for one in found)
    assert with_pages >= 5 and (without > 0 or initiatives > 1000)
