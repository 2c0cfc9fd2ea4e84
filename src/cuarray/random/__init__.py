"""Random sampling on the GPU: NumPy's Generator and legacy APIs.  See numpy.random.

``default_rng(seed)`` gives a :class:`Generator` over :class:`Philox` (Philox4x32-10, a
counter-based generator: the state is a key and a counter on the host, each call runs one
kernel and advances the counter by what it used).  The legacy functions (``seed``, ``rand``,
``normal``, ...) run on the same engine through one :class:`RandomState` per device.

Differences from NumPy: the numbers are not NumPy's bit for bit (another bit generator,
GPU samplers) but every distribution is NumPy's, and the same seed gives the same numbers on
every run and device; results NumPy returns as scalars are 0-d device arrays; array
parameters must be device arrays.
"""

from numpy.random import SeedSequence as SeedSequence

from ._bit_generator import BitGenerator as BitGenerator
from ._bit_generator import Philox as Philox
from ._generator import Generator as Generator
from ._generator import default_rng as default_rng

# -- legacy: RandomState and the module functions -------------------------------------------------
from ._legacy import RandomState as RandomState
from ._legacy import get_random_state as get_random_state
from ._legacy import set_random_state as set_random_state
from ._legacy import seed as seed
from ._legacy import get_state as get_state
from ._legacy import set_state as set_state
from ._legacy import get_bit_generator as get_bit_generator
from ._legacy import set_bit_generator as set_bit_generator
# Simple random data
from ._legacy import rand as rand
from ._legacy import randn as randn
from ._legacy import randint as randint
from ._legacy import random_integers as random_integers
from ._legacy import random_sample as random_sample
from ._legacy import random as random
from ._legacy import ranf as ranf
from ._legacy import sample as sample
from ._legacy import choice as choice
from ._legacy import bytes as bytes  # noqa: A004 - NumPy's name
# Permutations
from ._legacy import shuffle as shuffle
from ._legacy import permutation as permutation
# Distributions
from ._legacy import beta as beta
from ._legacy import binomial as binomial
from ._legacy import chisquare as chisquare
from ._legacy import dirichlet as dirichlet
from ._legacy import exponential as exponential
from ._legacy import f as f
from ._legacy import gamma as gamma
from ._legacy import geometric as geometric
from ._legacy import gumbel as gumbel
from ._legacy import hypergeometric as hypergeometric
from ._legacy import laplace as laplace
from ._legacy import logistic as logistic
from ._legacy import lognormal as lognormal
from ._legacy import logseries as logseries
from ._legacy import multinomial as multinomial
from ._legacy import multivariate_normal as multivariate_normal
from ._legacy import negative_binomial as negative_binomial
from ._legacy import noncentral_chisquare as noncentral_chisquare
from ._legacy import noncentral_f as noncentral_f
from ._legacy import normal as normal
from ._legacy import pareto as pareto
from ._legacy import poisson as poisson
from ._legacy import power as power
from ._legacy import rayleigh as rayleigh
from ._legacy import standard_cauchy as standard_cauchy
from ._legacy import standard_exponential as standard_exponential
from ._legacy import standard_gamma as standard_gamma
from ._legacy import standard_normal as standard_normal
from ._legacy import standard_t as standard_t
from ._legacy import triangular as triangular
from ._legacy import uniform as uniform
from ._legacy import vonmises as vonmises
from ._legacy import wald as wald
from ._legacy import weibull as weibull
from ._legacy import zipf as zipf
