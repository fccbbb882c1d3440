"""``flask bench memory-walk``: one web worker's peak and resident memory after each step of
a walk through every kind of page, on a database ``flask bench generate`` filled. Each step
says what the worker holds once it is done (resident) and the most it has held (peak): a
login's password check and a photo's pixels show in the peak only."""

import os
import secrets

from bench.client import Session, log_in
from bench.load import run_wrk
from bench.memory import memory_mb
from bench.processes import WORK_DIR, flask_json, serving, worker_pids
from bench.rows import BENCH_BUYER, BENCH_MEDIATOR, BENCH_PASSWORD
from bench.run import UNLIMITED, multipart, photo

PAGE_SECONDS = 6


def memory_walk() -> dict:
    env = {
        **os.environ,
        **UNLIMITED,
        "WEB_WORKERS": "1",
        "TRIBUNAL_CONFIG": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "EVIDENCE_DIR": str(WORK_DIR / "evidence-memory-walk"),
        "MAIL_BACKEND": "console",
    }
    facts = flask_json(env, "bench", "facts")
    requests = WORK_DIR / "requests"
    requests.mkdir(parents=True, exist_ok=True)
    steps = {}
    with serving(env, "memory-walk.log") as port:
        (worker,) = worker_pids(port)

        def step(name: str) -> None:
            steps[name] = {
                "peak_mb": memory_mb(worker, "VmHWM"),
                "resident_mb": memory_mb(worker, "VmRSS"),
            }

        def load(name: str, rows: list[str]) -> None:
            path = requests / f"memory-walk-{name}.tsv"
            path.write_text("".join(rows))
            run_wrk(f"http://127.0.0.1:{port}", path, seconds=PAGE_SECONDS)
            step(name)

        Session("127.0.0.1", port, {}).request("GET", "/bench/hello")  # the app is loaded
        step("the first request (hello-world)")
        buyer = log_in("127.0.0.1", port, BENCH_BUYER, BENCH_PASSWORD)
        step("one login")
        mediator = log_in("127.0.0.1", port, BENCH_MEDIATOR, BENCH_PASSWORD)
        load(
            "case pages",
            [f"GET\t/cases/{case}\t{buyer.cookie_header}\n" for case in facts["read_cases"]],
        )
        load("the mediator queue", [f"GET\t/mediation/\t{mediator.cookie_header}\n"])
        load("the analytics dashboard", [f"GET\t/analytics/\t{mediator.cookie_header}\n"])
        load("the transparency page", ["GET\t/transparency\t\n"])
        _upload_photos(buyer, facts["upload_cases"][:2])
        step("two photo uploads")
        for email in list(facts["open_seats"])[:4]:
            log_in("127.0.0.1", port, email, BENCH_PASSWORD)
        step("four more logins")
    return steps


def _upload_photos(buyer, cases: list[int]) -> None:
    boundary = "walk" + secrets.token_hex(8)
    token = buyer.csrf_token(f"/cases/{cases[0]}")
    body = multipart(
        boundary,
        {"csrf_token": token, "kind": "image", "text": ""},
        ("file", "kettle.jpg", "image/jpeg", photo()),
    )
    for case in cases:
        status, _headers, _page = buyer.request(
            "POST",
            f"/cases/{case}/evidence",
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        if status != 302:
            raise RuntimeError(f"uploading to case {case}: {status}")
