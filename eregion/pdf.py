"""What every PDF the portal renders shares: WeasyPrint may read only our own files."""

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage

# Every URL in a print template is relative to this made-up origin; the fetcher below maps it
# to our own static and media files and refuses everything else (no network, no local files).
BASE_URL = "https://print.eregion.invalid/"


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
