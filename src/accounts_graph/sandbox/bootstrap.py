"""Seeding a new store with the demo dataset, once."""

import json
import logging

from accounts_graph.platform.resources import BY_NAME
from accounts_graph.sandbox.seed import DemoToken, build_dataset
from accounts_graph.sandbox.store import Store

logger = logging.getLogger(__name__)

SSO_DOMAINS = "softwareone.com"


def bootstrap(store: Store, scale: int) -> None:
    """Seed an empty store at `scale`; leave a seeded one exactly as it is."""
    seeded = store.get_meta("seeded_scale")
    if seeded is not None:
        if int(seeded) != scale:
            logger.warning(
                "Store already holds the scale %s dataset; --scale %s ignored",
                seeded,
                scale,
            )
        return
    dataset = build_dataset(scale)
    with store.transaction() as conn:
        for name, docs in dataset.objects.items():
            store.insert_many(conn, BY_NAME[name], docs)
        store.set_meta(conn, "sso_domains", SSO_DOMAINS)
        store.set_meta(conn, "seeded_scale", str(scale))
        store.set_meta(
            conn, "demo_tokens", json.dumps([_token_row(t) for t in dataset.tokens])
        )
    logger.info("Seeded the sandbox at scale %s", scale)


def _token_row(token: DemoToken) -> dict[str, str]:
    return {"role": token.role, "account": token.account_id, "bearer": token.bearer}


def demo_tokens(store: Store) -> list[dict[str, str]]:
    """Return the documented demo tokens (role, account, bearer) of a store."""
    raw = store.get_meta("demo_tokens")
    return [] if raw is None else list(json.loads(raw))
