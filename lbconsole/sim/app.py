"""The simulator's Starlette app: GitHub's REST routes, GraphQL, and /_sim/ admin.

Every GitHub route goes through the request policy (`lbconsole.sim.policy`),
which does what GitHub does around a request: authentication, faults, rate
limits, ETags and request counting.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from lbconsole.sim import gql, shapes
from lbconsole.sim.actions import ActionsState
from lbconsole.sim.actions import admin as actions_admin
from lbconsole.sim.actions.routes import github_routes as actions_github_routes
from lbconsole.sim.http import Answer, Handler, error, json_body, paginate, request_json, template_of
from lbconsole.sim.policy import Fault, RequestPolicy, rate_limit_overview
from lbconsole.sim.scenarios import build
from lbconsole.sim.state import SimError, SimState


def _ref_sha(state: SimState, ref: str) -> str:
    """The commit SHA a ref names (SHA, PR branch, default branch)."""
    if ref in (state.default_branch, f"heads/{state.default_branch}", f"refs/heads/{state.default_branch}"):
        return state.base_sha
    for p in state.pulls.values():
        if ref in (p.head_sha, p.head_ref, f"heads/{p.head_ref}", f"refs/heads/{p.head_ref}"):
            return p.head_sha
    if ref in state.base_history or ref in state.check_runs or ref in state.statuses:
        return ref
    raise SimError(422, f"No commit found for SHA: {ref}")


# ---------------------------------------------------------------- REST routes
def get_repo(request: Request, state: SimState, api: str) -> Response:
    return Answer(shapes.repository(state, api, full=True))


SORT_KEYS: dict[str, Callable[[Any], Any]] = {
    "created": lambda p: (p.created_at, p.number),
    "updated": lambda p: (p.updated_at, p.number),
    "popularity": lambda p: (len(p.reviews), p.number),
    "long-running": lambda p: (p.created_at, p.number),
}


def list_pulls(request: Request, state: SimState, api: str) -> Response:
    q = request.query_params
    wanted = q.get("state", "open")
    if wanted not in ("open", "closed", "all"):
        raise SimError(422, "Validation Failed")
    sort = q.get("sort", "created")
    if sort not in SORT_KEYS:
        raise SimError(422, "Validation Failed")
    direction = q.get("direction", "desc" if sort == "created" else "asc")
    pulls = [p for p in state.pulls.values() if wanted == "all" or p.state == wanted]
    if "base" in q:
        pulls = [p for p in pulls if p.base_ref == q["base"]]
    if "head" in q:
        pulls = [p for p in pulls if f"{state.owner}:{p.head_ref}" == q["head"]]
    pulls.sort(key=SORT_KEYS[sort], reverse=direction == "desc")
    page, headers = paginate(request, pulls)
    repo = shapes.repository(state, api)  # once per page: it counts every open pull
    return Answer([shapes.pull(state, api, p, simple=True, repo=repo) for p in page], headers=headers)


def get_pull(request: Request, state: SimState, api: str) -> Response:
    pull = state.pull(request.path_params["number"])
    return Answer(shapes.pull(state, api, pull, repo=shapes.repository(state, api)))


def list_files(request: Request, state: SimState, api: str) -> Response:
    p = state.pull(request.path_params["number"])
    page, headers = paginate(request, p.files[:3000])
    return Answer([shapes.diff_entry(state, api, p, f) for f in page], headers=headers)


def list_reviews(request: Request, state: SimState, api: str) -> Response:
    p = state.pull(request.path_params["number"])
    page, headers = paginate(request, p.reviews)
    return Answer([shapes.review(state, api, p, r) for r in page], headers=headers)


def check_runs(request: Request, state: SimState, api: str) -> Response:
    sha = _ref_sha(state, request.path_params["ref"])
    runs = state.runs_for(sha)
    name = request.query_params.get("check_name")
    if name:
        runs = [r for r in runs if r.name == name]
    status = request.query_params.get("status")
    if status:
        runs = [r for r in runs if r.status == status]
    page, headers = paginate(request, runs)
    pull = state.find_by_sha(sha)
    return Answer(
        {"total_count": len(runs), "check_runs": [shapes.check_run(state, api, r, pull) for r in page]}, headers=headers
    )


def combined_status(request: Request, state: SimState, api: str) -> Response:
    sha = _ref_sha(state, request.path_params["ref"])
    return Answer(shapes.combined_status(state, api, sha))


def rate_limit(request: Request, state: SimState, api: str) -> Response:
    return Answer(rate_limit_overview(state))


def get_user(request: Request, state: SimState, api: str) -> Response:
    return Answer(shapes.private_user(state, api))


def merge(request: Request, state: SimState, api: str) -> Response:
    body = request_json(request) or {}
    sha, method = body.get("sha"), body.get("merge_method", "merge")
    merge_sha, message = state.merge(request.path_params["number"], sha=sha, method=method)
    return Answer({"sha": merge_sha, "merged": True, "message": message})


def update_branch(request: Request, state: SimState, api: str) -> Response:
    body = request_json(request) or {}
    number = request.path_params["number"]
    state.update_branch(number, body.get("expected_head_sha"))
    return Answer(
        {"message": "Updating pull request branch.", "url": f"{shapes.WEB}/{state.full_name}/pull/{number}"},
        status_code=202,
    )


def add_labels(request: Request, state: SimState, api: str) -> Response:
    body = request_json(request)
    names = body.get("labels") if isinstance(body, dict) else body
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise SimError(422, "Invalid request.\n\nFor 'links/0/schema', nil is not an array.")
    labels = state.add_labels(request.path_params["number"], names)
    return Answer([shapes.label(state, api, lab) for lab in labels])


def remove_label(request: Request, state: SimState, api: str) -> Response:
    labels = state.remove_label(request.path_params["number"], request.path_params["name"])
    return Answer([shapes.label(state, api, lab) for lab in labels])


def list_comments(request: Request, state: SimState, api: str) -> Response:
    page, headers = paginate(request, state.comments_on(request.path_params["number"]))
    return Answer([shapes.comment(state, api, c) for c in page], headers=headers)


def create_comment(request: Request, state: SimState, api: str) -> Response:
    body = request_json(request)
    if not isinstance(body, dict) or not isinstance(body.get("body"), str):
        raise SimError(422, 'Invalid request.\n\n"body" wasn\'t supplied.')
    c = state.add_comment(request.path_params["number"], body["body"])
    return Answer(
        shapes.comment(state, api, c),
        status_code=201,
        headers={"Location": f"{api}/repos/{state.full_name}/issues/comments/{c.id}"},
    )


def edit_comment(request: Request, state: SimState, api: str) -> Response:
    body = request_json(request)
    if not isinstance(body, dict) or not isinstance(body.get("body"), str):
        raise SimError(422, 'Invalid request.\n\n"body" wasn\'t supplied.')
    c = state.edit_comment(request.path_params["comment_id"], body["body"])
    return Answer(shapes.comment(state, api, c))


def get_contents(request: Request, state: SimState, api: str) -> Response:
    path = request.path_params["path"]
    ref = request.query_params.get("ref") or state.default_branch
    content = state.file_at(path, ref)
    if content is None:
        raise SimError(404, "Not Found")
    return Answer(shapes.content_file(state, api, path, ref, content))


def create_status(request: Request, state: SimState, api: str) -> Response:
    body = request_json(request)
    if not isinstance(body, dict) or "state" not in body:
        raise SimError(422, "Validation Failed")
    s = state.add_status(
        request.path_params["sha"],
        body["state"],
        body.get("context") or "default",
        body.get("description"),
        body.get("target_url"),
    )
    return Answer(shapes.status(state, api, s), status_code=201)


REPO = "/repos/{owner}/{repo}"
REST_ROUTES: list[tuple[str, str, Handler, str]] = [
    ("GET", REPO, get_repo, "repos/repos#get-a-repository"),
    ("GET", REPO + "/pulls", list_pulls, "pulls/pulls#list-pull-requests"),
    ("GET", REPO + "/pulls/{number:int}", get_pull, "pulls/pulls#get-a-pull-request"),
    ("GET", REPO + "/pulls/{number:int}/files", list_files, "pulls/pulls#list-pull-requests-files"),
    ("GET", REPO + "/pulls/{number:int}/reviews", list_reviews, "pulls/reviews#list-reviews-for-a-pull-request"),
    ("PUT", REPO + "/pulls/{number:int}/merge", merge, "pulls/pulls#merge-a-pull-request"),
    ("PUT", REPO + "/pulls/{number:int}/update-branch", update_branch, "pulls/pulls#update-a-pull-request-branch"),
    ("GET", REPO + "/commits/{ref:path}/check-runs", check_runs, "checks/runs#list-check-runs-for-a-git-reference"),
    (
        "GET",
        REPO + "/commits/{ref:path}/status",
        combined_status,
        "commits/statuses#get-the-combined-status-for-a-specific-reference",
    ),
    ("POST", REPO + "/issues/{number:int}/labels", add_labels, "issues/labels#add-labels-to-an-issue"),
    ("DELETE", REPO + "/issues/{number:int}/labels/{name}", remove_label, "issues/labels#remove-a-label-from-an-issue"),
    ("GET", REPO + "/issues/{number:int}/comments", list_comments, "issues/comments#list-issue-comments"),
    ("POST", REPO + "/issues/{number:int}/comments", create_comment, "issues/comments#create-an-issue-comment"),
    ("PATCH", REPO + "/issues/comments/{comment_id:int}", edit_comment, "issues/comments#update-an-issue-comment"),
    ("GET", REPO + "/contents/{path:path}", get_contents, "repos/contents#get-repository-content"),
    ("POST", REPO + "/statuses/{sha}", create_status, "commits/statuses#create-a-commit-status"),
    ("GET", "/rate_limit", rate_limit, "rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user"),
    ("GET", "/user", get_user, "users/users#get-the-authenticated-user"),
]


class Simulator:
    """Holds the live state and builds the Starlette app around it."""

    def __init__(self, state: SimState) -> None:
        self.state = state
        self.policy = RequestPolicy(state)

    # ---------------------------------------------------------------- GraphQL
    def graphql(self, request: Request, state: SimState, api: str) -> Response:
        try:
            body = request_json(request)
        except SimError:
            return Answer({"errors": [{"message": "Problems parsing JSON"}]}, status_code=400)
        bucket = state.graphql
        out = gql.execute(
            state,
            body,
            cost=1,
            remaining=max(bucket.remaining - 1, 0),
            reset_at=bucket.reset,
            limit=bucket.limit,
            used=bucket.used + 1,
        )
        return Answer(out)

    # ------------------------------------------------------------------ admin
    async def admin(self, request: Request) -> Response:
        try:
            return await self._admin(request)
        except SimError as exc:
            return error(exc.status, exc.message)
        except (ValueError, KeyError, TypeError) as exc:
            return error(422, f"Invalid admin request: {exc}")

    async def _admin(self, request: Request) -> Response:
        state = self.state
        path, method = request.url.path, request.method
        body = await json_body(request) if method in ("POST", "PATCH", "PUT") else None
        body = body or {}
        parts = path.strip("/").split("/")[1:]
        if parts == ["reset"] and method == "POST":
            now = datetime.fromisoformat(body["now"].replace("Z", "+00:00")) if body.get("now") else None
            fresh = build(body.get("scenario", "demo"), int(body.get("seed", 0)), now)
            self.reset_to(fresh)
            return Answer({"scenario": body.get("scenario", "demo"), "open_pulls": len(state.open_pulls())})
        if parts == ["requests"] and method == "GET":
            with state.lock:
                return Answer(state.stats.as_json())
        if parts == ["requests", "reset"] and method == "POST":
            with state.lock:
                state.stats = type(state.stats)()
            return Answer({"ok": True})
        if parts == ["auth"] and method == "POST":
            state.auth_token = body.get("token")
            return Answer({"token_required": state.auth_token is not None})
        if parts == ["faults"] and method == "POST":
            fault = Fault(
                latency_ms=int(body.get("latency_ms", 0)),
                error_rate=float(body.get("error_rate", 0.0)),
                error_status=int(body.get("error_status", 500)),
                rate_limited=bool(body.get("rate_limited")),
                rate_limit_status=int(body.get("error_status", 403)) if body.get("rate_limited") else 403,
                retry_after=body.get("retry_after"),
                routes=tuple(body.get("routes") or ()),
                count=body.get("count"),
            )
            state.fault = None if fault == Fault(routes=fault.routes, count=fault.count) else fault
            return Answer({"fault": None if state.fault is None else vars_of(state.fault)})
        if parts == ["faults"] and method == "DELETE":
            state.fault = None
            return Answer({"fault": None})
        if parts == ["base", "advance"] and method == "POST":
            sha = state.advance_base(body.get("paths"))
            return Answer({"sha": sha})
        if parts == ["clock", "advance"] and method == "POST":
            with state.lock:
                state.clock.advance(float(body["seconds"]))
            return Answer({"now": shapes.ts(state.now())})
        if parts == ["settings"] and method in ("GET", "POST"):
            with state.lock:
                if "checks_delay_s" in body:
                    state.checks_delay_s = float(body["checks_delay_s"])
                if "strict" in body:
                    state.protection.strict = bool(body["strict"])
                if "required_checks" in body:
                    state.protection.required_checks = tuple(body["required_checks"])
                if "rate_limit" in body:
                    state.core.limit = state.graphql.limit = int(body["rate_limit"])
                state.version += 1
                return Answer(
                    {
                        "checks_delay_s": state.checks_delay_s,
                        "strict": state.protection.strict,
                        "required_checks": list(state.protection.required_checks),
                        "rate_limit": state.core.limit,
                    }
                )
        if len(parts) == 3 and parts[:2] == ["state", "pulls"] and method == "GET":
            return Answer(state.snapshot(int(parts[2])))
        if len(parts) == 3 and parts[0] == "pulls":
            number = int(parts[1])
            if parts[2] == "push" and method == "POST":
                sha = state.push(number, checks=body.get("checks", "success"))
                return Answer({"head_sha": sha})
            if parts[2] == "checks" and method == "POST":
                state.set_checks(number, body["state"], body.get("names"))
                return Answer(state.snapshot(number))
        if len(parts) == 2 and parts[0] == "pulls" and method == "PATCH":
            return Answer(self._patch_pull(int(parts[1]), body))
        return error(404, "Not Found")

    def _patch_pull(self, number: int, body: dict[str, Any]) -> dict[str, Any]:
        state = self.state
        with state.lock:
            p = state.pull(number)
            if "mergeable" in body:
                if body["mergeable"] not in ("MERGEABLE", "CONFLICTING", "UNKNOWN"):
                    raise SimError(422, "mergeable must be MERGEABLE, CONFLICTING or UNKNOWN")
                p.mergeable = body["mergeable"]
            if "draft" in body:
                p.draft = bool(body["draft"])
            if "review_decision" in body:
                p.review_decision = body["review_decision"]
            if "labels" in body:
                p.labels = list(body["labels"])
                for name in p.labels:
                    state.label(name)
            if "title" in body:
                p.title = body["title"]
            if "body" in body:
                p.body = body["body"]
            state.touch(p)
            return state.snapshot(number)

    def reset_to(self, fresh: SimState) -> None:
        """Replace the live state's contents in place (handles and tests keep their reference)."""
        state = self.state
        with state.lock:
            token = state.auth_token
            for name, value in vars(fresh).items():
                if name != "lock":
                    setattr(state, name, value)
            state.auth_token = token
            self.policy.reseed()
        ActionsState.of(state).reset()  # the state object is reused: drop the previous scenario's runs

    def app(self) -> Starlette:
        """The ASGI app."""
        routes: list[BaseRoute] = []
        for method, path, handler, docs in REST_ROUTES:
            template = template_of(path)
            routes.append(Route(path, self.policy.endpoint(method, template, handler, docs), methods=[method]))
        routes.append(
            Route(
                "/graphql",
                self.policy.endpoint("POST", "/graphql", self.graphql, "graphql", "graphql"),
                methods=["POST"],
            )
        )
        routes += actions_github_routes(self.policy.endpoint)
        routes.append(Mount("/_sim/actions", routes=actions_admin.admin_routes(lambda: self.state)))  # before /_sim/
        routes.append(Route("/_sim/{rest:path}", self.admin, methods=["GET", "POST", "PATCH", "DELETE"]))
        app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
        app.state.simulator = self
        return app


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown routes and methods answer like GitHub: a JSON 404."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return error(404 if status == 405 else status, "Not Found")


def vars_of(fault: Fault) -> dict[str, Any]:
    """A fault as JSON."""
    return {name: getattr(fault, name) for name in fault.__dataclass_fields__}


def create_app(scenario: str = "demo", seed: int = 0, now: datetime | None = None) -> Starlette:
    """An app serving `scenario` (the simulator is `app.state.simulator`)."""
    return Simulator(build(scenario, seed, now)).app()
