"""`portfolio generate`: the whole site as a folder that an engine without plugins builds as is.

The folder holds a configuration (`mkdocs.yml`), the pages (`docs/`: the site's hand-written
pages, the generated ones, every valid initiative page rendered, the open data, the plugin's
script and style) and the theme overrides the pages name (`overrides/`). The initiative
sources are left out: an invalid one must never be published with its raw front-matter.

The folder is made beside its place and moved there whole, so a failed run leaves the
previous folder (or none), never half of one.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from dataclasses import dataclass, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..load.files import refused_files, walk
from ..options import (
    ConfigError,
    Options,
    config_mapping,
    i18n_languages,
    language_options,
    read_config,
)
from ..problems import Problem

PAGE_TEMPLATE = "portfolio.html"
ASSETS = ("assets/portfolio/portfolio.css", "assets/portfolio/portfolio.js")
# The first line of the configuration it writes: a folder that has it may be replaced.
MARKER = "# Written by `portfolio generate`: build this folder with"
ENGINES = ("zensical", "mkdocs")


@dataclass(frozen=True)
class Tagged:
    """A YAML value with a tag (`!ENV`, `!!python/name:...`), written back as it was."""

    tag: str
    value: Any


class _KeepTags(yaml.SafeLoader):
    """Reads a configuration keeping the tags that the engine, not we, understands."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return Tagged(node.tag, value)


_KeepTags.add_multi_constructor("!", _tagged)
_KeepTags.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)


class _Dumper(yaml.SafeDumper):
    """Writes the configuration, its tags included."""


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Dumper.add_representer(Tagged, _represent_tagged)


def engine_config(config: dict[str, Any], options: Options, out: Path) -> dict[str, Any]:
    """The site's configuration for the folder: its pages in `docs/`, its theme overrides in
    `overrides/`, the site built into `site/`; no `portfolio` plugin, and the plugin's style
    and script loaded as the plugin would add them (and the open data's folder named for the
    page template, where it is not `data`). MkDocs hooks, Python files of the site, are
    named from the folder (Zensical runs none)."""
    made: dict[str, Any] = {}
    for key, value in config.items():
        if key in ("INHERIT", "watch", "docs_dir", "site_dir"):
            continue
        made[key] = value
        if key == "site_name":  # the folders first, where a reader looks for them
            made.update(docs_dir="docs", site_dir="site")
    made.setdefault("docs_dir", "docs")
    made.setdefault("site_dir", "site")
    theme = config.get("theme") or {}
    theme = dict(theme) if isinstance(theme, dict) else {"name": theme}
    theme["custom_dir"] = "overrides"
    made["theme"] = theme
    plugins = config.get("plugins")
    if isinstance(plugins, dict):
        made["plugins"] = {k: v for k, v in plugins.items() if k != "portfolio"}
    elif isinstance(plugins, list):
        made["plugins"] = [p for p in plugins if p != "portfolio"
                           and not (isinstance(p, dict) and "portfolio" in p)]
    hooks = config.get("hooks")
    if isinstance(hooks, list):
        made["hooks"] = [os.path.relpath(options.root / hook, out.resolve())
                         if isinstance(hook, str) and not os.path.isabs(hook) else hook
                         for hook in hooks]
    if options.exports != "data":
        extra = config.get("extra")
        made["extra"] = {**(extra if isinstance(extra, dict) else {}),
                         "portfolio_exports": options.exports}
    for key, asset in zip(("extra_css", "extra_javascript"), ASSETS, strict=True):
        listed = list(config.get(key) or [])
        if asset not in [str(item) for item in listed]:
            listed.append(asset)
        made[key] = listed
    return made


def config_text(config: dict[str, Any], engine: str) -> str:
    """The configuration file, saying how to build the folder."""
    build = ("zensical build -f mkdocs.yml" if engine == "zensical"
             else "mkdocs build -f mkdocs.yml (or properdocs)")
    head = (f"{MARKER}\n#   {build}\n"
            "# Run `portfolio generate` again to change it: the next run replaces the folder.\n")
    body = yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)
    return head + body


def navigation(pages: list[str], sections: list[str], title: str) -> list[Any]:
    """The navigation of a site that leaves it to the engine, as the plugin makes it with
    MkDocs: the hand-written pages (`pages`) as MkDocs orders them (index first, folders
    last, each folder a section named after it), and the portfolio's section pages in their
    order, in a section titled in the site's language. Never the initiative, partner or
    listing pages: a navigation that lists them all makes every page carry them."""
    def order(uri: str) -> tuple[tuple[str, ...], bool, str]:
        parts = PurePosixPath(uri).parts
        return (parts[:-1], PurePosixPath(uri).stem not in ("index", "README"), parts[-1])

    rank = {uri: n for n, uri in enumerate(sections)}
    listed = sorted(set(pages) | set(sections), key=order)
    # The section pages first in their folder, in their order; the others after, as they were.
    listed.sort(key=lambda uri: (PurePosixPath(uri).parts[:-1], rank.get(uri, len(rank))))
    section_folder = PurePosixPath(sections[0]).parent.parts if sections else None
    nav: list[Any] = []
    for uri in listed:
        branch, folders = nav, PurePosixPath(uri).parent.parts
        for depth in range(1, len(folders) + 1):
            name = title if folders[:depth] == section_folder else _folder_title(folders[depth - 1])
            node = next((item for item in branch if isinstance(item, dict) and name in item), None)
            if node is None:
                node = {name: []}
                branch.append(node)
            branch = node[name]
        branch.append(uri)
    return nav


def _folder_title(name: str) -> str:
    """A folder's section title, as MkDocs makes it."""
    title = name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def _is_initiative_source(uri: str, options: Options) -> bool:
    """An initiative page's source (or an invalid one), as the plugin leaves it out."""
    prefix = options.initiatives.strip("/") + "/"
    return uri.startswith(prefix) and uri.endswith(".md") \
        and os.path.basename(uri) not in ("index.md", "README.md")


def own_files(folder: Path, options: Options, problems: list[Problem],
              skip_sources: bool = False) -> dict[str, Path]:
    """The site's own files of a folder (its `docs_dir` or its theme overrides) by path in
    it: not the hidden ones (no engine publishes them), not the initiative sources (with
    `skip_sources`), and none that must not be published (a symlink leaving the site, a
    device), each of those a problem."""
    found: dict[str, Path] = {}
    for root, names in walk(folder, options.root, options.root, problems):
        where = Path(root).relative_to(folder)
        if any(part.startswith(".") for part in where.parts):
            continue
        for name in names:
            uri = (where / name).as_posix()
            if name.startswith(".") or (skip_sources and _is_initiative_source(uri, options)):
                continue
            found[uri] = Path(root) / name
    refused = refused_files([os.fspath(p) for p in found.values()], options.root,
                            options.root, [folder])
    problems.extend(refused.values())
    return {uri: path for uri, path in found.items() if os.fspath(path) not in refused}


def check_out(out: Path, options: Options, custom_dir: Path | None) -> None:
    """Refuse a folder that would overwrite the site's own files, or that holds files
    `portfolio generate` did not write."""
    here = out.resolve()
    own = [options.docs_dir, options.data_dir] + ([custom_dir] if custom_dir else [])
    if here == options.root or here in options.root.parents \
            or any(here == f.resolve() or f.resolve() in here.parents for f in own):
        raise ConfigError(f"{out}: the folder would hold or replace the site's own files; "
                          "choose a new folder, such as build/site-src")
    if here.is_dir() and any(here.iterdir()):
        config = here / "mkdocs.yml"
        try:
            ours = config.read_text(encoding="utf-8").startswith(MARKER)
        except (OSError, UnicodeDecodeError):
            ours = False
        if not ours:
            raise ConfigError(f"{out}: the folder is not empty and was not written by "
                              "`portfolio generate`; choose an empty or new folder")
    elif here.exists() and not here.is_dir():
        raise ConfigError(f"{out}: not a folder")


def write_folder(out: Path, texts: dict[str, str], files: dict[str, bytes],
                 copies: dict[str, Path]) -> int:
    """Write the folder beside `out`, then put it in `out`'s place; return the file count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for uri, source in copies.items():
            path = new / uri
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, path)
        for uri, data in files.items():
            path = new / uri
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for uri, text in texts.items():
            path = new / uri
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            out.rename(old / out.name)
        new.rename(out)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return len(copies) + len(files) + len(texts)


def _package_files(folder: Traversable, below: str = "") -> dict[str, bytes]:
    """The files of a folder of the package by path in it."""
    found: dict[str, bytes] = {}
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.is_dir():
            found.update(_package_files(item, f"{below}{item.name}/"))
        elif item.is_file():
            found[below + item.name] = item.read_bytes()
    return found


def suffixed(uri: str, language: str) -> str:
    """A file's path for one language in the suffix structure of mkdocs-static-i18n:
    `portfolio/index.md` -> `portfolio/index.sv.md`, `data/portfolio.json` ->
    `data/portfolio.sv.json` (that plugin publishes both in the language's folder)."""
    folder, name = posixpath.split(uri)
    stem, dot, ext = name.rpartition(".")
    name = f"{stem}.{language}.{ext}" if dot and stem else f"{name}.{language}"
    return posixpath.join(folder, name)


def _in_language(uri: str, languages: tuple[str, ...]) -> bool:
    """Whether a page is one language's version of another (`about.sv.md`), which
    mkdocs-static-i18n puts in the navigation in place of the page it names."""
    stem = posixpath.splitext(posixpath.basename(uri))[0]
    return posixpath.splitext(stem)[1][1:] in languages


def other_languages(options: Options, languages: tuple[str, ...]
                    ) -> tuple[dict[str, str], dict[str, bytes]]:
    """The pages and files of each language after the first where mkdocs-static-i18n builds
    the site's languages (`languages`: the default one first), named in its suffix
    structure for the folder; plotly.js once, the default language's (the pages' script,
    at the site's root, loads the copy beside it)."""
    from ..pipeline import run

    texts: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for language in languages[1:]:
        build = run(language_options(options, language, f"{language}/", languages))
        texts.update({f"docs/{suffixed(uri, language)}": text
                      for uri, text in build.rendered.pages.items()})
        files.update({f"docs/{suffixed(uri, language)}": data
                      for uri, data in build.rendered.files.items()
                      if not uri.endswith("/plotly.min.js")})
    return texts, files


def generate(config_file: Path, out: Path, engine: str = "zensical",
             strict: bool = False) -> tuple[int, list[Problem]]:
    """Make the folder for `engine`; return how many files it has (0: not written, with
    `strict` and errors) and the problems found."""
    from ..pipeline import run

    options = read_config(config_file)
    config = config_mapping(config_file, _KeepTags)  # to be written back, tags and all
    # Zensical rewrites the links of a page's HTML as links relative to its Markdown file.
    options = replace(options, source_links=engine == "zensical")
    theme = config.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    custom_dir = options.root / str(custom) if custom else None
    check_out(out, options, custom_dir)
    build = run(options)
    problems: list[Problem] = []
    copies = {f"docs/{uri}": path for uri, path in
              own_files(options.docs_dir, options, problems, skip_sources=True).items()}
    # The pages name the plugin's page template; the site's own overrides win over it.
    package = resources.files("portfolio_plugin")
    files = {f"overrides/{PAGE_TEMPLATE}": (package / "theme" / PAGE_TEMPLATE).read_bytes()}
    name = theme.get("name") if isinstance(theme, dict) else theme
    if engine == "mkdocs" and name == "material":
        # Material's inline scripts from files, as the plugin gives them (SECURITY.md);
        # Zensical's theme has scripts of its own, which these would replace.
        files.update({f"overrides/{uri}": data for uri, data in
                      _package_files(package / "theme_material").items()})
    if custom_dir is not None and custom_dir.is_dir():
        copies.update({f"overrides/{uri}": path for uri, path in
                       own_files(custom_dir, options, problems).items()})
        files = {uri: data for uri, data in files.items() if uri not in copies}
    build.problems.extend(problems)
    if strict and build.problems.errors:
        return 0, build.problems.sorted()
    # Generated pages and files take the place of hand-written ones at the same path, as
    # in the plugin's build.
    texts = {f"docs/{uri}": text for uri, text in build.rendered.pages.items()}
    files.update({f"docs/{uri}": data for uri, data in build.rendered.files.items()})
    languages = i18n_languages(config.get("plugins"))
    texts_in, files_in = other_languages(options, languages)
    texts.update(texts_in)
    files.update(files_in)
    copies = {uri: path for uri, path in copies.items()
              if uri not in texts and uri not in files}
    settings = engine_config(config, options, out)
    if "nav" not in settings:
        from ..render import section_uris

        settings["nav"] = navigation(
            [uri[len("docs/"):] for uri in copies if uri.startswith("docs/")
             and uri.endswith(".md") and not _in_language(uri, languages)],
            [uri for uri in section_uris(options.output) if uri in build.rendered.pages],
            build.translator("nav.section"))
    texts["mkdocs.yml"] = config_text(settings, engine)
    count = write_folder(out, texts, files, copies)
    return count, build.problems.sorted()

