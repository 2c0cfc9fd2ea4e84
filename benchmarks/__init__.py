"""cuarray's benchmark runner: one process times each workload in cuarray, CuPy
and NumPy, prints a table (cuarray/CuPy time ratio) and records it under
``benchmarks/results/<date>-<card>.md``.  Run ``python -m benchmarks --help``.

Adding a workload: put a module in ``benchmarks/workloads/`` (one per area,
e.g. ``reduction.py``) and register setup functions with :func:`workload`;
the folder is scanned on start, so the runner needs no edit.  See
``benchmarks._registry`` for the API, input rotation and the two kinds.
"""

from benchmarks._registry import L2_BYTES, rotations, workload

__all__ = ["L2_BYTES", "rotations", "workload"]
