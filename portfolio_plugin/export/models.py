"""The export document's contract: `portfolio.json` defined once, as pydantic models.

The same models make the document (`document.py` fills them from the model and its figures
and dumps them), publish its JSON Schema (`document_schema`) and read other portfolios'
documents back (`federation.py`). Versions: `schema` is MAJOR.MINOR; a new MINOR only adds
optional fields, so every model ignores fields it does not know (and the published schema
allows them), and a reader accepts any document of its own MAJOR.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer
from pydantic.json_schema import GenerateJsonSchema

from ..compute import ProgressState
from ..model import AssetKind, Facet, FundingKind, Layer, MandateLevel, Sector, Status, StoryKind
from ..model import Zone as ZoneName

SCHEMA_MAJOR = 1
SCHEMA_MINOR = 1  # 1.1: an indicator's id, baseline_date and target_date
SCHEMA_VERSION = f"{SCHEMA_MAJOR}.{SCHEMA_MINOR}"
SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://portfolio-showcase.example/schemas/portfolio.schema.json"
# Any MINOR of this MAJOR.
VERSION_PATTERN = rf"^{SCHEMA_MAJOR}\.[0-9]+$"


def amount(value: float) -> int | float:
    """Money rounded to cents, as an integer when it is whole (so `1500000`, not `1500000.0`)."""
    rounded = round(float(value), 2)
    return int(rounded) if rounded.is_integer() else rounded


def ratio(value: float | None) -> float | None:
    """A leverage ratio, rounded to four decimals."""
    return None if value is None else round(value, 4)


Money = Annotated[float, Field(ge=0), PlainSerializer(amount)]
Ratio = Annotated[float | None, PlainSerializer(ratio)]
Count = Annotated[int, Field(ge=0)]
Id = Annotated[str, Field(min_length=1)]
Ids = list[Id]
Url = Annotated[str, Field(description="A URL relative to the site's root, or absolute")]
Date = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
                            description="ISO 8601 date as precise as given: YYYY, YYYY-MM or "
                                        "YYYY-MM-DD")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class Part(BaseModel):
    """A part of the document: fields it does not know are ignored (a newer MINOR's)."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


# -- the portfolio as a whole -------------------------------------------------------------

class BaseInvestment(Part):
    """Layer 1: base investment of one year."""

    year: int
    funder: str | None
    amount: Money = Field(description="In the portfolio currency")
    currency: Currency = Field(description="The portfolio currency")
    original_amount: Money = Field(description="As given, before conversion")
    original_currency: Currency = Field(description="As given, before conversion")


class PortfolioInfo(Part):
    """The portfolio as a whole."""

    name: str
    currency: Currency
    generated: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
                           json_schema_extra={"format": "date-time"},
                           description="When the document was made, in UTC")
    organisation: str | None = Field(description="Partner id of the platform")
    description: str
    language: str
    site_url: str | None
    exchange_rates: dict[Currency, Annotated[float, Field(gt=0)]] = Field(
        description="Units of the portfolio currency per unit of each currency")
    base_investment: list[BaseInvestment]


class Pages(Part):
    """Site-relative URLs of the generated pages."""

    overview: Url
    initiatives: Url
    facet_map: Url
    ecosystem: Url
    leverage: Url
    timeline: Url
    objectives: Url
    mandates: Url
    data: Url
    federation: Url | None = Field(default=None,
                                   description="Only where the portfolio federates others")


class Files(Part):
    """Site-relative URLs of the open-data files."""

    json_: Url = Field(alias="json")
    schema_: Url = Field(alias="schema")
    initiatives_csv: Url
    partners_csv: Url
    funding_csv: Url
    stories_csv: Url
    atom: Url
    json_feed: Url


class Theme(Part):
    """A theme."""

    id: Id
    title: str
    url: Url
    initiatives: Ids


class Mandate(Part):
    """A higher-level mandate."""

    id: Id
    title: str
    level: MandateLevel
    website: str | None
    initiatives: Ids


class KeyResult(Part):
    """A key result."""

    title: str
    indicator: str | None
    target: str | None


class Objective(Part):
    """A portfolio objective."""

    id: Id
    title: str
    description: str
    key_results: list[KeyResult]
    initiatives: Ids


# -- initiatives ----------------------------------------------------------------------------

class PartnerRole(Part):
    """A partner and its role."""

    id: Id
    role: str | None


class Funding(Part):
    """Money from one funder in one year."""

    funder: Id
    year: int
    kind: FundingKind
    amount: Money = Field(description="In the portfolio currency")
    currency: Currency = Field(description="The portfolio currency")
    original_amount: Money = Field(description="As given, before conversion")
    original_currency: Currency = Field(description="As given, before conversion")
    note: str = Field("", description="The author's note on this money (added in 1.1)")


class ZoneStep(Part):
    """A step between zones."""

    date: Date
    zone: ZoneName
    note: str


class Story(Part):
    """A story."""

    date: Date
    title: str
    kind: StoryKind
    text: str = Field(description="Markdown")
    link: str | None
    partners: Ids


class Measurement(Part):
    """A measurement."""

    date: Date
    value: float


class Progress(Part):
    """How far an indicator has come at its latest value (DESIGN, "Progress of an
    indicator"; since version 1.1)."""

    state: ProgressState = Field(description=(
        "reached (share >= 1); on-track or behind (against the expected share, with a target "
        "date); under-way (no target date); no-target; no-data (no values)"))
    share: float | None = Field(default=None, description=(
        "(latest - baseline) / (target - baseline), rounded to 4 places; null without a "
        "target, or where it is too large to write"))
    expected: float | None = Field(default=None, description=(
        "The share of the time from the baseline's date (else the first value's) to the "
        "target date elapsed at the latest value, 0 to 1; null without a target date"))


class Indicator(Part):
    """An indicator (`id`, `baseline_date`, `target_date` and `progress` since version
    1.1)."""

    id: str | None = Field(default=None, description="What a key result's `indicator` names")
    name: str
    unit: str
    baseline: float | None
    baseline_date: Date | None = None
    target: float | None
    target_date: Date | None = None
    values: list[Measurement]
    progress: Progress | None = None


class Position(Part):
    """A place on the facet map."""

    certainty: float = Field(ge=-1, le=1)
    direction: float = Field(ge=-1, le=1)


class Link(Part):
    """A link."""

    title: str
    url: str


class Initiative(Part):
    """An initiative."""

    id: Id
    url: Url
    title: str
    summary: str
    translations: dict[str, dict[str, str]] = Field(
        description="every text the author gave in several languages, by its field path in "
                    "the front-matter (title, summary, stories[0].text, partners[1].role, ...), "
                    "each by language code")
    facet: Facet
    zone: ZoneName
    status: Status
    start: Date | None
    end: Date | None
    steward: str | None
    partners: list[PartnerRole]
    layer: Layer
    funding: list[Funding]
    cash: Money
    in_kind: Money
    themes: Ids
    mandates: Ids
    objectives: Ids
    assets: Ids
    zone_history: list[ZoneStep]
    stories: list[Story]
    indicators: list[Indicator]
    position: Position | None
    links: list[Link]


# -- the ecosystem -----------------------------------------------------------------------------

class Partner(Part):
    """A partner."""

    id: Id
    name: str
    sector: Sector
    website: str | None
    description: str
    logo: str | None
    url: Url
    initiatives: Ids
    roles: dict[str, str] = Field(description="Role in each initiative, by initiative id")
    stewards: Ids
    cash: Money
    in_kind: Money
    base_investment: Money
    assets: Ids
    first_year: int | None


class Asset(Part):
    """A shared asset."""

    id: Id
    name: str
    kind: AssetKind
    owner: str | None
    description: str
    website: str | None
    url: Url
    initiatives: Ids


class PortfolioStory(Story):
    """A story of an initiative."""

    initiative: Id
    url: Url


# -- figures ---------------------------------------------------------------------------------

class Layers(Part):
    """The layer model in total."""

    layer1: Money = Field(description="Base investment in the platform (cash)")
    layer2: Money = Field(description="Cash of layer-2 initiatives (platform projects)")
    layer3: Money = Field(description="Cash of layer-3 initiatives (others' projects)")
    layer4: Count = Field(description="Number of critical-event stories")
    in_kind: Money = Field(description="In-kind contributions, kept out of the ratio")
    leverage: Ratio = Field(description="(layer2 + layer3) / layer1, rounded to 4 decimals; "
                                        "null where layer1 is 0")


class LayerYear(Layers):
    """The layer model for one year."""

    year: int


class Leverage(Part):
    """Vinnväxt's layer model."""

    years: list[LayerYear]
    total: Layers


class Cell(Part):
    """One facet and zone."""

    count: Count
    funding: Money = Field(description="Cash, all years")


class Funder(Part):
    """Money from one funder, all years."""

    id: Id
    base_investment: Money
    cash: Money
    in_kind: Money


class Split(Part):
    """Layers 2-4 of one group of initiatives."""

    count: Count
    layer2: Money
    layer3: Money
    in_kind: Money
    layer4: Count


class FacetSplit(Split):
    """Layers 2-4 of one facet."""

    facet: Facet


class ThemeSplit(Split):
    """Layers 2-4 of one theme."""

    theme: Id


class PortfolioDocument(Part):
    """The document, `portfolio.json`."""

    model_config = ConfigDict(title="Innovation portfolio", json_schema_extra={
        "description": "A whole innovation portfolio: initiatives, partners, assets, stories "
                       "and the figures computed from them. Amounts are in the portfolio "
                       "currency."})

    schema_: str = Field(alias="schema", pattern=VERSION_PATTERN,
                         description="Version of this format, MAJOR.MINOR: a newer MINOR "
                                     "only adds optional fields")
    portfolio: PortfolioInfo
    pages: Pages
    files: Files
    themes: list[Theme]
    mandates: list[Mandate]
    objectives: list[Objective]
    initiatives: list[Initiative]
    partners: list[Partner]
    assets: list[Asset]
    stories: list[PortfolioStory] = Field(description="Newest first")
    leverage: Leverage
    balance: dict[Facet, dict[ZoneName, Cell]] = Field(
        description="Count and cash funding by facet and zone")
    funders: list[Funder]
    by_facet: list[FacetSplit]
    by_theme: list[ThemeSplit]


def dump(part: BaseModel) -> Any:
    """A part as JSON-ready data, with the keys of the published document."""
    return part.model_dump(mode="json", by_alias=True, exclude_unset=True)


class _Schema(GenerateJsonSchema):
    """Titles only on the models: a field's name is its title."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def document_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `portfolio.json`, made from the models."""
    schema = PortfolioDocument.model_json_schema(by_alias=True, schema_generator=_Schema)
    return {"$schema": SCHEMA_URI, "$id": SCHEMA_ID, **schema}
