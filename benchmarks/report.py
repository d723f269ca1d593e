"""What a scenario reports: a small table, the targets it checks, raw figures."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Check:
    """One target of the issue and whether this run met it."""

    name: str
    measured: str
    target: str
    met: bool


@dataclass
class Section:
    """One scenario's table, checks and JSON figures."""

    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def check(self, name: str, measured: str, target: str, met: bool) -> None:
        self.checks.append(Check(name, measured, target, met))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (
            cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)
        )
        return "  ".join([first, *rest]).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *map(line, rows)]


def render(sections: list[Section], preamble: list[str]) -> str:
    """Render every section, then every check, as plain text."""
    lines = [*preamble, ""]
    for section in sections:
        lines += [f"## {section.title}", *_table(section.header, section.rows)]
        lines += [f"  {note}" for note in section.notes]
        lines.append("")
    checks = [c for s in sections for c in s.checks]
    lines.append("## Targets")
    lines += _table(
        ["target", "measured", "wanted", "met"],
        [[c.name, c.measured, c.target, "yes" if c.met else "NO"] for c in checks],
    )
    return "\n".join(lines)


def as_json(sections: list[Section], meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "meta": meta,
        "scenarios": {s.title: s.data for s in sections},
        "targets": [
            {"name": c.name, "measured": c.measured, "target": c.target, "met": c.met}
            for s in sections
            for c in s.checks
        ],
    }
