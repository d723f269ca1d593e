"""GraphiQL in a real browser: Debian's Chromium, headless, driven by Playwright.

The page, its scripts and the query all come from the service on loopback; a
request for any other host would be a CDN the page still depends on.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Request, Route, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser builds are never downloaded: `.ci/run` installs
# Debian's chromium, and these flags keep it from calling home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
# The README's first example: the query a new user pastes into GraphiQL.
QUERY = re.findall(r"```graphql\n(.*?)```", README, re.S)[0]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Traffic:
    """Every request the page makes; those for other hosts are refused."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.elsewhere: list[str] = []
        self.graphql_posts: list[Request] = []
        self.errors: list[str] = []

    def route(self, route: Route) -> None:
        url = route.request.url
        self.urls.append(url)
        if urlsplit(url).hostname not in LOOPBACK:
            self.elsewhere.append(url)
            route.abort()
            return
        if route.request.method == "POST" and url.endswith("/graphql"):
            self.graphql_posts.append(route.request)
        route.continue_()


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, Traffic]]:
    context = browser.new_context()
    traffic = Traffic()
    context.route("**/*", traffic.route)
    page = context.new_page()
    page.on("pageerror", lambda error: traffic.errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            traffic.errors.append(message.text) if message.type == "error" else None
        ),
    )
    yield page, traffic
    context.close()


def _paste(page: Page, editor: str, text: str) -> None:
    """Replace an editor's text as a user pasting into it would."""
    page.locator(f"{editor} .CodeMirror").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def _editor_text(page: Page, editor: str) -> str:
    text: str = page.locator(f"{editor} .CodeMirror").first.evaluate(
        "element => element.CodeMirror.getValue()"
    )
    return text


def test_graphiql_runs_a_query_with_the_demo_token_from_loopback_only(
    page: tuple[Page, Traffic], facade_url: str, tokens: dict[str, str]
) -> None:
    browser_page, traffic = page
    browser_page.goto(facade_url + "/graphql")
    browser_page.locator(".graphiql-query-editor .CodeMirror").wait_for()

    _paste(browser_page, ".graphiql-query-editor", QUERY)
    browser_page.get_by_role("button", name="Headers").click()
    headers = json.dumps({"Authorization": f"Bearer {tokens['Client']}"})
    _paste(browser_page, ".graphiql-editor-tool .graphiql-editor:not(.hidden)", headers)
    browser_page.get_by_role("button", name="Execute query").click()
    browser_page.locator(".result-window").get_by_text('"viewer"').wait_for()

    shown: dict[str, Any] = json.loads(_editor_text(browser_page, ".result-window"))
    expected = httpx.post(
        facade_url + "/graphql",
        json={"query": QUERY},
        headers={"Authorization": f"Bearer {tokens['Client']}"},
        timeout=30,
    ).json()
    assert "errors" not in shown
    assert shown["data"]["viewer"]["role"] == "CLIENT"
    assert shown["data"] == expected["data"]
    [*_, sent] = traffic.graphql_posts
    assert sent.headers["authorization"] == f"Bearer {tokens['Client']}"
    assert any("/graphiql-assets/graphiql/graphiql.min.js" in u for u in traffic.urls)
    assert traffic.elsewhere == []
    assert traffic.errors == []
    # The run is in GraphiQL's history, its token nowhere in the browser.
    stored: dict[str, str] = browser_page.evaluate(
        "() => Object.fromEntries(Object.entries(window.localStorage))"
    )
    assert "viewer" in stored.get("graphiql:queries", "")
    secret = tokens["Client"].split(":")[-1]
    assert not [key for key, value in stored.items() if secret in value]
