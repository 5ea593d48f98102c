"""A 5xx with an HTML page is named as the edge's (a CDN's, a load balancer's), not as the API's."""

from __future__ import annotations

import httpx
import pytest

from contract_tests.observers.edge import answer_text, edge_page, whose_status
from tests.contract.test_answers import TRUNK, seen

PAGE = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"


def html(status: int, content: bytes = PAGE, content_type: str = "text/html; charset=utf-8") -> httpx.Response:
    return httpx.Response(status, content=content, headers={"Content-Type": content_type})


@pytest.mark.parametrize(
    ("status", "content_type", "content", "page"),
    [
        (502, "text/html", PAGE, "502 Bad Gateway"),
        (504, "", b"  <!DOCTYPE html><p>upstream timed out</p>", "an HTML page"),
        (500, "application/json", b'{"detail": "Internal Server Error"}', None),  # the API's own
        (404, "text/html", PAGE, None),  # not a server error
    ],
)
def test_an_edge_page_is_a_5xx_with_html(status: int, content_type: str, content: bytes, page: str | None) -> None:
    assert edge_page(status, content_type, content) == page


def test_messages_name_the_edges_page_instead_of_quoting_its_markup() -> None:
    assert answer_text(html(502), 200) == "502 (the edge's page '502 Bad Gateway', not the API's answer)"
    assert whose_status(html(503)).startswith("503 (the edge's page")
    api_error = httpx.Response(500, json={"detail": "boom"})
    assert answer_text(api_error, 200) == '500 {"detail":"boom"}'
    assert whose_status(api_error) == "500"


def test_the_answer_observer_says_whose_server_error_it_is() -> None:
    (edge,) = seen("GET", TRUNK, html(502))
    (api,) = seen("GET", TRUNK, httpx.Response(500, json={"detail": "boom"}))

    assert "the edge's page '502 Bad Gateway', not the API's answer" in edge.title
    assert api.title.endswith("(server error)")
