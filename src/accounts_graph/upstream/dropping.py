"""What the Accounts API answered to `select=-field`, remembered per process.

The platform does not accept the subtractive form on every endpoint, and an
endpoint may take it for some fields and not for others. So each read that
drops fields learns from its answer, per collection and set of fields dropped:

- a success: the upstream accepts that request shape, and a later 400 to it is
  about the request itself (a bad filter), reported as it is, not retried;
- a 400, then a success when asked again without dropping: the upstream refuses
  that shape, and from then on such reads drop nothing.

What is learnt holds for `memory` seconds after it was last seen: the platform
is deployed while the facade runs, and a shape it stopped accepting would
otherwise fail every read of it until a restart (one it started accepting would
only cost bytes).
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

type Shape = tuple[str, tuple[str, ...]]

MEMORY = 300.0


@dataclass
class DropMemory:
    """The request shapes the upstream accepted or refused, and when that was
    last seen; shared by the sessions of one process."""

    memory: float = MEMORY
    clock: Callable[[], float] = time.monotonic
    accepted: dict[Shape, float] = field(default_factory=dict)
    refused: dict[Shape, float] = field(default_factory=dict)

    def allowed(self, collection: str, drop: tuple[str, ...]) -> tuple[str, ...]:
        """The fields a read of `collection` may drop: `drop`, or none."""
        return () if self._holds(self.refused, (collection, drop)) else drop

    def worth_retrying(self, collection: str, drop: tuple[str, ...]) -> bool:
        """Whether a 400 to this shape may be the dropping's fault."""
        return bool(drop) and not self._holds(self.accepted, (collection, drop))

    def accept(self, collection: str, drop: tuple[str, ...]) -> None:
        if drop:
            self.accepted[(collection, drop)] = self.clock()
            self.refused.pop((collection, drop), None)

    def refuse(self, collection: str, drop: tuple[str, ...]) -> None:
        shape = (collection, drop)
        if not self._holds(self.refused, shape):
            logger.info(
                "upstream /%s refuses select=-field for %s: those reads come whole "
                "for %.0f s",
                collection,
                ",".join(drop),
                self.memory,
            )
        self.refused[shape] = self.clock()
        self.accepted.pop(shape, None)

    def _holds(self, learnt: dict[Shape, float], shape: Shape) -> bool:
        seen = learnt.get(shape)
        return seen is not None and self.clock() - seen < self.memory
