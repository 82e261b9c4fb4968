"""Where things are and how the site is addressed: the core's view of a site's configuration.

The MkDocs adapter builds `Options` from its config object; the CLI reads the same
`mkdocs.yml` itself, so that the core never needs MkDocs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .model import Languages


@dataclass(frozen=True)
class Options:
    """Everything the pipeline needs to know about a site."""

    root: Path
    docs_dir: Path
    site_name: str = "Portfolio"
    initiatives: str = "initiatives"
    data: str = "site_data"
    output: str = "portfolio"
    exports: str = "data"
    language: str = "en"
    # Every language the site is published in (the language switch's, `extra.alternate`),
    # and the one its plain texts are written in where the configuration says (`portfolio.yml`
    # may say it too: `language`).
    site_languages: tuple[str, ...] = ()
    default_language: str | None = None
    directory_urls: bool = True
    # Links in pages' HTML relative to the Markdown file, pages named by their `.md` path, for
    # an engine that rewrites them (Zensical, see render.urls); the plugin's build writes URLs.
    source_links: bool = False
    site_url: str | None = None
    # Where the site's source is kept (MkDocs' `repo_url` and `edit_uri`): the "Propose an
    # initiative" page opens the host's new-file page there.
    repo_url: str | None = None
    edit_uri: str | None = None
    # The configuration file's name, as problems about it name it.
    config_file: str = "mkdocs.yml"
    page_size: int = 200
    locales: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = field(default=())
    initiatives_source: str | None = None
    parallel: bool = True  # may use a worker process (a second core)
    sanitise_bodies: bool = True  # clean the HTML of initiative bodies (`render.body`)
    # Where the site's pages load plotly.js from when a reader explores a chart: a URL
    # relative to the site's root, or an absolute one. Set, the site publishes no copy of its
    # own (a site in several languages shares one); None, the plugin's copy is published.
    plotly_js: str | None = None
    # The site's Markdown extensions by name: `portfolio validate` renders bodies as the site.
    markdown_extensions: tuple[str, ...] = ()
    # Federation (`federation` in portfolio.yml): seconds for the whole request of one other
    # portfolio, its largest size, and how old a cached copy may be to stand in for one that
    # is out of reach without a warning.
    federation_timeout: float = 10.0
    federation_max_bytes: int = 50 * 1024 * 1024
    federation_cache_days: float = 7.0

    @property
    def initiatives_dir(self) -> Path:
        """The folder of initiative pages: `initiatives_source` beside `mkdocs.yml` when set.

        A site published in several languages (one configuration per language, each with its
        own `docs_dir`) reads the initiatives from one shared folder this way; the pages are
        still published at `<initiatives>/<slug>/` of each site.
        """
        if self.initiatives_source:
            # As written (not resolved): a symlink leaving the site is refused by name.
            return Path(os.path.normpath(self.root / self.initiatives_source))
        return self.docs_dir / self.initiatives

    @property
    def languages(self) -> Languages:
        """The run's languages: the page's, the default (where the configuration says; else
        `portfolio.yml` says, or it is the page's), and the site's."""
        return Languages(self.language, self.default_language or "",
                         self.site_languages or (self.language,))

    @property
    def data_dir(self) -> Path:
        """The folder of `portfolio.yml`, `partners.yml` and `assets.yml`."""
        return self.root / self.data

    def initiative_uri(self, slug: str) -> str:
        """The docs-relative path of an initiative page."""
        return f"{self.initiatives.strip('/')}/{slug}.md"


def language_options(options: Options, language: str, folder: str,
                     languages: tuple[str, ...]) -> Options:
    """The options of one language's build, where one configuration publishes every language
    (mkdocs-static-i18n; `languages`, the default one first): the portfolio in `language`,
    for a site rooted at `folder` of the whole site (`sv/`; `` for the default language,
    at its root)."""
    site_url = options.site_url
    if site_url and folder:
        site_url = site_url.rstrip("/") + "/" + folder
    return replace(options, language=language, site_url=site_url,
                   site_languages=languages, default_language=languages[0])


def build_date() -> dt.datetime:
    """The build's timestamp: `SOURCE_DATE_EPOCH` when set, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, tolerating tags such as `!!python/name:` and `!ENV` it does not need."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_ConfigLoader.add_multi_constructor("", _ignore_tag)


class ConfigError(Exception):
    """A site configuration that cannot be used."""


def plugin_settings(plugins: Any, name: str = "portfolio") -> Mapping[str, Any] | None:
    """A plugin's entry of a `plugins:` list (the `portfolio` plugin's by default), or None
    if the plugin is not listed."""
    if isinstance(plugins, dict):
        plugins = [{k: v} for k, v in plugins.items()]
    for item in plugins or []:
        if item == name:
            return {}
        if isinstance(item, dict) and name in item:
            settings = item[name] or {}
            return settings if isinstance(settings, Mapping) else {}
    return None


def i18n_languages(plugins: Any) -> tuple[str, ...]:
    """The languages mkdocs-static-i18n builds (the `i18n` plugin's `languages` with
    `build: true`, the default one first), or none where the site does not use it.

    With it, one configuration publishes every language: the default one at the site's root,
    each other in its own folder (LANGUAGES.md, "With mkdocs-static-i18n").
    """
    settings = plugin_settings(plugins, "i18n")
    listed = settings.get("languages") if settings is not None else None
    if not isinstance(listed, list):
        return ()
    entries = [entry for entry in listed if isinstance(entry, Mapping)
               and isinstance(entry.get("locale"), str) and entry["locale"] != "null"
               and entry.get("build", True) is not False]
    only = settings.get("build_only_locale") if settings is not None else None
    if isinstance(only, str) and only in [entry["locale"] for entry in entries]:
        return (only,)  # (that plugin then builds it alone, as the default)
    default = [str(entry["locale"]) for entry in entries if entry.get("default") is True]
    return tuple(dict.fromkeys(default[:1] + [str(entry["locale"]) for entry in entries]))


def from_settings(root: Path, config: Mapping[str, Any], settings: Mapping[str, Any],
                  config_file: str = "mkdocs.yml") -> Options:
    """Options from a site's configuration mapping and the plugin's own settings."""
    # Absolute, as the folders below are: paths shown to users are made relative to it.
    root = root.resolve()
    theme = config.get("theme") or {}
    # The i18n plugin sets the theme's language for each language it builds; read here (the
    # command line), its default language is the site's.
    built = i18n_languages(config.get("plugins"))
    language = (built[0] if built else None) or settings.get("language") \
        or (theme.get("language") if isinstance(theme, dict) else None) or "en"
    return Options(
        root=root,
        docs_dir=(root / str(config.get("docs_dir") or "docs")).resolve(),
        site_name=str(config.get("site_name") or "Portfolio"),
        initiatives=str(settings.get("initiatives", "initiatives")).strip("/"),
        data=str(settings.get("site_data", "site_data")),
        output=str(settings.get("output", "portfolio")).strip("/"),
        exports=str(settings.get("exports", "data")).strip("/"),
        language=str(language),
        site_languages=built or _site_languages(config, str(language)),
        # The i18n plugin's default language is that of `page.md` beside `page.sv.md`.
        default_language=built[0] if built else None,
        directory_urls=bool(config.get("use_directory_urls", True)),
        site_url=config.get("site_url"),
        repo_url=_text_setting(config.get("repo_url")),
        edit_uri=_text_setting(config.get("edit_uri")),
        config_file=config_file,
        page_size=int(settings.get("page_size", 200)),
        initiatives_source=(str(settings["initiatives_source"])
                            if settings.get("initiatives_source") else None),
        parallel=bool(settings.get("parallel", True)),
        sanitise_bodies=bool(settings.get("sanitise_bodies", True)),
        plotly_js=_plotly_setting(settings.get("plotly_js")),
        markdown_extensions=_extension_names(config.get("markdown_extensions")),
        federation_timeout=_positive(settings, "federation_timeout",
                                     Options.federation_timeout),
        federation_max_bytes=int(_positive(settings, "federation_max_bytes",
                                           Options.federation_max_bytes)),
        federation_cache_days=_positive(settings, "federation_cache_days",
                                        Options.federation_cache_days, zero=True),
    )


def _site_languages(config: Mapping[str, Any], language: str) -> tuple[str, ...]:
    """The languages of the site: those of the language switch (`extra.alternate`), the
    build's own among them."""
    extra = config.get("extra")
    alternate = extra.get("alternate") if isinstance(extra, dict) else None
    found = [str(item["lang"]) for item in alternate if isinstance(item, dict)
             and isinstance(item.get("lang"), str) and item["lang"].strip()] \
        if isinstance(alternate, list) else []
    return tuple(dict.fromkeys([*found, language]))


def _text_setting(value: Any) -> str | None:
    """A text setting, or None where it is absent or empty."""
    return str(value) if isinstance(value, str) and value.strip() else None


def _plotly_setting(value: Any) -> str | None:
    """`plotly_js`: a URL (relative to the site's root, or absolute), or nothing."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or any(c.isspace() or c in "\"'<>\\" for c in value) \
            or value.lower().startswith(("javascript:", "data:")):
        raise ConfigError("the portfolio plugin's plotly_js must be a URL of plotly.min.js, "
                          f"relative to the site's root or absolute (found {value!r})")
    return value


def _positive(settings: Mapping[str, Any], name: str, default: float,
              zero: bool = False) -> float:
    """A number setting above 0 (or at least 0); a setting that is not one is refused."""
    value = settings.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not (value >= 0 if zero else value > 0):
        raise ConfigError(f"the portfolio plugin's {name} must be a number "
                          f"{'of at least 0' if zero else 'above 0'} (found {value!r})")
    return float(value)


def _extension_names(extensions: Any) -> tuple[str, ...]:
    """The names in a `markdown_extensions` list (each a name, or a name with its options)."""
    if isinstance(extensions, dict):
        extensions = list(extensions)
    names: list[str] = []
    for item in extensions if isinstance(extensions, list) else []:
        if isinstance(item, dict):
            names.extend(str(key) for key in item)
        elif isinstance(item, str):
            names.append(item)
    return tuple(names)


def read_config(path: Path) -> Options:
    """Options from a `mkdocs.yml` file, for the CLI."""
    config = config_mapping(path)
    settings = plugin_settings(config.get("plugins")) or {}
    options = from_settings(path.resolve().parent, config, settings, path.name)
    return replace(options, default_language=base_language(path) or options.default_language)


def base_language(path: Path) -> str | None:
    """The language of the configuration a configuration inherits (`INHERIT`, to the last):
    the site's default language, where each language has a configuration of its own. None
    for a configuration that inherits none, or that cannot be read."""
    seen = 0
    while seen < 10:
        try:
            mapping = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)  # noqa: S506
        except (OSError, yaml.YAMLError):
            return None
        parent = mapping.get("INHERIT") if isinstance(mapping, dict) else None
        if not isinstance(parent, str):
            break
        path, seen = path.parent / parent, seen + 1
    if not seen:
        return None
    theme = mapping.get("theme") if isinstance(mapping, dict) else None
    settings = plugin_settings(mapping.get("plugins")) or {}
    language = settings.get("language") or (theme.get("language")
                                            if isinstance(theme, dict) else None) or "en"
    return str(language)


def _merged(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """MkDocs' `INHERIT`: mappings merge key by key, anything else in the child replaces."""
    result = dict(parent)
    for key, value in child.items():
        below = result.get(key)
        result[key] = _merged(below, value) if isinstance(below, dict) \
            and isinstance(value, dict) else value
    return result


def config_mapping(path: Path, loader: type[yaml.SafeLoader] = _ConfigLoader,
                   depth: int = 0) -> dict[str, Any]:
    """A configuration file as a mapping, with the file it names in `INHERIT` below it
    (read by `loader`: by default, tags are read as the plain values they tag)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}") from None
    try:
        config = yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: the configuration is not valid YAML: {exc}") from None
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping")
    mapping: dict[str, Any] = config
    parent = mapping.pop("INHERIT", None)
    if isinstance(parent, str):
        if depth >= 10:
            raise ConfigError(f"{path}: INHERIT goes more than 10 files deep")
        mapping = _merged(config_mapping(path.parent / parent, loader, depth + 1), mapping)
    return mapping
