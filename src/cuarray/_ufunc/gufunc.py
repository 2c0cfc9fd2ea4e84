"""The ``gufunc`` class: NumPy's generalized ufuncs matmul, matvec, vecmat and vecdot.

Each of them is one batched matrix product C = A @ B (with one row, one column or
both of size 1 for matvec, vecmat and vecdot), so one kernel family serves all four:
``cuarray/gemm.cuh`` (a tiled GEMM, and an inner-product kernel for thin products),
instantiated per dtype by a few generated lines that define the element traits.

A call runs in phases: ``_parse`` (keywords, positional out) -> ``_resolve``
(NumPy's type resolution via ``resolve_dtypes``, NEP 50, memoised) -> ``_check_out``
-> ``_core_layout`` (NumPy's gufunc shape rules, ported from its C implementation so
that shapes, output layout and error messages match: flexible ``?`` dimensions,
``axes=``/``axis=``/``keepdims=``, core-size checks, loop-dimension broadcasting with
NumPy's iterator messages, order='K' output layout) -> ``_launch``.

Floating-point and complex products run on cuBLAS (``cuarray.cuda._cublas``: op N/T/C,
one strided-batched call; an operand no leading dimension describes is copied once);
integers and bool (NumPy's wrap-around), vector dot products (n = m = 1) and batch
layouts cuBLAS cannot take run the kernels below.  Plain calls memoise their plans.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from typing import Mapping

import numpy

from .._core import ndarray as _nd
from .._core.dtypes import ctype, is_supported
from .._core.shape import best_axis_order, collapse
from .ufunc import _key_of, _span, _supported_char, ufunc

ndarray = _nd.ndarray
_WEAK = (bool, int, float, complex)
_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")
_INT32_LIMIT = 2**31 - 2**25       # headroom for block-stride loops stepping past the end
_ROLES = ("n", "k", "m")            # rows of C, the inner dimension, columns of C
_BLAS_CHARS = frozenset("efdFD")    # dtypes cuBLAS multiplies with NumPy's results
_CAST_MIN = 2**21                   # mixed dtypes: cast to the loop dtype for cuBLAS from here
_MAX_MEMO, _cublas = 512, None      # _cublas: cuarray.cuda._cublas, imported on first use


def _blas():
    global _cublas
    if _cublas is None:
        from ..cuda import _cublas as module
        _cublas = module
    return _cublas


@dataclasses.dataclass(frozen=True)
class GufuncSpec:
    """A gufunc that is a batched product C[n, m] = sum_k A[n, k] * B[k, m].

    ``roles`` maps each label of NumPy's signature to its role in that product ("n",
    "k" or "m"); a role no label takes has size 1.  ``conj_first`` conjugates the first
    operand for complex dtypes.  ``inplace_axes``: the ``axes=`` NumPy's in-place
    operator passes, for a 1-d and for an n-d first operand (None: no operator).
    """
    name: str
    roles: Mapping[str, str]
    conj_first: bool = False
    inplace_axes: tuple | None = None
    doc: str = ""


class gufunc(ufunc):
    """A generalized universal function on GPU arrays.  See numpy.ufunc.

    Differences from NumPy: inputs must be cuarray arrays (NumPy arrays and lists raise
    TypeError: no implicit host transfers); floating-point sums run in another order
    than NumPy's BLAS (results differ in the last bits) and raise no warnings.
    """

    def __init__(self, spec: GufuncSpec):     # noqa: super().__init__ takes a UfuncSpec
        self._spec = spec
        self._np = getattr(numpy, spec.name)
        self.__name__ = spec.name
        self.nin, self.nout = self._np.nin, self._np.nout
        self.nargs = self.nin + self.nout
        self._core, self._flexible = _parse_signature(self._np.signature)
        self._role_label = [{spec.roles[lb]: lb for lb in labels} for labels in self._core]
        _validate(spec, self._core)
        self._memo: dict = {}
        self._modules: dict = {}
        self._calls: dict = {}      # plain a @ b: operand layouts -> (out geometry, product)
        self.__doc__ = spec.doc or f"See numpy.{spec.name}."

    def __repr__(self):
        return f"<ufunc '{self.__name__}'>"

    @property
    def signature(self) -> str:
        return self._np.signature

    @property
    def identity(self):
        return self._np.identity

    @property
    def types(self) -> list[str]:
        return [t for t in self._np.types if all(_supported_char(c) for c in t.replace("->", ""))]

    @property
    def ntypes(self) -> int:
        return len(self.types)

    def reduce(self, *args, **kwargs):
        raise RuntimeError("Reduction not defined on ufunc with signature")

    accumulate = reduceat = reduce

    def outer(self, *args, **kwargs):
        raise TypeError("method outer is not allowed in ufunc with non-trivial signature")

    def at(self, *args, **kwargs):
        raise TypeError(f"{self.__name__}.at does not support ufunc with non-trivial signature: "
                        f"{self.__name__} has signature {self.signature}.")

    # -- __call__ --------------------------------------------------------------------------
    def __call__(self, *args, out=None, dtype=None, casting="same_kind", order="K", axes=None,
                 axis=None, keepdims=None, signature=None, subok=True):
        plain = (dtype is None and axes is None and axis is None and keepdims is None
                 and signature is None and casting == "same_kind" and order == "K"
                 and len(args) == 2 and type(args[0]) is ndarray and type(args[1]) is ndarray
                 and (out is None or type(out) is ndarray))
        if plain:
            # The memoised plan of an earlier call on the same layouts (the output's too):
            # nothing else depends on the arrays themselves, unless an input overlaps out=.
            a, b = args
            key = (a.dtype, a._shape, a._strides, b.dtype, b._shape, b._strides)
            if out is not None:
                key += (out.dtype, out._shape, out._strides)
            hit = self._calls.get(key)
            if hit is not None:
                if out is None:
                    result = _allocate(hit[0], hit[1], hit[2])
                    if result.size:
                        hit[3](a, b, result)
                    return result
                if not out.size:
                    return out
                if not _overlaps(a, out) and not _overlaps(b, out):
                    hit[3](a, b, out)
                    return out
        inputs, outs = self._parse(args, out, casting, order, axes, axis, keepdims)
        loop = self._resolve(inputs, dtype, signature, casting)
        self._check_out(outs, loop, casting)
        ops = [_geometry(x) for x in inputs] + [None if o is None else _geometry(o) for o in outs]
        lay = self._core_layout(ops, axes, axis, keepdims)
        result = outs[0]
        if result is None:
            result = _allocate(*out_geometry(lay, ops, loop[-1].itemsize, order), loop[-1])
        product = None
        if result.size:
            a, b = _detach(inputs[0], result), _detach(inputs[1], result)
            product = self._launch(loop, a, b, result, lay)
            if a is not inputs[0] or b is not inputs[1]:
                product = None              # planned for a copy's layout: not reusable
        if plain and (product is not None or not result.size):
            if len(self._calls) >= _MAX_MEMO:
                self._calls.clear()
            self._calls[key] = (result._shape, result._strides, result.dtype, product)
        return result

    def _inplace_operator(self, a, b):
        """``a @= b``: NumPy passes ``axes=`` so that the result never broadcasts into ``a``
        (``matmul(a, b, out=a)`` with a 1-d ``b`` would)."""
        if self._spec.inplace_axes is None:
            return self(a, b, out=a)
        one_d, n_d = self._spec.inplace_axes
        try:
            return self(a, b, out=a, axes=list(one_d if a.ndim == 1 else n_d))
        except numpy.exceptions.AxisError:
            raise ValueError("inplace matrix multiplication requires the first operand to have "
                             "at least one and the second at least two dimensions.") from None

    # -- phases ----------------------------------------------------------------------------
    def _parse(self, args, out, casting, order, axes, axis, keepdims):
        nin, name = self.nin, self.__name__
        if not nin <= len(args) <= self.nargs:
            raise TypeError(f"{name}() takes from {nin} to {self.nargs} positional arguments "
                            f"but {len(args)} were given")
        if len(args) > nin:
            if out is not None:
                raise TypeError("cannot specify 'out' as both a positional and keyword argument")
            out = args[nin]
        outs = out if isinstance(out, tuple) else (out,)
        if len(outs) != self.nout:
            raise ValueError("The 'out' tuple must have exactly one entry per ufunc output")
        for o in outs:
            if o is not None and type(o) is not ndarray:
                raise TypeError("return arrays must be of ArrayType (cuarray.ndarray), not "
                                f"{type(o).__name__}")
        if axis is not None and axes is not None:
            raise TypeError("cannot specify both 'axis' and 'axes'")
        if keepdims is not None and type(keepdims) is not bool:
            raise TypeError("'keepdims' must be a boolean")
        if casting not in _CASTINGS:
            raise ValueError("casting must be one of 'no', 'equiv', 'safe', 'same_kind', "
                             f"'unsafe' (got {casting!r})")
        if order not in ("K", "A", "C", "F"):
            raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
        return args[:nin], outs

    def _resolve(self, inputs, dtype, signature, casting) -> tuple:
        """NumPy's loop dtypes (inputs..., output) for these inputs (NEP 50 weak scalars)."""
        dts = tuple(_key_of(x) for x in inputs)
        key = dts + ((dtype, signature, casting),)
        try:
            return self._memo[key]
        except KeyError:
            pass
        except TypeError:                   # an unhashable dtype argument
            key = None
        if dtype is not None:
            if signature is not None:
                raise TypeError("cannot specify both 'signature' and 'dtype'")
            signature = (None,) * self.nin + (numpy.dtype(dtype),) * self.nout
        kwargs = {"casting": casting}
        if signature is not None:
            kwargs["signature"] = signature
        loop = tuple(self._np.resolve_dtypes(dts + (None,) * self.nout, **kwargs))
        for d in loop:
            if not is_supported(d):
                raise TypeError(f"ufunc {self.__name__!r}: the loop for {dts} uses dtype {d}, "
                                "which cuarray does not support")
        if key is not None:
            self._memo[key] = loop
        return loop

    def _check_out(self, outs, loop, casting) -> None:
        for o, d in zip(outs, loop[self.nin:]):
            if o is not None and not numpy.can_cast(d, o.dtype, casting):
                raise numpy._core._exceptions._UFuncOutputCastingError(
                    self._np, casting, d, o.dtype, 0)

    # -- NumPy's gufunc shape rules (numpy/_core/src/umath/ufunc_object.c, nditer_constr.c) ----
    def _core_layout(self, ops, axes, axis, keepdims) -> "_Layout":
        """Check shapes as NumPy does and return sizes and strides of the loop and core dims.

        ``ops``: (shape, strides, f_contiguous) per operand, None for an output to allocate.
        """
        nin, nop, core = self.nin, self.nargs, self._core
        ncore = [len(c) for c in core]
        if keepdims is not None:
            self._check_keepdims()
        if axis is not None and len(set(lb for c in core for lb in c)) != 1:
            raise TypeError(f"{self.__name__}: axis can only be used with a single shared core "
                            f"dimension, not with the {len(set(lb for c in core for lb in c))} "
                            f"distinct ones implied by signature {self.signature}.")
        if keepdims:
            ncore[nin:] = [ncore[0]] * self.nout
        missing = self._drop_flexible(ops, ncore)
        bnd = max([len(op[0]) - ncore[i] for i, op in enumerate(ops) if op is not None] + [0])
        remap = [None] * nop
        if axes is not None:
            remap = self._parse_axes(axes, ops, ncore, bnd)
        elif axis is not None:
            remap = _parse_axis(axis, ops, ncore, bnd)
        sizes, core_axes = self._core_sizes(ops, ncore, missing, remap)
        iter_shape, op_axes = self._iter_axes(ops, ncore, missing, remap, sizes, bnd, keepdims,
                                              core_axes)
        lay = _Layout()
        lay.iter_shape = _broadcast(ops, op_axes, iter_shape, nin)
        lay.bnd, lay.op_axes, lay.core_axes, lay.nin = bnd, op_axes, core_axes, nin
        lay.size = {role: sizes[lb] for i in range(nop)
                    for role, lb in self._role_label[i].items()}
        return lay

    def _check_keepdims(self) -> None:
        core, nin = self._core, self.nin
        for i in range(1, self.nargs):
            want = len(core[0]) if i < nin else 0
            if len(core[i]) != want:
                kind, k = ("input", i) if i < nin else ("output", i - nin)
                raise TypeError(
                    f"{self.__name__} does not support keepdims: its signature {self.signature} "
                    f"requires {kind} {k} to have {len(core[i])} core dimensions, but keepdims "
                    "can only be used when all inputs have the same number of core dimensions "
                    "and all outputs have no core dimensions.")

    def _drop_flexible(self, ops, ncore) -> set:
        """Mark ``?`` dimensions missing where an operand has too few dimensions for them."""
        core, flexible, missing = self._core, set(self._flexible), set()
        for i, op in enumerate(ops):
            if op is None or len(op[0]) >= ncore[i]:
                continue
            nd = len(op[0])
            for label in core[i]:
                if label in flexible:
                    flexible.discard(label)
                    missing.add(label)
                    for i1 in range(self.nargs):
                        ncore[i1] -= core[i1].count(label)
                    if nd == ncore[i]:
                        break
            if nd < ncore[i]:
                raise ValueError(f"{self.__name__}: {self._which(i)} does not have enough "
                                 f"dimensions (has {nd}, gufunc core with signature "
                                 f"{self.signature} requires {ncore[i]})")
        return missing

    def _which(self, i) -> str:
        return f"Input operand {i}" if i < self.nin else f"Output operand {i - self.nin}"

    def _parse_axes(self, axes, ops, ncore, bnd) -> list:
        name, nin, nop = self.__name__, self.nin, self.nargs
        if not isinstance(axes, list):
            raise TypeError("axes should be a list.")
        if len(axes) != nop:
            if len(axes) != nin or any(self._core[nin:]):
                raise ValueError(f"axes should be a list with an entry for all {nop} inputs and "
                                 "outputs; entries for outputs can only be omitted if none of "
                                 "them has core axes.")
        remap = [None] * nop
        for i, item in enumerate(axes):
            nc = ncore[i]
            nd = len(ops[i][0]) if ops[i] is not None else bnd + nc
            if isinstance(item, tuple):
                if len(item) != nc:
                    raise numpy.exceptions.AxisError(
                        f"{name}: operand {i} has {nc} core dimensions, but {len(item)} "
                        "dimensions are specified by axes tuple.")
            elif nc == 1:
                item = (item,)
            else:
                try:
                    operator.index(item)
                except TypeError:
                    raise TypeError(f"{name}: axes item {i} should be a tuple.") from None
                raise numpy.exceptions.AxisError(f"{name}: operand {i} has {nc} core dimensions, "
                                                 "but the axes item is a single integer.")
            chosen = []
            for a in item:
                a = _normalize_axis(a, nd)
                if a in chosen:
                    raise ValueError(f"axes item {i} has value {a} repeated")
                chosen.append(a)
            rest = [a for a in range(nd) if a not in chosen]
            remap[i] = rest[:nd - nc] + chosen
        return remap

    def _core_sizes(self, ops, ncore, missing, remap):
        sizes, core_axes = {}, [{} for _ in ops]
        for i, op in enumerate(ops):
            if op is None:
                continue
            start, delta = len(op[0]) - ncore[i], 0
            for idim, label in enumerate(self._core[i]):
                if label in missing:
                    size, delta = 1, delta + 1
                else:
                    ax = _remapped(remap, i, start + idim - delta)
                    size = op[0][ax]
                    core_axes[i][label] = ax
                if label not in sizes:
                    sizes[label] = size
                elif size != sizes[label]:
                    raise ValueError(
                        f"{self.__name__}: {self._which(i)} has a mismatch in its core dimension "
                        f"{idim - delta}, with gufunc signature {self.signature} (size {size} is "
                        f"different from {sizes[label]})")
        for i in range(self.nin, self.nargs):
            for idim, label in enumerate(self._core[i]):
                if label not in sizes:
                    raise ValueError(f"{self.__name__}: Output operand {i - self.nin} has core "
                                     f"dimension {idim} unspecified, with gufunc signature "
                                     f"{self.signature}")
        return sizes, core_axes

    def _iter_axes(self, ops, ncore, missing, remap, sizes, bnd, keepdims, core_axes):
        """NumPy's iterator set-up: the loop dims, then every output's core dims.

        Per operand, the operand axis behind each iterator dim: an int (-1: a new axis),
        or None where an input meets an output's core dim (a "reduction" axis there).
        """
        iter_shape, owned = [-1] * bnd, {}
        for i in range(self.nin, self.nargs):
            n_loop = len(ops[i][0]) - ncore[i] if ops[i] is not None else bnd
            axes_i = []
            if keepdims:
                for idim in range(ncore[i]):
                    iter_shape.append(1)
                    axes_i.append(_remapped(remap, i, n_loop + idim))
            else:
                removed = 0
                for idim, label in enumerate(self._core[i]):
                    if label in missing:
                        removed += 1
                        continue
                    iter_shape.append(sizes[label])
                    axes_i.append(_remapped(remap, i, n_loop + idim - removed))
                    core_axes[i][label] = axes_i[-1]
            owned[i] = (len(iter_shape) - len(axes_i), axes_i)
        op_axes = []
        for i, op in enumerate(ops):
            n_loop = len(op[0]) - ncore[i] if op is not None else bnd
            axes_i = [_remapped(remap, i, d - (bnd - n_loop)) if d >= bnd - n_loop else -1
                      for d in range(bnd)] + [None] * (len(iter_shape) - bnd)
            if i in owned:
                first, own = owned[i]
                axes_i[first:first + len(own)] = own
            op_axes.append(axes_i)
        return iter_shape, op_axes

    # -- the product ------------------------------------------------------------------------
    def _launch(self, loop, a, b, c, lay):
        """Compute c = a @ b; returns the prepared product when another call with operands
        of the same dtypes and layouts can reuse it (no copies were made here), else None."""
        dt = loop[-1]
        n, k, m = (lay.size.get(r, 1) for r in _ROLES)
        if dt.char not in _BLAS_CHARS or not k or (n == 1 and m == 1) or c.dtype != dt:
            product = self._prepare(loop, a, b, c, lay, None)
            product(a, b, c)
            return product
        conj = self._spec.conj_first and dt.kind == "c"
        reusable = a.dtype == dt and b.dtype == dt
        if not reusable:
            if n * m * k < _CAST_MIN:        # small: the kernel casts while it loads
                product = self._prepare(loop, a, b, c, lay, None)
                product(a, b, c)
                return product
            a, b = a.astype(dt, copy=False), b.astype(dt, copy=False)
        target, fixed = c, set()
        while True:     # copy each operand cuBLAS cannot take at most once, then plan again
            product = self._prepare(loop, a, b, target, lay, conj)
            why = product.why
            if why not in ("a", "b", "c") or why in fixed:
                break
            fixed.add(why)
            if why == "a":
                a = a.copy()
            elif why == "b":
                b = b.copy()
            else:
                target = _nd._empty(c._shape, dt)
            reusable = False
        product(a, b, target)
        if target is not c:
            from .._engine.copy import copy_into
            copy_into(c, target)
        return product if reusable else None

    def _prepare(self, loop, a, b, c, lay, conj) -> "_Product":
        """Plan one product for these operand layouts: the kernel's launch, and the cuBLAS
        calls when ``conj`` is not None (whether A is conjugated)."""
        n, k, m = (lay.size.get(r, 1) for r in _ROLES)
        (la, ca), (lb, cb), (lc, cc) = (self._strides(x, lay, i) for i, x in enumerate((a, b, c)))
        cshape, (la, lb, lc) = collapse(lay.iter_shape[:lay.bnd], [la, lb, lc])
        batch = 1
        for s in cshape:
            batch *= s
        st = (ca.get("n", 0), ca.get("k", 0), cb.get("k", 0), cb.get("m", 0),
              cc.get("n", 0), cc.get("m", 0))
        spans = ((n - 1) * abs(st[0]) + (k - 1) * abs(st[1]),
                 (k - 1) * abs(st[2]) + (m - 1) * abs(st[3]),
                 (n - 1) * abs(st[4]) + (m - 1) * abs(st[5]))
        spans = [span + sum((s - 1) * abs(t) for s, t in zip(cshape, loop_st))
                 for span, loop_st in zip(spans, (la, lb, lc))]
        index = "int" if max([batch * n * m, k, *spans]) < _INT32_LIMIT else "long long"
        variant, grid, block = _plan(n, m, k, batch, st)
        tail = [n, m, k, *st, batch]
        for d in range(len(cshape)):
            tail += [cshape[d], la[d], lb[d], lc[d]]
        p = _Product()
        p.owner, p.kernel_key = self, ((a.dtype, b.dtype, c.dtype), loop, len(cshape), index,
                                       variant)
        p.fn, p.grid, p.block, p.tail = None, grid, block, tuple(tail)
        p.gemm, p.why, p.char = None, None, loop[-1].char
        if conj is not None:
            p.gemm, p.why = _blas().plan_gemm(n, m, k, st, loop[-1].itemsize, cshape,
                                              (la, lb, lc), conj)
        return p

    def _strides(self, x, lay, i):
        """Operand ``i``'s byte strides: over the loop dims, and by product role."""
        shape, strides = x._shape, x._strides
        loop = tuple(strides[ax] if ax >= 0 and shape[ax] != 1 else 0
                     for ax in lay.op_axes[i][:lay.bnd])
        core = {}
        for role, label in self._role_label[i].items():
            ax = lay.core_axes[i].get(label)
            if ax is not None and shape[ax] != 1:
                core[role] = strides[ax]
        return loop, core

    def _kernel(self, storage, loop, nd, index, variant):
        key = (storage, loop, nd, index)
        entry = self._modules.get(key)
        if entry is None:
            from ..cuda.compiler import compile_with_cache
            base = kernel_base(self.__name__, storage, nd, index)
            text = gemm_source(base, storage, loop, self._spec.conj_first, nd, index)
            entry = self._modules[key] = (base, compile_with_cache(text))
        return entry[1].get_function(f"{entry[0]}_{variant}")


class _Product:
    """One planned product, callable on any operands of the planned dtypes and layouts:
    cuBLAS when a plan exists and the pointers are aligned, else the kernel (compiled on
    first use)."""

    __slots__ = ("owner", "kernel_key", "fn", "grid", "block", "tail", "gemm", "why", "char")

    def __call__(self, a, b, c) -> None:
        g = self.gemm
        if g is not None and _cublas.aligned(self.char, a._ptr, b._ptr, c._ptr):
            _cublas.run(g, self.char, a._ptr, b._ptr, c._ptr)
            return
        fn = self.fn
        if fn is None:
            fn = self.fn = self.owner._kernel(*self.kernel_key)
        fn(self.grid, self.block, (a._ptr, b._ptr, c._ptr) + self.tail)


class _Layout:
    """What ``_core_layout`` found, in NumPy's iterator terms.

    ``iter_shape``: the broadcast loop dims (the first ``bnd``), then the output's core
    dims; ``op_axes[i][d]``: operand i's axis behind iterator dim d (-1 a new axis, None
    an input at an output core dim); ``core_axes[i]``: label -> axis; ``size``: role -> size.
    """

    __slots__ = ("iter_shape", "bnd", "op_axes", "core_axes", "size", "nin")


# -- helpers: signature, operands ---------------------------------------------------------------
def _parse_signature(sig: str):
    """NumPy's core signature -> (labels per operand, set of flexible labels)."""
    lhs, rhs = sig.replace(" ", "").split("->")
    groups = [tuple(d for d in g.split(",") if d)
              for side in (lhs, rhs) for g in re.findall(r"\(([^)]*)\)", side)]
    flexible = frozenset(d[:-1] for g in groups for d in g if d.endswith("?"))
    return [tuple(d.rstrip("?") for d in g) for g in groups], flexible


def _validate(spec: GufuncSpec, core) -> None:
    """Each operand's labels must take the roles of A (n, k), B (k, m) and C (n, m)."""
    allowed = ({"n", "k"}, {"k", "m"}, {"n", "m"})
    if len(core) != 3:
        raise ValueError(f"{spec.name}: a product gufunc has two inputs and one output")
    for labels, ok in zip(core, allowed):
        roles = [spec.roles.get(lb) for lb in labels]
        if None in roles or not set(roles) <= ok or len(set(roles)) != len(roles):
            raise ValueError(f"{spec.name}: roles {dict(spec.roles)} do not fit NumPy's "
                             f"signature {getattr(numpy, spec.name).signature}")


def _geometry(x):
    """(shape, strides, F-contiguous) of an operand; a scalar is 0-d (NumPy rejects it with
    a shape error)."""
    if isinstance(x, ndarray):
        return x._shape, x._strides, x._f
    return (), (), True


def _remapped(remap, i, ax):
    return remap[i][ax] if remap[i] is not None else ax


def _normalize_axis(a, nd) -> int:
    a = operator.index(a)
    if not -nd <= a < nd:
        raise numpy.exceptions.AxisError(a, nd)
    return a % nd if nd else a


def _parse_axis(axis, ops, ncore, bnd) -> list:
    axis = operator.index(axis)
    remap = []
    for i, op in enumerate(ops):
        if ncore[i] == 0:
            remap.append(None)
            continue
        nd = len(op[0]) if op is not None else bnd + 1
        a = _normalize_axis(axis, nd)
        remap.append(None if a == nd - 1 else [d for d in range(nd) if d != a] + [a])
    return remap


# -- NumPy's iterator: broadcasting the loop dims, the output's layout --------------------------
def _shape_text(vals, ending="") -> str:
    """NumPy's ``convert_shape_to_string``: leading new axes dropped, others "newaxis"."""
    i = 0
    while i < len(vals) and vals[i] < 0:
        i += 1
    if i == len(vals):
        return "()" + ending
    text = ",".join(["newaxis" if v < 0 else str(v) for v in vals[i:]])
    return (f"({text},)" if len(vals) == 1 else f"({text})") + ending


def _broadcast(ops, op_axes, iter_shape, nin) -> list:
    """The iterator's shape, with NumPy's errors: inputs broadcast; outputs must not."""
    bshape = [1 if s < 0 else s for s in iter_shape]
    for i, op in enumerate(ops):
        if op is None:
            continue
        for d, ax in enumerate(op_axes[i]):
            if ax is not None and ax >= 0:
                s = op[0][ax]
                if bshape[d] == 1:
                    bshape[d] = s
                elif s not in (1, bshape[d]):
                    _broadcast_error(ops, op_axes, iter_shape)
    if any(s == 1 and b != 1 for s, b in zip(iter_shape, bshape)):
        _broadcast_error(ops, op_axes, iter_shape)
    for d in reversed(range(len(bshape))):     # NumPy checks the innermost dim first
        if bshape[d] == 1:
            continue
        for i in range(nin, len(ops)):
            ax = op_axes[i][d]
            if ops[i] is None or ax is None:
                continue
            shape = ops[i][0]
            if ax < 0:
                raise ValueError(f"output operand requires a reduction along dimension {ax}, but "
                                 "the reduction is not enabled. The dimension size of 1 does not "
                                 "match the expected output shape.")
            if shape[ax] == 1:
                remapped = [shape[a] if a is not None and 0 <= a < len(shape) else -1
                            for a in reversed(op_axes[i])]
                raise ValueError(f"non-broadcastable output operand with shape "
                                 f"{_shape_text(shape)} [remapped to {_shape_text(remapped)}] "
                                 f"doesn't match the broadcast shape {_shape_text(bshape)}")
    return bshape


def _broadcast_error(ops, op_axes, iter_shape):
    parts = []
    for op, axes in zip(ops, op_axes):
        if op is not None:
            shape = op[0]
            remapped = [shape[a] if a is not None and 0 <= a < len(shape) else -1 for a in axes]
            parts.append(_shape_text(shape, "->") + _shape_text(remapped, " "))
    raise ValueError("operands could not be broadcast together with remapped shapes "
                     f"[original->remapped]: {''.join(parts)} and requested shape "
                     f"{_shape_text(iter_shape)}")


def out_geometry(lay, ops, itemsize, order) -> tuple:
    """(shape, strides) of the output NumPy's iterator would allocate: ``order`` over the
    iterator dims; 'K' follows the inputs' strides, which leaves the core dims innermost."""
    axes, shape = lay.op_axes[lay.nin], lay.iter_shape
    nd = len(shape)
    if order == "A":
        order = "F" if all(op[2] for op in ops[:lay.nin]) else "C"
    if order == "K":
        fastest_first = best_axis_order(
            [_iter_strides(op, lay, i) for i, op in enumerate(ops[:lay.nin])], nd)
    else:
        fastest_first = list(range(nd)) if order == "F" else list(range(nd - 1, -1, -1))
    out_shape, strides, step = [0] * nd, [0] * nd, itemsize
    for d in fastest_first:
        out_shape[axes[d]] = shape[d]
        strides[axes[d]] = step
        step *= shape[d]
    return tuple(out_shape), tuple(strides)


def _allocate(shape, strides, dt) -> ndarray:
    size = 1
    for s in shape:
        size *= s
    base = _nd._empty((size,), dt)
    out = _nd._new(ndarray)
    _nd._init(out, shape, strides, dt, base._mp, base._ptr, None)
    return out


def _iter_strides(op, lay, i) -> list:
    shape, strides = op[0], op[1]
    return [strides[ax] if ax is not None and ax >= 0 and b != 1 and shape[ax] != 1 else 0
            for ax, b in zip(lay.op_axes[i], lay.iter_shape)]


def _detach(x, out) -> ndarray:
    """NumPy computes as if inputs were copied first: copy an input that overlaps the output
    (even an identical view: each output element reads a whole row and column)."""
    return x.copy() if _overlaps(x, out) else x


def _overlaps(x, out) -> bool:
    if not x.size:
        return False
    lo, hi = _span(x)
    olo, ohi = _span(out)
    return lo < ohi and olo < hi


# -- kernels ------------------------------------------------------------------------------------
_TILE, _ROWS, _DOT_THREADS = 32, 8, 256
_TILED_GRID_YZ = 65535
_DOT_GRID = 2**18          # x block-stride step * outputs per block stays below 2**25


def _plan(n, m, k, batch, st):
    """(variant, grid, block) for one product; st = (a_n, a_k, b_k, b_m, c_n, c_m).

    The tiled GEMM suits products with many rows and columns.  A matrix-vector product,
    a dot product, or few outputs over a long k go to the ``dot`` kernel (G threads per
    output along k), unless the matrix is stored along the other axis and has enough
    rows (or columns) to fill the GPU with tiles, whose loads coalesce either way.
    """
    outputs = batch * n * m
    if n == 1 or m == 1 or k == 0:
        if n == 1 and m == 1 or k == 0:
            use_dot = True
        elif m == 1:        # C = A x: the dot kernel reads rows of A
            use_dot = abs(st[1]) <= abs(st[0]) or n * batch < 256
        else:               # C = x B: the dot kernel reads columns of B
            use_dot = abs(st[2]) <= abs(st[3]) or m * batch < 256
    else:
        use_dot = outputs <= 4096 and k >= 1024
    if not use_dot:
        grid = (min((m + _TILE - 1) // _TILE, 2**31 - 1),
                min((n + _TILE - 1) // _TILE, _TILED_GRID_YZ), min(batch, _TILED_GRID_YZ))
        return "tiled", grid, (_TILE, _ROWS, 1)
    if k <= 64:
        g = 4
    elif outputs >= 2048 or k <= 1024:
        g = 32
    else:
        g = 256
    per_block = _DOT_THREADS // g
    return f"dot{g}", (min((outputs + per_block - 1) // per_block, _DOT_GRID), 1, 1), \
        (_DOT_THREADS, 1, 1)


VARIANTS = ("tiled", "dot4", "dot32", "dot256")


def kernel_base(name, storage, nd, index) -> str:
    """Symbols carry the gufunc, the operand dtypes, the loop ndim and the index width."""
    bits = "i32" if index == "int" else "i64"
    return f"cuarray_{name}__{'_'.join(d.name for d in storage)}__b{nd}_{bits}"


def accumulator(dt: numpy.dtype) -> numpy.dtype:
    """The type a loop of dtype ``dt`` sums in: NumPy's float16 loops sum in float32;
    integers sum unsigned (at least 32-bit), whose wrap-around is defined and agrees modulo
    2**bits with NumPy's overflow in the loop's own type; bool is "or" of "and"."""
    if dt.kind in "iu":
        return numpy.dtype("uint64" if dt.itemsize == 8 else "uint32")
    if dt.char == "e":
        return numpy.dtype("float32")
    return dt


def gemm_source(base, storage, loop, conj_first, nd, index) -> str:
    """The source of one program holding every kernel variant of one product.

    Names are unique per ``base``, so sources for several dtypes can share one program.
    ``storage``: dtypes of A, B, C in memory; ``loop``: NumPy's loop dtypes (inputs,
    output); values are cast storage -> loop dtype -> accumulator and back, as NumPy's
    casting plus inner loop would.
    """
    from .._engine.source import convert, includes
    (sa, sb, sc), (la, lb, lc) = storage, loop
    acc = accumulator(lc)
    load_a = convert(convert(f"*reinterpret_cast<const {ctype(sa)}*>(p)", sa, la), la, acc)
    load_b = convert(convert(f"*reinterpret_cast<const {ctype(sb)}*>(p)", sb, lb), lb, acc)
    if conj_first and acc.kind == "c":
        load_a = f"cuarray::conj({load_a})"
    if acc.kind == "b":
        madd, add = "s = s || (a && b);", "s = s || x;"
    else:
        madd, add = "s += a * b;", "s += x;"
    store = convert(convert("s", acc, lc), lc, sc)
    f = "static __device__ __forceinline__"
    lines = [includes(list(storage) + list(loop) + [acc]) + "#include <cuarray/gemm.cuh>",
             "namespace {", f"struct {base}_traits {{", f"  typedef {ctype(acc)} acc;",
             f"  {f} acc zero() {{ return acc(0); }}",
             f"  {f} acc load_a(const char* p) {{ return {load_a}; }}",
             f"  {f} acc load_b(const char* p) {{ return {load_b}; }}",
             f"  {f} void madd(acc& s, const acc& a, const acc& b) {{ {madd} }}",
             f"  {f} void add(acc& s, const acc& x) {{ {add} }}",
             f"  {f} void store(char* p, const acc& s) "
             f"{{ *reinterpret_cast<{ctype(sc)}*>(p) = {store}; }}",
             "};", "}  // namespace", ""]
    params = ["const char* __restrict__ A", "const char* __restrict__ B", "char* __restrict__ C"]
    params += [f"const {index} {p}" for p in ("n", "m", "k", "a_n", "a_k", "b_k", "b_m", "c_n",
                                              "c_m", "batch")]
    for d in range(nd):
        params += [f"const {index} {p}{d}" for p in ("s", "sa", "sb", "sc")]
    setup = [f"  const cuarray::gemm::Problem<{index}> p = "
             "{n, m, k, a_n, a_k, b_k, b_m, c_n, c_m, batch};",
             f"  cuarray::gemm::Batch<{index}, {nd}> bt;"]
    for d in range(nd):
        setup.append(f"  bt.shape[{d}] = s{d}; bt.a[{d}] = sa{d}; bt.b[{d}] = sb{d}; "
                     f"bt.c[{d}] = sc{d};")
    for variant in VARIANTS:
        call = (f"cuarray::gemm::tiled<{base}_traits, {index}, {nd}>" if variant == "tiled" else
                f"cuarray::gemm::dot<{base}_traits, {index}, {nd}, {variant[3:]}>")
        lines += [f'extern "C" __global__ void __launch_bounds__(256) {base}_{variant}(',
                  "    " + ", ".join(params) + ") {", *setup, f"  {call}(A, B, C, p, bt);", "}",
                  ""]
    return "\n".join(lines)
