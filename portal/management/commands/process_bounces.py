"""Read bounces that arrived by mail (portal/bounces.py, issue #21).

    manage.py process_bounces [--recipient ADDR] < message   # one message, as the mail server pipes it
    manage.py process_bounces /var/mail/bounces  # every new message of a Maildir, or an mbox

Exit status 0 whatever the messages say (a mail server would otherwise bounce the bounce), 75
(EX_TEMPFAIL: the mail server keeps the message and tries again later) when the database cannot
be reached."""

from __future__ import annotations

import logging
import mailbox
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from portal.bounces import MAX_BYTES, bounce_process

EX_TEMPFAIL = 75
logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Read bounces (RFC 3464 delivery reports) from standard input, a Maildir or an mbox."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="a Maildir directory or an mbox file; none: one message on stdin")
        parser.add_argument("--recipient", default="",
                            help="the envelope recipient of the message on stdin (Postfix pipe: ${original_recipient})")

    def handle(self, *args, path=None, recipient="", **options):
        counts: dict[str, int] = {}
        try:
            if path is None:
                # Postfix's local(8) and pipe(8) name the envelope recipient in the environment.
                recipient = (recipient or os.environ.get("ORIGINAL_RECIPIENT") or os.environ.get("RECIPIENT")
                             or "")
                raw = sys.stdin.buffer.read(MAX_BYTES + 1)
                self._one(counts, raw, envelope_recipient=recipient)
            elif (Path(path) / "new").is_dir():
                self._maildir(mailbox.Maildir(path, factory=None, create=False), counts)
            elif Path(path).is_file():
                box = mailbox.mbox(path, create=False)
                for key in box.iterkeys():
                    self._one(counts, box.get_bytes(key))
            else:
                raise CommandError(f"不是 Maildir 目录或 mbox 文件 / not a Maildir or an mbox: {path}")
        except DatabaseError as error:
            self.stderr.write(f"数据库不可用，稍后重试 / database unavailable, try again later ({type(error).__name__})")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(", ".join(f"{outcome}: {n}" for outcome, n in sorted(counts.items())) or "0 messages")

    def _maildir(self, box: mailbox.Maildir, counts: dict[str, int]) -> None:
        """Each new message once: once read it moves to cur/ with the Seen flag (Maildir's own
        way to say so), so the next run skips it."""
        for key in list(box.iterkeys()):
            message = box.get_message(key)
            if message.get_subdir() == "cur" and "S" in message.get_flags():
                continue
            self._one(counts, box.get_bytes(key))
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message

    @staticmethod
    def _one(counts: dict[str, int], raw: bytes, **kwargs) -> None:
        try:
            outcome = bounce_process(raw, **kwargs)
        except DatabaseError:
            raise
        except Exception:  # one message's surprise must not stop the others; it stays for a look
            logger.exception("bounce: a message could not be processed")
            outcome = "error"
        counts[outcome] = counts.get(outcome, 0) + 1
