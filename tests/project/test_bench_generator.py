"""The benchmark's generator writes portfolios the plugin accepts without a single problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from portfolio_plugin.model import FundingKind, StoryKind
from portfolio_plugin.options import plugin_settings, read_config
from portfolio_plugin.pipeline import check

from support import bench

generate = bench("generate")


def test_twenty_generated_initiatives_validate_with_zero_problems(tmp_path: Path) -> None:
    site = generate.generate(20, tmp_path / "site", seed=3)
    portfolio, problems = check(read_config(site / "mkdocs.yml"))
    assert [str(p) for p in problems.items] == []
    assert len(portfolio.initiatives) == 20
    assert portfolio.left_out == ()
    # The partner pool has at least 20 partners; money comes in SEK, EUR and in kind.
    assert len(portfolio.partners) >= 20
    assert any(f.kind is FundingKind.IN_KIND for i in portfolio.initiatives for f in i.funding)
    assert any(f.money.currency == "EUR" for i in portfolio.initiatives for f in i.funding)
    kinds = {s.kind for i in portfolio.initiatives for s in i.stories}
    assert StoryKind.CRITICAL_EVENT in kinds and len(kinds) >= 3


def test_bodies_have_between_200_and_400_words_and_headings(tmp_path: Path) -> None:
    site = generate.generate(5, tmp_path / "site", seed=1)
    for page in (site / "content" / "initiatives").glob("*.md"):
        body = page.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        lines = body.splitlines()
        words = sum(len(line.split()) for line in lines if not line.startswith("## "))
        assert sum(line.startswith("## ") for line in lines) >= 2, page.name
        assert 200 <= words <= 400, page.name


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first = generate.generate(8, tmp_path / "a", seed=11)
    second = generate.generate(8, tmp_path / "b", seed=11)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_plain_configuration_is_the_same_site_without_the_plugin(tmp_path: Path) -> None:
    site = generate.generate(3, tmp_path / "site")
    with_plugin = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    plain = yaml.safe_load((site / generate.PLAIN_CONFIG).read_text(encoding="utf-8"))
    assert plugin_settings(with_plugin["plugins"]) == {}
    assert plugin_settings(plain["plugins"]) is None
    assert plain["plugins"] == ["search"]
    assert {k: v for k, v in plain.items() if k != "plugins"} == \
        {k: v for k, v in with_plugin.items() if k != "plugins"}
    # The nav never lists initiatives.
    assert "initiatives" not in yaml.safe_dump(with_plugin["nav"])


def test_a_folder_the_generator_did_not_make_is_never_emptied(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate.generate(2, tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_partners_per_initiative_sets_the_size_of_the_partner_pool(tmp_path: Path) -> None:
    default = generate.generate(150, tmp_path / "default", seed=2)
    many = generate.generate(150, tmp_path / "many", seed=2, partners=1.0)
    sizes = [len(yaml.safe_load((site / "site_data" / "partners.yml").read_text("utf-8")))
             for site in (default, many)]
    assert sizes == [30, 150]
    portfolio, problems = check(read_config(many / "mkdocs.yml"))
    assert problems.errors == [] and len(portfolio.initiatives) == 150
    with pytest.raises(ValueError):
        generate.generate(5, tmp_path / "none", partners=0)


def test_a_given_site_gets_a_plain_twin_without_the_portfolio_plugin(tmp_path: Path) -> None:
    run = bench("run")
    site = generate.generate(3, tmp_path / "site")
    (site / generate.PLAIN_CONFIG).unlink()
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    (site / "mkdocs.yml").write_text(config.replace(
        "  - portfolio\n", "  - portfolio:\n      page_size: 50\n  - tags\n"), encoding="utf-8")
    plain = run.plain_config(site)
    twin = yaml.safe_load(plain.read_text(encoding="utf-8"))
    assert twin == {"INHERIT": "mkdocs.yml", "plugins": ["search", "tags"]}
    # MkDocs reads it as the whole site, but for the plugin.
    from mkdocs.config import load_config

    loaded = load_config(str(plain))
    assert [name.split("/")[-1] for name in loaded.plugins] == ["search", "tags"]
    assert loaded.site_name == yaml.safe_load(config)["site_name"]
    # A site's own plain configuration is used as it is.
    plain.write_text("INHERIT: mkdocs.yml\nplugins: [search]\n", encoding="utf-8")
    assert run.plain_config(site).read_text(encoding="utf-8").endswith("[search]\n")


def test_plugins_given_through_tags_stop_the_runner_with_a_message(tmp_path: Path) -> None:
    run = bench("run")
    site = tmp_path / "site"
    site.mkdir()
    (site / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - search:\n      enabled: !ENV [SEARCH, true]\n"
        "  - portfolio\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="use tags"):
        run.plain_config(site)
    assert not (site / generate.PLAIN_CONFIG).exists()
