"""Linked data: the schema.org nodes that pages carry as JSON-LD, each with an `@id`.

One node, one IRI, whichever page names it:
- an initiative: its page's address + `#initiative` (a `Project`);
- a partner: its partner page's address + `#organization` (an `Organization`);
- the platform: the site's home + `#platform` (an `Organization`);
- the open data: the Data page's address + `#dataset` (a `Dataset`).

With `site_url` the IRIs are absolute. Without it the site's address is unknown, so an IRI is
the page's link to that address, relative to the page that carries it (`../../partners/x/
#organization`), as its HTML links are: a JSON-LD processor resolves it against the page's
own address, so every page gives the same absolute IRI for the same thing, wherever the site
is published (a path from the site's root, `/partners/x/`, would be wrong under a sub-folder).
"""

from __future__ import annotations

from typing import Any

from ..export import FILES
from ..model import Initiative, Partner, spdx_page
from . import Renderer

CONTEXT = "https://schema.org"
# The file's media types, by key of `export.FILES` (IANA names; JSON Feed's is its own spec's).
MEDIA_TYPES = {
    "json": "application/json", "initiatives_csv": "text/csv", "partners_csv": "text/csv",
    "funding_csv": "text/csv", "stories_csv": "text/csv", "atom": "application/atom+xml",
    "json_feed": "application/feed+json",
}


def address(r: Renderer, here: str, uri: str) -> str:
    """The address of a docs path (with its `#fragment`) as the page at `here` gives it:
    absolute where `site_url` is set, else relative to that page."""
    if r.options.site_url:
        path, hash_sign, fragment = uri.partition("#")
        return r.options.site_url.rstrip("/") + "/" + r.site_url(path) + hash_sign + fragment
    return r.url_linker(here)(uri)  # read as data: no engine rewrites it


def initiative_id(r: Renderer, here: str, slug: str) -> str:
    """The `@id` of an initiative (`Project`)."""
    return address(r, here, r.options.initiative_uri(slug) + "#initiative")


def partner_id(r: Renderer, here: str, pid: str) -> str:
    """The `@id` of a partner (`Organization`): its partner page."""
    return address(r, here, r.partner_uri(pid) + "#organization")


def platform_id(r: Renderer, here: str) -> str:
    """The `@id` of the platform itself: the site's home page."""
    return address(r, here, "index.md#platform")


def dataset_id(r: Renderer, here: str) -> str:
    """The `@id` of the open data (`Dataset`): the Data page."""
    return address(r, here, r.uri("data") + "#dataset")


def organisation(r: Renderer, here: str, partner: Partner) -> dict[str, Any]:
    """A partner as another node names it: type, `@id`, name and id."""
    node: dict[str, Any] = {"@type": "Organization", "@id": partner_id(r, here, partner.id),
                            "name": partner.name, "identifier": partner.id}
    if partner.url:
        node["url"] = partner.url
    return node


def platform(r: Renderer, here: str, whole: bool = False) -> dict[str, Any]:
    """The platform as an `Organization`; `whole` adds its description and its organisation
    (a partner, as `parentOrganization`)."""
    info = r.portfolio.info
    node: dict[str, Any] = {"@type": "Organization", "@id": platform_id(r, here),
                            "name": info.name}
    if not whole:
        return node
    if r.options.site_url:
        node["url"] = address(r, here, "index.md")
    if info.description:
        node["description"] = info.description
    owner = r.partner(info.organisation) if info.organisation else None
    if owner:
        node["parentOrganization"] = organisation(r, here, owner)
    return node


def project(r: Renderer, i: Initiative) -> dict[str, Any]:
    """An initiative's page: a schema.org `Project`, partners as members, funders as
    `MonetaryGrant`s, the steward as parent organisation, part of the platform."""
    here = r.options.initiative_uri(i.slug)
    info = r.portfolio.info
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Project",
        "@id": initiative_id(r, here, i.slug),
        "name": r.text(i.title),
        "description": r.text(i.summary),
        "identifier": i.slug,
    }
    if r.options.site_url:
        data["url"] = address(r, here, here)
    if i.start:
        data["foundingDate"] = i.start.iso()
    if i.end:
        data["dissolutionDate"] = i.end.iso()
    members = [organisation(r, here, p) for p in (r.partner(x) for x in i.partner_ids) if p]
    if members:
        data["member"] = members
    grants = []
    for f in i.funding:
        funder = r.partner(f.funder)
        # schema.org gives `MonetaryGrant` no date of its own (`startDate` belongs to events,
        # roles, schedules...: not to `Grant`), while `MonetaryAmount` has `validFrom` and
        # `validThrough`: the year is put on the amount. Written from schema.org's definitions
        # as known (its vocabulary cannot be fetched from here); JSON-LD does not check them.
        grants.append({
            "@type": "MonetaryGrant",
            "funder": organisation(r, here, funder) if funder else {
                "@type": "Organization", "name": f.funder, "identifier": f.funder},
            "amount": {"@type": "MonetaryAmount", "value": round(f.amount, 2),
                       "currency": info.currency, "validFrom": f"{f.year}-01-01",
                       "validThrough": f"{f.year}-12-31"},
            "description": r.t(f"funding.{f.kind.value}"),
        })
    if grants:
        data["funding"] = grants
    steward = r.partner(i.steward) if i.steward else None
    if steward:
        data["parentOrganization"] = organisation(r, here, steward)
    # A `Project` is an `Organization`: it is a member of the platform that runs it.
    data["memberOf"] = platform(r, here)
    return data


def partner_organisation(r: Renderer, partner: Partner, most: int) -> dict[str, Any]:
    """A partner's page: a schema.org `Organization`, a member of the initiatives it takes
    part in (as partner or steward; a funder only funds: the initiative's grant names it):
    the `most` first by id. Each initiative's own page names all its members: a partner of
    thousands of initiatives (a national funder's programme) keeps a page of one size."""
    here = r.partner_uri(partner.id)
    data: dict[str, Any] = {"@context": CONTEXT, **organisation(r, here, partner)}
    if partner.description:
        data["description"] = partner.description
    member_of: list[dict[str, Any]] = []
    pf = r.figures.partner(partner.id)
    for slug in sorted({slug for slug, _ in pf.initiatives} if pf else ()):
        i = r.initiative(slug)
        if i is not None and partner.id in i.partner_ids:
            member_of.append({"@type": "Project", "@id": initiative_id(r, here, slug),
                              "name": r.text(i.title)})
            if len(member_of) == most:
                break
    if member_of:
        data["memberOf"] = member_of
    if r.portfolio.info.organisation == partner.id:
        data["subOrganization"] = platform(r, here)
    return data


def dataset(r: Renderer) -> dict[str, Any]:
    """The Data page: a schema.org `Dataset`, its files as `DataDownload`s, made and
    published by the platform's organisation (the platform where none is named)."""
    here = r.uri("data")
    info = r.portfolio.info
    owner = r.partner(info.organisation) if info.organisation else None
    maker = organisation(r, here, owner) if owner else platform(r, here)
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Dataset",
        "@id": dataset_id(r, here),
        "name": r.t("opendata.dataset_name", name=info.name),
        "description": r.t("opendata.description"),
        "inLanguage": r.t.language,
        "dateModified": r.built.date().isoformat(),
        "creator": maker,
        "publisher": maker,
        "provider": platform(r, here, whole=True),
    }
    if r.options.site_url:
        data["url"] = address(r, here, here)
    if info.licence:
        data["license"] = spdx_page(info.licence)  # schema.org's `license` is a URL
    data["distribution"] = [{
        "@type": "DataDownload",
        "@id": address(r, here, r.export_uri(FILES[key])),
        "name": FILES[key],
        "encodingFormat": media_type,
        "contentUrl": address(r, here, r.export_uri(FILES[key])),
    } for key, media_type in MEDIA_TYPES.items()]
    return data
