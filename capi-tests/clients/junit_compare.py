"""Compares two pytest JUnit XML reports of the same suite, one run on the system libzmq and
one on ours, test by test.

    junit_compare.py NAME SYSTEM.xml OURS.xml KNOWN_DIFFERENCES

Prints the tests that pass on the system library but not on ours, the ones listed in
KNOWN_DIFFERENCES (a test id, whitespace, the reason; '#' starts a comment) among them, and
ends with the line

    RESULT NAME system=P/F/S ours=P/F/S ok|FAIL: reason

Exit status: 0 when every test that passes on the system library passes on ours or is listed,
1 otherwise.
"""
import sys
import xml.etree.ElementTree as ET


def outcomes(path):
    """{test id: 'passed' | 'failed' | 'skipped'} from a JUnit XML file."""
    result = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test_id = "%s::%s" % (case.get("classname", ""), case.get("name", ""))
        if case.find("failure") is not None or case.find("error") is not None:
            # A test can have both a failure and a teardown error; failing wins.
            result[test_id] = "failed"
        elif case.find("skipped") is not None:
            result.setdefault(test_id, "skipped")
        else:
            result.setdefault(test_id, "passed")
    return result


def counts(result):
    values = list(result.values())
    return "%d/%d/%d" % (values.count("passed"), values.count("failed"),
                         values.count("skipped"))


def known(path):
    listed = {}
    try:
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    test_id, _, reason = line.partition(" ")
                    listed[test_id] = reason.strip()
    except FileNotFoundError:
        pass
    return listed


def main():
    name, system_xml, ours_xml, known_path = sys.argv[1:5]
    system, ours = outcomes(system_xml), outcomes(ours_xml)
    listed = known(known_path)
    regressions = []
    for test_id in sorted(system):
        if system[test_id] != "passed" or ours.get(test_id) == "passed":
            continue
        got = ours.get(test_id, "not run")
        if test_id in listed:
            print("known difference: %s (%s on ours): %s" % (test_id, got, listed[test_id]))
        else:
            print("regression: %s passes on the system libzmq, %s on ours" % (test_id, got))
            regressions.append(test_id)
    for test_id in sorted(ours):
        if ours[test_id] == "passed" and system.get(test_id) != "passed":
            print("better on ours: %s (%s on the system libzmq)"
                  % (test_id, system.get(test_id, "not run")))
    verdict = "ok" if not regressions else (
        "FAIL: %d test(s) pass on the system libzmq only" % len(regressions))
    print("RESULT %s system=%s ours=%s %s" % (name, counts(system), counts(ours), verdict))
    return 0 if not regressions else 1


if __name__ == "__main__":
    sys.exit(main())
