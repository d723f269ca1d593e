"""What a process remembers of the upstream's answers to `select=-field`, and
for how long. The clock is a plain function the memory reads; these tests hand
it their own, so time passes without waiting."""

from accounts_graph.upstream.dropping import DropMemory

DROP = ("address", "groups")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_accepted_shape_makes_a_400_the_requests_own_for_a_while() -> None:
    clock = Clock()
    memory = DropMemory(memory=300, clock=clock)
    assert memory.worth_retrying("accounts", DROP)

    memory.accept("accounts", DROP)
    clock.now += 299
    trusted = memory.worth_retrying("accounts", DROP)
    clock.now += 1
    # Not seen accepted for the whole memory: perhaps the platform changed.
    doubted = memory.worth_retrying("accounts", DROP)

    assert (trusted, doubted) == (False, True)
    assert memory.worth_retrying("buyers", DROP)
    assert not memory.worth_retrying("accounts", ())


def test_a_refused_shape_drops_nothing_until_it_is_tried_again() -> None:
    clock = Clock()
    memory = DropMemory(memory=300, clock=clock)

    memory.refuse("sellers", DROP)
    during = memory.allowed("sellers", DROP)
    clock.now += 300
    after = memory.allowed("sellers", DROP)
    memory.accept("sellers", DROP)
    clock.now += 1

    assert (during, after) == ((), DROP)
    assert memory.allowed("sellers", DROP) == DROP
    assert not memory.worth_retrying("sellers", DROP)


def test_a_refusal_replaces_an_acceptance() -> None:
    memory = DropMemory(clock=Clock())
    memory.accept("users", DROP)

    memory.refuse("users", DROP)

    assert memory.allowed("users", DROP) == ()
    assert memory.worth_retrying("users", DROP)
