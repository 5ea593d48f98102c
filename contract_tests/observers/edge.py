"""Answers of the CDN or load balancer in front of the API, told apart from the API's own.

The API answers JSON, its errors included; a gateway that could not reach it (or gave up waiting)
answers a 5xx with an HTML page of its own. A report that calls that page the API's sends people
looking for a bug in the wrong place.
"""

from __future__ import annotations

import re

import httpx

# The header of an answer the safety layer made up for a request whose real answer the edge lost
# (a create found, a delete found done); the observers do not judge it as the API's.
RECOVERED = "X-Contract-Recovered"

_TITLE = re.compile(rb"<title[^>]*>\s*(?P<title>[^<]{1,80}?)\s*</title>", re.IGNORECASE)


def edge_page(status: int, content_type: str, content: bytes) -> str | None:
    """For a 5xx with an HTML body, a short name for that page (its title); else None."""
    media = content_type.split(";")[0].strip().lower()
    if status < 500 or not (media == "text/html" or content.lstrip()[:1] == b"<"):
        return None
    match = _TITLE.search(content[:4096])
    return match["title"].decode("utf-8", "replace") if match else "an HTML page"


def edge_note_for(status: int, content_type: str, content: bytes) -> str:
    """`the edge's page '502 Bad Gateway', not the API's answer` for a gateway's page, else ""."""
    page = edge_page(status, content_type, content)
    return "" if page is None else f"the edge's page {page!r}, not the API's answer"


def edge_note(response: httpx.Response) -> str:
    return edge_note_for(response.status_code, response.headers.get("Content-Type", ""), response.content)


def whose_status(response: httpx.Response) -> str:
    """The status, with whose page it is when the edge answered rather than the API."""
    note = edge_note(response)
    return f"{response.status_code} ({note})" if note else str(response.status_code)


def answer_text(response: httpx.Response, limit: int) -> str:
    """The status and the start of the body, for a message; an edge's page by name, not as markup."""
    return whose_status(response) if edge_note(response) else f"{response.status_code} {response.text[:limit]}"
