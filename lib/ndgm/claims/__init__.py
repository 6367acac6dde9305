"""Every numbered claim of the paper as a record: where it is made, what the paper prints, what we
measured and with which settings, and a verdict decided by a stated rule.

The record is `record.Claim`; `registry` holds the function that computes each claim and computes them
(`get`, `for_page`, `ledger`); `render` turns them into tables, JSON and glue. A claim module per page
registers that page's claims and is named after it (`convergence`, `lasso_paradox`, `optimizer_variants`,
`relu_vs_gelu`, `l1_vgg16`, `edge_of_stability`, `what_works`), each computing our side with the library; the
network claims share `network_checks`. Pages end with their claims rendered by `markdown(for_page(page))`;
the ledger page renders `ledger()` and the build writes it as ``claims.json`` (`write_json`), validated
against ``claims.schema.json`` beside this file. The paper's printed numbers come from `ndgm.paper`.

>>> from ndgm import claims
>>> c = claims.get("prop-4.1")                      # doctest: +SKIP
>>> c.verdict in claims.VERDICTS                     # doctest: +SKIP
True
"""
from __future__ import annotations

from .record import PAGES, SECTIONS, VERDICTS, Claim, Number, number
from .registry import for_page, get, ids, ledger, ledger_key, register, rules, takes
from .render import SCHEMA, as_json, glue_claims, glue_key, html, markdown, validate, write_json

# the claim modules, in the order of the paper: importing them registers their claims
from . import convergence, lasso_paradox, optimizer_variants, relu_vs_gelu, l1_vgg16, edge_of_stability, what_works  # noqa: F401

__all__ = ["PAGES", "SECTIONS", "VERDICTS", "Claim", "Number", "number", "for_page", "get", "ids",
           "ledger", "ledger_key", "register", "rules", "takes", "SCHEMA", "as_json", "glue_claims", "glue_key",
           "html", "markdown", "validate", "write_json"]
