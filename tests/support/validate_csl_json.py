#!/usr/bin/env python3
"""Validate CSL-JSON files against the CSL-JSON input schema (tests/specs/csl/csl-data.json).

Usage: validate_csl_json.py SCHEMA FILE...
Prints every problem as FILE: PATH: MESSAGE and exits 1 if any file is invalid. Needs Debian's
python3-jsonschema (scripts/install-deps); formats (dates, URIs) are checked too where the
schema names one.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate_csl_json: python3-jsonschema is missing (scripts/install-deps installs it)")


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: validate_csl_json.py SCHEMA FILE...")
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    bad = 0
    for path in sys.argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{path}: {e}")
            bad += 1
            continue
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        for e in errors:
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            print(f"{path}: {where}: {e.message}")
        bad += bool(errors)
    if bad:
        print(f"{bad} of {len(sys.argv) - 2} file(s) are not valid CSL-JSON")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
