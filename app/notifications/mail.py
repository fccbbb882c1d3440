"""Mail backends, chosen by ``MAIL_BACKEND``: ``console`` (development), ``smtp``, ``memory``
(tests).

A backend is a function that sends one ``EmailMessage`` or raises. Only the outbox calls
``send_email``; everything else queues a message there.
"""

import smtplib
import ssl
import sys
from collections.abc import Callable
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app

from app.core import clock


def build_email(
    *, to_address: str, to_name: str | None, subject: str, body: str, message_id: str
) -> EmailMessage:
    """An automated plain-text mail with a caller-chosen, stable Message-ID."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = Address(display_name=to_name or "", addr_spec=to_address)
    message["Subject"] = subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message.set_content(body)
    return message


def send_console(message: EmailMessage) -> None:
    """Development: print the whole mail to stdout (never to the log)."""
    print(f"---------- mail ----------\n{message}\n--------------------------", file=sys.stdout)


def send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    timeout = config["SMTP_TIMEOUT_SECONDS"]
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=timeout) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(message)


def send_memory(message: EmailMessage) -> None:
    """Tests: keep the mail in ``app.extensions["mail_outbox"]``."""
    current_app.extensions.setdefault("mail_outbox", []).append(message)


BACKENDS: dict[str, Callable[[EmailMessage], None]] = {
    "console": send_console,
    "smtp": send_smtp,
    "memory": send_memory,
}


def send_email(message: EmailMessage) -> None:
    name = current_app.config["MAIL_BACKEND"]
    try:
        backend = BACKENDS[name]
    except KeyError:
        raise RuntimeError(
            f"unknown MAIL_BACKEND {name!r}; use one of {sorted(BACKENDS)}"
        ) from None
    backend(message)
