"""Linked data with identity: every page's JSON-LD, expanded by a JSON-LD processor (pyld)
against a small embedded schema.org context (no network), gives each entity an IRI (`@id`),
the same IRI on every page that names it, schema.org types, and properties within the domains
schema.org gives them.

IRIs are absolute where `site_url` is set, else relative to the page: both are expanded with the
page's own address as base (a made-up host where the site's address is not set).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from portfolio_plugin.options import read_config
from portfolio_plugin.pipeline import run
from portfolio_plugin.render import linked

from support import EPOCH, fixture, page_url, renderer, script_json, write_site

SCHEMA = "https://schema.org/"
# schema.org's context says much more; `@vocab` is what expansion needs, and is fetched from
# nowhere. As in schema.org's own context, a URL-valued property holds an IRI (`@id`), which
# expansion resolves against the page's address.
CONTEXT = {"@vocab": SCHEMA, **{name: {"@type": "@id"} for name in ("url", "contentUrl",
                                                                    "license")}}
NOWHERE = "https://site.invalid/"
SITE_URL = "https://testvik.example/showcase/"
PARTNERS = ("city", "agency", "uni", "firm")
# Things with an identity; the rest (a grant, an amount) are values inside them.
ENTITIES = {"Project", "Organization", "Dataset", "DataDownload"}
# The properties the pages use, by type, each within its domain as schema.org defines it
# (Thing's for every type; Organization's for a Project, which is one; CreativeWork's for a
# Dataset and a DataDownload; MediaObject's for a DataDownload). Written from schema.org's
# definitions as known: its vocabulary cannot be fetched from here.
THING = {"@id", "@type", "name", "description", "identifier", "url"}
ORGANIZATION = THING | {"member", "memberOf", "funding", "parentOrganization",
                        "subOrganization", "foundingDate", "dissolutionDate"}
CREATIVE_WORK = THING | {"creator", "publisher", "provider", "license", "dateModified",
                         "inLanguage"}
DOMAINS = {
    "Project": ORGANIZATION,
    "Organization": ORGANIZATION,
    "Dataset": CREATIVE_WORK | {"distribution"},
    "DataDownload": CREATIVE_WORK | {"encodingFormat", "contentUrl"},
    "MonetaryGrant": THING | {"funder", "amount", "fundedItem", "sponsor"},
    "MonetaryAmount": THING | {"value", "currency", "minValue", "maxValue", "validFrom",
                               "validThrough"},
}


@pytest.fixture
def epoch(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return EPOCH


def built_pages(root: Path, site_url: str | None) -> dict[str, str]:
    build = run(read_config(write_site(root, site_url)))
    # Without a site_url the build warns that feeds need it, and that alone.
    assert [p.field for p in build.problems] == ([] if site_url else ["site_url"]), \
        [str(p) for p in build.problems]
    pages: dict[str, str] = build.rendered.pages
    return pages


def address(site_url: str | None, docs_path: str) -> str:
    """A page's absolute address (on a made-up host where the site's is not set)."""
    return (site_url or NOWHERE) + page_url(docs_path)


def page_ld(pages: dict[str, str], docs_path: str) -> dict[str, Any]:
    """The one JSON-LD block of a page, as written."""
    found = script_json(pages[docs_path], "application/ld+json")
    assert len(found) == 1, f"{docs_path}: one JSON-LD block, found {len(found)}"
    data: dict[str, Any] = found[0]
    return data


def expanded(pages: dict[str, str], docs_path: str, site_url: str | None) -> list[Any]:
    """A page's JSON-LD expanded against the embedded context, from the page's address."""
    data = page_ld(pages, docs_path)
    assert data["@context"] == "https://schema.org"
    result: list[Any] = jsonld.expand({**data, "@context": CONTEXT},
                                      {"base": address(site_url, docs_path)})
    return result


def nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every node object of expanded JSON-LD, nested ones too."""
    if isinstance(data, list):
        for item in data:
            yield from nodes(item)
    elif isinstance(data, dict) and "@value" not in data:
        if "@type" in data:
            yield data
        for key, value in data.items():
            if not key.startswith("@"):
                yield from nodes(value)


def short(iri: str) -> str:
    assert iri.startswith(SCHEMA), iri
    return iri[len(SCHEMA):]


def types(node: dict[str, Any]) -> set[str]:
    return {short(t) for t in node["@type"]}


def values(node: dict[str, Any], name: str) -> list[Any]:
    found: list[Any] = node.get(SCHEMA + name, [])
    return found


def value(node: dict[str, Any], name: str) -> Any:
    (found,) = values(node, name)
    return found.get("@value", found.get("@id"))


def ld_pages(pages: dict[str, str]) -> list[str]:
    return sorted(p for p in pages if 'type="application/ld+json"' in pages[p])


@pytest.fixture(params=[None, SITE_URL], ids=["relative", "site-url"])
def site(request: pytest.FixtureRequest, tmp_path: Path, epoch: str
         ) -> tuple[dict[str, str], str | None]:
    return built_pages(tmp_path, request.param), request.param


Built = tuple[dict[str, str], str | None]


def test_initiative_partner_and_data_pages_carry_json_ld(site: Built) -> None:
    pages, _ = site
    assert ld_pages(pages) == sorted([
        "initiatives/alpha.md", "initiatives/beta.md", "initiatives/gamma.md",
        "portfolio/data.md", *(f"portfolio/partners/{p}.md" for p in PARTNERS)])


def test_every_entity_on_every_page_has_an_absolute_iri_and_a_schema_org_type(
        site: Built) -> None:
    pages, site_url = site
    for docs_path in ld_pages(pages):
        found = list(nodes(expanded(pages, docs_path, site_url)))
        assert found, docs_path
        for node in found:
            kinds = types(node)
            assert kinds <= set(DOMAINS), (docs_path, kinds)
            if kinds & ENTITIES:
                assert node.get("@id", "").startswith(site_url or NOWHERE), (docs_path, node)


def test_every_property_is_within_its_type_s_domain_in_schema_org(site: Built) -> None:
    pages, site_url = site
    for docs_path in ld_pages(pages):
        for node in nodes(expanded(pages, docs_path, site_url)):
            used = {short(k) if k.startswith(SCHEMA) else k for k in node}
            for kind in types(node):
                assert used <= DOMAINS[kind], (docs_path, kind, used - DOMAINS[kind])


def test_a_grant_has_no_start_date_and_its_amount_is_valid_through_its_year(
        site: Built) -> None:
    pages, site_url = site
    (project,) = expanded(pages, "initiatives/alpha.md", site_url)
    grants = values(project, "funding")
    assert len(grants) == 3
    seen = []
    for grant in grants:
        assert types(grant) == {"MonetaryGrant"}
        assert SCHEMA + "startDate" not in grant
        (amount,) = values(grant, "amount")
        seen.append((value(amount, "validFrom"), value(amount, "validThrough"),
                     value(amount, "value")))
    assert sorted(seen) == [("2022-01-01", "2022-12-31", 200000.0),
                            ("2023-01-01", "2023-12-31", 30000.0),
                            ("2023-01-01", "2023-12-31", 150000.0)]


def test_an_initiative_names_its_partners_funders_steward_and_platform_by_iri(
        site: Built) -> None:
    pages, site_url = site
    (project,) = expanded(pages, "initiatives/alpha.md", site_url)

    def partner(pid: str) -> str:
        return address(site_url, f"portfolio/partners/{pid}.md") + "#organization"

    assert types(project) == {"Project"}
    assert project["@id"] == address(site_url, "initiatives/alpha.md") + "#initiative"
    assert [m["@id"] for m in values(project, "member")] == [
        partner("city"), partner("uni"), partner("firm")]
    assert sorted(g[SCHEMA + "funder"][0]["@id"] for g in values(project, "funding")) == sorted(
        [partner("city"), partner("agency"), partner("uni")])
    assert [s["@id"] for s in values(project, "parentOrganization")] == [partner("city")]
    (platform,) = values(project, "memberOf")
    assert platform["@id"] == (site_url or NOWHERE) + "#platform"
    assert types(platform) == {"Organization"}
    assert value(platform, "name") == "Testvik Platform"


def test_a_partner_has_one_iri_on_initiative_pages_the_data_page_and_its_own_page(
        site: Built) -> None:
    pages, site_url = site
    iris: dict[str, set[str]] = {}
    for docs_path in ld_pages(pages):
        for node in nodes(expanded(pages, docs_path, site_url)):
            if types(node) == {"Organization"} and SCHEMA + "identifier" in node:
                iris.setdefault(value(node, "identifier"), set()).add(node["@id"])
    own = {}
    for pid in PARTNERS:
        (organisation,) = expanded(pages, f"portfolio/partners/{pid}.md", site_url)
        own[pid] = organisation["@id"]
    assert iris == {pid: {own[pid]} for pid in PARTNERS}
    assert own["uni"] == address(site_url, "portfolio/partners/uni.md") + "#organization"


def test_an_initiative_has_one_iri_on_its_own_page_and_its_partners_pages(
        site: Built) -> None:
    pages, site_url = site
    (uni,) = expanded(pages, "portfolio/partners/uni.md", site_url)
    (alpha,) = expanded(pages, "initiatives/alpha.md", site_url)
    member_of = values(uni, "memberOf")
    assert [m["@id"] for m in member_of] == [alpha["@id"]]
    assert types(member_of[0]) == {"Project"}
    # The city stewards alpha, and takes no part in gamma or beta.
    (city,) = expanded(pages, "portfolio/partners/city.md", site_url)
    assert [m["@id"] for m in values(city, "memberOf")] == [alpha["@id"]]


def test_a_partner_page_describes_the_organisation(site: Built) -> None:
    pages, site_url = site
    (city,) = expanded(pages, "portfolio/partners/city.md", site_url)
    assert types(city) == {"Organization"}
    assert value(city, "name") == "Testvik City"
    assert value(city, "url") == "https://city.example/"
    # The platform's organisation runs the platform; a funder that only funds is no member.
    (platform,) = values(city, "subOrganization")
    assert platform["@id"] == (site_url or NOWHERE) + "#platform"
    (agency,) = expanded(pages, "portfolio/partners/agency.md", site_url)
    assert not values(agency, "memberOf") and not values(agency, "subOrganization")


def test_the_data_page_carries_a_dataset_with_every_file_to_download(site: Built) -> None:
    pages, site_url = site
    (dataset,) = expanded(pages, "portfolio/data.md", site_url)
    assert types(dataset) == {"Dataset"}
    assert dataset["@id"] == address(site_url, "portfolio/data.md") + "#dataset"
    assert value(dataset, "dateModified") == "2023-11-14"
    city = address(site_url, "portfolio/partners/city.md") + "#organization"
    assert [c["@id"] for c in values(dataset, "creator")] == [city]
    assert [p["@id"] for p in values(dataset, "publisher")] == [city]
    # portfolio.yml names its licence (CC0-1.0): the Dataset links its SPDX page.
    assert [x["@id"] for x in values(dataset, "license")] == [
        "https://spdx.org/licenses/CC0-1.0.html"]
    files = {}
    for download in values(dataset, "distribution"):
        assert types(download) == {"DataDownload"}
        assert download["@id"] == value(download, "contentUrl")
        files[value(download, "contentUrl")] = value(download, "encodingFormat")
    data = (site_url or NOWHERE) + "data/"
    assert files == {
        data + "portfolio.json": "application/json", data + "initiatives.csv": "text/csv",
        data + "partners.csv": "text/csv", data + "funding.csv": "text/csv",
        data + "stories.csv": "text/csv", data + "stories.xml": "application/atom+xml",
        data + "stories.json": "application/feed+json"}


def test_without_a_site_url_iris_are_relative_to_the_page(tmp_path: Path, epoch: str) -> None:
    pages = built_pages(tmp_path, None)
    assert page_ld(pages, "initiatives/alpha.md")["@id"] == "./#initiative"
    assert (page_ld(pages, "initiatives/alpha.md")["member"][1]["@id"]
            == "../../portfolio/partners/uni/#organization")
    assert page_ld(pages, "portfolio/data.md")["distribution"][0]["contentUrl"] == (
        "../../data/portfolio.json")


def test_the_dataset_names_the_licence_of_portfolio_yml_as_its_spdx_page() -> None:
    portfolio = fixture()
    licensed = dataclasses.replace(
        portfolio, info=dataclasses.replace(portfolio.info, licence="CC-BY-4.0"))
    data = linked.dataset(renderer(licensed, as_of=dt.date(2025, 6, 1)))
    assert data["license"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    unlicensed = dataclasses.replace(
        portfolio, info=dataclasses.replace(portfolio.info, licence=None))
    assert "license" not in linked.dataset(renderer(unlicensed, as_of=dt.date(2025, 6, 1)))


def test_a_partner_s_json_ld_cannot_be_closed_by_its_name(tmp_path: Path, epoch: str) -> None:
    config = write_site(tmp_path, "https://testvik.example/showcase/")
    partners = tmp_path / "site_data" / "partners.yml"
    partners.write_text(partners.read_text(encoding="utf-8").replace(
        "{name: Testvik University,",
        "{name: 'Uni </script><script>alert(1)</script>', description: '<!-- & -->',"),
        encoding="utf-8")
    build = run(read_config(config))
    assert not build.problems.items, [str(p) for p in build.problems]
    for docs_path in ("portfolio/partners/uni.md", "initiatives/alpha.md"):
        text = build.rendered.pages[docs_path]
        assert "<script>alert(1)" not in text and "<!--" not in text.split("ld+json", 1)[1]
    data = page_ld(build.rendered.pages, "portfolio/partners/uni.md")
    assert data["name"] == "Uni </script><script>alert(1)</script>"
    assert data["description"] == "<!-- & -->"
