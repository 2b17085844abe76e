# SPDX-License-Identifier: BSD-2-Clause
"""What the Python test helpers share (tests/lib/common.sh is the shell
side): PASS/FAIL lines with actual and expected, the record schemas, and
ECS fields of a record by dotted name. Import with
    sys.path.insert(0, "tests/lib"); import swcheck
from the repository root.
"""
import json


class Checks:
    """Prints "PASS LABEL: name" or "FAIL LABEL: name: actual A expected E"
    (repr of both) and counts the failures. ok, when given, is the verdict
    instead of actual == expected."""

    def __init__(self, label=""):
        self.prefix = f"{label}: " if label else ""
        self.fails = 0

    def __call__(self, name, actual, expected, ok=None):
        good = (actual == expected) if ok is None else ok
        if good:
            print(f"PASS {self.prefix}{name}")
        else:
            self.fails += 1
            print(f"FAIL {self.prefix}{name}: actual {actual!r} "
                  f"expected {expected!r}")
        return good

    def exit_code(self):
        return 1 if self.fails else 0


def schema(name):
    """A validator for docs/schema/NAME.schema.json (flow, alert, stats)."""
    import jsonschema

    with open(f"docs/schema/{name}.schema.json") as f:
        return jsonschema.Draft202012Validator(json.load(f))


def field(rec, dotted):
    """Field by ECS name: nested objects, or a flat dotted key; None when
    absent."""
    if dotted in rec:
        return rec[dotted]
    cur = rec
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur
