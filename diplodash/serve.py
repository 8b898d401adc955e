"""The dashboard in a browser, safe by default: textual-serve's Server, extended.

textual-serve (an aiohttp app) starts one app process per WebSocket and speaks Textual's web-driver protocol;
that part is reused as it is (its AppService, DownloadManager and download route, its static files and
textual.js). It has no access control, so this subclass adds, as aiohttp middleware and overridden handlers:

- a random token (``secrets.token_urlsafe``): accepted as ``?token=`` and then as an HttpOnly, SameSite=Strict
  cookie; without it every route (page, WebSocket, downloads, static files, unknown paths) answers 403;
- a Host check (a DNS-rebinding page cannot reach a server bound to loopback) and an Origin check on the
  WebSocket upgrade: only the server's own origin may open a session;
- a cap on concurrent sessions (the next is refused with a page saying so, which retries by itself);
- app processes started without a shell (an argument list: paths with spaces or quotes stay intact), in
  their own process group, ended when their tab closes (asked to quit, then terminated, then killed);
- no directory listing of the static folder, and pages that no other site may frame.

Each app process learns that it is served from ``DIPLODASH_SERVED`` (diplodash/tui/served.py).
"""

from __future__ import annotations

import asyncio
import hmac
import html
import ipaddress
import logging
import os
import secrets
import shlex
import signal
import socket
from collections.abc import Callable
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from diplodash.tui.served import SERVED_ENV, Served

log = logging.getLogger("diplodash.serve")

TEMPLATES = Path(__file__).resolve().parent / "serve_templates"
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}
QUIT_GRACE = 3.0  # seconds an app is given to quit after its tab closed, before it is terminated
TERM_GRACE = 2.0  # then seconds after SIGTERM before SIGKILL


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def own_addresses(ipv6: bool = False) -> list[str]:
    """This machine's non-loopback addresses, without sending anything: the address a route to the outside
    would leave from (a UDP connect sends no packet) and those the host name resolves to."""
    found: list[str] = []
    probes = [(socket.AF_INET, "192.0.2.1")] + ([(socket.AF_INET6, "2001:db8::1")] if ipv6 else [])
    for family, probe in probes:
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as udp:
                udp.connect((probe, 9))
                found.append(udp.getsockname()[0])
        except OSError:
            pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_UNSPEC if ipv6 else socket.AF_INET):
            found.append(str(info[4][0]))
    except OSError:
        pass
    out: list[str] = []
    for address in found:
        address = address.split("%")[0]
        if address not in out and not is_loopback(address) and address not in WILDCARD_HOSTS:
            out.append(address)
    return out


def host_port(host: str, port: int) -> str:
    """``host:port`` as a browser writes it in Host and Origin (IPv6 in brackets)."""
    bare = host.strip("[]")
    return f"[{bare}]:{port}" if ":" in bare else f"{bare}:{port}"


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """The Host headers a request may carry; None for a wildcard bind (every interface: any name)."""
    if host in WILDCARD_HOSTS:
        return None
    names = {host.strip("[]").lower()}
    if is_loopback(host):
        names |= {"127.0.0.1", "localhost", "::1"}
    out = {host_port(name, port) for name in names}
    if port == 80:
        out |= {f"[{n}]" if ":" in n else n for n in names}
    return out


def _page(status: int, title: str, body: str, refresh: int | None = None) -> web.Response:
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    text = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>{meta}</head>"
        f"<body style='font-family: sans-serif; margin: 3em'><h1>{html.escape(title)}</h1><p>{html.escape(body)}</p></body></html>"
    )
    response = web.Response(status=status, text=text, content_type="text/html")
    if refresh:
        response.headers["Retry-After"] = str(refresh)
    return response


def forbidden(reason: str) -> web.Response:
    return _page(403, "403 Forbidden", reason)


class AppProcess(AppService):
    """One app process for one WebSocket: started from an argument list (no shell), in its own session."""

    def __init__(self, argv: list[str], environment: dict[str, str], **kwargs) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self.extra_environment = environment

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.update(self.extra_environment)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24):
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,  # its own process group: ended as a whole, untouched by the server's Ctrl+C
        )
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def shutdown(self) -> None:
        """Ask the app to quit; terminate its process group if it has not after QUIT_GRACE, kill after TERM_GRACE."""
        try:
            await asyncio.wait_for(self.stop(), QUIT_GRACE)
        except (asyncio.TimeoutError, ConnectionError, RuntimeError, OSError):
            pass
        process = self._process
        if process is None:
            return
        for sig, grace in ((None, QUIT_GRACE), (signal.SIGTERM, TERM_GRACE), (signal.SIGKILL, None)):
            if sig is not None and process.returncode is None:
                try:
                    os.killpg(process.pid, sig)
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                await asyncio.wait_for(process.wait(), grace)
                break
            except asyncio.TimeoutError:
                continue
        if self._task is not None:  # the reader of its output (ends at EOF; cancelled if it has not)
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None


class DiplodashServer(Server):
    """textual-serve's Server with a token, Host and Origin checks, a session cap and clean process ends."""

    def __init__(
        self,
        argv: list[str],
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        max_sessions: int = 4,
        served: Served = Served(served=True, writes=False),
        token: str | None = None,
        title: str = "diplodash",
    ) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title=title, templates_path=TEMPLATES)
        self.argv = list(argv)
        self.max_sessions = max_sessions
        self.served = served
        self.token = token or secrets.token_urlsafe(32)
        self.sessions = 0  # WebSockets whose app process has not ended yet
        self.processes: set[AppProcess] = set()
        self.websockets: set[web.WebSocketResponse] = set()
        self.bound_port: int | None = None

    # ------------------------------------------------------------------ access

    @property
    def cookie_name(self) -> str:
        # cookies are not kept apart by port: two servers on one host each keep their own
        return f"diplodash-token-{self.bound_port or self.port}"

    def _token_ok(self, candidate: str | None) -> bool:
        return bool(candidate) and hmac.compare_digest(candidate.encode("utf-8", "replace"), self.token.encode("utf-8"))

    @web.middleware
    async def guard(self, request: web.Request, handler):
        allowed = allowed_hosts(self.host, self.bound_port or self.port)
        if allowed is not None and request.host.lower() not in allowed:
            return forbidden("This server does not answer to that host name.")
        from_query = request.query.get("token")
        if not (self._token_ok(from_query) or self._token_ok(request.cookies.get(self.cookie_name))):
            return forbidden("A valid access token is required: open the address diplodash serve printed, with its ?token=.")
        response = await handler(request)
        if self._token_ok(from_query) and isinstance(response, web.Response) and not response.prepared:
            response.set_cookie(self.cookie_name, self.token, httponly=True, samesite="Strict", path="/")
        return response

    @staticmethod
    async def _headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path), autoescape=True)
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, show_index=False, follow_symlinks=False, name="static"),
        ])
        app.on_response_prepare.append(self._headers)
        app.on_shutdown.append(self.on_shutdown)
        return app

    # ------------------------------------------------------------------ handlers

    def _full(self) -> bool:
        return self.sessions >= self.max_sessions

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self._full():
            return _page(
                503, "Every session is in use",
                f"All {self.max_sessions} sessions of this dashboard are open. Close one of its tabs, or wait: this page tries again every 5 seconds.",
                refresh=5,
            )
        base = f"{request.scheme}://{request.host}"  # the address the browser used (127.0.0.1 or localhost)
        ws_base = ("wss://" if request.scheme == "https" else "ws://") + request.host
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{ws_base}{request.app.router['websocket'].url_for()}",
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is None or origin.lower() != f"{request.scheme}://{request.host}".lower():
            return forbidden("The WebSocket may be opened only by this server's own page (Origin).")
        if self._full():
            return _page(503, "Every session is in use", f"All {self.max_sessions} sessions are open.", refresh=5)
        self.sessions += 1
        websocket = web.WebSocketResponse(heartbeat=15)
        process: AppProcess | None = None
        try:
            await websocket.prepare(request)
            self.websockets.add(websocket)
            process = AppProcess(
                self.argv,
                {SERVED_ENV: self.served.env_value()},
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.processes.add(process)
            await process.start(to_int(request.query.get("width", "80"), 80), to_int(request.query.get("height", "24"), 24))
            await self._process_messages(websocket, process)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # a malformed message from the browser, a process that could not start
            log.warning("session ended: %s", error)
        finally:
            self.websockets.discard(websocket)
            try:
                if process is not None:
                    await asyncio.shield(process.shutdown())
            finally:
                if process is not None:
                    self.processes.discard(process)
                self.sessions -= 1
                if not websocket.closed:
                    try:
                        await websocket.close()
                    except Exception:
                        pass
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        for websocket in list(self.websockets):
            try:
                await websocket.close()
            except Exception:
                pass
        await asyncio.gather(*(process.shutdown() for process in list(self.processes)), return_exceptions=True)

    # ------------------------------------------------------------------ running

    def url(self, host: str | None = None) -> str:
        shown = self.host if self.host not in WILDCARD_HOSTS else "127.0.0.1"
        return f"http://{host_port(host or shown, self.bound_port or self.port)}/?token={self.token}"

    def other_urls(self) -> list[str]:
        """On a wildcard host (0.0.0.0, ::), the URL at each of this machine's own addresses: the one another
        machine opens (the loopback URL works on this machine only)."""
        if self.host not in WILDCARD_HOSTS:
            return []
        return [self.url(address) for address in own_addresses(ipv6=self.host == "::")]

    async def run_until_stopped(self, announce: Callable[[str], None], stop: asyncio.Event | None = None) -> None:
        """Listen, call ``announce`` with the URL, serve until SIGINT/SIGTERM/SIGHUP (or ``stop``), end every session."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError, ValueError):
                pass
        app = await self._make_app()
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host.strip("[]") or None, self.port)
            await site.start()
            self.bound_port = runner.addresses[0][1]
            announce(self.url())
            await stop.wait()
        finally:
            await runner.cleanup()  # on_shutdown: closes the WebSockets, ends the app processes
