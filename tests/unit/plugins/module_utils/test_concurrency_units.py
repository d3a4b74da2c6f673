"""The adaptive limiter and the worker pool."""
import threading
import time

from ansible_collections.vastops.asbuilt.plugins.module_utils.concurrency import AdaptiveLimiter, WorkerPool


def test_aimd_halves_once_per_congestion_event_and_grows_back():
    limiter = AdaptiveLimiter(8, growth_after=4)
    tickets = [limiter.acquire() for _ in range(8)]
    for ticket in tickets:  # eight overloaded answers from the same epoch: one halving
        limiter.release(ticket, "overload")
    assert limiter.limit == 4 and limiter.decreases == 1
    for _ in range(3):
        limiter.release(limiter.acquire(), "overload")
    assert limiter.limit == 1  # 4 -> 2 -> 1 and never below 1
    for _ in range(4 * 20):
        limiter.release(limiter.acquire(), "ok", 0.01)
    assert limiter.limit == 8  # grows by one per healthy run, capped at max
    summary = limiter.summary()
    assert summary["lowest"] == 1 and summary["settled"] == 8 and summary["max"] == 8


def test_growth_back_to_the_overload_ceiling_is_slow_then_free_again():
    limiter = AdaptiveLimiter(8, initial=4, growth_after=4)
    limiter.release(limiter.acquire(), "overload")          # throttled at 4 in flight
    assert limiter.limit == 2 and limiter.summary()["ceiling"] == 4
    for _ in range(4):
        limiter.release(limiter.acquire(), "ok", 0.01)
    assert limiter.limit == 3                                 # below the ceiling: quick
    for _ in range(4 * 8 - 1):
        limiter.release(limiter.acquire(), "ok", 0.01)
    assert limiter.limit == 3                                 # reaching the ceiling again takes PROBE_FACTOR x longer
    limiter.release(limiter.acquire(), "ok", 0.01)
    assert limiter.limit == 4 and limiter.ceiling is None     # probed: quick growth again above it
    for _ in range(4):
        limiter.release(limiter.acquire(), "ok", 0.01)
    assert limiter.limit == 5


def test_slow_answers_do_not_grow():
    limiter = AdaptiveLimiter(4, initial=2, growth_after=2)
    limiter.release(limiter.acquire(), "ok", 0.01)
    for _ in range(10):
        limiter.release(limiter.acquire(), "ok", 1.0)
    assert limiter.limit == 2


def test_limit_bounds_in_flight():
    limiter = AdaptiveLimiter(3)
    pool = WorkerPool(10)
    in_flight, peak, lock = [0], [0], threading.Lock()

    def work():
        ticket = limiter.acquire()
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.02)
        with lock:
            in_flight[0] -= 1
        limiter.release(ticket, "ok", 0.02)

    results = pool.run_parallel(dict((i, work) for i in range(30)))
    pool.shutdown()
    assert all(ok for ok, dummy in results.values()) and peak[0] == 3 == limiter.peak_in_flight


def test_acquire_deadline():
    limiter = AdaptiveLimiter(1)
    limiter.acquire()
    assert limiter.acquire(deadline=time.monotonic() + 0.05) is None


def test_run_parallel_returns_exceptions_and_ordered_map_keeps_order():
    pool = WorkerPool(4)

    def boom():
        raise ValueError("x")

    results = pool.run_parallel([("a", lambda: 1), ("b", boom)])
    assert results["a"] == (True, 1) and results["b"][0] is False and isinstance(results["b"][1], ValueError)
    got = list(pool.ordered_map(lambda n: (time.sleep(0.01 * (5 - n)), n)[1], range(5), window=3))
    assert got == [0, 1, 2, 3, 4]
    pool.shutdown()


def test_ordered_map_budget_bounds_results_across_callers():
    import threading as _threading
    pool = WorkerPool(6)
    budget = _threading.BoundedSemaphore(4)
    held, peak, lock = [0], [0], _threading.Lock()

    def fetch(n):
        with lock:
            held[0] += 1
            peak[0] = max(peak[0], held[0])
        time.sleep(0.005)
        return n

    def consume(out):
        for value in pool.ordered_map(fetch, range(30), window=6, budget=budget):
            with lock:
                held[0] -= 1
            out.append(value)
            time.sleep(0.002)

    outs = [[], [], []]
    threads = [_threading.Thread(target=consume, args=(o,)) for o in outs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pool.shutdown()
    assert all(o == list(range(30)) for o in outs)
    assert peak[0] <= 4 + 3  # the budget, plus at most one token-less call per waiting caller


def test_ordered_map_nested_on_two_threads_does_not_deadlock():
    import threading as _threading
    pool = WorkerPool(4)
    budget = _threading.BoundedSemaphore(2)
    done = []

    def outer():
        for dummy in pool.ordered_map(lambda n: n, range(4), window=2, budget=budget):
            list(pool.ordered_map(lambda n: n, range(3), window=2, budget=budget))
        done.append(1)

    threads = [_threading.Thread(target=outer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    pool.shutdown()
    assert done == [1, 1]
