"""Render a standalone network page (made by ``relnet network html``) in headless Chromium and save a PNG.

The page is opened from disk and may load nothing else (it inlines vis-network). The picture is taken
once the layout has settled; ``--search NAME`` first focuses the page on an entity (as typing it in the
page's search box would), ``--edge`` then also opens the evidence of that entity's first relation.

    relnet network html STORE.sqlite net.html
    python scripts/screenshot_html.py net.html docs/screenshots/network.png --search EGFR --edge
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
# The template draws into the global `network` and turns physics off once the layout has settled.
SETTLED = "() => typeof network !== 'undefined' && network.physics.options.enabled === false"


def screenshot(
    html: Path,
    out: Path,
    width: int = 1400,
    height: int = 900,
    search: str | None = None,
    edge: bool = False,
    chromium: str = "/usr/bin/chromium",
    timeout_ms: int = 60_000,
) -> Path:
    """Save a PNG of ``html`` to ``out``; raises if the page has a script error or asks for anything off disk."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.on("requestfailed", lambda req: errors.append(f"blocked request: {req.url}"))
            page.goto(html.resolve().as_uri())
            page.wait_for_function(SETTLED, timeout=timeout_ms)
            if search:
                page.fill("#search", search)
                page.press("#search", "Enter")
                page.wait_for_timeout(1200)  # the page animates the zoom onto the entity
                if edge:
                    link = page.locator("#info a[data-edge]").first
                    if link.count():
                        link.click()
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
        finally:
            browser.close()
    if errors:
        raise RuntimeError("; ".join(errors))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("html", type=Path, help="a page written by `relnet network html`")
    parser.add_argument("out", type=Path, help="the PNG to write")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--search", help="focus on this entity first")
    parser.add_argument("--edge", action="store_true", help="with --search, show its first relation's evidence")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium executable")
    args = parser.parse_args()
    if not args.html.is_file():
        sys.exit(f"error: {args.html} not found; write it with `relnet network html STORE OUT.html`")
    out = screenshot(args.html, args.out, args.width, args.height, args.search, args.edge, args.chromium)
    print(f"{out} ({out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
