"""Logging in as the bench's users over HTTP, to hand their session cookies and CSRF
tokens to the load generator. The site sets secure cookies in production; they are read
from the headers here and sent back by hand."""

import http.client
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


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
