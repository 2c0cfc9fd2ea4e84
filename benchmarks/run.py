"""Benchmark runner: times every selected workload in cuarray, CuPy and NumPy in
one process, prints a table and appends it to benchmarks/results/<date>-<card>.md.

    python -m benchmarks [--filter REGEX] [--repeat N] [--warmup N] [--out DIR]
                         [--list] [--libs cuarray,cupy,numpy] [--quick]
                         [--param KEY=VALUE ...] [--calls N] [--no-save]

Also runnable as ``python benchmarks/run.py`` from anywhere.  Exit status: 0,
1 when a cell raised an unexpected error (n/a cells do not count), 2 when the
filter matches nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if not __package__:
    # Run as a script: make the repo root importable so `benchmarks` resolves
    # to this directory and its modules import the same way as under -m.
    sys.path.insert(0, str(_ROOT))

import argparse  # noqa: E402
import ast  # noqa: E402
import dataclasses  # noqa: E402
import datetime  # noqa: E402
import importlib.util  # noqa: E402
import shlex  # noqa: E402
import traceback  # noqa: E402

from benchmarks import _libs, _registry, _report, _timing  # noqa: E402
from benchmarks._report import Cell, Row  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "results"


@dataclasses.dataclass
class Settings:
    warmup: int = 3
    repeat: int = 20
    calls: int = 10_000
    quick: bool = False
    overrides: dict = dataclasses.field(default_factory=dict)
    host_budget_s: float = _timing.HOST_BUDGET_S

    def describe(self) -> str:
        text = (f"warm-up {self.warmup}, repeats {self.repeat}, overhead "
                f"{self.calls} calls x {_timing.OVERHEAD_BATCHES} batches")
        if self.quick:
            text += ", quick (shrunk params: timings are not meaningful)"
        if self.overrides:
            text += ", params " + ", ".join(f"{k}={v!r}" for k, v in self.overrides.items())
        return text


def measure(w: _registry.Workload, lib: _libs.Library, params: dict, s: Settings) -> Cell:
    """Time one workload in one library; never raises for library trouble."""
    if not lib.ok:
        return Cell("n/a", note=lib.reason)
    try:
        fns = w.make(lib.xp, params)
        if w.kind == "overhead":
            t = _timing.time_overhead(fns, calls=s.calls, warmup=s.warmup, sync=lib.sync,
                                      budget_s=s.host_budget_s)
        elif lib.device:
            t = _timing.time_device(fns, lib.event, lib.elapsed, warmup=s.warmup,
                                    repeat=s.repeat, sync=lib.sync)
        else:
            t = _timing.time_host(fns, warmup=s.warmup, repeat=s.repeat,
                                  budget_s=s.host_budget_s)
        return Cell("ok", t)
    except (AttributeError, NotImplementedError) as exc:
        # The library lacks the function (yet): the column says so, the run goes on.
        return Cell("n/a", note=f"{type(exc).__name__}: {_first_line(exc)}")
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return Cell("error", note=f"{type(exc).__name__}: {_first_line(exc)}")


def run_benchmarks(workloads, libs, settings: Settings, log=sys.stderr) -> list[Row]:
    rows = []
    for k, w in enumerate(workloads, 1):
        params = w.resolve_params(settings.quick, settings.overrides)
        row = Row(w.name, w.kind, {}, w.bytes_moved(params), w.flop_count(params))
        for lib in libs:
            row.cells[lib.name] = measure(w, lib, params, settings)
            lib.release()
        rows.append(row)
        if log is not None:
            done = ", ".join(f"{lib.label} {_report.fmt_cell(row.cells[lib.name])}"
                             for lib in libs)
            print(f"[{k}/{len(workloads)}] {w.name}: {done}", file=log, flush=True)
    return rows


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks",
                                description="Time cuarray beside CuPy and NumPy.")
    p.add_argument("--filter", metavar="REGEX", help="workloads whose name matches (re.search)")
    p.add_argument("--repeat", type=int, help="timed repeats per workload (default 20)")
    p.add_argument("--warmup", type=int, help="untimed calls first (default 3)")
    p.add_argument("--calls", type=int, help="calls per batch for overhead workloads (default 10000)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="directory for the markdown results")
    p.add_argument("--list", action="store_true", help="list the workloads and exit")
    p.add_argument("--libs", default=",".join(_libs.ORDER),
                   help="comma-separated subset of cuarray,cupy,numpy (default: all)")
    p.add_argument("--quick", action="store_true",
                   help="tiny params and few repeats: checks the plumbing, not speed")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="override a param of the selected workloads (Python literal)")
    p.add_argument("--no-save", action="store_true", help="print only, write no markdown")
    args = p.parse_args(argv)
    libs = [n.strip() for n in args.libs.split(",") if n.strip()]
    unknown = sorted(set(libs) - set(_libs.ORDER))
    if unknown:
        p.error(f"unknown libraries {unknown}; choose from {list(_libs.ORDER)}")
    args.libs = [n for n in _libs.ORDER if n in libs]
    try:
        args.overrides = dict(_parse_param(text) for text in args.param)
    except ValueError as exc:
        p.error(str(exc))
    return args


def _parse_param(text: str):
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"--param expects KEY=VALUE, got {text!r}")
    try:
        return key.strip(), ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return key.strip(), value          # plain strings need no quotes


def settings_from(args) -> Settings:
    quick = args.quick
    return Settings(
        warmup=args.warmup if args.warmup is not None else (1 if quick else 3),
        repeat=args.repeat if args.repeat is not None else (3 if quick else 20),
        calls=args.calls if args.calls is not None else (100 if quick else 10_000),
        quick=quick, overrides=args.overrides,
        host_budget_s=0.2 if quick else _timing.HOST_BUDGET_S)


def load_libraries(names, modules: dict | None = None) -> list[_libs.Library]:
    """One Library per column; unselected ones are n/a.  ``modules`` maps a
    name to a module object to use instead of importing (tests)."""
    if "cuarray" in names and importlib.util.find_spec("cuarray") is None \
            and (_ROOT / "src" / "cuarray").is_dir():
        # Benchmark the checkout we are in when cuarray is not installed.
        sys.path.insert(0, str(_ROOT / "src"))
    modules = modules or {}
    return [(_libs.load_library(n, modules[n]) if n in modules else _libs.load_library(n))
            if n in names else _libs.unavailable(n, "not selected (--libs)")
            for n in _libs.ORDER]


def main(argv=None, modules: dict | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    workloads = _registry.select(args.filter)
    if args.list:
        for w in workloads:
            params = ", ".join(f"{k}={v!r}" for k, v in w.params.items())
            print(f"{w.name:40s} {w.area:14s} {w.kind:9s} {params}")
        return 0
    if not workloads:
        print(f"no workload matches {args.filter!r}; see --list", file=sys.stderr)
        return 2
    known = {k for w in workloads for k in w.params}
    unused = sorted(set(args.overrides) - known)
    if unused:
        print(f"--param {unused}: no selected workload has such a param", file=sys.stderr)
        return 2

    settings = settings_from(args)
    libs = load_libraries(args.libs, modules)
    info = _libs.machine_info(libs)
    rows = run_benchmarks(workloads, libs, settings)
    reasons = {lib.name: lib.reason for lib in libs}

    print()
    print(f"card: {info['card']}   driver: {info['driver']}   "
          f"CUDA runtime: {info['cuda_runtime']}   {settings.describe()}")
    print(_report.text_table(rows))
    print(_report.LEGEND)
    for note in _report.notes(rows, reasons):
        print(f"  {note}")

    if not args.no_save:
        slug = _libs.slugify(info["card"])
        meta = {"timestamp": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                "card": info["card"], "driver": info["driver"],
                "versions": _versions(libs, info), "settings": settings.describe(),
                "command": "python -m benchmarks " + shlex.join(argv)}
        path = _report.write_markdown(
            _report.results_path(args.out, slug),
            _report.markdown_section(rows, meta, reasons),
            title=f"Benchmarks on {info['card']}, {datetime.date.today().isoformat()}")
        print(f"results appended to {path}")
    return 1 if any(c.status == "error" for r in rows for c in r.cells.values()) else 0


def _versions(libs, info) -> str:
    parts = [f"{lib.label} {lib.version or 'n/a'}" for lib in libs]
    return ", ".join(parts + [f"CUDA runtime {info['cuda_runtime']}"])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


if __name__ == "__main__":
    sys.exit(main())
