"""DIGIANSVAR_OIDC_RIGHTS_MAP: which claim values give which groups and unit grants."""

import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from accounts.services import ClaimTarget
from organisation.models import Unit
from organisation.services import GRANT_ROLES

UNIT_PLACEHOLDER = "{unit}"


@dataclass(frozen=True)
class RightsRule:
    """One entry of DIGIANSVAR_OIDC_RIGHTS_MAP: a claim value (pattern) and what it gives."""

    pattern: re.Pattern
    targets: tuple  # of (group, where); where is "", "*", a unit slug or "{unit}"


def rights_map_parse(text):
    """Read DIGIANSVAR_OIDC_RIGHTS_MAP: `value=group[@where][,group[@where]]` entries.

    Entries are separated by ";" or new lines. `where` is a unit slug, `*`
    for every unit, or `{unit}` for the unit slug that `{unit}` in the value
    matched: `rektor-{unit}=rektor@{unit}`. Only grant roles (rektor,
    läsare) take a `where`; other groups are plain memberships.
    Raises ImproperlyConfigured naming the entry that is wrong.
    """
    rules = []
    for entry in re.split(r"[;\n]", text or ""):
        entry = entry.strip()
        if not entry:
            continue
        value, sep, right_side = entry.partition("=")
        value = value.strip()
        if not sep or not value or not right_side.strip():
            raise ImproperlyConfigured(
                f"DIGIANSVAR_OIDC_RIGHTS_MAP: {entry!r} is not value=group[@unit]"
            )
        if value.count(UNIT_PLACEHOLDER) > 1:
            raise ImproperlyConfigured(
                f"DIGIANSVAR_OIDC_RIGHTS_MAP: {entry!r} has more than one {{unit}}"
            )
        targets = []
        for target in right_side.split(","):
            group, _at, where = target.strip().partition("@")
            group, where = group.strip(), where.strip()
            if not group:
                raise ImproperlyConfigured(f"DIGIANSVAR_OIDC_RIGHTS_MAP: {entry!r} names no group")
            if where and group not in GRANT_ROLES:
                raise ImproperlyConfigured(
                    f"DIGIANSVAR_OIDC_RIGHTS_MAP: {entry!r}: only {', '.join(GRANT_ROLES)} "
                    "are granted at units"
                )
            if where == UNIT_PLACEHOLDER and UNIT_PLACEHOLDER not in value:
                raise ImproperlyConfigured(
                    f"DIGIANSVAR_OIDC_RIGHTS_MAP: {entry!r} uses @{{unit}} without {{unit}}"
                )
            targets.append((group, where))
        head, _placeholder, tail = value.partition(UNIT_PLACEHOLDER)
        regex = re.escape(head)
        if _placeholder:
            regex += r"(?P<unit>[-\w]+)" + re.escape(tail)
        rules.append(RightsRule(pattern=re.compile(regex), targets=tuple(targets)))
    return rules


def claim_values(claims, name):
    """The claim's values as a list of strings (a claim may be one string or a list)."""
    value = claims.get(name)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def claim_targets(values, rules):
    """The rights (ClaimTarget) that the claim values give under the rules.

    A unit slug no unit has gives nothing (a new school in the directory
    before it is in the register).
    """
    wanted = set()
    for value in values:
        for rule in rules:
            match = rule.pattern.fullmatch(value)
            if not match:
                continue
            for group, where in rule.targets:
                if where == UNIT_PLACEHOLDER:
                    where = match["unit"]
                wanted.add((group, where))
    slugs = {where for _group, where in wanted if where not in ("", "*")}
    units = {unit.slug: unit for unit in Unit.objects.filter(slug__in=slugs)}
    targets = []
    for group, where in sorted(wanted):
        if where == "*":
            targets.append(ClaimTarget(group=group, all_units=True))
        elif where:
            if where in units:
                targets.append(ClaimTarget(group=group, unit=units[where]))
        else:
            targets.append(ClaimTarget(group=group))
    return targets
