"""Domain errors of the case lifecycle; each carries a message a user can read (Chinese)."""


class CaseError(Exception):
    """Base class: the action was refused and nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(CaseError):
    """A field is missing, malformed, too long or points at something that does not exist."""


class NotAllowed(CaseError):
    """The action does not apply to the case in its current status."""


class NotPermitted(CaseError):
    """The user holds no role that allows this action on this case."""
