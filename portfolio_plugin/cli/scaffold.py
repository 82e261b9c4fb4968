"""`portfolio new initiative "Title"`: a new page from the template, ready to fill in.

The template (`templates/new_initiative.md`) is a page whose required fields and description
hold placeholders (values starting with `FILL IN:`, see `validate.template`): `portfolio
validate` refuses it, naming each one, until the author replaces them, so an untouched page
never passes. A partner can also copy it by hand. Here it is made specific to a site: the title
and its slug, the site's own partner, theme, mandate, objective and asset ids listed in
comments, and those ids put into the commented-out examples, so that uncommenting an example
gives a valid field.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from ..load import NOT_INITIATIVES, SLUG, display_path, initiative_files, load
from ..load.yamlsafe import YamlError, read_yaml
from ..model import Portfolio, Sector
from ..options import ConfigError, Options
from ..validate import validate

TEMPLATE = "new_initiative.md"
MAX_SLUG = 60
# A national programme may have hundreds of partners: the page lists the first ones.
MAX_LISTED = 80
# Letters that Unicode does not decompose into a Latin letter and a mark.
_LETTERS = str.maketrans({
    "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "ß": "ss", "ẞ": "ss",
    "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l",
    "ı": "i", "ħ": "h", "Ħ": "h", "ŧ": "t", "Ŧ": "t",
})
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
# The marker line of each id list in the template, and the placeholder id of its examples.
_TITLE_LINE = 'title: "FILL IN: the name of the initiative"\n'
_MARKERS = {
    "partners": "##   The ids are listed in site_data/partners.yml.\n",
    "themes": "##   The ids are listed in site_data/portfolio.yml, under themes.\n",
    "mandates": "##   The ids are listed in site_data/portfolio.yml, under mandates.\n",
    "objectives": "##   The ids are listed in site_data/portfolio.yml, under objectives.\n",
    "assets": "##   The ids are listed in site_data/assets.yml.\n",
}


class ScaffoldError(ConfigError):
    """A page that cannot be made as asked (reported like a configuration problem)."""


def slugify(title: str, max_length: int = MAX_SLUG) -> str:
    """A file name from a title: ASCII, lowercase, words joined by hyphens.

    `Cykelvänlig Gata` gives `cykelvanlig-gata`; letters with accents lose them, and the
    Nordic letters without a decomposition are spelled out (æ as ae, ø as o).
    """
    text = unicodedata.normalize("NFKD", title.translate(_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.lower())
    slug = _NOT_SLUG.sub("-", text).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-")


def yaml_text(text: str) -> str:
    """Text as a YAML scalar: written plainly when it reads back the same, else quoted."""
    line = f"title: {text}\n"
    try:
        # Plain only if both this project's reader and MkDocs' own (YAML 1.1) read it back.
        if read_yaml(line).value == {"title": text} \
                and yaml.safe_load(line) == {"title": text}:
            return text
    except (YamlError, yaml.YAMLError):
        pass
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True)
class _Entry:
    id: str
    label: str


def _site(options: Options) -> tuple[Portfolio, bool]:
    """The site's data files, validated, without reading any initiative."""
    sources = load(options.initiatives_dir, options.data_dir, options.root, pages=[])
    portfolio, _ = validate(sources, options.site_name)
    declared = sources.portfolio is not None and isinstance(sources.portfolio.value, dict) \
        and sources.portfolio.value.get("themes") is not None
    return portfolio, declared


def _oneline(text: str) -> str:
    # Names go into comment lines: a line break would end the comment.
    return _SPACES.sub(" ", text).strip()


def _listing(title: str, entries: list[_Entry], source: str) -> str:
    shown = entries[:MAX_LISTED]
    width = max(len(e.id) for e in shown) + 2
    lines = [f"##   {title}\n"]
    lines += [f"##     {e.id.ljust(width)}{_oneline(e.label)}\n" for e in shown]
    if len(entries) > len(shown):
        lines.append(f"##     ... and {len(entries) - len(shown)} more in {source}\n")
    return "".join(lines)


def _placeholder(text: str, token: str, value: str | None) -> str:
    if value is None:
        return text
    return re.sub(rf"(?<![\w-]){re.escape(token)}(?![\w-])", value, text)


def fill_template(template: str, title: str, portfolio: Portfolio,
                  themes_declared: bool = True) -> str:
    """The template with the title, and the site's ids listed and used in the examples."""
    if _TITLE_LINE not in template or any(m not in template for m in _MARKERS.values()):
        raise ScaffoldError("the page template has lost a line the scaffold fills in")
    text = template.replace(_TITLE_LINE, f"title: {yaml_text(title)}\n", 1)
    info = portfolio.info
    partners = [_Entry(p.id, f"{p.name} ({p.sector.value})") for p in portfolio.partners]
    lists = {
        "partners": ("Partner ids of this site:", partners),
        "themes": ("Theme ids of this site:",
                   [_Entry(t.id, t.title) for t in info.themes]),
        "mandates": ("Mandate ids of this site:",
                     [_Entry(m.id, f"{m.title} ({m.level.value})") for m in info.mandates]),
        "objectives": ("Objective ids of this site:",
                       [_Entry(o.id, o.title) for o in info.objectives]),
        "assets": ("Asset ids of this site:",
                   [_Entry(a.id, f"{a.name} ({a.kind.value})") for a in portfolio.assets]),
    }
    for name, (heading, entries) in lists.items():
        if entries:
            source = _MARKERS[name].split("listed in ", 1)[1].rstrip(".\n")
            text = text.replace(_MARKERS[name], _listing(heading, entries, source), 1)
        elif name == "themes" and not themes_declared:
            text = text.replace(_MARKERS[name], "##   This site declares no themes: any short "
                                "id (lowercase, hyphens) names one.\n", 1)
    funders = [p.id for p in portfolio.partners if p.sector is Sector.FUNDER]
    first = [p.id for p in portfolio.partners]
    choices = {
        "a-partner-id": first[0] if first else None,
        "another-partner-id": first[1] if len(first) > 1 else None,
        "a-funder-id": funders[0] if funders else (first[0] if first else None),
        "a-theme-id": info.themes[0].id if info.themes else None,
        "a-mandate-id": info.mandates[0].id if info.mandates else None,
        "an-objective-id": info.objectives[0].id if info.objectives else None,
        "an-asset-id": portfolio.assets[0].id if portfolio.assets else None,
    }
    for token, value in choices.items():
        text = _placeholder(text, token, value)
    return text


def template_text() -> str:
    """The page template as shipped in the package."""
    return (resources.files("portfolio_plugin") / "templates" / TEMPLATE).read_text(
        encoding="utf-8")


def new_initiative(options: Options, title: str, force: bool = False) -> Path:
    """Write `<initiatives>/<slug>.md` for a title; refuse to replace a page unless forced."""
    title = _oneline(title)
    if not title:
        raise ScaffoldError("the title is empty; write it between quotes: "
                            "portfolio new initiative \"Bike-friendly street\"")
    slug = slugify(title)
    if not slug or not SLUG.match(slug):
        raise ScaffoldError(f"cannot make a file name from the title {title!r}; give a title "
                            "with some Latin letters or digits (the page can still carry "
                            "another title once written)")
    if f"{slug}.md" in NOT_INITIATIVES:
        raise ScaffoldError(f"{slug!r} is a reserved file name in the initiatives folder; "
                            "choose another title")
    folder = options.initiatives_dir
    path = folder / f"{slug}.md"
    if path.exists() and not force:
        raise FileExistsError(f"{display_path(path, options.root)} already exists; edit that "
                              "page, choose another title, or add --force to replace it with "
                              "a new one")
    for existing in initiative_files(folder):
        if existing.stem == slug and existing.resolve() != path.resolve():
            raise FileExistsError(f"the slug {slug!r} is already used by "
                                  f"{display_path(existing, options.root)}; "
                                  "choose another title")
    portfolio, declared = _site(options)
    text = fill_template(template_text(), title, portfolio, declared)
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("w" if force else "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return path
