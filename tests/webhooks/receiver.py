"""A webhook receiver for the tests: verifies every delivery with the
independent `standardwebhooks` package and records what it received.

Each endpoint is a name: POST /hooks/<name>. Control, per name:
- POST /_control/<name> {"secrets": ["whsec_..."], "plan": ["500", "timeout",
  "redirect", "410", ...]}: the secrets to verify with, and how to answer the
  next requests (one plan entry per request; then 204);
- GET /_received/<name>: every request, in order: webhook-id, type, the
  answer given, and whether the signature verified.

Run: python tests/webhooks/receiver.py --port 12112
"""

import argparse
import asyncio
import json

from aiohttp import web
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

STATE = {}


def state(name):
    return STATE.setdefault(name, {"secrets": [], "plan": [], "received": []})


async def hook(request):
    s = state(request.match_info["name"])
    body = await request.text()
    headers = dict(request.headers)
    verified = False
    for secret in s["secrets"]:
        try:
            Webhook(secret).verify(body, headers)
            verified = True
            break
        except WebhookVerificationError:
            continue
    try:
        event_type = json.loads(body).get("type")
    except ValueError:
        event_type = None
    answer = s["plan"].pop(0) if s["plan"] else "204"
    entry = {"id": headers.get("webhook-id"), "type": event_type, "answer": answer, "verified": verified,
             "signatures": headers.get("webhook-signature", "").count("v1,"), "body": body}
    s["received"].append(entry)
    if answer == "timeout":
        await asyncio.sleep(15)
        return web.Response(status=204)
    if answer == "redirect":
        return web.Response(status=302, headers={"location": "https://example.com/elsewhere"})
    return web.Response(status=int(answer))


async def control(request):
    s = state(request.match_info["name"])
    body = await request.json()
    if "secrets" in body:
        s["secrets"] = body["secrets"]
    if "plan" in body:
        s["plan"] = list(body["plan"])
    return web.Response(status=204)


async def received(request):
    return web.json_response(state(request.match_info["name"])["received"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=12112)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_post("/hooks/{name}", hook)
    app.router.add_post("/_control/{name}", control)
    app.router.add_get("/_received/{name}", received)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None,
                print=lambda *_: print(f"receiver listening on {args.port}", flush=True))


if __name__ == "__main__":
    main()
