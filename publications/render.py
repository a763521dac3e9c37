"""HTML of a publication from its print template, and its PDF from WeasyPrint."""

import hashlib
import io
import mimetypes
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation

from .generators import Content
from .models import Build, Publication

# Bump when the PDF changes for the same HTML (a renderer option, a post-processing step).
RENDER_VERSION = "1"
# Every URL in a print template is relative to this made-up origin; the fetcher below maps it
# to our own static and media files and refuses everything else (no network, no local files).
BASE_URL = "https://print.eregion.invalid/"


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


def url_fetcher():
    """A fetcher that serves our static and media files to WeasyPrint and refuses any other
    address (no network, no local files)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PrintFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if not url.startswith(BASE_URL):
                raise ValueError(f"print templates may only use our own files, not {url[:100]}")
            path = PurePosixPath(unquote(urlsplit(url).path)).relative_to("/")
            if ".." in path.parts or len(path.parts) < 2:
                raise ValueError(f"bad path {path}")
            rest = str(PurePosixPath(*path.parts[1:]))
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.parts[0] == "static":
                found = finders.find(rest)
                if not found:
                    raise ValueError(f"no static file {rest}")
                with open(found, "rb") as f:
                    body = f.read()
            elif path.parts[0] == "media":
                with default_storage.open(rest) as f:
                    body = f.read()
            else:
                raise ValueError(f"print templates may only use static and media files: {path}")
            return URLFetcherResponse(url, body, {"Content-Type": mime})

    return PrintFetcher()


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
