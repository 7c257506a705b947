#!/usr/bin/env python3
"""Generates scenarios/large.yaml: about 1,000 people, 40 departments and 60 systems.

Deterministic: every draw comes from random.Random(SEED), and nothing iterates a set or reads the
clock, so re-running the script reproduces the file byte for byte.

    python3 scripts/gen-large-scenario.py            # rewrite scenarios/large.yaml
    python3 scripts/gen-large-scenario.py --check    # exit 1 if the file is stale
    python3 scripts/gen-large-scenario.py --stdout   # print instead of writing
    python3 scripts/gen-large-scenario.py --people 200 --out scenarios/medium.yaml
"""

import json
import random
import sys
import unicodedata
from pathlib import Path

SEED = 2026
PEOPLE = 1000
DAYS = 22
OUT = Path(__file__).resolve().parent.parent / "scenarios" / "large.yaml"

ENGINEERING = [
    "Identity", "Payments", "Search", "Catalog", "Checkout", "Notifications", "Messaging",
    "Storage", "Compute", "Networking", "Observability", "Data Platform", "ML Platform",
    "Mobile iOS", "Mobile Android", "Web Frontend", "Billing", "Fraud", "Ledger", "Reporting",
    "Integrations", "Developer Tools", "Release Engineering", "Security Engineering", "Edge",
    "Scheduling", "Geo Services", "Recommendations",
]
BUSINESS = [
    "Product Management", "Design", "Customer Success", "Support", "Sales East", "Sales West",
    "Marketing", "Finance", "Legal", "People Operations", "Solutions Engineering",
    "Program Management",
]
COMPONENTS = ["api", "worker", "store", "gateway", "scheduler", "indexer", "cache", "ui"]
FAILURE_MODES = [
    "connection_pool_exhaustion", "certificate_expiry", "memory_leak", "bad_deploy",
    "dependency_outage", "disk_full", "rate_limiting", "replication_lag", "consumer_lag",
    "dns_misconfiguration",
]
FIRST_NAMES = [
    "Ava", "Liam", "Noah", "Emma", "Olivia", "Mateo", "Sofia", "Lucas", "Mia", "Ethan", "Amara",
    "Kenji", "Priya", "Arjun", "Fatima", "Omar", "Chloé", "Zoë", "José", "Inês", "Björn",
    "Aisha", "Kwame", "Yuki", "Hana", "Dmitri", "Elena", "Lars", "Freya", "Tomás", "Lucía",
    "Wei", "Mei", "Jin", "Sana", "Ravi", "Nadia", "Samir", "Leila", "Diego", "Camila", "Marek",
    "Ingrid", "Tariq", "Grace", "Connor", "Maya", "Isaac", "Ruth", "Felix", "Oscar", "Jules",
    "Kai", "Nina", "Paolo", "Aleksandra", "Chidi", "Ngozi", "Thabo", "Anika", "Rohan",
    "Siobhan", "Declan", "Astrid", "Mikael", "Rania", "Youssef", "Valentina", "Emeka", "Keisha",
    "Marcus", "Tessa", "Hugo", "Céline", "Renée", "Andrés", "Beatriz", "Kofi", "Ama", "Linh",
]
LAST_NAMES = [
    "Smith", "Garcia", "Chen", "Patel", "Okafor", "Nguyen", "Kim", "Müller", "Rossi", "Silva",
    "Novak", "Haddad", "Tanaka", "Sato", "Ivanova", "Petrov", "Lindqvist", "Andersen", "O'Brien",
    "O'Connor", "Mensah", "Abebe", "Adeyemi", "Kowalski", "Dubois", "Moreau", "Bernard",
    "Romero", "Herrera", "Alvarez", "Ortiz", "Santos", "Pereira", "Fischer", "Wagner", "Becker",
    "Hoffmann", "Schmidt", "Brennan", "Walsh", "Murphy", "Kelly", "Singh", "Malhotra", "Iyer",
    "Raman", "Qureshi", "Farouk", "Bello", "Eze", "Nakamura", "Watanabe", "Park", "Lee", "Wong",
    "Liu", "Zhang", "Holloway", "Whitfield", "Carter", "Brooks", "Hayes", "Reyes", "Cole",
    "Sullivan", "Goldberg", "Feld", "Lund", "Solberg", "Volkov", "Marin", "Popescu", "Horvath",
    "Nowak", "Jensen", "Berg", "Svensson", "Costa", "Ferreira", "Mendes",
]
STYLES = ["terse", "friendly", "formal", "detailed", "blunt", "cheerful"]
QUIRKS = [
    "signs off with their initials", "links the runbook before answering",
    "answers with a code snippet", "uses :rocket: when something ships",
    "asks 'what is the rollback plan?'", "writes in lowercase", "numbers every point",
    "summarizes threads with TL;DR", "posts screenshots instead of text",
    "asks for the dashboard link", "ends messages with a question",
]
ENGINEERING_ROLES = [
    "Software Engineer", "Senior Software Engineer", "Staff Engineer", "Backend Engineer",
    "Frontend Engineer", "Site Reliability Engineer", "QA Engineer", "Data Engineer",
]
BUSINESS_ROLES = {
    "Product Management": ["Product Manager", "Senior Product Manager", "Product Analyst"],
    "Design": ["Product Designer", "UX Researcher", "Content Designer"],
    "Customer Success": ["Customer Success Manager", "Renewals Manager"],
    "Support": ["Support Engineer", "Support Specialist"],
    "Sales East": ["Account Executive", "Sales Development Representative"],
    "Sales West": ["Account Executive", "Sales Development Representative"],
    "Marketing": ["Marketing Manager", "Content Strategist", "Demand Generation Manager"],
    "Finance": ["Financial Analyst", "Accountant", "Billing Specialist"],
    "Legal": ["Counsel", "Contracts Manager", "Privacy Analyst"],
    "People Operations": ["People Partner", "Recruiter", "People Operations Generalist"],
    "Solutions Engineering": ["Solutions Engineer", "Solutions Architect"],
    "Program Management": ["Technical Program Manager", "Program Manager"],
}
OWN_HOURS = [("07:30", "16:00"), ("08:00", "16:30"), ("10:00", "18:30"), ("11:00", "19:00")]
CUSTOMER_WORDS = [
    "Northwind", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Cyberdyne",
    "Soylent", "Hooli", "Vandelay", "Wonka", "Acme", "Gringotts", "Monarch", "Oceanic",
    "Pied Piper", "Massive Dynamic", "Virtucon", "Sterling Cooper",
]
CUSTOMER_SUFFIXES = ["Logistics", "Retail", "Health", "Foods", "Media", "Bank"]
VENDORS = [
    ("stratacloud", "StrataCloud", "cloud hosting"),
    ("paylane", "PayLane", "payment processing"),
    ("mapgrid", "MapGrid", "maps and geocoding API"),
    ("mailspring", "MailSpring", "transactional email"),
    ("certwise", "CertWise", "TLS certificates"),
    ("logharbor", "LogHarbor", "log management"),
    ("pagerly", "Pagerly", "on-call paging"),
    ("textwave", "Textwave", "SMS delivery"),
    ("vaultline", "Vaultline", "secrets management"),
    ("cdnova", "CDNova", "content delivery network"),
    ("taxora", "Taxora", "sales tax API"),
    ("idcheck", "IDCheck", "identity verification"),
]


def slug(text):
    """ASCII handle of a display name: 'Zoë O'Brien' -> 'zoe.obrien'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = []
    for ch in ascii_text.lower():
        if ch.isalnum():
            out.append(ch)
        elif ch in " -":
            out.append("-")
    return "".join(out).strip("-")


def q(text):
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def num(value):
    """A short, stable decimal."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text else "0"


def flow_list(items):
    return "[" + ", ".join(items) + "]"


def generate():
    rng = random.Random(SEED)
    smallest = max(3, min(8, PEOPLE // len(ENGINEERING + BUSINESS) - 1))

    # Departments and their sizes (sum to PEOPLE).
    names = ENGINEERING + BUSINESS
    sizes = [rng.randint(18, 32) if n in ENGINEERING else rng.randint(12, 26) for n in names]
    while sum(sizes) != PEOPLE:
        index = rng.randrange(len(sizes))
        if sum(sizes) < PEOPLE:
            sizes[index] += 1
        elif sizes[index] > smallest:
            sizes[index] -= 1
    departments = []
    prefixes = set()
    for name, size in zip(names, sizes):
        dept_id = slug(name)
        letters = "".join(ch for ch in name.upper() if ch.isalpha())
        prefix = letters[:4]
        suffix = 2
        while prefix in prefixes:
            prefix = letters[:3] + str(suffix)
            suffix += 1
        prefixes.add(prefix)
        engineering = name in ENGINEERING
        channels = [dept_id] + ([f"{dept_id}-alerts"] if engineering else [])
        departments.append({
            "id": dept_id, "name": name, "size": size, "prefix": prefix,
            "channels": channels, "engineering": engineering, "members": [],
        })

    # Systems: 60, spread over the engineering departments; dependencies only on earlier
    # systems, so the graph is a DAG.
    engineering_departments = [d for d in departments if d["engineering"]]
    systems = []
    used_ids = set()
    for index in range(60):
        owner = engineering_departments[index % len(engineering_departments)]
        component = COMPONENTS[rng.randrange(len(COMPONENTS))]
        system_id = f"{owner['id']}-{component}"
        while system_id in used_ids:
            component = COMPONENTS[rng.randrange(len(COMPONENTS))]
            system_id = f"{owner['id']}-{component}"
        used_ids.add(system_id)
        earlier = [s["id"] for s in systems]
        dependencies = rng.sample(earlier, min(len(earlier), rng.randint(0, 3)))
        dependencies.sort(key=earlier.index)
        modes = rng.sample(FAILURE_MODES, rng.randint(2, 4))
        systems.append({
            "id": system_id,
            "name": f"{owner['name']} {component.upper() if component in ('api', 'ui') else component.title()}",
            "owner": owner["id"],
            "depends_on": dependencies,
            "documentation": rng.uniform(0.1, 0.9),
            "failure_modes": [(mode, rng.randint(1, 3)) for mode in modes],
        })
        owner.setdefault("systems", []).append(system_id)

    # People.
    taken = set()
    people = []
    for department in departments:
        for position in range(department["size"]):
            first = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
            last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
            base = f"{slug(first)}.{slug(last).replace('-', '')}"
            person_id = base
            counter = 2
            while person_id in taken:
                person_id = f"{base}{counter}"
                counter += 1
            taken.add(person_id)
            lead = position == 0
            if department["engineering"]:
                role = f"{department['name']} Engineering Lead" if lead else ENGINEERING_ROLES[
                    rng.randrange(len(ENGINEERING_ROLES))]
                own = department.get("systems", [])
                pool = own + [s["id"] for s in systems if s["id"] not in own]
                count = rng.randint(1, 3)
                expertise = own[:1] + rng.sample(pool[1:], count - 1) if own else []
            else:
                roles = BUSINESS_ROLES[department["name"]]
                role = f"Head of {department['name']}" if lead else roles[rng.randrange(len(roles))]
                expertise = [systems[rng.randrange(len(systems))]["id"]] if rng.random() < 0.15 else []
            persona = {
                "style": STYLES[rng.randrange(len(STYLES))],
                "stress": rng.randint(15, 60),
                "tenure_years": num(rng.uniform(0.2, 12.0)),
            }
            if rng.random() < 0.3:
                persona["quirks"] = [QUIRKS[rng.randrange(len(QUIRKS))]]
            if expertise:
                persona["expertise"] = expertise
            if rng.random() < 0.1:
                persona["hours"] = OWN_HOURS[rng.randrange(len(OWN_HOURS))]
            if rng.random() < 0.03:
                persona["night_owl"] = True
            people.append({
                "id": person_id, "name": f"{first} {last}", "role": role,
                "persona": persona, "department": department["id"],
            })
            department["members"].append(person_id)

    engineers = [p for p in people
                 if any(d["id"] == p["department"] and d["engineering"] for d in departments)]
    leads = {d["members"][0] for d in departments}
    non_lead_engineers = [p for p in engineers if p["id"] not in leads]

    on_call = sorted(rng.sample([p["id"] for p in non_lead_engineers], 60),
                     key=[p["id"] for p in people].index)

    departing = rng.sample(non_lead_engineers, 6)
    departures = [(p["id"], rng.randint(3, DAYS), num(rng.uniform(0.15, 0.5))) for p in departing]
    departures.sort(key=lambda d: (d[1], d[0]))

    hires = []
    for index in range(6):
        department = engineering_departments[rng.randrange(len(engineering_departments))]
        first = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
        last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
        hire_id = f"{slug(first)}.{slug(last).replace('-', '')}"
        counter = 2
        while hire_id in taken:
            hire_id = f"{slug(first)}.{slug(last).replace('-', '')}{counter}"
            counter += 1
        taken.add(hire_id)
        hires.append((rng.randint(2, DAYS), department["id"], hire_id, f"{first} {last}",
                      ENGINEERING_ROLES[rng.randrange(len(ENGINEERING_ROLES))],
                      STYLES[rng.randrange(len(STYLES))]))
    hires.sort(key=lambda h: (h[0], h[2]))

    gaps = []
    for index in range(4):
        first = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
        last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
        gap_id = f"{slug(first)}.{slug(last).replace('-', '')}"
        counter = 2
        while gap_id in taken:
            gap_id = f"{slug(first)}.{slug(last).replace('-', '')}{counter}"
            counter += 1
        taken.add(gap_id)
        known = rng.sample([s["id"] for s in systems], rng.randint(1, 3))
        month = rng.randint(1, 12)
        gaps.append((gap_id, f"{first} {last}", "Principal Engineer",
                     f"2025-{month:02d}-{rng.randint(1, 28):02d}", known,
                     num(rng.uniform(0.1, 0.4))))

    business_people = [p for p in people if p not in engineers]
    customers = []
    customer_ids = set()
    for index in range(40):
        word = CUSTOMER_WORDS[index % len(CUSTOMER_WORDS)]
        shift = rng.randrange(len(CUSTOMER_SUFFIXES))
        while slug(f"{word} {CUSTOMER_SUFFIXES[shift]}") in customer_ids:
            shift = (shift + 1) % len(CUSTOMER_SUFFIXES)
        suffix = CUSTOMER_SUFFIXES[shift]
        org = f"{word} {suffix}"
        customer_id = slug(org)
        customer_ids.add(customer_id)
        domain = f"{slug(word).replace('-', '')}{slug(suffix)}.example"
        tier = ["enterprise", "growth", "starter"][rng.randrange(3)]
        arr = {"enterprise": rng.randint(200, 900), "growth": rng.randint(60, 200),
               "starter": rng.randint(8, 60)}[tier] * 1000
        contact_first = FIRST_NAMES[rng.randrange(len(FIRST_NAMES))]
        contact_last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
        contacts = [(f"{contact_first} {contact_last}",
                     f"{slug(contact_first)}.{slug(contact_last).replace('-', '')}@{domain}")]
        depends = rng.sample([s["id"] for s in systems], rng.randint(1, 4))
        renewal = f"2026-{rng.randint(3, 5):02d}-{rng.randint(1, 28):02d}"
        liaison = business_people[rng.randrange(len(business_people))]["id"]
        customers.append((customer_id, org, tier, arr, contacts, depends,
                          num(rng.uniform(0.45, 0.9)), renewal, liaison))

    vendors = []
    for vendor_id, org, category in VENDORS:
        sends = sorted(rng.sample(["billing", "security", "outage"], rng.randint(1, 3)),
                       key=["billing", "security", "outage"].index)
        used_by = rng.sample([s["id"] for s in systems], rng.randint(1, 5))
        liaison = engineers[rng.randrange(len(engineers))]["id"]
        vendors.append((vendor_id, org, category, sends, used_by, liaison))

    # ---- write ----------------------------------------------------------------------------
    out = []
    w = out.append
    w("# yaml-language-server: $schema=../schema/scenario.schema.json")
    w("#")
    w(f"# GENERATED by scripts/gen-large-scenario.py (random.Random({SEED})); do not edit by hand.")
    if PEOPLE == 1000:
        w("# Regenerate with `python3 scripts/gen-large-scenario.py`; `--check` verifies it is current.")
    else:
        w(f"# Regenerate with `python3 scripts/gen-large-scenario.py --people {PEOPLE} --out scenarios/medium.yaml`.")
    w(f"# {PEOPLE} people in {len(departments)} departments, {len(systems)} systems, "
      f"{len(customers)} customers, {len(vendors)} vendors.")
    w("")
    w("company:")
    w("  name: Vantage Harbor Technologies")
    w("  domain: vantageharbor.com")
    w("  industry: Commerce infrastructure")
    w("  description: " + q("A large commerce-infrastructure SaaS company: payments, catalog, "
                           "search and fulfilment APIs."))
    w("  timezone: America/New_York")
    w("  start_date: 2026-03-02")
    w("")
    w("seed: 7")
    w(f"days: {DAYS}")
    w("")
    w("departments:")
    for d in departments:
        line = (f"  - {{id: {d['id']}, name: {q(d['name'])}, lead: {d['members'][0]}, "
                f"ticket_prefix: {d['prefix']}, channels: {flow_list(d['channels'])}")
        if d["engineering"]:
            line += ", ships_code: true"
        w(line + ",")
        w(f"     members: {flow_list(d['members'])}}}")
    w("")
    w("people:")
    for p in people:
        persona = p["persona"]
        parts = [f"style: {persona['style']}"]
        if "quirks" in persona:
            parts.append(f"quirks: {flow_list(q(x) for x in persona['quirks'])}")
        if "expertise" in persona:
            parts.append(f"expertise: {flow_list(persona['expertise'])}")
        parts.append(f"stress: {persona['stress']}")
        parts.append(f"tenure_years: {persona['tenure_years']}")
        if "hours" in persona:
            start, end = persona["hours"]
            parts.append(f'hours: {{start: "{start}", end: "{end}"}}')
        if persona.get("night_owl"):
            parts.append("night_owl: true")
        w(f"  - {{id: {p['id']}, name: {q(p['name'])}, role: {q(p['role'])},")
        w(f"     persona: {{{', '.join(parts)}}}}}")
    w("")
    w("systems:")
    for s in systems:
        modes = ", ".join(f"{{kind: {m}, weight: {weight}}}" for m, weight in s["failure_modes"])
        w(f"  - {{id: {s['id']}, name: {q(s['name'])}, owner: {s['owner']}, "
          f"documentation: {num(s['documentation'])},")
        w(f"     depends_on: {flow_list(s['depends_on'])},")
        w(f"     failure_modes: [{modes}]}}")
    w("")
    w("incidents:")
    w("  base_rate_per_day: 0.6")
    w("  max_open: 6")
    w(f"  on_call: {flow_list(on_call)}")
    w("")
    w("lifecycle:")
    w("  departures:")
    for person, day, documented in departures:
        w(f"    - {{person: {person}, day: {day}, documented_pct: {documented}}}")
    w("  hires:")
    for day, department, hire_id, name, role, style in hires:
        w(f"    - day: {day}")
        w(f"      department: {department}")
        w(f"      person: {{id: {hire_id}, name: {q(name)}, role: {q(role)}, "
          f"persona: {{style: {style}, stress: 20, tenure_years: 0}}}}")
    w("  attrition:")
    w("    base_daily_hazard: 0.0002")
    w("")
    w("knowledge_gaps:")
    for gap_id, name, role, left_on, known, documented in gaps:
        w(f"  - {{person: {gap_id}, name: {q(name)}, role: {q(role)}, left_on: {left_on},")
        w(f"     systems: {flow_list(known)}, documented_pct: {documented}}}")
    w("")
    w("external:")
    w("  customers:")
    for customer_id, org, tier, arr, contacts, depends, sentiment, renewal, liaison in customers:
        contact_text = ", ".join(f"{{name: {q(n)}, email: {e}}}" for n, e in contacts)
        w(f"    - {{id: {customer_id}, org: {q(org)}, tier: {tier}, arr_usd: {arr}, "
          f"sentiment: {sentiment}, renewal_date: {renewal}, liaison: {liaison},")
        w(f"       contacts: [{contact_text}], depends_on: {flow_list(depends)}}}")
    w("  vendors:")
    for vendor_id, org, category, sends, used_by, liaison in vendors:
        w(f"    - {{id: {vendor_id}, org: {q(org)}, category: {q(category)}, liaison: {liaison},")
        w(f"       contacts: [{{name: {q(org + ' Support')}, email: support@{vendor_id}.example}}],")
        w(f"       sends: {flow_list(sends)}, systems: {flow_list(used_by)}}}")
    return "\n".join(out) + "\n"


def main(argv):
    global PEOPLE, OUT
    if "--people" in argv:
        PEOPLE = int(argv[argv.index("--people") + 1])
    if "--out" in argv:
        OUT = Path(argv[argv.index("--out") + 1])
    text = generate()
    if "--stdout" in argv:
        sys.stdout.write(text)
        return 0
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is stale: run python3 scripts/gen-large-scenario.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
