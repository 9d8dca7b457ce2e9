"""The blueprint's own notation for who is responsible: "A.W ITS; Resp chef; R.A (ersättare)".

Entries are separated by ";". Each is "INITIALS ROLE", "ROLE" or "INITIALS",
optionally followed by "(ersättare)" for a deputy. Role codes may contain a
space ("Resp chef"), so parsing needs the set of known role codes.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

ENTRY_SEPARATOR = ";"
DEPUTY_MARK = "(ersättare)"


class NotationError(ValueError):
    """An entry that cannot be read; the message names the entry."""


@dataclass(frozen=True)
class Responsible:
    initials: str = ""
    role_code: str = ""
    deputy: bool = False

    def __str__(self):
        text = " ".join(part for part in (self.initials, self.role_code) if part)
        return f"{text} {DEPUTY_MARK}" if self.deputy else text


def parse_responsible(text, role_codes):
    """Parse a cell into a list of Responsible, in the order written.

    Raises NotationError for an entry that is neither a known role, initials,
    nor initials followed by a known role.
    """
    entries = []
    for raw in (text or "").split(ENTRY_SEPARATOR):
        entry = " ".join(raw.split())
        if not entry:
            continue
        deputy = entry.endswith(DEPUTY_MARK)
        if deputy:
            entry = entry.removesuffix(DEPUTY_MARK).strip()
        entries.append(_parse_entry(entry, raw.strip(), role_codes, deputy))
    return entries


def _parse_entry(entry, raw, role_codes, deputy):
    if entry in role_codes:
        return Responsible(role_code=entry, deputy=deputy)
    initials, space, role_code = entry.partition(" ")
    if not space:
        if not initials:
            raise NotationError(_("”%(entry)s” saknar initialer och roll.") % {"entry": raw})
        return Responsible(initials=initials, deputy=deputy)
    if role_code in role_codes:
        return Responsible(initials=initials, role_code=role_code, deputy=deputy)
    raise NotationError(
        _("”%(entry)s” kan inte läsas: ”%(role)s” är ingen känd roll.")
        % {"entry": raw, "role": role_code}
    )


def format_responsible(entries):
    """The inverse of parse_responsible."""
    return f"{ENTRY_SEPARATOR} ".join(str(entry) for entry in entries)
