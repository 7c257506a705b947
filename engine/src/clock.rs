//! Actor-local clocks: each person's day is a timeline of booked blocks inside their hours.
//!
//! Primitives (SPEC §3.2): a solo block (first free gap at or after a cause), a meeting (the first
//! time at or after its slot when every attendee is free), and a message (a two-minute block).
//! Blocks never overlap and never leave business hours, so every artifact stamped inside a block
//! is in hours, and one person's artifacts are strictly ordered in time.

use crate::calendar::Instant;

/// Seconds in a minute.
pub const MINUTE: i64 = 60;
/// Seconds in an hour.
pub const HOUR: i64 = 3600;
/// Length of the block a Slack message occupies.
pub const MESSAGE_SECONDS: i64 = 2 * MINUTE;
/// Most blocks one person books in a day (a limit, asserted).
const MAX_BLOCKS_PER_DAY: usize = 200;

/// A booked interval, start inclusive, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// First second.
    pub start: Instant,
    /// One past the last second.
    pub end: Instant,
}

impl Block {
    /// Length in seconds.
    pub fn seconds(&self) -> i64 {
        self.end - self.start
    }
    /// Length in hours.
    pub fn hours(&self) -> f64 {
        self.seconds() as f64 / HOUR as f64
    }
}

/// One person's timeline for the current day.
#[derive(Debug, Clone, Default)]
struct Timeline {
    present: bool,
    day_start: Instant,
    day_end: Instant,
    busy: Vec<Block>,
}

impl Timeline {
    fn first_fit(&self, earliest: Instant, seconds: i64) -> Option<Instant> {
        if !self.present {
            return None;
        }
        let mut candidate = earliest.max(self.day_start);
        for block in &self.busy {
            if candidate + seconds <= block.start {
                break;
            }
            if candidate < block.end {
                candidate = block.end;
            }
        }
        (candidate + seconds <= self.day_end).then_some(candidate)
    }

    /// The longest free stretch starting at the first free second at or after `earliest`,
    /// capped at `max_seconds`, if it is at least `min_seconds` long.
    fn first_stretch(
        &self,
        earliest: Instant,
        min_seconds: i64,
        max_seconds: i64,
    ) -> Option<Block> {
        if !self.present {
            return None;
        }
        let mut candidate = earliest.max(self.day_start);
        loop {
            let next_busy = self.busy.iter().find(|b| b.end > candidate).copied();
            match next_busy {
                Some(b) if b.start <= candidate => candidate = b.end,
                Some(b) => {
                    let end = b.start.min(self.day_end).min(candidate + max_seconds);
                    if end - candidate >= min_seconds {
                        return Some(Block {
                            start: candidate,
                            end,
                        });
                    }
                    candidate = b.end;
                }
                None => {
                    let end = self.day_end.min(candidate + max_seconds);
                    return (end - candidate >= min_seconds).then_some(Block {
                        start: candidate,
                        end,
                    });
                }
            }
            if candidate >= self.day_end {
                return None;
            }
        }
    }

    fn book(&mut self, block: Block) {
        debug_assert!(block.start >= self.day_start && block.end <= self.day_end);
        debug_assert!(
            self.busy
                .iter()
                .all(|b| b.end <= block.start || b.start >= block.end)
        );
        debug_assert!(self.busy.len() < MAX_BLOCKS_PER_DAY);
        let at = self.busy.partition_point(|b| b.start < block.start);
        self.busy.insert(at, block);
    }
}

/// Everyone's timelines for the current day, indexed by person.
#[derive(Debug, Clone, Default)]
pub struct Clocks {
    timelines: Vec<Timeline>,
}

impl Clocks {
    /// Clocks for `people` persons, nobody present yet.
    pub fn new(people: usize) -> Clocks {
        Clocks {
            timelines: vec![Timeline::default(); people],
        }
    }

    /// Grows to `people` persons (a hire).
    pub fn resize(&mut self, people: usize) {
        self.timelines.resize(people, Timeline::default());
    }

    /// Starts a new day: person `i` is present within `hours[i]`, or absent when `None`.
    pub fn start_day(&mut self, hours: &[Option<(Instant, Instant)>]) {
        for (timeline, bounds) in self.timelines.iter_mut().zip(hours) {
            timeline.busy.clear();
            match bounds {
                Some((start, end)) => {
                    timeline.present = true;
                    timeline.day_start = *start;
                    timeline.day_end = *end;
                }
                None => timeline.present = false,
            }
        }
    }

    /// Whether a person works today.
    pub fn present(&self, person: usize) -> bool {
        self.timelines.get(person).is_some_and(|t| t.present)
    }

    /// Start and end of a person's business hours today.
    pub fn hours(&self, person: usize) -> Option<(Instant, Instant)> {
        let t = self.timelines.get(person)?;
        t.present.then_some((t.day_start, t.day_end))
    }

    /// Books a solo block of `seconds` at the first free time at or after `earliest`.
    pub fn solo(&mut self, person: usize, earliest: Instant, seconds: i64) -> Option<Block> {
        let timeline = self.timelines.get_mut(person)?;
        let start = timeline.first_fit(earliest, seconds)?;
        let block = Block {
            start,
            end: start + seconds,
        };
        timeline.book(block);
        Some(block)
    }

    /// Books the first free stretch at or after `earliest`, between `min` and `max` seconds long.
    pub fn stretch(
        &mut self,
        person: usize,
        earliest: Instant,
        min: i64,
        max: i64,
    ) -> Option<Block> {
        let timeline = self.timelines.get_mut(person)?;
        let block = timeline.first_stretch(earliest, min, max)?;
        timeline.book(block);
        Some(block)
    }

    /// Books a message block for `person` at the first free time at or after `earliest`.
    pub fn message(&mut self, person: usize, earliest: Instant) -> Option<Block> {
        self.solo(person, earliest, MESSAGE_SECONDS)
    }

    /// Books a meeting of `seconds` for all `attendees` at the first quarter hour at or after
    /// `slot` when all are free; `None` when it does not fit today.
    pub fn meeting(&mut self, attendees: &[usize], slot: Instant, seconds: i64) -> Option<Block> {
        const STEP: i64 = 15 * MINUTE;
        let mut start = slot;
        let latest_end = attendees
            .iter()
            .filter_map(|&p| {
                self.timelines
                    .get(p)
                    .filter(|t| t.present)
                    .map(|t| t.day_end)
            })
            .min()?;
        while start + seconds <= latest_end {
            let all_free = attendees.iter().all(|&p| {
                self.timelines
                    .get(p)
                    .and_then(|t| t.first_fit(start, seconds))
                    == Some(start)
            });
            if all_free {
                let block = Block {
                    start,
                    end: start + seconds,
                };
                for &p in attendees {
                    if let Some(t) = self.timelines.get_mut(p) {
                        t.book(block);
                    }
                }
                return Some(block);
            }
            start += STEP;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clocks() -> Clocks {
        let mut c = Clocks::new(2);
        c.start_day(&[Some((0, 8 * HOUR)), Some((HOUR, 9 * HOUR))]);
        c
    }

    #[test]
    fn solo_blocks_do_not_overlap_and_stay_in_hours() {
        let mut c = clocks();
        let a = c.solo(0, 0, 2 * HOUR);
        let b = c.solo(0, 0, 2 * HOUR);
        assert_eq!(
            a,
            Some(Block {
                start: 0,
                end: 2 * HOUR
            })
        );
        assert_eq!(
            b,
            Some(Block {
                start: 2 * HOUR,
                end: 4 * HOUR
            })
        );
        assert!(c.solo(0, 0, 5 * HOUR).is_none());
    }

    #[test]
    fn meetings_wait_for_every_attendee() {
        let mut c = clocks();
        c.solo(1, 0, 2 * HOUR); // person 1 busy 01:00-03:00
        let m = c.meeting(&[0, 1], 0, HOUR);
        assert_eq!(
            m,
            Some(Block {
                start: 3 * HOUR,
                end: 4 * HOUR
            })
        );
        // Person 0's solo work now fills the gap before the meeting.
        let s = c.stretch(0, 0, 30 * MINUTE, 5 * HOUR);
        assert_eq!(
            s,
            Some(Block {
                start: 0,
                end: 3 * HOUR
            })
        );
    }

    #[test]
    fn absent_people_book_nothing() {
        let mut c = Clocks::new(1);
        c.start_day(&[None]);
        assert!(c.solo(0, 0, MINUTE).is_none());
        assert!(c.meeting(&[0], 0, MINUTE).is_none());
    }
}
