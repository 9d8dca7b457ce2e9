"""Import of the blueprint table (format.HEADERS) from csv, xlsx, ods or json.

One row of the file becomes many assignments, so this does not use
django-import-export's one-row-one-object model. blueprint_import is the one
path every import takes (admin, import_blueprint, load_seed), in three steps:

1. format.read_blueprint: the file → numbered rows of text, or FileProblems
   (empty, too large, wrong type, wrong encoding, corrupt, wrong headers),
   through digiansvar.spreadsheets.reader.read_table.
2. plan.Plan: in one transaction, lock the target units' rows, load what the
   rows refer to with a handful of queries, check every row and compute what
   would change (new / changed / unchanged / removed).
3. apply.plan_apply: only when no row has an error and it is not a dry run,
   write the changes with bulk operations, history kept.

The answer is a result.ImportResult: a result.RowResult per row of the
preview, the counts, and the errors.

Any error leaves the database exactly as it was: nothing is written until
every row has been checked, and the writes run in the same transaction.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from organisation.models import Unit
from registry.blueprint_file.apply import plan_apply
from registry.blueprint_file.format import read_blueprint
from registry.blueprint_file.plan import Plan
from registry.blueprint_file.result import ImportResult


@transaction.atomic
def blueprint_import(
    *,
    content,
    filename: str,
    user=None,
    unit: Unit | None = None,
    replace: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Check a blueprint file and, unless dry_run or any row is wrong, apply it.

    `content` is the file's bytes or path. `user` limits the import to
    Unit.objects.restrict(user, "change") (None: every unit, as for management
    commands). `unit` limits it to one unit: rows for other units are errors.
    `replace` removes the assignments of the file's units (or of `unit`)
    that the file does not list; without it the import only adds and
    updates. Raises FileProblems when the file cannot be read; row errors
    are returned in result.errors and nothing is written.
    """
    result = ImportResult()
    rows = read_blueprint(content, filename)
    plan = Plan(rows=rows, user=user, only_unit=unit, replace=replace, result=result)
    plan.check_and_compute()
    if result.errors or dry_run:
        return result
    plan_apply(plan, reason=_("Import från %(file)s") % {"file": filename})
    result.applied = True
    return result
