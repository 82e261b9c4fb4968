"""A build never loads plotly's Python library: charts are plain JSON (the graph objects, their
validators and narwhals cost a noticeable part of a build's time and memory).

plotly.js is read from the package's files, found without importing even the package's
`__init__` (5 MB). The reference site is built in a fresh interpreter, so that no other
test's imports count.
"""

from __future__ import annotations

import json
import subprocess
import sys

from support import ROOT

BUILD = """
import json, sys
from pathlib import Path
from portfolio_plugin.options import read_config
from portfolio_plugin.pipeline import run

build = run(read_config(Path(sys.argv[1])), with_static=True)
pages = build.rendered.pages
print(json.dumps({
    "loaded": sorted(m for m in sys.modules
                     if m.split(".")[0] in ("plotly", "_plotly_utils", "narwhals")),
    "files": sorted(build.rendered.files),
    "charts": sorted(uri for uri, text in pages.items() if '-data">' in text),
}))
"""


def test_a_build_does_not_load_plotlys_python_library() -> None:
    result = subprocess.run([sys.executable, "-c", BUILD, str(ROOT / "mkdocs.yml")],
                            capture_output=True, text=True, timeout=600, check=False,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr[-4000:]
    seen = json.loads(result.stdout.splitlines()[-1])
    # The build made the pages with charts, and took plotly.js from the package.
    assert {"portfolio/index.md", "portfolio/leverage.md",
            "portfolio/timeline.md"} <= set(seen["charts"])
    assert any(uri.endswith("/plotly.min.js") for uri in seen["files"])
    assert seen["loaded"] == []
