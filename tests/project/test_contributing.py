"""CONTRIBUTING.md quotes the checker word for word: each quoted message is re-made here.

A partner reads the guide, makes a mistake, and must see the message the guide shows. So each
example page of "Common mistakes" is validated against the reference site's data, and the
output must equal the text block that follows it.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from portfolio_plugin.cli.scaffold import new_initiative
from portfolio_plugin.options import read_config
from portfolio_plugin.pipeline import check

from support import ROOT

GUIDE = ROOT / "CONTRIBUTING.md"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_MESSAGE_PATH = re.compile(r"^(content/initiatives/[^:]+):\d+:\d+: ", re.MULTILINE)


def section(title: str) -> str:
    """The text of a `## ` section, up to the next one (headings inside code do not count)."""
    lines = GUIDE.read_text(encoding="utf-8").split("\n")
    start = lines.index(f"## {title}")
    fenced = False
    for number in range(start + 1, len(lines)):
        if lines[number].startswith("```"):
            fenced = not fenced
        elif not fenced and lines[number].startswith("## "):
            return "\n".join(lines[start:number]) + "\n"
    return "\n".join(lines[start:]) + "\n"


def blocks(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _FENCE.finditer(text)]


def mistakes() -> list[tuple[str, str, str]]:
    """(heading, page, expected output) of each example of the common mistakes."""
    found = []
    part = section("Common mistakes and what the messages mean")
    for chunk in part.split("\n### ")[1:]:
        heading = chunk.split("\n", 1)[0]
        fenced = blocks(chunk)
        pages = [b for lang, b in fenced if lang == "markdown"]
        outputs = [b for lang, b in fenced if lang == "text"]
        assert len(pages) == 1 and len(outputs) == 1, heading
        found.append((heading, pages[0], outputs[0]))
    return found


def reference_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content" / "initiatives").mkdir(parents=True)
    shutil.copytree(ROOT / "site_data", root / "site_data")
    (root / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Test
        docs_dir: content
        plugins:
          - portfolio
        """), encoding="utf-8")
    return root


def validate(root: Path) -> list[str]:
    return [str(p) for p in check(read_config(root / "mkdocs.yml"))[1].sorted()]


MISTAKES = mistakes()


def test_the_guide_shows_many_common_mistakes() -> None:
    assert len(MISTAKES) >= 12


@pytest.mark.parametrize(("page", "expected"), [m[1:] for m in MISTAKES],
                         ids=[m[0] for m in MISTAKES])
def test_each_quoted_message_is_what_the_checker_prints(
        tmp_path: Path, page: str, expected: str) -> None:
    root = reference_site(tmp_path)
    paths = set(_MESSAGE_PATH.findall(expected))
    assert len(paths) == 1, expected
    (root / paths.pop()).write_text(page, encoding="utf-8")
    assert validate(root) == expected.rstrip("\n").split("\n")


def test_the_example_page_at_the_top_of_the_guide_is_valid(tmp_path: Path) -> None:
    root = reference_site(tmp_path)
    page = next(b for lang, b in blocks(section("What an initiative page looks like"))
                if lang == "markdown")
    (root / "content" / "initiatives" / "bike-friendly-street.md").write_text(
        page, encoding="utf-8")
    assert validate(root) == []


def test_the_example_partner_entry_is_valid(tmp_path: Path) -> None:
    root = reference_site(tmp_path)
    entry = blocks(section("Adding a partner, a theme or an asset"))[0][1]
    partners = root / "site_data" / "partners.yml"
    partners.write_text(partners.read_text(encoding="utf-8") + "\n" + entry, encoding="utf-8")
    page = "---\ntitle: A\nsummary: B\nfacet: adaptive\nzone: yellow\n" \
           "partners: [cykelfabriken]\n---\n"
    (root / "content" / "initiatives" / "a.md").write_text(page, encoding="utf-8")
    assert validate(root) == []


def test_the_funding_and_language_examples_are_valid(tmp_path: Path) -> None:
    root = reference_site(tmp_path)
    funding = blocks(section("Money and layers"))[0][1]
    languages, stories = (block for _, block in blocks(section("Writing in two languages")))
    page = f"---\n{languages}facet: adaptive\nzone: yellow\n{funding}{stories}---\n"
    (root / "content" / "initiatives" / "a.md").write_text(page, encoding="utf-8")
    assert validate(root) == []


def test_the_quoted_refusal_to_overwrite_is_what_the_command_says(tmp_path: Path) -> None:
    root = reference_site(tmp_path)
    options = read_config(root / "mkdocs.yml")
    new_initiative(options, "Bike-friendly street")
    with pytest.raises(FileExistsError) as refused:
        new_initiative(options, "Bike-friendly street")
    assert f"portfolio: {refused.value}\n" in GUIDE.read_text(encoding="utf-8")


def test_the_guide_links_only_to_files_that_exist() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+)\)", text):
        assert (ROOT / target).exists(), target
    for anchor in re.findall(r"\]\(#([^)]+)\)", text):
        headings = re.findall(r"^#{2,3} (.+)$", text, flags=re.MULTILINE)
        slugs = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}
        assert anchor in slugs, anchor
