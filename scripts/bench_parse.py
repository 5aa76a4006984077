#!/usr/bin/env python3
"""Plain-Python baseline for `cargo bench --bench parse`: the same extraction from the same
per-case files (JSON: every field into a record; HTML: header, texts, Expected/Observed via
ast.literal_eval, closing table, statistics, typed wire log lines), standard library only.

Usage: bench_parse.py DIR... ; prints one line per format:
    python json: N cases, X MB in T s: C cases/s, M MB/s
"""
import ast
import html.parser
import json
import os
import re
import sys
import time

HEADER = re.compile(r"^\s*(.*?) - Case ([0-9.]+) : (\S+(?: \S+)?) - ([0-9]+) ms @ (\S*)\s*$")
RX = re.compile(r"OPCODE=(\d+), FIN=(\w+), RSV=(\d+), PAYLOAD-LEN=(\d+), MASKED=(\w+), MASK=(\S+)")
TX = re.compile(r"OPCODE=(\d+), FIN=(\w+), RSV=(\d+), PAYLOAD-LEN=(\d+), MASK=(\S+), "
                r"PAYLOAD-REPEAT-LEN=(\S+), CHOPSIZE=(\S+), SYNC=(\w+)")


def record_from_json(text):
    d = json.loads(text)
    closing_keys = ["isServer", "closedByMe", "failedByMe", "droppedByMe", "wasClean",
                    "wasNotCleanReason", "wasServerConnectionDropTimeout",
                    "wasOpenHandshakeTimeout", "wasCloseHandshakeTimeout", "localCloseCode",
                    "localCloseReason", "remoteCloseCode", "remoteCloseReason"]
    wl = []
    for e in d.get("wirelog", []):
        k = e[0]
        if k in ("RO", "TO"):
            wl.append((k, e[1][0], e[1][1], e[1][1].endswith(" ...")))
        elif k in ("RF", "TF"):
            wl.append((k, e[1][0], e[1][1]) + tuple(e[2:]))
        else:
            wl.append(tuple(e))
    return {
        "agent": d["agent"], "case_id": [int(p) for p in d["id"].split(".")],
        "behavior": d["behavior"], "behavior_close": d.get("behaviorClose"),
        "duration": d.get("duration"), "started": d.get("started"),
        "description": d.get("description"), "expectation": d.get("expectation"),
        "result": d.get("result"), "result_close": d.get("resultClose"),
        "expected": {k: [tuple(ev) for ev in v] for k, v in d.get("expected", {}).items()},
        "observed": [tuple(ev) for ev in d.get("received", [])],
        "closing": {k: d.get(k) for k in closing_keys},
        "stats": {k: {int(a): b for a, b in d.get(k, {}).items()}
                  for k in ("rxOctetStats", "txOctetStats", "rxFrameStats", "txFrameStats")},
        "wirelog": wl,
    }


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.cls = None
        self.buf = {}
        self.pickles = []
        self.tables = []
        self.wire = []
        self.cur = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        c = a.get("class", "") or ""
        if tag == "p" and c.split()[:1] == ["case"]:
            self.cur = "header"
        elif tag == "p" and "case_desc" in c:
            self.cur = "description"
        elif tag == "p" and "case_expect" in c:
            self.cur = "expectation"
        elif tag == "p" and "case_closing_beh" in c:
            self.cur = "closing"
        elif tag == "span" and c == "case_pickle":
            self.cur = "pickle"
            self.pickles.append("")
            return
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag == "td" and self.tables and self.tables[-1]:
            self.tables[-1][-1].append("")
            self.cur = "td"
            return
        elif tag == "pre" and c.startswith("wirelog"):
            self.wire.append("")
            self.cur = "wire"
            return
        if self.cur in ("description", "expectation") and tag == "br":
            self.buf[self.cur] = self.buf.get(self.cur, "") + "<br>"

    def handle_endtag(self, tag):
        if tag in ("p", "span", "td", "pre"):
            self.cur = None if tag != "span" or self.cur == "pickle" else self.cur

    def handle_data(self, data):
        if self.cur == "pickle":
            self.pickles[-1] += data
        elif self.cur == "td":
            self.tables[-1][-1][-1] += data
        elif self.cur == "wire":
            self.wire[-1] += data
        elif self.cur:
            self.buf[self.cur] = self.buf.get(self.cur, "") + data


def record_from_html(raw):
    p = Page()
    p.feed(raw.decode("utf-8", errors="replace"))
    m = HEADER.match(p.buf.get("header", ""))
    if not m:
        raise ValueError("no header")
    rec = {"agent": m.group(1), "case_id": [int(x) for x in m.group(2).split(".")],
           "label": m.group(3), "duration": int(m.group(4)), "started": m.group(5),
           "description": p.buf.get("description"), "expectation": p.buf.get("expectation")}
    lits = []
    for text in p.pickles[:2]:
        text = text.strip()
        try:
            lits.append(ast.literal_eval(text[:-4] if text.endswith(" ...") else text))
        except (ValueError, SyntaxError):
            lits.append(None)
    rec["expected"], rec["observed"] = (lits + [None, None])[:2]
    closing, stats = {}, []
    for t in p.tables:
        head = [c.strip() for c in t[0]] if t else []
        if head == ["Key", "Value", "Description"]:
            closing = {r[0]: r[1] for r in t[1:] if len(r) >= 2}
        elif head[:1] in (["Chop Size"], ["Opcode"]):
            stats.append({int(r[0]): int(r[1]) for r in t[1:] if r and r[0] != "Total"})
    rec["closing"], rec["stats"] = closing, stats
    wl = []
    for line in p.wire:
        if line[:3].isdigit():
            body = line[4:]
            mm = RX.search(body) or TX.search(body)
            wl.append([body.split(":")[0].strip(), mm.groups() if mm else None, ""])
        elif wl:
            wl[-1][2] += line.strip()
    rec["wirelog"] = wl
    return rec


def files(dirs, ext):
    out = []
    for d in dirs:
        for root, _, names in os.walk(d):
            out += [os.path.join(root, n) for n in sorted(names)
                    if "_case_" in n and n.endswith(ext)]
    return sorted(out)


def bench(name, paths, fn, min_seconds=2.0):
    blobs = [open(p, "rb").read() for p in paths]
    size = sum(len(b) for b in blobs)
    rounds, start, errors = 0, time.perf_counter(), 0
    while True:
        for b in blobs:
            try:
                fn(b)
            except Exception:
                errors += 1
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            break
    n = len(blobs) * rounds
    print("python %s: %d cases x %d rounds, %.1f MB, %.2f s: %.0f cases/s, %.1f MB/s%s" % (
        name, len(blobs), rounds, size / 1e6, elapsed, n / elapsed, size * rounds / 1e6 / elapsed,
        (", %d errors" % errors) if errors else ""))


def main():
    dirs = sys.argv[1:] or ["fixtures"]
    bench("json", files(dirs, ".json"), lambda b: record_from_json(b.decode("utf-8")))
    bench("html", files(dirs, ".html"), record_from_html)


if __name__ == "__main__":
    main()
