"""axe-core for the browser journeys, run once for each distinct page.

Journeys open the same page many times: every reviewer's seat, every case at the same step.
A page is told apart by its *shape*: its elements, each with its attributes, the text of
those that name or point at something reduced to whether it is there (a link's address, a
form's value, a label's words), and where text stands; with the window's width and the
stylesheets it loads, which is everything the rules of axe-core read apart from the words
themselves. axe-core runs on the first page of each shape; a page of a shape already
checked has the same findings.
"""

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = (ROOT / "static" / "vendor" / "axe-core" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                           resultTypes: ["violations"]});
  return results.violations
    .filter((violation) => ["serious", "critical"].includes(violation.impact))
    .map((violation) => `${violation.id} (${violation.impact}): ` +
         violation.nodes.map((node) => node.target.join(" ")).join(", "));
}"""
# the attributes whose words change from page to page of one shape: only whether they are
# there and not empty counts (an address within the page, "#…", counts as written)
PAGE_SHAPE = """() => {
  const worded = new Set(["value", "href", "action", "src", "srcset", "content", "datetime",
    "title", "alt", "aria-label", "aria-valuenow", "aria-valuetext", "placeholder",
    "max", "min", "maxlength"]);
  const out = [String(window.innerWidth)];
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      if (node.textContent.trim()) out.push("#text");
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const attributes = Array.from(node.attributes, (a) => {
      const kept = !(worded.has(a.name) || a.name.startsWith("data-")) || a.value.startsWith("#");
      return kept ? `${a.name}=${a.value}` : `${a.name}${a.value ? "+" : "-"}`;
    }).sort();
    out.push(`<${node.tagName} ${attributes.join(" ")}>`);
    for (const child of node.childNodes) walk(child);
    out.push(`</${node.tagName}>`);
  };
  walk(document.documentElement);
  return out.join("");
}"""

# each shape checked in this run, with what axe-core found on it
_FOUND_BY_SHAPE: dict[str, list[str]] = {}


def violations_of(page) -> list[str]:
    """The serious and critical violations axe-core finds on ``page`` as it stands, from an
    earlier page of the same shape when there was one. The script is evaluated through the
    DevTools protocol, which the site's Content-Security-Policy does not govern."""
    shape = hashlib.sha256(page.evaluate(PAGE_SHAPE).encode()).hexdigest()
    if shape not in _FOUND_BY_SHAPE:
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(AXE_SOURCE)
        _FOUND_BY_SHAPE[shape] = page.evaluate(AXE_RUN, AXE_TAGS)
    return _FOUND_BY_SHAPE[shape]
