"""Rich text people type (Markdown), made safe to show: rendered, then sanitised with nh3.

Python-Markdown is not linear on every input (8,000 "[" take 24 s), so every rich text is
bounded in length by its model field and rendered once, at save, under a time budget: past the
budget the text is shown as escaped plain paragraphs instead. Pages show the stored HTML.
"""

import logging
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager

import markdown
import nh3
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown.treeprocessors import Treeprocessor

log = logging.getLogger(__name__)

# Seconds one rendering may take before the text falls back to plain paragraphs.
DEFAULT_TIME_BUDGET = 2.0


class _Budget(Exception):
    """The Markdown rendering ran past its time budget."""


class _OwnPageStructure(Treeprocessor):
    """Headings one level down (the page's own title stays its only ``<h1>``) and no image
    without a text alternative (WCAG 1.1.1)."""

    def run(self, root):
        for parent in root.iter():
            for child in list(parent):
                if child.tag in ("h1", "h2", "h3", "h4", "h5"):
                    child.tag = f"h{int(child.tag[1]) + 1}"
                elif child.tag == "img" and not (child.get("alt") or "").strip():
                    parent.remove(child)


class _OwnPageExtension(markdown.Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_OwnPageStructure(md), "eregion-own-page", 0)


def _markdown_to_html(text: str) -> str:
    return markdown.markdown(text, extensions=["sane_lists", _OwnPageExtension()])


@contextmanager
def _alarm(seconds: float):
    """Raise ``_Budget`` in this (main) thread after ``seconds``."""

    def expired(signum, frame):
        raise _Budget

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _render_in_subprocess(text: str, seconds: float) -> str:
    """Off the main thread no alarm can interrupt the parser: a child process that is killed
    when the budget is spent."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, __file__],
            input=text.encode(),
            capture_output=True,
            timeout=seconds + 3.0,  # the interpreter's start counts too, on a busy machine
            check=True,
        )
    except subprocess.TimeoutExpired as exc:
        raise _Budget from exc
    return done.stdout.decode()


# The child loads this file alone (not the eregion package, which would start Celery's app).
_CHILD = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("eregion_markup_child", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
sys.stdout.write(module._markdown_to_html(sys.stdin.read()))
"""


def plain_paragraphs(text: str) -> SafeString:
    """Plain text as escaped HTML paragraphs (a blank line between them, line breaks kept)."""
    paragraphs = [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
    return mark_safe("".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs))


def render_markdown(text: str) -> SafeString:
    """HTML of the Markdown ``text`` with everything but plain formatting and links removed;
    escaped plain paragraphs when the parser runs past its time budget."""
    text = text or ""
    if not text.strip():
        return mark_safe("")
    seconds = getattr(settings, "MARKDOWN_TIME_BUDGET", DEFAULT_TIME_BUDGET)
    try:
        # Another alarm already set (a test runner's timeout) is left alone.
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0
        ):
            with _alarm(seconds):
                html = _markdown_to_html(text)
        else:
            html = _render_in_subprocess(text, seconds)
    except _Budget:
        log.warning(
            "Markdown of %d characters ran past %.1f s: kept as plain text", len(text), seconds
        )
        return plain_paragraphs(text)
    return mark_safe(
        nh3.clean(
            html, link_rel="nofollow noopener noreferrer", url_schemes={"http", "https", "mailto"}
        )
    )
