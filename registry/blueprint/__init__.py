"""The blueprint pages for principals: the poster and its grid, the answer page, the pages of a
person, role, item, unit and huvudman, the export.

- `queries`: the selectors: the items a filter matches, the poster's matrix at a unit
- `filters`: the filter form (area, role, person, question)
- `page_cache`: the pages' cached parts, keyed by the data version
- `views`: the poster and grid, the unit search, the export, "Vem ansvarar för …?"
- `detail_views`: a person's, role's, item's, unit's and huvudman's page
"""
