"""axe-core in the browser tests: inject the vendored script into a Playwright page and list
the WCAG 2.1 A/AA violations it finds.

    from tests.e2e.axe import assert_accessible
    assert_accessible(page)                   # the whole page
    assert_accessible(page, include="#main")  # one part of it

The script is axe-core 4.14.1 from the npm registry (``npm pack axe-core``), Mozilla Public
License 2.0; the licence texts are beside it in ``vendor/``.
"""

from pathlib import Path

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_PATH = "/__tests__/axe.min.js"
JS = "application/javascript"

_RUN = """async ([include, tags]) => {
  const result = await axe.run(include || document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary),
  }));
}"""


def axe_violations(page, include=None, tags=WCAG_21_AA):
    """The violations axe-core finds on the page as it is now (a list of dicts)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # ``add_script_tag(path=...)`` writes an inline script, which the portal's CSP
        # (script-src 'self', no 'unsafe-inline') refuses. So the file is served from the
        # page's own origin by a Playwright route and added by URL: the CSP stays on.
        origin = page.evaluate("() => location.origin")
        url = f"{origin}{AXE_PATH}"
        page.route(url, lambda route: route.fulfill(path=AXE_JS, content_type=JS))
        page.add_script_tag(url=url)
    return page.evaluate(_RUN, [include, tags])


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {node}" for node in v["nodes"]]
    return "\n".join(lines)


def assert_accessible(page, include=None, tags=WCAG_21_AA):
    """Fail with a readable list when axe-core finds any WCAG 2.1 A/AA violation."""
    violations = axe_violations(page, include=include, tags=tags)
    assert not violations, f"axe-core on {page.url}:\n{describe(violations)}"
