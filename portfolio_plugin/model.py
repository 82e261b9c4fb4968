"""The portfolio model: frozen dataclasses and enums, the vocabulary of the seeds.

Everything past the validator speaks in these types; no raw mappings travel further.
Amounts are already converted to the portfolio currency.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar

from markupsafe import Markup

_T = TypeVar("_T")


def _pickled_as_fields(cls: type[_T]) -> type[_T]:
    """Pickle a frozen dataclass with slots as its class and the values of its fields.

    A worker process hands back the pages it checked pickled, thousands of these small
    values each; pickled the way slots are by default (a dataclass's `__setstate__`, one
    field after another) they take twice as long to read back.
    """
    names = tuple(f.name for f in fields(cls) if f.init)  # type: ignore[arg-type]
    values: Callable[[Any], Any] = attrgetter(*names)
    several = len(names) > 1

    def reduce(self: Any) -> tuple[Any, tuple[Any, ...]]:
        found = values(self)
        return cls, (found if several else (found,))

    cls.__reduce__ = reduce  # type: ignore[method-assign]
    return cls



class Facet(str, enum.Enum):
    """OPSI's four purposes of innovation, at the four ends of the diamond."""

    MISSION = "mission-oriented"
    ENHANCEMENT = "enhancement-oriented"
    ADAPTIVE = "adaptive"
    ANTICIPATORY = "anticipatory"


class Zone(str, enum.Enum):
    """Future by Lund's zones, from exploring together (yellow) to integrated (blue)."""

    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"

    @property
    def rank(self) -> int:
        """0 for yellow, 1 for green, 2 for blue: the direction the portfolio aims for."""
        return ZONES.index(self)


FACETS: tuple[Facet, ...] = (Facet.MISSION, Facet.ENHANCEMENT, Facet.ANTICIPATORY, Facet.ADAPTIVE)
ZONES: tuple[Zone, ...] = (Zone.YELLOW, Zone.GREEN, Zone.BLUE)


class Status(str, enum.Enum):
    """Where an initiative is in its life."""

    IDEA = "idea"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"


class Layer(int, enum.Enum):
    """Vinnväxt's layers that carry money in initiatives (layer 1 is the base investment)."""

    PLATFORM = 2
    ECOSYSTEM = 3


class StoryKind(str, enum.Enum):
    """What kind of event a story tells."""

    CRITICAL_EVENT = "critical-event"
    MILESTONE = "milestone"
    LEARNING = "learning"
    SETBACK = "setback"


class FundingKind(str, enum.Enum):
    """Cash counts in the layers; in-kind is reported beside it."""

    CASH = "cash"
    IN_KIND = "in-kind"


class Sector(str, enum.Enum):
    """The kind of organisation a partner is."""

    PUBLIC = "public"
    BUSINESS = "business"
    ACADEMIA = "academia"
    CIVIL_SOCIETY = "civil-society"
    FUNDER = "funder"
    OTHER = "other"


class AssetKind(str, enum.Enum):
    """The kind of shared asset a partner brings."""

    TESTBED = "testbed"
    FACILITY = "facility"
    DATASET = "dataset"
    NETWORK = "network"
    METHOD = "method"
    OTHER = "other"


class MandateLevel(str, enum.Enum):
    """The level of government a mandate comes from."""

    EU = "eu"
    NATIONAL = "national"
    REGIONAL = "regional"
    LOCAL = "local"


@_pickled_as_fields
@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A date given as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; sorts by its first day."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        """The date as its author wrote it, normalised."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def key(self) -> tuple[int, int, int]:
        """A sort key: the first day of the period."""
        return (self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return self.iso()


class Foreign(str):
    """A text shown in a language other than the page's, because it was not given in the
    page's: it knows its language (`lang`), so that the page can mark it for a screen reader.
    Anything made from it (a slice, an escaped copy) is a plain `str` again."""

    lang: str

    def __new__(cls, text: str, lang: str) -> Foreign:
        made = super().__new__(cls, text)
        made.lang = lang
        return made

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return Foreign, (str(self), self.lang)

    def __html__(self) -> Markup:
        """The text as HTML element content (what autoescaping prints): escaped, in a `span`
        that names its language. Inside an attribute, print `str(text)` instead."""
        return Markup('<span lang="{}">{}</span>').format(self.lang, str(self))


class Mixed(str):
    """A message with a text in another language filled in (see `Foreign`): plain text as a
    string, and as HTML (what autoescaping prints) with that text marked with its language."""

    html: str

    def __new__(cls, text: str, html: str) -> Mixed:
        made = super().__new__(cls, text)
        made.html = html
        return made

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return Mixed, (str(self), self.html)

    def __html__(self) -> Markup:
        return Markup(self.html)  # noqa: S704 - made escaped (i18n.Translator)


def unmarked(value: Any) -> Any:
    """A value for an attribute: a text without the marks of its language (a `Foreign` or
    `Mixed` text as a plain string), anything else as it is."""
    return str(value) if isinstance(value, Foreign | Mixed) else value


def language_of(text: str) -> str | None:
    """The language a text shown on a page is in, where it is not the page's own."""
    return text.lang if isinstance(text, Foreign) else None


@dataclass(frozen=True)
class Languages:
    """The languages of one run: the page's (`page`, what this build writes), the one plain
    texts are written in (`default`), and every language the site is published in."""

    page: str = "en"
    default: str = "en"
    site: tuple[str, ...] = ("en",)


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Text:
    """Text in one or more languages: `title: {en: ..., sv: ...}` or a plain string."""

    values: tuple[tuple[str, str], ...]

    @classmethod
    def plain(cls, text: str) -> Text:
        """A plain string: text in the site's default language."""
        return cls((("", text),))

    def get(self, language: str = "", fallback: str = "en", plain: str = "") -> str:
        """The text in `language`, else the plain one, else the one in the fallback, else the
        first given: a `Foreign` text where it is not in `language` (a plain text is in
        `plain`, the site's default language, where it is known)."""
        if len(self.values) == 1:  # (most texts: the one there is, whatever is asked for)
            key, text = self.values[0]
        else:
            found = dict(self.values)
            for key in (language, "", fallback):
                if key in found:
                    text = found[key]
                    break
            else:
                key, text = self.values[0]
        key = key or plain
        return Foreign(text, key) if key and language and key != language else text

    @property
    def languages(self) -> tuple[str, ...]:
        """The language codes this text is given in ('' for unspecified)."""
        return tuple(k for k, _ in self.values)

    def __str__(self) -> str:
        return self.get()


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Untranslated:
    """A text not given in every language of the site (`portfolio validate` says so)."""

    path: str
    line: int
    column: int
    field: str
    missing: tuple[str, ...]


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Partner:
    """An organisation of the ecosystem."""

    id: str
    name: str
    sector: Sector
    url: str | None = None
    description: str = ""
    logo: str | None = None


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Asset:
    """A shared asset a partner brings to the ecosystem."""

    id: str
    name: str
    kind: AssetKind
    owner: str | None = None
    description: str = ""
    url: str | None = None


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Theme:
    """A theme of the portfolio."""

    id: str
    title: str


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Mandate:
    """A higher-level policy an initiative serves."""

    id: str
    title: str
    level: MandateLevel
    url: str | None = None


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class KeyResult:
    """A key result of an objective, measured by an indicator."""

    title: str
    indicator: str | None = None
    target: str | None = None


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Objective:
    """A portfolio objective: ambition decided at the top, actions proposed by the teams."""

    id: str
    title: str
    description: str = ""
    key_results: tuple[KeyResult, ...] = ()


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Money:
    """An amount of money, converted to the portfolio currency, and as it was given."""

    amount: float
    currency: str
    original_amount: float


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class BaseInvestment:
    """Layer 1: money put into the platform itself in one year."""

    year: int
    money: Money
    funder: str | None = None


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Funding:
    """Money for one initiative from one funder in one year."""

    funder: str
    money: Money
    year: int
    kind: FundingKind = FundingKind.CASH
    note: str = ""

    @property
    def amount(self) -> float:
        """The amount in the portfolio currency."""
        return self.money.amount


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class PartnerRole:
    """A partner's part in an initiative."""

    id: str
    role: str | None = None


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class ZoneChange:
    """A dated step of an initiative's journey between zones."""

    date: PartialDate
    zone: Zone
    note: str = ""


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Story:
    """A dated story of an initiative; critical events are the layer model's fourth layer."""

    initiative: str
    date: PartialDate
    title: str
    kind: StoryKind = StoryKind.CRITICAL_EVENT
    text: str = ""
    link: str | None = None
    partners: tuple[str, ...] = ()


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """One measurement of an indicator."""

    date: PartialDate
    value: float


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Indicator:
    """Something an initiative tracks over time, against a baseline and a target."""

    name: str
    unit: str = ""
    baseline: float | None = None
    target: float | None = None
    values: tuple[IndicatorValue, ...] = ()
    id: str | None = None  # what a key result's `indicator` names
    baseline_date: PartialDate | None = None
    target_date: PartialDate | None = None


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Position:
    """An exact place on the facet map: certainty left (-1) to right (1), direction top (1)."""

    certainty: float
    direction: float


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Link:
    """A link from an initiative page."""

    title: str
    url: str


@_pickled_as_fields
@dataclass(frozen=True, slots=True)
class Initiative:
    """One initiative, one Markdown page."""

    slug: str
    path: str
    title: Text
    summary: Text
    facet: Facet
    zone: Zone
    status: Status = Status.ACTIVE
    start: PartialDate | None = None
    end: PartialDate | None = None
    steward: str | None = None
    partners: tuple[PartnerRole, ...] = ()
    layer: Layer = Layer.PLATFORM
    funding: tuple[Funding, ...] = ()
    themes: tuple[str, ...] = ()
    mandates: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()
    zone_history: tuple[ZoneChange, ...] = ()
    stories: tuple[Story, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    position: Position | None = None
    links: tuple[Link, ...] = ()
    body: str = ""
    body_line: int = 1
    # The file the body was read from where it is a translation (`<slug>.<lang>.md`), and the
    # body's language where it is not the page's (no translation in the page's language).
    body_path: str | None = None
    body_language: str | None = None
    untranslated: tuple[Untranslated, ...] = ()
    # Every text of the front-matter given in several languages, by its field path
    # (`title`, `stories[0].text`, ...): what the open data keeps (`translations`).
    translations: tuple[tuple[str, Text], ...] = ()
    _hash: int | None = field(default=None, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        # Computed once: pages are cached by initiative, and the generated hash would walk
        # every field again on each lookup.
        known = self._hash
        if known is None:
            known = hash(tuple(getattr(self, f.name) for f in fields(self) if f.compare))
            object.__setattr__(self, "_hash", known)
        return known

    @property
    def partner_ids(self) -> tuple[str, ...]:
        """Ids of the partners, steward first when it is not listed as a partner."""
        ids = [p.id for p in self.partners]
        if self.steward and self.steward not in ids:
            ids.insert(0, self.steward)
        return tuple(ids)

    @property
    def cash(self) -> float:
        """Cash funding over all years, in the portfolio currency."""
        return sum(f.amount for f in self.funding if f.kind is FundingKind.CASH)

    @property
    def in_kind(self) -> float:
        """In-kind contributions over all years, in the portfolio currency."""
        return sum(f.amount for f in self.funding if f.kind is FundingKind.IN_KIND)


@dataclass(frozen=True)
class PortfolioInfo:
    """What `portfolio.yml` says about the portfolio as a whole."""

    name: str
    currency: str
    organisation: str | None = None
    exchange_rates: tuple[tuple[str, float], ...] = ()
    base_investment: tuple[BaseInvestment, ...] = ()
    themes: tuple[Theme, ...] = ()
    mandates: tuple[Mandate, ...] = ()
    objectives: tuple[Objective, ...] = ()
    federation: tuple[str, ...] = ()
    description: str = ""
    licence: str | None = None  # SPDX id of the open data's licence
    # The language plain texts are written in (`language`; for a run in a language, the
    # default language that run found: see validate).
    language: str | None = None
    untranslated: tuple[Untranslated, ...] = ()


@dataclass(frozen=True)
class Licence:
    """A licence of open data, by its SPDX id."""

    id: str
    name: str
    url: str


# Common licences of open data (SPDX ids, full names, the text's address). Another id of the
# right shape is accepted with a warning; its address is then its SPDX page.
LICENCES = {licence.id: licence for licence in (
    Licence("CC0-1.0", "Creative Commons Zero v1.0 Universal",
            "https://creativecommons.org/publicdomain/zero/1.0/"),
    Licence("CC-BY-4.0", "Creative Commons Attribution 4.0 International",
            "https://creativecommons.org/licenses/by/4.0/"),
    Licence("CC-BY-SA-4.0", "Creative Commons Attribution Share Alike 4.0 International",
            "https://creativecommons.org/licenses/by-sa/4.0/"),
    Licence("ODbL-1.0", "Open Data Commons Open Database License v1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/"),
    Licence("ODC-By-1.0", "Open Data Commons Attribution License v1.0",
            "https://opendatacommons.org/licenses/by/1-0/"),
    Licence("PDDL-1.0", "Open Data Commons Public Domain Dedication & License 1.0",
            "https://opendatacommons.org/licenses/pddl/1-0/"),
    Licence("DL-DE-BY-2.0", "Data licence Germany - attribution - version 2.0",
            "https://www.govdata.de/dl-de/by-2-0"),
    Licence("DL-DE-ZERO-2.0", "Data licence Germany - Zero - version 2.0",
            "https://www.govdata.de/dl-de/zero-2-0"),
    Licence("NLOD-2.0", "Norwegian Licence for Open Government Data (NLOD) 2.0",
            "https://data.norge.no/nlod/en/2.0"),
    Licence("OGL-UK-3.0", "Open Government Licence v3.0",
            "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
)}


def spdx_page(spdx_id: str) -> str:
    """The SPDX page of a licence id: where any licence is described, common or not."""
    return f"https://spdx.org/licenses/{spdx_id}.html"


def licence(spdx_id: str) -> Licence:
    """The licence of an SPDX id: a common one by name, any other by its SPDX page."""
    return LICENCES.get(spdx_id) or Licence(spdx_id, spdx_id, spdx_page(spdx_id))


@dataclass(frozen=True)
class Portfolio:
    """The whole validated portfolio: what every later stage reads."""

    info: PortfolioInfo
    partners: tuple[Partner, ...] = ()
    assets: tuple[Asset, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    left_out: tuple[str, ...] = field(default=())

    def partner(self, partner_id: str) -> Partner | None:
        """The partner with this id, if known."""
        return self._index("partners").get(partner_id)  # type: ignore[return-value]

    def asset(self, asset_id: str) -> Asset | None:
        """The asset with this id, if known."""
        return self._index("assets").get(asset_id)  # type: ignore[return-value]

    def theme(self, theme_id: str) -> Theme | None:
        """The theme with this id, if declared."""
        return {t.id: t for t in self.info.themes}.get(theme_id)

    def _index(self, name: str) -> dict[str, object]:
        cache = self.__dict__.setdefault("_indexes", {})
        if name not in cache:
            cache[name] = {item.id: item for item in getattr(self, name)}
        return cache[name]  # type: ignore[no-any-return]

    def untranslated(self) -> list[Untranslated]:
        """Every text not given in every language of the site: `site_data/`'s, then the
        initiatives'."""
        return [*self.info.untranslated, *(u for i in self.initiatives for u in i.untranslated)]

    @property
    def stories(self) -> tuple[Story, ...]:
        """All stories of all initiatives, newest first."""
        items = [s for i in self.initiatives for s in i.stories]
        items.sort(key=lambda s: (s.date.key, s.initiative, s.title), reverse=True)
        return tuple(items)
