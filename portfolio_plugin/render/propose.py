"""The "Propose an initiative" page: a form a partner fills in to get an initiative page.

The form is made at build time from the published JSON Schema of an initiative (the one
`portfolio schema` prints: fields, which are required, their choices and limits) and from the
site's own ids (partners with their names, themes, mandates, objectives). The page's script
(`assets/portfolio/propose.js`) checks each field as the reader types, with the validator's
wording in the page's language, checks the whole front-matter against the same schema, and
writes the Markdown page: shown, downloadable, and, where the site names a GitHub repository
(`repo_url`), ready on the host's "new file" page. Nothing is sent anywhere by the page.

A first proposal needs few fields: the required ones, and those a partner knows on day one
(status, dates, steward, partners, themes, mandates, objectives, a description). Funding,
stories, indicators, zone history, assets, links, layer and position are left to the
review, where a reviewer who knows the contract adds them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..validate import BIDI_CHARACTERS, NOT_TEXT_CHARACTERS, SUMMARY_MAX, YEARS
from ..validate.contract import SCHEMAS
from . import Later, Renderer
from .browse import CHOICES_FILE, choices_apart, theme_ids, theme_title

# The front-matter fields the form writes, in its order (see the module's docstring).
FORM_FIELDS = ("title", "summary", "facet", "zone", "status", "start", "end", "steward",
               "partners", "themes", "mandates", "objectives")
# How each field is asked for: text, long text, one of a few (radio buttons), one of many
# (a list box), a date, several of a list (check boxes).
CONTROLS = {"title": "text", "summary": "textarea", "facet": "radio", "zone": "radio",
            "status": "select", "start": "date", "end": "date", "steward": "select",
            "partners": "checkboxes", "themes": "checkboxes", "mandates": "checkboxes",
            "objectives": "checkboxes"}
# Where a field's choices come from when the schema gives none (site ids, not enums).
SITE_CHOICES = ("steward", "partners", "themes", "mandates", "objectives")
# Catalogue entries (`propose.<key>`) the page's script uses. The `check.` ones are the
# validator's messages: their English entries are the validator's own words (a test compares
# them with the problems the validator reports for the same values).
CHECKS = ("required", "too_long", "too_long.expected", "too_long.found", "control",
          "control.expected", "bidi", "bidi.expected", "character", "text", "nothing",
          "one_of", "not_date", "not_date.expected", "out_of_range", "out_of_range.expected",
          "calendar", "calendar.expected", "before_start", "before_start.expected",
          "slug", "slug.expected", "slug_taken", "slug_taken.expected", "schema",
          "schema.expected", "problem")
WORDS = (*(f"check.{key}" for key in CHECKS), "errors_one", "errors_many", "count",
         "download_file")
# And those of partners typed by name (see below).
WORDS_TYPED = ("check.unknown_partner", "check.unknown_partner.expected", "remove",
               "names_failed")
# At national scale the page does not carry every partner (a list box and a check box for
# each: 1.8 MB of the page at 4,000 partners and 20,000 initiatives, with the names taken):
# beyond `CHOICES_APART` partners, the steward and the partners are typed, their names
# suggested from the listings' file (`browse.CHOICES_FILE`), and beyond this many
# initiatives, the names taken are read from a file when the reader begins (`SLUGS_FILE`).
TAKEN_APART = 1000
SLUGS_FILE = "initiative-slugs.json"


@dataclass(frozen=True)
class Choice:
    """One choice of a field: the value written, the words shown, a line about it."""

    value: str
    label: str
    about: str = ""


@dataclass(frozen=True)
class FormField:
    """One control of the form, as the schema and the site define it."""

    name: str
    control: str
    required: bool
    choices: tuple[Choice, ...] = ()
    max_length: int | None = None
    typed: bool = False  # a partner typed by name, its choices in a file (`CHOICES_APART`)


def _choice_values(prop: dict[str, Any]) -> list[str]:
    """The values an enum field allows (the empty value that means "absent" left out)."""
    for schema in (prop, *prop.get("anyOf", ())):
        if "enum" in schema:
            return [str(v) for v in schema["enum"] if v is not None]
    return []


def _max_length(prop: dict[str, Any]) -> int | None:
    """The longest plain text a text field allows."""
    for schema in (prop, *prop.get("anyOf", ())):
        if isinstance(schema.get("maxLength"), int):
            return int(schema["maxLength"])
    return None


def site_choices(r: Renderer, name: str) -> tuple[Choice, ...]:
    """The site's ids a field may name, with their names, in the site's order."""
    info = r.portfolio.info
    if name in ("steward", "partners"):
        partners = sorted(r.portfolio.partners, key=lambda p: r.t.collate(p.name))
        return tuple(Choice(p.id, p.name) for p in partners)
    if name == "themes":
        return tuple(Choice(th, theme_title(r, th)) for th in theme_ids(r))
    if name == "mandates":
        return tuple(Choice(m.id, m.title, r.t(f"level.{m.level.value}"))
                     for m in info.mandates)
    return tuple(Choice(o.id, o.title) for o in info.objectives)


def _labels(r: Renderer, name: str, values: list[str]) -> tuple[Choice, ...]:
    """Enum values with the words the site shows for them."""
    about = name in ("facet", "zone")
    return tuple(Choice(v, r.t(f"{name}.{v}"), r.t(f"{name}.{v}.about") if about else "")
                 for v in values)


def form_fields(r: Renderer, schema: dict[str, Any] | None = None) -> tuple[FormField, ...]:
    """The form's controls: each field of `FORM_FIELDS` the schema of an initiative has, with
    what the schema says of it (required, choices, longest text) and the site's ids."""
    schema = schema if schema is not None else SCHEMAS["initiative"]()
    properties: dict[str, Any] = schema["properties"]
    required = set(schema.get("required", ()))
    fields = []
    for name in FORM_FIELDS:
        prop = properties.get(name)
        if prop is None:
            continue
        if name in SITE_CHOICES:
            choices = site_choices(r, name)
            if not choices:
                continue  # nothing to choose from on this site
        else:
            choices = _labels(r, name, _choice_values(prop))
        typed = name in ("steward", "partners") and choices_apart(r)
        fields.append(FormField(name, CONTROLS[name], name in required,
                                () if typed else choices, _max_length(prop), typed))
    return tuple(fields)


def _taken(r: Renderer) -> list[str]:
    """The names taken: published initiatives only (a page left out, being invalid, is
    never named on the site)."""
    return sorted(i.slug for i in r.portfolio.initiatives)


def taken_apart(r: Renderer) -> bool:
    """Whether the names taken are read from `SLUGS_FILE` rather than carried in the page."""
    return len(r.portfolio.initiatives) > TAKEN_APART


def _slugs_file(r: Renderer) -> bytes:
    return json.dumps(_taken(r), separators=(",", ":")).encode("utf-8")


_BRANCH = re.compile(r"^/?(?:-/)?(?:edit|blob|tree)/([^/]+)/")


def new_file_page(r: Renderer) -> dict[str, str] | None:
    """Where the host of the site's repository makes a new file: GitHub's `/new/<branch>`
    page, with the initiatives' folder as the repository names it; None where the site
    names no GitHub repository (`repo_url`)."""
    repo = (r.options.repo_url or "").rstrip("/")
    if not re.match(r"^https://github\.com/[^/?#]+/[^/?#]+$", repo):
        return None
    match = _BRANCH.match(r.options.edit_uri or "")
    branch = match.group(1) if match else "main"
    # mkdocs.yml at the repository's root: the folder as the repository has it.
    return {"url": f"{repo}/new/{branch}", "folder": _source_folder(r), "host": "GitHub"}


# What a schema says to people rather than to a checker: left out of the page's copy, which
# only checks (the words are English, and the page speaks the site's language).
_WORDS_OF_SCHEMA = ("description", "title", "examples", "$schema", "$id")


def checking_schema(schema: Any) -> Any:
    """A schema without its descriptions and titles: the rules alone."""
    if isinstance(schema, dict):
        return {key: (checking_schema(value) if key != "properties"
                      else {name: checking_schema(prop) for name, prop in value.items()})
                for key, value in schema.items() if key not in _WORDS_OF_SCHEMA}
    if isinstance(schema, list):
        return [checking_schema(item) for item in schema]
    return schema


def _source_folder(r: Renderer) -> str:
    """The initiatives' folder as problems name it: relative to the site's root."""
    try:
        return r.options.initiatives_dir.relative_to(r.options.root).as_posix()
    except ValueError:
        return r.options.initiatives


def form_data(r: Renderer, fields: tuple[FormField, ...], here: str) -> dict[str, Any]:
    """What the page's script needs: the schema, the fields, the words and the site's ids
    (or, at national scale, where they are)."""
    t = r.t
    address = r.url_linker(here)
    return {
        "language": t.language,
        "schema": checking_schema(SCHEMAS["initiative"]()),
        "fields": [f.name for f in fields],
        "required": [f.name for f in fields if f.required],
        "words": {key: t(f"propose.{key}") for key in
                  (*WORDS, *(WORDS_TYPED if choices_apart(r) else ()))},
        "years": list(YEARS),
        "not_text": NOT_TEXT_CHARACTERS, "bidi": BIDI_CHARACTERS,
        **({"taken_src": address(r.export_uri(SLUGS_FILE))} if taken_apart(r)
           else {"taken": _taken(r)}),
        **({"choices_src": address(r.export_uri(CHOICES_FILE))} if choices_apart(r)
           else {}),
        "folder": r.options.initiatives,
        "repo": new_file_page(r),
        "source": _source_folder(r),
    }


def propose_page(r: Renderer) -> str:
    """The Markdown of the "Propose an initiative" page."""
    here = r.uri("propose")
    fields = form_fields(r)
    by_name = {f.name: f for f in fields}
    repo = new_file_page(r)
    return r.page(here, "propose.md", r.t("propose.title"), r.t("propose.description"),
                  fields=by_name, data=form_data(r, fields, here), repo=repo,
                  summary_max=by_name["summary"].max_length if "summary" in by_name
                  else SUMMARY_MAX, suffix=".md")


def pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """The "Propose an initiative" page, and at national scale the names taken."""
    yield r.uri("propose"), partial(propose_page, r)
    if taken_apart(r):
        yield r.export_uri(SLUGS_FILE), partial(_slugs_file, r)
