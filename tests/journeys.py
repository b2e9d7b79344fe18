"""Checks run at every step of a browser journey, with failures that name the step."""

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
AXE = Path(__file__).resolve().parent / "browser_tools" / "node_modules" / "axe-core" / "axe.min.js"

SERIOUS_VIOLATIONS = """
async (options) => {
  const result = await axe.run(document, {...options, resultTypes: ['violations']});
  return result.violations
    .filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => {
      const where = v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ');
      return `${v.id} (${v.impact}): ${v.help} at ${where}`;
    });
}
"""


# The rules of WCAG 2.2 at level AA, target size (2.5.8) among them.
WCAG22_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
}


def serious_accessibility_violations(page, options=None) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now: with its default
    rules, or with `options` (e.g. WCAG22_AA)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it (npm ci in tests/browser_tools)")
    # evaluate() runs through the browser's debugging protocol, outside the page's CSP,
    # so the page itself never loads axe and the site never serves it.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(SERIOUS_VIOLATIONS, options or {})


def check_step(page, live_server, journey: str, step: str) -> None:
    """Screenshot the step, then require no console error, no foreign request, no serious
    accessibility violation; a failure says which step of which journey broke."""
    ARTIFACTS.mkdir(exist_ok=True)
    slug = f"{journey}-{step}".lower().replace(" ", "-")
    page.screenshot(path=ARTIFACTS / f"{slug}.png", full_page=True)
    problems = []
    if page.console_errors:
        problems.append(f"console errors {page.console_errors}")
    foreign = [url for url in page.requested_urls if not url.startswith(live_server.url)]
    if foreign:
        problems.append(f"requests to other hosts {foreign}")
    if violations := serious_accessibility_violations(page):
        problems.append(f"accessibility {violations}")
    assert not problems, f"Journey '{journey}', step '{step}': " + "; ".join(problems)
