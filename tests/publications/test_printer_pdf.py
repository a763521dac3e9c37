"""The printer's variant (acceptance 2): every page 3 mm of bleed around the trim, crop marks
in it, fonts embedded."""

import re

import pytest

from .conftest import build_once, file_path, pdf_tool

pytestmark = pytest.mark.django_db

BLEED = 3 / 25.4 * 72  # 3 mm in PDF points


@pytest.fixture(scope="module")
def printer_build(module_region, module_media, django_db_blocker):
    with django_db_blocker.unblock():
        return build_once("broshura", "printer")


def boxes(path, pages) -> list[dict]:
    out = pdf_tool("pdfinfo", "-box", "-f", 1, "-l", pages, path)
    result = [{} for _ in range(pages)]
    for page, box, *coords in re.findall(
        r"^Page\s+(\d+) (\w+Box):\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", out, re.M
    ):
        result[int(page) - 1][box] = [float(c) for c in coords]
    return result


def test_every_page_has_3mm_of_bleed_around_the_trim(printer_build, media_here):
    assert printer_build.status == "succeeded", printer_build.error
    pages = boxes(file_path(printer_build), printer_build.pages)
    assert len(pages) == printer_build.pages >= 2
    for page in pages:
        media, trim = page["MediaBox"], page["TrimBox"]
        assert trim[0] - media[0] == pytest.approx(BLEED, abs=0.05)
        assert trim[1] - media[1] == pytest.approx(BLEED, abs=0.05)
        assert media[2] - trim[2] == pytest.approx(BLEED, abs=0.05)
        assert media[3] - trim[3] == pytest.approx(BLEED, abs=0.05)
        assert trim[2] - trim[0] == pytest.approx(148 / 25.4 * 72, abs=0.5)  # A5 after trimming


def test_crop_marks_are_drawn_in_the_bleed(printer_build, media_here):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(file_path(printer_build)))
    page = pdf[1]  # a white page: whatever is dark in its bleed band is a mark
    scale = 4
    image = page.render(scale=scale).to_pil().convert("L")
    band = round(BLEED * scale) + 3  # the marks run on from the trim lines into the bleed
    width, height = image.size
    corners = [(0, 0), (width - band, 0), (0, height - band), (width - band, height - band)]
    for x, y in corners:
        darkest, _ = image.crop((x, y, x + band, y + band)).getextrema()
        assert darkest < 100, f"no mark in the corner at {x},{y}"
    page.close()
    pdf.close()


def test_the_printer_file_embeds_its_fonts_and_is_not_the_screen_file(printer_build, media_here):
    rows = pdf_tool("pdffonts", file_path(printer_build)).splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)
    info = pdf_tool("pdfinfo", file_path(printer_build))
    assert re.search(r"^Tagged:\s+no", info, re.M)
