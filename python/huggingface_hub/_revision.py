"""`ResolvedRevision`: a revision as the user wrote it, carrying the commit it pointed to when resolved."""

from . import constants


class ResolvedRevision(str):
    """A revision (branch, tag, PR ref) already resolved to a commit hash.

    It is a `str` equal to the revision as requested (`"main"` when none was given), so it can be passed as
    `revision=` anywhere and keeps URLs and messages readable; downloads use `.resolved` so that every file comes
    from the same commit. Built by [`HfApi.resolve_revision`].

    Attributes:
        initial (`str`, *optional*): the revision as requested; `None` for the default branch.
        resolved (`str`): the commit hash it resolved to.

    Example:
        ```py
        >>> revision = ResolvedRevision("607a30d783dfa663caf39e06633721c8d4cfcd7e")
        >>> revision == "main", revision.resolved[:7]
        (True, '607a30d')
        ```
    """

    initial: str | None
    resolved: str

    def __new__(cls, resolved: str, initial: str | None = None) -> "ResolvedRevision":
        value = super().__new__(cls, constants.DEFAULT_REVISION if initial is None else initial)
        value.initial = initial
        value.resolved = resolved
        return value

    def __reduce__(self) -> tuple:
        # Pickling and copying would otherwise rebuild from the string value alone and lose the commit.
        return type(self), (self.resolved, self.initial)

    def __repr__(self) -> str:
        return f"ResolvedRevision(initial={self.initial!r}, resolved={self.resolved!r})"
