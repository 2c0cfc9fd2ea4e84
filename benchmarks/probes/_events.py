"""The probes' timer: median milliseconds of ``fn`` between CUDA events, after warm-up."""


def median_ms(lib, fn, reps=20, warmup=3) -> float:
    """``lib``: cuarray or cupy (anything with ``cuda.Event`` and ``cuda.get_elapsed_time``)."""
    s, e = lib.cuda.Event(), lib.cuda.Event()
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        s.record()
        fn()
        e.record()
        e.synchronize()
        times.append(lib.cuda.get_elapsed_time(s, e))
    times.sort()
    return times[len(times) // 2]
