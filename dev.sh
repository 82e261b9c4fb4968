#!/usr/bin/env bash
# Set-up and checks of the portfolio showcase, from nothing.
#   bash dev.sh build   install, then build the reference site into site/ and its Swedish
#                       version into site/sv/ (both --strict)
#   bash dev.sh serve   install, then serve the English site at http://127.0.0.1:8000
#                       (the Swedish one: .venv/bin/mkdocs serve -f mkdocs.sv.yml)
#   bash dev.sh test    install (Python, Chromium, pdftotext, axe-core), then ruff, mypy and
#                       all tests
set -euo pipefail
cd "$(dirname "$0")"
VENV=.venv
PY="$VENV/bin/python"
export NO_MKDOCS_2_WARNING=1

python_deps() {
  if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
  fi
  local stamp
  stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet -e '.[test]'
    touch "$stamp"
  fi
  # Bytecode, as an ordinary installation has it (even where PYTHONDONTWRITEBYTECODE is set).
  "$PY" -m compileall -q portfolio_plugin >/dev/null
}

browser_deps() {
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
    else
      echo "dev.sh: the browser tests need Debian's chromium: sudo apt-get install -y chromium" >&2
      exit 1
    fi
  fi
  # pdftotext (poppler-utils) reads back the year's report that Chromium prints.
  if ! command -v pdftotext >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
    else
      echo "dev.sh: the browser tests need pdftotext: sudo apt-get install -y poppler-utils" >&2
      exit 1
    fi
  fi
  if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -e node_modules/.bin/lighthouse ]; then
    npm ci --no-audit --no-fund --silent
  fi
}

case "${1:-}" in
  build)
    python_deps
    # Into a new folder beside site/, moved into place once both builds succeeded: MkDocs
    # writes its site_dir in place, so a build that is killed (or fails) would leave a
    # partial site. site/ holds the last whole site or the new one, never half of one.
    new="$(mktemp -d .site-new.XXXXXX)"
    trap 'rm -rf "$new" .site-old' EXIT
    # English first, then the Swedish one into its sv/ folder.
    "$VENV/bin/mkdocs" build --strict -f mkdocs.yml -d "$new"
    "$VENV/bin/mkdocs" build --strict -f mkdocs.sv.yml -d "$new/sv"
    rm -rf .site-old
    if [ -e site ]; then mv site .site-old; fi
    mv "$new" site
    chmod 755 site  # (mktemp makes it private)
    echo "Built the reference site into site/ and its Swedish version into site/sv/"
    echo "(open site/index.html, or: bash dev.sh serve, English only)"
    ;;
  serve)
    python_deps
    exec "$VENV/bin/mkdocs" serve --dirty --dev-addr 127.0.0.1:8000
    ;;
  test)
    python_deps
    browser_deps
    "$VENV/bin/ruff" check portfolio_plugin tests bench
    "$VENV/bin/mypy"
    # On every core, up to 4 (each test file on one worker: its fixtures are made once).
    workers="$("$VENV/bin/python" -c 'import os; print(min(4, len(os.sched_getaffinity(0))))')"
    "$VENV/bin/pytest" -q -p no:cacheprovider -n "$workers" --dist loadfile "${@:2}"
    ;;
  *)
    sed -n '2,8p' "$0" >&2
    exit 2
    ;;
esac
