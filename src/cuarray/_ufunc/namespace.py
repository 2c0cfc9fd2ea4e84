"""Every ufunc cuarray defines, gathered from the per-section tables."""

from .defs.arithmetic import *  # noqa: F401,F403
from .defs.comparison import *  # noqa: F401,F403
# [math section]
# [arithmetic-integer-logic section]
# [gufuncs section]
