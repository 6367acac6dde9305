"""The claims rendered: a MyST table for a page (`markdown`), the ledger as JSON validated against its
schema (`as_json`, `write_json`, `validate`), as an HTML table the site filters and sorts (`html`), and
glued into a page's prose (`glue_claims`)."""
from __future__ import annotations

import datetime
import html as _html
import json
import os

from .. import __version__
from .record import SECTIONS, VERDICTS

try:
    import jsonschema
except ImportError:  # the optional extra ndgm[ledger]: only `validate` needs it
    jsonschema = None

def _cell(numbers) -> str:
    return "; ".join(f"{n.name}: {n.text}" if n.name else n.text for n in numbers) or "–"


def markdown(claims: list, links: bool = False) -> str:
    """Claims as a MyST table: id, where, the paper's numbers, ours, verdict (and a link to the page)."""
    head = ["claim", "where", "the paper", "ours", "verdict"] + (["page"] if links else [])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in claims:
        cells = [f"`{c.id}`", c.where, _cell(c.paper), _cell(c.ours), f"**{c.verdict}**"]
        if links:
            cells.append(f"[{c.page}]({c.page}.md)")
        lines.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    return "\n".join(lines)


def as_json(claims: list) -> dict:
    """The ledger document that `claims.json` holds (see claims.schema.json)."""
    counts = {v: sum(c.verdict == v for c in claims) for v in VERDICTS}
    return {"title": "GD doesn't make the cut: the claims ledger", "ndgm": __version__,
            "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "verdicts": list(VERDICTS), "sections": SECTIONS, "counts": counts,
            "claims": [c.as_dict() for c in claims]}


SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "claims.schema.json")
"""The JSON Schema of `as_json`'s document."""


def validate(doc: dict) -> None:
    """Raise jsonschema.ValidationError unless `doc` is a valid ledger document."""
    if jsonschema is None:
        raise ImportError("ndgm.claims.validate needs jsonschema: pip install 'ndgm[ledger]'")
    with open(SCHEMA) as f:
        jsonschema.validate(doc, json.load(f))


def write_json(claims: list, path: str) -> str:
    """Validate the ledger of `claims` and write it to `path` (folders created); return the path."""
    doc = as_json(claims)
    validate(doc)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
    return path


def glue_key(claim_id: str, name: str, side: str = "ours") -> str:
    """The glue name under which `glue_claims` stores a quantity: ``<id>/<side>/<name>`` with the name's
    spaces as underscores (e.g. ``prop-4.1/ours/holds``)."""
    return f"{claim_id}/{side}/{name.replace(' ', '_')}"


def glue_claims(claims: list, glue) -> None:
    """Glue every quantity of `claims` (paper's and ours, by `glue_key`, as its printed text) and each
    verdict (``<id>/verdict``) with `glue` (a page passes ``myst_nb.glue``), so that a page's prose prints
    the records' own text."""
    for c in claims:
        glue(f"{c.id}/verdict", c.verdict, display=False)
        for side in ("paper", "ours"):
            for n in getattr(c, side):
                glue(glue_key(c.id, n.name, side), n.text, display=False)


def _esc(text: str) -> str:
    return _html.escape(str(text), quote=True)


def html(claims: list) -> str:
    """The ledger as an HTML table that the site's ``ndgm-ledger.js`` filters (by verdict and section) and
    sorts (by any column) with no kernel: each row carries its verdict and section as data attributes."""
    counts = {v: sum(c.verdict == v for c in claims) for v in VERDICTS}
    verdict_opts = "".join(f'<option value="{_esc(v)}">{_esc(v)} ({counts[v]})</option>' for v in VERDICTS)
    section_opts = "".join(f'<option value="{k}">{_esc(t)}</option>' for k, t in SECTIONS.items())
    head = "".join(f'<th scope="col"><button type="button" data-column="{i}">{_esc(t)}</button></th>'
                   for i, t in enumerate(("claim", "where", "section", "the paper", "ours", "verdict")))
    rows = []
    for c in claims:
        cells = [f'<td><a href="{_esc(c.page)}.html">{_esc(c.id)}</a></td>', f"<td>{_esc(c.where)}</td>",
                 f"<td>{_esc(c.section)}</td>", f"<td>{_esc(_cell(c.paper))}</td>", f"<td>{_esc(_cell(c.ours))}</td>",
                 f'<td class="ndgm-verdict">{_esc(c.verdict)}</td>']
        rows.append(f'<tr data-verdict="{_esc(c.verdict)}" data-section="{_esc(c.section)}" '
                    f'title="{_esc(c.statement)} Rule: {_esc(c.rule)}">{"".join(cells)}</tr>')
    return ('<div class="ndgm-ledger">'
            '<div class="ndgm-ledger-controls">'
            f'<label>verdict <select data-filter="verdict"><option value="">all</option>{verdict_opts}</select></label> '
            f'<label>section <select data-filter="section"><option value="">all</option>{section_opts}</select></label> '
            f'<span class="ndgm-ledger-count" aria-live="polite">{len(claims)} of {len(claims)} claims</span>'
            '</div>'
            f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
