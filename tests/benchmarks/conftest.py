"""Make the repo root importable so `import benchmarks` finds the runner package
at <repo>/benchmarks whatever the working directory or pytest's rootdir.

This folder deliberately has no __init__.py: with one, pytest would import it
as a package named `benchmarks` and shadow the runner it tests.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
