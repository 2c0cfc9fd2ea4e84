"""``python -m cuarray``: a short demonstration on the GPU, timed beside NumPy.

Exits 1 with an explanation when no CUDA device can be used.
"""

import sys

from ._demo import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
