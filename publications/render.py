"""HTML of a publication from its print template, and its PDF from WeasyPrint."""

import hashlib
import io

from django.template.loader import render_to_string
from django.utils import translation

from eregion.pdf import BASE_URL, url_fetcher

from .generators import Content
from .models import Build, Publication

# Bump when the PDF changes for the same HTML (a renderer option, a post-processing step).
RENDER_VERSION = "1"


def html_for(publication: Publication, variant: str, content: Content) -> str:
    """The print HTML, always in Bulgarian: the editions are Bulgarian."""
    context = {
        "publication": publication,
        "variant": variant,
        "printer": variant == Build.Variant.PRINTER,
        "as_of": content.as_of,
        "static_base": BASE_URL + "static/",
        "media_base": BASE_URL + "media/",
        **content.context,
    }
    with translation.override("bg"):
        return render_to_string(content.template, context)


def content_hash(html: str, variant: str) -> str:
    """What decides the file: the HTML (data and template), the variant and the renderer."""
    import weasyprint

    key = f"{RENDER_VERSION}\0{weasyprint.__version__}\0{variant}\0".encode() + html.encode()
    return hashlib.sha256(key).hexdigest()


def pdf_options(variant: str) -> dict:
    # The screen variant is tagged for assistive technology (PDF/UA-1); the printer's is plain
    # PDF whose bleed and crop marks come from the CSS (@page bleed/marks).
    if variant == Build.Variant.SCREEN:
        return {"pdf_variant": "pdf/ua-1"}
    return {}


def layout(html: str, variant: str):
    """WeasyPrint's document: the slow part (about 6–8 dense pages a second)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).render(
        **pdf_options(variant)
    )


def write(document, variant: str) -> bytes:
    return document.write_pdf(**pdf_options(variant))


def cover_thumbnail(pdf: bytes, width: int = 360) -> bytes:
    """The first page as a PNG, for the publication's card."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        page = doc[0]
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil()
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        doc.close()
