#!/usr/bin/env python3
"""Reads a JUnit XML file with junitparser (the reader behind common CI test-report actions,
e.g. publish-unit-test-result-action) and checks it is consistent: every testsuite's tests /
failures / skipped / errors attributes match its testcases, and every testcase has a name and a
classname. Prints a JSON summary for the caller to compare with what it expects.

Exit status: 0 read and consistent, 1 inconsistent or unreadable, 3 junitparser is not installed
(`pip install junitparser`).
"""
import json
import sys

try:
    from junitparser import JUnitXml, Failure, Skipped, Error
except ImportError:
    print("junitparser is not installed (pip install junitparser)", file=sys.stderr)
    sys.exit(3)


def main(path):
    xml = JUnitXml.fromfile(path)
    problems = []
    suites = []
    for suite in xml:
        cases = []
        counts = {"failures": 0, "skipped": 0, "errors": 0}
        for case in suite:
            if not case.name or case.classname is None:
                problems.append("%s: testcase without name or classname" % suite.name)
            kinds = []
            for r in case.result:
                if isinstance(r, Failure):
                    counts["failures"] += 1
                    kinds.append({"kind": "failure", "type": r.type, "message": r.message,
                                  "text": r.text})
                elif isinstance(r, Skipped):
                    counts["skipped"] += 1
                    kinds.append({"kind": "skipped", "message": r.message})
                elif isinstance(r, Error):
                    counts["errors"] += 1
                    kinds.append({"kind": "error", "message": r.message})
            cases.append({"name": case.name, "classname": case.classname,
                          "time": case.time, "results": kinds})
        if suite.tests != len(cases):
            problems.append("%s: tests=%s but %d testcases" % (suite.name, suite.tests, len(cases)))
        for k, v in counts.items():
            if getattr(suite, k) != v:
                problems.append("%s: %s=%s but %d counted" % (suite.name, k, getattr(suite, k), v))
        suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures,
                       "skipped": suite.skipped, "errors": suite.errors, "cases": cases})
    print(json.dumps({"suites": suites, "problems": problems}))
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1]))
    except Exception as e:  # a file the reader cannot read is a failed check
        print("unreadable JUnit XML: %s" % e, file=sys.stderr)
        sys.exit(1)
