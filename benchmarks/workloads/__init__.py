"""Workload modules, one per area.  Importing this package imports every
module in it (names starting with "_" excepted), which registers their
workloads; a new area is a new file here and nothing else."""

import importlib
import pkgutil

for _info in pkgutil.iter_modules(__path__):
    if not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}")
