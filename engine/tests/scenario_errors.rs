//! Bad scenarios: each fixture breaks one thing in a small valid scenario, and the diagnostic must
//! name the file, point at the offending value (line and column) and name the value.

use orgforge_engine::scenario::{Diagnostic, Overrides, load};

/// A small valid scenario. Fixtures edit one line of it or append a section after line 33, so
/// the line numbers below stay valid.
const BASE: &str = "\
company:
  name: Acme Robotics
  domain: acme.example
  timezone: America/Chicago
days: 10
departments:
  - id: eng
    name: Engineering
    lead: ana
    members: [ana, bo, cy]
    ticket_prefix: ENG
    channels: [eng]
    ships_code: true
  - id: ops
    name: Operations
    lead: dee
    members: [dee, eve]
    ticket_prefix: OPS
    channels: [ops]
people:
  - {id: ana, name: Ana Lima, role: Engineering Lead}
  - {id: bo, name: Bo Chen, role: Engineer}
  - {id: cy, name: Cy Young, role: Engineer}
  - {id: dee, name: Dee Park, role: Operations Lead}
  - {id: eve, name: \"Eve O'Neil\", role: Analyst}
systems:
  - id: api
    name: API
    owner: eng
    depends_on: [db]
  - id: db
    name: Database
    owner: ops
";

/// `BASE` with each `(from, to)` replaced (each `from` must occur exactly once) and `tail`
/// appended.
fn fixture(edits: &[(&str, &str)], tail: &str) -> String {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        assert_eq!(
            text.matches(from).count(),
            1,
            "fixture edit `{from}` must match exactly once"
        );
        text = text.replacen(from, to, 1);
    }
    text.push_str(tail);
    text
}

/// Loads `yaml` with `overrides`, expects exactly one diagnostic at `line`:`column` whose message
/// contains `message`, and returns it for further checks.
fn check_with(
    yaml: &str,
    overrides: Overrides,
    line: usize,
    column: usize,
    message: &str,
) -> Diagnostic {
    let error = match load(yaml, "fixture.yaml", overrides) {
        Ok(_) => panic!("expected an error for:\n{yaml}"),
        Err(error) => error,
    };
    let rendered = error.to_string();
    assert_eq!(
        error.diagnostics.len(),
        1,
        "expected one diagnostic, got:\n{rendered}\nfor:\n{yaml}"
    );
    let diagnostic = error.diagnostics[0].clone();
    assert_eq!(diagnostic.file, "fixture.yaml");
    assert_eq!(
        (diagnostic.line, diagnostic.column),
        (line, column),
        "wrong location:\n{rendered}\nfor:\n{yaml}"
    );
    assert!(
        diagnostic.message.contains(message),
        "message does not contain `{message}`:\n{rendered}"
    );
    assert!(
        rendered.starts_with(&format!("fixture.yaml:{line}:{column}: error: ")),
        "{rendered}"
    );
    diagnostic
}

/// [`check_with`] without overrides.
fn check(yaml: &str, line: usize, column: usize, message: &str) -> Diagnostic {
    check_with(yaml, Overrides::default(), line, column, message)
}

/// Asserts the diagnostic's suggestion contains `help`.
fn assert_help(diagnostic: &Diagnostic, help: &str) {
    let suggestion = diagnostic.suggestion.as_deref().unwrap_or("");
    assert!(
        suggestion.contains(help),
        "suggestion `{suggestion}` does not contain `{help}`"
    );
}

#[test]
fn base_fixture_is_valid() {
    let scenario = load(BASE, "fixture.yaml", Overrides::default());
    assert!(
        scenario.is_ok(),
        "{}",
        scenario.err().map(|e| e.to_string()).unwrap_or_default()
    );
}

// ---- syntax and types ------------------------------------------------------------------

#[test]
fn unclosed_bracket() {
    check(
        &fixture(&[], "incidents:\n  on_call: [ana, bo\n"),
        35,
        12,
        "unclosed",
    );
}

#[test]
fn tab_indentation() {
    let diagnostic = check(
        &fixture(&[("  name: Acme Robotics", "\tname: Acme Robotics")], ""),
        2,
        2,
        "tabs",
    );
    assert_help(&diagnostic, "spaces");
}

#[test]
fn unknown_top_level_key_suggests_the_closest() {
    let diagnostic = check(
        &fixture(&[("departments:", "departmens:")], ""),
        6,
        1,
        "unknown key `departmens`",
    );
    assert_help(&diagnostic, "did you mean `departments`?");
}

#[test]
fn unknown_nested_key() {
    let diagnostic = check(
        &fixture(&[("    ships_code: true", "    ship_code: true")], ""),
        13,
        5,
        "unknown key `ship_code` in `departments[0]`",
    );
    assert_help(&diagnostic, "`ships_code`");
}

#[test]
fn wrong_type() {
    check(
        &fixture(&[("days: 10", "days: ten")], ""),
        5,
        7,
        "`days`: `ten` is not a whole number",
    );
}

#[test]
fn duplicate_key() {
    check(
        &fixture(&[("days: 10", "days: 10\ndays: 12")], ""),
        6,
        1,
        "duplicate key `days`",
    );
}

#[test]
fn missing_key_points_at_the_mapping() {
    check(
        &fixture(&[("    lead: dee\n", "")], ""),
        14,
        5,
        "missing key `lead` in `departments[1]`",
    );
}

#[test]
fn unknown_enum_value() {
    let diagnostic = check(
        &fixture(&[], "calendar:\n  work_days: [mon, tue, wedd]\n"),
        35,
        25,
        "unknown value `wedd`",
    );
    assert_help(&diagnostic, "did you mean `wed`?");
}

#[test]
fn bad_time() {
    check(
        &fixture(
            &[],
            "calendar:\n  business_hours: {start: \"25:00\", end: \"17:00\"}\n",
        ),
        35,
        27,
        "invalid time `25:00`",
    );
}

#[test]
fn empty_file() {
    let diagnostic = check("# nothing here\n", 1, 1, "empty");
    assert_help(&diagnostic, "company");
}

// ---- people and departments ------------------------------------------------------------

#[test]
fn duplicate_person_id() {
    check(
        &fixture(
            &[
                ("{id: cy, name: Cy Young", "{id: bo, name: Cy Young"),
                ("[ana, bo, cy]", "[ana, bo]"),
            ],
            "",
        ),
        23,
        10,
        "duplicate person id `bo`",
    );
}

#[test]
fn uppercase_person_id() {
    let diagnostic = check(
        &fixture(
            &[("{id: cy,", "{id: Cy,"), ("[ana, bo, cy]", "[ana, bo, Cy]")],
            "",
        ),
        23,
        10,
        "person id `Cy`",
    );
    assert_help(&diagnostic, "`cy`");
}

#[test]
fn lead_not_in_department() {
    let diagnostic = check(
        &fixture(&[("    lead: dee", "    lead: ana")], ""),
        16,
        11,
        "lead `ana` of department `ops` is not one of its members",
    );
    assert_help(&diagnostic, "add `ana` to `members`");
}

#[test]
fn member_not_a_person() {
    let diagnostic = check(
        &fixture(&[("[dee, eve]", "[dee, eve, bob]")], ""),
        17,
        25,
        "member `bob` of department `ops` is not a known person",
    );
    assert_help(&diagnostic, "did you mean `bo`?");
}

#[test]
fn person_in_no_department() {
    check(
        &fixture(&[("[dee, eve]", "[dee]")], ""),
        25,
        10,
        "person `eve` is not a member of any department",
    );
}

#[test]
fn person_in_two_departments() {
    check(
        &fixture(&[("[dee, eve]", "[dee, eve, cy]")], ""),
        17,
        25,
        "person `cy` is a member of both department `eng` and department `ops`",
    );
}

#[test]
fn empty_department() {
    check(
        &fixture(
            &[(
                "people:\n",
                "  - {id: qa, name: QA, lead: ana, members: [], ticket_prefix: QA, channels: [qa]}\npeople:\n",
            )],
            "",
        ),
        20,
        44,
        "department `qa` has no members",
    );
}

#[test]
fn duplicate_channel_across_departments() {
    check(
        &fixture(&[("channels: [ops]", "channels: [eng]")], ""),
        19,
        16,
        "channel `eng` is also a channel of department `eng`",
    );
}

#[test]
fn bad_ticket_prefix() {
    let diagnostic = check(
        &fixture(&[("ticket_prefix: OPS", "ticket_prefix: ops")], ""),
        18,
        20,
        "ticket prefix `ops`",
    );
    assert_help(&diagnostic, "`OPS`");
}

#[test]
fn persona_stress_out_of_range() {
    check(
        &fixture(
            &[("role: Analyst}", "role: Analyst, persona: {stress: 150}}")],
            "",
        ),
        25,
        68,
        "`people[4].persona.stress` is 150, outside [0, 100]",
    );
}

#[test]
fn expertise_names_an_unknown_system() {
    let diagnostic = check(
        &fixture(
            &[(
                "role: Engineer}\n  - {id: cy",
                "role: Engineer, persona: {expertise: [apu]}}\n  - {id: cy",
            )],
            "",
        ),
        22,
        67,
        "expertise `apu` is not a known system",
    );
    assert_help(&diagnostic, "`api`");
}

#[test]
fn bad_timezone() {
    let diagnostic = check(
        &fixture(&[("America/Chicago", "America/Chicgo")], ""),
        4,
        13,
        "`America/Chicgo` is not an IANA time zone",
    );
    assert_help(&diagnostic, "did you mean `America/Chicago`?");
}

#[test]
fn bad_company_domain() {
    check(
        &fixture(&[("domain: acme.example", "domain: acme_example")], ""),
        3,
        11,
        "company domain `acme_example` is not a valid DNS name",
    );
}

// ---- systems ---------------------------------------------------------------------------

#[test]
fn dependency_cycle() {
    check(
        &fixture(
            &[(
                "    owner: ops\n",
                "    owner: ops\n    depends_on: [api]\n",
            )],
            "",
        ),
        34,
        18,
        "dependency cycle: api -> db -> api",
    );
}

#[test]
fn unknown_system_in_depends_on() {
    let diagnostic = check(
        &fixture(&[("depends_on: [db]", "depends_on: [dbb]")], ""),
        30,
        18,
        "dependency `dbb` is not a known system",
    );
    assert_help(&diagnostic, "did you mean `db`?");
}

#[test]
fn system_owner_is_not_a_department() {
    let diagnostic = check(
        &fixture(&[("    owner: ops", "    owner: opps")], ""),
        33,
        12,
        "owner `opps` is not a known department",
    );
    assert_help(&diagnostic, "`ops`");
}

// ---- numbers ---------------------------------------------------------------------------

#[test]
fn probability_above_one() {
    check(
        &fixture(&[], "collaboration:\n  async_question_probability: 1.5\n"),
        35,
        31,
        "`collaboration.async_question_probability` is 1.5, outside [0, 1]",
    );
}

#[test]
fn severity_mix_not_summing_to_one() {
    check(
        &fixture(
            &[],
            "incidents:\n  severity_mix: {P1: 0.1, P2: 0.2, P3: 0.3, P4: 0.3}\n",
        ),
        35,
        17,
        "severity mix sums to 0.9, not 1",
    );
}

#[test]
fn on_call_names_an_unknown_person() {
    let diagnostic = check(
        &fixture(&[], "incidents:\n  on_call: [bo, cyy]\n"),
        35,
        17,
        "on-call person `cyy` is not a known person",
    );
    assert_help(&diagnostic, "`cy`");
}

// ---- lifecycle -------------------------------------------------------------------------

#[test]
fn departure_of_an_unknown_person_suggests_the_closest() {
    let diagnostic = check(
        &fixture(
            &[],
            "lifecycle:\n  departures:\n    - {person: boo, day: 3}\n",
        ),
        36,
        16,
        "departing person `boo` is not a known person",
    );
    assert_help(&diagnostic, "did you mean `bo`?");
}

#[test]
fn departure_day_outside_the_run() {
    check(
        &fixture(
            &[],
            "lifecycle:\n  departures:\n    - {person: bo, day: 11}\n",
        ),
        36,
        25,
        "departure day 11 is outside the run (days 1..=10)",
    );
}

#[test]
fn a_shorter_days_override_keeps_later_lifecycle_days_valid() {
    let yaml = fixture(
        &[],
        "lifecycle:\n  departures:\n    - {person: bo, day: 8}\n",
    );
    let short = Overrides {
        days: Some(5),
        seed: None,
    };
    let scenario = load(&yaml, "fixture.yaml", short).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(scenario.days, 5);
    let zero = Overrides {
        days: Some(0),
        seed: None,
    };
    assert!(load(&yaml, "fixture.yaml", zero).is_err());
}

#[test]
fn lead_cannot_depart() {
    check(
        &fixture(
            &[],
            "lifecycle:\n  departures:\n    - {person: ana, day: 3}\n",
        ),
        36,
        16,
        "`ana` leads department `eng`; a lead cannot depart (the department would be left without a lead)",
    );
}

#[test]
fn person_departs_twice() {
    check(
        &fixture(
            &[],
            "lifecycle:\n  departures:\n    - {person: bo, day: 3}\n    - {person: bo, day: 5}\n",
        ),
        37,
        16,
        "`bo` already departs",
    );
}

#[test]
fn hire_with_an_existing_id() {
    check(
        &fixture(
            &[],
            "lifecycle:\n  hires:\n    - day: 4\n      department: eng\n      person: {id: cy, name: Cyrus Vance, role: Engineer}\n",
        ),
        38,
        20,
        "hire `cy` has the id of an existing person",
    );
}

#[test]
fn hire_on_day_one() {
    check(
        &fixture(
            &[],
            "lifecycle:\n  hires:\n    - day: 1\n      department: eng\n      person: {id: fay, name: Fay Wu, role: Engineer}\n",
        ),
        36,
        12,
        "hire day 1 is outside days 2..=10",
    );
}

#[test]
fn knowledge_gap_after_start_date() {
    check(
        &fixture(
            &[],
            "knowledge_gaps:\n  - {person: gus, name: Gus Moll, role: DBA, left_on: 2026-04-01, systems: [db]}\n",
        ),
        35,
        55,
        "`gus` left on 2026-04-01, which is not before the start date 2026-03-02",
    );
}

// ---- customers and vendors ---------------------------------------------------------------

/// A customer section with one line to break.
fn customer(depends_on: &str, liaison: &str, email: &str) -> String {
    fixture(
        &[],
        &format!(
            "external:
  customers:
    - id: globex
      org: Globex
      tier: enterprise
      arr_usd: 250000
      contacts:
        - {{name: Hank Scorpio, email: \"{email}\"}}
      depends_on: [{depends_on}]
      liaison: {liaison}
"
        ),
    )
}

#[test]
fn customer_fixture_is_valid() {
    let yaml = customer("api", "dee", "hank@globex.example");
    assert!(load(&yaml, "fixture.yaml", Overrides::default()).is_ok());
}

#[test]
fn unknown_system_in_a_customer_depends_on() {
    let diagnostic = check(
        &customer("api, apii", "dee", "hank@globex.example"),
        42,
        25,
        "system `apii` is not a known system",
    );
    assert_help(&diagnostic, "did you mean `api`?");
}

#[test]
fn liaison_is_not_an_employee() {
    check(
        &customer("api", "hank", "hank@globex.example"),
        43,
        16,
        "liaison `hank` is not a known person",
    );
}

#[test]
fn malformed_contact_email() {
    check(
        &customer("api", "dee", "Hank <hank@globex.example>"),
        41,
        39,
        "`Hank <hank@globex.example>` is not a valid email address",
    );
}

// ---- all problems at once ----------------------------------------------------------------

#[test]
fn every_problem_is_reported_in_line_order() {
    let yaml = fixture(
        &[
            ("America/Chicago", "Mars/Olympus"),
            ("    lead: dee", "    lead: ana"),
        ],
        "collaboration:\n  design_meeting_share: -0.5\n",
    );
    let error = match load(&yaml, "fixture.yaml", Overrides::default()) {
        Ok(_) => panic!("expected errors"),
        Err(error) => error,
    };
    let places: Vec<(usize, usize)> = error
        .diagnostics
        .iter()
        .map(|diagnostic| (diagnostic.line, diagnostic.column))
        .collect();
    assert_eq!(places, vec![(4, 13), (16, 11), (35, 25)], "{error}");
    assert!(error.diagnostics[0].message.contains("Mars/Olympus"));
    assert!(error.diagnostics[1].message.contains("`ana`"));
    assert!(error.diagnostics[2].message.contains("-0.5"));
    assert!(error.to_string().ends_with("3 problems in the scenario"));
}

#[test]
fn display_shows_the_line_a_caret_and_the_help() {
    let yaml = fixture(&[("depends_on: [db]", "depends_on: [dbb]")], "");
    let error = match load(&yaml, "scenarios/acme.yaml", Overrides::default()) {
        Ok(_) => panic!("expected an error"),
        Err(error) => error,
    };
    let expected = "\
scenarios/acme.yaml:30:18: error: dependency `dbb` is not a known system
    |
 30 |     depends_on: [dbb]
    |                  ^
  help: did you mean `db`?";
    assert_eq!(error.to_string(), expected);
}
