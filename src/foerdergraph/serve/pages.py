"""Server-rendered HTML: one Jinja2 environment, autoescaped, templates in `templates/`.

Pages are plain HTML and CSS from the package itself (no CDN, no framework); the only script is
the editor/search page's own `static/ui.js`. Links to IRIs go through `IriMap.href`, so a page
served on 127.0.0.1 links to 127.0.0.1 even though the data's IRIs name the public base.
"""

from __future__ import annotations

from typing import Any

import jinja2
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse

from foerdergraph.core.namespaces import XSD
from foerdergraph.serve.linked_data import IriMap


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("foerdergraph.serve", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.tests["iri"] = lambda term: isinstance(term, ox.NamedNode)
    env.tests["literal"] = lambda term: isinstance(term, ox.Literal)
    env.filters["datatype"] = _datatype_label
    env.filters["thousands"] = lambda n: f"{n:,}".replace(",", " ") if isinstance(n, int) else n
    return env


def _datatype_label(term: ox.Literal) -> str:
    """'@de' for language strings, 'xsd:decimal' for typed literals, '' for plain strings."""
    if term.language:
        return "@" + term.language
    datatype = term.datatype.value
    if datatype == XSD + "string":
        return ""
    return "xsd:" + datatype[len(XSD) :] if datatype.startswith(XSD) else datatype


ENV = _environment()


class Pages:
    """Renders templates with what every page needs: the IRI map and the site navigation."""

    def __init__(self, base_iri: str, public_url: str | None, build_id: str) -> None:
        self.base_iri = base_iri
        self.public_url = public_url
        self.build_id = build_id

    def root(self, request: Request) -> str:
        """The served base URL: the configured public URL, else where this request arrived."""
        root = self.public_url or str(request.base_url)
        return root if root.endswith("/") else root + "/"

    def iri_map(self, request: Request) -> IriMap:
        return IriMap(self.base_iri, self.root(request))

    def render(
        self,
        request: Request,
        template: str,
        status: int = 200,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        iri_map = self.iri_map(request)
        html = ENV.get_template(template).render(
            root=iri_map.root,
            href=iri_map.href,
            base_iri=self.base_iri,
            build_id=self.build_id,
            **context,
        )
        return HTMLResponse(html, status_code=status, headers=headers)
