"""Browser tests: Playwright for Python driving Debian's Chromium against the real ``patrol web``.

One server per test session (per xdist worker: every browser test is in the ``browser`` xdist
group, so they share one worker and one server). The server runs ``patrol web`` in a child
process on a data folder holding a patrol of the small demo network (its planted findings),
a seeded item whose title carries ``<script>``/``onerror=`` markup, and one account per role
(``app_server.createuser`` makes more through ``patrol createuser``).

Fixtures other browser tests build on (keep the names stable):

- ``app_server`` — :class:`AppServer`: ``url`` (base URL, no trailing slash), ``data`` (data
  folder), ``config`` (patrol.yaml), ``network`` (the running demo network), ``xss_finding``
  (id of the seeded finding whose title holds markup), ``patrol(*args)`` (runs the CLI on it).
- ``users`` — role name (``web.roles`` constants) → ``(username, password)``.
- ``browser_page`` — a fresh page in a fresh browser context (no cookies); every dialog it
  opens is recorded in ``dialogs`` and dismissed, console errors in ``console_errors``.
- ``login(page, username, password, expect_ok=True)`` — through the login form.
- ``shot(page, name)`` — full-page PNG into ``test-artifacts/screenshots/`` (path returned).

Chromium is never downloaded: ``/usr/bin/chromium`` (``make setup`` installs it) or skip.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.crawl_helpers import patrol
from web.roles import INFO_CENTRE, SECRECY_BUREAU, SUPERVISOR

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("PATROL_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("PATROL_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Browser-test-passw0rd"
USERNAMES = {INFO_CENTRE: "xinxi", SECRECY_BUREAU: "baomi", SUPERVISOR: "ducha"}
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium against `patrol web` (tests/browser)")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    # one worker, one shared server and browser for every browser test; slow (make test-fast skips)
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("browser"))


def _skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: run `make setup` (scripts/sysdeps.sh installs Debian's chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: run `make setup` (pip install -e '.[dev]')"
    return None


@dataclass
class AppServer:
    url: str
    data: Path
    config: Path
    network: object
    xss_finding: int
    proc: subprocess.Popen = field(repr=False)

    def patrol(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run the ``patrol`` CLI on the server's data folder and config."""
        return patrol(self.data, self.config, *args, check=check)

    def createuser(self, username: str, role: str, password: str = PASSWORD) -> tuple[str, str]:
        """One more account (``patrol createuser``), for a test that changes it."""
        cli = [sys.executable, "-m", "config.cli", "--config", str(self.config), "--data", str(self.data)]
        env = {**os.environ, "PATROL_DATA": str(self.data), "PATROL_CONFIG": str(self.config)}
        _run([*cli, "createuser", username, "--role", role, "--password-stdin"], env, stdin=password + "\n")
        return username, password


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"patrol web exited {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url + "/login/", timeout=5) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(
        f"patrol web did not answer within {timeout}s:\n{log.read_text(errors='replace')[-3000:]}"
    )


def _run(cmd: list[str], env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, env=env, cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd[1:])} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
        )
    return proc


@pytest.fixture(scope="session")
def users() -> dict[str, tuple[str, str]]:
    return {role: (name, PASSWORD) for role, name in USERNAMES.items()}


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, users) -> Iterator[AppServer]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from tests.crawl_helpers import crawl_small_network

    net, data, cfg = crawl_small_network(tmp_path_factory.mktemp("browser-app"))
    env = {
        **os.environ,
        "PATROL_DATA": str(data),
        "PATROL_CONFIG": str(cfg),
        "PATROL_SECRET_KEY": "browser-tests-" + os.urandom(16).hex(),
    }
    env.pop("PATROL_DEBUG", None)
    accounts = [[name, role, password] for role, (name, password) in users.items()]
    seeded = _run([sys.executable, "-m", "tests.browser.seed"], env, stdin=json.dumps(accounts))
    xss_finding = int(seeded.stdout.strip().splitlines()[-1])
    port = _free_port()
    log = data / "web.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "config.cli", "--config", str(cfg), "--data", str(data)]
            + ["web", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_up(url, proc, log)
        print(f"\npatrol web for browser tests: {url} (data {data}, log {log})")
        yield AppServer(url=url, data=data, config=cfg, network=net, xss_finding=xss_finding, proc=proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        net.stop()


@pytest.fixture(scope="module")
def _browser(app_server):
    """One Chromium per test module. Not per session: Playwright's sync API keeps an asyncio loop
    running in this thread while it lives, and Django then refuses every ORM call of the tests
    that the same xdist worker runs next (SynchronousOnlyOperation)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # launch() gives the browser a fresh temporary profile (user-data dir), removed on close
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def dialogs() -> list:
    """Every JavaScript dialog (alert/confirm/prompt) ``browser_page`` opened: should stay empty."""
    return []


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors of ``browser_page`` (CSP violations show up here)."""
    return []


@pytest.fixture
def browser_page(_browser, app_server, dialogs, console_errors):
    context = _browser.new_context(
        base_url=app_server.url,
        locale="zh-CN",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(20_000)
    page = context.new_page()

    def on_dialog(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def login(app_server) -> Callable:
    def do_login(page, username: str, password: str, expect_ok: bool = True):
        page.goto(app_server.url + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("form[action$='/login/'] button[type=submit]")
        if expect_ok:
            assert "/login/" not in page.url, (
                f"login as {username} failed: {page.url}\n{page.inner_text('main')}"
            )
            assert page.locator("header .user").get_by_text(username).count() == 1
        return page

    return do_login


@pytest.fixture(scope="session")
def shot() -> Callable:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots: {ARTIFACTS}")

    def take(page, name: str, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
