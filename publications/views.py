"""The public publication library: cards, a page per edition, counted downloads; and the
live status of a build for staff."""

from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Build, Publication


def _last_good_builds(publications) -> dict:
    """{(publication id, variant): newest succeeded build}, in one query."""
    latest = {}
    builds = (
        Build.objects.succeeded()
        .filter(publication__in=publications)
        .only(
            "pk", "publication_id", "variant", "pages", "bytes", "sha256", "file", "thumbnail",
            "data_as_of", "finished_at",
        )
        .order_by("-finished_at", "-pk")
    )  # fmt: skip
    for build in builds:
        latest.setdefault((build.publication_id, build.variant), build)
    return latest


@require_GET
def index(request):
    publications = list(Publication.objects.public())
    latest = _last_good_builds(publications)
    for p in publications:
        p.screen = latest.get((p.pk, Build.Variant.SCREEN))
        p.printer = latest.get((p.pk, Build.Variant.PRINTER))
        p.cover = p.screen or p.printer
    return render(request, "publications/index.html", {"publications": publications})


@require_GET
def detail(request, slug):
    publication = get_object_or_404(Publication.objects.public(), slug=slug)
    latest = _last_good_builds([publication])
    history = list(publication.builds.all()[:20])
    return render(
        request,
        "publications/detail.html",
        {
            "publication": publication,
            "variants": [
                (value, label, latest.get((publication.pk, value)))
                for value, label in Build.Variant.choices
            ],
            "history": history,
        },
    )


def _send(build: Build, filename: str):
    Build.objects.filter(pk=build.pk).update(downloads=F("downloads") + 1)
    try:
        handle = build.file.storage.open(build.file.name, "rb")
    except FileNotFoundError:
        raise Http404("the file is gone") from None
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )


@require_GET
def download(request, slug, variant):
    """The newest good PDF of a variant: a stable address for printers' scripts."""
    publication = get_object_or_404(Publication.objects.public(), slug=slug)
    if variant not in Build.Variant.values:
        raise Http404
    build = publication.last_good(variant)
    if build is None or not build.file:
        raise Http404
    return _send(build, f"{slug}-{variant}.pdf")


@require_GET
def download_build(request, slug, pk):
    build = get_object_or_404(
        Build.objects.succeeded().select_related("publication"),
        pk=pk,
        publication__slug=slug,
        publication__is_public=True,
    )
    if not build.file:
        raise Http404
    return _send(build, f"{slug}-{build.variant}-{build.pk}.pdf")


@require_GET
def cover(request, slug):
    """The first page of the newest good build, as the card's picture."""
    publication = get_object_or_404(Publication.objects.public(), slug=slug)
    build = publication.last_good(Build.Variant.SCREEN)
    if build is None or not build.thumbnail:
        raise Http404
    try:
        handle = build.thumbnail.storage.open(build.thumbnail.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = "public, max-age=300"
    return response


@staff_member_required
@require_GET
def build_status(request, pk):
    """A build's stage and progress: the admin polls it (htmx) while the build runs."""
    build = get_object_or_404(Build.objects.select_related("publication"), pk=pk)
    return render(request, "publications/_build_status.html", {"build": build})
