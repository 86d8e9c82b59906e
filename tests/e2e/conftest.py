"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser)."""

import shutil

import pytest

from mesoclinic.treatments.tests.conftest import lots, visit  # noqa: F401 - session fixtures

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session", autouse=True)
def allow_database_setup_beside_playwright():
    """Playwright's sync API runs an event loop in the test thread; the tests' own database
    setup there is still synchronous and safe. Only for these tests, never in deployment."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "headless": True,
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture
def log_in(page, live_server):
    def log_in_as(username: str, password: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")

    return log_in_as
