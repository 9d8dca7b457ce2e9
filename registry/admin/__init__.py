"""Admin for the blueprint, scoped per unit on the base in organisation/admin_base.py.

Model permissions (groups) say what a user may do, each model's `ownership`
(asked through `Model.objects.restrict(user, action)`) says where. Every hook that reads or writes
assignments asks the scope: querysets, object permissions, foreign-key
choices, autocomplete, inlines and actions, so that a rektor of one unit
cannot see or touch another unit's rows by editing a URL or POST data. The
shared catalogue (areas, columns, items, roles) is read-only for everyone
without its model permissions.

- `catalogue`: areas, columns, roles, items (with their assignments inline), versions
- `assignments`: the assignments' list, "Flytta ansvar" and "Senaste ändringar"
- `people`: the organisation's unit and person admins with the register's additions
- `search`: the word list and the unanswered questions
- `views`: the admin's own pages (reassign, recent changes)
- `spreadsheets`: the blueprint import and export screens; `resources`: the import-export
  resources; `forms`: the assignment forms
"""

from registry.admin import assignments, catalogue, people, search

__all__ = ["assignments", "catalogue", "people", "search"]
