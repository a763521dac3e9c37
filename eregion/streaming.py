"""Helpers for streamed downloads."""


class Echo:
    """A file-like object whose ``write`` returns what it was given, so that ``csv.writer``
    produces lines to stream instead of writing them to a buffer."""

    def write(self, value):
        return value
