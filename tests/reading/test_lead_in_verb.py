"""`drafter inspect` introduces each addressee's recommendations as the report
does: "The PDU must:" stays "must", not "should"."""

from __future__ import annotations

from click.testing import CliRunner

from drafter.cli.commands import cli
from drafter.reading.reader import read_report_bytes

REPORT = """An inspection of probation services in Wrenford PDU

Foreword
Wrenford is one of several PDUs in the Wales region.
Tomas Egan
HM Chief Inspector of Probation

Ratings
Fieldwork started: May 2025
Overall rating
Requires improvement
1.1 Leadership
Good

Recommendations
We have made four recommendations.
The Wrenford PDU must:
1. record why each home visit is late or missed
2. give every new practitioner a named mentor
The Wales region should, as a priority:
3. agree a shared plan for people leaving custody
HMPPS should:
4. publish guidance on caseload weighting

Background
This inspection looked at cases supervised in early 2025.
"""


def _write(tmp_path):
    path = tmp_path / "wrenford.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_inspect_keeps_each_lead_in_as_the_report_states_it(tmp_path):
    result = CliRunner().invoke(cli, ["inspect", str(_write(tmp_path))])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Recommendations (4):")
    assert lines[start : start + 8] == [
        "Recommendations (4):",
        "  The Wrenford PDU must:",
        "    1. record why each home visit is late or missed",
        "    2. give every new practitioner a named mentor",
        "  The Wales region should, as a priority:",
        "    3. agree a shared plan for people leaving custody",
        "  HMPPS should:",
        "    4. publish guidance on caseload weighting",
    ]


def test_the_record_keeps_the_verb(tmp_path):
    report = read_report_bytes(REPORT.encode(), name="wrenford.txt")
    assert [(r.addressee, r.verb) for r in report.recommendations] == [
        ("The Wrenford PDU", "must"),
        ("The Wrenford PDU", "must"),
        ("The Wales region", "should, as a priority"),
        ("HMPPS", "should"),
    ]
