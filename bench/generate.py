"""Generate a realistic portfolio site of N initiatives, for the benchmark.

    python bench/generate.py --count 1000 --out /tmp/portfolio-1000 [--seed 7] [--plain]
                             [--partners 0.2]

Writes a whole site: `mkdocs.yml` (Material, `font: false`, `plugins: [search, portfolio]`,
a nav with the home page and the portfolio overview only, never the initiatives),
`content/index.md`, `content/initiatives/<slug>.md` x N with every front-matter field of the
contract and a body of 200-400 words, and `site_data/` (`portfolio.yml`; `partners.yml`, 0.2
partners per initiative unless `--partners` says otherwise, at least 20, each of which gets a
page of its own on the built site; `assets.yml`). Beside `mkdocs.yml` it writes
`mkdocs-plain.yml`: the same site with the plugin removed, so that the plain build reads
exactly the same pages. With `--plain`, `mkdocs.yml` itself is the plain configuration.

The output depends only on the count, the seed and the partners per initiative.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
import unicodedata
from pathlib import Path
from typing import Any

import yaml

PLAIN_CONFIG = "mkdocs-plain.yml"
# Written into every generated site: only such a folder is ever emptied by `generate`.
MARKER = ".bench-portfolio"
# How many partners a portfolio has for each initiative (a city's portfolio of a few dozen
# has about as many partners as initiatives; a national one of thousands, fewer).
PARTNERS_PER_INITIATIVE = 0.2
LAST_YEAR = 2026
FIRST_YEAR = 2018

# -- vocabulary -------------------------------------------------------------------------------

PLACES = (
    "Norrvik", "Södra Hamnen", "Östra Kvarnby", "Lindgården", "Tallbacka", "Kvarnbacken",
    "Västra Strand", "Björkhagen", "Ekeby", "Sjöstaden", "Gamla Stan", "Nordmark", "Åsen",
    "Ängsby", "Hagalund", "Solberga", "Mossen", "Kronoparken", "Stenhamra", "Vittern",
)
REGIONS = ("Nordmark", "Västerled", "Österland")
# (English, Swedish) topics; titles are made from a topic, a qualifier and a place.
TOPICS = (
    ("Shared electric cargo bikes", "Delade elcykellådcyklar"),
    ("Water leak detection", "Läcksökning i vattennätet"),
    ("Adaptive street lighting", "Adaptiv gatubelysning"),
    ("Home care route planning", "Ruttplanering i hemtjänsten"),
    ("Citizen panels on climate", "Medborgarpaneler om klimatet"),
    ("Community energy cooperatives", "Energikooperativ i grannskapet"),
    ("Library of things", "Sakernas bibliotek"),
    ("School route planning", "Planering av skolvägar"),
    ("Schoolyard co-design", "Skolgårdar som formas tillsammans"),
    ("Pollinator corridors", "Korridorer för pollinerare"),
    ("Permit chatbot", "Chattbot för bygglov"),
    ("Digital night supervision", "Digital nattillsyn"),
    ("Fossil-free construction sites", "Fossilfria byggarbetsplatser"),
    ("Circular construction hub", "Cirkulär byggnav"),
    ("Mobility hubs", "Mobilitetsnav"),
    ("District heating flexibility", "Flexibel fjärrvärme"),
    ("Climate-smart school meals", "Klimatsmarta skolmåltider"),
    ("Zero-emission freight", "Utsläppsfri godstrafik"),
    ("Renovation without displacement", "Renovering utan utflyttning"),
    ("Youth idea fund", "Ungas idéfond"),
    ("Newcomer kitchen", "Nyanländas kök"),
    ("Loneliness prevention", "Förebyggande av ensamhet"),
    ("AI-assisted case handling", "AI-stöd i handläggning"),
    ("Stormwater parks", "Dagvattenparker"),
    ("Urban farming plots", "Stadsodling"),
    ("Reuse depot", "Återbruksdepå"),
    ("Open energy data", "Öppna energidata"),
    ("Smart parking sensors", "Smarta parkeringssensorer"),
    ("Digital inclusion cafés", "Kaféer för digital delaktighet"),
    ("Summer jobs for young people", "Sommarjobb för unga"),
    ("Safe routes at night", "Trygga stråk på kvällen"),
    ("Welfare technology lab", "Välfärdsteknisk verkstad"),
    ("Heat pump retrofits", "Värmepumpar i äldre hus"),
    ("Public procurement of innovation", "Innovationsupphandling"),
    ("Food waste reduction", "Minskat matsvinn"),
    ("Coastal flood early warning", "Tidig varning för kustöversvämning"),
    ("Tree canopy mapping", "Kartläggning av trädkronor"),
    ("Carpooling for commuters", "Samåkning för pendlare"),
    ("Participatory budgeting", "Medborgarbudget"),
    ("Energy advice for tenants", "Energiråd för hyresgäster"),
    ("Remote health monitoring", "Distansövervakning av hälsa"),
    ("Micro-mobility parking", "Parkering för mikromobilitet"),
    ("Green roofs", "Gröna tak"),
    ("Waste sorting nudges", "Puffar för bättre sortering"),
    ("Open school premises", "Öppna skollokaler"),
    ("Biogas from sewage", "Biogas från avloppsslam"),
    ("Autonomous shuttle trial", "Försök med självkörande buss"),
    ("Mental health peer support", "Kamratstöd för psykisk hälsa"),
    ("Digital twin of the city", "Digital tvilling av staden"),
    ("Cooling places in heatwaves", "Svala platser vid värmebölja"),
)
QUALIFIERS = (
    ("", ""), ("Pilot:", "Pilot:"), ("Scaling", "Uppskalning av"),
    ("Co-creating", "Samskapande av"), ("Testing", "Test av"), ("Learning from", "Lärande kring"),
)
DEPARTMENTS = (
    "Innovation Unit", "Environment and Climate Department", "Elderly Care Administration",
    "Education Administration", "City Planning Office", "Social Services", "Culture and Leisure",
    "Streets and Parks", "Labour Market Administration", "Digitalisation Office",
)
SURNAMES = (
    "Kvarnström", "Lindqvist", "Berg", "Ahlgren", "Sandberg", "Holm", "Eklund", "Nyström",
    "Wallin", "Forsberg", "Hedlund", "Sjöberg", "Öberg", "Dahl", "Engström", "Lund",
)
INDUSTRIES = (
    "Bygg", "Energi", "Data", "Logistik", "Fastigheter", "Mobilitet", "Vård", "Mat", "Teknik",
    "Design", "Analys", "Miljö",
)
ASSOCIATIONS = (
    "Tenants' Association", "Neighbourhood Network", "Youth Council", "Pensioners' Club",
    "Cycling Association", "Nature Conservation Society", "Food Bank", "Makerspace",
    "Parents' Network", "Red Cross Circle",
)
FUNDER_NAMES = (
    "Innovation Fund", "Savings Bank Foundation", "Regional Growth Fund", "Climate Investment Fund",
    "Welfare Research Foundation",
)
ROLES = (
    "Project lead", "Research partner", "Data provider", "Test site host", "Co-funder",
    "Evaluation", "Technology supplier", "User panel", "Communication", "Procurement advice",
)
ASSET_NAMES = {
    "testbed": ("Urban Testbed", "Smart Street Lab", "Living Lab", "Harbour Testbed"),
    "facility": ("Reuse Depot", "Maker Hall", "Test Kitchen", "Innovation Garage"),
    "dataset": ("Energy Data Hub", "Mobility Data Portal", "Care Visit Register", "Sensor Archive"),
    "network": ("Climate Contract Network", "Welfare Tech Network", "Procurement Forum"),
    "method": ("Service Design Toolkit", "Learning History Method", "Portfolio Sensemaking"),
    "other": ("Citizen Panel Pool", "Innovation Fund Desk", "Volunteer Register"),
}
THEMES = {
    "mobility": "Mobility and public space",
    "energy-climate": "Energy and climate",
    "welfare": "Care, health and welfare",
    "learning": "Schools, young people and skills",
    "water-nature": "Water, nature and biodiversity",
    "circular": "Circular economy and food",
    "democracy-digital": "Democracy and digital services",
    "housing": "Housing and neighbourhoods",
    "work": "Jobs and inclusion",
    "safety": "Safety and preparedness",
}
MANDATES = {
    "eu-green-deal": ("European Green Deal", "eu"),
    "eu-cities-mission": ("EU Mission for Climate-Neutral and Smart Cities", "eu"),
    "eu-digital-decade": ("EU Digital Decade 2030", "eu"),
    "national-climate-framework": ("National Climate Policy Framework", "national"),
    "national-digital-strategy": ("National Strategy for a Digital Public Administration",
                                  "national"),
    "national-elderly-care": ("National Action Plan for Quality in Elderly Care", "national"),
    "regional-development": ("Regional Development Strategy 2030", "regional"),
    "regional-transport": ("Regional Transport Plan 2022-2033", "regional"),
    "regional-health": ("Regional Public Health Programme", "regional"),
    "local-climate-plan": ("Climate Plan 2030", "local"),
    "local-vision-2035": ("Vision 2035: a good life for everyone", "local"),
    "local-digital-plan": ("Digital Welfare Plan", "local"),
}
OBJECTIVES = {
    "climate-neutral-2030": (
        "A climate-neutral city by 2030",
        "Cut the emissions of the whole city, not only of the city organisation.",
        (("Cut territorial greenhouse gas emissions", "kt CO2e per year", "70 % lower by 2030"),
         ("Make sustainable trips the normal choice", "share of trips", "70 % by 2030"),
         ("Heat the city with renewable energy", "share of district heating", "100 % by 2028")),
    ),
    "good-life-all-ages": (
        "A good life at every age",
        "Design services with the people who use them, from preschool to home care.",
        (("Older people feel safe at home", "share of home-care users", "90 % by 2027"),
         ("Fewer residents feel lonely", "share of residents over 75", "below 15 % by 2027")),
    ),
    "learning-organisation": (
        "A city that learns and scales what works",
        "Move good ideas from the yellow zone into everyday services and share what we learn.",
        (("Bring proven work into the core business", "initiatives reaching blue per year",
          "at least 4 per year"),
         ("Grow the ecosystem", "co-funding partners", "30 partners by 2026"),
         ("Share what we learn", "learning stories per year", "at least 15 per year")),
    ),
}
INDICATORS = (
    ("Households reached", "households"), ("Emissions avoided", "t CO2e per year"),
    ("Users who feel safe", "%"), ("Trips by bike", "trips per day"),
    ("Energy saved", "MWh per year"), ("Waste collected for reuse", "tonnes"),
    ("Participants", "people"), ("Water losses", "% of supply"),
)
STORY_KINDS = ("critical-event", "critical-event", "milestone", "learning", "setback")
HEADINGS = (
    "Why it matters", "What we are doing", "What we have learned", "Who takes part",
    "How it works", "What comes next", "Results so far", "The problem we started from",
)
WORDS = (
    "the", "city", "residents", "partners", "we", "test", "together", "with", "a", "new", "way",
    "to", "plan", "share", "data", "and", "services", "for", "older", "people", "schools",
    "neighbourhood", "energy", "climate", "housing", "company", "university", "pilot", "users",
    "learned", "that", "small", "changes", "in", "everyday", "life", "can", "make", "big",
    "difference", "our", "work", "started", "when", "staff", "asked", "how", "might", "improve",
    "safety", "costs", "time", "first", "year", "results", "showed", "more", "than", "expected",
    "but", "also", "problems", "procurement", "rules", "made", "it", "hard", "scale", "up",
    "now", "part", "of", "core", "business", "budget", "team", "meets", "every", "month",
    "review", "what", "works", "stop", "does", "not", "open", "questions", "remain", "about",
    "funding", "after", "project", "ends", "local", "groups", "helped", "us", "understand",
    "needs", "tenants", "bus", "routes", "heat", "water", "waste", "food", "children", "young",
    "care", "workers", "sensors", "maps", "district", "street", "park", "library", "evaluation",
    "shows", "fewer", "trips", "less", "emissions", "lower", "bills", "better", "contact",
    "between", "departments", "regional", "national", "agency", "money", "from", "grant",
)
SUMMARY_VERBS = (
    "tests", "develops", "scales up", "explores", "brings together partners to improve",
    "co-designs", "measures",
)
SUMMARY_GOALS = (
    "so that residents get better services at lower cost",
    "to cut emissions while making everyday life easier",
    "with the people who use the service every day",
    "and shares what works with other cities",
    "so that proven ideas become part of the core business",
)


class _Dumper(yaml.SafeDumper):
    """Never writes anchors or aliases (the plugin refuses them, rightly)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any, inline: bool = True) -> str:
    """YAML as an author would write it: in front-matter, short lists and mappings inline."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=None if inline else False, width=100)


def slugify(text: str) -> str:
    """Lowercase ASCII letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def unique(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is free; then taken."""
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


# -- the generator ----------------------------------------------------------------------------


class Generator:
    """Makes one portfolio from a seed; every choice goes through `self.rng`."""

    def __init__(self, count: int, seed: int, partners: float = PARTNERS_PER_INITIATIVE
                 ) -> None:
        self.count = count
        self.partners_per_initiative = partners
        self.rng = random.Random(seed)
        self.partners: dict[str, dict[str, Any]] = {}
        self.assets: dict[str, dict[str, Any]] = {}

    # text -------------------------------------------------------------------------------
    def sentence(self, low: int = 8, high: int = 18) -> str:
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high))]
        if len(words) > 10 and self.rng.random() < 0.4:
            words[self.rng.randint(4, len(words) - 4)] += ","
        return " ".join(words).capitalize() + "."

    def body(self) -> str:
        """200-400 words of text in paragraphs, under two or three `##` headings."""
        target = self.rng.randint(218, 400)
        sentences: list[str] = []
        words = 0
        while True:
            sentence = self.sentence()
            if words + len(sentence.split()) > target:
                break
            sentences.append(sentence)
            words += len(sentence.split())
        headings = self.rng.sample(HEADINGS, self.rng.randint(2, 3))
        # Cut the sentences into paragraphs of 2-4, and put the headings between paragraphs.
        paragraphs: list[str] = []
        while sentences:
            size = self.rng.randint(2, 4)
            paragraphs.append(" ".join(sentences[:size]))
            sentences = sentences[size:]
        parts: list[str] = []
        step = len(paragraphs) / (len(headings) + 1)
        cuts = {max(1, round(step * (n + 1))): h for n, h in enumerate(headings)}
        for index, paragraph in enumerate(paragraphs):
            if index in cuts:
                parts.append(f"## {cuts[index]}")
            parts.append(paragraph)
        return "\n\n".join(parts) + "\n"

    # dates ------------------------------------------------------------------------------
    def month(self, first: tuple[int, int], last: tuple[int, int] = (LAST_YEAR, 10)
              ) -> tuple[int, int]:
        """A (year, month) between two (year, month) pairs, both included."""
        low = first[0] * 12 + first[1] - 1
        high = max(low, last[0] * 12 + last[1] - 1)
        value = self.rng.randint(low, high)
        return value // 12, value % 12 + 1

    def day(self, first: tuple[int, int], last: tuple[int, int] = (LAST_YEAR, 10)) -> dt.date:
        year, month = self.month(first, last)
        return dt.date(year, month, self.rng.randint(1, 28))

    # site_data ----------------------------------------------------------------------------
    def make_partners(self) -> None:
        size = max(20, int(self.count * self.partners_per_initiative))
        taken: set[str] = set()

        def add(name: str, sector: str, description: str) -> str:
            pid = unique(slugify(name), taken)
            self.partners[pid] = {
                "name": name, "sector": sector,
                "url": f"https://{pid}.example/",
                "description": description,
            }
            return pid

        # Fixed partners every portfolio has: the platform, an agency, the EU.
        self.organisation = add("City of Norrvik, Innovation Unit", "public",
                                "Runs the innovation platform and holds its base funding.")
        self.agency = add("National Innovation Agency", "funder",
                          "Funds innovation projects and the platform's base investment.")
        self.eu = add("EU Horizon Europe", "funder", "The EU's research and innovation programme.")
        sectors = ("public", "business", "business", "business", "academia", "civil-society",
                   "civil-society", "funder", "other")
        i = 0
        while len(self.partners) < size:
            sector = sectors[i % len(sectors)]
            place = self.rng.choice(PLACES)
            if sector == "public":
                name = self.rng.choice((f"City of {place}, {self.rng.choice(DEPARTMENTS)}",
                                        f"{place} Energi AB", f"{place} Vatten AB",
                                        f"Region {self.rng.choice(REGIONS)}"))
            elif sector == "business":
                name = f"{self.rng.choice(SURNAMES)} {self.rng.choice(INDUSTRIES)} AB"
            elif sector == "academia":
                name = self.rng.choice((f"{place} University",
                                        f"{place} University of Technology",
                                        f"{place} Research Institute"))
            elif sector == "civil-society":
                name = f"{place} {self.rng.choice(ASSOCIATIONS)}"
            elif sector == "funder":
                name = f"{place} {self.rng.choice(FUNDER_NAMES)}"
            else:
                name = f"{place} Housing Cooperative"
            add(name, sector, self.sentence(10, 20))
            i += 1
        self.partner_ids = list(self.partners)
        self.funders = [p for p, v in self.partners.items() if v["sector"] == "funder"]

    def make_assets(self) -> None:
        size = max(8, self.count // 25)
        taken: set[str] = set()
        kinds = list(ASSET_NAMES)
        for n in range(size):
            kind = kinds[n % len(kinds)]
            name = f"{self.rng.choice(PLACES)} {self.rng.choice(ASSET_NAMES[kind])}"
            aid = unique(slugify(name), taken)
            self.assets[aid] = {
                "name": name, "kind": kind, "owner": self.rng.choice(self.partner_ids),
                "description": self.sentence(10, 20), "url": f"https://assets.example/{aid}/",
            }

    def portfolio(self) -> dict[str, Any]:
        base = []
        for year in range(2019, LAST_YEAR + 1):
            base.append({"year": year, "amount": 4_000_000 + 250_000 * (year - 2019),
                         "funder": self.organisation, "currency": "SEK"})
            if year % 2 == 0:
                base.append({"year": year, "amount": 2_000_000, "funder": self.agency})
            if year in (2021, 2024):
                base.append({"year": year, "amount": 150_000, "funder": self.eu,
                             "currency": "EUR"})
        return {
            "name": f"Benchmark Innovation Platform ({self.count} initiatives)",
            "organisation": self.organisation,
            "currency": "SEK",
            "licence": "CC-BY-4.0",
            "exchange_rates": {"EUR": 11.5},
            "base_investment": base,
            "themes": {tid: {"title": title} for tid, title in THEMES.items()},
            "mandates": {mid: {"title": title, "level": level,
                               "url": f"https://policy.example/{mid}/"}
                         for mid, (title, level) in MANDATES.items()},
            "objectives": {
                oid: {"title": title, "description": description,
                      "key_results": [{"title": t, "indicator": i, "target": g}
                                      for t, i, g in results]}
                for oid, (title, description, results) in OBJECTIVES.items()},
        }

    # initiatives --------------------------------------------------------------------------
    def initiative(self, taken: set[str]) -> tuple[str, dict[str, Any], str]:
        rng = self.rng
        topic_en, topic_sv = rng.choice(TOPICS)
        qual_en, qual_sv = rng.choice(QUALIFIERS)
        place = rng.choice(PLACES)
        title_en = " ".join(x for x in (qual_en, topic_en if not qual_en else topic_en.lower(),
                                         "in", place) if x)
        title_sv = " ".join(x for x in (qual_sv, topic_sv if not qual_sv else topic_sv.lower(),
                                         "i", place) if x)
        slug = unique(slugify(f"{topic_en} {place}"), taken)
        facet = rng.choices(("mission-oriented", "enhancement-oriented", "anticipatory",
                             "adaptive"), (3, 4, 2, 3))[0]
        zone = rng.choices(("yellow", "green", "blue"), (45, 35, 20))[0]
        status = rng.choices(("idea", "active", "paused", "completed", "discontinued"),
                             (8, 60, 7, 17, 8))[0]
        start = self.month((FIRST_YEAR, 1), (2025, 12))
        summary = (f"{place} {rng.choice(SUMMARY_VERBS)} {topic_en.lower()} "
                   f"{rng.choice(SUMMARY_GOALS)}. {self.sentence(6, 14)}")[:300].rstrip()
        fm: dict[str, Any] = {}
        fm["title"] = {"en": title_en, "sv": title_sv} if rng.random() < 0.15 else title_en
        fm["summary"] = summary
        fm["facet"] = facet
        fm["zone"] = zone
        fm["status"] = status
        fm["layer"] = 3 if rng.random() < 0.25 else 2
        fm["start"] = f"{start[0]}-{start[1]:02d}"
        if status in ("completed", "discontinued") or rng.random() < 0.2:
            end = self.month(start, (LAST_YEAR + 2, 12) if status not in
                             ("completed", "discontinued") else (LAST_YEAR, 10))
            fm["end"] = f"{end[0]}-{end[1]:02d}"
        partners = rng.sample(self.partner_ids, rng.randint(2, 8))
        fm["steward"] = partners[0]
        fm["partners"] = [{"id": p, "role": rng.choice(ROLES)} if rng.random() < 0.5 else p
                          for p in partners]
        fm["funding"] = self.funding(partners, start[0])
        fm["themes"] = rng.sample(list(THEMES), rng.randint(1, 3))
        if rng.random() < 0.8:
            fm["mandates"] = rng.sample(list(MANDATES), rng.randint(1, 3))
        if rng.random() < 0.7:
            fm["objectives"] = rng.sample(list(OBJECTIVES), rng.randint(1, 2))
        if rng.random() < 0.6:
            fm["assets"] = rng.sample(list(self.assets), rng.randint(1, 3))
        if rng.random() < 0.1:
            fm["position"] = {"certainty": round(rng.uniform(-1, 1), 2),
                              "direction": round(rng.uniform(-1, 1), 2)}
        fm["zone_history"] = self.zone_history(zone, start)
        fm["stories"] = self.stories(partners, start)
        if rng.random() < 0.35:
            fm["indicators"] = self.indicators(start[0])
        if rng.random() < 0.7:
            fm["links"] = [{"title": f"{title_en}: project page",
                            "url": f"https://{slugify(place)}.example/{slug}/"}]
            if rng.random() < 0.4:
                fm["links"].append({"title": "Evaluation report",
                                    "url": f"https://reports.example/{slug}.pdf"})
        return slug, fm, self.body()

    def funding(self, partners: list[str], first_year: int) -> list[dict[str, Any]]:
        rng = self.rng
        result = []
        for _ in range(rng.randint(1, 4)):
            year = rng.randint(first_year, LAST_YEAR)
            roll = rng.random()
            if roll < 0.2:
                entry: dict[str, Any] = {"funder": self.eu,
                                         "amount": rng.randint(10, 500) * 1000,
                                         "year": year, "currency": "EUR"}
            elif roll < 0.35:
                entry = {"funder": rng.choice(partners),
                         "amount": rng.randint(2, 80) * 10_000, "year": year, "kind": "in-kind"}
            else:
                entry = {"funder": rng.choice(self.funders + [self.agency] + partners[:1]),
                         "amount": rng.randint(5, 500) * 10_000, "year": year}
            result.append(entry)
        return result

    def zone_history(self, zone: str, start: tuple[int, int]) -> list[dict[str, Any]]:
        rng = self.rng
        paths = {"yellow": (["yellow"], ["yellow"], ["green", "yellow"]),
                 "green": (["green"], ["yellow", "green"], ["yellow", "green"]),
                 "blue": (["blue"], ["green", "blue"], ["yellow", "green", "blue"])}
        path = rng.choice(paths[zone])
        months = sorted({self.month(start) for _ in range(len(path) * 3)})
        while len(months) < len(path):  # an initiative started this month: spread by days
            months.append(months[-1])
        months = sorted(rng.sample(months, len(path)))
        steps = []
        for n, (z, (year, month)) in enumerate(zip(path, months)):
            # Distinct days keep the order unambiguous even within one month.
            steps.append({"date": dt.date(year, month, min(28, 1 + 9 * n)), "zone": z,
                          "note": self.sentence(5, 12)})
        return steps

    def stories(self, partners: list[str], start: tuple[int, int]) -> list[dict[str, Any]]:
        rng = self.rng
        result = []
        for _ in range(rng.randint(1, 5)):
            text = self.sentence(10, 25)
            if rng.random() < 0.3:
                words = text.split()
                words[2] = f"**{words[2]}**"
                text = " ".join(words)
            story: dict[str, Any] = {
                "date": self.day(start), "kind": rng.choice(STORY_KINDS),
                "title": self.sentence(4, 9).rstrip("."),
                "partners": rng.sample(partners, rng.randint(1, min(3, len(partners)))),
                "text": text + " " + self.sentence(),
            }
            if rng.random() < 0.2:
                story["link"] = f"https://news.example/{rng.randint(1000, 99999)}"
            result.append(story)
        return result

    def indicators(self, first_year: int) -> list[dict[str, Any]]:
        rng = self.rng
        result = []
        for name, unit in rng.sample(INDICATORS, rng.randint(1, 2)):
            baseline = rng.randint(10, 500)
            target = round(baseline * rng.uniform(0.3, 2.0))
            years = sorted(rng.sample(range(first_year, LAST_YEAR + 1),
                                      min(LAST_YEAR + 1 - first_year, rng.randint(2, 4))))
            values = [{"date": str(y), "value": round(baseline + (target - baseline)
                                                      * (k / max(1, len(years))), 1)}
                      for k, y in enumerate(years)]
            result.append({"name": name, "unit": unit, "baseline": baseline, "target": target,
                           "values": values})
        return result


# -- the site ---------------------------------------------------------------------------------


def config(count: int, plugin: bool) -> str:
    """`mkdocs.yml`: the same theme and nav shape with and without the plugin."""
    plugins = "  - search\n  - portfolio\n" if plugin else "  - search\n"
    return (
        f"site_name: Benchmark portfolio ({count} initiatives)\n"
        "docs_dir: content\n"
        "use_directory_urls: true\n"
        "theme:\n"
        "  name: material\n"
        "  language: en\n"
        "  font: false\n"
        "  features:\n"
        "    - navigation.sections\n"
        "plugins:\n"
        f"{plugins}"
        "markdown_extensions:\n"
        "  - attr_list\n"
        "  - md_in_html\n"
        "  - tables\n"
        "  - toc\n"
        "# The nav never lists the initiatives: listings carry them, not the sidebar.\n"
        "nav:\n"
        "  - Home: index.md\n"
        "  - Portfolio:\n"
        "      - Overview: portfolio/index.md\n"
    )


HOME = """\
# Benchmark portfolio

This site holds {count} generated initiatives of a fictional city innovation platform.
It exists to measure how long the site takes to build, with and without the portfolio
plugin. The initiatives are listed on the portfolio pages, not in the menu.
"""


def generate(count: int, out: Path, seed: int = 1, plain: bool = False,
             partners: float = PARTNERS_PER_INITIATIVE) -> Path:
    """Write a whole site of `count` initiatives, with `partners` partners per initiative,
    into `out` (emptied first); return `out`."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if not 0 < partners <= 10:
        raise ValueError("partners per initiative must be above 0 and at most 10")
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise FileExistsError(f"{out} is not empty and was not made by this generator")
        shutil.rmtree(out)
    (out / "content" / "initiatives").mkdir(parents=True)
    (out / MARKER).write_text("made by bench/generate.py; emptied when generated again\n",
                              encoding="utf-8")
    (out / "site_data").mkdir()
    gen = Generator(count, seed, partners)
    gen.make_partners()
    gen.make_assets()
    (out / "mkdocs.yml").write_text(config(count, plugin=not plain), encoding="utf-8")
    if not plain:
        (out / PLAIN_CONFIG).write_text(config(count, plugin=False), encoding="utf-8")
    (out / "content" / "index.md").write_text(HOME.format(count=count), encoding="utf-8")
    for name, data in (("portfolio.yml", gen.portfolio()), ("partners.yml", gen.partners),
                       ("assets.yml", gen.assets)):
        (out / "site_data" / name).write_text(dump(data, inline=False), encoding="utf-8")
    taken: set[str] = set()
    for _ in range(count):
        slug, front, body = gen.initiative(taken)
        text = f"---\n{dump(front)}---\n\n{body}"
        (out / "content" / "initiatives" / f"{slug}.md").write_text(text, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, required=True, help="number of initiatives")
    parser.add_argument("--out", type=Path, required=True,
                        help="folder to write (a folder this script made before is emptied)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--partners", type=float, default=PARTNERS_PER_INITIATIVE,
                        help="partners per initiative (default 0.2, at least 20 in all); "
                             "each partner has a page on the built site")
    parser.add_argument("--plain", action="store_true",
                        help="write mkdocs.yml without the portfolio plugin")
    args = parser.parse_args(argv)
    try:
        out = generate(args.count, args.out, args.seed, args.plain, args.partners)
    except (FileExistsError, ValueError) as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.count} initiatives to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
