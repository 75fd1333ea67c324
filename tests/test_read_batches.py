"""read_batches.Batcher: requests that wait while a statement is out go together in the next one, never in one
already sent; each gets its own result; a failure reaches each request of its batch and only those."""

from __future__ import annotations

import asyncio

import pytest

from smartassist.read_batches import Batcher


class Recorder:
    """A send() that records each batch and holds it until released, answering item * 10."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.gates: list[asyncio.Event] = []

    async def send(self, items: list[int]) -> list[int]:
        self.batches.append(list(items))
        gate = asyncio.Event()
        self.gates.append(gate)
        await gate.wait()
        if -1 in items:
            raise RuntimeError("database said no")
        return [item * 10 for item in items]


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_requests_made_while_one_is_out_go_together_in_the_next() -> None:
    async def scenario() -> tuple[list[list[int]], list[int]]:
        recorder = Recorder()
        batcher = Batcher(recorder.send, max_in_flight=1)
        first = asyncio.ensure_future(batcher(1))
        await settle()
        assert recorder.batches == [[1]]  # sent at once, alone
        later = [asyncio.ensure_future(batcher(n)) for n in (2, 3, 4)]
        await settle()
        assert recorder.batches == [[1]]  # they wait: none joins the statement already sent
        recorder.gates[0].set()
        await settle()
        assert recorder.batches == [[1], [2, 3, 4]]
        recorder.gates[1].set()
        return recorder.batches, [await each for each in (first, *later)]

    batches, results = asyncio.run(scenario())
    assert batches == [[1], [2, 3, 4]]
    assert results == [10, 20, 30, 40]


def test_at_most_max_in_flight_out_and_max_batch_a_statement() -> None:
    async def scenario() -> list[list[int]]:
        recorder = Recorder()
        batcher = Batcher(recorder.send, max_in_flight=2, max_batch=3)
        tasks = [asyncio.ensure_future(batcher(n)) for n in range(8)]
        await settle()
        assert len(recorder.batches) == 2  # two out, the rest waiting
        while not all(task.done() for task in tasks):
            for gate in recorder.gates:
                gate.set()
            await settle()
        assert [task.result() for task in tasks] == [n * 10 for n in range(8)]
        return recorder.batches

    batches = asyncio.run(scenario())
    assert all(len(batch) <= 3 for batch in batches)
    assert sorted(item for batch in batches for item in batch) == list(range(8))


def test_a_failed_statement_fails_its_own_requests_only() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        batcher = Batcher(recorder.send, max_in_flight=1)
        failing = [asyncio.ensure_future(batcher(n)) for n in (-1, 5)]
        await settle()
        after = asyncio.ensure_future(batcher(6))
        await settle()
        recorder.gates[0].set()
        await settle()
        recorder.gates[1].set()
        for task in failing:
            with pytest.raises(RuntimeError, match="database said no"):
                await task
        assert await after == 60
        assert recorder.batches == [[-1, 5], [6]]

    asyncio.run(scenario())


def test_a_request_whose_wait_was_cancelled_is_not_sent() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        batcher = Batcher(recorder.send, max_in_flight=1)
        first = asyncio.ensure_future(batcher(1))
        await settle()
        gone, kept = asyncio.ensure_future(batcher(2)), asyncio.ensure_future(batcher(3))
        await settle()
        gone.cancel()
        await settle()
        recorder.gates[0].set()
        await settle()
        recorder.gates[1].set()
        assert (await first, await kept) == (10, 30)
        assert gone.cancelled()
        assert recorder.batches == [[1], [3]]

    asyncio.run(scenario())
