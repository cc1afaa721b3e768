"""`ResolvedRevision`: a revision name that also carries the commit it was resolved to."""

from . import constants


class ResolvedRevision(str):
    """A revision already resolved to a commit hash, usable wherever a `revision` string is accepted.

    Its string value is the revision the user asked for (`"main"` when none was given), so URLs and messages stay
    readable, while `resolved` holds the commit hash: downloads given a `ResolvedRevision` use that commit and skip
    resolving the name again, so several calls are pinned to one commit.

    Attributes:
        initial (`str` or `None`):
            The revision as requested (`None` stands for the default branch).
        resolved (`str`):
            The commit hash `initial` resolved to.
    """

    initial: str | None
    resolved: str

    def __new__(cls, resolved: str, initial: str | None = None) -> "ResolvedRevision":
        revision = super().__new__(cls, initial if initial is not None else constants.DEFAULT_REVISION)
        revision.initial = initial
        revision.resolved = resolved
        return revision

    def __repr__(self) -> str:
        return f"ResolvedRevision(initial={self.initial!r}, resolved={self.resolved!r})"

    def __reduce__(self) -> tuple:
        # str subclasses pickle through __new__(cls, value): pass our two fields instead.
        return (ResolvedRevision, (self.resolved, self.initial))
