"""The MkDocs adapter, through real builds: what is published, what is left out, strictness."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from corpus.special import SECRET, SPECIAL, make

from support import ROOT, VALID, Site

Make = Callable[..., dict[str, Any]]


def mkdocs(root: Path, *args: str, engine: str = "mkdocs",
           timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", engine, "build", "-f", str(root / "mkdocs.yml"),
         "-d", str(root / "out"), *args],
        capture_output=True, text=True, env=env, timeout=timeout, check=False)


def test_a_plain_build_publishes_valid_initiatives_and_lists_invalid_ones(
        site: Site, initiative: Make) -> None:
    site.front("good", initiative(title="Good work"))
    site.page("bad", "---\ntitle: Secret draft\nsummary: s\nfacet: purple-facet\nzone: green\n---\n"
                     "Body of the bad page.\n")
    result = mkdocs(site.root)
    assert result.returncode == 0, result.stderr
    assert (site.root / "out" / "initiatives" / "good" / "index.html").is_file()
    assert not (site.root / "out" / "initiatives" / "bad").exists()
    assert "content/initiatives/bad.md:4:1: error: facet" in result.stderr
    assert "initiatives left out: bad" in result.stderr
    published = "".join(p.read_text(encoding="utf-8", errors="replace")
                        for p in (site.root / "out").rglob("*.html"))
    assert "purple-facet" not in published and "Secret draft" not in published


def test_front_matter_mkdocs_cannot_parse_is_never_printed_on_a_page(site: Site) -> None:
    site.page("broken", "---\ntitle: Leaky\nsummary: [unclosed\nsecret_key: hunter2\n---\nBody\n")
    result = mkdocs(site.root)
    assert result.returncode == 0, result.stderr
    published = "".join(p.read_text(encoding="utf-8", errors="replace")
                        for p in (site.root / "out").rglob("*") if p.is_file()
                        and p.suffix != ".gz")
    assert "hunter2" not in published and "Leaky" not in published


def test_a_strict_build_fails_on_any_problem(site: Site, initiative: Make) -> None:
    site.front("good", initiative())
    site.front("warned", initiative(partnrs=["city"]))
    result = mkdocs(site.root, "--strict")
    assert result.returncode != 0
    assert "partnrs: unknown field" in result.stderr


def test_a_strict_build_of_a_valid_site_passes(site: Site, initiative: Make) -> None:
    site.front("good", initiative(partners=["city", {"id": "acme", "role": "Builds"}]))
    result = mkdocs(site.root, "--strict")
    assert result.returncode == 0, result.stderr
    html = (site.root / "out" / "initiatives" / "good" / "index.html").read_text("utf-8")
    assert "Acme AB" in html and "Builds" in html


def test_initiative_pages_show_facts_above_the_body_and_stories_below(
        site: Site, initiative: Make) -> None:
    site.front("good", initiative(
        title="Harbour ferry", status="paused", start="2021-03", steward="city",
        partners=[{"id": "agency", "role": "Evaluator"}], themes=["energy"],
        mandates=["eu-mission"],
        funding=[{"funder": "agency", "amount": 100, "year": 2024, "currency": "EUR"}],
        zone_history=[{"date": "2021", "zone": "yellow", "note": "First tests"},
                      {"date": "2023-04", "zone": "green"}],
        stories=[{"date": "2023-04-02", "title": "Consortium signed", "kind": "milestone"}]),
        body="THE-BODY-TEXT\n")
    assert mkdocs(site.root).returncode == 0
    html = (site.root / "out" / "initiatives" / "good" / "index.html").read_text("utf-8")
    body = html.index("THE-BODY-TEXT")
    for fact in ("Mission-oriented", "Green zone", "Paused", "March 2021", "The City",
                 "Energy", "EU cities mission", "1,000"):
        assert -1 < html.index(fact) < body, fact
    for after in ("First tests", "Consortium signed", "Milestone", "April 2, 2023"):
        assert html.index(after) > body, after
    # The partners' table is captioned "Partners"; its column names one partner a row.
    table = html[html.index('<table class="pf-table pf-partners">'):]
    table = table[:table.index("</table>")]
    assert "<caption>Partners</caption>" in table
    assert '<th scope="col">Partner</th><th scope="col">Role</th>' in table
    assert "Evaluator" in table and '<th scope="row"><a href="../../portfolio/partners/agency/">' \
        in table


def test_the_sidebar_does_not_list_the_initiatives(site: Site, initiative: Make) -> None:
    for n in range(5):
        site.front(f"item-{n}", initiative(title=f"Unique title {n}"))
    assert mkdocs(site.root).returncode == 0
    home = (site.root / "out" / "index.html").read_text("utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>', home, re.S)
    assert nav is not None and "Unique title" not in nav.group(0)


def nav_links(html: str) -> list[str]:
    """The links of the primary navigation of a built Material page, in order."""
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>',
                    html, re.S)
    assert nav is not None
    return re.findall(r'<a href="([^"]*)" class="md-nav__link', nav.group(0))


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_a_site_without_a_nav_lists_the_portfolio_sections_in_their_order(
        site: Site, initiative: Make, engine: str) -> None:
    site.front("bikes", initiative(title="Bike lanes", partners=["acme"]))
    site.front("sun", initiative(title="Solar roofs"))
    (site.root / "content" / "about.md").write_text("# About\n", encoding="utf-8")
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "  font: false\n", "  font: false\n  features: [navigation.footer]\n"), "utf-8")
    result = mkdocs(site.root, engine=engine)
    assert result.returncode == 0, result.stderr
    out = site.root / "out"
    links = [link for link in nav_links((out / "index.html").read_text("utf-8"))
             if not link.startswith("#")]
    # MkDocs would sort them by name (data, ecosystem, facet-map...): the overview first.
    assert links == [".", "about/", "portfolio/", "portfolio/initiatives/",
                     "portfolio/facet-map/", "portfolio/ecosystem/", "portfolio/leverage/",
                     "portfolio/timeline/", "portfolio/objectives/", "portfolio/mandates/",
                     "portfolio/data/", "portfolio/propose/"]
    # Initiative, partner and listing pages stay out of the sidebar.
    assert not [link for link in links if "bikes" in link or "partners" in link]
    # Previous and next follow the sidebar's order.
    facet_map = (out / "portfolio" / "facet-map" / "index.html").read_text("utf-8")
    assert re.search(r'href="../initiatives/" class="md-footer__link md-footer__link--prev"',
                     facet_map)
    assert re.search(r'href="../ecosystem/" class="md-footer__link md-footer__link--next"',
                     facet_map)


def test_the_portfolio_section_of_a_site_without_a_nav_is_titled_in_its_language(
        site: Site, initiative: Make) -> None:
    site.front("bikes", initiative(title="Cykelbanor"))
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "  font: false\n", "  font: false\n  language: sv\n"), "utf-8")
    assert mkdocs(site.root).returncode == 0
    home = (site.root / "out" / "index.html").read_text("utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>',
                    home, re.S)
    assert nav is not None
    titles = re.findall(r'<span class="md-ellipsis">\s*([^<]*?)\s*</span>', nav.group(0))
    assert "Portfölj" in titles and "Portfolio" not in titles
    assert "Portföljöversikt" in titles


def test_a_site_with_a_nav_lists_only_what_it_names(site: Site, initiative: Make) -> None:
    site.front("bikes", initiative(title="Bike lanes"))
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + textwrap.dedent("""\
        nav:
          - Home: index.md
          - Timeline: portfolio/timeline.md
        """), "utf-8")
    result = mkdocs(site.root)
    assert result.returncode == 0, result.stderr
    links = nav_links((site.root / "out" / "index.html").read_text("utf-8"))
    assert links == [".", "portfolio/timeline/"]
    assert "not included in the \"nav\"" not in result.stderr


def test_a_hostile_title_of_a_hand_written_page_is_escaped_on_every_page(
        site: Site, initiative: Make) -> None:
    site.front("good", initiative())
    (site.root / "content" / "evil.md").write_text(
        '---\ntitle: \'"><img src=x onerror=alert(1)>\'\n---\nText\n', encoding="utf-8")
    assert mkdocs(site.root).returncode == 0
    for page in ("index.html", "evil/index.html", "404.html", "initiatives/good/index.html"):
        html = (site.root / "out" / page).read_text("utf-8")
        assert "<img src=x" not in html, page
        assert "&lt;img src=x onerror=alert(1)&gt;" in html or page == "404.html", page


def test_the_reference_site_builds_strictly() -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
    with_out = ROOT / ".pytest-site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(with_out)], capture_output=True, text=True, env=env, timeout=600,
        check=False)
    try:
        assert result.returncode == 0, result.stderr[-3000:]
        assert len(list((with_out / "initiatives").iterdir())) >= 30
    finally:
        subprocess.run(["rm", "-rf", str(with_out)], check=False)


def test_the_funding_summary_counts_only_funders_of_cash(site: Site, initiative: Make) -> None:
    site.front("good", initiative(funding=[
        {"funder": "agency", "amount": 100, "year": 2024},
        {"funder": "city", "amount": 50, "year": 2024, "kind": "in-kind"}]))
    assert mkdocs(site.root).returncode == 0
    html = (site.root / "out" / "initiatives" / "good" / "index.html").read_text("utf-8")
    assert "SEK\xa0100 in cash from one funder and SEK\xa050 in kind" in html


def test_a_dirty_build_over_an_earlier_one_rebuilds_the_generated_pages(
        site: Site, initiative: Make) -> None:
    site.front("good", initiative(title="First title"))
    assert mkdocs(site.root).returncode == 0
    site.front("good", initiative(title="Second title"))
    result = mkdocs(site.root, "--dirty")
    assert result.returncode == 0, result.stderr
    page = (site.root / "out" / "initiatives" / "good" / "index.html").read_text("utf-8")
    assert "Second title" in page and "First title" not in page


# -- only regular files inside the site are published (tests/corpus/special.py) ------------

def special_site(site: Site) -> dict[str, str]:
    """Each special file as a static file of docs_dir, a page and an initiative page; the
    paths the build must name."""
    site.page("good", VALID)
    named = {}
    for kind in SPECIAL:
        for where in (f"content/{kind}.txt", f"content/{kind}.md",
                      f"content/initiatives/{kind}.md"):
            make(site.root / where, kind)
            named[where] = SPECIAL[kind][1]
    return named


def test_a_build_publishes_no_symlink_leaving_the_site_no_device_and_no_fifo(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: /proc/self/environ was copied into the site (the build's environment), a FIFO
    # hung the build, /dev/zero ate memory.
    monkeypatch.setenv("PORTFOLIO_TEST_SECRET", SECRET)
    named = special_site(site)
    result = mkdocs(site.root, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for where, found in named.items():
        assert f"{where}:1:1: error: " in result.stderr, where
        assert f"found {found})" in result.stderr
        assert result.stderr.count(f"{where}:1:1:") == 1, where  # reported once
    out = site.root / "out"
    assert (out / "initiatives" / "good" / "index.html").is_file()
    published = [p.relative_to(out).as_posix() for p in out.rglob("*")]
    assert not [p for p in published if any(kind in p for kind in SPECIAL)], published
    assert not any(SECRET.encode() in p.read_bytes() for p in out.rglob("*") if p.is_file())
    assert mkdocs(site.root, "--strict", timeout=120).returncode == 1


def test_a_symlink_to_a_file_inside_the_site_is_published(site: Site) -> None:
    site.page("good", VALID)
    (site.root / "notes.txt").write_text("plain notes\n", encoding="utf-8")
    os.symlink("../notes.txt", site.root / "content" / "notes.txt")
    result = mkdocs(site.root, "--strict", timeout=120)
    assert result.returncode == 0, result.stderr
    assert (site.root / "out" / "notes.txt").read_text("utf-8") == "plain notes\n"


@pytest.mark.parametrize(("target", "found"), [
    ("..", "a symlink to .., a folder that contains it"),
    ("../..", "a symlink to ../.., a folder that contains it"),
    ("/", "a symlink to /, a folder outside the site"),
])
def test_a_folder_symlink_mkdocs_cannot_walk_stops_the_build_with_a_located_error(
        site: Site, target: str, found: str) -> None:
    # Before: MkDocs walked the loop 40 folders deep and failed with "OSError: Too many
    # levels of symbolic links" (a traceback); a link to / it walked whole.
    site.page("good", VALID)
    os.symlink(target, site.initiatives / "loop")
    result = mkdocs(site.root, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "content/initiatives/loop:1:1: error: the folder is not read" in result.stderr
    assert f"found {found})" in result.stderr


# -- an interrupted build leaves nothing behind ---------------------------------------------

def test_a_build_interrupted_by_ctrl_c_leaves_no_temporary_folder(
        site: Site, tmp_path: Path) -> None:
    # Before: every Ctrl-C left a /tmp/portfolio-build-* folder (the spool) behind.
    site.page("good", VALID)
    (site.root / "stall.py").write_text(textwrap.dedent("""\
        import pathlib, time
        def on_env(env, config, files):
            pathlib.Path(config.config_file_path).with_name("stalled").touch()
            time.sleep(60)  # interrupted here, with the spool made and the pages in it
        """), encoding="utf-8")
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "hooks: [stall.py]\n", encoding="utf-8")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary), "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config),
         "-d", str(site.root / "out")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (site.root / "stalled").exists():
            assert build.poll() is None and time.monotonic() < deadline, build.stderr
            time.sleep(0.05)
        assert [p.name[:16] for p in ours(temporary)] == ["portfolio-build-"]
        build.send_signal(signal.SIGINT)
        _, stderr = build.communicate(timeout=60)
    finally:
        build.kill()
        build.wait()
    assert build.returncode != 0
    assert ours(temporary) == [], stderr


def ours(temporary: Path) -> list[Path]:
    """The plugin's files and folders in a temporary folder (Jinja keeps a cache there too)."""
    return sorted(p for p in temporary.iterdir() if p.name.startswith("portfolio-"))


FAKE_MKDOCS = """\
#!/bin/bash
# Stands in for MkDocs: empties its site_dir and writes it in place, as MkDocs does; the
# Swedish build is killed halfway through.
config=""; out=""
while [ $# -gt 0 ]; do
  case "$1" in -f) config="$2"; shift ;; -d) out="$2"; shift ;; esac
  shift
done
if [ -z "$out" ]; then out=site; [ "$config" = mkdocs.sv.yml ] && out=site/sv; fi
mkdir -p "$out"
[ "$config" = mkdocs.yml ] && rm -rf "${out:?}"/*
echo "new $config" > "$out/index.html"
if [ "$config" = mkdocs.sv.yml ] && [ -n "${KILL_SWEDISH:-}" ]; then kill -9 $$; fi
exit 0
"""


@pytest.mark.parametrize("killed", [True, False])
def test_dev_sh_build_leaves_the_last_whole_site_or_the_new_one(
        tmp_path: Path, killed: bool) -> None:
    # MkDocs writes site_dir in place: a build killed halfway (SIGKILL) would leave half a
    # site. dev.sh builds into a new folder and moves it into place once it is whole.
    (tmp_path / "dev.sh").write_bytes((ROOT / "dev.sh").read_bytes())
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    for name, text in (("python", "#!/bin/sh\nexit 0\n"), ("mkdocs", FAKE_MKDOCS)):
        (venv / name).write_text(text, encoding="utf-8")
        (venv / name).chmod(0o755)
    stamp = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    (tmp_path / ".venv" / f".installed-{stamp}").touch()
    (tmp_path / "site" / "sv").mkdir(parents=True)
    (tmp_path / "site" / "index.html").write_text("old\n", encoding="utf-8")
    (tmp_path / "site" / "sv" / "index.html").write_text("old\n", encoding="utf-8")
    env = {**os.environ, "KILL_SWEDISH": "1" if killed else ""}
    result = subprocess.run(["bash", "dev.sh", "build"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    pages = [(tmp_path / "site" / page).read_text("utf-8")
             for page in ("index.html", "sv/index.html")]
    if killed:
        assert result.returncode != 0
        assert pages == ["old\n", "old\n"]
    else:
        assert result.returncode == 0, result.stderr
        assert pages == ["new mkdocs.yml\n", "new mkdocs.sv.yml\n"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".venv", "dev.sh", "pyproject.toml", "site"]


@pytest.mark.parametrize("option", ["initiatives", "initiatives_source", "site_data", "output",
                                    "exports", "language", "page_size", "parallel",
                                    "sanitise_bodies"])
def test_every_option_the_readme_names_is_a_known_plugin_option(option: str) -> None:
    from portfolio_plugin.adapter.plugin import PortfolioPlugin

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{option}`" in readme
    value = {"page_size": 50, "parallel": False, "sanitise_bodies": False}.get(option, "x")
    errors, warnings = PortfolioPlugin().load_config({option: value})
    assert errors == [] and warnings == [], (errors, warnings)
