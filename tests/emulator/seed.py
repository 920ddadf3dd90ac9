"""Seeds the emulator (or a Stripe test account) with demo data through the
public API: a product, a monthly and a yearly price, two coupons, and
customers with active subscriptions. Prints the subscription ids as JSON.

Run: python tests/emulator/seed.py --base http://127.0.0.1:12111 --key sk_test_...
"""

import argparse
import json
import urllib.parse
import urllib.request

CUSTOMERS = [
    ("jane.cooper@example.com", "Jane Cooper", "snack_monthly"),
    ("wade.warren@example.com", "Wade Warren", "snack_yearly"),
    ("esther.howard@example.com", "Esther Howard", "snack_monthly"),
    ("cameron.williamson@example.com", "Cameron Williamson", "snack_monthly"),
    ("brooklyn.simmons@example.com", "Brooklyn Simmons", "snack_yearly"),
]


class Stripe:
    def __init__(self, base, key):
        self.base, self.key = base.rstrip("/"), key

    def call(self, method, path, params=None):
        data = urllib.parse.urlencode(params or {}).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.key)
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def exists(self, path):
        try:
            self.call("GET", path)
            return True
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return False
            raise


def seed(s):
    if not s.exists("/v1/products/prod_snack_pack"):
        s.call("POST", "/v1/products", {"id": "prod_snack_pack", "name": "Premium Snack Pack"})
    for pid, amount, interval in (("snack_monthly", 1500, "month"), ("snack_yearly", 15000, "year")):
        if not s.exists(f"/v1/plans/{pid}"):
            s.call("POST", "/v1/plans", {"id": pid, "amount": amount, "currency": "usd", "interval": interval,
                                         "product": "prod_snack_pack", "nickname": f"Premium Snack Pack ({interval}ly)"})
    for cid, params in (("SAVE25", {"percent_off": 25, "duration": "repeating", "duration_in_months": 3, "name": "25% off for 3 months"}),
                        ("FREEMONTH", {"percent_off": 100, "duration": "once", "name": "One month free"})):
        if not s.exists(f"/v1/coupons/{cid}"):
            s.call("POST", "/v1/coupons", {"id": cid, **params})
    existing = {c["email"] for c in s.call("GET", "/v1/customers?limit=100")["data"]}
    for email, name, plan in CUSTOMERS:
        if email in existing:
            continue
        cus = s.call("POST", "/v1/customers", {"email": email, "name": name})
        tok = s.call("POST", "/v1/tokens", {"card[number]": "4242424242424242", "card[exp_month]": "12",
                                            "card[exp_year]": "2034", "card[cvc]": "123"})
        s.call("POST", f"/v1/customers/{cus['id']}/sources", {"source": tok["id"]})
        s.call("POST", "/v1/subscriptions", {"customer": cus["id"], "items[0][plan]": plan})
    subs = s.call("GET", "/v1/subscriptions?status=active&limit=100")["data"]
    return [sub["id"] for sub in subs]


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--key", required=True)
    a = p.parse_args()
    print(json.dumps({"subscriptions": seed(Stripe(a.base, a.key))}))
