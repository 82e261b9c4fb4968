"""The edit-preview loop: how long after saving an initiative `mkdocs serve --dirty` shows it.

Generates a portfolio (bench/generate.py), starts `mkdocs serve --dirty` on 127.0.0.1, waits
for the first build, then edits one initiative several times and measures, each time, the
seconds from writing the file to the served page showing the edit. Prints every time and the
median. Budget (issue 7): under 3 seconds at 1,000 initiatives.

    python bench/serve_loop.py --count 1000 --edits 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def wait_for_line(proc: subprocess.Popen[str], needle: str, limit: float) -> None:
    """Read the server's output until a line holds `needle`."""
    end = time.monotonic() + limit
    assert proc.stdout is not None
    while time.monotonic() < end:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the server stopped")
        if needle in line:
            return
    raise SystemExit(f"no '{needle}' within {limit} s")


def page_shows(url: str, marker: str) -> bool:
    """Whether the served page holds the marker."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return marker in answer.read().decode("utf-8", "replace")
    except (urllib.error.URLError, TimeoutError):
        return False


def main() -> int:
    """Run the measurement and print the times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", default=str(HERE / "out" / "serve"))
    args = parser.parse_args()
    site = Path(args.out) / str(args.count)
    if not (site / "mkdocs.yml").is_file():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--count", str(args.count),
                        "--out", str(site)], check=True)
    page = sorted((site / "content" / "initiatives").glob("*.md"))[len(
        list((site / "content" / "initiatives").glob("*.md"))) // 2]
    original = page.read_text(encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{args.port}",
         "-f", str(site / "mkdocs.yml")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    url = f"http://127.0.0.1:{args.port}/initiatives/{page.stem}/"
    times = []
    try:
        start = time.monotonic()
        wait_for_line(proc, "Serving on", 900)
        print(f"{args.count} initiatives: first build {time.monotonic() - start:.1f} s")
        for n in range(args.edits):
            time.sleep(1.5)  # let the watcher settle between edits
            marker = f"EDITED-{n}-{time.time_ns()}"
            began = time.monotonic()
            page.write_text(original.replace("\n---\n", f"\n---\n{marker} ", 1),
                            encoding="utf-8")
            while not page_shows(url, marker):
                if time.monotonic() - began > 60:
                    raise SystemExit("the edit never showed")
                time.sleep(0.05)
            times.append(time.monotonic() - began)
            print(f"edit {n + 1}: visible after {times[-1]:.2f} s")
    finally:
        page.write_text(original, encoding="utf-8")
        proc.terminate()
        proc.wait(timeout=30)
    print(f"median {statistics.median(times):.2f} s over {len(times)} edits "
          f"(budget: under 3 s at 1,000 initiatives)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
