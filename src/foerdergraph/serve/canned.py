"""The canned queries as the server offers them: listed, shown in the editor, run as an API.

A thin layer over `foerdergraph.query.canned`: it loads the queries once at start and turns a
request's raw parameter values into N-Triples terms for the worker (see `workers.encode_term`),
so values reach the query only as pyoxigraph substitutions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from foerdergraph.query.canned import HEADER, CannedQuery, load_canned_queries
from foerdergraph.serve.workers import encode_term

log = logging.getLogger(__name__)


@dataclass
class CannedQueries:
    queries: dict[str, CannedQuery]

    @classmethod
    def load(cls, folder: Path) -> CannedQueries:
        if not folder.is_dir():
            log.warning("no canned queries: %s is not a folder", folder)
            return cls({})
        return cls(load_canned_queries(folder))

    def get(self, name: str) -> CannedQuery | None:
        return self.queries.get(name)

    def summaries(self) -> list[dict[str, object]]:
        """What the UI and /api/queries show: name, title, description, parameters, the text,
        and the text split into `body` (what the editor shows) and `notes` (its commentary)."""
        return [
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "parameters": [asdict(p) for p in q.parameters],
                "text": q.text,
                "body": commentary(q.text)[0],
                "notes": commentary(q.text)[1],
            }
            for q in self.queries.values()
        ]

    @staticmethod
    def encode_substitutions(query: CannedQuery, values: Mapping[str, str]) -> dict[str, str]:
        """Type-check the values (ParameterError, a ValueError, when wrong) and encode them."""
        return {
            variable.value: encode_term(term)
            for variable, term in query.substitutions(values).items()
        }


def commentary(text: str) -> tuple[str, str]:
    """The query without its whole-line comments, and those comments as prose (the `#+`
    header left out: the page shows it as title and description). The editor shows the body,
    the notes go above it: why the query is shaped for the optimiser is for the curious, not
    in the way of reading or editing the query."""
    body, notes = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            if not stripped.startswith(HEADER):
                notes.append(stripped.lstrip("#").strip())
        else:
            body.append(line)
    return "\n".join(body).strip() + "\n", " ".join(n for n in notes if n)
