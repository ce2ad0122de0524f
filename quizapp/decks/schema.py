"""The JSON Schema of deck format 1, for editors (yaml-language-server) and the docs."""

from __future__ import annotations

import json
from typing import Any

from quizapp.decks.model import Deck


def deck_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) generated from the deck models, so the two never disagree."""
    schema = Deck.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "quizapp deck, format 1"
    return schema


def deck_schema_json() -> str:
    """The schema as pretty-printed JSON text."""
    return json.dumps(deck_schema(), indent=2, ensure_ascii=False)
