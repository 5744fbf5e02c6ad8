"""The Python original's stored formats, written and checked the way object_store_abstraction
does it (json.dumps of the "RJM" form, datetime.isoformat(), integer versions), for the tests of
objstore's "layout": "original". Standard library only.

  python3 python_formats.py dynamodb-items   -> JSON {"items": [...], "expected": [...]} on stdout
  python3 python_formats.py check-dynamodb   <- DynamoDB items (JSON list) on stdin; prints "ok N"
  python3 python_formats.py sql-rows mysql|sqlite PREFIX
                                             -> JSON {"schema": [DDL], "rows": [[...]], "insert": SQL, "expected": [...]}
  python3 python_formats.py sqlite-write PATH PREFIX
                                             writes the original's SQLite tables and rows itself (sqlite3)
  python3 python_formats.py check-sql        <- _objData rows (JSON list of dicts) on stdin; prints "ok N"
"""
import base64
import datetime
import decimal
import json
import os
import sqlite3
import sys

RJM = "rj5mt3ypebdf3ase_TYPE"


def fss(s):
    # The original's file-name form: base64 of the UTF-8, "/" -> "_", "+" -> ":".
    return base64.b64encode(s.encode("utf-8")).decode("ascii").replace("/", "_").replace("+", ":")


def unfss(name):
    return base64.b64decode(name.replace("_", "/").replace(":", "+")).decode("utf-8")


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


def sql_schema(dialect, prefix):
    # What SQLAlchemy's metadata.create_all emits for the original's three tables (String(50),
    # String(140), Text, BigInteger, DateTime(timezone=True); index=True as ix_<table>_<column>).
    # On MySQL the original's documented database uses utf8 with utf8_general_ci.
    q = (lambda n: "`%s`" % n) if dialect == "mysql" else (lambda n: '"%s"' % n)
    auto = " AUTO_INCREMENT" if dialect == "mysql" else ""
    tail = " DEFAULT CHARSET=utf8 COLLATE=utf8_general_ci" if dialect == "mysql" else ""
    o, i, v = prefix + "_objData", prefix + "_idxData", prefix + "_ver"
    return [
        "CREATE TABLE %s (id INTEGER NOT NULL%s, type VARCHAR(50), %s VARCHAR(140), %s TEXT, %s BIGINT, %s DATETIME, %s DATETIME, "
        "%s VARCHAR(40), %s VARCHAR(40), PRIMARY KEY (id), CONSTRAINT %s UNIQUE (type, %s))%s"
        % (q(o), auto, q("key"), q("objectDICT"), q("objectVersion"), q("creationDate"), q("lastUpdateDate"),
           q("creationDate_iso8601"), q("lastUpdateDate_iso8601"), q(o + "_ix1"), q("key"), tail),
        "CREATE INDEX %s ON %s (type)" % (q("ix_" + o + "_type"), q(o)),
        "CREATE INDEX %s ON %s (%s)" % (q("ix_" + o + "_key"), q(o), q("key")),
        "CREATE TABLE %s (id INTEGER NOT NULL%s, type VARCHAR(50), %s VARCHAR(140), %s VARCHAR(140), PRIMARY KEY (id), "
        "CONSTRAINT %s UNIQUE (type, %s), CONSTRAINT %s UNIQUE (type, %s))%s"
        % (q(i), auto, q("keyA"), q("keyB"), q(i + "_ix1"), q("keyA"), q(i + "_ix2"), q("keyB"), tail),
        "CREATE TABLE %s (id INTEGER NOT NULL%s, first_installed_ver INTEGER, current_installed_ver INTEGER, "
        "%s VARCHAR(40), %s VARCHAR(40), PRIMARY KEY (id))%s" % (q(v), auto, q("creationDate_iso8601"), q("lastUpdateDate_iso8601"), tail),
        "INSERT INTO %s (first_installed_ver, current_installed_ver, %s, %s) VALUES (2, 2, '2023-01-01T00:00:00+00:00', '2023-01-01T00:00:00+00:00')"
        % (q(v), q("creationDate_iso8601"), q("lastUpdateDate_iso8601")),
    ], ("INSERT INTO %s (type, %s, %s, %s, %s, %s, %s, %s) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        % (q(o), q("key"), q("objectDICT"), q("objectVersion"), q("creationDate"), q("lastUpdateDate"), q("creationDate_iso8601"), q("lastUpdateDate_iso8601")))


def sql_row(type_, key, value, version, created, updated):
    # The original's save: INSERT of json.dumps(RJM form), version, the datetimes and their isoformat().
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    return [type_, key, json.dumps(rjm_encode(value)), version, created.strftime(fmt), updated.strftime(fmt), created.isoformat(), updated.isoformat()]


def expected_of(objects):
    return [
        {"type": t, "key": k, "value": json.loads(json.dumps(rjm_encode(v))), "version": str(ver), "created": utc_ms(c), "updated": utc_ms(u)}
        for (t, k, v, ver, c, u) in objects
    ]


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
    elif command == "write-files":
        # The original SimpleFileStore's save: BaseLocation/_<fss(type)>/<fss(key)> holding repr(dict).
        base = sys.argv[2]
        for (t, k, v, ver, c, u) in sample_objects() + tricky_objects():
            if isinstance(v, dict) and "price" in v:
                continue  # the original cannot read a Decimal back from its own files
            folder = os.path.join(base, "_" + fss(t))
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, fss(k)), "w") as f:
                f.write(repr({"Data": v, "ObjVer": ver, "Create": c.isoformat(), "LastUpdate": u.isoformat()}))
        print("ok")
    elif command == "read-files":
        # The original SimpleFileStore's read (eval of each file), as JSON with RJM tags.
        base = sys.argv[2]
        out = {}
        for folder in sorted(os.listdir(base)):
            if not folder.startswith("_"):
                continue
            type_ = unfss(folder[1:])
            for name in sorted(os.listdir(os.path.join(base, folder))):
                with open(os.path.join(base, folder, name)) as f:
                    d = eval(f.read(), {"__builtins__": {}}, {})
                datetime.datetime.fromisoformat(d["Create"])
                datetime.datetime.fromisoformat(d["LastUpdate"])
                out[type_ + "/" + unfss(name)] = {"value": rjm_encode(d["Data"]), "version": d["ObjVer"]}
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
    elif command == "sql-rows":
        schema, insert = sql_schema(sys.argv[2], sys.argv[3])
        objects = sample_objects() + tricky_objects()
        print(json.dumps({"schema": schema, "insert": insert, "rows": [sql_row(*o) for o in objects], "expected": expected_of(objects)}))
    elif command == "sqlite-write":
        schema, insert = sql_schema("sqlite", sys.argv[3])
        objects = sample_objects() + tricky_objects()
        db = sqlite3.connect(sys.argv[2])
        for statement in schema:
            db.execute(statement)
        db.executemany(insert, [sql_row(*o) for o in objects])
        db.commit()
        db.close()
        print(json.dumps({"expected": expected_of(objects)}))
    elif command == "check-sql":
        # What the original's get does with a row: json.loads, RJM-decode, the version column as
        # is (an int), the iso columns parsed (dateutil there; fromisoformat reads isoformat()).
        rows = json.load(sys.stdin)
        for row in rows:
            value = rjm_decode(json.loads(row["objectDICT"]))
            assert isinstance(row["objectVersion"], int), row
            for name in ["creationDate_iso8601", "lastUpdateDate_iso8601"]:
                d = datetime.datetime.fromisoformat(row[name])
                assert d.utcoffset() is not None, row[name]
            if isinstance(value, dict) and "raw" in value:
                assert isinstance(value["raw"], bytes), value
            if isinstance(value, dict) and "price" in value:
                assert isinstance(value["price"], decimal.Decimal), value
            assert len(row["type"]) <= 50 and len(row["key"]) <= 140, row
        print("ok %d" % len(rows))
    else:
        raise SystemExit("unknown command " + command)


main()
