from eregion.markup import render_markdown


def test_markdown_is_rendered_and_scripts_and_unsafe_links_removed():
    html = render_markdown(
        "**Харта**\n\n<script>alert(1)</script> [сайт](https://example.bg) [x](javascript:alert(1))"
    )
    assert "<strong>Харта</strong>" in html
    assert "<script" not in html and "javascript:" not in html
    assert 'href="https://example.bg"' in html and 'rel="nofollow noopener noreferrer"' in html
