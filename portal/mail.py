"""Where mail goes when no SMTP server is configured (EMAIL_HOST unset): into files, not the log.

A mail to a citizen carries their address next to the case's tracking code, and a reporter's
address is kept secret (M.19): the console backend printed both into the application log, where
anyone who reads logs (and every system logs are shipped to) saw them. This backend keeps each
message in a file of EMAIL_FILE_PATH instead — a directory only the portal's own user may open
(0700, files 0600) — and logs one line that says how many messages were kept and where, never to
whom or about what."""

from __future__ import annotations

import datetime
import logging
import os
import secrets
import smtplib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends import filebased, smtp
from django.core.mail.message import sanitize_address

logger = logging.getLogger(__name__)


class ProtectedFileBackend(filebased.EmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        directory = os.path.abspath(file_path or settings.EMAIL_FILE_PATH)
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            os.chmod(directory, 0o700)  # also when it existed with a wider mode
        except OSError as error:
            raise ImproperlyConfigured(f"邮件目录不可用 / mail directory unusable: {directory} ({error.strerror})") from None
        super().__init__(*args, file_path=directory, **kwargs)

    def _get_filename(self):
        if self._fname is None:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            # .eml, not .log: nothing that collects log files should pick these up.
            self._fname = os.path.join(self.file_path, f"{stamp}-{secrets.token_hex(6)}.eml")
        return self._fname

    def open(self):
        if self.stream is None:
            descriptor = os.open(self._get_filename(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self.stream = os.fdopen(descriptor, "ab")
            return True
        return False

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        if sent:
            logger.warning("EMAIL_HOST is not set: %d message(s) not sent, kept in %s (readable by the portal's "
                           "user only)", sent, self.file_path)
        return sent


class RefusalAwareSMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend, except that it keeps on each message the recipients the server
    refused while it accepted the others (smtplib returns them; Django drops them): the outbox
    records them on the notice, and the mail still reaches everyone else.

    `connect_timeout` (the outbox's worker passes PORTAL_MAIL_CONNECT_TIMEOUT): the seconds allowed
    to open the connection — reach the server, its greeting, TLS, login — after which EMAIL_TIMEOUT
    applies again to sending. A server that is down or silent then costs the worker a few seconds
    per batch, not EMAIL_TIMEOUT, while a slow server still gets its time for a large message."""

    def __init__(self, *args, connect_timeout: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connect_timeout = connect_timeout

    def open(self):
        if self.connection or not self.connect_timeout:
            return super().open()
        timeout = self.timeout
        self.timeout = min(self.connect_timeout, timeout or self.connect_timeout)
        try:
            opened = super().open()
        finally:
            self.timeout = timeout
        sock = getattr(self.connection, "sock", None)
        if sock is not None:
            sock.settimeout(timeout)
        return opened

    def _send(self, email_message):
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(email_message.from_email, encoding)
        recipients = [sanitize_address(address, encoding) for address in email_message.recipients()]
        message = email_message.message()
        try:
            refused = self.connection.sendmail(from_email, recipients, message.as_bytes(linesep="\r\n"))
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        email_message.refused = sorted(refused or {})
        return True
