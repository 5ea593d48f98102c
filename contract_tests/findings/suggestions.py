"""A patch of openapi.yaml that makes the spec follow what the API was seen to do.

For each looser or additive finding: a bound moved to the one the API enforces, a pattern the API
does not check dropped (the accepted values quoted in the description), undocumented response
keys added with the type of every value seen; a difference from a rule the spec only assumed
(a bound, a status, a merged-state rule) moves or drops that rule. Findings against a documented
rule or behaviour never get one: they are the API's to fix. The file is edited as text, line by
line, so the diff touches only what changes and `git apply` takes it.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from contract_tests.findings.findings import Finding
from contract_tests.values.spec import MERGED_STATE_RULES, TRUNK_PATH, YAML_LOADER

BOUND_KEYWORDS = frozenset({"maxLength", "maxItems", "maximum", "minimum"})
FLOOR_KEYWORDS = frozenset({"minLength", "minItems"})


@dataclass
class Suggestion:
    fingerprint: str
    summary: str  # one line for the report
    lines: list[int] = field(default_factory=list)  # 1-based lines of the spec it changes


@dataclass
class SpecEdit:
    """Line edits of one spec text; applied together, bottom-up, so line numbers stay valid."""

    text: str
    replaced: dict[int, str] = field(default_factory=dict)  # 0-based line -> new text (None: deleted)
    deleted: set[int] = field(default_factory=set)
    inserted: dict[int, list[str]] = field(default_factory=dict)  # insert after 0-based line

    def __post_init__(self) -> None:
        self.lines = self.text.splitlines()
        self.root = yaml.compose(self.text, Loader=YAML_LOADER)

    def result(self) -> str:
        out: list[str] = []
        for index, line in enumerate(self.lines):
            if index not in self.deleted:
                out.append(self.replaced.get(index, line))
            out += self.inserted.get(index, [])
        return "\n".join(out) + ("\n" if self.text.endswith("\n") else "")

    # -- finding nodes ----------------------------------------------------------------------------
    def node(self, *keys: str) -> yaml.Node | None:
        node: yaml.Node | None = self.root
        for key in keys:
            node = _value(node, key)
            if node is None:
                return None
        return node

    def set_scalar(self, keys: tuple[str, ...], value: Any) -> int | None:
        """Write `value` as the scalar at `keys` (a block mapping's member); its 1-based line, or None."""
        parent = self.node(*keys[:-1])
        line = _key_line(parent, keys[-1]) if isinstance(parent, yaml.MappingNode) else None
        node = _value(parent, keys[-1])
        if line is None or not isinstance(node, yaml.ScalarNode):
            return None
        for extra in range(line + 1, _last_line(node) + 1):
            self.deleted.add(extra)  # a scalar written over several lines becomes one
        self.replaced[line] = f"{_indent(self.lines[line])}{keys[-1]}: {_yaml_scalar(value)}"
        return line + 1

    def schema_node(self, component: str, path: str) -> yaml.MappingNode | None:
        node = self.node("components", "schemas", component, *[part for part in path.split("/") if part])
        return node if isinstance(node, yaml.MappingNode) else None


def _value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if key_node.value == key:
            found: yaml.Node = value_node
            return found
    return None


def _key_line(mapping: yaml.MappingNode, key: str) -> int | None:
    for key_node, _ in mapping.value:
        if key_node.value == key:
            return int(key_node.start_mark.line)
    return None


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" "))]


def _last_line(node: yaml.Node) -> int:
    """The 0-based last line a node's text occupies.

    A block collection's end mark is where the next token starts, so it is found from its last
    child; a scalar's end mark is its own end (the next line's start for a block scalar).
    """
    if isinstance(node, yaml.MappingNode) and node.value and not node.flow_style:
        return _last_line(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and node.value and not node.flow_style:
        return _last_line(node.value[-1])
    end = node.end_mark
    return int(end.line) - 1 if end.column == 0 else int(end.line)


def _shown(value: str) -> str:
    """An accepted value as the description shows it: as sent, or as JSON when it has odd characters."""
    try:
        decoded = json.loads(value)
    except ValueError:
        decoded = value
    text = decoded if isinstance(decoded, str) else value
    plain = text.isprintable() and "`" not in text and text.strip() == text and text
    return f"`{text}`" if plain else f"`{json.dumps(text)}`"


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid double-quoted YAML scalar
    return json.dumps(value)


# -- the causes -----------------------------------------------------------------------------------


def places_of(spec: dict[str, Any], rule: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Where the rule is written: its own place, and the same field's same keyword and value elsewhere."""
    component, path, keyword, documented = rule["component"], rule["path"], rule["keyword"], rule["documented"]
    yield component, path
    if not path.startswith("/properties/") or path.count("/") != 2:
        return
    name = path.rsplit("/", 1)[-1]
    for other, schema in spec["components"]["schemas"].items():
        prop = schema.get("properties", {}).get(name) if isinstance(schema, dict) else None
        if other != component and isinstance(prop, dict) and prop.get(keyword) == documented:
            yield other, path


def _bound_edit(edit: SpecEdit, spec: dict[str, Any], finding: Finding) -> Suggestion | None:
    rule = finding.evidence.get("rule")
    bound = finding.evidence.get("bound")
    if not isinstance(rule, dict):
        return None
    keyword = rule["keyword"]
    if keyword in BOUND_KEYWORDS and isinstance(bound, dict):
        new_value = bound["enforced"] if bound["enforced"] is not None else None
        if bound["refused"] is not None and bound["enforced"] is None:
            new_value = bound["accepted"]  # not narrowed to the last value: keep what was seen accepted
    elif keyword in FLOOR_KEYWORDS:
        new_value = None  # an empty value was accepted: no floor
    else:
        return None
    lines = []
    for component, path in places_of(spec, rule):
        mapping = edit.schema_node(component, path)
        line = _key_line(mapping, keyword) if mapping else None
        if line is None:
            continue
        if new_value is None:
            edit.deleted.add(line)
        else:
            edit.replaced[line] = f"{_indent(edit.lines[line])}{keyword}: {new_value}"
        lines.append(line + 1)
    if not lines:
        return None
    where = f"{rule['component']}{rule['path'].replace('/properties/', '.')}"
    change = f"{keyword} {rule['documented']} -> {new_value}" if new_value is not None else f"{keyword} removed"
    return Suggestion(finding.fingerprint, f"{where}: {change} ({bound['summary'] if bound else 'seen'})", lines)


def _pattern_edit(edit: SpecEdit, finding: Finding) -> Suggestion | None:
    rule = finding.evidence.get("rule")
    if not isinstance(rule, dict) or rule["keyword"] != "pattern":
        return None
    mapping = edit.schema_node(rule["component"], rule["path"])
    line = _key_line(mapping, "pattern") if mapping else None
    if mapping is None or line is None:
        return None
    edit.deleted.add(line)
    accepted = [_shown(str(value)) for value in finding.evidence.get("accepted", [])][:4]
    addition = "The API does not check this pattern; it also accepts " + ", ".join(accepted) + "."
    description = _value(mapping, "description")
    description_line = _key_line(mapping, "description")
    indent = _indent(edit.lines[line])
    if isinstance(description, yaml.ScalarNode) and description_line is not None:
        if description.style in ("|", ">"):
            last = _last_line(description)
            body_indent = _indent(edit.lines[description_line + 1]) if description_line + 1 <= last else indent + "  "
            edit.inserted.setdefault(last, []).append(f"{body_indent}{addition}")
        else:
            text = f"{description.value.rstrip()} {addition}"
            edit.replaced[description_line] = (
                f"{_indent(edit.lines[description_line])}description: {_yaml_scalar(text)}"
            )
        touched = description_line
    else:
        edit.inserted.setdefault(line, []).append(f"{indent}description: {_yaml_scalar(addition)}")
        touched = line
    where = rule["component"] + rule["path"].replace("/properties/", ".")
    return Suggestion(
        finding.fingerprint,
        f"{where}: pattern dropped, accepted values noted in the description",
        sorted({line + 1, touched + 1}),
    )


def _enum_edit(edit: SpecEdit, finding: Finding) -> Suggestion | None:
    """The enum values the API refused taken out of the enum (written in flow style, one line)."""
    rule = finding.evidence.get("rule")
    if not isinstance(rule, dict) or rule["keyword"] != "enum":
        return None
    mapping = edit.schema_node(rule["component"], rule["path"])
    node = _value(mapping, "enum") if mapping else None
    line = _key_line(mapping, "enum") if mapping else None
    if not isinstance(node, yaml.SequenceNode) or not node.flow_style or line is None:
        return None
    refused = set()
    for shown in finding.evidence.get("refused", []):
        try:
            refused.add(json.loads(shown))
        except ValueError:
            continue
    kept = [item for item in node.value if item.value not in refused]
    if len(kept) == len(node.value) or not kept:
        return None
    text = ", ".join(f"'{item.value}'" if item.style == "'" else item.value for item in kept)
    edit.replaced[line] = f"{_indent(edit.lines[line])}enum: [{text}]"
    where = rule["component"] + rule["path"].replace("/properties/", ".")
    return Suggestion(finding.fingerprint, f"{where}: enum without {', '.join(sorted(refused))}", [line + 1])


def _keys_edit(edit: SpecEdit, finding: Finding) -> Suggestion | None:
    evidence = finding.evidence
    mapping = edit.schema_node(evidence.get("component", ""), evidence.get("path", "")) if evidence else None
    properties = _value(mapping, "properties") if mapping else None
    if mapping is None or not isinstance(properties, yaml.MappingNode) or not properties.value:
        return None
    key_indent = " " * properties.value[0][0].start_mark.column
    last = _last_line(properties)
    while last > 0 and not edit.lines[last].strip():
        last -= 1
    new_lines: list[str] = []
    always: list[str] = []
    for key, seen in evidence["keys"].items():
        types = [kind for kind in seen["types"] if kind != "null"]
        nullable = "null" in seen["types"]
        new_lines.append(f"{key_indent}{key}:")
        inner = key_indent + "  "
        if len(types) == 1:
            declared = f"[{types[0]}, 'null']" if nullable else types[0]
            new_lines.append(f"{inner}type: {declared}")
        else:
            seen_as = ", ".join(seen["types"])
            new_lines.append(f"{inner}description: {_yaml_scalar(f'Any JSON value; seen as {seen_as}.')}")
        if seen["present"] >= evidence["objects"]:
            always.append(key)
    edit.inserted.setdefault(last, []).extend(new_lines)
    touched = [last + 2]
    required = _value(mapping, "required")
    required_line = _key_line(mapping, "required")
    if always and isinstance(required, yaml.SequenceNode) and required_line is not None:
        if required.flow_style:
            text = edit.lines[required_line]
            edit.replaced[required_line] = text[: text.rindex("]")] + "".join(f", {k}" for k in always) + "]"
            touched.append(required_line + 1)
        else:
            last_item = _last_line(required)
            item_indent = _indent(edit.lines[last_item])
            edit.inserted.setdefault(last_item, []).extend(f"{item_indent}- {key}" for key in always)
            touched.append(last_item + 2)
    where = evidence["component"] + evidence["path"].replace("/properties/", ".")
    required_note = f" (required: {', '.join(always)})" if always else ""
    return Suggestion(
        finding.fingerprint, f"{where}: documents {', '.join(evidence['keys'])}{required_note}", sorted(touched)
    )


def _status_edit(edit: SpecEdit, finding: Finding) -> Suggestion | None:
    """The status documented on every operation it was seen on, with the body schema it fits."""
    evidence = finding.evidence
    status, component = evidence["status"], evidence.get("schema")
    seen_at = evidence.get("seen_at") or [[evidence.get("method"), evidence.get("path")]]
    touched, operations = [], []
    for method, path in seen_at:
        responses = edit.node("paths", str(path), str(method), "responses")
        if not isinstance(responses, yaml.MappingNode) or not responses.value or _value(responses, str(status)):
            continue
        indent = " " * responses.value[0][0].start_mark.column
        inner = indent + "  "
        lines = [
            f"{indent}'{status}':",
            f"{inner}x-provenance: assumed",
            f"{inner}description: Not documented until now; seen in the API's answers.",
        ]
        if component:
            lines += [
                f"{inner}content:",
                f"{inner}  application/json:",
                f"{inner}    schema:",
                f"{inner}      $ref: '#/components/schemas/{component}'",
            ]
        last = _last_line(responses)
        edit.inserted.setdefault(last, []).extend(lines)
        touched.append(last + 2)
        operations.append(f"{str(method).upper()} {path}")
    if not touched:
        return None
    return Suggestion(
        finding.fingerprint,
        f"{', '.join(operations)}: documents status {status} ({component or 'no body schema'})",
        touched,
    )


def _shared_status_edit(edit: SpecEdit, finding: Finding) -> Suggestion | None:
    """A shared answer (`Unauthorized`) moved to the status the API gives it, on every operation."""
    evidence = finding.evidence
    shared, documented, status = evidence["replaces"], str(evidence["documented"]), str(evidence["status"])
    ref = f"#/components/responses/{shared}"
    touched = []
    paths = edit.node("paths")
    for _, item in paths.value if isinstance(paths, yaml.MappingNode) else []:
        for _, operation in item.value if isinstance(item, yaml.MappingNode) else []:
            responses = _value(operation, "responses")
            if not isinstance(responses, yaml.MappingNode):
                continue
            for key, answer in responses.value:
                target = _value(answer, "$ref")
                if key.value == documented and isinstance(target, yaml.ScalarNode) and target.value == ref:
                    # A status holds one answer: if one operation already answers the new status
                    # with another, the answer moves nowhere (half moved, the spec would say
                    # both). So field errors seen as 400 (`ValidationFailed`) get no edit where 400
                    # is the cross-field rules' (`RuleViolation`): under one status the checks could
                    # no longer tell a refused field from a broken rule, and a field check lost into
                    # the rule code would pass. That stays a calibration to review by hand.
                    if _value(responses, status) is not None:
                        return None
                    touched.append(int(key.start_mark.line))
    if not touched:
        return None
    for line in touched:
        edit.replaced[line] = edit.lines[line].replace(documented, status, 1)
    lines = [line + 1 for line in touched]
    return Suggestion(finding.fingerprint, f"{shared}: answered with {status} instead of {documented}", lines)


def _merged_state_rule_edit(edit: SpecEdit, finding: Finding) -> Suggestion | None:
    """A merged-state rule the spec guessed and the API does not keep: its entry leaves
    `x-merged-state-rules`, so the checks and the mock stop expecting it."""
    rule_id = finding.evidence["merged_state_rule"]
    rules = edit.node("paths", TRUNK_PATH, "patch", MERGED_STATE_RULES)
    for entry in rules.value if isinstance(rules, yaml.SequenceNode) and not rules.flow_style else []:
        named = _value(entry, "id")
        if isinstance(named, yaml.ScalarNode) and named.value == rule_id:
            first, last = int(entry.start_mark.line), _last_line(entry)
            edit.deleted.update(range(first, last + 1))
            return Suggestion(
                finding.fingerprint,
                f"the API does not keep the assumed merged-state rule {rule_id}: dropped",
                list(range(first + 1, last + 2)),
            )
    return None


def _calibrates(finding: Finding) -> bool:
    """Whether the spec, not the API, is what a finding asks to change.

    The API accepting more or answering with more than the spec says (looser, additive) is
    absorbed; so is any difference from a rule the spec only assumed, stricter ones included.
    A difference from a documented rule, or from behaviour, is the API's to fix.
    """
    if finding.provenance == "docs":
        return False
    return finding.kind in ("looser", "additive") or (finding.kind == "breaking" and finding.provenance == "assumed")


def suggest(findings: list[Finding], spec_path: Path) -> tuple[str, list[Suggestion]]:
    """The unified diff of `spec_path` and what each of its changes is for ("" when none)."""
    if not any(_calibrates(finding) for finding in findings):
        return "", []  # nothing to absorb: the spec is not even read
    text = spec_path.read_text(encoding="utf-8")
    spec = yaml.load(text, Loader=YAML_LOADER)
    edit = SpecEdit(text)
    suggestions = []
    for finding in findings:
        made: Suggestion | None = None
        if not _calibrates(finding):
            continue
        if "merged_state_rule" in finding.evidence:
            made = _merged_state_rule_edit(edit, finding)
        elif "replaces" in finding.evidence:
            made = _shared_status_edit(edit, finding)
        elif "status" in finding.evidence:
            made = _status_edit(edit, finding)
        elif "keys" in finding.evidence:
            made = _keys_edit(edit, finding)
        elif "rule" in finding.evidence:
            made = _bound_edit(edit, spec, finding) or _pattern_edit(edit, finding) or _enum_edit(edit, finding)
        if made is not None:
            suggestions.append(made)
    return as_patch(edit, spec_path.name, suggestions, "drift.md"), suggestions


def as_patch(edit: SpecEdit, name: str, suggestions: list[Suggestion], explained_in: str) -> str:
    """The edit as a `git apply`-able diff of the spec file `name`, each change listed in its header;
    "" when it changes nothing."""
    changed = edit.result()
    if changed == edit.text:
        return ""
    diff = difflib.unified_diff(
        edit.text.splitlines(keepends=True), changed.splitlines(keepends=True), f"a/{name}", f"b/{name}", n=3
    )
    header = [
        "# Suggested changes of the spec, so that it follows what the API was seen to do.",
        f"# Review them ({explained_in} explains each), then: git apply <this file> && make generate",
        *(f"#   {s.fingerprint}: {s.summary} (line {', '.join(map(str, s.lines))})" for s in suggestions),
        "",
        f"diff --git a/{name} b/{name}",
    ]
    return "\n".join(header) + "\n" + "".join(diff)
