"""The school organisation: huvudman, units, people, positions and IT-råd.

Terms from the Karlstad decision keep their Swedish names in the UI; in code:
- huvudman → Organisation
- enhet → Unit (skola, förskola, fritidshem)
- befattning → Position, innehav av befattning → Appointment
- IT-råd → ITCouncil
- hanteringsansvarig (the unit's first line of technical support) →
  Position.Code.FIRST_LINE_CONTACT

One module a part; this package's names are the app's models.
"""

from organisation.models.councils import ITCouncil, ITCouncilMembership
from organisation.models.people import (
    PROVISIONED_FIELDS,
    SIGN_IN_FIELDS,
    Appointment,
    Person,
    Position,
    initials_validator,
)
from organisation.models.support import ProblemKind, ServiceAgreement
from organisation.models.units import (
    Organisation,
    Unit,
    UnitGroupObjectPermission,
    UnitUserObjectPermission,
)

__all__ = [
    "PROVISIONED_FIELDS",
    "SIGN_IN_FIELDS",
    "Appointment",
    "ITCouncil",
    "ITCouncilMembership",
    "Organisation",
    "Person",
    "Position",
    "ProblemKind",
    "ServiceAgreement",
    "Unit",
    "UnitGroupObjectPermission",
    "UnitUserObjectPermission",
    "initials_validator",
]
