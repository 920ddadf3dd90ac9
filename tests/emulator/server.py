"""The Stripe emulator: localstripe, extended and made strict.

What it adds to localstripe 1.15.10:
- parameter checks against the official `stripe` package (strict.py): an
  unknown or mistyped parameter answers 400 in Stripe's error shape;
- prices read from plans (`items.data.price`, `expand[]=items.data.price.product`,
  `GET /v1/prices`, `items[n][price]` on update);
- `GET /v1/customers/search` by one `email:"…"` clause, case-insensitive;
- `discounts` (kept by id, added by coupon), `pause_collection`,
  `proration_behavior`, and `POST /v1/invoices/create_preview`;
- `cancellation_details` on update and cancel, and `DELETE` that records
  `invoice_now`/`prorate` and sets `canceled_at`;
- `Idempotency-Key` replay, as Stripe does for 24 h;
- Stripe's `resource_missing` error on unknown ids;
- restricted keys (`POST /_config/restricted_keys`) answering 403 per
  missing permission, as Stripe does;
- a log of every request (`GET /_config/requests`), injectable faults
  per method and path (`POST /_config/faults`: a `status` with an optional
  `retry_after`, a `delay_ms` before answering (slow, or hanging past the
  caller's deadline), or `action: refuse` closing the connection unanswered;
  each for `times` requests) and failed renewals
  (`POST /_config/subscriptions/{id}/renewal_failed`) for tests, and a
  latency added to every answer (`POST /_config/latency`) for the benchmark;
- state in memory, never in localstripe's shared file under /tmp.

Run: python tests/emulator/server.py --port 12111
"""

import argparse
import asyncio
import hashlib
import json
import os
import re
import sys
import time

from aiohttp import web

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from localstripe import resources, server as ls  # noqa: E402
from localstripe.errors import UserError  # noqa: E402

import strict  # noqa: E402

# --- state outside localstripe's pickle ------------------------------------
resources.store.dump_to_disk = lambda *a, **k: None
resources.store.try_load_from_disk = lambda *a, **k: None

REQUESTS = []
FAULTS = []
# Restricted keys: key -> {resource: "read" | "write"}, as Stripe's
# restricted keys grant per resource.
RESTRICTED = {}
IDEMPOTENT = {}
# Added to every /v1 answer when set (POST /_config/latency): Stripe's own
# time, for the benchmark.
LATENCY = {"ms": 0}
IDEMPOTENCY_TTL = 24 * 3600


_orig_get_api_key = ls.get_api_key


def _get_api_key(request):
    key = _orig_get_api_key(request)
    if key:
        return key
    header = request.headers.get("Authorization", "").split(" ")
    if len(header) == 2 and header[0] == "Bearer" and header[1] in RESTRICTED:
        return header[1]
    return None


ls.get_api_key = _get_api_key


def _permission_error(request, key):
    perms = RESTRICTED.get(key)
    if perms is None:
        return None
    resource = request.path.split("/")[2] if request.path.count("/") >= 2 else ""
    need = "read" if request.method == "GET" else "write"
    have = perms.get(resource)
    if have == "write" or (have == "read" and need == "read"):
        return None
    return stripe_error(403, f"The provided key '{key[:8]}...{key[-4:]}' does not have the required permissions for this endpoint. "
                             f"Having the 'rak_{resource}_{need}' permission would allow this request to continue.")


def stripe_error(status, message, code=None, param=None, kind="invalid_request_error"):
    err = {"type": kind, "message": message}
    if code:
        err["code"] = code
    if param:
        err["param"] = param
    return ls.json_response({"error": err}, status=status)


# --- prices, as today's API shows them -------------------------------------
def _price_of(plan):
    product = plan.product if isinstance(plan.product, str) else getattr(plan.product, "id", None)
    return {
        "id": plan.id, "object": "price", "active": plan.active, "billing_scheme": plan.billing_scheme,
        "created": plan.created, "currency": plan.currency, "livemode": False, "lookup_key": None,
        "metadata": plan.metadata or {}, "nickname": plan.nickname, "product": product,
        "recurring": {"interval": plan.interval, "interval_count": plan.interval_count,
                      "usage_type": plan.usage_type, "trial_period_days": plan.trial_period_days},
        "tax_behavior": "unspecified", "type": "recurring", "unit_amount": plan.amount,
        "unit_amount_decimal": None if plan.amount is None else str(plan.amount),
    }


resources.SubscriptionItem.price = property(lambda self: _price_of(self.plan))


# --- coupons have names in Stripe ------------------------------------------
_orig_coupon_init = resources.Coupon.__init__


def _coupon_init(self, name=None, **kwargs):
    _orig_coupon_init(self, **kwargs)
    self.name = name


resources.Coupon.__init__ = _coupon_init


# --- cancellation_details and a faithful cancel ----------------------------
_orig_init = resources.Subscription.__init__
_orig_update = resources.Subscription._update
_orig_delete = resources.Subscription._api_delete.__func__


def _init(self, *args, **kwargs):
    _orig_init(self, *args, **kwargs)
    self.cancellation_details = {"comment": None, "feedback": None, "reason": None}
    self.pause_collection = None
    self._discounts = []


def _set_details(sub, details):
    if details is None:
        return
    sub.cancellation_details = {
        "comment": details.get("comment") or None,
        "feedback": details.get("feedback") or None,
        "reason": "cancellation_requested",
    }


def _update(self, cancellation_details=None, discounts=None, pause_collection=None, proration_behavior=None, **data):
    # Prices are plans here: `items[n][price]` names one.
    for item in data.get("items") or []:
        if isinstance(item, dict) and "price" in item:
            price = item.pop("price")
            _price_exists(price, "items[0][price]")
            item["plan"] = price
    new_discounts = None if discounts is None else _resolve_discounts(self, discounts)
    _orig_update(self, **data)
    if new_discounts is not None:
        self._discounts = new_discounts
    if pause_collection is not None:
        self.pause_collection = None if pause_collection == "" else {
            "behavior": pause_collection["behavior"],
            "resumes_at": int(pause_collection["resumes_at"]) if pause_collection.get("resumes_at") else None,
        }
    if proration_behavior is not None:
        self._proration_behavior = proration_behavior
    flag = data.get("cancel_at_period_end")
    if flag in ("true", True):
        self.cancel_at = self.current_period_end
        self.canceled_at = int(time.time())
        _set_details(self, cancellation_details or {})
    elif flag in ("false", False):
        self.cancel_at = None
        self.canceled_at = None
        self.cancellation_details = {"comment": None, "feedback": None, "reason": None}
    else:
        _set_details(self, cancellation_details)


resources.Subscription.__init__ = _init
resources.Subscription._update = _update


# --- discounts: today's `discounts` array, expandable -------------------------
def _price_exists(price_id, param):
    if resources.store.get("plan:" + price_id) is None:
        raise UserError(400, f"No such price: '{price_id}'", {"code": "resource_missing", "param": param})


def _coupon(coupon_id, param):
    coupon = resources.store.get("coupon:" + coupon_id)
    if coupon is None:
        raise UserError(400, f"No such coupon: '{coupon_id}'", {"code": "resource_missing", "param": param})
    return coupon


def _resolve_discounts(sub, entries):
    """A non-empty list replaces the set; existing ones are kept by id."""
    if entries == "":
        return []
    current = {d["id"]: d for d in getattr(sub, "_discounts", [])}
    out = []
    for i, entry in enumerate(entries):
        if entry.get("discount"):
            if entry["discount"] not in current:
                raise UserError(400, f"No such discount: '{entry['discount']}'", {"code": "resource_missing", "param": f"discounts[{i}][discount]"})
            out.append(current[entry["discount"]])
        elif entry.get("coupon"):
            coupon = _coupon(entry["coupon"], f"discounts[{i}][coupon]")
            out.append({"id": "di_" + resources.random_id(14), "object": "discount",
                        "source": {"type": "coupon", "coupon": coupon.id},
                        "customer": sub.customer, "subscription": sub.id, "start": int(time.time()), "end": None})
        else:
            raise UserError(400, "Each discount needs a coupon or a discount", {"param": f"discounts[{i}]"})
    return out


_orig_export = resources.Subscription._export


def _discount_export(d, expand_coupon):
    """Today's shape: the coupon under `source`, an id unless expanded."""
    out = dict(d)
    if expand_coupon:
        coupon = resources.store.get("coupon:" + d["source"]["coupon"])
        out["source"] = {"type": "coupon", "coupon": coupon._export() if coupon else d["source"]["coupon"]}
    return out


def _export(self, expand=None):
    expand = list(expand or [])
    deep = "discounts.source.coupon" in expand
    want = deep or "discounts" in expand
    obj = _orig_export(self, expand=[e for e in expand if not e.startswith("discounts")])
    discounts = getattr(self, "_discounts", [])
    obj["discounts"] = [_discount_export(d, deep) for d in discounts] if want else [d["id"] for d in discounts]
    obj.pop("_discounts", None)
    return obj


resources.Subscription._export = _export


# --- prices and invoice previews ----------------------------------------------
def list_prices(params):
    data = [_price_of(p) for k, p in resources.store.items() if k.startswith("plan:")]
    if params.get("product"):
        data = [p for p in data if p["product"] == params["product"]]
    if params.get("active") is not None:
        data = [p for p in data if str(p["active"]).lower() == str(params["active"]).lower()]
    data = data[: int(params.get("limit", 10))]
    if "data.product" in (params.get("expand") or []):
        for p in data:
            product = resources.store.get("product:" + (p["product"] or ""))
            p["product"] = product._export() if product else p["product"]
    return {"object": "list", "url": "/v1/prices", "has_more": False, "data": data}


def retrieve_price(price_id):
    plan = resources.store.get("plan:" + price_id)
    if plan is None:
        raise UserError(404, f"No such price: '{price_id}'", {"code": "resource_missing", "param": "id"})
    return _price_of(plan)


def create_preview(params):
    if not params.get("subscription"):
        raise UserError(400, "The emulator previews subscription invoices only.", {"param": "subscription"})
    sub = resources.Subscription._api_retrieve(params["subscription"])
    details = params.get("subscription_details") or {}
    items = details.get("items") or []
    plan = sub.plan
    if items and items[0].get("price"):
        _price_exists(items[0]["price"], "subscription_details[items][0][price]")
        plan = resources.store.get("plan:" + items[0]["price"])
    discounts = _resolve_discounts(sub, params["discounts"]) if "discounts" in params else getattr(sub, "_discounts", [])
    subtotal = (plan.amount or 0) * (sub.quantity or 1)
    total = subtotal
    for d in discounts:
        c = resources.store.get("coupon:" + d["source"]["coupon"])._export()
        if c.get("percent_off"):
            total = total * (1 - float(c["percent_off"]) / 100)
        elif c.get("amount_off"):
            total = total - int(c["amount_off"])
    total = max(0, int(round(total)))
    period_end = sub.current_period_end
    return {
        "object": "invoice", "id": None, "customer": sub.customer, "subscription": sub.id,
        "currency": plan.currency, "subtotal": subtotal, "total": total, "amount_due": total,
        "period_start": sub.current_period_start, "period_end": period_end, "next_payment_attempt": period_end,
        "discounts": [d["id"] for d in discounts],
        "lines": {"object": "list", "has_more": False, "data": [
            {"object": "line_item", "amount": subtotal, "currency": plan.currency, "quantity": sub.quantity or 1,
             "pricing": {"price_details": {"price": plan.id}}, "period": {"start": period_end, "end": None}}]},
    }


# --- customer search ----------------------------------------------------------
# Stripe's search language, as far as Holdfast speaks it: one exact,
# case-insensitive `email:"…"` clause (backslash escapes a quote). Any
# other query answers 400, so a request Holdfast should not make is seen.
SEARCH_EMAIL = re.compile(r"""^email:"((?:[^"\\]|\\.)*)"$""")


def search_customers(params):
    m = SEARCH_EMAIL.match(params.get("query") or "")
    if m is None:
        raise UserError(400, "The emulator searches customers by one email:\"…\" clause only.", {"param": "query"})
    want = re.sub(r"\\(.)", r"\1", m.group(1)).lower()
    limit = int(params.get("limit", 10))
    if not 1 <= limit <= 100:
        raise UserError(400, "Limit must be between 1 and 100.", {"param": "limit"})
    found = [c for k, c in resources.store.items() if k.startswith("customer:") and (c.email or "").lower() == want]
    found.sort(key=lambda c: c.created, reverse=True)
    return {"object": "search_result", "url": "/v1/customers/search", "has_more": len(found) > limit,
            "next_page": None, "data": [c._export() for c in found[:limit]]}


def cancel_subscription(sub_id, params):
    sub = resources.Subscription._api_retrieve(sub_id)
    if sub.status == "canceled":
        raise UserError(400, "A canceled subscription can only update its cancellation_details and metadata.")
    _orig_delete(resources.Subscription, sub_id)
    now = int(time.time())
    sub.canceled_at = now
    sub.ended_at = now
    sub.cancel_at_period_end = False
    sub._invoice_now = params.get("invoice_now") == "true"
    sub._prorate = params.get("prorate") == "true"
    _set_details(sub, params.get("cancellation_details") or {})
    return sub


# --- middlewares -------------------------------------------------------------
def _params(request, body):
    if request.method in ("GET", "DELETE"):
        return ls.unflatten_data(request.query)
    return body


async def _body(request):
    if request.method != "POST":
        return {}
    raw = await request.read()
    if not raw:
        return {}
    ctype = request.headers.get("Content-Type", "")
    if "json" in ctype:
        return json.loads(raw)
    from multidict import MultiDict
    from urllib.parse import parse_qsl
    return ls.unflatten_data(MultiDict(parse_qsl(raw.decode(), keep_blank_values=True)))


def _match_fault(request):
    for f in FAULTS:
        if f["times"] <= 0:
            continue
        if f.get("method") and f["method"] != request.method:
            continue
        if f.get("path_contains") and f["path_contains"] not in request.path:
            continue
        f["times"] -= 1
        return f
    return None


@web.middleware
async def holdfast_middleware(request, handler):
    if not request.path.startswith("/v1/"):
        return await handler(request)
    body = await _body(request)
    params = _params(request, body)
    entry = {
        "seq": len(REQUESTS) + 1, "time": time.time(), "method": request.method, "path": request.path,
        "params": params, "idempotency_key": request.headers.get("Idempotency-Key"),
        "stripe_version": request.headers.get("Stripe-Version"), "status": None, "replayed": False, "fault": None,
    }
    REQUESTS.append(entry)
    if LATENCY["ms"]:
        await asyncio.sleep(LATENCY["ms"] / 1000)
    resp = await _respond(request, handler, params, entry)
    entry["status"] = resp.status
    return resp


async def _respond(request, handler, params, entry):
    key = ls.get_api_key(request)
    if key is None:
        return stripe_error(401, "Invalid API Key provided.", kind="invalid_request_error")
    entry["key_last4"] = key[-4:]
    denied = _permission_error(request, key)
    if denied is not None:
        return denied

    fault = _match_fault(request)
    if fault:
        entry["fault"] = fault.get("status") or fault.get("action") or "delay"
        if fault.get("delay_ms"):
            await asyncio.sleep(fault["delay_ms"] / 1000)
        # "refuse": the connection closes before any answer, so the client
        # sees what a refused or reset connection gives it (no status) and
        # cannot know whether the request did anything: here it did not.
        if fault.get("action") in ("reset", "refuse"):
            request.transport.close()
            raise ConnectionResetError("fault: connection closed")
        if fault.get("status"):
            headers = {"Retry-After": str(fault["retry_after"])} if fault.get("retry_after") else {}
            resp = stripe_error(fault["status"], "Injected fault", kind="api_error")
            resp.headers.update(headers)
            return resp

    cls = strict.params_class(request.method, request.path)
    if cls is not None:
        try:
            strict.check(cls, params or {})
        except strict.ParamError as e:
            return stripe_error(400, e.message, code=e.code, param=e.param)

    key = request.headers.get("Idempotency-Key")
    if key and request.method in ("POST", "DELETE"):
        fingerprint = hashlib.sha256(json.dumps([request.method, request.path, params], sort_keys=True).encode()).hexdigest()
        saved = IDEMPOTENT.get(key)
        if saved and time.time() - saved["at"] < IDEMPOTENCY_TTL:
            if saved["fingerprint"] != fingerprint:
                return stripe_error(400, "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                                    code="idempotency_key_in_use", kind="idempotency_error")
            entry["replayed"] = True
            resp = web.Response(status=saved["status"], body=saved["body"], content_type="application/json")
            resp.headers["Idempotent-Replayed"] = "true"
            return resp
        resp = await _execute(request, handler, params)
        IDEMPOTENT[key] = {"fingerprint": fingerprint, "status": resp.status, "body": resp.body, "at": time.time()}
        return resp
    return await _execute(request, handler, params)


SUB_ID = re.compile(r"^/v1/subscriptions/([^/]+)$")
PRICE_ID = re.compile(r"^/v1/prices/([^/]+)$")
OBJECT_ID = re.compile(r"^/v1/([a-z_]+?)s/([^/]+)$")


async def _execute(request, handler, params):
    try:
        m = SUB_ID.match(request.path)
        if m and request.method == "DELETE":
            sub = cancel_subscription(m.group(1), params or {})
            return ls.json_response(sub._export(expand=(params or {}).get("expand")))
        if request.method == "GET" and request.path == "/v1/customers/search":
            return ls.json_response(search_customers(params or {}))
        if request.method == "GET" and request.path == "/v1/prices":
            return ls.json_response(list_prices(params or {}))
        m = PRICE_ID.match(request.path)
        if m and request.method == "GET":
            return ls.json_response(retrieve_price(m.group(1)))
        if request.method == "POST" and request.path == "/v1/invoices/create_preview":
            return ls.json_response(create_preview(params or {}))
        resp = await handler(request)
    except UserError as e:
        resp = e.to_response()
    except Exception as e:  # the emulator lacks it: say so like Stripe would
        return stripe_error(500, f"emulator: {type(e).__name__}: {e}", kind="api_error")
    if resp.status == 404:
        m = OBJECT_ID.match(request.path)
        if m:
            return stripe_error(404, f"No such {m.group(1)}: '{m.group(2)}'", code="resource_missing", param="id")
    return resp


# --- test control routes ---------------------------------------------------
async def list_requests(request):
    needle = request.query.get("path_contains", "")
    return ls.json_response([r for r in REQUESTS if needle in r["path"]])


async def clear_requests(request):
    REQUESTS.clear()
    return web.Response(status=204)


async def add_fault(request):
    f = await request.json()
    f.setdefault("times", 1)
    FAULTS.append(f)
    return ls.json_response(f)


async def add_restricted_key(request):
    body = await request.json()
    RESTRICTED[body["key"]] = body["permissions"]
    return web.Response(status=204)


async def renewal_failed(request):
    """What a failed renewal leaves behind in Stripe: the subscription
    `past_due`, as Stripe sets it when the invoice's payment fails."""
    sub = resources.Subscription._api_retrieve(request.match_info["id"])
    sub.status = "past_due"
    return ls.json_response(sub._export())


async def set_latency(request):
    LATENCY["ms"] = max(0, int((await request.json()).get("ms", 0)))
    return web.Response(status=204)


async def clear_faults(request):
    FAULTS.clear()
    return web.Response(status=204)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    app = ls.app
    app.middlewares.insert(1, holdfast_middleware)
    app.router.add_get("/_config/requests", list_requests)
    app.router.add_delete("/_config/requests", clear_requests)
    app.router.add_post("/_config/faults", add_fault)
    app.router.add_delete("/_config/faults", clear_faults)
    app.router.add_post("/_config/restricted_keys", add_restricted_key)
    app.router.add_post("/_config/subscriptions/{id}/renewal_failed", renewal_failed)
    app.router.add_post("/_config/latency", set_latency)
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=lambda *_: print(f"emulator listening on {args.host}:{args.port}", flush=True))


if __name__ == "__main__":
    main()
