//! Time formats of the artifact formats: Slack `ts`, JIRA's time format, GitHub's UTC `Z` and
//! RFC 3339 with the company's offset.

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};

/// Microsecond digits of a Slack `ts` (`<epoch seconds>.<6 digits>`).
pub const SLACK_TS_MICROS_PER_SECOND: u32 = 1_000_000;

/// A Slack message timestamp: epoch seconds and a 6-digit suffix that makes it unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SlackTs {
    /// Seconds since the Unix epoch.
    pub epoch_seconds: i64,
    /// The 6-digit suffix, below [`SLACK_TS_MICROS_PER_SECOND`].
    pub micros: u32,
}

impl SlackTs {
    /// The next possible ts: one microsecond later, carrying into the seconds.
    pub fn next(self) -> SlackTs {
        if self.micros + 1 >= SLACK_TS_MICROS_PER_SECOND {
            SlackTs {
                epoch_seconds: self.epoch_seconds + 1,
                micros: 0,
            }
        } else {
            SlackTs {
                epoch_seconds: self.epoch_seconds,
                micros: self.micros + 1,
            }
        }
    }
}

impl std::fmt::Display for SlackTs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:06}", self.epoch_seconds, self.micros)
    }
}

/// JIRA's time format: `2026-03-10T14:23:07.000-0500`.
pub fn jira_time(time: &DateTime<FixedOffset>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.3f%z").to_string()
}

/// GitHub's time format: UTC with a `Z`, `2026-03-10T19:23:07Z`.
pub fn github_time(time: &DateTime<FixedOffset>) -> String {
    time.with_timezone(&Utc)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// RFC 3339 with the company's offset and whole seconds: `2026-03-10T14:23:07-05:00`.
pub fn rfc3339(time: &DateTime<FixedOffset>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-03-10T14:23:07-05:00").unwrap_or_default()
    }

    #[test]
    fn formats_match_formats_md() {
        assert_eq!(jira_time(&time()), "2026-03-10T14:23:07.000-0500");
        assert_eq!(github_time(&time()), "2026-03-10T19:23:07Z");
        assert_eq!(rfc3339(&time()), "2026-03-10T14:23:07-05:00");
    }

    #[test]
    fn slack_ts_carries_into_seconds() {
        let ts = SlackTs {
            epoch_seconds: 10,
            micros: 999_999,
        };
        assert_eq!(ts.to_string(), "10.999999");
        assert_eq!(ts.next().to_string(), "11.000000");
        assert!(ts.next() > ts);
    }
}
