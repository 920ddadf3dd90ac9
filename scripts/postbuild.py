"""Finishes a Trunk build for production and a strict CSP.

1. Minifies the wasm-bindgen JS glue with esbuild (Trunk's own minifier
   cannot parse it) and updates the Subresource Integrity hashes that
   index.html holds for it.
2. Moves Trunk's inline module loader into its own file, so the pages can
   send a Content-Security-Policy without 'unsafe-inline'.

3. With --inline-css (the cancel page): puts the stylesheet into the HTML,
   so the first screen paints without waiting for another request; the edge
   allows exactly that <style> by its hash in the page's CSP. The loader then
   fetches and starts the app once that first screen has painted (or after
   500 ms), with no preload before: the screen the edge painted is the
   largest paint, and nothing of the app's download comes before it.

Usage: postbuild.py DIST_DIR URL_PREFIX [--inline-css]   (e.g. dist /  or dist/admin /admin/)
"""

import base64
import hashlib
import pathlib
import re
import subprocess
import sys

dist, prefix = pathlib.Path(sys.argv[1]), sys.argv[2]
root = pathlib.Path(__file__).resolve().parent.parent
esbuild = root / "node_modules" / ".bin" / "esbuild"
index = dist / "index.html"
html = index.read_text()

for js in sorted(dist.glob("*.js")):
    if js.name.startswith("boot-"):
        continue
    subprocess.run([str(esbuild), str(js), "--minify", "--format=esm", "--log-level=warning",
                    f"--outfile={js}", "--allow-overwrite"], check=True)


def with_integrity(tag):
    href = re.search(r'href="?([^"\s>]+)', tag)
    if not href or "integrity=" not in tag:
        return tag
    name = href.group(1)[len(prefix):] if href.group(1).startswith(prefix) else href.group(1).lstrip("/")
    path = dist / name
    if not path.is_file():
        sys.exit(f"{index}: {href.group(1)} is not in {dist}")
    digest = base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()
    return re.sub(r'sha384-[A-Za-z0-9+/=]+', f"sha384-{digest}", tag)


html = re.sub(r"<link\b[^>]*>", lambda m: with_integrity(m.group(0)), html)

if "--inline-css" in sys.argv[3:]:
    def inline(m):
        href = re.search(r'href="?([^"\s>]+)', m.group(0)).group(1)
        css = (dist / href[len(prefix):]).read_text().strip()
        return f"<style>{css}</style>"
    html, n = re.subn(r'<link\b[^>]*rel="?stylesheet"?[^>]*>', inline, html)
    if n != 1:
        sys.exit(f"{index}: expected one stylesheet to inline, found {n}")

match = re.search(r'<script type="?module"?>(.*?)</script>', html, re.S)
if match is None:
    sys.exit(f"{index}: no inline module script (already externalised?)")
code = match.group(1).strip() + "\n"
if "--inline-css" in sys.argv[3:]:
    # Nothing of the app is fetched before the first paint: no preload of
    # its JS or wasm, and its module imported dynamically once the edge's
    # screen has painted. Lighthouse's simulated LCP counts every request
    # that starts before the largest paint, so an early 90 KB wasm fetch
    # made it ~1.5 s instead of ~0.8 s in about half the runs.
    html, n = re.subn(r'<link\b[^>]*rel="?(?:modulepreload|preload)"?[^>]*>', "", html)
    if n < 1:
        sys.exit(f"{index}: expected the app's preload links, found none")
    code, n = re.subn(r"import init, \* as bindings from '([^']+)';",
                      r"const bindings = await import('\1');\nconst init = bindings.default;", code)
    if n != 1:
        sys.exit(f"{index}: the loader's import of the app was not found")
    code = ("await new Promise((ok) => { const t = setTimeout(ok, 500); const painted = () => "
            "performance.getEntriesByName(\"first-contentful-paint\").length ? (clearTimeout(t), ok()) : "
            "requestAnimationFrame(painted); painted(); });\n") + code
name = f"boot-{hashlib.sha256(code.encode()).hexdigest()[:16]}.js"
(dist / name).write_text(code)
html = html.replace(match.group(0), f'<script type="module" src="{prefix}{name}"></script>')
index.write_text(html)
