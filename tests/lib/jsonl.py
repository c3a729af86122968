#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Read the JSON-lines logs of the test desktop (notify log, Notify call log).
#
# usage: jsonl.py count FILE [EVENT]
#        jsonl.py get FILE INDEX PATH [EVENT]
#
# EVENT keeps only the records whose "event" is EVENT (records without one are
# kept when EVENT is empty or absent). INDEX counts from 1; negative counts from
# the end (-1 = last). PATH is dotted: "summary", "hints.urgency", "actions.0.1".
# `get` prints strings as they are and anything else as JSON; it exits 1 when the
# record or the field does not exist.
import json
import sys


def records(path, event):
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue  # a line still being written
                if event and rec.get("event") != event:
                    continue
                out.append(rec)
    except FileNotFoundError:
        pass
    return out


def main(argv):
    if len(argv) >= 2 and argv[0] == "count":
        print(len(records(argv[1], argv[2] if len(argv) > 2 else "")))
        return 0
    if len(argv) >= 4 and argv[0] == "get":
        recs = records(argv[1], argv[4] if len(argv) > 4 else "")
        idx = int(argv[2])
        if idx == 0 or abs(idx) > len(recs):
            return 1
        val = recs[idx - 1 if idx > 0 else idx]
        for part in argv[3].split(".") if argv[3] else []:
            if isinstance(val, list) and part.lstrip("-").isdigit() and -len(val) <= int(part) < len(val):
                val = val[int(part)]
            elif isinstance(val, dict) and part in val:
                val = val[part]
            else:
                return 1
        print(val if isinstance(val, str) else json.dumps(val, ensure_ascii=False))
        return 0
    print(__doc__.strip().splitlines()[2], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
