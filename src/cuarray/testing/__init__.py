"""Testing kit: compare cuarray against NumPy, test inputs, dtype helpers.

Importing this package imports NumPy only (pytest and cuarray load lazily at
call time), so it works on machines without a GPU or pytest.
"""

# --- Comparing cuarray with NumPy -------------------------------------------
from ._compare import numpy_compare as numpy_compare

# --- Assertions that accept device arrays -----------------------------------
from ._asserts import assert_allclose as assert_allclose
from ._asserts import assert_array_almost_equal as assert_array_almost_equal
from ._asserts import assert_array_equal as assert_array_equal
from ._asserts import assert_array_less as assert_array_less
from ._asserts import assert_array_max_ulp as assert_array_max_ulp

# --- Test inputs --------------------------------------------------------------
from ._arrays import BROADCAST_PAIRS as BROADCAST_PAIRS
from ._arrays import LAYOUTS as LAYOUTS
from ._arrays import SHAPES as SHAPES
from ._arrays import random_array as random_array
from ._arrays import shaped_arange as shaped_arange

# --- Dtype groups and tolerances --------------------------------------------
from ._dtypes import ALL as ALL
from ._dtypes import BOOL as BOOL
from ._dtypes import COMPLEX as COMPLEX
from ._dtypes import FLOATING as FLOATING
from ._dtypes import INEXACT as INEXACT
from ._dtypes import INTEGER as INTEGER
from ._dtypes import NUMERIC as NUMERIC
from ._dtypes import SIGNED as SIGNED
from ._dtypes import UNSIGNED as UNSIGNED
from ._dtypes import default_tolerance as default_tolerance

# --- Dtype parametrisation (pytest) -----------------------------------------
from ._dtypes import for_all_dtypes as for_all_dtypes
from ._dtypes import for_complex_dtypes as for_complex_dtypes
from ._dtypes import for_dtypes as for_dtypes
from ._dtypes import for_float_dtypes as for_float_dtypes
from ._dtypes import for_inexact_dtypes as for_inexact_dtypes
from ._dtypes import for_int_dtypes as for_int_dtypes
from ._dtypes import for_numeric_dtypes as for_numeric_dtypes
from ._dtypes import for_signed_dtypes as for_signed_dtypes
from ._dtypes import for_unsigned_dtypes as for_unsigned_dtypes
