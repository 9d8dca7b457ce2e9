"""Every page at every width (WCAG 1.4.10 Reflow) and the poster on one A3 sheet, in Chromium."""

import re

import pytest

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [390, 1280, 1440, 1920]

# Links and buttons a reader must reach without scrolling the page sideways.
# Those inside a box that scrolls on its own (the grid, a wide admin table)
# are exempt, as WCAG 1.4.10 exempts two-dimensional tables.
OFFSCREEN_JS = """(selector) => {
  const scrolls = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const x = getComputedStyle(e).overflowX;
      if ((x === "auto" || x === "scroll") && e.scrollWidth > e.clientWidth) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || scrolls(el)) continue;
    if (r.left < -0.5 || r.right > window.innerWidth + 0.5) {
      const text = el.textContent.trim().slice(0, 40);
      out.push(`${text} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    }
  }
  return {
    documentWidth: document.documentElement.scrollWidth,
    windowWidth: window.innerWidth,
    outside: out,
  };
}"""


# Words of table cells that run over two lines ("Ant|al"). A word may wrap
# after a hyphen or a slash; text for screen readers only is left out.
BROKEN_WORDS_JS = """(selector) => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(".visually-hidden")) continue;
      for (const word of node.textContent.matchAll(/[^\\s\\-–\\/|]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(word[0]);
      }
    }
  }
  return broken;
}"""

# Per chip of the poster (li of .chips): its line boxes, and the space to the
# next chip when that one starts on the same line.
CHIPS_JS = """() => {
  const split = [], touching = [];
  for (const list of document.querySelectorAll(".poster .chips")) {
    const chips = [...list.children];
    chips.forEach((chip, i) => {
      const boxes = chip.getClientRects();
      if (boxes.length > 1) split.push(chip.textContent.trim());
      const next = chips[i + 1];
      if (!next) return;
      const a = chip.getBoundingClientRect(), b = next.getBoundingClientRect();
      if (Math.abs(a.top - b.top) < 2 && b.left - a.right < 3) {
        touching.push(chip.textContent.trim() + " | " + next.textContent.trim());
      }
    });
  }
  return {split, touching};
}"""


@pytest.fixture
def admin_with_person(seed, superuser):
    """A superuser who is also A.W: the header shows every link, "Mina ansvarsområden" too."""
    from organisation.models import Person

    Person.objects.filter(initials="A.W").update(user=superuser)
    return superuser


def layout(page, selector):
    return page.evaluate(OFFSCREEN_JS, selector)


def test_the_blueprint_fits_every_width_with_every_item_link_on_screen(
    page, live_server, admin_with_person
):
    log_in(page, live_server, admin_with_person, password="pw-admin-1")
    from registry.models import Item

    total = Item.objects.count()
    measured = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/")
        assert page.locator(".item-name").count() == total
        found = layout(page, ".item-name")
        measured[width] = found
        assert found["documentWidth"] <= width, (width, found)
        assert found["outside"] == [], (width, found)
    # Wide screens use the width: the three areas sit side by side.
    tops = {round(page.locator(f"#area-{s}").bounding_box()["y"]) for s in ("hygien", "pedagogik")}
    assert len(tops) == 1


def test_every_page_of_the_navigation_fits_a_phone(page, live_server, admin_with_person):
    log_in(page, live_server, admin_with_person, password="pw-admin-1")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    hrefs = [link.get_attribute("href") for link in nav.get_by_role("link").all()]
    # Blueprint, grid, organisation, "Vem frågar jag?", review, my responsibilities, admin.
    assert len(hrefs) == 7, hrefs
    for href in hrefs + ["/tillganglighet/", "/organisation/tackning/"]:
        page.goto(live_server.url + href)
        found = layout(page, "a, button, input, select, summary")
        assert found["documentWidth"] <= 390, (href, found)
        assert found["outside"] == [], (href, found)
    # The header's last item, "Logga ut", is on screen, not beyond the right edge.
    page.goto(f"{live_server.url}/")
    box = page.get_by_role("button", name="Logga ut").bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 390


def test_the_seeds_blueprint_prints_on_one_a3_landscape_sheet(
    page, live_server, admin_with_person, artifacts_dir
):
    log_in(page, live_server, admin_with_person, password="pw-admin-1")
    page.goto(f"{live_server.url}/")
    pdf = page.pdf(format="A3", landscape=True, print_background=True)
    (artifacts_dir / "blueprint-a3.pdf").write_bytes(pdf)
    assert count_pages(pdf) == 1
    # The same with the sheet size taken from the page's own @page rule.
    assert count_pages(page.pdf(prefer_css_page_size=True, print_background=True)) == 1

    page.emulate_media(media="print")
    # The legend and the version are on the sheet; the filters are not.
    assert page.locator(".legend").is_visible()
    assert "1.4.0" in page.locator(".version").inner_text()
    assert page.locator(".filters").is_hidden()
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('body *')]
            .filter(e => e.offsetWidth && [...e.childNodes].some(
                n => n.nodeType === 3 && n.textContent.trim()))
            .map(e => parseFloat(getComputedStyle(e).fontSize)))"""
    )
    assert smallest >= 8, f"text of {smallest}px is under 6 pt"  # 6 pt = 8 CSS px

    # A filtered view prints on as few sheets: one area is one sheet.
    page.emulate_media(media="screen")
    page.goto(f"{live_server.url}/?area=hygien")
    assert count_pages(page.pdf(format="A3", landscape=True)) == 1


def test_the_printed_grid_repeats_its_header_row_on_every_sheet(
    page, live_server, admin_with_person
):
    log_in(page, live_server, admin_with_person, password="pw-admin-1")
    page.goto(f"{live_server.url}/rutnat/")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.grid thead')).display") == (
        "table-header-group"
    )
    scroll = page.evaluate("getComputedStyle(document.querySelector('.grid-scroll')).overflowY")
    assert scroll == "visible"  # the whole table prints, not one scrolled window of it
    pages = count_pages(page.pdf(format="A3", landscape=True))
    assert pages > 1  # 150 rows do not fit one sheet; each sheet starts with the header row


def test_the_coverage_tables_break_no_word_and_reflow_at_320_px(
    page, live_server, admin_with_person, docs_images
):
    log_in(page, live_server, admin_with_person, password="pw-admin-1")
    for width in [320, 390, 1280, 1920]:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/organisation/tackning/")
        assert page.locator("table.coverage").count() >= 2
        broken = page.evaluate(BROKEN_WORDS_JS, ".coverage th, .coverage td, .coverage caption")
        assert broken == [], (width, broken)
        found = layout(page, "a, button, input, select")
        assert found["documentWidth"] <= width, (width, found)
        # The tables reflow instead of scrolling inside their boxes (WCAG 1.4.10).
        scrolling = page.evaluate(
            "[...document.querySelectorAll('.table-scroll')]"
            ".filter((box) => box.scrollWidth > box.clientWidth + 1).length"
        )
        assert scrolling == 0, width
        if width == 1280:
            page.screenshot(path=docs_images / "coverage-1280.png", full_page=True)


def test_the_printed_poster_keeps_each_chip_whole_and_apart_without_the_search_box(
    page, live_server, admin_with_person, docs_images
):
    log_in(page, live_server, admin_with_person, password="pw-admin-1")
    # A3 landscape less the page margins, at 96 px to the inch.
    page.set_viewport_size({"width": 1527, "height": 1062})
    page.goto(f"{live_server.url}/")
    page.emulate_media(media="print")
    assert page.locator(".site-header form.ask").is_hidden()
    chips = page.evaluate(CHIPS_JS)
    assert chips == {"split": [], "touching": []}
    page.screenshot(path=docs_images / "poster-print.png", full_page=True)


def count_pages(pdf: bytes) -> int:
    """The number of page objects in a PDF (Chromium writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_assignment_list_shows_all_its_columns_without_sideways_scrolling(
    page, live_server, admin_with_person, width
):
    log_in(page, live_server, admin_with_person, password="pw-admin-1")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/admin/registry/assignment/")
    results = page.evaluate(
        "(() => { const r = document.querySelector('.results');"
        " return [r.scrollWidth, r.clientWidth]; })()"
    )
    assert results[0] <= results[1], results  # the table does not scroll inside its box
    for column in ["item", "unit", "role", "person", "kind", "priority"]:
        box = page.locator(f"#result_list thead th.column-{column}").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, column
    assert page.evaluate("document.documentElement.scrollWidth") <= width
