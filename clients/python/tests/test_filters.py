"""The dict filter grammar (vectaraft.filters)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from vectaraft import filters as vf  # noqa: E402
from vectaraft.v1 import vectaraft_pb2 as pb2  # noqa: E402

C = pb2.Condition


def cond(key, op, value=None, values=None):
    c = C(key=key, op=op)
    if value is not None:
        c.value.CopyFrom(value)
    if values is not None:
        c.values.extend(values)
    return pb2.Filter(condition=c)


def and_(*parts):
    return pb2.Filter(**{"and": pb2.FilterList(filters=list(parts))})


def or_(*parts):
    return pb2.Filter(**{"or": pb2.FilterList(filters=list(parts))})


def not_(child):
    f = pb2.Filter()
    getattr(f, "not").CopyFrom(child)
    return f


def s(x):
    return pb2.Value(string_value=x)


def i(x):
    return pb2.Value(int_value=x)


class ValueTest(unittest.TestCase):
    def test_each_python_type_maps_to_its_oneof_case(self):
        self.assertEqual(vf.to_value("a").WhichOneof("kind"), "string_value")
        self.assertEqual(vf.to_value(3).WhichOneof("kind"), "int_value")
        self.assertEqual(vf.to_value(2.5).WhichOneof("kind"), "double_value")
        self.assertEqual(vf.to_value(True).WhichOneof("kind"), "bool_value",
                         "bool must not become int (bool is an int subclass)")
        self.assertEqual(list(vf.to_value(["a", "b"]).string_list_value.values), ["a", "b"])

    def test_out_of_range_int_and_unsupported_types_are_rejected(self):
        with self.assertRaisesRegex(ValueError, "expected a 64-bit integer"):
            vf.to_value(2 ** 63)
        with self.assertRaisesRegex(TypeError, "got NoneType None"):
            vf.to_value(None)
        with self.assertRaisesRegex(TypeError, "got list"):
            vf.to_value([1, 2])


class FilterTest(unittest.TestCase):
    def test_example_from_the_docs(self):
        got = vf.to_filter({"genre": {"$in": ["sf", "noir"]}, "year": {"$gte": 1990}})
        want = and_(cond("genre", C.IN, values=[s("sf"), s("noir")]),
                    cond("year", C.GTE, value=i(1990)))
        self.assertEqual(got, want)

    def test_bare_value_is_eq_and_single_condition_is_not_wrapped(self):
        self.assertEqual(vf.to_filter({"genre": "sf"}), cond("genre", C.EQ, value=s("sf")))

    def test_every_comparison_operator(self):
        for op, code in [("$eq", C.EQ), ("$ne", C.NE), ("$gt", C.GT), ("$gte", C.GTE),
                         ("$lt", C.LT), ("$lte", C.LTE)]:
            with self.subTest(op=op):
                got = vf.to_filter({"year": {op: 2000}})
                self.assertEqual(got, cond("year", code, value=i(2000)))
        self.assertEqual(vf.to_filter({"score": {"$lt": 0.5}}),
                         cond("score", C.LT, value=pb2.Value(double_value=0.5)))

    def test_nin_and_exists(self):
        self.assertEqual(vf.to_filter({"g": {"$nin": ["a", 1]}}),
                         cond("g", C.NIN, values=[s("a"), i(1)]))
        self.assertEqual(vf.to_filter({"g": {"$exists": False}}),
                         cond("g", C.EXISTS, value=pb2.Value(bool_value=False)))

    def test_several_operators_on_one_field_are_anded(self):
        got = vf.to_filter({"year": {"$gte": 1990, "$lt": 2000}})
        self.assertEqual(got, and_(cond("year", C.GTE, value=i(1990)),
                                   cond("year", C.LT, value=i(2000))))

    def test_logical_operators_nest(self):
        got = vf.to_filter({"$or": [{"genre": "sf"},
                                    {"$and": [{"year": {"$lt": 1980}},
                                              {"$not": {"genre": "noir"}}]}]})
        want = or_(cond("genre", C.EQ, value=s("sf")),
                   and_(cond("year", C.LT, value=i(1980)),
                        not_(cond("genre", C.EQ, value=s("noir")))))
        self.assertEqual(got, want)

    def test_field_level_not(self):
        self.assertEqual(vf.to_filter({"year": {"$not": {"$gt": 5}}}),
                         not_(cond("year", C.GT, value=i(5))))

    def test_mixing_fields_and_logical_operators_ands_them(self):
        got = vf.to_filter({"genre": "sf", "$not": {"year": 1999}})
        self.assertEqual(got, and_(cond("genre", C.EQ, value=s("sf")),
                                   not_(cond("year", C.EQ, value=i(1999)))))

    def test_mistakes_say_where_and_what(self):
        cases = [
            ({}, ValueError, r"^filter: expected at least one condition"),
            ({"year": {"$gte": "1990"}}, TypeError,
             r'^filter\.year\.\$gte: expected a number, got str "1990"'),
            ({"year": {"$gte": True}}, TypeError, r"expected a number, got bool True"),
            ({"g": {"$in": []}}, ValueError, r"^filter\.g\.\$in: expected a non-empty list"),
            ({"g": {"$regex": "x"}}, ValueError, r"^filter\.g\.\$regex: unknown operator"),
            ({"$xor": []}, ValueError, r"^filter\.\$xor: unknown logical operator"),
            ({"$and": []}, ValueError, r"^filter\.\$and: expected a non-empty list"),
            ({"$or": [{"a": 1}, {}]}, ValueError, r"^filter\.\$or\[1\]: expected at least one"),
            ({"g": ["a", "b"]}, TypeError, r"^filter\.g: a bare list is ambiguous"),
            ({"g": {"$exists": 1}}, TypeError, r"expected true or false, got int 1"),
            ({"": 1}, ValueError, r"expected a non-empty string key"),
            ("genre", TypeError, r'^filter: expected a dict, got str "genre"'),
        ]
        for spec, error, pattern in cases:
            with self.subTest(spec=spec):
                with self.assertRaisesRegex(error, pattern):
                    vf.to_filter(spec)


if __name__ == "__main__":
    unittest.main()
