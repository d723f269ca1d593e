"""Every page of a whole list, fetched side by side, in one total order."""

from pathlib import Path

from tests.conftest import API
from tests.servers import WireRecorder, running

from accounts_graph.sandbox.app import create_sandbox_app
from accounts_graph.sandbox.bootstrap import demo_tokens
from accounts_graph.upstream.client import PAGE_LIMIT, Session, build_http_client
from accounts_graph.upstream.rql import Projection


async def test_pages_fetched_side_by_side_share_the_id_order(tmp_path: Path) -> None:
    # Twice the demo data: more users than one page holds.
    sandbox = create_sandbox_app(tmp_path / "db.sqlite3", scale=2)
    [operations] = [
        token["bearer"]
        for token in demo_tokens(sandbox.state.sandbox.store)
        if token["role"] == "Operations"
    ]
    recorder = WireRecorder(sandbox)
    with running(recorder) as upstream:
        http = build_http_client(upstream)
        session = Session(http, operations)
        try:
            total = (await session.fetch_page("users", limit=0)).total
            # More than one page, or the test would prove nothing about paging.
            assert total > PAGE_LIMIT
            recorder.seen.clear()
            users = await session.fetch_all(
                "users", select=Projection(drop=("accounts",))
            )
        finally:
            await http.aclose()

    ids = [user["id"] for user in users]
    assert len(ids) == total
    assert ids == sorted(set(ids))
    pages = [query for path, query in recorder.seen if path == f"{API}/users"]
    assert len(pages) == -(-total // PAGE_LIMIT)
    assert all("order=id" in query.split("&") for query in pages)
    assert all("select=-accounts" in query.split("&") for query in pages)
