"""Helpers for streamed downloads: lines for ``csv.writer`` to stream, and whole-file downloads
that a browser or proxy revalidates with a 304 while nothing changed."""

import hashlib
import json

from django.db.models import Count, Max
from django.http import StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language


class Echo:
    """A file-like object whose ``write`` returns what it was given, so that ``csv.writer``
    produces lines to stream instead of writing them to a buffer."""

    def write(self, value):
        return value


def joined(pieces, size: int = 200):
    """The strings ``pieces`` joined ``size`` at a time: a streamed response's chunks, fewer and
    larger than one per row, while memory stays flat."""
    batch = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) == size:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def json_items(items, size: int = 200):
    """The inside of a JSON array of ``items``, streamed in chunks of ``size`` items."""
    return joined(
        (
            (", " if i else "") + json.dumps(item, ensure_ascii=False)
            for i, item in enumerate(items)
        ),
        size,
    )


def whole_file_validators(request, queryset, format_version: int):
    """``(ETag, Last-Modified)`` of a download of all of ``queryset`` (rows with ``updated_at``),
    from one aggregate query and the page cache's data version: they change when a row is
    saved, added or withdrawn, even by a plain ``update()``, and with any change the data
    version sees (related rows, imports, the admin). ``(None, None)`` for a filtered download
    (any query string), which is not revalidated."""
    if request.GET:
        return None, None
    from eregion import pagecache

    state = queryset.aggregate(count=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    try:
        version = pagecache.current_version()
    except Exception:  # the cache is down: the database's state alone
        version = None
    fingerprint = ":".join(
        str(part)
        for part in (
            state["count"],
            state["top"],
            state["last"],
            request.get_host(),
            version,
            get_language(),
            format_version,
        )
    )
    etag = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    return f'"{etag}"', state["last"]


def streamed_download(request, content_type, filename, chunks, validators=(None, None)):
    """``chunks`` streamed as the attachment ``filename``; with ``validators`` (an ETag and a
    last change, from ``whole_file_validators``) a request that names them gets a 304."""
    etag, last_modified = validators
    if etag:
        timestamp = last_modified.timestamp() if last_modified else None
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=timestamp and int(timestamp)
        )
        if not_modified is not None:
            return not_modified
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if etag:
        response["ETag"] = etag
        if last_modified:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        # kept by browsers and proxies, asked again each time: a 304 while nothing changed
        response["Cache-Control"] = "public, no-cache"
    return response
