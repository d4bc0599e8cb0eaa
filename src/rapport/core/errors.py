"""Errors that services raise and the API and pages turn into answers.

Each error carries a stable `code` (part of the API contract, never translated),
an HTTP status and a human-readable, translatable title. The API renders them as
`application/problem+json` (RFC 9457); pages show the title and the field errors.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class RapportError(Exception):
    """Base class: a problem the caller can act on."""

    status = 400
    code = "bad_request"
    title = _("The request cannot be processed.")

    def __init__(self, detail: str | None = None, *, code: str | None = None) -> None:
        super().__init__(detail or str(self.title))
        self.detail = detail or str(self.title)
        if code:
            self.code = code

    def extra(self) -> dict:
        """Members added to the problem document besides type, title and detail."""
        return {}


class NotFound(RapportError):
    """The object does not exist, or lies outside the caller's data scope."""

    status = 404
    code = "not_found"
    title = _("Not found.")


class Forbidden(RapportError):
    """The caller's role may not do this."""

    status = 403
    code = "forbidden"
    title = _("You do not have permission to do this.")


class Conflict(RapportError):
    """The change clashes with the current state of the data."""

    status = 409
    code = "conflict"
    title = _("The change conflicts with the current data.")


class PreconditionFailed(RapportError):
    """The If-Match version is not the current one: someone else changed it."""

    status = 412
    code = "stale_version"
    title = _("Someone else changed this record; reload it and try again.")


class PreconditionRequired(RapportError):
    """A write that must name the version it changes did not."""

    status = 428
    code = "version_required"
    title = _("Send the record's ETag in If-Match.")


class ValidationFailed(RapportError):
    """One or more fields are invalid; `errors` maps each field to its messages."""

    status = 422
    code = "validation_failed"
    title = _("Some fields are invalid.")

    def __init__(self, errors: dict[str, list[str]], detail: str | None = None) -> None:
        super().__init__(detail)
        self.errors = {field: [str(m) for m in msgs] for field, msgs in errors.items()}

    def extra(self) -> dict:
        return {
            "errors": [
                {"field": field, "message": message}
                for field, messages in self.errors.items()
                for message in messages
            ]
        }

    @classmethod
    def from_django(cls, exc: Exception) -> ValidationFailed:
        """Build from a django.core.exceptions.ValidationError."""
        if hasattr(exc, "message_dict"):
            return cls({k: list(v) for k, v in exc.message_dict.items()})
        return cls({"__all__": [str(m) for m in getattr(exc, "messages", [exc])]})

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: [message]})
