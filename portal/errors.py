"""Domain errors: each carries a message a person can read (Chinese, translated to English)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404


class DomainError(Exception):
    """A rule of the domain refused the action; `str(error)` is shown to the person."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class ActionRefused(DomainError, PermissionDenied):
    """This person may not do this to this object (role, office or permission)."""


class StateConflict(DomainError):
    """The object is no longer in the state the action needs: someone else acted first."""


class InvalidInput(DomainError):
    """The input is incomplete or wrong; nothing was changed."""


class NotInScope(Http404):
    """The object exists but lies outside this person's offices: answered as "not found" (so its
    existence is not confirmed) and recorded in the audit trail as a permission denial."""
