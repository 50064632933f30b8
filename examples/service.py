"""An async web service that shares one BluejayClient across all of its requests.

The client (one pooled connection set, one retry policy) is opened when the service starts and
closed when it stops, through ``aiohttp.web``'s cleanup context; every handler borrows it. A
client per request would open a new connection pool each time and lose keep-alive.

    GET /simulations/{simulation_id}/summary   runs, calls passed and failed, goal success

Run it against the sandbox (see docs/getting-started.md):

    bluejay-async serve &
    export BLUEJAY_API_KEY=sandbox BLUEJAY_BASE_URL=http://127.0.0.1:8080
    python examples/service.py --port 8081 &
    curl -s http://127.0.0.1:8081/simulations/1/summary
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator

from aiohttp import web

from bluejay_async import BluejayClient
from bluejay_async.errors import APIError, InvalidRequestError, NotFoundError

BLUEJAY = web.AppKey("bluejay", BluejayClient)


async def bluejay_client(app: web.Application) -> AsyncIterator[None]:
    """One client for the service's lifetime: API key and base URL from the environment."""
    async with BluejayClient(timeout=10.0) as client:
        app[BLUEJAY] = client
        yield


async def summary(request: web.Request) -> web.Response:
    """``GET /simulations/{simulation_id}/summary``: the simulation's runs, fetched concurrently."""
    bj = request.app[BLUEJAY]
    try:
        runs = await bj.runs.list(request.match_info["simulation_id"])
    except InvalidRequestError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    except NotFoundError:
        raise web.HTTPNotFound(text="no such simulation") from None
    except APIError as exc:
        raise web.HTTPBadGateway(text=f"Bluejay: {exc}") from None

    met = missed = fetched = 0
    async for item in bj.results.retrieve_many([run.id for run in runs], concurrency=8):
        if not item.ok:
            continue
        fetched += 1
        for result in item.value.simulation_results:
            verdicts = [e.goal_success for e in result.evaluations if e.goal_success is not None]
            if verdicts and all(verdicts):
                met += 1
            elif verdicts:
                missed += 1
    judged = met + missed
    return web.json_response(
        {
            "runs": len(runs),
            "runs_fetched": fetched,
            "calls_passed": sum(run.tests_passed or 0 for run in runs),
            "calls_failed": sum(run.tests_failed or 0 for run in runs),
            "goal_success_rate": round(met / judged, 4) if judged else None,
        }
    )


def build_app() -> web.Application:
    """The service: its routes, and the shared client's lifetime."""
    app = web.Application()
    app.cleanup_ctx.append(bluejay_client)
    app.router.add_get("/simulations/{simulation_id}/summary", summary)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a summary of Bluejay simulations.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    web.run_app(build_app(), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
