"""The Schemathesis view of openapi.yaml, configured from schemathesis.toml for one target."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import schemathesis
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import BaseSchema

from contract_tests.values.spec import SPEC_PATH, load_spec, without_closed_responses

CONFIG_PATH = SPEC_PATH.parent / "schemathesis.toml"


def load_schema(*, base_url: str, token: str, strict: bool, config_path: Path = CONFIG_PATH) -> BaseSchema:
    with config_path.open("rb") as handle:
        data = tomllib.load(handle)
    # The spec declares its links; inferred ones wire ids of the wrong resource (a phone number's
    # id as a trunk_id) and then report the resulting 404 as "created resource not found".
    stateful = data.setdefault("phases", {}).setdefault("stateful", {})
    stateful.setdefault("inference", {"algorithms": []})
    document = load_spec() if strict else without_closed_responses(load_spec())
    schema = schemathesis.openapi.from_dict(document, config=SchemathesisConfig.from_dict(data))
    # The file names no token (so it loads with any environment); the suite brings its own.
    schema.config.update(base_url=base_url, headers={"Authorization": f"Bearer {token}"})
    return schema


@contextmanager
def generating_only(schema: BaseSchema, mode: GenerationMode) -> Iterator[None]:
    """Schemathesis generates only `mode` data meanwhile.

    Asked for negative data of an operation with nothing to break (only plain string path
    parameters, no body), Schemathesis with both modes rejects hundreds of draws before Hypothesis
    gives up; with negative mode alone it raises `SkipTest` at the first draw: the same answer.
    """
    generation = schema.config.generation
    modes = generation.modes
    generation.modes = [mode]
    try:
        yield
    finally:
        generation.modes = modes
