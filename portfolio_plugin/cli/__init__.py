"""The `portfolio` command: validate, schema, new, export, generate, import.

It reads the same `mkdocs.yml` as the plugin (`-f`), and runs the same pipeline.
No traceback reaches the user: problems are reported, unexpected failures are summarised.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ..load import display_path
from ..options import ConfigError, Options, read_config
from ..problems import Problem, Severity, format_problems
from .generate import ENGINES


def _options(args: argparse.Namespace) -> Options:
    return read_config(Path(args.config_file))


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every initiative and data file; exit 1 on errors (or warnings with --strict).
    Texts not given in every language of the site are information: counted, and listed
    with --verbose."""
    from ..pipeline import uncollected

    # The collector stays off until the portfolio is let go: else, turned on again after
    # the check, it walks all of it once more before anything is printed (0.25 s of 9 at
    # 20,000 initiatives).
    with uncollected():
        return _validate(args)


def _validate(args: argparse.Namespace) -> int:
    from ..pipeline import check

    options = _options(args)
    portfolio, problems = check(options)
    languages = options.languages.site
    untranslated = portfolio.untranslated()
    items = problems.sorted()
    if args.verbose:
        items += [Problem(u.path, u.line, u.column, u.field,
                          "not translated into " + ", ".join(u.missing), Severity.INFO,
                          expected="a text in every language of the site: "
                                   + ", ".join(languages))
                  for u in sorted(untranslated, key=lambda u: (u.path, u.line, u.column))]
    if items:
        print(format_problems(items, args.format))
    elif args.format == "json":
        print("[]")
    if args.format == "text":
        errors, warnings = problems.totals()
        print(f"{len(portfolio.initiatives)} initiative(s) valid, "
              f"{len(portfolio.left_out)} left out; {errors} error(s), "
              f"{warnings} warning(s)", file=sys.stderr)
        if len(languages) > 1 or untranslated:
            counts = ", ".join(f"{sum(code in u.missing for u in untranslated)} not in {code}"
                               for code in languages)
            hint = " (portfolio validate --verbose lists them)" \
                if untranslated and not args.verbose else ""
            print(f"texts not translated: {counts}{hint}", file=sys.stderr)
    failed = bool(problems.errors) or (args.strict and bool(problems.warnings))
    return 1 if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print a JSON Schema (initiative front-matter by default)."""
    from ..validate.contract import SCHEMAS

    print(json.dumps(SCHEMAS[args.which](), indent=2, ensure_ascii=False))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """Write a new initiative page with every field present and explained."""
    from .scaffold import new_initiative

    options = _options(args)
    path = new_initiative(options, args.title, force=args.force)
    print(f"wrote {display_path(path, options.root)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the open data files without building the site."""
    from ..export import export_files, feed_problems
    from ..pipeline import analyse, write
    from ..render import Rendered

    options = _options(args)
    build = analyse(options)
    build.problems.extend(feed_problems(options))
    files = export_files(build.portfolio, build.figures, options, build.translator, build.built)
    out = Path(args.out)
    prefix = options.exports.strip("/") + "/"
    written = write(Rendered(files={k.removeprefix(prefix): v for k, v in files.items()}), out)
    for problem in build.problems.sorted():
        print(str(problem), file=sys.stderr)
    print(f"wrote {len(written)} file(s) to {out}")
    return 1 if build.problems.errors and args.strict else 0


def cmd_generate(args: argparse.Namespace) -> int:
    """Write the whole site as a folder that an engine without plugins builds as is."""
    from .generate import generate

    out = Path(args.out)
    count, problems = generate(Path(args.config_file), out, args.engine, args.strict)
    for problem in problems:
        print(str(problem), file=sys.stderr)
    if not count:
        print(f"portfolio: nothing written to {out}: the portfolio has errors", file=sys.stderr)
        return 1
    build = "zensical build" if args.engine == "zensical" else "mkdocs build"
    print(f"wrote {count} file(s) to {out}; build the site with: "
          f"{build} -f {(out / 'mkdocs.yml').as_posix()}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Make initiative pages from a spreadsheet; write nothing if any row has an error."""
    from .importer import import_spreadsheet, partners_text, problem_order, write_all

    options = _options(args)
    extra = {table: Path(getattr(args, table)) for table in ("funding", "stories", "partners")
             if getattr(args, table)}
    result = import_spreadsheet(options, Path(args.file), extra, update=args.update)
    for problem in sorted(result.problems, key=problem_order):
        print(problem)
    errors = len(result.errors)
    if errors:
        print(f"{errors} error(s) in {args.file}. Nothing was written: correct the cells "
              "named above and run the import again.", file=sys.stderr)
        return 1
    files = [(page.path, page.text) for page in result.pages]
    if result.partners and result.partners_path is not None:
        old = result.partners_path.read_text(encoding="utf-8") \
            if result.partners_path.exists() else ""
        files.append((result.partners_path, partners_text(old, result.partners)))
    write_all(files)
    root = options.root
    for page in result.pages:
        print(f"{'updated' if page.updated else 'wrote'} {display_path(page.path, root)}")
    if result.partners and result.partners_path is not None:
        print(f"added {len(result.partners)} partner(s) to "
              f"{display_path(result.partners_path, root)}: {', '.join(result.partners)}")
    new = sum(1 for page in result.pages if not page.updated)
    print(f"{result.rows} row(s) read: {new} new page(s), "
          f"{len(result.pages) - new} updated, {len(result.unchanged)} unchanged.",
          file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    main_parser = argparse.ArgumentParser(
        prog="portfolio", description="Publish and check an innovation portfolio showcase.")
    main_parser.add_argument("-f", "--config-file", default="mkdocs.yml",
                             help="the site's mkdocs.yml (default: ./mkdocs.yml)")
    commands = main_parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check initiatives and site_data/")
    validate.add_argument("--format", choices=("text", "json", "github"), default="text")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument("--verbose", action="store_true",
                          help="list every text not given in every language of the site")
    validate.set_defaults(func=cmd_validate)

    schema = commands.add_parser("schema", help="print a JSON Schema")
    schema.add_argument("which", nargs="?", default="initiative",
                        choices=("initiative", "partners", "assets", "portfolio", "export"))
    schema.set_defaults(func=cmd_schema)

    new = commands.add_parser("new", help="write a new page from the template")
    new.add_argument("kind", choices=("initiative",))
    new.add_argument("title", help="the initiative's title; the file name is made from it")
    new.add_argument("--force", action="store_true", help="overwrite an existing page")
    new.set_defaults(func=cmd_new)

    export = commands.add_parser("export", help="write the open data files")
    export.add_argument("--out", required=True, help="folder to write to")
    export.add_argument("--strict", action="store_true", help="exit 1 on errors")
    export.set_defaults(func=cmd_export)

    generate = commands.add_parser(
        "generate", help="write the whole site as a folder an engine without plugins builds")
    generate.add_argument("--out", required=True,
                          help="the folder to write (new, or written by generate before)")
    generate.add_argument("--engine", choices=ENGINES, default="zensical",
                          help="the engine that builds it: its links are written for it "
                          "(mkdocs: MkDocs or ProperDocs without the plugin)")
    generate.add_argument("--strict", action="store_true",
                          help="write nothing and exit 1 on errors")
    generate.set_defaults(func=cmd_generate)
    spreadsheet = commands.add_parser(
        "import", help="make initiative pages from a spreadsheet (CSV or XLSX)",
        description="Make initiative pages from a spreadsheet with the columns of the "
                    "published initiatives.csv. An XLSX workbook may hold sheets named "
                    "initiatives, funding, stories and partners. Nothing is written if any "
                    "row has an error.")
    spreadsheet.add_argument("file", help="the spreadsheet: .xlsx or .csv")
    for table in ("funding", "stories", "partners"):
        spreadsheet.add_argument(f"--{table}", metavar="FILE",
                                 help=f"the {table} table, as a file of the columns of "
                                      f"{table}.csv")
    spreadsheet.add_argument("--update", action="store_true",
                             help="change pages that exist: only the fields whose columns "
                                  "are in the spreadsheet")
    spreadsheet.set_defaults(func=cmd_import)
    for sub in (validate, schema, new, export, generate, spreadsheet):
        sub.add_argument("-f", "--config-file", default=argparse.SUPPRESS,
                         help="the site's mkdocs.yml")
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code."""
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except ConfigError as exc:
        print(f"portfolio: {exc}", file=sys.stderr)
        return 2
    except (FileExistsError, FileNotFoundError, PermissionError) as exc:
        print(f"portfolio: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`portfolio validate | head`): not an error of ours.
        sys.stderr.close()
        return 1

