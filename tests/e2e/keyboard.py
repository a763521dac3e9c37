"""Driving a page with the keyboard alone in the browser tests: Tab until an element has the
focus, and check that the focus can be seen.

    from tests.e2e.keyboard import tab_to
    tab_to(page, "input[name=email]")   # fails if Tab never gets there or the focus is invisible
"""

import pytest

# The focused element's own outline (site.css draws a 3 px ring on :focus-visible), or a
# Bootstrap focus shadow: either way something a sighted keyboard user can see.
_FOCUS_SEEN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || !el.matches(':focus-visible')) return false;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return rect.width > 0 && rect.height > 0 && (ring || shadow);
}"""


def focus_is_visible(page) -> bool:
    return page.evaluate(_FOCUS_SEEN)


def tab_to(page, selector, limit=80):
    """Press Tab until the focused element matches ``selector``; fail if it never does or if
    the focus on it cannot be seen."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            assert focus_is_visible(page), f"the keyboard focus on {selector} is not visible"
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def type_into(page, selector, text):
    """Tab to the field ``selector`` (as ``tab_to``) and type ``text`` there."""
    tab_to(page, selector)
    page.keyboard.type(text)
