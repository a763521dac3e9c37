"""A citizen searches the directory in Latin letters, opens the result, and sees the office on
the map and its working hours, in Debian's Chromium."""

import re

import pytest
from playwright.sync_api import expect


@pytest.mark.e2e
def test_search_in_latin_open_a_result_and_see_map_and_hours(page, live_server):
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    # No tiles on a closed network: the marker and the page must not depend on them.
    page.route(re.compile(r".*tile\.openstreetmap\.org.*"), lambda route: route.abort())

    page.goto("/directory/")
    page.get_by_label(re.compile("Търсене по име")).press_sequentially("plovdiv", delay=30)
    results = page.locator("#directory-results")
    expect(results.get_by_role("link", name="Община Пловдив")).to_be_visible()
    # The results came by htmx, without reloading the page, and the address follows them.
    expect(page).to_have_url(re.compile(r"q=plovdiv"))

    results.get_by_role("link", name="Община Пловдив").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Община Пловдив")
    expect(page.locator("#structure-map .leaflet-marker-icon")).to_be_visible()
    hours = page.locator("#hours")
    expect(hours).to_contain_text("09:00–17:30")
    expect(hours).to_contain_text("почивен ден")
    expect(page.locator("#open-now")).to_contain_text(re.compile("Отворено сега|Затворено"))

    # The map of all courts: clustered markers, filtered like the list.
    page.goto("/directory/map/?kind=court")
    expect(page.locator("#directory-map")).to_have_attribute("data-loaded", "42")
    expect(page.locator("#directory-map .leaflet-marker-icon").first).to_be_visible()
    page.get_by_label("Покажи границите на общините").check()
    expect(page.locator("#directory-map path.leaflet-interactive").first).to_be_attached()
    assert violations == []


@pytest.mark.e2e
def test_the_list_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/directory/")
    page.get_by_label(re.compile("Търсене по име")).fill("Пловдвив")
    page.get_by_role("button", name="Търси").click()
    expect(
        page.locator("#directory-results").get_by_role("link", name="Община Пловдив")
    ).to_be_visible()
    context.close()
