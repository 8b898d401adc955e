"""``diplodash serve``: the dashboard in a browser behind a token, an Origin check and a session cap.

Every test starts the real server (``python -m diplodash serve --port 0``) on loopback as a subprocess, on a
private copy of seeds/ (``app_config``), and kills it afterwards. The HTTP/WebSocket tests use aiohttp's client
and always run; the browser tests drive Debian's Chromium (/usr/bin/chromium) with Playwright and skip, saying
why, when either is missing. Screenshots are kept in tests/artifacts/ to be looked at.
"""

from __future__ import annotations

import asyncio
import io
import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import aiohttp
import pytest

from diplodash.serve import WILDCARD_HOSTS, is_loopback, own_addresses

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


class Running:
    def __init__(self, process: subprocess.Popen, url: str, lines: list[str]):
        self.process = process
        self.url = url
        self.base = url.split("/?", 1)[0]
        self.token = url.split("token=", 1)[1]
        self.port = int(self.base.rsplit(":", 1)[1])
        self.lines = lines

    @property
    def origin(self) -> str:
        return self.base

    @property
    def cookie(self) -> dict[str, str]:
        return {f"diplodash-token-{self.port}": self.token}

    def children(self) -> list[int]:
        return children_of(self.process.pid)


def children_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (read from /proc: the app processes the server started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def start_server(config: Path, *extra: str) -> Running:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "diplodash", "serve", "--port", "0", "--config", str(config), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    lines: list[str] = []
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:  # keeps draining the output, so the server never blocks on a full pipe
        for line in process.stdout:
            lines.append(line)
            match = re.search(r"open (http://\S+)", line)
            if match and not found:
                found.append(match.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60) or not found:
        process.kill()
        raise AssertionError(f"the server printed no URL: {''.join(lines)}")
    return Running(process, found[0], lines)


def stop_server(running: Running) -> None:
    if running.process.poll() is None:
        running.process.send_signal(signal.SIGTERM)
        try:
            running.process.wait(20)
        except subprocess.TimeoutExpired:
            running.process.kill()
            running.process.wait(5)


@pytest.fixture
def server(app_config):
    running = start_server(app_config)
    yield running
    stop_server(running)


@pytest.fixture
def small_server(app_config):
    running = start_server(app_config, "--max-sessions", "2")
    yield running
    stop_server(running)


async def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def first_bytes(ws: aiohttp.ClientWebSocketResponse, timeout: float = 60) -> bytes:
    """The first screen bytes an app process sends (it is running)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = await ws.receive(timeout=deadline - time.monotonic())
        if message.type == aiohttp.WSMsgType.BINARY and message.data:
            return message.data
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            raise AssertionError(f"the session closed: {message}")
    raise AssertionError("no screen bytes")


# ---------------------------------------------------------------------------------------------- the URL line


def test_prints_one_line_with_a_loopback_url_and_a_long_token(server):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]{40,}", server.url)
    assert sum("open http://" in line for line in server.lines) == 1
    assert not any("warning" in line for line in server.lines)  # loopback: no warning


async def test_a_wildcard_host_warns_and_prints_the_address_other_machines_open(app_config):
    running = start_server(app_config, "--host", "0.0.0.0")
    try:
        assert any("warning: listening on 0.0.0.0" in line for line in running.lines), running.lines
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]{40,}", running.url)
        expected = own_addresses()
        await wait_until(lambda: sum("from another machine: " in line for line in running.lines) >= len(expected), 10, "the further address lines")
        others = [line.split("from another machine: ", 1)[1].strip() for line in running.lines if "from another machine: " in line]
        assert others == [f"http://{address}:{running.url.split(':')[2]}" for address in expected], running.lines
        async with aiohttp.ClientSession() as session:
            for url in others:  # each one answers, with the same token
                async with session.get(url) as response:
                    assert response.status == 200, url
    finally:
        stop_server(running)


def test_own_addresses_are_never_loopback_or_wildcard():
    for address in own_addresses(ipv6=True):
        assert not is_loopback(address) and address not in WILDCARD_HOSTS
        ipaddress.ip_address(address)  # a real address, not a name


def test_bad_arguments_are_usage_errors(app_config):
    for args in (["--max-sessions", "0"], ["--port", "70000"], ["--port", "x"]):
        done = subprocess.run([sys.executable, "-m", "diplodash", "serve", "--config", str(app_config), *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr


# ---------------------------------------------------------------------------------------------- without the token


async def test_without_the_token_every_route_is_403(server):
    async with aiohttp.ClientSession() as session:
        for path in ("/", "/static/js/textual.js", "/static/", "/static/css/", "/download/0123abcd", "/no/such/page", "/ws"):
            for suffix in ("", "?token=wrong", f"?token={server.token[:-1]}"):
                async with session.get(server.base + path + suffix) as response:
                    assert response.status == 403, (path, suffix, response.status)
                    assert server.token not in await response.text()
        async with session.get(server.base + "/", cookies={f"diplodash-token-{server.port}": "wrong"}) as response:
            assert response.status == 403
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(server.base.replace("http", "ws") + "/ws", origin=server.origin)
        assert refused.value.status == 403


async def test_the_token_opens_the_page_and_sets_a_strict_cookie(server):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:  # unsafe: keep cookies of an IP address
        async with session.get(server.url) as response:
            assert response.status == 200
            page = await response.text()
            cookie = response.headers["Set-Cookie"]
            assert response.headers["X-Frame-Options"] == "DENY"
        assert 'data-session-websocket-url="ws://127.0.0.1:' in page and "textual.js" in page
        assert "googleapis" not in page  # the page loads nothing from other sites
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        # the cookie alone now opens the static files, but never a directory listing
        async with session.get(server.base + "/static/js/textual.js") as response:
            assert response.status == 200
        async with session.get(server.base + "/static/js/") as response:
            assert response.status in (403, 404) and "Index of" not in await response.text()


async def test_another_host_name_is_refused_even_with_the_token(server):
    async with aiohttp.ClientSession() as session:
        async with session.get(server.url, headers={"Host": f"attacker.example:{server.port}"}) as response:
            assert response.status == 403  # a DNS-rebinding page names its own host
        async with session.get(server.url.replace("127.0.0.1", "localhost")) as response:
            assert response.status == 200  # loopback by another name is fine


# ---------------------------------------------------------------------------------------------- the WebSocket


async def test_a_foreign_origin_cannot_open_a_session(server):
    ws_url = server.base.replace("http", "ws") + "/ws"
    async with aiohttp.ClientSession(cookies=server.cookie) as session:
        for origin in ("http://attacker.example", f"http://127.0.0.1:{server.port + 1}", "null", None):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(ws_url, origin=origin) if origin else await session.ws_connect(ws_url)
            assert refused.value.status == 403, origin
        assert server.children() == []  # nothing was started for them
        ws = await session.ws_connect(ws_url + "?width=100&height=30", origin=server.origin)
        try:
            assert await first_bytes(ws)
        finally:
            await ws.close()


async def test_the_session_after_the_cap_is_refused_with_a_page(small_server):
    server = small_server
    ws_url = server.base.replace("http", "ws") + "/ws"
    async with aiohttp.ClientSession(cookies=server.cookie) as session:
        open_ = [await session.ws_connect(ws_url, origin=server.origin) for _ in range(2)]
        for ws in open_:
            await first_bytes(ws)
        assert len(server.children()) == 2
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(ws_url, origin=server.origin)
        assert refused.value.status == 503
        async with session.get(server.base + "/") as response:
            assert response.status == 503
            text = await response.text()
        assert "Every session is in use" in text and "All 2 sessions" in text and 'http-equiv="refresh"' in text
        assert len(server.children()) == 2
        await open_.pop().close()
        await wait_until(lambda: len(server.children()) == 1, 20, "the closed tab's process to end")
        async with session.get(server.base + "/") as response:
            assert response.status == 200
        for ws in open_:
            await ws.close()
    await wait_until(lambda: server.children() == [], 20, "every app process to end")


async def test_default_cap_is_four(server):
    ws_url = server.base.replace("http", "ws") + "/ws"
    async with aiohttp.ClientSession(cookies=server.cookie) as session:
        open_ = [await session.ws_connect(ws_url, origin=server.origin) for _ in range(4)]
        try:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(ws_url, origin=server.origin)
            assert refused.value.status == 503
        finally:
            for ws in open_:
                await ws.close()
    await wait_until(lambda: server.children() == [], 30, "every app process to end")


async def test_twenty_connects_and_disconnects_leave_no_app_process(server):
    ws_url = server.base.replace("http", "ws") + "/ws"
    most = 0
    async with aiohttp.ClientSession(cookies=server.cookie) as session:
        for round_ in range(5):
            await wait_until(lambda: server.children() == [], 30, f"round {round_}: the previous round's processes to end")
            opened = [await session.ws_connect(ws_url, origin=server.origin) for _ in range(4)]
            if round_ % 2 == 0:  # these ran long enough to draw; the others are closed while still starting
                for ws in opened:
                    await first_bytes(ws)
            most = max(most, len(server.children()))
            for ws in opened:
                await ws.close()
    await wait_until(lambda: server.children() == [], 30, "every app process to end")
    assert most <= 4 and most >= 1
    assert server.process.poll() is None  # the server itself still runs


def test_stopping_the_server_ends_its_sessions(app_config):
    running = start_server(app_config)

    async def open_one():
        session = aiohttp.ClientSession(cookies=running.cookie)
        ws = await session.ws_connect(running.base.replace("http", "ws") + "/ws", origin=running.origin)
        await first_bytes(ws)
        return session, ws

    loop = asyncio.new_event_loop()
    try:
        session, ws = loop.run_until_complete(open_one())
        pids = running.children()
        assert len(pids) == 1
        stop_server(running)
        assert running.process.returncode == 0
        assert not Path(f"/proc/{pids[0]}").exists() or "Z" in Path(f"/proc/{pids[0]}/stat").read_text().rsplit(")", 1)[1].split()[0]
        loop.run_until_complete(session.close())
    finally:
        loop.close()


# ---------------------------------------------------------------------------------------------- in a browser


def _browser_or_skip():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests skipped: {CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests skipped: the playwright package is not installed (pip install -e '.[dev]')")
    return sync_playwright


@pytest.fixture
def browser():
    sync_playwright = _browser_or_skip()
    args = ["--headless=new"] + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield chromium
        chromium.close()


def _open_dashboard(browser, server, size=(1400, 900)):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, accept_downloads=True)
    page = context.new_page()
    response = page.goto(server.url)
    assert response.status == 200
    page.wait_for_function("document.body.classList.contains('-first-byte')", timeout=60000)
    page.focus(".xterm-helper-textarea")
    return context, page


def _settled_screenshot(page, path: Path, timeout: float = 60) -> bytes:
    """A screenshot once two taken half a second apart agree (the app has finished drawing)."""
    deadline = time.monotonic() + timeout
    before = page.screenshot()
    while time.monotonic() < deadline:
        page.wait_for_timeout(700)
        now = page.screenshot()
        if now == before:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(now)
            return now
        before = now
    raise AssertionError("the page kept changing")


def test_browser_shows_the_dashboard_and_keys_switch_views(browser, server):
    context, page = _open_dashboard(browser, server)
    # wait for the figures (the loading indicator shows first), then for a still picture
    page.wait_for_timeout(3000)
    overview = _settled_screenshot(page, ARTIFACTS / "serve-overview.png")
    page.keyboard.press("2")
    calls = _settled_screenshot(page, ARTIFACTS / "serve-calls-per-year.png")
    assert calls != overview
    page.keyboard.press("1")
    again = _settled_screenshot(page, ARTIFACTS / "serve-overview-again.png")
    assert again != calls
    assert len(server.children()) == 1
    context.close()  # closing the tab ends its app process
    deadline = time.monotonic() + 20
    while server.children() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server.children() == []


def test_browser_without_the_token_is_refused(browser, server):
    page = browser.new_page()
    response = page.goto(server.base + "/")
    assert response.status == 403
    assert "403 Forbidden" in page.content() and "token" in page.inner_text("body")
    assert server.children() == []
    page.close()


def test_browser_export_arrives_as_a_zip_download(browser, server, app_config):
    context, page = _open_dashboard(browser, server)
    page.wait_for_timeout(3000)
    _settled_screenshot(page, ARTIFACTS / "serve-before-export.png")
    with page.expect_download(timeout=60000) as pending:
        page.keyboard.press("e")
    download = pending.value
    assert re.fullmatch(r"snapshot-\d{8}-\d{6}\.zip", download.suggested_filename), download.suggested_filename
    target = ARTIFACTS / "serve-download.zip"
    download.save_as(target)
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as archive:
        names = archive.namelist()
        folder = download.suggested_filename[: -len(".zip")]
        for needed in ("manifest.json", "metrics.json", "report.md", "contacts.csv", "overview.csv", "screenshot.svg"):
            assert f"{folder}/{needed}" in names, (needed, names)
        manifest = json.loads(archive.read(f"{folder}/manifest.json"))
        assert set(manifest["files"]) == {n.split("/", 1)[1] for n in names} - {"manifest.json"}
    # nothing was written on the server's disk
    exports = app_config.parent / "exports"
    assert not exports.exists() or not any(exports.iterdir())
    context.close()
    target.unlink()


# ---------------------------------------------------------------------------------------------- the served app


def test_served_setting_from_the_environment():
    from diplodash.tui.served import SERVED_ENV, Served

    assert Served.from_env({}) == Served(served=False, writes=True)
    assert Served.from_env({SERVED_ENV: ""}) == Served(served=False, writes=True)
    assert Served.from_env({SERVED_ENV: "read-only"}) == Served(served=True, writes=False)
    assert Served.from_env({SERVED_ENV: "writes"}) == Served(served=True, writes=True)
    assert Served.from_env({SERVED_ENV: "yes please"}) == Served(served=True, writes=False)  # never writes by accident
    for served in (Served(True, False), Served(True, True)):
        assert Served.from_env({SERVED_ENV: served.env_value()}) == served


def test_app_command_carries_the_servers_data_config_and_date(tmp_path):
    import argparse
    import datetime as dt

    from diplodash.serve_cmd import app_argv

    folder = tmp_path / "a table with spaces"
    argv = app_argv(argparse.Namespace(data=str(folder), config="c.toml", as_of=dt.date(2025, 1, 2)))
    assert argv[:4] == [sys.executable, "-m", "diplodash", "app"]
    assert argv[4:] == ["--data", str(folder), "--config", str(Path("c.toml").resolve()), "--as-of", "2025-01-02"]


def test_snapshot_zip_holds_the_same_files_as_the_folder(small_dataset, tmp_path):
    from diplodash.metrics.export import default_name, export_snapshot, snapshot_files, snapshot_zip
    from diplodash.metrics.selection import Selection
    from fixture_tables import AS_OF, EXPORTED_AT

    files = snapshot_files(small_dataset, Selection(), "period", as_of=AS_OF, exported_at=EXPORTED_AT)
    name = default_name(EXPORTED_AT)
    blob = snapshot_zip(files, name, EXPORTED_AT)
    assert blob == snapshot_zip(files, name, EXPORTED_AT)  # the same files give the same bytes
    folder = export_snapshot(small_dataset, Selection(), "period", out_dir=tmp_path, as_of=AS_OF, exported_at=EXPORTED_AT)
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{name}/{p.name}" for p in folder.iterdir())
        for path in folder.iterdir():
            assert archive.read(f"{name}/{path.name}") == path.read_bytes(), path.name


async def test_served_app_delivers_the_export_as_a_zip_and_writes_no_folder(app_config, tmp_path):
    from diplodash.tui.app import DiplodashApp
    from diplodash.tui.served import Served

    app = DiplodashApp(config_flag=str(app_config), watch=False, served=Served(served=True, writes=False))
    delivered: list[tuple[bytes, dict]] = []
    app.deliver_binary = lambda binary, **kwargs: delivered.append((binary.read(), kwargs))  # what the browser would get
    async with app.run_test(size=(120, 36)) as pilot:
        deadline = time.monotonic() + 30
        while app.data is None and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await pilot.press("e")
        while not delivered and time.monotonic() < deadline:
            await pilot.pause(0.05)
    assert len(delivered) == 1
    blob, kwargs = delivered[0]
    assert kwargs["mime_type"] == "application/zip" and re.fullmatch(r"snapshot-\d{8}-\d{6}\.zip", kwargs["save_filename"])
    stem = kwargs["save_filename"][: -len(".zip")]
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        manifest = json.loads(archive.read(f"{stem}/manifest.json"))
        assert f"{stem}/screenshot.svg" in archive.namelist() and "screenshot.svg" in manifest["files"]
    exports = tmp_path / "exports"
    assert not exports.exists() or list(exports.iterdir()) == []  # nothing on the server's disk
    assert app.last_export is None


def _inbox_scenario(config, small_table, small_dataset, served):
    from textual.app import App

    from diplodash.tui.views.inbox import InboxView

    fixtures = Path(__file__).resolve().parent / "fixtures" / "extract"
    inbox_dir = small_table.parent / f"{small_table.name}-inbox"
    inbox_dir.mkdir()
    shutil.copy(fixtures / "readout.txt", inbox_dir / "readout.txt")
    notes: list[str] = []

    class Host(App):
        def compose(self):
            yield InboxView(id="inbox")

        def notify(self, message, **kwargs):
            notes.append(f"{kwargs.get('title', '')}: {message}")
            return super().notify(message, **kwargs)

    async def scenario():
        app = Host()
        app.served = served
        async with app.run_test(size=(120, 40)) as pilot:
            view = app.query_one(InboxView)
            view.show_data(type("Data", (), {"dataset": small_dataset, "config": config, "version": 1})())
            for _ in range(200):
                await pilot.pause(0.05)
                if view.inbox is not None:
                    break
            view.focus_default()
            await pilot.press("a")
            await pilot.press("w")
            for _ in range(40):
                await pilot.pause(0.05)
                if notes:
                    break

    asyncio.run(scenario())
    return notes


def test_served_inbox_never_writes_the_table(config, small_table, small_dataset):
    from diplodash.tui.served import Served

    before = {p.name: p.read_bytes() for p in small_table.iterdir()}
    notes = _inbox_scenario(config, small_table, small_dataset, Served(served=True, writes=False))
    assert any(n.startswith("Writes are off") and "--allow-writes" in n for n in notes), notes
    assert {p.name: p.read_bytes() for p in small_table.iterdir()} == before
    assert not (small_table.parent / f"{small_table.name}-backups").exists()


def test_served_inbox_writes_with_allow_writes(config, small_table, small_dataset):
    from diplodash.tui.served import Served

    before = (small_table / "contacts.csv").read_bytes()
    notes = _inbox_scenario(config, small_table, small_dataset, Served(served=True, writes=True))
    assert any(n.startswith("Written") for n in notes), notes
    after = (small_table / "contacts.csv").read_bytes()
    assert after.startswith(before) and after != before
