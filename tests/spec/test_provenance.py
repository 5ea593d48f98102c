"""openapi.yaml says of every rule whether Bolna documents it; `docs` exactly where the contract
document marks a rule **[docs]**, and the suite reads it from there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contract_tests.values.causes import PROVENANCE, Rule, status_provenance
from contract_tests.values.spec import load_spec

# The rules the contract document marks [docs]: a gateway needs its address; POST's userpass and
# ip-based requirements; sdes requires TLS (the request-level half in both bodies, and the
# merged-state rule of PATCH).
DOCUMENTED = {
    "components.schemas.GatewayInput",
    "components.schemas.SipTrunkUpdate",
    "components.schemas.SipTrunkCreate.allOf.0",
    "components.schemas.SipTrunkCreate.allOf.1",
    "components.schemas.SipTrunkCreate.allOf.2",
    "paths./sip-trunks/trunks/{trunk_id}.patch.x-merged-state-rules.0",
}


def _provenances(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if PROVENANCE in node:
            yield where, node[PROVENANCE]
        for key, value in node.items():
            yield from _provenances(value, f"{where}.{key}".lstrip("."))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _provenances(value, f"{where}.{index}")


def test_documented_exactly_where_the_contract_document_says() -> None:
    marks = dict(_provenances(load_spec()))

    assert {where for where, value in marks.items() if value == "docs"} == DOCUMENTED
    assert set(marks.values()) == {"docs", "assumed"}


def test_the_suite_reads_provenance_from_the_spec() -> None:
    assert Rule("GatewayInput", "", "required").provenance == "docs"
    assert Rule("TrunkName", "", "maxLength").provenance == "assumed"
    assert Rule("SipTrunkUpdate", "/properties/gateways", "maxItems").provenance == "assumed"
    assert status_provenance("GET", "/sip-trunks/trunks", 401) == "assumed"
    assert status_provenance("PATCH", "/sip-trunks/trunks/{trunk_id}", 200) == "assumed"
