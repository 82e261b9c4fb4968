"""Portfolio showcase: publish an innovation portfolio from Markdown pages.

The stages are modules: `load` (files to positioned data), `validate` (to the typed `model`
and `problems`), `compute` (figures), `render` (pages, charts) and `export` (open data).
`mkdocs_plugin` adapts them to MkDocs; `cli` to the command line.
"""

__version__ = "0.1.0"
