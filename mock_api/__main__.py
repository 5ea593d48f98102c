"""`python -m mock_api`: serve the mock on loopback (what `make mock` runs)."""

from __future__ import annotations

import argparse
import os
import sys

LOOPBACK = "127.0.0.1"
TOKEN_VARIABLE = "BOLNA_API_KEY"
DEFAULT_TOKEN = "dev-token"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from mock_api.knobs import COMPRESSORS

    parser = argparse.ArgumentParser(prog="python -m mock_api", description="Serve the mock Bolna /sip-trunks API.")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("MOCK_PORT", "8000")),
        help="default $MOCK_PORT or 8000",
    )
    parser.add_argument(
        "--token",
        default=os.environ.get(TOKEN_VARIABLE) or DEFAULT_TOKEN,
        help=f"bearer token; default ${TOKEN_VARIABLE} (the kit's one token variable) or {DEFAULT_TOKEN}",
    )
    parser.add_argument("--host", default=LOOPBACK, help="loopback only: 127.0.0.1 (the default) or localhost")
    parser.add_argument("--scenario", metavar="NAME", help="serve one named drift scenario (see --list-scenarios)")
    parser.add_argument("--rate-limit-every", type=int, metavar="N", help="answer every Nth request with 429")
    parser.add_argument("--retry-after", type=int, default=1, metavar="SECONDS", help="Retry-After on those 429s")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS", help="added to every request")
    parser.add_argument(
        "--compress", choices=list(COMPRESSORS), help="compress every answer whose request accepts it, as a CDN does"
    )
    parser.add_argument(
        "--edge-errors",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="answer this share of requests (e.g. 0.01) with an edge's HTML 502/504/503, as a load balancer would",
    )
    parser.add_argument(
        "--spec", metavar="PATH", help="the OpenAPI document to follow (default: the repository's openapi.yaml)"
    )
    parser.add_argument("--list-scenarios", action="store_true", help="list the drift scenarios and exit")
    return parser.parse_args(argv)


def fail(message: str) -> int:
    print(f"mock_api: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from mock_api.scenarios import UnknownScenario, list_scenarios

    if args.list_scenarios:
        scenarios = list_scenarios()
        width = max(len(name) for name, _ in scenarios)
        for name, description in scenarios:
            print(f"{name:<{width}}  {description}")
        return 0
    # The mock is for this machine only: it never listens beyond loopback.
    if args.host not in (LOOPBACK, "localhost"):
        return fail(f"--host must be {LOOPBACK} (loopback only), not {args.host!r}")
    if args.rate_limit_every is not None and args.rate_limit_every < 1:
        return fail("--rate-limit-every must be at least 1")
    if args.latency < 0:
        return fail("--latency must not be negative")
    if not 0.0 <= args.edge_errors <= 1.0:
        return fail("--edge-errors must be a fraction between 0 and 1")

    from mock_api.app import create_app
    from mock_api.spec import SpecError

    try:
        app = create_app(
            token=args.token,
            scenario=args.scenario,
            rate_limit_every=args.rate_limit_every,
            latency=args.latency,
            retry_after=args.retry_after,
            spec=args.spec,
            compress=args.compress,
            edge_errors=args.edge_errors,
        )
    except (UnknownScenario, SpecError) as error:
        return fail(str(error))

    import uvicorn

    drift = f", scenario: {args.scenario}" if args.scenario else ""
    drift += f", spec: {args.spec}" if args.spec else ""
    drift += f", answers {args.compress}-compressed" if args.compress else ""
    drift += f", edge errors on {args.edge_errors:.2%} of requests" if args.edge_errors else ""
    # A token from the environment may be a real API key: name its source, never print it.
    token = f"${TOKEN_VARIABLE}" if args.token == os.environ.get(TOKEN_VARIABLE) else args.token
    print(f"mock Bolna API on http://{LOOPBACK}:{args.port} (token: {token}{drift})", flush=True)
    uvicorn.run(app, host=LOOPBACK, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
