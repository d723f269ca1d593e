"""DataLoader batches as telemetry: the batch-size histogram and one span per
batch, parent of the upstream requests the batch sends."""

from collections.abc import Iterator
from contextlib import contextmanager

from accounts_graph.telemetry import current_telemetry


@contextmanager
def loader_batch(resource: str, key: str, size: int) -> Iterator[None]:
    """Record one batch of `size` keys of `resource` loaded by `key`."""
    telemetry = current_telemetry()
    if telemetry is None:
        yield
        return
    if telemetry.metrics is not None:
        telemetry.metrics.batches.labels(resource, key).observe(size)
    if telemetry.tracer is None:
        yield
        return
    with telemetry.tracer.start_as_current_span(
        f"load {resource} by {key}",
        attributes={
            "accounts_graph.loader.resource": resource,
            "accounts_graph.loader.key": key,
            "accounts_graph.loader.batch_size": size,
        },
    ):
        yield
