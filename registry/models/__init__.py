"""The blueprint: areas, columns, responsibility items, roles and who is assigned.

The poster's words in code:
- område (HYGIEN, ADMINISTRATION, PEDAGOGIK) → Area
- kolumn (Administration, Pedagogisk administration, …) → Column
- ansvarsområde → Item
- roll (ITS, LÄR, "Resp chef") → Role
- ansvarig → Assignment
- versions (publicerade versioner) → Blueprint, BlueprintRows
- the coverage report's counts → CoverageCount, CoverageUnconfirmed, CoverageLoad, CoverageMark
- the search's word list → SearchWord, UnansweredSearch
- what the page cache is keyed by → DataVersion
- bekräftad / avböjd, the responsibility e-mails → AssignmentConfirmation, DigestMark,
  UsedConfirmationLink (registry.notify)

One module a part; this package's names are the app's models.
"""

from registry.models.assignment import Assignment
from registry.models.catalogue import (
    GROUP_SEPARATOR,
    ROLE_NAMES,
    Area,
    Column,
    Item,
    Role,
    group_of,
)
from registry.models.coverage import (
    CoverageCount,
    CoverageLoad,
    CoverageMark,
    CoverageUnconfirmed,
)
from registry.models.data_version import DataVersion
from registry.models.notify import AssignmentConfirmation, DigestMark, UsedConfirmationLink
from registry.models.search import SearchWord, UnansweredSearch
from registry.models.versions import Blueprint, BlueprintRows

__all__ = [
    "GROUP_SEPARATOR",
    "ROLE_NAMES",
    "Area",
    "Assignment",
    "AssignmentConfirmation",
    "Blueprint",
    "BlueprintRows",
    "Column",
    "CoverageCount",
    "CoverageLoad",
    "CoverageMark",
    "CoverageUnconfirmed",
    "DataVersion",
    "DigestMark",
    "Item",
    "Role",
    "SearchWord",
    "UnansweredSearch",
    "UsedConfirmationLink",
    "group_of",
]
