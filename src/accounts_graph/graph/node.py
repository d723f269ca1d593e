"""The `Node` interface: every resource is fetchable by its platform id."""

import strawberry


@strawberry.interface(
    description="An object with a platform id. The id's prefix (ACC, BUY, SEL…) "
    "names its type, so `node(id)` finds any object."
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="The platform's own id, e.g. BUY-1234-5678."
    )


def icon_url(collection: str, object_id: str, icon: object) -> str | None:
    """Return the facade's public icon route for an object that has an icon."""
    return f"/icons/{collection}/{object_id}" if icon else None
