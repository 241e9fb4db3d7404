"""One exception hierarchy for the whole tool; each error carries a stable exit code.

Exit codes are a public interface (scripts branch on them); only the CLI entry point maps errors to them.
2 stays reserved for usage errors, as click uses it.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "BadOptionError",
    "DigitizerError",
    "ExitCode",
    "ImageTooLargeError",
    "ImageTooSmallError",
    "InputNotFoundError",
    "MissingDependencyError",
    "ModelFileError",
    "OutputError",
    "PageFailedError",
    "PdfaConversionError",
    "UnreadableImageError",
]


class ExitCode(IntEnum):
    """Stable process exit codes."""

    OK = 0
    FAILED = 1
    USAGE = 2
    INPUT_NOT_FOUND = 3
    UNREADABLE_INPUT = 4
    IMAGE_TOO_LARGE = 5
    MISSING_DEPENDENCY = 6
    MODEL_FILE = 7
    OUTPUT = 8
    IMAGE_TOO_SMALL = 9
    SOME_PAGES_FAILED = 10
    INTERRUPTED = 130


class DigitizerError(Exception):
    """Base of every error the tool reports to a user; the message says how to fix it."""

    exit_code: ExitCode = ExitCode.FAILED


class BadOptionError(DigitizerError):
    """An option value is invalid (checked before any page is touched)."""

    exit_code = ExitCode.USAGE


class InputNotFoundError(DigitizerError):
    """The input file does not exist."""

    exit_code = ExitCode.INPUT_NOT_FOUND


class UnreadableImageError(DigitizerError):
    """The input exists but is not a decodable image or PDF (empty, truncated, wrong type)."""

    exit_code = ExitCode.UNREADABLE_INPUT


class ImageTooLargeError(DigitizerError):
    """The image has more pixels than --max-pixels allows."""

    exit_code = ExitCode.IMAGE_TOO_LARGE


class ImageTooSmallError(DigitizerError):
    """The image is too small to hold a line of text the models can read."""

    exit_code = ExitCode.IMAGE_TOO_SMALL


class MissingDependencyError(DigitizerError):
    """An optional package (an extra) needed for the chosen option is not installed."""

    exit_code = ExitCode.MISSING_DEPENDENCY


class ModelFileError(DigitizerError):
    """A model file is missing or does not match its pinned checksum."""

    exit_code = ExitCode.MODEL_FILE


class OutputError(DigitizerError):
    """An output could not be written."""

    exit_code = ExitCode.OUTPUT


class PdfaConversionError(OutputError):
    """A searchable PDF could not be made valid PDF/A (``--no-pdfa`` writes a plain PDF)."""


class PageFailedError(DigitizerError):
    """A page failed inside a batch (crash, timeout, out of memory)."""

    exit_code = ExitCode.SOME_PAGES_FAILED
