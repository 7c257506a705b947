//! Builds a Slack thread message by message on the authors' clocks.

use crate::calendar::Instant;
use crate::event::{Intent, Message, Thread};
use crate::world::World;

/// A thread being decided: each message is booked on its author's timeline.
pub(crate) struct ThreadBuilder {
    channel: String,
    messages: Vec<Message>,
    authors: Vec<usize>,
}

impl ThreadBuilder {
    /// A new, empty thread in `channel`.
    pub fn new(channel: String) -> ThreadBuilder {
        ThreadBuilder {
            channel,
            messages: Vec::new(),
            authors: Vec::new(),
        }
    }

    /// Posts a message by `author` at their first free time at or after `earliest` (and after
    /// the previous message). Returns its time, or `None` when it does not fit today.
    pub fn post(
        &mut self,
        world: &mut World,
        author: usize,
        earliest: Instant,
        intent: Intent,
    ) -> Option<Instant> {
        let after_previous = self
            .messages
            .last()
            .map_or(earliest, |m| earliest.max(m.timestamp.timestamp() + 1));
        let block = world.clocks.message(author, after_previous)?;
        let at = world.stamp(block, 0);
        self.push(world, author, at, intent, false);
        Some(at)
    }

    /// Posts a message deliberately outside business hours at `at` (not booked on the clock).
    pub fn post_after_hours(&mut self, world: &World, author: usize, at: Instant, intent: Intent) {
        self.push(world, author, at, intent, true);
    }

    /// Posts a bot message (alert or page) at `at`; bots have no clock.
    pub fn post_bot(&mut self, world: &World, bot: &str, at: Instant, intent: Intent) {
        let at = self
            .messages
            .last()
            .map_or(at, |m| at.max(m.timestamp.timestamp() + 1));
        self.messages.push(Message {
            author: bot.to_string(),
            timestamp: world.calendar.timestamp(at),
            intent,
            after_hours: false,
        });
    }

    fn push(
        &mut self,
        world: &World,
        author: usize,
        at: Instant,
        intent: Intent,
        after_hours: bool,
    ) {
        self.messages.push(Message {
            author: world.people[author].id.clone(),
            timestamp: world.calendar.timestamp(at),
            intent,
            after_hours,
        });
        self.authors.push(author);
    }

    /// Authors in message order (with repeats; bots are not listed).
    pub fn authors(&self) -> &[usize] {
        &self.authors
    }

    /// Number of messages so far.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// The decided thread.
    pub fn finish(self) -> Thread {
        Thread {
            channel: self.channel,
            messages: self.messages,
        }
    }
}
