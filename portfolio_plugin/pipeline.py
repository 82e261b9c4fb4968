"""The whole pipeline in one call: load -> validate -> compute -> render.

The MkDocs adapter and the CLI both call `run`; neither repeats any of its steps.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib.util
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .load import GivenPages, PageCache, Reader, load
from .model import Initiative, Portfolio
from .options import Options, build_date
from .problems import Problem, Problems
from .validate import CheckMemo, validate

if TYPE_CHECKING:  # imported where used: `portfolio validate` needs none of them
    from .compute import Figures
    from .i18n import Translator
    from .render import Plan, Rendered, Sink

ASSETS = ("portfolio.js", "portfolio.css", "propose.js")


@dataclass(frozen=True)
class Made:
    """What a run named, and from what: the next run's `preview` compares with it."""

    # Everything but the initiative pages (see `_inputs`).
    inputs: tuple[object, ...]
    initiatives: dict[str, Initiative]
    left_out: tuple[str, ...]
    uris: list[str]
    # Problems found beside the portfolio's own (the feeds', other portfolios').
    others: tuple[Problem, ...]
    # Whether the run made every item (not a preview's few).
    whole: bool


@dataclass
class Cache:
    """What a long-running caller (`mkdocs serve`) keeps between runs to redo less."""

    pages: PageCache = field(default_factory=dict)
    rendered: dict[object, object] = field(default_factory=dict)
    checked: CheckMemo = field(default_factory=dict)
    # Each body's problems (sanitiser's removals), by initiative path: (initiative, Markdown
    # extensions, problems).
    bodies: dict[str, tuple[Initiative, tuple[str, ...], list[Problem]]] = \
        field(default_factory=dict)
    # The words of the last run (what it collated and formatted kept), and what they read.
    words: tuple[object, Translator, tuple[Problem, ...]] | None = None
    last: Made | None = None
    # Whether what the last run made reached the engine whole (see `published`).
    reached: bool = False

    def published(self) -> None:
        """The caller has everything the last run made (it may `preview` next)."""
        self.reached = True


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
        files[f"{asset_dir}/plotly.min.js"] = _plotly_folder() / "package_data" / "plotly.min.js"
    return files


def _plotly_folder() -> Path:
    """Where the plotly package is installed, found without importing it (which costs the
    build's process 5 MB, for a file it only copies)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("plotly.js comes with the plotly package, which is missing")
    return Path(spec.submodule_search_locations[0])


def static_files(asset_dir: str = "assets/portfolio", plotly: bool = True) -> dict[str, bytes]:
    """The plugin's script and style, and plotly.js, by site path."""
    return {uri: source.read_bytes()
            for uri, source in static_sources(asset_dir, plotly).items()}


def check(options: Options, cache: Cache | None = None,
          reader: Reader | None = None) -> tuple[Portfolio, Problems]:
    """Load and validate only: what `portfolio validate` needs (with what the sanitiser
    would take out of each body, where the site sanitises them)."""
    with uncollected():
        return _check(options, cache, reader)


@contextmanager
def uncollected() -> Iterator[None]:
    """Reading and checking make objects that live on, and next to no garbage: the garbage
    collector would walk the growing portfolio again and again for nothing (a tenth of
    `portfolio validate` at 20,000 initiatives)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _check(options: Options, cache: Cache | None,
           reader: Reader | None) -> tuple[Portfolio, Problems]:
    sources = load(options.initiatives_dir, options.data_dir, options.root,
                   cache=cache.pages if cache is not None else None, stream=cache is None,
                   reader=reader, language=options.language)
    # `site_data/` checked where the pages were read, if they were (`GivenPages`).
    site = reader.site if isinstance(reader, GivenPages) else None
    portfolio, problems = validate(sources, options.site_name, languages=options.languages,
                                   memo=cache.checked if cache is not None else None,
                                   site=site)
    if options.sanitise_bodies:
        from .render.body import body_problems

        extensions = tuple(options.markdown_extensions)
        known = cache.bodies if cache is not None else {}
        for i in portfolio.initiatives:
            found = known.get(i.path)
            if found is None or found[0] is not i or found[1] != extensions:
                found = known[i.path] = (i, extensions, body_problems(i, extensions))
            problems.extend(found[2])
    return portfolio, problems


def analyse(options: Options, built: dt.datetime | None = None,
            cache: Cache | None = None, reader: Reader | None = None,
            later: bool = False) -> Build:
    """Load, validate and compute, without rendering pages (`later`: the figures computed
    only if something asks for them)."""
    from .compute import compute

    built = built or build_date()
    portfolio, problems = check(options, cache, reader)
    figures = cast("Figures", _Later(partial(compute, portfolio, built.date()))) if later \
        else compute(portfolio, built.date())
    translator, refused = _words(options, cache)
    problems.extend(refused)
    return Build(options, portfolio, figures, problems, translator, built)


class _Later:
    """What a function makes, made when first asked for (a preview's pages use no figures:
    they are not computed for it)."""

    def __init__(self, make: Callable[[], object]) -> None:
        self._make: Callable[[], object] | None = make
        self._made: object = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_make", "_made"):
            raise AttributeError(name)  # (not made yet: a copy or pickle asks for these)
        if self._make is not None:
            self._made, self._make = self._make(), None
        return getattr(self._made, name)


def _words(options: Options, cache: Cache | None) -> tuple[Translator, tuple[Problem, ...]]:
    """The words of the site's language, and what could not be read of its locales; those
    of the last run while the locales are as they were (with what it collated and
    formatted: the titles of thousands of initiatives are not collated again)."""
    from .i18n import Translator

    locales = options.data_dir / "locales"
    key = (options.language, options.root, _stats(locales))
    if cache is not None and cache.words is not None and cache.words[0] == key:
        return cache.words[1], cache.words[2]
    refused: list[Problem] = []
    translator = Translator.for_language(options.language, locales, options.root, refused)
    if cache is not None:
        cache.words = (key, translator, tuple(refused))
    return translator, tuple(refused)


def prepare(options: Options, built: dt.datetime | None = None,
            cache: Cache | None = None, reader: Reader | None = None
            ) -> tuple[Build, Plan]:
    """Load, validate and compute, and name every page and file to make (see `Plan`)."""
    from .export.federation import gather
    from .export.feeds import feed_problems
    from .render import plan_site

    built = built or build_date()
    inputs = _inputs(options, built) if cache is not None else ()
    build = analyse(options, built, cache, reader)
    others = feed_problems(options)
    # Other portfolios are read at build time only (never by `validate` or `export`).
    federated, federation_problems = gather(options, build.portfolio.info.federation)
    others.extend(federation_problems)
    build.problems.extend(others)
    plan = plan_site(build.portfolio, build.figures, options, build.translator, build.built,
                     extra={"federation": federated},
                     cache=cache.rendered if cache is not None else None)
    if cache is not None:
        cache.last = _made(build.portfolio, inputs, plan.uris(), tuple(others), whole=True)
        cache.reached = False
    return build, plan


def preview(options: Options, built: dt.datetime, cache: Cache) -> tuple[Build, Plan] | None:
    """After an edit of initiative pages only, what shows them first-hand (`plan_preview`)
    among the items of the last run, which are kept as it made them; None where this run
    must make every item: no whole run before it (or it did not reach the engine),
    `site_data/` or the options changed, or an initiative came, went or was left out.

    The engine shows the edit at once, and runs `prepare` next for the rest of the site.
    """
    from .render import plan_preview, with_kept

    last = cache.last
    if last is None or not last.whole or not cache.reached:
        return None
    inputs = _inputs(options, built)
    if inputs != last.inputs:
        return None
    build = analyse(options, built, cache, later=True)
    portfolio = build.portfolio
    if portfolio.left_out != last.left_out \
            or [i.slug for i in portfolio.initiatives] != list(last.initiatives):
        return None
    changed = [i.slug for i in portfolio.initiatives
               if last.initiatives[i.slug] is not i and last.initiatives[i.slug] != i]
    build.problems.extend(last.others)
    plan = plan_preview(portfolio, build.figures, options, build.translator, built,
                        changed, cache.rendered) if changed else None
    if plan is None:  # nothing the plugin shows changed: the last run stays whole
        return build, with_kept(_empty(build), last.uris)
    cache.last = _made(portfolio, inputs, last.uris, last.others, whole=False)
    cache.reached = False
    return build, with_kept(plan, last.uris)


def _inputs(options: Options, built: dt.datetime) -> tuple[object, ...]:
    """What a run depends on besides the initiative pages: the options, the build's time
    and each file of `site_data/` (its locales too), by size and modification time."""
    return (options, built, _stats(options.data_dir))


def _stats(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Each file under a folder, by size and modification time."""
    stats = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        try:
            stat = path.stat()
        except OSError:
            continue
        stats.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stats)


def _made(portfolio: Portfolio, inputs: tuple[object, ...], uris: list[str],
          others: tuple[Problem, ...], whole: bool) -> Made:
    return Made(inputs, {i.slug: i for i in portfolio.initiatives}, portfolio.left_out, uris,
                others, whole)


def _empty(build: Build) -> Plan:
    from .render import Plan, Renderer

    return Plan(Renderer(build.portfolio, build.figures, build.options, build.translator,
                         build.built), [])


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
