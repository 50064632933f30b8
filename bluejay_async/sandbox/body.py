"""Reading a request body the way FastAPI does before any validation runs."""

from __future__ import annotations

import json
from typing import Any

import attrs

from .validation import INVALID, Errors, add_error


@attrs.frozen
class BodyError(Exception):
    """The body could not be read at all: FastAPI's 400 (not a validation error)."""

    detail: str


def decode_body(raw: bytes, content_type: str | None, errors: Errors) -> Any:
    """The request body as FastAPI hands it to validation.

    No body -> ``missing``; bad JSON -> ``json_invalid`` at the decoder's position; a body
    that is not declared as JSON is validated as a string (and so fails the model check).
    """
    if not raw:
        return add_error(errors, "missing", ("body",), "Field required", None)
    media = (content_type or "").split(";")[0].strip().lower()
    if media and not (
        media == "application/json"
        or (media.startswith("application/") and media.endswith("+json"))
    ):
        return raw.decode("utf-8", "replace")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        errors.append(
            {
                "type": "json_invalid",
                "loc": ["body", exc.pos],
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": exc.msg},
            }
        )
        return INVALID
    except UnicodeDecodeError as exc:
        raise BodyError("There was an error parsing the body") from exc
