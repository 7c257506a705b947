//! Each check catches what it names: tamper with one thing in a written run and exactly that
//! check fails.

use std::fs;
use std::path::{Path, PathBuf};

use orgforge_engine::event::Event;
use orgforge_engine::log::{GENESIS_HASH, event_hash};
use orgforge_output::{VerifyError, render_table, verify};
use serde_json::Value;

use crate::fixture::{read, reseal, ts, user_id, write};
use crate::{Dir, assert_failed, verified, write_fixture};

/// A written fixture run (without SQLite, so resealing the manifest is enough).
fn run() -> (Dir, PathBuf) {
    let dir = Dir::new();
    let out = dir.path("run");
    write_fixture(&out, false);
    (dir, out)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(
        text.contains(from),
        "{} does not contain {from}",
        path.display()
    );
    write(path, &text.replacen(from, to, 1));
}

fn edit_json(path: &Path, change: impl FnOnce(&mut Value)) {
    let mut value: Value = match serde_json::from_str(&read(path)) {
        Ok(value) => value,
        Err(error) => panic!("{error}"),
    };
    change(&mut value);
    write(
        path,
        &format!(
            "{}\n",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        ),
    );
}

fn events(out: &Path) -> Vec<Event> {
    read(&out.join("events.jsonl"))
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

fn write_events(out: &Path, events: &[Event]) {
    let lines: Vec<String> = events
        .iter()
        .filter_map(|event| serde_json::to_string(event).ok())
        .collect();
    write(
        &out.join("events.jsonl"),
        &format!("{}\n", lines.join("\n")),
    );
}

#[test]
fn editing_an_event_breaks_the_hash_chain() {
    let (_dir, out) = run();
    edit(&out.join("events.jsonl"), "\"hours\":4.0", "\"hours\":2.0");
    reseal(&out);
    assert_failed(&verified(&out), &["hash_chain"]);
}

#[test]
fn a_rehashed_log_is_still_caught_by_the_manifest() {
    let (_dir, out) = run();
    let mut log = events(&out);
    log[2].summary = "rewritten history".to_string();
    let mut previous = GENESIS_HASH.to_string();
    for event in &mut log {
        event.prev_hash = previous;
        event.hash = event_hash(event);
        previous = event.hash.clone();
    }
    write_events(&out, &log);
    assert_failed(&verified(&out), &["manifest"]);
}

#[test]
fn dropping_an_event_leaves_a_gap() {
    let (_dir, out) = run();
    let mut log = events(&out);
    log.remove(5);
    write_events(&out, &log);
    reseal(&out);
    let report = verified(&out);
    assert!(
        report.failed().contains(&"hash_chain"),
        "{}",
        render_table(&report)
    );
    let check = report
        .check("hash_chain")
        .map(|c| c.examples.join("\n"))
        .unwrap_or_default();
    assert!(
        check.contains("EVT-000007: seq 7 where 6 was expected"),
        "{check}"
    );
}

#[test]
fn a_deleted_artifact_breaks_provenance() {
    let (_dir, out) = run();
    fs::remove_file(out.join("confluence/PLAT/1001.md")).ok();
    reseal(&out);
    assert_failed(&verified(&out), &["provenance"]);
}

#[test]
fn a_deleted_artifact_is_also_missing_from_the_manifest() {
    let (_dir, out) = run();
    fs::remove_file(out.join("git/prs/1.json")).ok();
    let report = verified(&out);
    assert!(report.failed().contains(&"manifest") && report.failed().contains(&"provenance"));
}

#[test]
fn a_stray_file_breaks_the_manifest() {
    let (_dir, out) = run();
    write(&out.join("notes.txt"), "not part of the run");
    assert_failed(&verified(&out), &["manifest"]);
}

#[test]
fn an_orphan_artifact_breaks_provenance() {
    let (_dir, out) = run();
    let page = read(&out.join("confluence/PLAT/1001.md"))
        .replace("id: 1001", "id: 1002")
        .replace("author: cy", "author: ana")
        .replace("T15:00:00", "T16:00:00");
    write(&out.join("confluence/PLAT/1002.md"), &page);
    reseal(&out);
    let report = verified(&out);
    assert_failed(&report, &["provenance"]);
    let examples = report
        .check("provenance")
        .map(|c| c.examples.join("\n"))
        .unwrap_or_default();
    assert!(
        examples.contains("confluence/PLAT/1002.md: orphan"),
        "{examples}"
    );
    assert!(
        examples.contains("1002.md: names EVT-000005, which does not list it back"),
        "{examples}"
    );
}

#[test]
fn a_reply_before_its_root_breaks_replies_after_parents() {
    let (_dir, out) = run();
    let path = out.join("slack/platform/2026-03-02.json");
    let early = ts("2026-03-02", "09:29:00");
    let reply = ts("2026-03-02", "09:31:10");
    edit_json(&path, |messages| {
        if let Some(list) = messages.as_array_mut() {
            // Keep the file sorted by ts: the early reply moves to the front.
            let moved = list.remove(1);
            list.insert(0, moved);
            list[0]["ts"] = Value::from(early.clone());
            if let Some(replies) = list[1]["replies"].as_array_mut() {
                replies[0]["ts"] = Value::from(early.clone());
            }
        }
    });
    assert!(!read(&path).contains(&reply));
    reseal(&out);
    let report = verified(&out);
    assert_failed(&report, &["replies_after_parents"]);
}

#[test]
fn a_reply_to_a_missing_root_breaks_replies_after_parents() {
    let (_dir, out) = run();
    let path = out.join("slack/platform/2026-03-03.json");
    edit_json(&path, |messages| {
        messages[2]["thread_ts"] = Value::from(ts("2026-03-03", "09:59:00"));
    });
    reseal(&out);
    assert_failed(&verified(&out), &["replies_after_parents"]);
}

#[test]
fn a_merge_before_its_review_breaks_replies_after_parents() {
    let (_dir, out) = run();
    edit_json(&out.join("git/prs/1.json"), |pr| {
        pr["reviews"][0]["submitted_at"] = Value::from("2026-03-03T17:45:00Z");
    });
    reseal(&out);
    // 11:45 local: still inside business hours, after ana's other items of the day.
    assert_failed(&verified(&out), &["replies_after_parents"]);
}

#[test]
fn two_items_at_one_time_break_actor_time() {
    let (_dir, out) = run();
    // Ben's JIRA comment is at 11:00 local (17:00Z); open his PR at the same instant.
    edit(
        &out.join("git/prs/1.json"),
        "\"created_at\": \"2026-03-02T20:00:00Z\"",
        "\"created_at\": \"2026-03-02T17:00:00Z\"",
    );
    reseal(&out);
    let report = verified(&out);
    assert_failed(&report, &["actor_time"]);
    let examples = report
        .check("actor_time")
        .map(|c| c.examples.join("\n"))
        .unwrap_or_default();
    assert!(examples.starts_with("ben: two items at"), "{examples}");
}

#[test]
fn an_unsorted_channel_file_breaks_actor_time() {
    let (_dir, out) = run();
    edit_json(&out.join("slack/platform/2026-03-03.json"), |messages| {
        if let Some(list) = messages.as_array_mut() {
            list.swap(1, 2);
        }
    });
    reseal(&out);
    assert_failed(&verified(&out), &["actor_time"]);
}

#[test]
fn a_message_at_three_in_the_morning_breaks_business_hours() {
    let (_dir, out) = run();
    let path = out.join("slack/platform/2026-03-03.json");
    let root = ts("2026-03-03", "10:00:00");
    let night = ts("2026-03-03", "03:00:00");
    write(&path, &read(&path).replace(&root, &night));
    reseal(&out);
    let report = verified(&out);
    assert_failed(&report, &["business_hours"]);
    let examples = report
        .check("business_hours")
        .map(|c| c.examples.join("\n"))
        .unwrap_or_default();
    assert!(examples.contains("ben at 03:00:00 local"), "{examples}");

    // The same message flagged after-hours is fine.
    edit_json(&path, |messages| {
        messages[0]["orgforge_after_hours"] = Value::from(true);
    });
    reseal(&out);
    assert_failed(&verified(&out), &[]);
}

#[test]
fn work_on_a_weekend_breaks_business_hours() {
    let (_dir, out) = run();
    // Ana's merge moves to the Saturday after; the event log is untouched.
    edit_json(&out.join("git/prs/1.json"), |pr| {
        pr["merged_at"] = Value::from("2026-03-07T17:30:00Z");
        pr["closed_at"] = Value::from("2026-03-07T17:30:00Z");
    });
    reseal(&out);
    assert_failed(&verified(&out), &["business_hours"]);
}

#[test]
fn a_departed_person_authoring_breaks_roster() {
    let (_dir, out) = run();
    // Dee's thanks on day 2 becomes Cy's, who left on day 2.
    let path = out.join("slack/platform/2026-03-03.json");
    write(&path, &read(&path).replace(&user_id("dee"), &user_id("cy")));
    reseal(&out);
    let report = verified(&out);
    assert_failed(&report, &["roster"]);
    let examples = report
        .check("roster")
        .map(|c| c.examples.join("\n"))
        .unwrap_or_default();
    assert!(
        examples.contains("cy authored it on 2026-03-03, after leaving on 2026-03-03"),
        "{examples}"
    );
}

#[test]
fn an_unknown_person_breaks_references() {
    let (_dir, out) = run();
    edit(
        &out.join("git/prs/1.json"),
        "\"merged_by\": {\n    \"login\": \"ana\"",
        "\"merged_by\": {\n    \"login\": \"zed\"",
    );
    reseal(&out);
    assert_failed(&verified(&out), &["references"]);
}

#[test]
fn a_dangling_ticket_key_breaks_references() {
    let (_dir, out) = run();
    edit(
        &out.join("git/prs/1.json"),
        "Closes PLAT-1",
        "Closes PLAT-9",
    );
    edit(
        &out.join("confluence/PLAT/1001.md"),
        "links: [PLAT-1]",
        "links: [PLAT-1, 1002]",
    );
    reseal(&out);
    let report = verified(&out);
    assert_failed(&report, &["references"]);
    assert_eq!(report.check("references").map(|c| c.violations), Some(2));
}

#[test]
fn an_unknown_slack_user_breaks_references() {
    let (_dir, out) = run();
    let path = out.join("slack/platform/2026-03-02.json");
    edit(
        &path,
        "\"text\": \"message 0 of EVT-000002\"",
        "\"text\": \"hi <@UNOBODY0000>\"",
    );
    reseal(&out);
    assert_failed(&verified(&out), &["references"]);
}

#[test]
fn a_broken_artifact_is_unreadable() {
    let (_dir, out) = run();
    write(&out.join("jira/PLAT-1.json"), "{ not json");
    reseal(&out);
    let report = verified(&out);
    assert!(
        report.failed().contains(&"readable"),
        "{}",
        render_table(&report)
    );
}

#[test]
fn a_tampered_database_breaks_database() {
    let dir = Dir::new();
    let out = dir.path("run");
    write_fixture(&out, true);
    match rusqlite::Connection::open(out.join("orgforge.db")) {
        Ok(connection) => {
            let changed = connection.execute("UPDATE events SET hash = 'forged' WHERE seq = 3", []);
            assert_eq!(changed.map_err(|e| e.to_string()), Ok(1));
        }
        Err(error) => panic!("{error}"),
    }
    reseal(&out);
    assert_failed(&verified(&out), &["database"]);
}

#[test]
fn a_directory_that_is_no_run_is_an_error() {
    let dir = Dir::new();
    let result = verify(&dir.path("missing"));
    assert!(matches!(result, Err(VerifyError::NotARunDirectory { .. })));
    fs::create_dir(dir.path("empty")).ok();
    let result = verify(&dir.path("empty"));
    assert!(matches!(result, Err(VerifyError::NotARunDirectory { .. })));
}

#[test]
fn the_report_serializes_as_the_spec_says() {
    let (_dir, out) = run();
    write(&out.join("notes.txt"), "stray");
    let report = verified(&out);
    let value = match serde_json::to_value(&report) {
        Ok(value) => value,
        Err(error) => panic!("{error}"),
    };
    let keys: Vec<&String> = value
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(keys, vec!["checks", "ok", "stats"]);
    assert_eq!(value["ok"], false);
    let manifest = value["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == "manifest"));
    let manifest = manifest.cloned().unwrap_or_default();
    let keys: Vec<&String> = manifest
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(keys, vec!["examples", "name", "ok", "violations"]);
    assert_eq!(manifest["violations"], 1);
    assert_eq!(manifest["examples"][0], "notes.txt: present but not listed");
    let table = render_table(&report);
    assert!(
        table.contains("manifest") && table.contains("FAIL") && table.contains("FAILED: 1 of"),
        "{table}"
    );
}
