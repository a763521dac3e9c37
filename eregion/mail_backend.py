"""The SMTP backend of the outbox: Django's, telling the outbox the moment the message itself
is handed to the mail server (the DATA command) and the moment the server accepted it.

An email whose worker died before that moment was provably not sent and is sent again; one
whose worker died after it may have been sent and is shown to staff instead
(``eregion.tasks``). Settings select this backend whenever EMAIL_URL is an SMTP one.
"""

import contextvars
import smtplib

from django.core.mail.backends import smtp

# Set by ``eregion.tasks.send_email`` around one send: called right before DATA (it may raise
# to abort the send) and after the server's "250" to DATA.
before_data = contextvars.ContextVar("before_data", default=None)
after_data = contextvars.ContextVar("after_data", default=None)


class _Announcing:
    def data(self, msg):
        hook = before_data.get()
        if hook is not None:
            hook()
        code, response = super().data(msg)
        hook = after_data.get()
        if code == 250 and hook is not None:
            hook()
        return code, response


class SMTP(_Announcing, smtplib.SMTP):
    pass


class SMTP_SSL(_Announcing, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    announces_data = True

    @property
    def connection_class(self):
        return SMTP_SSL if self.use_ssl else SMTP
