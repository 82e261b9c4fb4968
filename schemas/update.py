"""Write the JSON Schemas of this folder from the contract the validator reads by.

    python schemas/update.py          # rewrite the files
    python schemas/update.py --check  # exit 1 if a file is out of date

The schemas are made by `portfolio_plugin.validate.contract`: those of the site's files from
the fields the validator reads them by, `export.schema.json` (the published
`portfolio.json`) from the export document's pydantic models. A test checks that the files
here are what this script would write. Editors use them (see .vscode/settings.json): never
edit them by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from portfolio_plugin.validate.contract import SCHEMAS

HERE = Path(__file__).resolve().parent
# File stem -> key of portfolio_plugin.validate.contract.SCHEMAS.
FILES = {"initiative": "initiative", "partners": "partners", "assets": "assets",
         "portfolio": "portfolio", "export": "export"}


def rendered() -> dict[str, str]:
    """The text of every schema file, by file name."""
    return {f"{stem}.schema.json": json.dumps(SCHEMAS[key](), indent=2, ensure_ascii=False)
            + "\n" for stem, key in FILES.items()}


def main(argv: list[str] | None = None) -> int:
    """Rewrite the schema files, or with --check report those out of date."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    stale = []
    for name, text in rendered().items():
        path = HERE / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("out of date: " + ", ".join(stale) + "; run python schemas/update.py",
              file=sys.stderr)
        return 1
    for name in stale:
        print(f"wrote schemas/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
