// Every rule of the spec says where it comes from: `x-provenance: docs | assumed`.
// A rule is a schema object holding a bound, pattern, enum, const, required list, closed
// properties or an if/then (its `if` and `then` belong to that one rule), a response (its
// status), or an entry of an operation's `x-merged-state-rules`. Examples are not rules.
const RULE_KEYWORDS = [
  "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
  "minItems", "maxItems", "pattern", "enum", "const", "then",
];
const VALUES = ["docs", "assumed"];
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function holdsRule(schema) {
  return (
    RULE_KEYWORDS.some((keyword) => keyword in schema) ||
    Array.isArray(schema.required) ||
    schema.additionalProperties === false
  );
}

function check(node, path, results) {
  if (!(isObject(node) && "x-provenance" in node)) {
    results.push({ message: "this rule does not say where it comes from: add `x-provenance: docs | assumed`", path });
  } else if (!VALUES.includes(node["x-provenance"])) {
    results.push({ message: "`x-provenance` is `docs` or `assumed`", path: [...path, "x-provenance"] });
  }
}

function walkSchema(node, path, results) {
  if (Array.isArray(node)) {
    node.forEach((item, index) => walkSchema(item, [...path, index], results));
    return;
  }
  if (!isObject(node)) return;
  if (holdsRule(node)) check(node, path, results);
  for (const [key, value] of Object.entries(node)) {
    if (["if", "then", "else", "examples", "example", "default", "const", "enum"].includes(key)) continue;
    walkSchema(value, [...path, key], results);
  }
}

module.exports = function ruleProvenance(document) {
  const results = [];
  if (!isObject(document)) return results;
  const components = isObject(document.components) ? document.components : {};
  for (const [name, schema] of Object.entries(components.schemas || {})) {
    walkSchema(schema, ["components", "schemas", name], results);
  }
  for (const [name, header] of Object.entries(components.headers || {})) {
    walkSchema(header.schema, ["components", "headers", name, "schema"], results);
  }
  for (const [name, response] of Object.entries(components.responses || {})) {
    check(response, ["components", "responses", name], results);
  }
  for (const [route, item] of Object.entries(document.paths || {})) {
    for (const method of METHODS) {
      const operation = isObject(item) ? item[method] : undefined;
      if (!isObject(operation)) continue;
      const where = ["paths", route, method];
      for (const [status, response] of Object.entries(operation.responses || {})) {
        if (isObject(response) && !("$ref" in response)) check(response, [...where, "responses", status], results);
      }
      const body = operation.requestBody;
      for (const [type, media] of Object.entries((isObject(body) && body.content) || {})) {
        walkSchema(media.schema, [...where, "requestBody", "content", type, "schema"], results);
      }
      (operation["x-merged-state-rules"] || []).forEach((rule, index) =>
        check(rule, [...where, "x-merged-state-rules", index], results),
      );
    }
  }
  return results;
};
