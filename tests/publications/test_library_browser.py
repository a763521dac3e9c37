"""A citizen opens /publications/, picks an edition and downloads its PDF (acceptance 6)."""

import os
import subprocess

import pytest
from django.core.management import call_command

from .conftest import ensure_editions

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_downloads_the_brochure_from_the_library(page, tmp_path):
    ensure_editions()
    call_command("build_publication", "broshura", stdout=open(os.devnull, "w"),
                 stderr=open(os.devnull, "w"))  # fmt: skip
    page.goto("/publications/")
    card = page.locator(".publication-card", has_text="обединени за повишаване")
    cover = card.locator("img")
    cover.scroll_into_view_if_needed()  # the covers load lazily
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=cover.element_handle()
    )
    assert page.locator(".publication-card").count() == 10
    card.get_by_role("link").click()
    page.get_by_role("heading", name="За екран (PDF/UA)").wait_for()
    with page.expect_download() as info:
        page.get_by_role("link", name="Изтегли PDF").first.click()
    saved = tmp_path / "downloaded.pdf"
    info.value.save_as(saved)
    assert info.value.suggested_filename == "broshura-screen.pdf"
    pdfinfo = subprocess.run(["pdfinfo", saved], capture_output=True, text=True, check=True)
    assert "Структурите на гражданското общество" in pdfinfo.stdout
