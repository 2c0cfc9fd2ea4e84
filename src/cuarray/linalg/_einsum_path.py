"""einsum's planning, on shapes alone (no GPU): subscripts, label sizes, contraction paths.

* :func:`split_operands` and :func:`parse` read NumPy's two calling conventions (a
  subscripts string, or interleaved operands and sublists) with the rules and error
  messages of NumPy's C implementation (``c_einsum``): labels are ASCII letters,
  ``...`` stands for the broadcast dimensions, an implicit output takes the broadcast
  dimensions first and then every label seen once, in ASCII order.  Broadcast
  dimensions get the unused letters at the end of ``A-Za-z`` (right-aligned), as
  ``numpy.einsum_path`` names them.
* :func:`label_sizes` checks sizes (a dimension of size 1 broadcasts).
* :func:`plan_path` is ``numpy.einsum_path``'s cost model, greedy and optimal searches
  and report, so paths and reports agree with NumPy's.
"""

from __future__ import annotations

import itertools
import operator
from collections import Counter

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_LETTER_SET = frozenset(LETTERS)


# -- the two calling conventions -------------------------------------------------------------
def split_operands(args) -> tuple:
    """(subscripts string, operands) from ``einsum``'s positional arguments."""
    if not args:
        raise ValueError("must specify the einstein sum subscripts string and at least one "
                         "operand, or at least one operand and its corresponding subscripts "
                         "list")
    if isinstance(args[0], str):
        if len(args) < 2:
            raise ValueError("must specify the einstein sum subscripts string and at least "
                             "one operand")
        return args[0], list(args[1:])
    if len(args) < 2:
        raise ValueError("must provide at least an operand and a subscripts list to einsum")
    nop = len(args) // 2
    terms = [_sublist_text(args[2 * i + 1]) for i in range(nop)]
    text = ",".join(terms)
    if len(args) % 2:
        text += "->" + _sublist_text(args[-1])
    return text, [args[2 * i] for i in range(nop)]


def _sublist_text(sub) -> str:
    if not isinstance(sub, (list, tuple)):
        if not (hasattr(sub, "__len__") and hasattr(sub, "__getitem__")) or isinstance(sub, str):
            raise TypeError("the subscripts for each operand must be a list or a tuple")
        # Another sequence, e.g. an operand in a sublist's place: NumPy reads its items.
        raise TypeError("each subscript must be either an integer or an ellipsis")
    text, ellipsis = [], False
    for s in sub:
        if s is Ellipsis:
            if ellipsis:
                raise ValueError("each subscripts list may have only one ellipsis")
            ellipsis = True
            text.append("...")
            continue
        try:
            if isinstance(s, bool):
                raise TypeError
            s = operator.index(s)
        except TypeError:
            raise TypeError("each subscript must be either an integer or an ellipsis") from None
        if not 0 <= s < 52:
            raise ValueError("subscript is not within the valid range [0, 52)")
        text.append(LETTERS[s])
    return "".join(text)


# -- subscripts ---------------------------------------------------------------------------------
def parse(subscripts: str, ndims, sum_broadcast=False) -> tuple:
    """(input terms, output term) for operands of ``ndims`` dimensions: one letter per
    dimension (repeats allowed in inputs).  ``sum_broadcast``: an explicit output without
    ``...`` sums the broadcast dimensions (NumPy's Python path) instead of raising."""
    nop, pos, counts, labels = len(ndims), 0, Counter(), []
    for iop in range(nop):
        rest = subscripts[pos:]
        length = next((i for i, ch in enumerate(rest) if ch in ",-"), len(rest))
        stop = rest[length:length + 1]
        if iop == nop - 1 and stop == ",":
            raise ValueError("more operands provided to einstein sum function than specified "
                             "in the subscripts string")
        if iop < nop - 1 and stop != ",":
            raise ValueError("fewer operands provided to einstein sum function than specified "
                             "in the subscripts string")
        labels.append(_parse_term(rest[:length], ndims[iop], iop, counts))
        pos += length + (1 if iop < nop - 1 else 0)
    nbroadcast = max([lb.count(None) for lb in labels] + [0])
    rest = subscripts[pos:]
    if not rest:
        out = [None] * nbroadcast + sorted(c for c, n in counts.items() if n == 1)
    else:
        if not rest.startswith("->"):
            raise ValueError("einstein sum subscript string does not contain proper '->' "
                             "output specified")
        out = _parse_output(rest[2:], nbroadcast, counts, sum_broadcast)
    return _name_broadcast(labels, out, nbroadcast, counts)


def _parse_term(term, ndim, iop, counts) -> list:
    labels, ellipsis, i = [], -1, 0
    while i < len(term):
        ch = term[i]
        if ch in _LETTER_SET:
            if len(labels) >= ndim:
                raise ValueError("einstein sum subscripts string contains too many subscripts "
                                 f"for operand {iop}")
            labels.append(ch)
            counts[ch] += 1
        elif ch == ".":
            if ellipsis != -1 or term[i:i + 3] != "..." or i + 3 > len(term):
                raise ValueError("einstein sum subscripts string contains a '.' that is not "
                                 f"part of an ellipsis ('...') in operand {iop}")
            ellipsis, i = len(labels), i + 2
        elif ch != " ":
            raise ValueError(f"invalid subscript '{ch}' in einstein sum subscripts string, "
                             "subscripts must be letters")
        i += 1
    if ellipsis == -1:
        if len(labels) != ndim:
            raise ValueError("operand has more dimensions than subscripts given in einstein "
                             "sum, but no '...' ellipsis provided to broadcast the extra "
                             "dimensions.")
    else:
        labels[ellipsis:ellipsis] = [None] * (ndim - len(labels))
    return labels


def _parse_output(term, nbroadcast, counts, sum_broadcast) -> list:
    out, ellipsis, i = [], False, 0
    while i < len(term):
        ch = term[i]
        if ch in _LETTER_SET:
            if ch in term[i + 1:]:
                raise ValueError("einstein sum subscripts string includes output subscript "
                                 f"'{ch}' multiple times")
            if not counts[ch]:
                raise ValueError(f"einstein sum subscripts string included output subscript "
                                 f"'{ch}' which never appeared in an input")
            out.append(ch)
        elif ch == ".":
            if ellipsis or term[i:i + 3] != "...":
                raise ValueError("einstein sum subscripts string contains a '.' that is not "
                                 "part of an ellipsis ('...') in the output")
            ellipsis, i = True, i + 2
            out += [None] * nbroadcast
        elif ch != " ":
            raise ValueError(f"invalid subscript '{ch}' in einstein sum subscripts string, "
                             "subscripts must be letters")
        i += 1
    if not ellipsis and nbroadcast and not sum_broadcast:
        raise ValueError("output has more dimensions than subscripts given in einstein sum, "
                         "but no '...' ellipsis provided to broadcast the extra dimensions.")
    return out


def _name_broadcast(labels, out, nbroadcast, counts) -> tuple:
    """Letters for the broadcast dimensions (None): the last unused ones, right-aligned."""
    unused = sorted(_LETTER_SET - set(counts))
    if nbroadcast > len(unused):
        raise ValueError("einstein sum subscript string has too many distinct labels")
    names = unused[len(unused) - nbroadcast:]

    def fill(lb):
        k = lb.count(None)
        it = iter(names[nbroadcast - k:])
        return "".join(next(it) if c is None else c for c in lb)

    return [fill(lb) for lb in labels], fill(out)


def label_sizes(terms, shapes, numpy_path_message=False) -> dict:
    """Size of every label; a dimension of size 1 broadcasts against any size."""
    sizes = {}
    for iop, (term, shape) in enumerate(zip(terms, shapes)):
        seen = {}
        for ch, dim in zip(term, shape):
            if not numpy_path_message and ch in seen and seen[ch] != dim:
                raise ValueError(f"dimensions in operand {iop} for collapsing index '{ch}' "
                                 f"don't match ({seen[ch]} != {dim})")
            seen[ch] = dim
            old = sizes.get(ch)
            if old is None or old == 1:
                sizes[ch] = dim
            elif dim not in (1, old):
                if numpy_path_message:
                    raise ValueError(f"Size of label '{ch}' for operand {iop} ({old}) does not "
                                     f"match previous terms ({dim}).")
                raise ValueError("operands could not be broadcast together with remapped shapes "
                                 f"[original->remapped]: label '{ch}' has size {old} and "
                                 f"{dim} (operand {iop} shape {tuple(shape)})")
    return sizes


# -- numpy.einsum_path's cost model and searches ------------------------------------------------
def _size(labels, sizes) -> int:
    n = 1
    for ch in labels:
        n *= sizes[ch]
    return n


def _flops(labels, inner, nterms, sizes) -> int:
    factor = max(1, nterms - 1) + (1 if inner else 0)
    return _size(labels, sizes) * factor


def _contract(positions, sets, output) -> tuple:
    """(result labels, remaining sets with the result appended, removed, all involved)."""
    involved, keep, remaining = set(), set(output), []
    for i, s in enumerate(sets):
        if i in positions:
            involved |= s
        else:
            remaining.append(s)
            keep |= s
    result = keep & involved
    remaining.append(result)
    return result, remaining, involved - result, involved


def optimal_path(sets, output, sizes, limit) -> list:
    """Every order of pairwise contractions; the cheapest within the memory limit."""
    results = [(0, [], sets)]
    for step in range(len(sets) - 1):
        found = []
        for cost, path, remaining in results:
            for pair in itertools.combinations(range(len(sets) - step), 2):
                result, rest, removed, involved = _contract(pair, remaining, output)
                if _size(result, sizes) > limit:
                    continue
                found.append((cost + _flops(involved, removed, 2, sizes), path + [pair], rest))
        if not found:
            path = min(results, key=lambda r: r[0])[1]
            return path + [tuple(range(len(sets) - step))]
        results = found
    if not results:
        return [tuple(range(len(sets)))]
    return min(results, key=lambda r: r[0])[1]


def _candidate(pair, sets, output, sizes, limit, path_cost, naive_cost):
    result, rest, removed, involved = _contract(pair, sets, output)
    new_size = _size(result, sizes)
    if new_size > limit:
        return None
    freed = sum(_size(sets[p], sizes) for p in pair) - new_size
    cost = _flops(involved, removed, len(pair), sizes)
    if path_cost + cost > naive_cost:
        return None
    return [(-freed, cost), pair, rest]


def _shift(candidates, best) -> list:
    """Candidates not touching the best pair, re-indexed after it was contracted."""
    bx, by = best[1]
    kept = []
    for key, (x, y), rest in candidates:
        if x in best[1] or y in best[1]:
            continue
        del rest[by - int(by > x) - int(by > y)]
        del rest[bx - int(bx > x) - int(bx > y)]
        rest.insert(-1, best[2][-1])
        kept.append((key, (x - int(x > bx) - int(x > by), y - int(y > bx) - int(y > by)), rest))
    return kept


def greedy_path(sets, output, sizes, limit) -> list:
    """The pair that frees the most memory first (then the cheapest); outer products only
    when nothing else is left."""
    if len(sets) == 1:
        return [(0,)]
    if len(sets) == 2:
        return [(0, 1)]
    _, _, removed, involved = _contract(range(len(sets)), sets, output)
    naive_cost = _flops(involved, removed, len(sets), sizes)
    pairs = itertools.combinations(range(len(sets)), 2)
    known, path, path_cost = [], [], 0
    for _ in range(len(sets) - 1):
        for pair in pairs:
            if sets[pair[0]].isdisjoint(sets[pair[1]]):
                continue
            c = _candidate(pair, sets, output, sizes, limit, path_cost, naive_cost)
            if c is not None:
                known.append(c)
        if not known:
            for pair in itertools.combinations(range(len(sets)), 2):
                c = _candidate(pair, sets, output, sizes, limit, path_cost, naive_cost)
                if c is not None:
                    known.append(c)
            if not known:
                path.append(tuple(range(len(sets))))
                break
        best = min(known, key=lambda c: c[0])
        known = _shift(known, best)
        sets = best[2]
        last = len(sets) - 1
        pairs = ((i, last) for i in range(last))
        path.append(best[1])
        path_cost += best[0][1]
    return path


def path_kind(optimize) -> tuple:
    """(kind, explicit path or None, memory limit or None) from einsum's ``optimize``."""
    kind = "greedy" if optimize is True else (False if optimize is None else optimize)
    if kind is False or isinstance(kind, str):
        return kind, None, None
    if len(kind) and kind[0] == "einsum_path":
        return "explicit", list(kind[1:]), None
    if len(kind) == 2 and isinstance(kind[0], str) and isinstance(kind[1], (int, float)):
        return kind[0], None, int(kind[1])
    raise TypeError(f"Did not understand the path: {str(optimize)}")


def plan_path(terms, output, sizes, optimize, report=True) -> tuple:
    """numpy.einsum_path on parsed terms: (path, [(positions, einsum string, remaining)],
    report text or None)."""
    kind, explicit, limit = path_kind(optimize)
    sets = [set(t) for t in terms]
    out_set = set(output)
    indices = set("".join(terms))
    if limit is None:
        limit = max(_size(t, sizes) for t in list(terms) + [output])
    if explicit is not None:
        path = explicit
    elif kind is False or len(terms) in (1, 2) or indices == out_set:
        path = [tuple(range(len(terms)))]
    elif kind == "greedy":
        path = greedy_path(sets, out_set, sizes, limit)
    elif kind == "optimal":
        path = optimal_path(sets, out_set, sizes, limit)
    else:
        raise KeyError("Path name %s not found", kind)
    inputs, steps, costs, scales, sizes_out = list(terms), [], [], [], []
    for num, positions in enumerate(path):
        positions = tuple(sorted(positions, reverse=True))
        result, sets, removed, involved = _contract(positions, sets, out_set)
        costs.append(_flops(involved, removed, len(positions), sizes))
        scales.append(len(involved))
        sizes_out.append(_size(result, sizes))
        taken = [inputs.pop(x) for x in positions]
        if num == len(path) - 1:
            new = output
        else:
            new = "".join(ch for _, ch in sorted((sizes[ch], ch) for ch in result))
        inputs.append(new)
        steps.append((positions, ",".join(taken) + "->" + new, inputs[:]))
    if len(inputs) != 1:
        raise RuntimeError(f"Invalid einsum_path is specified: {len(inputs) - 1} more operands "
                           "has to be contracted.")
    text = _report(terms, output, sizes, indices, steps, costs, scales, sizes_out) \
        if report else None
    return ["einsum_path"] + list(path), steps, text


def _report(terms, output, sizes, indices, steps, costs, scales, sizes_out) -> str:
    inner = sum(len(set(t)) for t in terms) - len(indices) > 0
    naive = _flops(indices, inner, len(terms), sizes)
    opt = sum(costs) + 1
    lines = [f"  Complete contraction:  {','.join(terms)}->{output}",
             f"         Naive scaling:  {len(indices)}",
             "     Optimized scaling:  %d" % max(scales),
             f"      Naive FLOP count:  {naive:.3e}",
             f"  Optimized FLOP count:  {opt:.3e}",
             f"   Theoretical speedup:  {naive / opt:3.3f}",
             f"  Largest intermediate:  {max(sizes_out):.3e} elements",
             "-" * 74,
             "%6s %24s %40s" % ("scaling", "current", "remaining"),
             "-" * 74]
    text = "\n".join(lines)
    for (_, current, remaining), scale in zip(steps, scales):
        text += "\n%4d    %24s %40s" % (scale, current, ",".join(remaining) + "->" + output)
    return text
