"""A phone user (390×844) searches the directory and the catalogue: the results are on the
first screen, the filters behind a button; Back keeps the search box; the language switch keeps
the query."""

import re

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    yield context.new_page()
    context.close()


def top_of(locator) -> float:
    return locator.bounding_box()["y"]


@pytest.mark.e2e
def test_on_a_phone_the_first_result_is_on_the_first_screen(phone):
    phone.goto("/directory/?q=пловдив")
    first = phone.locator(".structure-results > li").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    # The count and the chosen filters are above it; the filters are behind their button.
    assert top_of(phone.locator("#results-count")) < box["y"]
    expect(phone.locator("#id_province")).to_be_hidden()
    phone.locator("summary.facet-toggle").click()
    expect(phone.locator("#id_province")).to_be_visible()


@pytest.mark.e2e
def test_on_a_phone_a_live_search_shows_its_first_result_at_once(phone):
    phone.goto("/directory/?province=plovdiv")
    expect(phone.locator(".active-filters")).to_contain_text("Пловдив")
    phone.get_by_label(re.compile("Търсене по име")).press_sequentially("sad", delay=30)
    expect(phone).to_have_url(re.compile(r"q=sad"))
    first = phone.locator(".structure-results > li").first
    expect(first).to_contain_text("съд")
    box = first.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box


@pytest.mark.e2e
def test_the_catalogue_on_a_phone_shows_its_first_result_on_the_first_screen(phone):
    phone.goto("/ngos/?q=пловдив")
    first = phone.locator("#results .entry-card").first
    expect(first).to_be_visible()
    assert top_of(first) < PHONE["height"] - 60


@pytest.mark.e2e
def test_back_after_two_live_searches_restores_the_search_box(page, live_server):
    page.goto("/directory/")
    box = page.get_by_label(re.compile("Търсене по име"))
    box.press_sequentially("plovdiv", delay=20)
    expect(page).to_have_url(re.compile(r"q=plovdiv$"))
    box.fill("")
    box.press_sequentially("smolyan", delay=20)
    expect(page).to_have_url(re.compile(r"q=smolyan$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=plovdiv$"))
    expect(page.locator("#directory-results")).to_contain_text("Пловдив")
    expect(box).to_have_value("plovdiv")


@pytest.mark.e2e
def test_the_language_switch_keeps_the_live_search(page, live_server):
    page.goto("/directory/")
    page.get_by_label(re.compile("Търсене по име")).press_sequentially("plovdiv", delay=20)
    expect(page).to_have_url(re.compile(r"q=plovdiv$"))
    page.locator(".lang-switch a").first.click()
    expect(page).to_have_url(re.compile(r"/en/directory/\?q=plovdiv$"))
    expect(page.locator("#id_q")).to_have_value("plovdiv")
