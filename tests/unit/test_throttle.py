"""identity.throttle: the per-process sliding window."""

from identity.throttle import Throttle


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_allows_up_to_the_limit_then_refuses():
    throttle = Throttle(2, 60, clock=Clock())
    assert [throttle.allow("ip") for _ in range(3)] == [True, True, False]


def test_keys_are_counted_apart():
    throttle = Throttle(1, 60, clock=Clock())
    assert throttle.allow("a") and throttle.allow("b")
    assert not throttle.allow("a")


def test_events_leave_the_window():
    clock = Clock()
    throttle = Throttle(1, 60, clock=clock)
    throttle.allow("ip")
    clock.now += 60
    assert throttle.allow("ip")


def test_refusals_are_not_counted():
    clock = Clock()
    throttle = Throttle(1, 60, clock=clock)
    throttle.allow("ip")
    clock.now += 30
    assert not throttle.allow("ip")
    clock.now += 30
    assert throttle.allow("ip")


def test_memory_stays_bounded():
    clock = Clock()
    throttle = Throttle(1, 60, clock=clock, max_keys=3)
    for key in "abc":
        throttle.allow(key)
    clock.now += 61
    throttle.allow("d")  # idle keys are forgotten to make room
    assert len(throttle._events) == 1
    for key in "efg":
        throttle.allow(key)
    assert len(throttle._events) <= 3
