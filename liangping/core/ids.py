"""Record ids from the outside world (query strings, paths, JSON) that no record can have.

A database id is a 64-bit integer. A number beyond that (`?district=9999999999999999999999`) names no
record: it is a 404 (a page or a path) or a 422 (an API filter, whose schema states the bound),
never a 500. SQLite refuses such a number before the query runs (OverflowError), so everything that
reads an id from a request goes through `parse_id` or the API's bounded schemas
(liangping.core.api.BoundedInts: every integer of a query or a body), and the rest is caught in
one place: `is_out_of_range` tells the page middleware and the API's error handler that the error
was the client's number, not a fault.
"""

from __future__ import annotations

from django.http import Http404

ID_MIN = -(2**63)
ID_MAX = 2**63 - 1


class IdOutOfRange(Http404):
    """A number no record id can be: a 404 wherever it reaches."""

    def __init__(self, text: str) -> None:
        super().__init__(f"编号超出范围：{text[:40]}")


def parse_id(text: object) -> int | None:
    """An id from a query string: None when it is not a whole number (the filter is not applied),
    IdOutOfRange (a 404) when it is one no record can have."""
    value = str(text if text is not None else "").strip()
    if not value.isdigit() or not value.isascii():
        return None
    if len(value.lstrip("0")) > len(str(ID_MAX)):  # also spares int() a number of 5,000 digits
        raise IdOutOfRange(value)
    number = int(value)
    if number > ID_MAX:
        raise IdOutOfRange(value)
    return number


def is_out_of_range(exc: BaseException) -> bool:
    """Whether `exc` is the database refusing an integer beyond its range (SQLite before the query,
    PostgreSQL's numeric_value_out_of_range on an integer column)."""
    if isinstance(exc, IdOutOfRange):
        return True
    if isinstance(exc, OverflowError) and "SQLite INTEGER" in str(exc):
        return True
    cause = exc.__cause__
    return cause is not None and getattr(cause, "sqlstate", "") == "22003" and "integer" in str(cause)
