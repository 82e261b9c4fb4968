"""An initiative's body per language (`<slug>.<lang>.md`, DESIGN.md "Languages"), and texts
shown in another language than the page's marked with theirs, in a real MkDocs build."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import yaml

from support import mkdocs_build, write_site

SWEDISH_BODY = "Alphas egen beskrivning, på svenska.\n\n## Vad vi lärde oss\n\nMycket.\n"


def _two_languages(root: Path) -> tuple[Path, Path]:
    """The fixture site in English (default) and Swedish, one configuration each."""
    config = write_site(root, site_url="https://testvik.example/")
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "extra:\n  alternate:\n"
                      "    - {name: English, link: ./, lang: en}\n"
                      "    - {name: Svenska, link: sv/, lang: sv}\n", encoding="utf-8")
    swedish = root / "mkdocs.sv.yml"
    swedish.write_text("INHERIT: mkdocs.yml\nsite_url: https://testvik.example/sv/\n"
                       "theme:\n  language: sv\n", encoding="utf-8")
    portfolio = root / "site_data" / "portfolio.yml"
    portfolio.write_text(portfolio.read_text(encoding="utf-8") + "language: en\n",
                         encoding="utf-8")
    return config, swedish


def test_the_swedish_page_shows_the_swedish_body_and_the_english_page_the_english(
        tmp_path: Path) -> None:
    config, swedish = _two_languages(tmp_path)
    (tmp_path / "docs/initiatives/alpha.sv.md").write_text(SWEDISH_BODY, encoding="utf-8")
    mkdocs_build(config, tmp_path / "en")
    mkdocs_build(swedish, tmp_path / "sv")
    english = (tmp_path / "en/initiatives/alpha/index.html").read_text(encoding="utf-8")
    svenska = (tmp_path / "sv/initiatives/alpha/index.html").read_text(encoding="utf-8")
    assert "Alpha&#39;s own description." in english or "Alpha's own description." in english
    assert "på svenska" not in english
    assert "Alphas egen beskrivning, på svenska." in svenska
    assert "own description" not in svenska
    assert re.search(r'<h2 id="vad-vi-larde-oss">Vad vi lärde oss', svenska)
    # The translation is a body, never a page of its own, in either language.
    for out in ("en", "sv"):
        assert not list((tmp_path / out).rglob("alpha.sv*")), out
        assert not (tmp_path / out / "initiatives" / "alpha.sv").exists()
    # Its HTML is cleaned as any body is: no script from a translation either.
    assert "<script>alert" not in svenska


def test_a_translation_of_a_body_is_cleaned_like_the_body(tmp_path: Path) -> None:
    _, swedish = _two_languages(tmp_path)
    (tmp_path / "docs/initiatives/alpha.sv.md").write_text(
        "Text.\n\n<script>alert(1)</script>\n\n<a href=\"javascript:alert(1)\">x</a>\n",
        encoding="utf-8")
    mkdocs_build(swedish, tmp_path / "sv", strict=False)
    said = subprocess.run([sys.executable, "-m", "portfolio_plugin.cli", "-f", str(swedish),
                           "validate"], capture_output=True, text=True, check=False)
    # Said at the translation's own lines: the script on line 3, the link on line 5.
    assert "docs/initiatives/alpha.sv.md:3:1: warning: body: the element <script>" in said.stdout
    assert "docs/initiatives/alpha.sv.md:5:" in said.stdout
    page = (tmp_path / "sv/initiatives/alpha/index.html").read_text(encoding="utf-8")
    assert "Text." in page
    assert "alert(1)</script>" not in page and "javascript:" not in page


class _Unmarked(HTMLParser):
    """Text nodes (outside script, style, svg and what is hidden from screen readers) and
    the language of their nearest element that names one."""

    VOID = {"br", "img", "meta", "link", "input", "hr", "wbr", "source", "col", "area",
            "base", "embed", "param", "track"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None, bool]] = []
        self.texts: list[tuple[str, str | None]] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.extend(value for _, value in attrs if value)
        if tag in self.VOID:
            return
        found = dict(attrs)
        self.stack.append((tag, found.get("lang"), found.get("aria-hidden") == "true"))

    def handle_endtag(self, tag: str) -> None:
        for n in range(len(self.stack) - 1, -1, -1):
            if self.stack[n][0] == tag:
                del self.stack[n:]
                return

    def handle_data(self, data: str) -> None:
        # (The theme's header repeats the page's title, as its `<title>` does: the theme's.)
        if any(tag in ("script", "style", "title", "head", "svg", "header") or hidden
               for tag, _, hidden in self.stack):
            return
        text = " ".join(data.split())
        if text:
            lang = next((lang for _, lang, _ in reversed(self.stack) if lang), None)
            self.texts.append((text, lang))


def test_english_texts_on_swedish_pages_carry_their_language(tmp_path: Path) -> None:
    """The Swedish site of a portfolio written in English only: every text of the authors
    it shows (story titles, partner names and roles, body) sits in an element with
    `lang="en"`, and none of those marks lands inside an attribute."""
    _, swedish = _two_languages(tmp_path)
    mkdocs_build(swedish, tmp_path / "sv")
    authors = {"Testvik City", "Innovation Agency", "Testvik University", "Nordic Firm AB",
               "Street Lab", "Pilot started", "research", "Alpha's own description.",
               "Energy", "Green Deal", "Zero emissions", "Halve emissions"}
    seen: dict[str, set[str | None]] = {}
    where: dict[str, str] = {}
    for page in sorted((tmp_path / "sv").rglob("*.html")):
        parser = _Unmarked()
        parser.feed(page.read_text(encoding="utf-8"))
        assert not [a for a in parser.attributes if "<span lang" in a], page
        for text, lang in parser.texts:
            if text in authors:
                seen.setdefault(text, set()).add(lang)
                if lang != "en":
                    where.setdefault(text, page.relative_to(tmp_path).as_posix())
    assert set(seen) >= authors - {"Halve emissions"}, sorted(authors - set(seen))
    unmarked = {text: where[text] for text, langs in seen.items() if langs != {"en"}}
    assert unmarked == {}, unmarked


def test_the_english_site_marks_nothing(tmp_path: Path) -> None:
    config, _ = _two_languages(tmp_path)
    mkdocs_build(config, tmp_path / "en")
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "en").rglob("*.html"))
    assert '<span lang="en">' not in pages and '<div lang="en">' not in pages


def test_validate_counts_untranslated_texts_per_language_and_lists_them_when_asked(
        tmp_path: Path) -> None:
    config, _ = _two_languages(tmp_path)
    alpha = tmp_path / "docs/initiatives/alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace(
        "title: Alpha pilot", "title: {en: Alpha pilot, sv: Alfapiloten}"), encoding="utf-8")
    command = [sys.executable, "-m", "portfolio_plugin.cli", "-f", str(config), "validate"]
    said = subprocess.run(command, capture_output=True, text=True, check=False)
    assert said.returncode == 0, said.stderr
    counts = re.search(r"texts not translated: (\d+) not in en, (\d+) not in sv", said.stderr)
    assert counts is not None, said.stderr
    in_sources = _plain_texts(tmp_path)
    assert (int(counts.group(1)), int(counts.group(2))) == (0, in_sources)
    assert "--verbose" in said.stderr and "info:" not in said.stdout
    listed = subprocess.run([*command, "--verbose"], capture_output=True, text=True,
                            check=False)
    lines = [line for line in listed.stdout.splitlines() if ": info: " in line]
    assert len(lines) == in_sources
    assert any(line.startswith("docs/initiatives/alpha.md:") and "summary" in line
               and "not translated into sv" in line for line in lines)
    assert not any("alpha.md" in line and ": title:" in line for line in lines)


def _plain_texts(root: Path) -> int:
    """The texts of the fixture site a person reads, written as plain strings (DESIGN.md's
    list), counted from the sources themselves."""
    count = 0
    data = {name: yaml.safe_load((root / "site_data" / name).read_text(encoding="utf-8"))
            for name in ("portfolio.yml", "partners.yml", "assets.yml")}
    portfolio = data["portfolio.yml"]
    count += isinstance(portfolio.get("name"), str) + isinstance(portfolio.get("description"), str)
    for group in ("themes", "mandates"):
        count += sum(isinstance(v.get("title"), str) for v in portfolio.get(group, {}).values())
    for objective in portfolio.get("objectives", {}).values():
        count += isinstance(objective.get("title"), str)
        count += isinstance(objective.get("description"), str)
        for result in objective.get("key_results", []):
            count += isinstance(result.get("title"), str) + isinstance(result.get("target"), str)
    for name in ("partners.yml", "assets.yml"):
        for entry in data[name].values():
            count += isinstance(entry.get("name"), str)
            count += isinstance(entry.get("description"), str)
    for page in sorted((root / "docs" / "initiatives").glob("*.md")):
        front = yaml.safe_load(page.read_text(encoding="utf-8").split("---\n")[1])
        count += sum(isinstance(front.get(k), str) for k in ("title", "summary"))
        for story in front.get("stories", []):
            count += isinstance(story.get("title"), str) + isinstance(story.get("text"), str)
        for partner in front.get("partners", []):
            count += isinstance(partner, dict) and isinstance(partner.get("role"), str)
        for step in front.get("zone_history", []):
            count += isinstance(step.get("note"), str)
        for indicator in front.get("indicators", []):
            count += isinstance(indicator.get("name"), str)
            count += isinstance(indicator.get("unit"), str)
        for link in front.get("links", []):
            count += isinstance(link.get("title"), str)
        for funding in front.get("funding", []):
            count += isinstance(funding.get("note"), str)
    return count


def test_a_swedish_first_site_marks_its_swedish_texts_on_the_english_pages(
        tmp_path: Path) -> None:
    """Swedish first: `mkdocs.yml` is Swedish and `mkdocs.en.yml` inherits it; plain texts
    are Swedish without `portfolio.yml` saying so (the base configuration's language)."""
    config = write_site(tmp_path, site_url="https://testvik.example/")
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  name: material\n", "  name: material\n  language: sv\n"), encoding="utf-8")
    english = tmp_path / "mkdocs.en.yml"
    english.write_text("INHERIT: mkdocs.yml\nsite_url: https://testvik.example/en/\n"
                       "theme:\n  language: en\n", encoding="utf-8")
    alpha = tmp_path / "docs/initiatives/alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace(
        "Alpha's own description.", "Alfas egen beskrivning."), encoding="utf-8")
    mkdocs_build(config, tmp_path / "sv")
    mkdocs_build(english, tmp_path / "en")
    svenska = (tmp_path / "sv/initiatives/alpha/index.html").read_text(encoding="utf-8")
    assert 'lang="sv"' in svenska and '<span lang="' not in svenska
    page = (tmp_path / "en/initiatives/alpha/index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in page
    assert re.search(r'<div lang="sv">\s*<p>Alfas egen beskrivning\.</p>', page)
    assert '<span lang="sv">Pilot started</span>' in page
    assert re.search(r'<h1 id="alpha-pilot"><span lang="sv">Alpha pilot</span></h1>', page)
