"""foerdergraph: a linked-open-data knowledge graph of public funding in North Rhine-Westphalia."""

from __future__ import annotations

__version__ = "0.1.0"
