from eregion.markup import render_markdown


def test_markdown_is_rendered_and_scripts_and_unsafe_links_removed():
    html = render_markdown(
        "**Харта**\n\n<script>alert(1)</script> [сайт](https://example.bg) [x](javascript:alert(1))"
    )
    assert "<strong>Харта</strong>" in html
    assert "<script" not in html and "javascript:" not in html
    assert 'href="https://example.bg"' in html and 'rel="nofollow noopener noreferrer"' in html


def test_owner_headings_go_one_level_down_and_images_need_a_text_alternative():
    html = render_markdown(
        "# Заглавие\n\n## Раздел\n\n![](https://x.bg/a.png) ![Лого](/media/l.png)"
    )
    assert "<h1" not in html
    assert "<h2>Заглавие</h2>" in html and "<h3>Раздел</h3>" in html
    assert "a.png" not in html  # no alt: dropped
    assert 'alt="Лого"' in html


def test_a_pathological_text_is_kept_as_plain_text_within_the_time_budget(settings):
    # Python-Markdown is quadratic on "[" * n (8,000 took 24 s): the budget stops it.
    settings.MARKDOWN_TIME_BUDGET = 0.2
    html = render_markdown("[" * 12000 + "\n\nвтори")
    assert html.startswith("<p>[[[[") and "<p>втори</p>" in html


def test_the_budget_holds_off_the_main_thread_too(settings):
    import threading

    settings.MARKDOWN_TIME_BUDGET = 0.2
    results = []
    thread = threading.Thread(target=lambda: results.append(render_markdown("[" * 12000)))
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert results[0].startswith("<p>[[[[")
    settings.MARKDOWN_TIME_BUDGET = 5.0  # room for a busy machine: this one must render
    thread = threading.Thread(target=lambda: results.append(render_markdown("**ok**")))
    thread.start()
    thread.join(timeout=30)
    assert results[1] == "<p><strong>ok</strong></p>"
