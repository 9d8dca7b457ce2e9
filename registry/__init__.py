"""The register: the blueprint (areas, columns, items, roles, assignments) and everything that
combines it with the organisation below it.

Its core, which every feature package may use:

    models/         the register's models, one module a part
    queries.py      reads: assignments at a unit, role holders, responsibilities
    services.py     writes that span models: moving responsibilities ("Flytta ansvar")
    matrix.py       the poster's shape (chips, rows, areas) and the chips' HTML
    data_version.py what changes with every write, per unit and huvudman; the cache keys
    page_body.py    whole pages kept for the user who asked, under their data version
    unit_picker.py  which unit a page is about, among the units the user may see
    notation.py     "A.W ITS; LÄR" written and read
    permissions.py  the register's rules (who edits the catalogue)

Its features, each a package that imports only the core and the packages listed before it:

    notify/          told when it changes, confirmed in one click, seen by the rektor
    search/          "Vem ansvarar för …?": the items' index and the question read against it
    support/         the support chain ("Vem frågar jag?")
    coverage/        the coverage report
    versions/        published versions and what changed
    blueprint_file/  the blueprint as a spreadsheet: read, planned, applied, written
    seed/            the seed and demo data
    blueprint/       the pages: poster, grid, answer page, person, role, item, unit, huvudman
    admin/           the admin: catalogue, assignments, people, word list, import screens

docs/architecture.md draws the layers; tests/test_layers.py keeps them.
"""
