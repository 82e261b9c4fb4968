"""Each page's language links (`extra.alternate`) lead to the same page in each language."""

from __future__ import annotations

from pathlib import Path

from portfolio_plugin.adapter.languages import page_alternates

SITE = [{"name": "English", "link": "./", "lang": "en", "docs_dir": "content"},
        {"name": "Svenska", "link": "sv/", "lang": "sv", "docs_dir": "content-sv"}]
SWEDISH = [{"name": "English", "link": "../", "lang": "en", "docs_dir": "content"},
           {"name": "Svenska", "link": "./", "lang": "sv", "docs_dir": "content-sv"}]


def links(alternates: list[dict[str, str]] | None) -> list[str]:
    assert alternates is not None
    return [alt["link"] for alt in alternates]


def test_the_plugins_pages_lead_to_themselves_in_every_language(tmp_path: Path) -> None:
    found = page_alternates(SITE, "portfolio/leverage/", "portfolio/leverage.md", True,
                            tmp_path, None)
    assert links(found) == ["portfolio/leverage/", "sv/portfolio/leverage/"]
    assert [alt["name"] for alt in found or []] == ["English", "Svenska"]


def test_a_hand_written_page_leads_to_its_translation_where_that_language_has_it(
        tmp_path: Path) -> None:
    (tmp_path / "content-sv").mkdir()
    (tmp_path / "content-sv" / "about.md").write_text("# Om\n")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "about.md").write_text("# About\n")
    (tmp_path / "content" / "only-english.md").write_text("# Only\n")
    assert links(page_alternates(SITE, "about/", "about.md", False, tmp_path, None)) == [
        "about/", "sv/about/"]
    # No Swedish page of that name: the Swedish home, as without the plugin.
    assert links(page_alternates(SITE, "only-english/", "only-english.md", False, tmp_path,
                                 None)) == ["only-english/", "sv/"]


def test_without_docs_dir_a_hand_written_page_leads_to_the_languages_home(
        tmp_path: Path) -> None:
    plain = [{k: v for k, v in alt.items() if k != "docs_dir"} for alt in SITE]
    assert links(page_alternates(plain, "about/", "about.md", False, tmp_path, None)) == [
        "./", "sv/"]


def test_a_language_above_the_site_is_linked_from_the_servers_root(tmp_path: Path) -> None:
    found = page_alternates(SWEDISH, "portfolio/leverage/", "portfolio/leverage.md", True,
                            tmp_path, "https://portfolio.example.org/sv/")
    assert links(found) == ["/portfolio/leverage/", "portfolio/leverage/"]
    # Without site_url the server's root is unknown: that language's home, as before.
    found = page_alternates(SWEDISH, "portfolio/leverage/", "portfolio/leverage.md", True,
                            tmp_path, None)
    assert links(found) == ["../", "portfolio/leverage/"]


def test_a_docs_dir_outside_the_site_or_a_path_leaving_it_is_not_looked_at(
        tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text("x")
    (tmp_path / "content-sv").mkdir()
    found = page_alternates(SITE, "x/", "../secret.md", False, tmp_path, None)
    assert links(found) == ["./", "sv/"]


def test_the_home_page_and_a_site_without_languages_are_left_alone(tmp_path: Path) -> None:
    assert page_alternates(SITE, "", "index.md", True, tmp_path, None) is None
    assert page_alternates(None, "about/", "about.md", True, tmp_path, None) is None
    odd = [{"name": "Elsewhere", "link": "https://example.org/?lang=de", "lang": "de"}, "x"]
    assert page_alternates(odd, "about/", "about.md", True, tmp_path, None) == odd
