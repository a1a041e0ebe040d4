"""Read templates with cfn-lint's own template loaders and compare what they hold.

Used by tests/yaml_equivalence.rs (run with the test suite's venv python, see tests/run.sh).

    cfn_lint_loader.py compare JSON_FILE YAML_FILE
        Load JSON_FILE with cfnlint.decode.cfn_json.loads and YAML_FILE with
        cfnlint.decode.cfn_yaml.loads (the loaders cfn-lint uses for templates; the YAML one is
        PyYAML's YAML 1.1 SafeLoader, libyaml-backed when available, plus the short-form
        intrinsic tags), turn cfn-lint's node subclasses into plain dict/list/str/int/float/
        bool/None, and compare the two values strictly: types must agree (True is not 1,
        1 is not 1.0), strings character by character, mapping keys in the same order.
        Exit 0 when equal; 1 and one line per difference ("DIFF <path>: ...") otherwise;
        2 when a file cannot be loaded.

    cfn_lint_loader.py compare-cli JSON_FILE
        Load JSON_FILE twice: as a JSON parser reads it (cfn_json.loads, what CloudFormation
        does) and as the cfn-lint command line reads a template file (cfnlint.decode.decode,
        which tries its YAML loader first and falls back to JSON only on some scanner
        errors), and compare the two like "compare" does.

    cfn_lint_loader.py dump json|yaml FILE
        Print the plain value as JSON on stdout, with non-JSON values (dates, timestamps,
        NaN, infinities, bytes) written as {"$python": "<type>", "repr": "..."}.

Dependency-free apart from cfn-lint itself (standard library only).
"""

import datetime
import json
import math
import sys

try:
    from cfnlint.decode import cfn_json, cfn_yaml
except ImportError as exc:  # pragma: no cover - reported to the Rust test
    print(f"ERROR cannot import cfnlint ({exc}); run tests/run.sh to install it", file=sys.stderr)
    sys.exit(2)


def plain(value):
    """cfn-lint's str_node/dict_node/list_node (and anything else) as plain Python values."""
    if value is None or isinstance(value, bool):
        return None if value is None else bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    # dates, timestamps, bytes (!!binary), sets: keep them as themselves, they will differ
    return value


def load(kind, path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if kind == "json":
        return plain(cfn_json.loads(text))
    if kind == "yaml":
        return plain(cfn_yaml.loads(text, path))
    raise SystemExit(f"unknown kind {kind!r}")


def show(value):
    text = repr(value)
    if len(text) > 160:
        text = text[:150] + "...(" + str(len(text)) + " chars)"
    return f"{type(value).__name__} {text}"


def path_join(path, key):
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key!r}" if path else repr(key)


def diff(a, b, path, out):
    """Append a description of every difference between a (JSON side) and b (YAML side)."""
    if type(a) is not type(b):
        out.append(f"DIFF {path or '<root>'}: json has {show(a)}, yaml has {show(b)}")
        return
    if isinstance(a, dict):
        for k in a:
            if k not in b:
                out.append(f"DIFF {path_join(path, k)}: key missing from yaml")
        for k in b:
            if k not in a:
                out.append(f"DIFF {path_join(path, k)}: key only in yaml ({show(b[k])})")
        common_a = [k for k in a if k in b]
        common_b = [k for k in b if k in a]
        if common_a != common_b:
            out.append(f"DIFF {path or '<root>'}: key order differs: json {common_a!r}, yaml {common_b!r}")
        for k in common_a:
            diff(a[k], b[k], path_join(path, k), out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"DIFF {path or '<root>'}: json list has {len(a)} items, yaml list has {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, path_join(path, i), out)
    elif isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return
    elif a != b:
        out.append(f"DIFF {path or '<root>'}: json has {show(a)}, yaml has {show(b)}")


def to_jsonable(value):
    if isinstance(value, dict):
        return {k if isinstance(k, str) else json.dumps(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return {"$python": "float", "repr": repr(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return {"$python": type(value).__name__, "repr": value.isoformat()}
    return {"$python": type(value).__name__, "repr": repr(value)}


def main(argv):
    if len(argv) == 4 and argv[1] == "compare":
        try:
            a = load("json", argv[2])
        except Exception as exc:  # noqa: BLE001 - any load failure is a test failure
            print(f"ERROR cfn-lint's JSON loader rejected {argv[2]}: {type(exc).__name__}: {exc}")
            return 2
        try:
            b = load("yaml", argv[3])
        except Exception as exc:  # noqa: BLE001
            print(f"ERROR cfn-lint's YAML loader rejected {argv[3]}: {type(exc).__name__}: {exc}")
            return 2
        out = []
        diff(a, b, "", out)
        for line in out:
            print(line)
        if not out:
            print("SAME")
        return 1 if out else 0
    if len(argv) == 3 and argv[1] == "compare-cli":
        from cfnlint.decode.decode import decode

        try:
            a = load("json", argv[2])
        except Exception as exc:  # noqa: BLE001
            print(f"ERROR cfn-lint's JSON loader rejected {argv[2]}: {type(exc).__name__}: {exc}")
            return 2
        template, matches = decode(argv[2])
        if template is None:
            print(f"DIFF <root>: the cfn-lint command line cannot read {argv[2]}:")
            for m in matches:
                print(f"  {m}")
            return 1
        out = []
        diff(a, plain(template), "", out)
        for line in out:
            print(line.replace("yaml has", "cfn-lint CLI has"))
        if not out:
            print("SAME")
        return 1 if out else 0
    if len(argv) == 4 and argv[1] == "dump":
        try:
            value = load(argv[2], argv[3])
        except Exception as exc:  # noqa: BLE001
            print(f"ERROR cannot load {argv[3]}: {type(exc).__name__}: {exc}")
            return 2
        json.dump(to_jsonable(value), sys.stdout, ensure_ascii=True, indent=1)
        sys.stdout.write("\n")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
