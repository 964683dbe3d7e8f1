"""Filters as MongoDB-style dicts, turned into vectaraft.v1.Filter messages.

    to_filter({"genre": {"$in": ["sf", "noir"]}, "year": {"$gte": 1990}})

Field operators: $eq $ne $gt $gte $lt $lte $in $nin $exists, and $not around
them; a bare value means $eq. Several fields, or several operators on one
field, are ANDed. Logical operators at any level: $and and $or take a
non-empty list of filters, $not takes one filter.

Values: str, int, float, bool, and lists of str (for list-valued metadata).
Mistakes raise ValueError or TypeError naming where they are, e.g.
'filter.year.$gte: expected a number, got str "1990"'.
"""

import numbers

from .v1 import vectaraft_pb2 as _pb2

_INT64_MIN = -(2 ** 63)
_INT64_MAX = 2 ** 63 - 1

_COMPARE = {
    "$eq": _pb2.Condition.EQ,
    "$ne": _pb2.Condition.NE,
    "$gt": _pb2.Condition.GT,
    "$gte": _pb2.Condition.GTE,
    "$lt": _pb2.Condition.LT,
    "$lte": _pb2.Condition.LTE,
}
_NUMERIC = {"$gt", "$gte", "$lt", "$lte"}
_MEMBERSHIP = {"$in": _pb2.Condition.IN, "$nin": _pb2.Condition.NIN}
_FIELD_OPS = sorted(list(_COMPARE) + list(_MEMBERSHIP) + ["$exists", "$not"])
_LOGICAL = ("$and", "$or", "$not")


def to_filter(spec):
    """Returns the vectaraft.v1.Filter for a dict filter."""
    return _node(spec, "filter")


def to_value(value, where="value"):
    """Returns the vectaraft.v1.Value for a Python value."""
    if isinstance(value, bool):  # before int: bool is an int subclass
        return _pb2.Value(bool_value=value)
    if isinstance(value, numbers.Integral):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise ValueError("%s: expected a 64-bit integer, got %d" % (where, value))
        return _pb2.Value(int_value=int(value))
    if isinstance(value, numbers.Real):
        return _pb2.Value(double_value=float(value))
    if isinstance(value, str):
        return _pb2.Value(string_value=value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return _pb2.Value(string_list_value=_pb2.StringList(values=list(value)))
    raise TypeError(
        "%s: expected a str, int, float, bool or list of str, got %s"
        % (where, _describe(value)))


def _node(spec, where):
    if not isinstance(spec, dict):
        raise TypeError("%s: expected a dict, got %s" % (where, _describe(spec)))
    if not spec:
        raise ValueError("%s: expected at least one condition, got an empty dict" % where)
    parts = []
    for key, body in spec.items():
        if not isinstance(key, str) or not key:
            raise ValueError("%s: expected a non-empty string key, got %r" % (where, key))
        if key.startswith("$"):
            parts.append(_logical(key, body, where))
        else:
            parts.extend(_field(key, body, "%s.%s" % (where, key)))
    return _all_of(parts)


def _logical(op, body, where):
    here = "%s.%s" % (where, op)
    if op == "$not":
        return _negate(_node(body, here))
    if op in ("$and", "$or"):
        if not isinstance(body, (list, tuple)) or not body:
            raise ValueError("%s: expected a non-empty list of filters, got %s"
                             % (here, _describe(body)))
        children = [_node(child, "%s[%d]" % (here, i)) for i, child in enumerate(body)]
        return _pb2.Filter(**{op[1:]: _pb2.FilterList(filters=children)})
    raise ValueError("%s: unknown logical operator, expected one of %s"
                     % (here, ", ".join(_LOGICAL)))


def _field(key, body, where):
    """Returns the filters for one field: a bare value, or a dict of operators."""
    if not (isinstance(body, dict) and body and all(
            isinstance(k, str) and k.startswith("$") for k in body)):
        if isinstance(body, (list, tuple)):
            raise TypeError("%s: a bare list is ambiguous, use {\"$in\": [...]} or "
                            "{\"$eq\": [...]}" % where)
        if isinstance(body, dict):
            raise TypeError("%s: expected a value or a dict of operators (%s), got %s"
                            % (where, ", ".join(_FIELD_OPS), _describe(body)))
        return [_condition(key, _pb2.Condition.EQ, where, value=to_value(body, where))]
    return [_operator(key, op, operand, "%s.%s" % (where, op)) for op, operand in body.items()]


def _operator(key, op, operand, where):
    if op in _COMPARE:
        if op in _NUMERIC and (isinstance(operand, bool)
                               or not isinstance(operand, numbers.Real)):
            raise TypeError("%s: expected a number, got %s" % (where, _describe(operand)))
        return _condition(key, _COMPARE[op], where, value=to_value(operand, where))
    if op in _MEMBERSHIP:
        if not isinstance(operand, (list, tuple)) or not operand:
            raise ValueError("%s: expected a non-empty list, got %s" % (where, _describe(operand)))
        values = [to_value(v, "%s[%d]" % (where, i)) for i, v in enumerate(operand)]
        return _condition(key, _MEMBERSHIP[op], where, values=values)
    if op == "$exists":
        if not isinstance(operand, bool):
            raise TypeError("%s: expected true or false, got %s" % (where, _describe(operand)))
        return _condition(key, _pb2.Condition.EXISTS, where, value=to_value(operand, where))
    if op == "$not":
        if not isinstance(operand, dict) or not operand:
            raise TypeError("%s: expected a dict of operators, got %s" % (where, _describe(operand)))
        return _negate(_all_of(_field(key, operand, where)))
    raise ValueError("%s: unknown operator, expected one of %s" % (where, ", ".join(_FIELD_OPS)))


def _condition(key, op, where, value=None, values=None):
    condition = _pb2.Condition(key=key, op=op)
    if value is not None:
        condition.value.CopyFrom(value)
    if values is not None:
        condition.values.extend(values)
    return _pb2.Filter(condition=condition)


def _negate(child):
    result = _pb2.Filter()
    getattr(result, "not").CopyFrom(child)
    return result


def _all_of(parts):
    if len(parts) == 1:
        return parts[0]
    return _pb2.Filter(**{"and": _pb2.FilterList(filters=parts)})


def _describe(value):
    """Names a value for an error message: 'str "x"', 'int 5', 'an empty list', 'dict'."""
    if isinstance(value, str):
        return 'str "%s"' % value
    if isinstance(value, (dict, list, tuple)):
        return ("an empty " if not value else "") + type(value).__name__
    return "%s %r" % (type(value).__name__, value)
