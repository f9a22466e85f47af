"""The one error type every command turns into a single `error:` line."""


class TinycError(Exception):
    """A problem the user can act on. `exit_code` 2 = bad input, 1 = does not fit / mismatch."""

    def __init__(self, message: str, exit_code: int = 2, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.details = details   # with --json, printed beside "error" (e.g. the RAM/flash budget)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so every cleanup on the way out runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
