"""The site frame in a real browser (Debian's Chromium)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_switches_to_english_and_back(page, region):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "bg")
    expect(page.get_by_role("heading", level=1)).to_have_text("Електронен регион")
    expect(page.locator('[data-fact="municipalities"]')).to_have_text("69")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Directory", exact=True)).to_be_visible()
    expect(page.get_by_text("This project is funded by the EU")).to_be_visible()

    page.get_by_role("link", name="About the project").click()
    expect(page).to_have_url(re.compile(r"/en/about/$"))
    page.get_by_role("link", name="Български").click()
    expect(page).to_have_url(re.compile(r"/about/$"))
    expect(page.locator("html")).to_have_attribute("lang", "bg")
    expect(page.get_by_role("heading", level=1)).to_have_text("За проекта")
    assert errors == [], errors  # no CSP violations or script errors


def test_skip_link_is_first_and_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Към съдържанието")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_navigation_collapses_into_a_menu_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto("/")
    nav = page.get_by_role("navigation", name="Основна навигация")
    directory = nav.get_by_role("link", name="Справочник", exact=True)
    expect(directory).to_be_hidden()
    page.get_by_role("button", name="Меню").click()
    expect(directory).to_be_visible()
    context.close()
