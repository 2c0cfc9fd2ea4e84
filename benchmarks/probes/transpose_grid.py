"""Tile shapes of the elementwise engine's transposed-operand kernel, timed on ``a.T.copy()``.

Run on a GPU machine: ``python3 -m benchmarks.probes.transpose_grid``.
"""
import cuarray as cp
from benchmarks.probes._events import median_ms
from cuarray._engine import elementwise as ew
from cuarray._engine import source as src

n = 16384
a = cp.ones((n, n), dtype=cp.float32)




for tile, rows in ((32, 8), (32, 4), (64, 4), (64, 8), (32, 16), (64, 2)):
    src.TILE, src.TILE_ROWS = tile, rows
    ew._kernels.clear()
    ms = median_ms(cp, lambda: a.T.copy())
    print(tile, rows, round(ms, 4), "ms", round(2 * 4 * n * n / ms / 1e6, 1), "GB/s")
