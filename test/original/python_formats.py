"""The Python original's stored formats, written and checked the way object_store_abstraction
does it (json.dumps of the "RJM" form, datetime.isoformat(), integer versions), for the tests of
objstore's "layout": "original". Standard library only.

  python3 python_formats.py dynamodb-items   -> JSON {"items": [...], "expected": [...]} on stdout
  python3 python_formats.py check-dynamodb   <- DynamoDB items (JSON list) on stdin; prints "ok N"
"""
import datetime
import decimal
import json
import sys

RJM = "rj5mt3ypebdf3ase_TYPE"


def rjm_encode(o):
    # makeDictJSONSerializable: bytes and Decimal become tagged dicts; copies, never mutates.
    if isinstance(o, dict):
        return {k: rjm_encode(v) for k, v in o.items()}
    if isinstance(o, list):
        return [rjm_encode(v) for v in o]
    if isinstance(o, bytes):
        return {RJM: "RJMTypeBytesClass", "data": o.decode("utf-8")}
    if isinstance(o, decimal.Decimal):
        return {RJM: "RJMTypeDecimalClass", "data": str(o)}
    return o


def rjm_decode(o, decimals=True):
    if isinstance(o, dict):
        if RJM in o:
            if o[RJM] == "RJMTypeBytesClass":
                return o["data"].encode("utf-8")
            if o[RJM] == "RJMTypeDecimalClass":
                return decimal.Decimal(o["data"]) if decimals else o
            raise Exception("Unknown type " + o[RJM])
        return {k: rjm_decode(v, decimals) for k, v in o.items()}
    if isinstance(o, list):
        return [rjm_decode(v, decimals) for v in o]
    return o


def sample_objects():
    base = datetime.datetime(2023, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.timezone.utc)
    objects = []
    for i in range(40):
        value = {
            "name": "Person %d" % i,
            "age": i,
            "score": i * 1.5,
            "active": i % 2 == 0,
            "nothing": None,
            "tags": ["a", "b%d" % (i % 3)],
            "text": "caf\u00e9 \U0001F600 %d" % i,
            "nested": {"deep": [1, {"x": i}]},
        }
        if i % 5 == 0:
            value["raw"] = b"bytes value %d" % i
        if i % 7 == 0:
            value["price"] = decimal.Decimal("%d.50" % i)
        created = base + datetime.timedelta(seconds=i)
        updated = created + datetime.timedelta(minutes=i, microseconds=0 if i % 4 == 0 else 7)
        objects.append(("Person", "p%02d" % i, value, 1 + i % 3, created, updated))
    for key in ["a/b", "\u00fcmlaut", "key_with_underscores", "sp ace", "100%"]:
        objects.append(("Order", key, {"key": key, "list": [1, 2, 3]}, 1, base, base))
    return objects


def tricky_objects():
    base = datetime.datetime(2022, 1, 1, 0, 0, 0, tzinfo=datetime.timezone.utc)
    values = [
        "it's", 'say "hi"', "both ' and \"", "back\\slash", "tab\tnew\nline\rret\x00nul\x7fdel",
        "caf\u00e9 \u2028 \u00a0 \U0001F600 \u200b", "",
        {"nested": {"list": [1, -2, 3.25, 1e-07, 1.5e+300, -0.0, 10**15], "t": (1, "two"), "empty": {}, "none": None}},
        [True, False, None],
        b"plain bytes",
        "\u00fcber".encode("utf-8"),
        {"price": decimal.Decimal("19.99")},
    ]
    return [("Tricky", "t%d" % i, v, 1, base, base) for i, v in enumerate(values)]


def dynamodb_item(type_, key, value, version, created, updated):
    return {
        "partition_key": {"S": type_ + "_" + key},
        "objectType": {"S": type_},
        "objectKey": {"S": key},
        "objectVersion": {"N": str(version)},
        "creationDate": {"S": created.isoformat()},
        "lastUpdateData": {"S": updated.isoformat()},
        "objectDICT": {"S": json.dumps(rjm_encode(value))},
    }


def utc_ms(d):
    return d.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)


def main():
    command = sys.argv[1]
    if command == "dynamodb-items":
        objects = sample_objects()
        print(json.dumps({
            "items": [dynamodb_item(*o) for o in objects],
            "expected": [
                {"type": t, "key": k, "value": json.loads(json.dumps(rjm_encode(v))), "version": str(ver), "created": utc_ms(c), "updated": utc_ms(u)}
                for (t, k, v, ver, c, u) in objects
            ],
        }))
    elif command == "check-dynamodb":
        items = json.load(sys.stdin)
        for item in items:
            # What the original's get does: parse, RJM-decode, int() the version, parse the dates.
            value = rjm_decode(json.loads(item["objectDICT"]["S"]))
            assert isinstance(value, (dict, list, str, int, float, bool)) or value is None
            int(item["objectVersion"]["N"])
            for name in ["creationDate", "lastUpdateData"]:
                d = datetime.datetime.fromisoformat(item[name]["S"])
                assert d.utcoffset() is not None, item[name]
            assert item["partition_key"]["S"] == item["objectType"]["S"] + "_" + item["objectKey"]["S"]
            if isinstance(value, dict) and "raw" in value:
                assert isinstance(value["raw"], bytes), value
            if isinstance(value, dict) and "price" in value:
                assert isinstance(value["price"], decimal.Decimal), value
        print("ok %d" % len(items))
    elif command == "file-literals":
        # What the original's SimpleFileStore writes: repr() of this dict, one per file.
        out = []
        for (t, k, v, ver, c, u) in sample_objects() + tricky_objects():
            d = {"Data": v, "ObjVer": ver, "Create": c.isoformat(), "LastUpdate": u.isoformat()}
            expected = dict(d)
            expected["Data"] = json.loads(json.dumps(rjm_encode(v)))
            out.append({"type": t, "key": k, "text": repr(d), "expected": expected})
        print(json.dumps(out))
    elif command == "check-literals":
        # Each text must be what eval() (the original's reader) turns into the given JSON form.
        cases = json.load(sys.stdin)
        for case in cases:
            got = eval(case["text"], {"__builtins__": {}}, {})
            # Bytes come back as bytes; a Decimal tag stays a dict (the original's file store
            # cannot read a Decimal back itself: eval of Decimal('x') is a NameError there).
            want = rjm_decode(case["json"], decimals=False)
            assert got == want, (case["text"], got, want)
        print("ok %d" % len(cases))
    else:
        raise SystemExit("unknown command " + command)


main()
