"""Logging in as the bench's users over HTTP, to hand their session cookies and CSRF
tokens to the load generator. The site sets secure cookies in production; they are read
from the headers here and sent back by hand."""

import http.client
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from app.core.confirm import CONFIRMED, SEEN
from app.jury.models import PanelStatus, SeatStatus
from app.jury.seat_views import vote_seen
from bench.rows import BENCH_PASSWORD

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VOTE_REASON = "The photos and the courier's note support the buyer's account."


@dataclass
class Session:
    host: str
    port: int
    cookies: dict[str, str]

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            sent = {"Cookie": self.cookie_header, **(headers or {})}
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, data.decode("utf-8", "replace")

    def csrf_token(self, path: str) -> str:
        status, _headers, page = self.request("GET", path)
        found = CSRF_FIELD.search(page)
        if status != 200 or found is None:
            raise RuntimeError(f"GET {path}: {status}, no CSRF token on the page")
        return found.group(1)

    def post_form(self, path: str, fields: dict) -> tuple[int, str]:
        body = urlencode(fields).encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        status, headers, _page = self.request("POST", path, body, form)
        return status, headers.get("Location", "")


def log_in(host: str, port: int, email: str, password: str) -> Session:
    session = Session(host, port, {})
    token = session.csrf_token("/login")
    status, location = session.post_form(
        "/login", {"csrf_token": token, "email": email, "password": password}
    )
    if status != 302 or "/login" in location:
        raise RuntimeError(f"logging in as {email} failed ({status})")
    return session


def vote_requests(port: int, facts: dict, path: Path) -> Path:
    """The file of vote requests for wrk: every open seat of the bench's reviewers, each
    reviewer logged in on ``port`` and its seats spread through the file."""
    rows = []
    for email, seats in facts["open_seats"].items():
        reviewer = log_in("127.0.0.1", port, email, BENCH_PASSWORD)
        token = reviewer.csrf_token(f"/review/seats/{seats[0]}")
        rows += [
            ("POST", f"/review/seats/{seat}/vote", reviewer.cookie_header, vote_body(token, seat))
            for seat in seats
        ]
    rows.sort(key=lambda row: int(row[1].split("/")[3]))  # spread each reviewer's seats
    path.parent.mkdir(exist_ok=True)
    path.write_text("".join("\t".join(row) + "\n" for row in rows))
    return path


def vote_body(csrf_token: str, seat_id: int) -> str:
    """A vote for the first option as a reviewer casts it: the confirmation step's second
    post, with the fingerprint of the open seat on its open panel that the confirmation page
    would have shown."""
    return urlencode(
        {
            "csrf_token": csrf_token,
            "option": "0",
            "reason": VOTE_REASON,
            CONFIRMED: "yes",
            SEEN: vote_seen(seat_id, SeatStatus.OPEN, PanelStatus.OPEN),
        }
    )
