"""Parameter checks against the official `stripe` package's definitions.

The package ships every request's parameters as TypedDicts
(`stripe/params/_subscription_update_params.py` and friends). Real Stripe
answers 400 to an unknown or mistyped parameter; so does the emulator, with
Stripe's error shape, by walking those definitions.
"""

import importlib
import re
import types
import typing

import typing_extensions

# (method, path pattern) -> (module, class) of the request's parameters.
ROUTES = [
    ("GET", r"^/v1/subscriptions/[^/]+$", "_subscription_retrieve_params", "SubscriptionRetrieveParams"),
    ("POST", r"^/v1/subscriptions/[^/]+$", "_subscription_update_params", "SubscriptionUpdateParams"),
    ("DELETE", r"^/v1/subscriptions/[^/]+$", "_subscription_cancel_params", "SubscriptionCancelParams"),
    ("GET", r"^/v1/subscriptions$", "_subscription_list_params", "SubscriptionListParams"),
    ("POST", r"^/v1/subscriptions$", "_subscription_create_params", "SubscriptionCreateParams"),
    ("POST", r"^/v1/customers$", "_customer_create_params", "CustomerCreateParams"),
    ("GET", r"^/v1/customers/search$", "_customer_search_params", "CustomerSearchParams"),
    ("GET", r"^/v1/customers/[^/]+$", "_customer_retrieve_params", "CustomerRetrieveParams"),
    ("GET", r"^/v1/customers$", "_customer_list_params", "CustomerListParams"),
    ("POST", r"^/v1/customers/[^/]+/sources$", "_customer_create_source_params", "CustomerCreateSourceParams"),
    ("POST", r"^/v1/tokens$", "_token_create_params", "TokenCreateParams"),
    ("POST", r"^/v1/products$", "_product_create_params", "ProductCreateParams"),
    ("GET", r"^/v1/products$", "_product_list_params", "ProductListParams"),
    ("POST", r"^/v1/plans$", "_plan_create_params", "PlanCreateParams"),
    ("GET", r"^/v1/plans$", "_plan_list_params", "PlanListParams"),
    ("POST", r"^/v1/coupons$", "_coupon_create_params", "CouponCreateParams"),
    ("GET", r"^/v1/coupons$", "_coupon_list_params", "CouponListParams"),
    ("GET", r"^/v1/coupons/[^/]+$", "_coupon_retrieve_params", "CouponRetrieveParams"),
    ("GET", r"^/v1/events$", "_event_list_params", "EventListParams"),
    ("GET", r"^/v1/prices$", "_price_list_params", "PriceListParams"),
    ("GET", r"^/v1/prices/[^/]+$", "_price_retrieve_params", "PriceRetrieveParams"),
    ("POST", r"^/v1/invoices/create_preview$", "_invoice_create_preview_params", "InvoiceCreatePreviewParams"),
]

def _check_union(branches, value, path):
    literals = [v for b in branches if typing_extensions.get_origin(b) is typing_extensions.Literal
                for v in typing_extensions.get_args(b)]
    if isinstance(value, str) and value in literals:
        return
    # `Literal[...] | str` is how the package stays open to enum values added
    # later; real Stripe still refuses values it does not know, so the
    # emulator enforces the listed set.
    has_enum = any(v != "" for v in literals)
    candidates = [b for b in branches if typing_extensions.get_origin(b) is not typing_extensions.Literal
                  and not (has_enum and b is str)]
    errors = []
    for b in candidates:
        try:
            _check_value(b, value, path)
            return
        except ParamError as e:
            errors.append(e)
    if has_enum and isinstance(value, str):
        allowed = ", ".join(v for v in literals if v != "")
        raise ParamError("parameter_invalid_string", path, f"Invalid {path}: must be one of {allowed}")
    if errors:
        raise errors[0]
    raise ParamError("parameter_invalid", path, f"Invalid {path}")


# Keys of RequestOptions are client options, never wire parameters.
CLIENT_OPTIONS = {"api_key", "stripe_version", "stripe_account", "stripe_context",
                  "max_network_retries", "idempotency_key", "content_type", "headers"}


class ParamError(Exception):
    def __init__(self, code, param, message):
        super().__init__(message)
        self.code, self.param, self.message = code, param, message


def params_class(method, path):
    for m, pattern, module, cls in ROUTES:
        if m == method and re.match(pattern, path):
            mod = importlib.import_module("stripe.params." + module)
            return getattr(mod, cls)
    return None


def check(cls, data):
    """Raises ParamError for the first unknown or mistyped parameter."""
    _check_typeddict(cls, data, "", top=True)


def _hints(cls):
    # RequestOptions, the base of many, evaluates in its own module's names
    # and imports StripeContext only under TYPE_CHECKING.
    return typing.get_type_hints(cls, localns={**vars(typing), "StripeContext": typing.Any}, include_extras=True)


def _is_typeddict(tp):
    return isinstance(tp, type) and typing_extensions.is_typeddict(tp)


def _name(path, key):
    return key if not path else f"{path}[{key}]"


def _check_typeddict(cls, data, path, top=False):
    if not isinstance(data, dict):
        raise ParamError("parameter_invalid_object", path, f"Invalid object: {path} must be a hash")
    hints = _hints(cls)
    for key, value in data.items():
        if top and key in CLIENT_OPTIONS:
            raise ParamError("parameter_unknown", key, f"Received unknown parameter: {key}")
        if key not in hints:
            raise ParamError("parameter_unknown", _name(path, key), f"Received unknown parameter: {_name(path, key)}")
        _check_value(hints[key], value, _name(path, key))
    for key, tp in hints.items():
        if top and key in CLIENT_OPTIONS:
            continue
        required = not _is_not_required(tp)
        if required and key not in data:
            raise ParamError("parameter_missing", _name(path, key), f"Missing required param: {_name(path, key)}.")


def _is_not_required(tp):
    return typing_extensions.get_origin(tp) is typing_extensions.NotRequired


def _strip(tp):
    origin = typing_extensions.get_origin(tp)
    if origin in (typing_extensions.NotRequired, typing_extensions.Required):
        return _strip(typing_extensions.get_args(tp)[0])
    return tp


def _check_value(tp, value, path):
    tp = _strip(tp)
    origin = typing_extensions.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        _check_union([_strip(a) for a in typing_extensions.get_args(tp)], value, path)
        return
    if origin is typing_extensions.Literal:
        if value not in typing_extensions.get_args(tp):
            raise ParamError("parameter_invalid_string", path, f"Invalid {path}: must be one of {typing_extensions.get_args(tp)}")
        return
    if origin in (list, typing.List):
        if not isinstance(value, list):
            raise ParamError("parameter_invalid_array", path, f"Invalid array: {path}")
        (inner,) = typing_extensions.get_args(tp) or (typing.Any,)
        for i, v in enumerate(value):
            _check_value(inner, v, f"{path}[{i}]")
        return
    if origin in (dict, typing.Dict):
        if not isinstance(value, dict):
            raise ParamError("parameter_invalid_object", path, f"Invalid object: {path}")
        return
    if _is_typeddict(tp):
        # An empty string unsets a whole object (e.g. `pause_collection=`).
        if value == "":
            return
        _check_typeddict(tp, value, path)
        return
    if tp is str:
        if not isinstance(value, str):
            raise ParamError("parameter_invalid_string", path, f"Invalid string: {path}")
        return
    if tp is bool:
        if value not in ("true", "false", True, False):
            raise ParamError("parameter_invalid_boolean", path, f"Invalid boolean: {value!r}")
        return
    if tp is int:
        if not (isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"-?\d+", value))):
            raise ParamError("parameter_invalid_integer", path, f"Invalid integer: {value!r}")
        return
    if tp is float or getattr(tp, "__name__", "") == "Decimal":
        if not (isinstance(value, (int, float)) or (isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value))):
            raise ParamError("parameter_invalid_float", path, f"Invalid decimal: {value!r}")
        return
    # Anything else (Any, UntypedStripeObject...) is open by definition.
