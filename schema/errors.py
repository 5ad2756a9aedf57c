"""Errors that reach users: each carries a short code and a one-line Chinese message."""


class PaichaError(Exception):
    """Base error; `message` is the Chinese text shown to users."""

    code = "error"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InputError(PaichaError):
    """A file that cannot be read (corrupt, encrypted, empty, wrong type, too large)."""

    code = "unreadable"


class DraftError(PaichaError):
    """A notice draft with missing or malformed elements; `problems` lists them all."""

    code = "draft"

    def __init__(self, problems: list[str], path: str = ""):
        self.problems = list(problems)
        head = f"{path}：" if path else ""
        super().__init__(head + "草稿有以下问题：\n" + "\n".join(f"  - {p}" for p in problems))


class OwnOutput(InputError):
    """A file paicha itself wrote (workbook, document, PDF): skipped, never read as a return (an InputError,
    so an archive's other members are still read)."""

    code = "own_output"
