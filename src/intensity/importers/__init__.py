"""Importers for the datasets analysts already hold: ACLED, UCDP GED / Candidate, GDELT 2.0
event exports, and any event-like CSV through a column mapping (``--map``).

Importing this package registers each format's stager in :data:`intensity.ingest.STAGERS`
and its header sniffer in :data:`intensity.ingest.SNIFFERS`; ``intensity.ingest`` imports
it lazily the first time a format is detected. Every importer turns its source into the
canonical staging relation and leaves validation, upsert and reject handling to
:func:`intensity.ingest.load_staged`. Crosswalks are in ``docs/importers.md``.
"""

from __future__ import annotations

from intensity import ingest
from intensity.importers import acled, gdelt, mapped, ucdp

# Most specific first: GDELT (headerless, tab-separated), then UCDP, then ACLED headers.
for _sniff in (gdelt.sniff, ucdp.sniff, acled.sniff):
    if _sniff not in ingest.SNIFFERS:
        ingest.SNIFFERS.append(_sniff)

from intensity.importers.mapped import MappingSpec, load_mapping, parse_map  # noqa: E402

__all__ = ["MappingSpec", "load_mapping", "parse_map"]
