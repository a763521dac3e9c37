"""Rich text people type (Markdown), made safe to show: rendered, then sanitised with nh3."""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe


def render_markdown(text: str) -> SafeString:
    """HTML of the Markdown ``text`` with everything but plain formatting and links removed."""
    html = markdown.markdown(text or "", extensions=["sane_lists"])
    return mark_safe(
        nh3.clean(
            html, link_rel="nofollow noopener noreferrer", url_schemes={"http", "https", "mailto"}
        )
    )
