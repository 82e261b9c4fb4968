"""The MkDocs adapter: the plugin class that wires MkDocs' events to the pipeline.

Nothing in the stages (`load`, `validate`, `compute`, `render`, `export`) imports this
package, `mkdocs`, or `parallel`; this package is the only one that imports `parallel`.
"""
