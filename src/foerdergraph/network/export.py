"""What the command line and /network share: checking a request, the query values it binds, and
the file it answers with (network or metrics table), so both accept and refuse the same things.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from foerdergraph.core.namespaces import FG, ROLE
from foerdergraph.network.build import KINDS, build_network
from foerdergraph.network.formats import FORMATS
from foerdergraph.network.metrics import METRIC_FORMATS, actor_metrics, write_metrics
from foerdergraph.network.rows import Row, read_participations

QUERY = "network-participations"
"""The canned query (queries/network-participations.rq) whose rows a network is built from."""
LEVELS = {"programme": FG + "FundingProgramme", "call": FG + "FundingCall"}
WEIGHT_CHOICES = ("projects", "calls", "programmes")
FILTERS = ("programme", "fund", "role", "region", "from", "to")


class NetworkOptionError(ValueError):
    """A request option that is unknown or does not fit the others; names the option."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option


def _choice(option: str, value: str, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    if value not in choices:
        raise NetworkOptionError(option, f"{value!r} is not one of {', '.join(choices)}")
    return value


@dataclass(frozen=True)
class NetworkRequest:
    """A network (or its metrics table) to build: kind, weight basis, programme level, format
    and the filters, as given; `checked()` refuses what does not fit."""

    kind: str = "co-participation"
    weight: str = "projects"
    level: str | None = None
    format: str | None = None
    metrics: bool = False
    filters: Mapping[str, str] = field(default_factory=dict)

    @property
    def unit_level(self) -> str:
        """`--weight calls` counts calls: the units are then calls whatever `level` says."""
        return "call" if self.weight == "calls" else self.level or "programme"

    @property
    def output_format(self) -> str:
        return self.format or ("csv" if self.metrics else "graphml")

    def checked(self) -> NetworkRequest:
        _choice("kind", self.kind, KINDS)
        _choice("weight", self.weight, WEIGHT_CHOICES)
        if self.level is not None:
            _choice("level", self.level, LEVELS)
            if self.weight == "calls" and self.level != "call":
                raise NetworkOptionError("level", "weight 'calls' counts calls: drop level")
        _choice("format", self.output_format, METRIC_FORMATS if self.metrics else FORMATS)
        if self.metrics and self.kind != "co-participation":
            raise NetworkOptionError("kind", "metrics are computed on the co-participation network")
        for name in self.filters:
            _choice(name, name, FILTERS)
        return self

    def query_values(self) -> dict[str, str]:
        """The raw parameter values of the canned query; a role may be given by its name."""
        values = {k: v for k, v in self.filters.items() if v}
        if (role := values.get("role")) and ":" not in role:
            values["role"] = ROLE + role
        values["level"] = LEVELS[self.unit_level]
        return values

    def filename(self) -> str:
        """The download name: kind, weight basis and the format's extension."""
        stem = "metrics" if self.metrics else self.kind
        basis = f"-{self.weight}" if self.kind == "co-participation" else f"-{self.unit_level}"
        ext = self.output_format if self.metrics else FORMATS[self.output_format].extension
        return f"foerdergraph-{stem}{basis}.{ext}"

    def media_type(self) -> str:
        if self.metrics:
            return METRIC_FORMATS[self.output_format]
        return FORMATS[self.output_format].media_type


def network_file(rows: Iterable[Row], request: NetworkRequest) -> tuple[bytes, int, int]:
    """The requested file from the query's rows, with the network's node and edge counts."""
    found = read_participations(rows)
    weight = "projects" if request.weight == "projects" else "programmes"
    graph = build_network(found, request.kind, weight)
    if request.metrics:
        data = write_metrics(actor_metrics(graph), request.output_format)
    else:
        data = FORMATS[request.output_format].write(graph)
    return data, graph.number_of_nodes(), graph.number_of_edges()
