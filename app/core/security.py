"""Security headers on every response; pages for a signed-in person are never stored by a
browser or a proxy, and production asks browsers to come back over HTTPS only (HSTS)."""

from flask import Flask, Response, current_app, request, session

from app.core.storage import signed_download_origin

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def policy_with_file_origin(origin: str) -> str:
    """The policy, letting pages show images and play videos from ``origin``: where
    signed evidence downloads redirect."""
    return CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data:", f"img-src 'self' data: {origin}; media-src 'self' {origin}"
    )


def _add_security_headers(response: Response) -> Response:
    origin = signed_download_origin(current_app.config)
    if origin is not None:
        response.headers.setdefault("Content-Security-Policy", policy_with_file_origin(origin))
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if _logged_in() and request.endpoint != "static":
        # a view that sets its own (evidence files: private, revalidated) keeps it
        response.headers.setdefault("Cache-Control", "no-store")
    hsts_seconds = current_app.config["HSTS_SECONDS"]
    if hsts_seconds:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains"
        )
    return response


def _logged_in() -> bool:
    """Whether a login rides on this request: Flask-Login keeps its key in the session. Asked
    of the session rather than of the account, which a commit has expired and would reload."""
    return session.get("_user_id") is not None


def init_app(app: Flask) -> None:
    app.after_request(_add_security_headers)
