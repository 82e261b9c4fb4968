"""A site published in several languages with mkdocs-static-i18n (the `i18n` plugin).

That plugin builds every language in one `mkdocs build`: the default language first, then,
from its `on_post_build`, MkDocs' build again for each other language, into the same
`site_dir`. Before each language's build it sets the theme's language (in its `on_config`,
which runs after every other plugin's), and its `on_files` (after every other plugin's too)
keeps of `docs_dir` the files of that language (`page.sv.md` in place of `page.md`, suffix
structure), moves them to the language's folder (`sv/page/`), and leaves out every other page
with an "Unhandled file case" warning: pages a plugin made.

So, on such a site, the portfolio plugin follows it rather than the other way round (LANGUAGES.md,
"With mkdocs-static-i18n"):

- it reads the language being built after the i18n plugin has set it (`language_build`), and
  makes the portfolio in that language, for a site rooted at that language's folder;
- it names its files to MkDocs after the i18n plugin has chosen the language's files, and
  publishes each at that language's folder (`Language.folder`); an initiative's page is the
  file the i18n plugin chose for that language (`<slug>.sv.md`, else `<slug>.md`), made into
  the initiative's page in that language, its body the language's (which the core reads from
  `<slug>.sv.md` where there is one);
- each of its pages links to itself in every language built (`Language.alternates`).

Nothing here imports the i18n plugin or calls it: what it is building is read from its
public state (`current_language`, `default_language`, `build_languages`, its config).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..options import Options, language_options

# The module the i18n plugin's class lives in (its entry point is `i18n`).
MODULE = "mkdocs_static_i18n"


class UnsupportedError(Exception):
    """A way of using the i18n plugin the portfolio plugin cannot follow."""


@dataclass(frozen=True)
class Language:
    """The language one build of a site with the i18n plugin is in, among those built."""

    language: str
    default: str
    # Every language built, in the order they are built (the default first).
    languages: tuple[str, ...]

    def folder_of(self, language: str) -> str:
        """Where a language's pages are, from the site's root: `sv/`, or `` for the default."""
        return "" if language == self.default else f"{language}/"

    @property
    def folder(self) -> str:
        """This build's folder."""
        return self.folder_of(self.language)

    @property
    def last(self) -> bool:
        """Whether this is the last language built (the site is then whole)."""
        return self.language == self.languages[-1]

    def page_of(self, uri: str) -> str:
        """The docs path of the page a file of `docs_dir` is a language's version of:
        `initiatives/x.sv.md` -> `initiatives/x.md` (suffix structure)."""
        folder, name = posixpath.split(uri)
        stem, ext = posixpath.splitext(name)
        base, dot, suffix = stem.rpartition(".")
        if ext == ".md" and dot and base and suffix in self.languages:
            return posixpath.join(folder, base + ext)
        return uri

    def options(self, options: Options) -> Options:
        """The core's options for this build: the portfolio in this language, for a site
        whose root is this language's folder. (plotly.js stays where `plotly_js` names it
        from the whole site's root, which the pages' script is read from: see
        `publishes_plotly`.)"""
        return language_options(options, self.language, self.folder, self.languages)

    @property
    def publishes_plotly(self) -> bool:
        """Whether this build publishes the plugin's copy of plotly.js (where `plotly_js`
        names none): the default language's, at the site's root; the others' pages load
        that one (from beside the pages' script, at the site's root too)."""
        return not self.folder

    def alternates(self, alternates: Any, page_url: str) -> list[Any] | None:
        """`extra.alternate` (as the i18n plugin set it for this build) with each language
        built leading to the page at `page_url` (from a language's folder) in that language,
        as the i18n plugin links its own pages: from the site's root."""
        if not isinstance(alternates, list):
            return None
        links: list[Any] = []
        for alt in alternates:
            language = alt.get("lang") if isinstance(alt, Mapping) else None
            if language in self.languages:
                alt = {**alt, "link": self.folder_of(language) + page_url or "./"}
            links.append(alt)
        return links


def language_build(plugins: Mapping[str, Any]) -> Language | None:
    """The language being built where the site uses the i18n plugin (read once it has set
    it, in its `on_config`), else None."""
    for plugin in plugins.values():
        if type(plugin).__module__.split(".")[0] != MODULE:
            continue
        config = getattr(plugin, "config", None)
        structure = getattr(config, "docs_structure", "suffix")
        if structure != "suffix":
            raise UnsupportedError(
                f"the i18n plugin's docs_structure: {structure} is not supported with the "
                "portfolio plugin; use docs_structure: suffix (`page.sv.md` beside "
                "`page.md`, see LANGUAGES.md)")
        default = getattr(plugin, "default_language", None)
        current = getattr(plugin, "current_language", None) or default
        built = [str(code) for code in getattr(plugin, "build_languages", None) or ()]
        if not isinstance(default, str) or not isinstance(current, str):
            return None
        # The default language is built first, the others after it in their order.
        order = ([default] if default in built else []) + [c for c in built if c != default]
        if current not in order:
            order.append(current)
        return Language(current, default, tuple(order))
    return None



@dataclass(frozen=True)
class Address:
    """A page's address in one language, as the i18n plugin's `sitemap.xml` reads the
    alternates of its files (a page built in another build: no page object here)."""

    url: str
    page: None = None


@dataclass(frozen=True)
class SitemapPage:
    """One of the plugin's pages as the i18n plugin's `sitemap.xml` reads its own files: the
    built page, its URL from the site's root and its address in each language."""

    page: Any
    url: str
    alternates: dict[str, Address]


def sitemap_pages(language: Language, pages: list[tuple[str, Any]]) -> list[SitemapPage]:
    """The plugin's pages of one language's build (each as its URL from a language's folder
    and its built page) for the i18n plugin's sitemap, which lists only the files it chose."""
    return [SitemapPage(page, language.folder + url,
                        {code: Address(language.folder_of(code) + url)
                         for code in language.languages})
            for url, page in pages]
