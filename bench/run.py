"""The build benchmark: the portfolio plugin against plain Material on the same pages.

    python bench/run.py [--sizes 100 1000 5000] [--repeats 3] [--out bench/out]
                        [--partners 0.2] [--site FOLDER ...]

For each size it generates one portfolio (`bench/generate.py`, with `--partners` partners per
initiative), or it takes each portfolio site given with `--site` (a folder whose `mkdocs.yml`
uses the plugin; see `plain_config` for its plain twin). It builds each with the plugin
and without it (the same `content/`, `mkdocs-plain.yml`), alternating plugin, plain, plugin,
plain..., each build in a fresh Python process (`python -m mkdocs build -q`). It measures the
wall time of each build, its CPU time, its peak memory (the largest process's, and all its
processes' together: the plugin forks workers), the size of the
built site, the time of `portfolio validate`, and the weight (HTML + chart data) of the
overview, facet-map and timeline pages. It prints medians as a Markdown table, checks the
budgets of issue 7, and writes every measurement to `<out>/results.json`.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import itertools
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import PARTNERS_PER_INITIATIVE, PLAIN_CONFIG, generate  # noqa: E402

MODES = ("plugin", "plain")
# The pages whose weight has a budget, by their path in the built site.
WEIGHED_PAGES = {
    "overview": "portfolio/index.html",
    "facet-map": "portfolio/facet-map/index.html",
    "timeline": "portfolio/timeline/index.html",
}
BUDGET_RATIO = 1.2            # plugin build time / plain build time, at 1,000 and more
BUDGET_MEMORY_RATIO = 1.5     # plugin peak memory / plain peak memory
BUDGET_VALIDATE_S = 3.0       # `portfolio validate` at 5,000 initiatives
BUDGET_PAGE_KB = 300.0        # each weighed page at 1,000 initiatives
BUDGET_EXPONENT = 1.15        # growth exponent of build time between sizes (1 = linear)

# Runs in the child: `python -m mkdocs ...` exactly, then reports into a file its peak
# memory (ru_maxrss, KiB on Linux) and that of the largest worker process it started (the
# plugin's workers, reaped by the build), its CPU time and its workers', and its in-process
# time. (RUSAGE_CHILDREN in the parent would mix every child the parent ever waited for.)
CHILD = """\
import json, resource, runpy, sys, time
report, sys.argv = sys.argv[1], ["mkdocs"] + sys.argv[2:]
started = time.perf_counter()
code = 0
try:
    runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
seconds = time.perf_counter() - started
own = resource.getrusage(resource.RUSAGE_SELF)
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(report, "w") as out:
    json.dump({"code": code, "seconds": seconds, "maxrss_kib": own.ru_maxrss,
               "workers_maxrss_kib": workers.ru_maxrss,
               "cpu_seconds": own.ru_utime + own.ru_stime + workers.ru_utime
               + workers.ru_stime}, out)
sys.exit(code)
"""
# How often a memory build reads the memory of its processes (each read costs the kernel
# about 1 ms a process: timed builds are never sampled).
SAMPLE_S = 0.02


@dataclass
class Build:
    """One measured build."""

    size: int
    mode: str
    repeat: int
    wall_s: float
    inner_s: float
    cpu_s: float
    peak_mb: float      # the largest process's peak resident memory (as time(1) shows it)
    total_mb: float     # the peak of all the build's processes together (sum of their PSS)
    site_mb: float
    files: int


@dataclass
class SizeResult:
    """Everything measured at one size."""

    size: int
    builds: list[Build] = field(default_factory=list)
    validate_s: list[float] = field(default_factory=list)
    pages_kb: dict[str, float | None] = field(default_factory=dict)

    def median(self, mode: str, attr: str) -> float:
        return float(statistics.median(getattr(b, attr) for b in self.builds
                                       if b.mode == mode))


def folder_size(path: Path) -> tuple[int, int]:
    """Bytes and number of files under a folder (apparent sizes, as a host would serve)."""
    total = count = 0
    for root, _, names in os.walk(path):
        for name in names:
            total += os.path.getsize(os.path.join(root, name))
            count += 1
    return total, count


# JSON a page loads itself (`src`, or `data-*` read by the site script); an `href` such as
# the JSON Feed's discovery link is only fetched if someone follows it, so it is not counted;
# nor is a chart's figure published apart (`data-pf-chart-src`): it is fetched only when the
# reader explores the chart (DESIGN: "a chart page is light before the reader touches it").
_LOCAL_JSON = re.compile(r'(?:\ssrc|\sdata-(?!pf-chart-src=)[\w-]+)="([^"#?:]+\.json)"')


def page_weight(site: Path, page: str) -> float | None:
    """KB (1,000 bytes) of a page's HTML plus any local JSON it loads (chart data).

    Shared files every page has anyway (plotly.js, the site script and style, Material's
    assets) are not counted: they are fetched once and cached.
    """
    path = site / page
    if not path.is_file():
        return None
    html = path.read_text(encoding="utf-8", errors="replace")
    total = len(html.encode("utf-8"))
    for target in sorted(set(_LOCAL_JSON.findall(html))):
        data = (path.parent / target).resolve()
        if data.is_file() and site.resolve() in data.parents:
            total += data.stat().st_size
    return total / 1000


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc)."""
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                for child in children.read().split():
                    found.extend(process_tree(int(child)))
    except OSError:
        pass
    return found


def proportional_kib(pid: int) -> int:
    """A process's proportional set size (PSS, KiB): its own pages, plus its share of the
    pages it shares with others (such as a forked worker's unchanged copy of its parent)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def build(python: str, config: Path, out: Path, report: Path, sample: bool = False
          ) -> tuple[float, dict[str, Any], float]:
    """Build once in a fresh process: the wall time, what the child reported, and (if asked
    to `sample`) the peak of the memory of all its processes together (MB, read every
    SAMPLE_S; else 0)."""
    if out.exists():
        shutil.rmtree(out)
    command = [python, "-c", CHILD, str(report), "build", "-q", "-f", str(config), "-d", str(out)]
    started = time.perf_counter()
    peak_kib = 0
    with subprocess.Popen(command, cwd=config.parent, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT) as process:
        while sample and process.poll() is None:
            peak_kib = max(peak_kib, sum(proportional_kib(pid)
                                         for pid in process_tree(process.pid)))
            time.sleep(SAMPLE_S)
        output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
        process.wait()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        sys.stderr.write(output)
        raise SystemExit(f"run: the build of {config} failed (exit {process.returncode})")
    child: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return wall, child, peak_kib * 1024 / 1e6


def validate_time(python: str, config: Path) -> float:
    """Wall time of `portfolio validate` (a fresh process, as a user runs it)."""
    command = [python, "-m", "portfolio_plugin.cli", "-f", str(config), "validate"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=config.parent, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:  # timed all the same: a portfolio with errors is read whole
        last = (done.stdout.strip().splitlines() or [done.stderr.strip()[-300:]])[-1]
        print(f"  portfolio validate reports errors in {config}: {last}", flush=True)
    return seconds


class Tagged:
    """A value `mkdocs.yml` gives through one of MkDocs' tags (`!ENV`, `!relative`)."""

    def __repr__(self) -> str:
        return "<tagged>"


class Tolerant(yaml.SafeLoader):
    """Reads MkDocs' tagged values as `Tagged`."""


Tolerant.add_multi_constructor("!", lambda loader, suffix, node: Tagged())


def plain_config(site: Path) -> Path:
    """The plain twin of a given site's `mkdocs.yml`: its own `mkdocs-plain.yml` if it has
    one, else one written beside it that inherits everything but the portfolio plugin."""
    plain = site / PLAIN_CONFIG
    if plain.exists():
        return plain
    source = site / "mkdocs.yml"
    config = yaml.load(source.read_text(encoding="utf-8"), Tolerant)
    plugins = config.get("plugins") if isinstance(config, dict) else None
    # Written as a list, which replaces the inherited one whichever form that has.
    entries = ([{k: v} if v else k for k, v in plugins.items()] if isinstance(plugins, dict)
               else plugins)
    if not isinstance(entries, list):
        raise SystemExit(f"run: {source} names no plugins; write {plain} for the plain build")
    kept = [p for p in entries
            if str(next(iter(p), "") if isinstance(p, dict) else p).split(" #")[0]
            != "portfolio"]
    if "<tagged>" in repr(kept):
        raise SystemExit(f"run: the plugins of {source} use tags; write {plain} for the "
                         "plain build")
    plain.write_text(yaml.safe_dump({"INHERIT": "mkdocs.yml", "plugins": kept},
                                    allow_unicode=True, sort_keys=False), encoding="utf-8")
    return plain


def initiative_count(python: str, config: Path) -> int:
    """How many initiative pages a site has, as the plugin finds them."""
    code = ("import sys; from pathlib import Path; "
            "from portfolio_plugin.options import read_config; "
            "from portfolio_plugin.load import initiative_files; "
            "print(len(initiative_files(read_config(Path(sys.argv[1])).initiatives_dir)))")
    done = subprocess.run([python, "-c", code, str(config)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"run: cannot read the portfolio options of {config}")
    return int(done.stdout.strip())


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE,
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "portfolio_plugin"],
                               cwd=HERE, capture_output=True, text=True, check=True).stdout
        info["commit"] = commit + (" + uncommitted plugin changes" if dirty.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        info["commit"] = None
    for package in ("mkdocs", "mkdocs-material", "portfolio-plugin", "plotly", "markdown"):
        try:
            info[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            info[package] = None
    return info


def exponent(small: float, large: float, n_small: int, n_large: int) -> float:
    """The growth exponent between two sizes: 1 is linear, 2 quadratic."""
    return math.log(large / small) / math.log(n_large / n_small)


def fmt(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def table(results: list[SizeResult]) -> str:
    """The medians as a Markdown table."""
    head = ("| initiatives | plugin s | plain s | ratio | CPU ratio | plugin MB | plain MB "
            "| mem ratio | all processes MB plugin/plain | ratio "
            "| site MB plugin/plain | validate s | overview KB | facet-map KB | timeline KB |")
    lines = [head, "|" + "---:|" * head.count(" | ") + "---:|"]
    for r in results:
        plugin, plain = r.median("plugin", "wall_s"), r.median("plain", "wall_s")
        mem_plugin, mem_plain = r.median("plugin", "peak_mb"), r.median("plain", "peak_mb")
        lines.append(
            f"| {r.size:,} | {plugin:.2f} | {plain:.2f} | {plugin / plain:.2f} "
            f"| {r.median('plugin', 'cpu_s') / r.median('plain', 'cpu_s'):.2f} "
            f"| {mem_plugin:.0f} | {mem_plain:.0f} | {mem_plugin / mem_plain:.2f} "
            f"| {r.median('plugin', 'total_mb'):.0f} / {r.median('plain', 'total_mb'):.0f} "
            f"| {r.median('plugin', 'total_mb') / r.median('plain', 'total_mb'):.2f} "
            f"| {r.median('plugin', 'site_mb'):.1f} / {r.median('plain', 'site_mb'):.1f} "
            f"| {statistics.median(r.validate_s):.2f} "
            + " ".join(f"| {fmt(r.pages_kb.get(name))}" for name in WEIGHED_PAGES) + " |")
    return "\n".join(lines)


def budgets(results: list[SizeResult]) -> list[tuple[str, bool | None, str]]:
    """Each budget of issue 7: (what, met or None if not measured here, the figures)."""
    checks: list[tuple[str, bool | None, str]] = []
    for r in results:
        ratio = r.median("plugin", "wall_s") / r.median("plain", "wall_s")
        if r.size >= 1000:
            checks.append((f"build time ratio at {r.size:,} <= {BUDGET_RATIO}",
                           ratio <= BUDGET_RATIO, f"{ratio:.2f}"))
        for attr, what in (("peak_mb", "largest process"), ("total_mb", "all processes")):
            memory = r.median("plugin", attr) / r.median("plain", attr)
            checks.append((f"peak memory ratio ({what}) at {r.size:,} <= {BUDGET_MEMORY_RATIO}",
                           memory <= BUDGET_MEMORY_RATIO, f"{memory:.2f}"))
        if r.size >= 5000:
            seconds = statistics.median(r.validate_s)
            checks.append((f"portfolio validate at {r.size:,} < {BUDGET_VALIDATE_S:.0f} s",
                           seconds < BUDGET_VALIDATE_S, f"{seconds:.2f} s"))
        if r.size == 1000:
            for name, kb in r.pages_kb.items():
                checks.append((f"{name} page at 1,000 < {BUDGET_PAGE_KB:.0f} KB",
                               None if kb is None else kb < BUDGET_PAGE_KB,
                               "page not built" if kb is None else f"{kb:.1f} KB"))
    ordered = sorted(results, key=lambda r: r.size)
    for small, large in itertools.pairwise(ordered):
        for mode in MODES:
            for attr, what in (("wall_s", "wall time"), ("cpu_s", "CPU time")):
                k = exponent(small.median(mode, attr), large.median(mode, attr),
                             small.size, large.size)
                budget = mode == "plugin" and attr == "wall_s"
                checks.append((f"{mode} {what} growth {small.size:,} -> {large.size:,}: "
                               f"exponent{f' <= {BUDGET_EXPONENT}' if budget else ''} "
                               "(1 = linear)", k <= BUDGET_EXPONENT if budget else None,
                               f"{k:.2f}"))
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--repeats", type=int, default=3, help="builds per mode and size")
    parser.add_argument("--out", type=Path, default=HERE / "out",
                        help="folder for the portfolios, the builds and results.json")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--partners", type=float, default=PARTNERS_PER_INITIATIVE,
                        help="partners per initiative of the generated portfolios (default "
                             f"{PARTNERS_PER_INITIATIVE}); each partner has a page")
    parser.add_argument("--site", type=Path, action="append", default=[],
                        help="a portfolio site to measure instead of generated ones: a folder "
                             "whose mkdocs.yml uses the plugin (repeat for more)")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter that has mkdocs and the plugin installed")
    parser.add_argument("--generate-only", action="store_true",
                        help="generate the portfolios and stop")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    # (initiatives, plugin configuration, plain configuration, name of its builds)
    sites: list[tuple[int, Path, Path, str]] = []
    for number, given in enumerate(args.site, 1):
        site = given.resolve()
        if not (site / "mkdocs.yml").is_file():
            raise SystemExit(f"run: {site} has no mkdocs.yml")
        size = initiative_count(args.python, site / "mkdocs.yml")
        sites.append((size, site / "mkdocs.yml", plain_config(site), f"site{number}"))
        print(f"site {site}: {size:,} initiatives", flush=True)
    for size in args.sizes if not args.site else []:
        started = time.perf_counter()
        site = generate(size, out / "portfolios" / str(size), args.seed,
                        partners=args.partners)
        count = len(list((site / "content" / "initiatives").glob("*.md")))
        print(f"generated {count:,} initiatives in {time.perf_counter() - started:.1f} s: "
              f"{site}", flush=True)
        sites.append((size, site / "mkdocs.yml", site / PLAIN_CONFIG, str(size)))
    if args.generate_only:
        return 0

    # The plugin as an ordinary installation has it: compiled to bytecode beforehand (an
    # editable install under PYTHONDONTWRITEBYTECODE would compile it in every build).
    subprocess.run([args.python, "-m", "compileall", "-q", str(HERE.parent / "portfolio_plugin")],
                   check=False)
    info = machine()
    print(f"machine: {info.get('cpus')} CPUs, {info.get('ram_gb')} GB RAM, Python "
          f"{info['python']}, mkdocs {info['mkdocs']}, material {info['mkdocs-material']}, "
          f"load {info['load_average']}", flush=True)
    results = []
    for size, plugin_config, plain, name in sites:
        result = SizeResult(size)
        configs = {"plugin": plugin_config, "plain": plain}
        for repeat in range(args.repeats):
            for mode in MODES:
                target = out / "sites" / f"{name}-{mode}"
                told = out / f"child-{name}-{mode}.json"
                # Timed alone; then built again while its memory is read (which costs CPU).
                wall, child, _ = build(args.python, configs[mode], target, told)
                _, _, total_mb = build(args.python, configs[mode], target, told, sample=True)
                size_bytes, files = folder_size(target)
                largest = max(child["maxrss_kib"], child["workers_maxrss_kib"])
                measured = Build(size, mode, repeat, wall, child["seconds"],
                                 child["cpu_seconds"], largest * 1024 / 1e6, total_mb,
                                 size_bytes / 1e6, files)
                result.builds.append(measured)
                print(f"  {size:>6,} {mode:<6} #{repeat + 1}: {wall:6.2f} s wall, "
                      f"{measured.cpu_s:6.2f} s CPU, {measured.peak_mb:5.0f} MB largest "
                      f"process, {measured.total_mb:5.0f} MB all processes, "
                      f"{measured.site_mb:6.1f} MB site, {files:,} files", flush=True)
            result.validate_s.append(validate_time(args.python, configs["plugin"]))
            print(f"  {size:>6,} validate #{repeat + 1}: {result.validate_s[-1]:.2f} s",
                  flush=True)
        result.pages_kb = {what: page_weight(out / "sites" / f"{name}-plugin", page)
                           for what, page in WEIGHED_PAGES.items()}
        results.append(result)

    print()
    print(table(results))
    print()
    for what, met, figures in budgets(results):
        mark = {True: "met", False: "MISSED", None: "info"}[met]
        print(f"[{mark:>6}] {what}: {figures}")
    info["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    report = {
        "machine": info, "repeats": args.repeats, "seed": args.seed,
        "partners_per_initiative": None if args.site else args.partners,
        "sites": [str(site) for site in args.site],
        "table": table(results),
        "budgets": [{"budget": w, "met": m, "figures": f} for w, m, f in budgets(results)],
        "sizes": [{"size": r.size, "builds": [asdict(b) for b in r.builds],
                   "validate_s": r.validate_s, "pages_kb": r.pages_kb} for r in results],
    }
    (out / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nwrote {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
