"""The one error extraction raises: its message is meant for a human reader."""


class ExtractionError(ValueError):
    """The document holds no article text (or cannot be read as a page at all)."""
