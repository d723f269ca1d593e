"""What the Accounts API answered to `select=-field`, remembered per process.

The platform does not accept the subtractive form on every endpoint, and an
endpoint may take it for some fields and not for others. So each read that
drops fields learns from its answer, per collection and set of fields dropped:

- a success: the upstream accepts that request shape, and a later 400 to it is
  about the request itself (a bad filter), reported as it is, not retried;
- a 400, then a success when asked again without dropping: the upstream refuses
  that shape, and from then on such reads drop nothing.
"""

import logging
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

type Shape = tuple[str, tuple[str, ...]]


@dataclass
class DropMemory:
    """The request shapes the upstream accepted or refused, shared by the
    sessions of one process."""

    accepted: set[Shape] = field(default_factory=set)
    refused: set[Shape] = field(default_factory=set)

    def allowed(self, collection: str, drop: tuple[str, ...]) -> tuple[str, ...]:
        """The fields a read of `collection` may drop: `drop`, or none."""
        return () if (collection, drop) in self.refused else drop

    def worth_retrying(self, collection: str, drop: tuple[str, ...]) -> bool:
        """Whether a 400 to this shape may be the dropping's fault."""
        return bool(drop) and (collection, drop) not in self.accepted

    def accept(self, collection: str, drop: tuple[str, ...]) -> None:
        if drop:
            self.accepted.add((collection, drop))

    def refuse(self, collection: str, drop: tuple[str, ...]) -> None:
        if (collection, drop) not in self.refused:
            self.refused.add((collection, drop))
            logger.info(
                "upstream /%s refuses select=-field for %s: those reads now come whole",
                collection,
                ",".join(drop),
            )
