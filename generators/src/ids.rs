//! Ids the artifact formats need that the engine does not decide: Slack user and channel ids,
//! JIRA numeric ids, GitHub review ids and commit shas. Each one is a pure function of engine ids,
//! so the same event log always yields the same ids.

use sha2::{Digest, Sha256};

/// Characters of a Slack id after its prefix: uppercase letters and digits, as Slack uses.
const SLACK_ID_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Length of a Slack id after its one-letter prefix (FORMATS.md: `U` + 10).
const SLACK_ID_LENGTH: usize = 10;

/// Offset of JIRA issue ids, so they look like JIRA's five-digit-and-up ids.
const JIRA_ISSUE_ID_BASE: u64 = 10_000;

/// Issue numbers per project in the JIRA id space; a project never reaches it.
const JIRA_ISSUES_PER_PROJECT: u64 = 100_000;

/// Offsets of the JIRA comment and changelog id spaces; each event adds at most one of each to
/// one issue, so `offset + seq` is unique.
const JIRA_COMMENT_ID_BASE: u64 = 10_000_000;
const JIRA_HISTORY_ID_BASE: u64 = 20_000_000;

/// Offset of GitHub review ids; one review per event.
const GITHUB_REVIEW_ID_BASE: u64 = 1_000_000_000;

fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

fn slack_id(prefix: char, salt: &str, name: &str) -> String {
    let digest = sha256(&format!("{salt}:{name}"));
    let mut bits: u64 = 0;
    for byte in &digest[..8] {
        bits = (bits << 8) | u64::from(*byte);
    }
    let mut id = String::with_capacity(SLACK_ID_LENGTH + 1);
    id.push(prefix);
    for position in 0..SLACK_ID_LENGTH {
        let index = (bits >> (59 - 5 * position)) & 0x1f;
        id.push(char::from(SLACK_ID_ALPHABET[index as usize]));
    }
    id
}

/// Slack user id of a person: `U` + 10 characters from a sha256 of the person id.
pub fn slack_user_id(person: &str) -> String {
    slack_id('U', "slack-user", person)
}

/// Slack channel id: `C` + 10 characters from a sha256 of the channel name.
pub fn slack_channel_id(channel: &str) -> String {
    slack_id('C', "slack-channel", channel)
}

/// Numeric JIRA issue id from the project's position in the scenario and the issue number.
pub fn jira_issue_id(project_index: usize, issue_number: u64) -> u64 {
    JIRA_ISSUE_ID_BASE + project_index as u64 * JIRA_ISSUES_PER_PROJECT + issue_number
}

/// Numeric JIRA sprint id from the project's position and the sprint number.
pub fn jira_sprint_id(project_index: usize, sprint: u32) -> u64 {
    1 + project_index as u64 * 1_000 + u64::from(sprint)
}

/// Numeric id of the JIRA comment written by the event with this sequence number.
pub fn jira_comment_id(seq: u64) -> u64 {
    JIRA_COMMENT_ID_BASE + seq
}

/// Numeric id of the JIRA changelog entry recorded for the event with this sequence number.
pub fn jira_history_id(seq: u64) -> u64 {
    JIRA_HISTORY_ID_BASE + seq
}

/// Numeric id of the GitHub review submitted by the event with this sequence number.
pub fn github_review_id(seq: u64) -> u64 {
    GITHUB_REVIEW_ID_BASE + seq
}

/// 40-hex commit sha of a branch head, from the repository, the PR number and its commit count.
pub fn head_commit_sha(repository: &str, number: u32, commits: u32) -> String {
    let digest = sha256(&format!("head:{repository}:{number}:{commits}"));
    let mut sha = String::with_capacity(40);
    for byte in &digest[..20] {
        sha.push_str(&format!("{byte:02x}"));
    }
    sha
}

/// The issue number of a JIRA key (`PLAT-12` -> 12), if the key has one.
pub fn jira_issue_number(key: &str) -> Option<u64> {
    let (_, number) = key.rsplit_once('-')?;
    number.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_ids_have_the_documented_shape() {
        for id in [slack_user_id("jax"), slack_channel_id("platform")] {
            assert_eq!(id.len(), 11);
            assert!(
                id[1..]
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            );
        }
        assert!(slack_user_id("jax").starts_with('U'));
        assert!(slack_channel_id("jax").starts_with('C'));
        assert_ne!(slack_user_id("jax")[1..], slack_channel_id("jax")[1..]);
        assert_eq!(slack_user_id("jax"), slack_user_id("jax"));
    }

    #[test]
    fn jira_ids_are_unique_across_projects() {
        assert_eq!(jira_issue_number("PLAT-12"), Some(12));
        assert_eq!(jira_issue_number("PLAT"), None);
        assert_ne!(jira_issue_id(0, 12), jira_issue_id(1, 12));
        assert_eq!(jira_issue_id(0, 12), 10_012);
    }

    #[test]
    fn commit_shas_are_40_hex() {
        let sha = head_commit_sha("payments-api", 3, 2);
        assert_eq!(sha.len(), 40);
        assert!(sha.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(sha, head_commit_sha("payments-api", 3, 3));
    }
}
