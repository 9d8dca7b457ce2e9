"""The coverage report: what someone should act on, per unit (docs/coverage.md).

- `checks`: the checks, what each finding means and how it is fixed
- `statements`: each check as one SQL statement over the units asked about
- `counts`: those statements counted, over a scope and per unit
- `report`: each unit's findings with names and admin links; the export's batches
- `store`: the counts kept per unit and brought up to date after writes; the summary
- `views`: the coverage page and its xlsx export

The names below are the package's interface to the rest of the site.
"""

from registry.coverage.checks import CHECK_KEYS, CHECKS, Check, max_assignments_setting
from registry.coverage.counts import counts_by_unit, coverage_counts, overloaded_count
from registry.coverage.report import Finding, UnitCoverage, coverage_by_unit, coverage_findings
from registry.coverage.statements import covers_every_unit
from registry.coverage.store import coverage_store_counts, coverage_store_refresh, coverage_summary

__all__ = [
    "CHECKS",
    "CHECK_KEYS",
    "Check",
    "Finding",
    "UnitCoverage",
    "counts_by_unit",
    "coverage_by_unit",
    "coverage_counts",
    "coverage_findings",
    "coverage_store_counts",
    "coverage_store_refresh",
    "coverage_summary",
    "covers_every_unit",
    "max_assignments_setting",
    "overloaded_count",
]
