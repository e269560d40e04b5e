"""A real SMTP server on loopback (aiosmtpd) that records what arrives, for the press tests."""

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    envelope_to: list[str]
    message: email.message.EmailMessage
    raw: bytes = b""

    @property
    def subject(self) -> str:
        # A long or non-ASCII subject is folded onto the next line, after a space.
        return str(self.message["Subject"]).strip()

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()


@dataclass
class Recorder:
    """Accepts every message (or answers as `answers` say, one answer per message, in turn)
    and keeps what it accepted."""

    answers: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    # Set to hold the next message's RCPT until `release` is set: the client waits.
    hold_rcpt_number: int | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    rcpt_count: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.rcpt_count += 1
        if self.hold_rcpt_number is not None and self.rcpt_count == self.hold_rcpt_number:
            self.holding.set()
            while not self.release.is_set():
                import asyncio

                await asyncio.sleep(0.05)
            return "451 4.3.0 Interrupted"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        answer = self.answers.pop(0) if self.answers else "250 Message accepted for delivery"
        if answer.startswith("250"):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.received.append(Received(list(envelope.rcpt_tos), message, envelope.content))
        return answer

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.envelope_to]


class SMTPServer:
    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.port = free_port()
        self.controller = Controller(recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SMTPServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.recorder.release.set()
        self.controller.stop()
