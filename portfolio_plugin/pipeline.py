"""The whole pipeline in one call: load -> validate -> compute -> render.

The MkDocs adapter and the CLI both call `run`; neither repeats any of its steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from .load import PageCache, Reader, load
from .model import Portfolio
from .options import Options, build_date
from .problems import Problem, Problems
from .validate import validate

if TYPE_CHECKING:  # imported where used: `portfolio validate` needs none of them
    from .compute import Figures
    from .i18n import Translator
    from .render import Plan, Rendered, Sink

ASSETS = ("portfolio.js", "portfolio.css", "propose.js")


@dataclass
class Cache:
    """What a long-running caller (`mkdocs serve`) keeps between runs to redo less."""

    pages: PageCache = field(default_factory=dict)
    rendered: dict[object, object] = field(default_factory=dict)


@dataclass
class Build:
    """Everything one run produced."""

    options: Options
    portfolio: Portfolio
    figures: Figures
    problems: Problems
    translator: Translator
    built: dt.datetime
    rendered: Rendered = field(default_factory=lambda: _rendered())


def _rendered() -> Rendered:
    from .render import Rendered

    return Rendered()


def static_sources(asset_dir: str = "assets/portfolio",
                   plotly: bool = True) -> dict[str, Traversable]:
    """Where the plugin's script and style, and plotly.js, are installed, by site path
    (plotly.js not when the site loads another copy: the `plotly_js` option)."""
    files = {f"{asset_dir}/{name}": resources.files("portfolio_plugin") / "assets" / name
             for name in ASSETS}
    if plotly:
        files[f"{asset_dir}/plotly.min.js"] = (resources.files("plotly") / "package_data"
                                               / "plotly.min.js")
    return files


def static_files(asset_dir: str = "assets/portfolio", plotly: bool = True) -> dict[str, bytes]:
    """The plugin's script and style, and plotly.js, by site path."""
    return {uri: source.read_bytes()
            for uri, source in static_sources(asset_dir, plotly).items()}


def check(options: Options, cache: Cache | None = None,
          reader: Reader | None = None) -> tuple[Portfolio, Problems]:
    """Load and validate only: what `portfolio validate` needs (with what the sanitiser
    would take out of each body, where the site sanitises them)."""
    sources = load(options.initiatives_dir, options.data_dir, options.root,
                   cache=cache.pages if cache is not None else None, stream=cache is None,
                   reader=reader, language=options.language)
    portfolio, problems = validate(sources, options.site_name, languages=options.languages)
    if options.sanitise_bodies:
        from .render.body import check_bodies

        problems.extend(check_bodies(portfolio.initiatives, options.markdown_extensions))
    return portfolio, problems


def analyse(options: Options, built: dt.datetime | None = None,
            cache: Cache | None = None, reader: Reader | None = None) -> Build:
    """Load, validate and compute, without rendering pages."""
    from .compute import compute
    from .i18n import Translator

    built = built or build_date()
    portfolio, problems = check(options, cache, reader)
    figures = compute(portfolio, built.date())
    refused: list[Problem] = []
    translator = Translator.for_language(options.language, options.data_dir / "locales",
                                         options.root, refused)
    problems.extend(refused)
    return Build(options, portfolio, figures, problems, translator, built)


def prepare(options: Options, built: dt.datetime | None = None,
            cache: Cache | None = None, reader: Reader | None = None
            ) -> tuple[Build, Plan]:
    """Load, validate and compute, and name every page and file to make (see `Plan`)."""
    from .export.federation import gather
    from .export.feeds import feed_problems
    from .render import plan_site

    build = analyse(options, built, cache, reader)
    build.problems.extend(feed_problems(options))
    # Other portfolios are read at build time only (never by `validate` or `export`).
    federated, federation_problems = gather(options, build.portfolio.info.federation)
    build.problems.extend(federation_problems)
    plan = plan_site(build.portfolio, build.figures, options, build.translator, build.built,
                     extra={"federation": federated},
                     cache=cache.rendered if cache is not None else None)
    return build, plan


def run(options: Options, built: dt.datetime | None = None, with_static: bool = True,
        cache: Cache | None = None, sink: Sink | None = None) -> Build:
    """Load, validate, compute and render every generated page and file.

    With a `sink`, pages and files go to it as they are made (see `render_site`) and
    `Build.rendered` stays empty.
    """
    from .render import make_all

    build, plan = prepare(options, built, cache)
    build.rendered = make_all(plan, sink)
    if with_static:
        for uri, data in static_files(plotly=options.plotly_js is None).items():
            if sink is not None:
                sink(uri, data, None)
            else:
                build.rendered.files[uri] = data
    return build


def write(rendered: Rendered, out: Path) -> list[Path]:
    """Write rendered pages and files under a folder; return what was written."""
    written = []
    for uri, content in sorted(rendered.pages.items()):
        path = out / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    for uri, data in sorted(rendered.files.items()):
        path = out / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written
