"""The GitHub routes the simulator serves: REST (repository, pulls, checks, issues, contents, statuses) and GraphQL.

Each handler is synchronous and short, and only says what GitHub answers;
the request policy (`lbconsole.sim.policy`) wraps every one of them in
authentication, faults, rate limits, ETags and counters. `REST_ROUTES`
is the table the app is built from; `graphql` is served at ``/graphql``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from lbconsole.sim import gql, shapes
from lbconsole.sim.http import COST, Answer, Handler, paginate, request_json
from lbconsole.sim.ids import WEB
from lbconsole.sim.policy import rate_limit_overview
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


def api_root(request: Request, state: SimState, api: str) -> Response:
    """``GET /``: the API root, GitHub's map of URL templates."""
    return Answer(
        {
            "current_user_url": f"{api}/user",
            "rate_limit_url": f"{api}/rate_limit",
            "repository_url": f"{api}/repos/{{owner}}/{{repo}}",
            "user_url": f"{api}/users/{{user}}",
            "issue_comment_url": f"{api}/repos/{{owner}}/{{repo}}/issues/comments/{{id}}",
            "pull_request_url": f"{api}/repos/{{owner}}/{{repo}}/pulls/{{number}}",
        }
    )


def get_repo(request: Request, state: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}``: the `full-repository`."""
    return Answer(shapes.repository(state, api, full=True))


SORT_KEYS: dict[str, Callable[[Any], Any]] = {
    "created": lambda p: (p.created_at, p.number),
    "updated": lambda p: (p.updated_at, p.number),
    "popularity": lambda p: (len(p.reviews), p.number),
    "long-running": lambda p: (p.created_at, p.number),
}


def list_pulls(request: Request, state: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/pulls``: filtered by state, base and head, sorted, paginated."""
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
    """``GET /repos/{o}/{r}/pulls/{n}``; the `diff` and `patch` media types answer the change as text."""
    pull = state.pull(request.path_params["number"])
    accept = request.headers.get("accept", "")
    if "diff" in accept or "patch" in accept:
        text = shapes.unified_diff(pull) if "diff" in accept else shapes.mail_patch(state, pull)
        kind = "diff" if "diff" in accept else "patch"
        return Response(text, media_type=f"application/vnd.github.{kind}; charset=utf-8")
    return Answer(shapes.pull(state, api, pull, repo=shapes.repository(state, api)))


def update_pull(request: Request, state: SimState, api: str) -> Response:
    """``PATCH /repos/{o}/{r}/pulls/{n}``: `state` closes without merging (or reopens); `title`, `body`."""
    body = request_json(request) or {}
    number = request.path_params["number"]
    if "state" in body:
        if body["state"] not in ("open", "closed"):
            raise SimError(422, "Validation Failed")
        state.set_open(number, body["state"] == "open")
    pull = state.pull(number)
    for key in ("title", "body"):
        if isinstance(body.get(key), str):
            setattr(pull, key, body[key])
            state.touch(pull)
    return Answer(shapes.pull(state, api, pull, repo=shapes.repository(state, api)))


def create_review(request: Request, state: SimState, api: str) -> Response:
    """``POST /repos/{o}/{r}/pulls/{n}/reviews`` with an `event`: drives the PR's `reviewDecision`."""
    body = request_json(request) or {}
    p = state.pull(request.path_params["number"])
    review = state.add_review(p.number, state.viewer, str(body.get("event", "COMMENT")), str(body.get("body") or ""))
    return Answer(shapes.review(state, api, p, review))


def list_files(request: Request, state: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/pulls/{n}/files`` (GitHub lists at most 3,000)."""
    p = state.pull(request.path_params["number"])
    page, headers = paginate(request, p.files[:3000])
    return Answer([shapes.diff_entry(state, api, p, f) for f in page], headers=headers)


def list_reviews(request: Request, state: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/pulls/{n}/reviews``."""
    p = state.pull(request.path_params["number"])
    page, headers = paginate(request, p.reviews)
    return Answer([shapes.review(state, api, p, r) for r in page], headers=headers)


def check_runs(request: Request, state: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/commits/{ref}/check-runs``, filtered by `check_name` and `status`."""
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


def check_run_annotations(request: Request, state: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/check-runs/{id}/annotations``: the simulated checks annotate nothing."""
    check_id = request.path_params["check_run_id"]
    if not any(r.id == check_id for runs in state.check_runs.values() for r in runs):
        raise SimError(404, "Not Found")
    return Answer([])


def combined_status(request: Request, state: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/commits/{ref}/status``."""
    sha = _ref_sha(state, request.path_params["ref"])
    return Answer(shapes.combined_status(state, api, sha))


def rate_limit(request: Request, state: SimState, api: str) -> Response:
    """``GET /rate_limit`` (free: it costs no point)."""
    return Answer(rate_limit_overview(state))


def get_user(request: Request, state: SimState, api: str) -> Response:
    """``GET /user``: the authenticated user."""
    return Answer(shapes.private_user(state, api))


def merge(request: Request, state: SimState, api: str) -> Response:
    """``PUT /repos/{o}/{r}/pulls/{n}/merge``, honouring `sha`."""
    body = request_json(request) or {}
    sha, method = body.get("sha"), body.get("merge_method", "merge")
    merge_sha, message = state.merge(request.path_params["number"], sha=sha, method=method)
    return Answer({"sha": merge_sha, "merged": True, "message": message})


def update_branch(request: Request, state: SimState, api: str) -> Response:
    """``PUT /repos/{o}/{r}/pulls/{n}/update-branch``, honouring `expected_head_sha`."""
    body = request_json(request) or {}
    number = request.path_params["number"]
    state.update_branch(number, body.get("expected_head_sha"))
    return Answer(
        {"message": "Updating pull request branch.", "url": f"{WEB}/{state.full_name}/pull/{number}"},
        status_code=202,
    )


def add_labels(request: Request, state: SimState, api: str) -> Response:
    """``POST /repos/{o}/{r}/issues/{n}/labels`` (a list, or ``{"labels": [...]}``)."""
    body = request_json(request)
    names = body.get("labels") if isinstance(body, dict) else body
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise SimError(422, "Invalid request.\n\nFor 'links/0/schema', nil is not an array.")
    labels = state.add_labels(request.path_params["number"], names)
    return Answer([shapes.label(state, api, lab) for lab in labels])


def remove_label(request: Request, state: SimState, api: str) -> Response:
    """``DELETE /repos/{o}/{r}/issues/{n}/labels/{name}``."""
    labels = state.remove_label(request.path_params["number"], request.path_params["name"])
    return Answer([shapes.label(state, api, lab) for lab in labels])


def list_comments(request: Request, state: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/issues/{n}/comments``."""
    page, headers = paginate(request, state.comments_on(request.path_params["number"]))
    return Answer([shapes.comment(state, api, c) for c in page], headers=headers)


def create_comment(request: Request, state: SimState, api: str) -> Response:
    """``POST /repos/{o}/{r}/issues/{n}/comments``."""
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
    """``PATCH /repos/{o}/{r}/issues/comments/{id}``."""
    body = request_json(request)
    if not isinstance(body, dict) or not isinstance(body.get("body"), str):
        raise SimError(422, 'Invalid request.\n\n"body" wasn\'t supplied.')
    c = state.edit_comment(request.path_params["comment_id"], body["body"])
    return Answer(shapes.comment(state, api, c))


def get_contents(request: Request, state: SimState, api: str) -> Response:
    """``GET /repos/{o}/{r}/contents/{path}`` at `ref` (default: the default branch)."""
    path = request.path_params["path"]
    ref = request.query_params.get("ref") or state.default_branch
    content = state.file_at(path, ref)
    if content is None:
        raise SimError(404, "Not Found")
    return Answer(shapes.content_file(state, api, path, ref, content))


def create_status(request: Request, state: SimState, api: str) -> Response:
    """``POST /repos/{o}/{r}/statuses/{sha}``."""
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


def graphql(request: Request, state: SimState, api: str) -> Response:
    """``POST /graphql``: costing the GraphQL bucket what GitHub's formula says (`gql.cost`)."""
    try:
        body = request_json(request)
    except SimError:
        return Answer({"errors": [{"message": "Problems parsing JSON"}]}, status_code=400)
    cost = gql.request_cost(body)
    request.scope[COST] = cost
    bucket = state.graphql
    out = gql.execute(
        state,
        body,
        cost=cost,
        remaining=max(bucket.remaining - cost, 0),
        reset_at=bucket.reset,
        limit=bucket.limit,
        used=bucket.used + cost,
    )
    return Answer(out)


REPO = "/repos/{owner}/{repo}"
REST_ROUTES: list[tuple[str, str, Handler, str]] = [
    ("GET", REPO, get_repo, "repos/repos#get-a-repository"),
    ("GET", REPO + "/pulls", list_pulls, "pulls/pulls#list-pull-requests"),
    ("GET", REPO + "/pulls/{number:int}", get_pull, "pulls/pulls#get-a-pull-request"),
    ("GET", REPO + "/pulls/{number:int}/files", list_files, "pulls/pulls#list-pull-requests-files"),
    ("PATCH", REPO + "/pulls/{number:int}", update_pull, "pulls/pulls#update-a-pull-request"),
    ("GET", REPO + "/pulls/{number:int}/reviews", list_reviews, "pulls/reviews#list-reviews-for-a-pull-request"),
    ("POST", REPO + "/pulls/{number:int}/reviews", create_review, "pulls/reviews#create-a-review-for-a-pull-request"),
    ("PUT", REPO + "/pulls/{number:int}/merge", merge, "pulls/pulls#merge-a-pull-request"),
    ("PUT", REPO + "/pulls/{number:int}/update-branch", update_branch, "pulls/pulls#update-a-pull-request-branch"),
    ("GET", REPO + "/commits/{ref:path}/check-runs", check_runs, "checks/runs#list-check-runs-for-a-git-reference"),
    (
        "GET",
        REPO + "/commits/{ref:path}/status",
        combined_status,
        "commits/statuses#get-the-combined-status-for-a-specific-reference",
    ),
    (
        "GET",
        REPO + "/check-runs/{check_run_id:int}/annotations",
        check_run_annotations,
        "checks/runs#list-check-run-annotations",
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
"""(method, path, handler, docs anchor) of every REST route but the Actions ones; they cost the `core` bucket."""
