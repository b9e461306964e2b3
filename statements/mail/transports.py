"""Ways to hand a message over: SMTP, or files for development."""

import smtplib
from email.message import EmailMessage
from pathlib import Path

from statements.core.db import utcnow


class SMTPTransport:
    """Deliver over SMTP, with optional STARTTLS or TLS and login."""

    def __init__(self, host: str, port: int, user: str | None = None, password: str | None = None,
                 starttls: bool = False, ssl: bool = False, timeout: float = 20):
        self.host, self.port, self.user, self.password = host, port, user, password
        self.starttls, self.ssl, self.timeout = starttls, ssl, timeout

    def send(self, message: EmailMessage) -> None:
        smtp_class = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
        with smtp_class(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)

    def describe(self) -> str:
        return f"SMTP server {self.host}:{self.port}"


class FileTransport:
    """Write each message as a readable .eml file in a folder (development without SMTP)."""

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%d-%H%M%S-%f")
        (self.directory / f"{stamp}.eml").write_bytes(bytes(message))

    def describe(self) -> str:
        return f"files in {self.directory}"


def transport_from_config(config) -> SMTPTransport | FileTransport:
    """Use SMTP when SMTP_HOST is set, otherwise write files to MAIL_FILE_DIR."""
    if config.get("SMTP_HOST"):
        return SMTPTransport(
            config["SMTP_HOST"], config["SMTP_PORT"], config.get("SMTP_USER"), config.get("SMTP_PASSWORD"),
            starttls=config.get("SMTP_STARTTLS", False), ssl=config.get("SMTP_SSL", False),
        )
    return FileTransport(config["MAIL_FILE_DIR"])
