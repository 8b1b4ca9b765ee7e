"""JSON across the C API, exact: money and quantities never become float.

Outgoing: dict/list/str/int/bool/None pass through; Decimal becomes its
decimal string, and so does an int given as an amount or quantity; a float is refused with erp.InvalidError naming the path
("lines[0].debit"), before anything is sent. Incoming: amounts arrive as
decimal strings; the keys in AMOUNT_KEYS (and entity fields of kind money,
quantity or decimal) are turned into Decimal; a JSON number with a fraction
would become Decimal too (parse_float=Decimal), never float.
"""

import json
from decimal import Decimal

from .errors import InvalidError

# Report members that hold amounts or quantities (ledger and stock reports).
AMOUNT_KEYS = frozenset(("debit", "credit", "balance", "quantity", "value", "unit_cost", "on_hand",
                         "reserved", "available", "consumed"))


def _plain(value, path, keys, key=None):
    if isinstance(value, int) and not isinstance(value, bool) and key in keys:
        return str(value)  # an amount or quantity: the C API takes decimal strings
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidError("amount %s is not a finite number" % value, path or "json")
        return format(value, "f")
    if isinstance(value, float):
        raise InvalidError("floating-point amounts are refused: use decimal.Decimal, int or str",
                           path or "json")
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise InvalidError("JSON object keys must be str", path or "json")
            out[k] = _plain(v, "%s.%s" % (path, k) if path else k, keys, k)
        return out
    if isinstance(value, (list, tuple)):
        return [_plain(v, "%s[%d]" % (path, i), keys) for i, v in enumerate(value)]
    raise InvalidError("cannot send %s as JSON" % type(value).__name__, path or "json")


def dumps(value, path="", keys=AMOUNT_KEYS):
    """JSON text of value; None stays None (the C API's "no query"). An int
    under a key in keys (an amount or quantity) is sent as a decimal string."""
    if value is None:
        return None
    if isinstance(value, str):  # already JSON text
        return value
    return json.dumps(_plain(value, path, keys), separators=(",", ":"), ensure_ascii=False)


def _amounts(value, keys):
    if isinstance(value, dict):
        return {k: (Decimal(v) if k in keys and isinstance(v, str) else _amounts(v, keys))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_amounts(v, keys) for v in value]
    return value


def loads(text, keys=AMOUNT_KEYS):
    """Python value of JSON text, with the members named in keys as Decimal."""
    if text is None:
        return None
    value = json.loads(text, parse_float=Decimal)
    return _amounts(value, keys) if keys else value


def loads_totals(text):
    """The valuation report: also its {"totals": {"USD": "75.00"}} values."""
    value = loads(text)
    totals = value.get("totals")
    if isinstance(totals, dict):
        value["totals"] = {k: Decimal(v) if isinstance(v, str) else v for k, v in totals.items()}
    return value
