"""Tables: the same rows printed to stdout (aligned text) and to markdown.

Columns: workload, unit, one time column per library ("median [min]"), the
throughput of cuarray and CuPy (GB/s from the workload's bytes, TFLOP/s from
its flops), and "cuarray/CuPy time": cuarray's median time divided by CuPy's,
so below 1 means cuarray is faster.  The header spells it out because a
speed-up column would read the other way round.
"""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

from benchmarks._libs import LABELS, ORDER
from benchmarks._timing import Timing

RATIO_HEADER = "cuarray/CuPy time"
UNIT_TEXT = {"ms": "ms", "us": "µs/call"}


@dataclasses.dataclass
class Cell:
    status: str                   # "ok", "n/a" or "error"
    timing: Timing | None = None
    note: str = ""


@dataclasses.dataclass
class Row:
    workload: str
    kind: str
    cells: dict                   # library name -> Cell
    bytes: float | None = None
    flops: float | None = None


def fmt_num(x: float) -> str:
    if x >= 1000:
        return f"{x:.0f}"
    if x >= 100:
        return f"{x:.1f}"
    if x >= 10:
        return f"{x:.2f}"
    if x >= 1:
        return f"{x:.3f}"
    return f"{x:.3g}"


def fmt_cell(cell: Cell | None) -> str:
    if cell is None or cell.status == "n/a":
        return "n/a"
    if cell.status != "ok":
        return cell.status
    t = cell.timing
    return f"{fmt_num(t.median)} [{fmt_num(t.min)}]"


def fmt_rate(row: Row, cell: Cell | None) -> str:
    """Throughput at the median time; empty when the workload declares none."""
    if cell is None or cell.status != "ok":
        return "n/a"
    if row.kind != "device":
        return ""
    seconds = cell.timing.median * 1e-3
    if seconds <= 0:
        return ""
    if row.flops:
        return f"{fmt_num(row.flops / seconds / 1e12)} TFLOP/s"
    if row.bytes:
        return f"{fmt_num(row.bytes / seconds / 1e9)} GB/s"
    return ""


def fmt_ratio(row: Row) -> str:
    mine, theirs = row.cells.get("cuarray"), row.cells.get("cupy")
    if not (mine and theirs and mine.status == theirs.status == "ok"):
        return "n/a"
    if theirs.timing.median <= 0:
        return "n/a"
    return f"{mine.timing.median / theirs.timing.median:.2f}"


def headers() -> list[str]:
    return (["workload", "unit"] + [LABELS[n] for n in ORDER]
            + ["cuarray rate", "CuPy rate", RATIO_HEADER])


def table_rows(rows: list[Row]) -> list[list[str]]:
    return [[r.workload, UNIT_TEXT.get(_unit(r), "")]
            + [fmt_cell(r.cells.get(n)) for n in ORDER]
            + [fmt_rate(r, r.cells.get("cuarray")), fmt_rate(r, r.cells.get("cupy")),
               fmt_ratio(r)]
            for r in rows]


def _unit(row: Row) -> str:
    return "us" if row.kind == "overhead" else "ms"


def text_table(rows: list[Row]) -> str:
    body = [headers()] + table_rows(rows)
    widths = [max(len(line[i]) for line in body) for i in range(len(body[0]))]
    lines = []
    for k, line in enumerate(body):
        # Names left-aligned, numbers right-aligned so digits line up.
        lines.append("  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(line, widths))).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    head = headers()
    lines = ["| " + " | ".join(head) + " |",
             "| " + " | ".join(["---", "---"] + ["---:"] * (len(head) - 2)) + " |"]
    lines += ["| " + " | ".join(line) + " |" for line in table_rows(rows)]
    return "\n".join(lines)


def notes(rows: list[Row], lib_reasons: dict) -> list[str]:
    """Why cells are n/a or errors: once per library when the whole column is
    out, otherwise per cell (an AttributeError may be a missing function or a
    real bug, so the message is kept)."""
    out = [f"{LABELS.get(n, n)}: n/a, {reason}" for n, reason in lib_reasons.items() if reason]
    for r in rows:
        for name, cell in r.cells.items():
            if cell.status != "ok" and cell.note and not lib_reasons.get(name):
                out.append(f"{r.workload} / {LABELS.get(name, name)}: {cell.status}, {cell.note}")
    return out


LEGEND = ("Times are median [min] over the timed repeats: ms per call measured with "
          "CUDA events on the current stream (NumPy: wall clock), or host µs per call "
          "for overhead workloads. cuarray/CuPy time = cuarray median / CuPy median "
          "(below 1: cuarray is faster).")


def markdown_section(rows: list[Row], meta: dict, lib_reasons: dict) -> str:
    lines = [f"## Run {meta['timestamp']}", ""]
    lines += [f"- card: {meta['card']}",
              f"- driver: {meta['driver']}",
              f"- versions: {meta['versions']}",
              f"- settings: {meta['settings']}",
              f"- command: `{meta['command']}`", "",
              markdown_table(rows), "", LEGEND]
    extra = notes(rows, lib_reasons)
    if extra:
        lines += ["", "Notes:", ""] + [f"- {n}" for n in extra]
    return "\n".join(lines) + "\n"


def results_path(out_dir: Path, card_slug: str, today: datetime.date | None = None) -> Path:
    today = today or datetime.date.today()
    return Path(out_dir) / f"{today.isoformat()}-{card_slug}.md"


def write_markdown(path: Path, section: str, title: str) -> Path:
    """Append ``section`` to ``path``; a new file gets ``title`` first, so runs
    of one day on one card accumulate in one file instead of overwriting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.stat().st_size:
        with path.open("a", encoding="utf-8") as f:
            f.write("\n" + section)
    else:
        path.write_text(f"# {title}\n\n{section}", encoding="utf-8")
    return path
