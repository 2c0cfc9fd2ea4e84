"""Every ufunc cuarray defines, gathered from the per-section tables."""

from .defs.arithmetic import *  # noqa: F401,F403
from .defs.comparison import *  # noqa: F401,F403
from .defs.explog import *  # noqa: F401,F403
from .defs.trig import *  # noqa: F401,F403
from .defs.floating import *  # noqa: F401,F403
from .defs.bitwise import *  # noqa: F401,F403
from .defs.linalg import *  # noqa: F401,F403
