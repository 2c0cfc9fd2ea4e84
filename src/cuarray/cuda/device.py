"""CuPy's ``cupy.cuda.device`` module layout: the Device class and the per-thread library handles.

See cupy.cuda.device.  The handles come bound to the current stream (see
``cuarray.cuda._handles``); importing this module imports no CUDA library.
"""

from ._device import Device as Device
from ._device import get_device_id as get_device_id
from ._handles import get_cublas_handle as get_cublas_handle
from ._handles import get_cusolver_handle as get_cusolver_handle
from ._handles import get_cusparse_handle as get_cusparse_handle
