"""The computed figures: one definition of each, used by pages, charts and exports alike.

Everything here is a pure function of the validated `Portfolio` (and, for "recent", a date).
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ..model import (
    FACETS,
    ZONES,
    Facet,
    FundingKind,
    Indicator,
    IndicatorValue,
    Initiative,
    KeyResult,
    Layer,
    PartialDate,
    Portfolio,
    Sector,
    Status,
    Story,
    StoryKind,
    Zone,
)


@dataclass(frozen=True)
class LayerFigures:
    """The four layers for one year (or in total, with `year` None)."""

    year: int | None
    layer1: float
    layer2: float
    layer3: float
    layer4: int
    in_kind: float = 0.0

    @property
    def leverage(self) -> float | None:
        """(layer 2 + layer 3) / layer 1; None where there was no base investment, or none
        that is published (money is published to the cent): the ratio of any amounts of the
        contract to a cent stays a number that prints, where a tinier divisor would not."""
        if round(self.layer1, 2) == 0:
            return None
        return (self.layer2 + self.layer3) / self.layer1


@dataclass(frozen=True)
class Leverage:
    """The layer model over the years and in total."""

    years: tuple[LayerFigures, ...]
    total: LayerFigures


@dataclass(frozen=True)
class Cell:
    """One facet x zone cell of the balance."""

    count: int = 0
    funding: float = 0.0


@dataclass(frozen=True)
class Balance:
    """For each facet and zone: how many initiatives, and their cash funding over all years."""

    cells: tuple[tuple[Facet, Zone, Cell], ...]

    def cell(self, facet: Facet, zone: Zone) -> Cell:
        """The cell of one facet and zone."""
        for f, z, c in self.cells:
            if f is facet and z is zone:
                return c
        return Cell()

    def facet_total(self, facet: Facet) -> Cell:
        """All zones of one facet."""
        cells = [self.cell(facet, z) for z in ZONES]
        return Cell(sum(c.count for c in cells), sum(c.funding for c in cells))

    def zone_total(self, zone: Zone) -> Cell:
        """All facets in one zone."""
        cells = [self.cell(f, zone) for f in FACETS]
        return Cell(sum(c.count for c in cells), sum(c.funding for c in cells))

    @property
    def gaps(self) -> tuple[tuple[Facet, Zone], ...]:
        """Facet and zone combinations without any initiative."""
        return tuple((f, z) for f, z, c in self.cells if c.count == 0)


@dataclass(frozen=True)
class Move:
    """An initiative moving from one zone to another."""

    initiative: str
    date: dt.date
    label: str
    source: Zone
    target: Zone

    @property
    def forward(self) -> bool:
        """Towards blue, the direction the portfolio aims for."""
        return self.target.rank > self.source.rank


@dataclass(frozen=True)
class MovementYear:
    """The moves of one year, and where initiatives stood at its end."""

    year: int
    moves: tuple[tuple[Zone, Zone, int], ...]
    forward: int
    backward: int
    at_end: tuple[tuple[Zone, int], ...]


@dataclass(frozen=True)
class PartnerFigures:
    """What one partner does in the portfolio."""

    id: str
    initiatives: tuple[tuple[str, str], ...]  # (initiative slug, role text)
    stewards: tuple[str, ...]
    cash: float
    in_kind: float
    base_investment: float
    assets: tuple[str, ...]
    stories: tuple[Story, ...]
    first_year: int | None

    def __hash__(self) -> int:
        # Computed once (pages are cached by these figures); see Initiative.__hash__.
        known: int | None = self.__dict__.get("_hash")
        if known is None:
            known = hash((self.id, self.initiatives, self.stewards, self.cash, self.in_kind,
                          self.base_investment, self.assets, self.stories, self.first_year))
            object.__setattr__(self, "_hash", known)
        return known


@dataclass(frozen=True)
class Collaborator:
    """Another partner one partner works with: the initiatives both take part in."""

    id: str
    initiatives: tuple[str, ...]  # slugs, sorted


@dataclass(frozen=True)
class FunderFigures:
    """Money gathered from one funder."""

    id: str
    base_investment: float
    cash: float
    in_kind: float

    @property
    def total_cash(self) -> float:
        """Base investment and project cash together."""
        return self.base_investment + self.cash


@dataclass(frozen=True)
class SplitFigures:
    """Layers 2-4 for a part of the portfolio (one facet, one theme)."""

    key: str
    count: int
    layer2: float
    layer3: float
    in_kind: float
    layer4: int


@dataclass(frozen=True)
class Figures:
    """Every computed figure of the portfolio."""

    leverage: Leverage
    balance: Balance
    movement: tuple[MovementYear, ...]
    moves: tuple[Move, ...]
    recent_moves: tuple[Move, ...]
    partners: tuple[PartnerFigures, ...]
    funders: tuple[FunderFigures, ...]
    by_facet: tuple[SplitFigures, ...]
    by_theme: tuple[SplitFigures, ...]
    new_partners: tuple[tuple[int, tuple[str, ...]], ...]
    new_funders: tuple[tuple[int, tuple[str, ...]], ...]
    stories: tuple[Story, ...]
    as_of: dt.date
    asset_users: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    @cached_property
    def partner_links(self) -> tuple[tuple[str, str, int], ...]:
        """Pairs of partners and how many initiatives both take part in (`partner_links`):
        found when a page first asks, by the process that makes that page."""
        return partner_links(self.partners)

    @cached_property
    def collaborators(self) -> dict[str, tuple[Collaborator, ...]]:
        """Each partner's partners in shared initiatives (`collaborators`): found when a page
        first asks, by the process that makes that page."""
        return collaborators(self.partners)

    def partner(self, partner_id: str) -> PartnerFigures | None:
        """The figures of one partner."""
        return self._partner_index.get(partner_id)

    @cached_property
    def _partner_index(self) -> dict[str, PartnerFigures]:
        return {p.id: p for p in reversed(self.partners)}  # the first of an id wins, as before

    @property
    def money_gathered(self) -> float:
        """Cash of layers 1 to 3 over all years."""
        t = self.leverage.total
        return t.layer1 + t.layer2 + t.layer3


def _cash(initiative: Initiative) -> Iterable[tuple[int, float]]:
    for f in initiative.funding:
        if f.kind is FundingKind.CASH:
            yield f.year, f.amount


def leverage(portfolio: Portfolio) -> Leverage:
    """DESIGN's layer model: base investment, project cash by layer, critical events."""
    layer1: dict[int, float] = defaultdict(float)
    layer2: dict[int, float] = defaultdict(float)
    layer3: dict[int, float] = defaultdict(float)
    layer4: dict[int, int] = defaultdict(int)
    in_kind: dict[int, float] = defaultdict(float)
    for base in portfolio.info.base_investment:
        layer1[base.year] += base.money.amount
    for initiative in portfolio.initiatives:
        target = layer2 if initiative.layer is Layer.PLATFORM else layer3
        for f in initiative.funding:
            if f.kind is FundingKind.CASH:
                target[f.year] += f.amount
            else:
                in_kind[f.year] += f.amount
        for story in initiative.stories:
            if story.kind is StoryKind.CRITICAL_EVENT:
                layer4[story.date.year] += 1
    years = sorted(set(layer1) | set(layer2) | set(layer3) | set(layer4) | set(in_kind))
    rows = tuple(LayerFigures(y, layer1[y], layer2[y], layer3[y], layer4[y], in_kind[y])
                 for y in years)
    total = LayerFigures(None, sum(layer1.values()), sum(layer2.values()),
                         sum(layer3.values()), sum(layer4.values()), sum(in_kind.values()))
    return Leverage(rows, total)


def balance(initiatives: Sequence[Initiative]) -> Balance:
    """Count and cash funding of the initiatives in each facet and zone."""
    counts: dict[tuple[Facet, Zone], int] = defaultdict(int)
    money: dict[tuple[Facet, Zone], float] = defaultdict(float)
    for i in initiatives:
        counts[i.facet, i.zone] += 1
        money[i.facet, i.zone] += i.cash
    return Balance(tuple((f, z, Cell(counts[f, z], money[f, z])) for f in FACETS for z in ZONES))


def moves(initiatives: Sequence[Initiative]) -> tuple[Move, ...]:
    """Every change of zone in the initiatives' histories, oldest first."""
    result = []
    for i in initiatives:
        steps = i.zone_history
        for before, after in itertools.pairwise(steps):
            if before.zone is not after.zone:
                when = dt.date(*after.date.key)
                result.append(Move(i.slug, when, after.date.iso(), before.zone, after.zone))
    result.sort(key=lambda m: (m.date, m.initiative))
    return tuple(result)


def zone_at(initiative: Initiative, year: int) -> Zone | None:
    """Where an initiative stood at the end of a year; None if it had not started."""
    steps = [s for s in initiative.zone_history if s.date.year <= year]
    if steps:
        return steps[-1].zone
    if initiative.zone_history:
        return None
    if initiative.start is not None and initiative.start.year > year:
        return None
    return initiative.zone


def movement(initiatives: Sequence[Initiative],
             all_moves: Sequence[Move]) -> tuple[MovementYear, ...]:
    """Moves per year, and how many initiatives stood in each zone at each year's end."""
    years = sorted({m.date.year for m in all_moves}
                   | {s.date.year for i in initiatives for s in i.zone_history})
    result = []
    for year in years:
        counted: dict[tuple[Zone, Zone], int] = defaultdict(int)
        for m in all_moves:
            if m.date.year == year:
                counted[m.source, m.target] += 1
        at_end: dict[Zone, int] = defaultdict(int)
        for i in initiatives:
            zone = zone_at(i, year)
            if zone is not None:
                at_end[zone] += 1
        pairs = tuple((a, b, counted[a, b]) for a in ZONES for b in ZONES if counted[a, b])
        result.append(MovementYear(
            year, pairs,
            sum(n for a, b, n in pairs if b.rank > a.rank),
            sum(n for a, b, n in pairs if b.rank < a.rank),
            tuple((z, at_end[z]) for z in ZONES)))
    return tuple(result)


def _split(initiatives: Sequence[Initiative], keys: Callable[[Initiative], Iterable[str]],
           order: Sequence[str]) -> tuple[SplitFigures, ...]:
    groups: dict[str, list[Initiative]] = defaultdict(list)
    for i in initiatives:
        for key in keys(i):
            groups[key].append(i)
    result = []
    for key in order:
        members = groups.get(key, [])
        result.append(SplitFigures(
            key, len(members),
            sum(i.cash for i in members if i.layer is Layer.PLATFORM),
            sum(i.cash for i in members if i.layer is Layer.ECOSYSTEM),
            sum(i.in_kind for i in members),
            sum(1 for i in members for s in i.stories if s.kind is StoryKind.CRITICAL_EVENT)))
    return tuple(result)


def _partner_figures(portfolio: Portfolio, stories: Sequence[Story]) -> tuple[PartnerFigures, ...]:
    # One pass over initiatives and stories, indexed by partner: the figures of every
    # partner at once (a loop per partner would grow with partners x initiatives).
    involved: dict[str, list[tuple[str, str]]] = defaultdict(list)
    stewards: dict[str, list[str]] = defaultdict(list)
    cash: dict[str, float] = defaultdict(float)
    in_kind: dict[str, float] = defaultdict(float)
    years: dict[str, list[int]] = defaultdict(list)
    for i in portfolio.initiatives:
        roles: dict[str, list[str]] = defaultdict(list)
        if i.steward:
            stewards[i.steward].append(i.slug)
            roles[i.steward].append("steward")
        for p in i.partners:
            roles[p.id].append(p.role or "partner")
        for f in i.funding:
            if f.funder not in roles:
                roles[f.funder].append("funder")
            years[f.funder].append(f.year)
            if f.kind is FundingKind.CASH:
                cash[f.funder] += f.amount
            else:
                in_kind[f.funder] += f.amount
        for partner_id, named in roles.items():
            # One role as written (it may be a text in another language: see model.Foreign).
            involved[partner_id].append((i.slug, named[0] if len(set(named)) == 1
                                         else ", ".join(dict.fromkeys(named))))
            # A funder only joins when its money comes (counted above), not when the
            # initiative started.
            if i.start is not None and named != ["funder"]:
                years[partner_id].append(i.start.year)
    base: dict[str, float] = defaultdict(float)
    for b in portfolio.info.base_investment:
        if b.funder:
            base[b.funder] += b.money.amount
            years[b.funder].append(b.year)
    own_stories: dict[str, list[Story]] = defaultdict(list)
    for story in stories:
        for partner_id in dict.fromkeys(story.partners):
            own_stories[partner_id].append(story)
            years[partner_id].append(story.date.year)
    owned: dict[str, list[str]] = defaultdict(list)
    for a in portfolio.assets:
        if a.owner:
            owned[a.owner].append(a.id)
    return tuple(
        PartnerFigures(
            p.id, tuple(involved.get(p.id, ())), tuple(stewards.get(p.id, ())),
            cash.get(p.id, 0.0), in_kind.get(p.id, 0.0), base.get(p.id, 0.0),
            tuple(owned.get(p.id, ())), tuple(own_stories.get(p.id, ())),
            min(years[p.id]) if years.get(p.id) else None)
        for p in portfolio.partners)


def _funders(portfolio: Portfolio) -> tuple[FunderFigures, ...]:
    base: dict[str, float] = defaultdict(float)
    cash: dict[str, float] = defaultdict(float)
    in_kind: dict[str, float] = defaultdict(float)
    for b in portfolio.info.base_investment:
        if b.funder:
            base[b.funder] += b.money.amount
    for i in portfolio.initiatives:
        for f in i.funding:
            (cash if f.kind is FundingKind.CASH else in_kind)[f.funder] += f.amount
    ids = set(base) | set(cash) | set(in_kind)
    rows = [FunderFigures(k, base[k], cash[k], in_kind[k]) for k in ids]
    rows.sort(key=lambda f: (-(f.total_cash + f.in_kind), f.id))
    return tuple(rows)


def _first_years(portfolio: Portfolio, partners: Sequence[PartnerFigures]
                 ) -> tuple[tuple[tuple[int, tuple[str, ...]], ...],
                            tuple[tuple[int, tuple[str, ...]], ...]]:
    new_partners: dict[int, list[str]] = defaultdict(list)
    for p in partners:
        if p.first_year is not None and p.initiatives:
            new_partners[p.first_year].append(p.id)
    first_funding: dict[str, int] = {}
    for b in portfolio.info.base_investment:
        if b.funder:
            first_funding[b.funder] = min(first_funding.get(b.funder, b.year), b.year)
    for i in portfolio.initiatives:
        for f in i.funding:
            first_funding[f.funder] = min(first_funding.get(f.funder, f.year), f.year)
    new_funders: dict[int, list[str]] = defaultdict(list)
    for funder, year in first_funding.items():
        new_funders[year].append(funder)
    return (tuple((y, tuple(sorted(v))) for y, v in sorted(new_partners.items())),
            tuple((y, tuple(sorted(v))) for y, v in sorted(new_funders.items())))


def partner_links(partners: Sequence[PartnerFigures]) -> tuple[tuple[str, str, int], ...]:
    """Pairs of partners (ids in order) and how many initiatives both take part in.

    Most shared first, then by ids (each pair once; `collaborators` gives each partner its own).
    """
    members: dict[str, list[str]] = defaultdict(list)
    for p in partners:
        for slug, _role in p.initiatives:
            members[slug].append(p.id)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for ids in members.values():
        for a, b in itertools.combinations(sorted(set(ids)), 2):
            shared[a, b] += 1
    return tuple(sorted(((a, b, n) for (a, b), n in shared.items()),
                        key=lambda link: (-link[2], link[0], link[1])))


def _members(partners: Sequence[PartnerFigures]) -> dict[str, list[str]]:
    """Each initiative's partners (any role), in the order of the partner list, once each."""
    members: dict[str, list[str]] = defaultdict(list)
    for p in partners:
        for slug, _role in p.initiatives:
            if p.id not in members[slug]:
                members[slug].append(p.id)
    return members


def collaborators(partners: Sequence[PartnerFigures]) -> dict[str, tuple[Collaborator, ...]]:
    """For each partner, the other partners it shares initiatives with (as steward, partner
    or funder), the most shared first, then by id; partners that share none are left out."""
    shared: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for slug, ids in _members(partners).items():
        for a in ids:
            mine = shared[a]
            for b in ids:
                if b != a:
                    held = mine.get(b)
                    if held is None:
                        mine[b] = [slug]
                    else:
                        held.append(slug)
    # (Hundreds of thousands of pairs at 20,000 initiatives, most sharing one initiative:
    # no list of one is sorted, and each partner's pairs are sorted once, as plain tuples.)
    made = {}
    for pid, others in shared.items():
        pairs = sorted((-len(slugs), other, slugs) for other, slugs in others.items())
        made[pid] = tuple(Collaborator(other, tuple(slugs) if len(slugs) == 1
                                       else tuple(sorted(slugs)))
                          for _, other, slugs in pairs)
    return made


def joint_initiatives(partners: Sequence[PartnerFigures]) -> int:
    """How many initiatives bring two or more partners together (in any role)."""
    return sum(1 for ids in _members(partners).values() if len(ids) > 1)


def sector_links(partners: Sequence[PartnerFigures], sectors: dict[str, Sector]
                 ) -> dict[tuple[Sector, Sector], int]:
    """For each pair of sectors (both orders; a sector with itself too), in how many
    initiatives a partner of the one works with a different partner of the other."""
    counts: dict[tuple[Sector, Sector], int] = defaultdict(int)
    for ids in _members(partners).values():
        present: dict[Sector, int] = defaultdict(int)
        for pid in ids:
            if pid in sectors:
                present[sectors[pid]] += 1
        for a, n in present.items():
            for b in present:
                if a is not b or n > 1:
                    counts[a, b] += 1
    return dict(counts)


def asset_users(portfolio: Portfolio) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each asset with the initiatives that use it, in the portfolio's order."""
    users: dict[str, list[str]] = {a.id: [] for a in portfolio.assets}
    for i in portfolio.initiatives:
        for asset in dict.fromkeys(i.assets):
            if asset in users:
                users[asset].append(i.slug)
    return tuple((a.id, tuple(users[a.id])) for a in portfolio.assets)


def compute(portfolio: Portfolio, as_of: dt.date) -> Figures:
    """All figures of the portfolio, as of a date (for "this year" and "recent")."""
    all_moves = moves(portfolio.initiatives)
    year_ago = as_of - dt.timedelta(days=365)
    stories = portfolio.stories
    partner_figures = _partner_figures(portfolio, stories)
    new_partners, new_funders = _first_years(portfolio, partner_figures)
    theme_ids = [t.id for t in portfolio.info.themes]
    return Figures(
        leverage=leverage(portfolio),
        balance=balance(portfolio.initiatives),
        movement=movement(portfolio.initiatives, all_moves),
        moves=all_moves,
        recent_moves=tuple(m for m in reversed(all_moves) if year_ago < m.date <= as_of),
        partners=partner_figures,
        funders=_funders(portfolio),
        by_facet=_split(portfolio.initiatives, lambda i: [i.facet.value],
                        [f.value for f in FACETS]),
        by_theme=_split(portfolio.initiatives, lambda i: i.themes, theme_ids),
        new_partners=new_partners,
        new_funders=new_funders,
        stories=stories,
        as_of=as_of,
        asset_users=asset_users(portfolio),
    )


# -- progress of an indicator ----------------------------------------------------------------

# How far short of the expected share an indicator may be and still be on track.
ON_TRACK_MARGIN = 0.05


class ProgressState(str, enum.Enum):
    """Where an indicator stands against its target, in words a reader can act on."""

    REACHED = "reached"
    ON_TRACK = "on-track"
    BEHIND = "behind"
    UNDER_WAY = "under-way"  # moving, but without a target date nothing says how fast
    NO_TARGET = "no-target"  # measured, but there is nothing to measure it against
    NO_DATA = "no-data"


@dataclass(frozen=True)
class Progress:
    """DESIGN's progress of an indicator: `share` of the way from baseline to target at the
    latest value (None without a target), and the share of the time from the baseline's
    date to the target date elapsed at that value (`expected`, None without a target date)."""

    state: ProgressState
    share: float | None = None
    expected: float | None = None
    latest: IndicatorValue | None = None
    baseline: float | None = None


def day_of(date: PartialDate) -> dt.date:
    """A partial date as a day: the first day of its period, as dates sort everywhere."""
    return dt.date(*date.key)


def progress(indicator: Indicator, until: dt.date | None = None) -> Progress:
    """How far an indicator has come (DESIGN, "Progress of an indicator"), from the values
    measured up to `until` (all of them without it).

    share = (latest - baseline) / (target - baseline), so a target below the baseline works
    alike; `reached` when share >= 1. With a `target_date`, the expected share is the time
    elapsed at the latest value over the span from `baseline_date` (else the first value's
    date) to the target date: `on track` when share >= expected - 0.05, else `behind`.
    Without values: `no data`. A missing baseline is the first value; without a target there
    is no share (`no target`), without a target date no expected share (`under way`).
    """
    values = [v for v in indicator.values if until is None or day_of(v.date) <= until]
    if not values:
        return Progress(ProgressState.NO_DATA)
    latest = values[-1]
    baseline = indicator.baseline if indicator.baseline is not None \
        else indicator.values[0].value
    target = indicator.target
    if target is None:
        return Progress(ProgressState.NO_TARGET, latest=latest, baseline=baseline)
    if target == baseline:  # nothing to move: the target is held or it is not
        share = 1.0 if latest.value == target else 0.0
    else:
        share = (latest.value - baseline) / (target - baseline)
    if share >= 1:
        return Progress(ProgressState.REACHED, share, latest=latest, baseline=baseline)
    if indicator.target_date is None:
        return Progress(ProgressState.UNDER_WAY, share, latest=latest, baseline=baseline)
    start = day_of(indicator.baseline_date or indicator.values[0].date)
    span = (day_of(indicator.target_date) - start).days
    elapsed = (day_of(latest.date) - start).days
    expected = 1.0 if span <= 0 else min(1.0, max(0.0, elapsed / span))
    state = ProgressState.ON_TRACK if share >= expected - ON_TRACK_MARGIN \
        else ProgressState.BEHIND
    return Progress(state, share, expected, latest, baseline)


def key_result_indicators(portfolio: Portfolio, key_result: KeyResult
                          ) -> tuple[tuple[Initiative, Indicator], ...]:
    """The indicators that name a key result's `indicator` by their `id`, with their
    initiatives, in the portfolio's order: what the key result's progress is made of."""
    if not key_result.indicator:
        return ()
    return tuple((i, ind) for i in portfolio.initiatives for ind in i.indicators
                 if ind.id == key_result.indicator)


# -- one year -----------------------------------------------------------------------------------


def _dated_years(initiative: Initiative) -> list[int]:
    return ([f.year for f in initiative.funding] + [s.date.year for s in initiative.stories]
            + [z.date.year for z in initiative.zone_history]
            + [v.date.year for ind in initiative.indicators for v in ind.values])


def years_active(initiative: Initiative, as_of: dt.date,
                 dated: Sequence[int] | None = None) -> tuple[int, int] | None:
    """The first and last year an initiative ran: from its `start` (else its first dated
    record: money, story, zone or measurement) to its `end` (else, once completed or
    discontinued, its last dated record; else the year of `as_of`, or its last record if
    later). An idea never ran; an initiative without any date runs in the year of `as_of`."""
    if initiative.status is Status.IDEA and initiative.start is None:
        return None
    dated = _dated_years(initiative) if dated is None else dated
    first = initiative.start.year if initiative.start else min(dated, default=as_of.year)
    if initiative.end is not None:
        last = initiative.end.year
    elif initiative.status in (Status.COMPLETED, Status.DISCONTINUED):
        last = max(dated, default=first)
    else:
        last = max([as_of.year, *dated])
    return (first, max(first, last))


def years_with_records(portfolio: Portfolio) -> tuple[int, ...]:
    """Every year that has stories, money (base investment or funding) or measured values,
    oldest first: the years a report can be made of."""
    years = {b.year for b in portfolio.info.base_investment}
    for i in portfolio.initiatives:
        years.update(f.year for f in i.funding)
        years.update(s.date.year for s in i.stories)
        years.update(v.date.year for ind in i.indicators for v in ind.values)
    return tuple(sorted(years))


@dataclass(frozen=True)
class YearFigures:
    """What one year's report tells: the initiatives that ran (`years_active`, or with money,
    a story, a zone change or a measurement that year), with whom, with what money
    (`layers`: the year's row of the layer model), where they stood at the year's end
    (`balance`: zone at the year's end, cash of that year), the year's stories, newest first,
    and who joined."""

    year: int
    initiatives: tuple[str, ...]
    partners: tuple[str, ...]
    balance: Balance
    layers: LayerFigures
    stories: tuple[Story, ...]
    new_partners: tuple[str, ...]
    new_funders: tuple[str, ...]

    @property
    def critical_events(self) -> tuple[Story, ...]:
        """The year's critical events (layer 4), newest first."""
        return tuple(s for s in self.stories if s.kind is StoryKind.CRITICAL_EVENT)


def year_figures(portfolio: Portfolio, figures: Figures, year: int) -> YearFigures:
    """The figures of one year (see `YearFigures`), from the same definitions as the rest."""
    running: list[Initiative] = []
    for i in portfolio.initiatives:
        dated = _dated_years(i)
        span = years_active(i, figures.as_of, dated)
        # Money or a story of the year counts it in, whatever its dates say: the year's
        # balance then holds all of the year's project money.
        if (span is not None and span[0] <= year <= span[1]) or year in dated:
            running.append(i)
    partners: dict[str, None] = {}
    counts: dict[tuple[Facet, Zone], int] = defaultdict(int)
    money: dict[tuple[Facet, Zone], float] = defaultdict(float)
    for i in running:
        partners.update(dict.fromkeys(i.partner_ids))
        partners.update(dict.fromkeys(f.funder for f in i.funding if f.year == year))
        zone = zone_at(i, year) or i.zone
        counts[i.facet, zone] += 1
        money[i.facet, zone] += sum(amount for y, amount in _cash(i) if y == year)
    layers = next((y for y in figures.leverage.years if y.year == year),
                  LayerFigures(year, 0.0, 0.0, 0.0, 0))
    return YearFigures(
        year=year,
        initiatives=tuple(i.slug for i in running),
        partners=tuple(partners),
        balance=Balance(tuple((f, z, Cell(counts[f, z], money[f, z]))
                              for f in FACETS for z in ZONES)),
        layers=layers,
        stories=tuple(s for s in figures.stories if s.date.year == year),
        new_partners=dict(figures.new_partners).get(year, ()),
        new_funders=dict(figures.new_funders).get(year, ()),
    )
