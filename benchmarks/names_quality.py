"""How well drafting finds the names an action carries over from another unit.

Fifty actions written for this benchmark in the style of response letters
(none taken from the corpus or the seeds; the last ten written after the
rules were settled, as a fresh check), each labelled with the names that
tie it to its source unit: people, police forces, councils and other local
bodies, other units and regions, and the source unit's places. Twenty-two name
nothing local, to count false alarms. Thirty more (BARE_CASES) name people
bare, with no title or job title, or hold phrases in capitals that are not
people. Each action is treated as first committed by its source unit and
reused for Gwent PDU (Wales).

Prints precision and recall overall and by kind, for all cases and for the
bare-name cases alone, and every miss and false alarm. Figures only, no asserts.

Usage: python benchmarks/names_quality.py
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drafter.core.names import carried_over_names  # noqa: E402

NEW_UNIT, NEW_REGION = "Gwent PDU", "Wales"

# (source unit, action, [(kind, name), ...])
CASES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Stockton and Hartlepool PDU",
        "Sarah Whitfield, Head of PDU, will agree a protocol with Cleveland Police and "
        "Hartlepool Borough Council for sharing call-out logs.",
        [
            ("person", "Sarah Whitfield"),
            ("police", "Cleveland Police"),
            ("body", "Hartlepool Borough Council"),
        ],
    ),
    (
        "Leeds PDU",
        "The Senior Probation Officer, Kwame Mensah, will run monthly case audits with "
        "West Yorkshire Police.",
        [("person", "Kwame Mensah"), ("police", "West Yorkshire Police")],
    ),
    (
        "Cumbria PDU",
        "Working with Cumbria Constabulary and Cumberland Council, the PDU will open a "
        "second reporting centre in Workington.",
        [("police", "Cumbria Constabulary"), ("body", "Cumberland Council")],
    ),
    (
        "Derbyshire PDU",
        "Derbyshire County Council and NHS Derby and Derbyshire ICB will jointly fund two "
        "housing navigator posts.",
        [("body", "Derbyshire County Council"), ("body", "NHS Derby and Derbyshire ICB")],
    ),
    (
        "Sunderland PDU",
        "Dr Helen Okafor will deliver trauma-informed practice training to every team in "
        "Sunderland by spring.",
        [("person", "Dr Helen Okafor"), ("place", "Sunderland")],
    ),
    (
        "Bolton PDU",
        "Bolton staff will shadow colleagues in Wigan PDU to learn its approach to enforcement.",
        [("place", "Bolton"), ("unit", "Wigan PDU")],
    ),
    (
        "Plymouth PDU",
        "Devon and Cornwall Police will second an officer to the PDU's integrated offender "
        "management team.",
        [("police", "Devon and Cornwall Police")],
    ),
    (
        "Oxfordshire PDU",
        "Performance will be reported quarterly to the South Central region's reducing "
        "reoffending board, chaired by Ms Ruth Adeyemi.",
        [("region", "South Central region"), ("person", "Ms Ruth Adeyemi")],
    ),
    (
        "Norfolk PDU",
        "Norfolk Constabulary and the Norfolk Safeguarding Adults Board will review every "
        "serious further offence with the PDU.",
        [("police", "Norfolk Constabulary"), ("body", "Norfolk Safeguarding Adults Board")],
    ),
    (
        "Swansea, Neath and Port-Talbot PDU",
        "Swansea Bay University Health Board will provide a mental health practitioner "
        "three days a week.",
        [("body", "Swansea Bay University Health Board")],
    ),
    (
        "Coventry PDU",
        "Led by Priya Sharma, the women's hub will move to a new site agreed with "
        "Coventry City Council.",
        [("person", "Priya Sharma"), ("body", "Coventry City Council")],
    ),
    (
        "Kirklees PDU",
        "The Head of PDU will meet the British Transport Police each quarter about "
        "offending on the railway.",
        [("police", "British Transport Police")],
    ),
    (
        "East Kent PDU",
        "Kent Police and Medway Council will share intelligence on domestic abuse "
        "perpetrators before each sentencing hearing.",
        [("police", "Kent Police"), ("body", "Medway Council")],
    ),
    (
        "Doncaster PDU",
        "Deputy Head of PDU Tom Hargreaves will chair a fortnightly risk panel.",
        [("person", "Tom Hargreaves")],
    ),
    (
        "Dorset PDU",
        "Each practitioner in Dorset will complete the new risk assessment module, and "
        "managers will check a sample.",
        [("place", "Dorset")],
    ),
    (
        "Hull and East Riding PDU",
        "Humberside Police will give practitioners direct access to call-out records.",
        [("police", "Humberside Police")],
    ),
    (
        "Salford and Trafford PDU",
        "Greater Manchester Police and Trafford Council will co-locate staff in the "
        "PDU's Stretford office.",
        [("police", "Greater Manchester Police"), ("body", "Trafford Council")],
    ),
    (
        "Lambeth PDU",
        "The PDU will join the Lambeth Community Safety Partnership's serious violence sub-group.",
        [("body", "Lambeth Community Safety Partnership")],
    ),
    (
        "York PDU",
        "Mr Daniel Ashworth, the PDU's quality lead, will audit twenty assessments a month.",
        [("person", "Mr Daniel Ashworth")],
    ),
    (
        "Warwickshire PDU",
        "The PDU will learn from Staffordshire North PDU's peer mentoring scheme.",
        [("unit", "Staffordshire North PDU")],
    ),
    # Written after the rules above were settled, as a fresh check of them.
    (
        "Leicester, Leicestershire and Rutland PDU",
        "Councillor Mary Evans will present the PDU's plan to Leicester City Council's "
        "scrutiny panel.",
        [("person", "Councillor Mary Evans"), ("body", "Leicester City Council")],
    ),
    (
        "Liverpool North PDU",
        "The Chief Superintendent, Gareth Lloyd, has agreed that Merseyside Police will "
        "share custody records daily.",
        [("person", "Gareth Lloyd"), ("police", "Merseyside Police")],
    ),
    (
        "Barnsley and Rotherham PDU",
        "Julie Brown (Practice Tutor) will coach every newly qualified officer in Rotherham.",
        [("person", "Julie Brown"), ("place", "Rotherham")],
    ),
    (
        "Newcastle Upon Tyne PDU",
        "Amanda Reid will lead a review of the PDU's approved premises referrals.",
        [("person", "Amanda Reid")],
    ),
    (
        "Bristol and South Gloucestershire PDU",
        "Together with Avon and Somerset Constabulary and South Gloucestershire Council, "
        "the PDU will pilot an evening reporting service.",
        [("police", "Avon and Somerset Constabulary"), ("body", "South Gloucestershire Council")],
    ),
    (
        "Cardiff and the Vale PDU",
        "The PDU will agree a referral route with Cardiff and Vale University Health Board.",
        [("body", "Cardiff and Vale University Health Board")],
    ),
    (
        "Essex North PDU",
        "Caseloads will be rebalanced with help from Essex South PDU and Essex Police.",
        [("unit", "Essex South PDU"), ("police", "Essex Police")],
    ),
    (
        "Southwark PDU",
        "Interpreting will be arranged through the Metropolitan Police Service's contract.",
        [("police", "Metropolitan Police Service")],
    ),
    ("Walsall and Wolverhampton PDU", "Probation Practitioners will hold Three Way Meetings.", []),
    ("Wakefield PDU", "The Performance and Quality Manager will report to the Head of PDU.", []),
    # Nothing local: each of these should flag nothing.
    ("Leeds PDU", "All practitioners will complete Core Skills training by March 2026.", []),
    ("Leeds PDU", "The Regional Probation Director will review workload data each month.", []),
    ("Bolton PDU", "Senior Probation Officers will countersign every high risk assessment.", []),
    ("Derbyshire PDU", "The PDU will introduce a Management Oversight Policy Framework.", []),
    ("Norfolk PDU", "Motivational Interviewing refresher sessions will run each quarter.", []),
    ("York PDU", "The Head of PDU will agree a recruitment plan with HMPPS Wales.", []),
    ("Dorset PDU", "Practitioners will use the Risk of Serious Harm toolkit in supervision.", []),
    ("Coventry PDU", "Approved Premises staff will join the weekly MAPPA meeting.", []),
    ("Kirklees PDU", "The Quality Development Officer will run monthly practice clinics.", []),
    ("Sunderland PDU", "Case allocation will follow the Workload Management Tool.", []),
    ("Plymouth PDU", "Every new PSO will complete the PQiP induction before holding cases.", []),
    ("Lambeth PDU", "The PDU will set up a Lived Experience Forum for people on probation.", []),
    ("Cumbria PDU", "Domestic Abuse Safeguarding checks will be recorded on nDelius.", []),
    ("Oxfordshire PDU", "The Interventions Hub will offer Thinking Skills in the evenings.", []),
    ("Hull and East Riding PDU", "Staff Wellbeing Champions will meet monthly.", []),
    ("Swansea, Neath and Port-Talbot PDU", "The Court Team will gather police checks.", []),
    ("East Kent PDU", "Unpaid Work placements will open at weekends from June 2026.", []),
    ("Salford and Trafford PDU", "The Women's Strategy will be refreshed with partners.", []),
    ("Warwickshire PDU", "Enforcement decisions will be reviewed by a Senior Manager.", []),
    ("Doncaster PDU", "The Regional Change and Quality Improvement Plan will be reviewed.", []),
]

#: People named bare, with no title or job title next to them, and phrases in
#: capitals that are not people (buildings, projects, roles, reviews): written
#: for this benchmark when bare names were added, to count what they find and
#: the false alarms they could raise.
BARE_CASES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Coventry PDU",
        "Priya Sharma will check every breach letter before it is sent.",
        [("person", "Priya Sharma")],
    ),
    (
        "Blackburn PDU",
        "Referrals for supported housing will go to Tomasz Nowak in the first instance.",
        [("person", "Tomasz Nowak")],
    ),
    (
        "Cardiff and the Vale PDU",
        "Owain Pritchard and Nia Hughes will run the group for men on licence.",
        [("person", "Owain Pritchard"), ("person", "Nia Hughes")],
    ),
    (
        "Nottingham City PDU",
        "Any concern about a late assessment should be raised with Kwabena Asante.",
        [("person", "Kwabena Asante")],
    ),
    (
        "Wigan PDU",
        "The duty rota, agreed with Siobhan Kelly's team, starts in January.",
        [("person", "Siobhan Kelly")],
    ),
    (
        "Sheffield PDU",
        "Training on risk of harm will be co-ordinated by Mohammed Iqbal and Lucy Fenwick.",
        [("person", "Mohammed Iqbal"), ("person", "Lucy Fenwick")],
    ),
    (
        "Teesside PDU",
        "Gareth Price has agreed to extend the pilot to every reporting office.",
        [("person", "Gareth Price")],
    ),
    (
        "Lincolnshire East PDU",
        "Feedback from people on probation will be gathered by Mark Ellison each quarter.",
        [("person", "Mark Ellison")],
    ),
    (
        "Bradford and Calderdale PDU",
        "Grace Adeyemi will make sure each plan records what the victim has asked for.",
        [("person", "Grace Adeyemi")],
    ),
    (
        "Northumbria PDU",
        "Caseloads will be reviewed with Helen Morgan-Jones every month.",
        [("person", "Helen Morgan-Jones")],
    ),
    (
        "Brighton and East Sussex PDU",
        "Anne-Marie O'Connor will train new starters in writing sentence plans.",
        [("person", "Anne-Marie O'Connor")],
    ),
    (
        "Lancashire North PDU",
        "A short summary will go to Julie McAllister for sign-off each month.",
        [("person", "Julie McAllister")],
    ),
    (
        "Hounslow PDU",
        "Imran Akhtar, who leads on courts, will track every adjournment.",
        [("person", "Imran Akhtar")],
    ),
    (
        "Gloucestershire PDU",
        "Siân Roberts will lead the refresh of the induction pack.",
        [("person", "Siân Roberts")],
    ),
    (
        "Camden and Islington PDU",
        "Tunde Bakare will pair each new officer with an experienced colleague.",
        [("person", "Tunde Bakare")],
    ),
    # In capitals, but not people: each of these should flag nothing.
    ("Leeds PDU", "Rose Court will add two more beds for women from April.", []),
    ("Leeds PDU", "The Daisy Chain Project will mentor young adults leaving custody.", []),
    ("Bolton PDU", "Victoria Street reporting centre will close for a refit.", []),
    ("Bolton PDU", "Head of Service approval will be needed for every transfer out.", []),
    ("Norfolk PDU", "Senior Probation Officer cover will be arranged for every absence.", []),
    ("Norfolk PDU", "Approved Premises referrals will be screened within two days.", []),
    ("York PDU", "Thinking Skills Programme places will double next year.", []),
    ("York PDU", "The Hope Street hub will offer drop-in sessions on Thursdays.", []),
    ("Derbyshire PDU", "The findings of the Kelly Review will be shared with every team.", []),
    ("Dorset PDU", "Sessions will move to the Lee Valley Leisure Centre in the summer.", []),
    ("Dorset PDU", "The Ella Baker Fund will pay for two more peer mentors.", []),
    ("Kirklees PDU", "Domestic Abuse Awareness training will be refreshed every year.", []),
    ("Kirklees PDU", "Monday Morning Huddles will give each team a weekly risk update.", []),
    ("Lambeth PDU", "The Mark Every Contact campaign will run again in spring.", []),
    ("Lambeth PDU", "Grace Period rules for late reporting will be written down.", []),
]


def main() -> None:
    print("All cases:")
    score(CASES + BARE_CASES)
    print("\nBare names and phrases in capitals only:")
    score(BARE_CASES)


def score(cases: list[tuple[str, str, list[tuple[str, str]]]]) -> None:
    found_total = expected_total = hits_total = 0
    by_kind: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    misses: list[str] = []
    alarms: list[str] = []
    for source, text, expected in cases:
        found = {
            (n.kind, n.text)
            for n in carried_over_names(
                text, source_unit=source, new_unit=NEW_UNIT, new_region=NEW_REGION
            )
        }
        wanted = set(expected)
        found_texts = {t for _k, t in found}
        for kind, name in wanted:
            by_kind[kind]["expected"] += 1
            if name in found_texts:  # found, whatever kind it was given
                by_kind[kind]["hit"] += 1
            else:
                misses.append(f"  missed {kind} {name!r} in: {text}")
        wanted_texts = {t for _k, t in wanted}
        for kind, name in found:
            by_kind[kind]["found"] += 1
            if name not in wanted_texts:
                alarms.append(f"  false alarm {kind} {name!r} in: {text}")
        found_total += len(found)
        expected_total += len(wanted)
        hits_total += sum(1 for _k, t in wanted if t in found_texts)
    correct = found_total - len(alarms)
    print(f"{len(cases)} actions, {expected_total} names to find, {found_total} found")
    print(
        f"precision {correct / max(found_total, 1):.2f}  recall {hits_total / expected_total:.2f}"
    )
    for kind, counts in sorted(by_kind.items()):
        print(
            f"  {kind:<7} expected {counts['expected']:>2}  found {counts['found']:>2}  "
            f"hit {counts['hit']:>2}"
        )
    print(f"misses: {len(misses)}")
    print("\n".join(misses))
    print(f"false alarms: {len(alarms)}")
    print("\n".join(alarms))


if __name__ == "__main__":
    main()
