"""From positioned data to the typed model, with every problem named by file, line and field.

The contract each file is read by is in `contract.py`; here, the whole run: `site_data/`
first, then each page with what it may name.

An initiative or data entry with an error is left out (and listed); one with only warnings is
kept. All problems of a run are collected, never raised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from ..load import Checked, Page, Sources
from ..load.yamlsafe import Located
from ..model import (
    Asset,
    BaseInvestment,
    Initiative,
    Languages,
    Partner,
    Portfolio,
    PortfolioInfo,
    Theme,
    Untranslated,
)
from ..problems import Problem, Problems, Severity
from .contract import (
    ASSETS,
    ENGINE_FIELDS,
    INITIATIVE,
    INITIATIVE_FIELDS,
    PARTNERS,
    PORTFOLIO,
    REFUSED,
    SUMMARY_MAX,
    Context,
    Field,
    Given,
    money,
)
from .reader import (
    BIDI_CHARACTERS,
    LANGUAGE_RE,
    NOT_TEXT_CHARACTERS,
    YEARS,
    Reader,
    describe,
    url_allowed,
)
from .references import Known, broken_ids, name_users, without_broken
from .template import check_page

# ---------------------------------------------------------------------------------------------
# site_data/


def _portfolio_info(doc: Located | None, path: str, problems: Problems, site_name: str,
                    languages: Languages | None, ctx: Context
                    ) -> tuple[PortfolioInfo, Reader, dict[str, Any]]:
    r = Reader(path, doc or Located({}), problems, languages=languages)
    v = PORTFOLIO.read(r, (), r.doc.value, ctx)
    currency = v["currency"] if v["currency"] not in (None, REFUSED) else "EUR"
    info = PortfolioInfo(
        name=v["name"] or site_name, currency=currency,
        organisation=v["organisation"],
        exchange_rates=tuple(sorted(v["exchange_rates"].items())),
        themes=tuple(Theme(i, title) for i, title in v["themes"].items()),
        mandates=tuple(v["mandates"].values()), objectives=tuple(v["objectives"].values()),
        federation=v["federation"], description=v["description"] or "",
        licence=v["licence"],
        language=languages.default if languages is not None else v["language"],
    )
    return info, r, v


def _base_investment(r: Reader, given: tuple[tuple[int, Given], ...],
                     info: PortfolioInfo) -> tuple[BaseInvestment, ...]:
    """The platform's own money, each sum converted once the rates are known."""
    ctx = Context(info.currency, dict(info.exchange_rates))
    result = []
    for index, sum_ in given:
        paid = money(r, ("base_investment", index), sum_.amount, sum_.currency, ctx)
        if paid is not None:
            result.append(BaseInvestment(sum_.year, paid, sum_.funder))
    return tuple(result)


def _entries_of(contract: Field, doc: Located | None, path: str, problems: Problems,
                ctx: Context, languages: Languages | None = None,
                untranslated: list[Untranslated] | None = None) -> dict[str, Any]:
    if doc is None:
        return {}
    r = Reader(path, doc, problems, languages=languages,
               untranslated=untranslated if untranslated is not None else [])
    made: dict[str, Any] = contract.read(r, (), doc.value, ctx)
    return made


def partners_of(doc: Located, path: str) -> tuple[dict[str, Partner], Problems]:
    """The partners of a `partners.yml`-shaped document (`{id: {name, sector, ...}}`) and
    their problems, with the rules of `site_data/partners.yml`."""
    problems = Problems()
    return _entries_of(PARTNERS, doc, path, problems, Context()), problems


# ---------------------------------------------------------------------------------------------
# initiatives


def _initiative(page: Page, ctx: Context, problems: Problems) -> Initiative | None:
    r = Reader(page.path, page.data, problems, languages=ctx.languages, slug=page.slug)
    if page.problems:  # refused while reading (a key given twice); the rest is checked
        problems.extend(page.problems)
        r.failed = any(p.severity is Severity.ERROR for p in page.problems)
    v = INITIATIVE.read(r, (), page.data.value, ctx)
    start, end, zone = v["start"], v["end"], v["zone"]
    if start and end and end.key < start.key:
        r.report(("end",), "is before start", expected=f"a date on or after {start}",
                 found=str(end))
    steps = v["zone_history"]  # (place in the list, step), by date
    if steps and zone is not None and steps[-1][1].zone is not zone:
        index, latest = steps[-1]
        r.report(("zone_history", index, "zone"),
                 f"the latest step ({latest.date}) is in the {latest.zone.value} zone, "
                 f"but the initiative's zone is {zone.value}",
                 expected=zone.value, found=latest.zone.value)
    if r.failed or v["title"] is None or v["summary"] is None or v["facet"] is None \
            or zone is None or v["status"] is None:
        return None
    return Initiative(
        slug=page.slug, path=page.path, title=v["title"], summary=v["summary"],
        facet=v["facet"], zone=zone, status=v["status"], start=start, end=end,
        steward=v["steward"], partners=v["partners"], layer=v["layer"], funding=v["funding"],
        themes=v["themes"], mandates=v["mandates"], objectives=v["objectives"],
        assets=v["assets"], zone_history=tuple(step for _, step in steps),
        stories=v["stories"], indicators=v["indicators"], position=v["position"],
        links=v["links"], body=page.body, body_line=page.body_line, body_path=page.body_path,
        body_language=_body_language(page, ctx.languages),
        untranslated=tuple(r.untranslated), translations=tuple(r.translations),
    )


def _body_language(page: Page, languages: Languages | None) -> str | None:
    """The language of a page's body where it is not the page's: a page without a
    translation into the page's language is in the default language."""
    if languages is None or page.body_path is not None or not page.body.strip():
        return None
    default = languages.default
    return default if default and default != languages.page else None


# ---------------------------------------------------------------------------------------------


# What a long-running caller keeps of each page's check between runs (see `validate`).
CheckMemo = dict[str, Any]
_SITE = "\x00site"  # the memo's key for what every check depends on (no page's path)


@dataclass(frozen=True)
class SiteCheck:
    """What `site_data/` says, made into the model and checked once for a run: its partners,
    assets and portfolio information, what checking each page needs of it, and its
    problems."""

    partners: dict[str, Partner]
    assets: dict[str, Asset]
    info: PortfolioInfo
    themes_declared: bool
    ctx: Context
    problems: tuple[Problem, ...]

    def checker(self) -> Callable[[Page], tuple[Initiative | None, list[Problem]]]:
        """What `validate` makes of one page (its initiative and problems), for a process
        that checks pages apart from the run (the site's own problems are the run's)."""
        return partial(_checked, ctx=self.ctx)


def check_site(sources: Sources, site_name: str = "Portfolio",
               languages: Languages | None = None) -> SiteCheck:
    """`site_data/` as `validate` checks it, for a run that reads its pages elsewhere."""
    problems = Problems()
    made = _site(sources, site_name, problems, languages)
    return SiteCheck(*made, problems=tuple(problems.items))


def validate(sources: Sources, site_name: str = "Portfolio",
             on_initiative: Callable[[Initiative], None] | None = None,
             languages: Languages | None = None,
             memo: CheckMemo | None = None,
             site: SiteCheck | None = None) -> tuple[Portfolio, Problems]:
    """Turn what was read into the portfolio model and the problems of the whole run.

    With the run's `languages`, every text is in the page's language (see `Reader.shown`)
    and the model notes what is not given in every language of the site. With a `memo`
    kept between runs (`mkdocs serve`), a page read again as the same object (a loader's
    cache gives back an unchanged file's page) is not checked again while `site_data/` and
    the languages are as they were. `site`: `site_data/` as `check_site` made it of the same
    sources, where the pages were checked (it is not checked again).
    """
    problems = Problems()
    site = site or check_site(sources, site_name, languages)
    problems.extend(site.problems)
    partners, assets, info, themes_declared, ctx = (
        site.partners, site.assets, site.info, site.themes_declared, site.ctx)
    if memo is not None:
        # Written out (`repr`), not compared as values: `1 == 1.0 == True`, and each of
        # them checks differently.
        written = (repr((_value(sources.portfolio), _value(sources.partners),
                         _value(sources.assets))), site_name, languages)
        if memo.get(_SITE) != written:
            memo.clear()
            memo[_SITE] = written
    initiatives = []
    left_out = []
    published: set[str] = set()
    users: dict[tuple[str, str], list[str]] = {}
    # Each page is checked where it is read: pages read by a worker come back checked.
    sources.check = partial(_checked, ctx=ctx)
    for page in sources.all_pages():
        if isinstance(page, Checked):
            initiative, found = page.value
            problems.extend(found)
        elif memo is not None:
            known = memo.get(page.path)
            if known is None or known[0] is not page:
                known = memo[page.path] = (page, _checked(page, ctx))
            initiative, found = known[1]
            problems.extend(found)
        else:
            initiative = check_page(page, problems, partial(_initiative, page, ctx))
        if page.path in sources.misnamed:  # its name is refused: checked, never published
            if page.slug not in published and page.slug not in left_out:  # (or another's)
                left_out.append(page.slug)
            continue
        if initiative is None:
            left_out.append(page.slug)
            continue
        published.add(page.slug)
        if ctx.broken:
            initiative = without_broken(initiative, ctx.broken, users)
        initiatives.append(initiative)
        if on_initiative is not None:
            on_initiative(initiative)
    if users:  # each entry of site_data/ with an error names the pages that use it
        name_users(problems, users, {
            "partner": (sources.partners_path, ""), "asset": (sources.assets_path, ""),
            "theme": (sources.portfolio_path, "themes"),
            "mandate": (sources.portfolio_path, "mandates"),
            "objective": (sources.portfolio_path, "objectives")})
    # What could not be read at all (known once every page was asked for), first; at most
    # so many problems of each file.
    found, problems = problems, Problems()
    problems.take(sources.problems)
    problems.take(found)
    problems.close()
    left_out.extend(sources.unreadable)
    if not themes_declared:
        # Without declared themes, the ids used are the themes.
        used = sorted({t for i in initiatives for t in i.themes})
        info = replace(info, themes=tuple(Theme(t, t.replace("-", " ").capitalize())
                                                for t in used))
    initiatives.sort(key=lambda i: i.slug)
    portfolio = Portfolio(info, tuple(partners.values()), tuple(assets.values()),
                          tuple(initiatives), tuple(sorted(left_out)))
    return portfolio, problems


def _site(sources: Sources, site_name: str, problems: Problems,
          languages: Languages | None = None
          ) -> tuple[dict[str, Partner], dict[str, Asset], PortfolioInfo, bool, Context]:
    """The site's data (partners, assets, the portfolio's information), and what checking
    each page needs of it."""
    languages = _with_default(languages, _value(sources.portfolio))
    untranslated: list[Untranslated] = []
    valid_partners = _entries_of(PARTNERS, sources.partners, sources.partners_path, problems,
                                 Context(), languages, untranslated)
    # An entry with an error is still known by its id: one mistake, one error.
    partners = Known(valid_partners, broken_ids(_value(sources.partners), valid_partners))
    with_partners = Context(known={"partner": partners})
    assets = _entries_of(ASSETS, sources.assets, sources.assets_path, problems, with_partners,
                         languages, untranslated)
    info, reader, read = _portfolio_info(sources.portfolio, sources.portfolio_path, problems,
                                         site_name, languages, with_partners)
    data = reader.doc.value if isinstance(reader.doc.value, dict) else {}
    themes_declared = data.get("themes") is not None
    info = replace(
        info, untranslated=(*reader.untranslated, *untranslated),
        organisation=None if info.organisation in partners.broken else info.organisation,
        base_investment=tuple(
            replace(b, funder=None) if b.funder in partners.broken else b
            for b in _base_investment(reader, read["base_investment"], info)))
    assets = {i: replace(a, owner=None) if a.owner in partners.broken else a
              for i, a in assets.items()}
    known: dict[str, Known[Any]] = {
        "partner": partners, "asset": Known(assets, broken_ids(_value(sources.assets), assets))}
    for kind, entries in (("theme", info.themes), ("mandate", info.mandates),
                          ("objective", info.objectives)):
        if kind != "theme" or themes_declared:
            by_id = {entry.id: entry for entry in entries}
            known[kind] = Known(by_id, broken_ids(data.get(kind + "s"), by_id))
    ctx = Context(currency=info.currency, rates=dict(info.exchange_rates), known=known,
                  broken={kind: entries.broken for kind, entries in known.items()
                          if entries.broken},
                  languages=languages)
    return valid_partners, assets, info, themes_declared, ctx


def _value(doc: Located | None) -> Any:
    return doc.value if doc is not None else None


def _with_default(languages: Languages | None, portfolio: Any) -> Languages | None:
    """The run's languages with the default one known: what `portfolio.yml` says
    (`language`), else what the configuration says (the language of the configuration the
    others inherit), else the page's."""
    if languages is None:
        return None
    said = portfolio.get("language") if isinstance(portfolio, dict) else None
    if isinstance(said, str) and LANGUAGE_RE.match(said):
        return replace(languages, default=said)
    return replace(languages, default=languages.default or languages.page)


def page_checker(sources: Sources, site_name: str = "Portfolio",
                 languages: Languages | None = None
                 ) -> Callable[[Page], tuple[Initiative | None, list[Problem]]]:
    """What `validate` makes of one page (see `SiteCheck.checker`)."""
    return check_site(sources, site_name, languages).checker()


def _checked(page: Page, ctx: Context) -> tuple[Initiative | None, list[Problem]]:
    """One page's initiative and the problems found in it."""
    problems = Problems()
    initiative = check_page(page, problems, partial(_initiative, page, ctx))
    problems.close()  # (the line counting what is not kept goes with them)
    return initiative, problems.items


__all__ = ["BIDI_CHARACTERS", "ENGINE_FIELDS", "INITIATIVE_FIELDS", "NOT_TEXT_CHARACTERS",
           "SUMMARY_MAX", "YEARS", "CheckMemo", "SiteCheck", "check_site", "describe",
           "page_checker", "partners_of", "url_allowed", "validate"]
