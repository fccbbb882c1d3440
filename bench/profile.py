"""A page's profile in one process: log in as a bench user through the app's own login
form, ask for the page a number of times to warm it, then profile the same number of
requests with pyinstrument. The text it prints is what docs/performance.md publishes."""

import re
import time

from flask import Flask
from pyinstrument import Profiler

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def logged_in_client(app: Flask, email: str, password: str):
    # the production configuration sets secure cookies: the client speaks HTTPS
    client = app.test_client()
    login = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = CSRF_FIELD.search(login).group(1)
    fields = {"csrf_token": token, "email": email, "password": password}
    # over HTTPS, Flask-WTF wants the form posted from the site's own pages
    referrer = {"Referer": "https://localhost/login"}
    answer = client.post("/login", data=fields, base_url="https://localhost", headers=referrer)
    if answer.status_code != 302 or "/login" in answer.location:
        raise RuntimeError(f"logging in as {email} failed ({answer.status_code})")
    return client


def profile_page(client, paths: list[str], requests: int) -> tuple[str, float]:
    """The profile of ``requests`` GETs spread over ``paths`` (after as many to warm up),
    as text, and the mean milliseconds per request while profiled."""

    def ask(count: int) -> None:
        for number in range(count):
            answer = client.get(paths[number % len(paths)], base_url="https://localhost")
            if answer.status_code != 200:
                raise RuntimeError(f"GET {paths[number % len(paths)]}: {answer.status_code}")

    ask(requests)
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        ask(requests)
    per_request = (time.perf_counter() - started) * 1000 / requests
    return profiler.output_text(show_all=False, short_mode=False), per_request


def time_page(client, paths: list[str], requests: int) -> tuple[float, float]:
    """Mean milliseconds per GET, unprofiled, after as many to warm up: wall-clock, and
    this process's CPU time (on a shared machine, the wall-clock time includes waiting
    for a core)."""
    for number in range(2 * requests):
        if number == requests:
            wall, cpu = time.perf_counter(), time.process_time()
        client.get(paths[number % len(paths)], base_url="https://localhost")
    return (
        (time.perf_counter() - wall) * 1000 / requests,
        (time.process_time() - cpu) * 1000 / requests,
    )
