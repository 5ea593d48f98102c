"""The baseline of known drift: matching by fingerprint, expiry, update and prune, comments kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from contract_tests.findings.baseline import BaselineError, judge, load, prune, save, update

TODAY = date(2026, 12, 2)


def finding(fingerprint: str, check: str = "bad-values", kind: str = "looser") -> dict[str, Any]:
    return {"fingerprint": fingerprint, "check": check, "kind": kind, "title": f"title of {fingerprint}"}


ANNOTATED = """\
# Accepted by the team; see the tickets.
format_version: 1
entries:
  - fingerprint: aaa
    kind: looser
    check: bad-values
    title: title of aaa
    reason: Bolna accepts longer names; the spec follows next release  # keep this note
    ticket: OPS-12
    expires: 2027-01-31
    owner: voice-team
  - fingerprint: bbb
    kind: additive
    check: undocumented-fields
    title: title of bbb
"""


def test_update_adds_what_is_new_and_keeps_every_annotation_and_comment(tmp_path: Path) -> None:
    path = tmp_path / "contract-baseline.yaml"
    path.write_text(ANNOTATED, encoding="utf-8")
    baseline = load(path)

    added = update(baseline, [finding("ccc"), finding("aaa")], TODAY)
    save(baseline)
    text = path.read_text(encoding="utf-8")
    again = load(path)

    assert added == ["ccc"]
    assert [entry.fingerprint for entry in again.entries] == ["aaa", "bbb", "ccc"]
    assert "# Accepted by the team; see the tickets." in text and "# keep this note" in text
    assert again.entries[0].raw["owner"] == "voice-team" and again.entries[0].raw["ticket"] == "OPS-12"
    assert again.entries[0].expires == date(2027, 1, 31)
    assert again.entries[0].raw["last_seen"] == TODAY.isoformat()
    assert again.entries[2].raw["first_seen"] == TODAY.isoformat()


def test_a_new_baseline_explains_itself(tmp_path: Path) -> None:
    baseline = load(tmp_path / "contract-baseline.yaml")
    update(baseline, [finding("aaa")], TODAY)
    save(baseline)
    text = (tmp_path / "contract-baseline.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Known drift of the API")
    assert load(tmp_path / "contract-baseline.yaml").entries[0].fingerprint == "aaa"


def test_findings_are_known_new_or_expired_whatever_their_order(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(ANNOTATED.replace("2027-01-31", "2026-12-01"), encoding="utf-8")  # expired yesterday
    baseline = load(path)
    findings = [finding("bbb", "undocumented-fields"), finding("zzz"), finding("aaa")]

    one = judge(findings, baseline, checks_run_fully={"bad-values", "undocumented-fields"}, today=TODAY)
    other = judge(findings[::-1], baseline, checks_run_fully={"bad-values", "undocumented-fields"}, today=TODAY)

    assert (one.known, one.new, one.expired) == (["bbb"], ["zzz"], ["aaa"])
    assert (sorted(other.known), sorted(other.new), sorted(other.expired)) == (["bbb"], ["zzz"], ["aaa"])


def test_prune_drops_only_what_a_full_check_no_longer_sees(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(ANNOTATED, encoding="utf-8")
    baseline = load(path)

    cut_short = judge([], baseline, checks_run_fully={"bad-values"}, today=TODAY)
    dropped = prune(baseline, cut_short)
    save(baseline)

    assert cut_short.resolved == ["aaa"] and cut_short.unjudged == ["bbb"]
    assert dropped == ["aaa"]
    kept = load(path)
    assert [entry.fingerprint for entry in kept.entries] == ["bbb"]
    assert "# Accepted by the team" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("entries: [", "cannot be read as YAML"),
        ("- a\n- b\n", "expected a mapping"),
        ("entries:\n  - kind: looser\n", "entry 1 has no fingerprint"),
        ("entries:\n  - fingerprint: a\n    expires: soon\n", "is not a YYYY-MM-DD date"),
        ("entries:\n  - fingerprint: a\n  - fingerprint: a\n", "listed twice"),
        ("format_version: 9\nentries: []\n", "format_version 9"),
    ],
)
def test_a_bad_baseline_is_one_line_naming_the_file(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "contract-baseline.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError) as raised:
        load(path)
    assert says in str(raised.value) and str(path) in str(raised.value) and "\n" not in str(raised.value)
