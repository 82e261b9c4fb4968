"""Templates compiled once, not once per build.

Jinja compiles a template into Python code each time an environment first loads it, and
environments are made anew: the package's own for each build, MkDocs' for each build and
each rebuild under `mkdocs serve` (Material's page template and its partials, 37 templates:
at 1,000 initiatives a third of the rebuild that shows an edit, 0.57-0.65 s against
0.36-0.49 s with them kept). Jinja's own bytecode cache keeps the code for the process, and
on disk, as Python keeps its bytecode, so that the next build (or a worker process) loads
them instead of compiling them.

A template is compiled again when its source, Jinja or Python changes (Jinja compares them
with the code's), and code is kept apart for environments that compile differently (another
syntax, extension or filter), so a `mkdocs.yml` changed under `mkdocs serve` is safe too.
"""

from __future__ import annotations

import jinja2
import jinja2.bccache

# What an environment compiles a template with, besides its extensions and filters (Jinja's
# optimizer folds constant filter calls).
_SYNTAX = ("block_start_string", "block_end_string", "variable_start_string",
           "variable_end_string", "comment_start_string", "comment_end_string",
           "line_statement_prefix", "line_comment_prefix", "trim_blocks", "lstrip_blocks",
           "newline_sequence", "keep_trailing_newline", "optimized", "is_async")


class Compiled(jinja2.BytecodeCache):
    """Compiled templates, by how their environment compiles, template and file: in memory,
    and in `folder` (None: a folder of this user's in the system's temporary one) where it
    can be used."""

    def __init__(self, folder: str | None = None) -> None:
        self.compiled: dict[str, bytes] = {}
        self.folder = folder
        self._disk: jinja2.FileSystemBytecodeCache | None = None
        self._tried = False

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        return super().get_bucket(environment, name,
                                  f"{filename}|{_compiles(environment)!r}", source)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])
            return
        disk = self._on_disk()
        if disk is not None:
            try:
                disk.load_bytecode(bucket)
            except (OSError, ValueError, EOFError):  # unreadable or torn: compile again
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()
        disk = self._on_disk()
        if disk is not None:
            try:
                disk.dump_bytecode(bucket)
            except OSError:
                pass

    def _on_disk(self) -> jinja2.FileSystemBytecodeCache | None:
        if not self._tried:
            self._tried = True
            try:
                self._disk = jinja2.FileSystemBytecodeCache(
                    self.folder, pattern="portfolio-plugin-%s.cache")
            except (OSError, RuntimeError):  # no safe folder of our own to write to
                self._disk = None
        return self._disk


def _compiles(env: jinja2.Environment) -> tuple[object, ...]:
    """What the code `env` compiles a template into depends on."""
    return (type(env).__qualname__, *(getattr(env, name) for name in _SYNTAX),
            getattr(env, "newstyle_gettext", None), tuple(sorted(env.extensions)),
            getattr(env.autoescape, "__qualname__", env.autoescape),
            tuple(sorted(env.filters)), tuple(sorted(env.tests)))


# The process's: the package's templates and the theme's (see `adapter.plugin.on_env`).
COMPILED = Compiled()
