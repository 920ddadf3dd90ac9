"""The queue drain benchmark's webhook receiver: answers every delivery
after 50 ms, fails the first attempt of every other webhook-id with a 500,
and counts the 2xx answers per webhook-id (a second one would be a double
delivery). A request whose sender is gone by the time it would be answered
(the edge killed mid-request) is not a delivery: the sender never sees an
answer, so sending it again is what it must do. Those are counted as `cut`.

    drain_receiver.py --port PORT
    GET /_stats -> {"requests", "delivered", "doubled", "cut", "first", "last"}
"""
import argparse
import asyncio
import time
import zlib

from aiohttp import web

SEEN = {}
DELIVERED = {}
STATS = {"requests": 0, "cut": 0, "first": None, "last": None}


async def hook(request):
    await request.read()
    msg = request.headers.get("webhook-id", "")
    now = time.time()
    STATS["requests"] += 1
    STATS["first"] = STATS["first"] or now
    await asyncio.sleep(0.05)
    transport = request.transport
    if transport is None or transport.is_closing():
        STATS["cut"] += 1
        return web.Response(status=503)
    tries = SEEN.get(msg, 0)
    SEEN[msg] = tries + 1
    if tries == 0 and zlib.crc32(msg.encode()) % 2 == 0:
        return web.Response(status=500)
    DELIVERED[msg] = DELIVERED.get(msg, 0) + 1
    STATS["last"] = time.time()
    return web.Response(status=204)


async def stats(_request):
    return web.json_response({
        "requests": STATS["requests"],
        "delivered": len(DELIVERED),
        "doubled": sum(1 for n in DELIVERED.values() if n > 1),
        "cut": STATS["cut"],
        "first": STATS["first"],
        "last": STATS["last"],
    })


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    a = p.parse_args()
    app = web.Application()
    app.router.add_post("/hooks/{name}", hook)
    app.router.add_get("/_stats", stats)
    web.run_app(app, host="127.0.0.1", port=a.port, print=None)


if __name__ == "__main__":
    main()
