"""Problems found in the input: what, where, and what to do about it.

Every stage reports into a `Problems` collector instead of raising, so that all problems of a
run are reported together and nothing valid is lost because of something invalid beside it.
"""

from __future__ import annotations

import difflib
import enum
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field


class Severity(str, enum.Enum):
    """How bad a problem is: errors leave the item out; warnings keep it (and fail a strict
    build); information is only said (a strict build passes)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Problem:
    """One problem in one file, at one place, in one field."""

    path: str
    line: int
    column: int
    field: str
    message: str
    severity: Severity = Severity.ERROR
    expected: str | None = None
    found: str | None = None
    suggestion: str | None = None

    def describe(self) -> str:
        """The message with what was expected, what was found and a suggestion."""
        text = f"{self.field}: {self.message}" if self.field else self.message
        details = []
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if self.found is not None:
            details.append(f"found {self.found}")
        if details:
            text += " (" + ", ".join(details) + ")"
        if self.suggestion:
            text += f"; did you mean {self.suggestion!r}?"
        return text

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity.value}: {self.describe()}"

    def as_json(self) -> dict[str, object]:
        """A plain mapping for `--format json`."""
        data = asdict(self)
        data["severity"] = self.severity.value
        data["text"] = self.describe()
        return data

    def as_github(self) -> str:
        """A GitHub Actions workflow annotation."""
        command = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(self.severity,
                                                                              "notice")
        message = _github_escape(self.describe())
        path = _github_escape(self.path, prop=True)
        return f"::{command} file={path},line={self.line},col={self.column}::{message}"


def _github_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


# Problems shown per file; the others are counted in one line (`Problems.close`), so that a
# file of bounded size gives output of bounded size.
MAX_PER_FILE = 50
_MORE = re.compile(r"and ([0-9]+) more problems? in this file\Z")


@dataclass
class Problems:
    """A collector of problems, in the order they were found.

    At most `MAX_PER_FILE` problems of one file are kept; the others are counted, and
    `close` adds one line that says how many there were (an error if any of them was).
    """

    items: list[Problem] = field(default_factory=list)
    # By file: problems kept, and [problems not kept, errors among them, line of the first].
    kept: dict[str, int] = field(default_factory=dict)
    more: dict[str, list[int]] = field(default_factory=dict)
    # What each line added by `close` stands for: (problems, errors among them).
    counted: list[tuple[int, int]] = field(default_factory=list)

    @property
    def serious(self) -> list[Problem]:
        """Errors and warnings: what a strict build stops on."""
        return [p for p in self.items if p.severity is not Severity.INFO]

    def full(self, path: str) -> bool:
        """Whether no more problems of this file are kept (see `count`)."""
        return self.kept.get(path, 0) >= MAX_PER_FILE

    def count(self, path: str, line: int, severity: Severity = Severity.ERROR,
              number: int = 1) -> None:
        """Count problems of a file that are not kept (it is `full`)."""
        more = self.more.setdefault(path, [0, 0, line])
        more[0] += number
        if severity is Severity.ERROR:
            more[1] += number

    def add(self, problem: Problem) -> None:
        """Record one problem (counted only, once its file has `MAX_PER_FILE`)."""
        path = problem.path
        if problem.message[:4] == "and " and not problem.field:
            counted = _MORE.match(problem.message)
            if counted is not None:  # the line of a collector closed elsewhere (a worker's)
                self.count(path, problem.line, problem.severity, int(counted.group(1)))
                return
        kept = self.kept.get(path, 0)
        if kept >= MAX_PER_FILE:
            self.count(path, problem.line, problem.severity)
            return
        self.kept[path] = kept + 1
        self.items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record several problems."""
        for problem in problems:
            self.add(problem)

    def take(self, other: Problems) -> None:
        """Record another collector's problems, and count what it counted without keeping."""
        self.extend(other.items)
        for path, (number, errors, line) in other.more.items():
            if errors:
                self.count(path, line, Severity.ERROR, errors)
            if number > errors:
                self.count(path, line, Severity.WARNING, number - errors)

    def close(self) -> None:
        """Add, for each file with problems not kept, the line that counts them."""
        for path, (number, errors, line) in self.more.items():
            self.counted.append((number, errors))
            plural = "problem" if number == 1 else "problems"
            self.items.append(Problem(
                path, line, 1, "", f"and {number} more {plural} in this file",
                Severity.ERROR if errors else Severity.WARNING))
        self.more.clear()

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def totals(self) -> tuple[int, int]:
        """The numbers of errors and warnings, those only counted included."""
        errors, warnings = len(self.errors), len(self.warnings)
        for number, counted_errors in self.counted:  # each stands for `number`, not one
            if counted_errors:
                errors += counted_errors - 1
                warnings += number - counted_errors
            else:
                warnings += number - 1
        return errors, warnings

    @property
    def errors(self) -> list[Problem]:
        """The problems that leave something out."""
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that keep the item but fail a strict build."""
        return [p for p in self.items if p.severity is Severity.WARNING]

    def sorted(self) -> list[Problem]:
        """Problems ordered by file and line, for reading."""
        return sorted(self.items, key=lambda p: (p.path, p.line, p.column, p.field))


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest known id to a mistyped one, if any is close enough."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def format_problems(problems: Sequence[Problem], fmt: str = "text") -> str:
    """Render problems as text lines, JSON, or GitHub annotations."""
    if fmt == "json":
        return json.dumps([p.as_json() for p in problems], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(p.as_github() for p in problems)
    return "\n".join(str(p) for p in problems)
