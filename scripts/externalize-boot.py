"""Moves Trunk's inline module loader into its own file, so the pages can
send a Content-Security-Policy without 'unsafe-inline'.

Usage: externalize-boot.py DIST_DIR URL_PREFIX   (e.g. dist /  or dist/admin /admin/)
"""

import hashlib
import pathlib
import re
import sys

dist, prefix = pathlib.Path(sys.argv[1]), sys.argv[2]
index = dist / "index.html"
html = index.read_text()
match = re.search(r'<script type="module">(.*?)</script>', html, re.S)
if match is None:
    sys.exit(f"{index}: no inline module script (already externalised?)")
code = match.group(1).strip() + "\n"
name = f"boot-{hashlib.sha256(code.encode()).hexdigest()[:16]}.js"
(dist / name).write_text(code)
html = html.replace(match.group(0), f'<script type="module" src="{prefix}{name}"></script>')
index.write_text(html)
