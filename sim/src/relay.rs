//! Publishing the entry service's events: straight after the commit (the dual write), or
//! through the transactional outbox, whose relay publishes committed rows and marks them
//! sent. The relay is a process of its own beside the database: it keeps running when the
//! Order Service crashes, and it can crash or be stopped by itself.

use crate::message::{Message, MessageType, MsgKind, Node};
use crate::narration::{FailCause, NoteKind};
use crate::outbox::{OutboxView, RelayState, Row, BATCH, POLL_US, RESTART_US, TAIL_US};
use crate::scenario::Publishing;
use crate::sim::{Ev, Sim};

/// Pending rows the view carries; the page draws a few and counts the rest.
const ROWS_SHOWN: usize = 8;

impl Sim {
    /// The checkout reached the point where its event goes out: the commit is done. Under
    /// the dual write the event is published now; with an outbox it was committed with the
    /// order and the shopper is answered at once. Either way, this is where the crash fault
    /// strikes: after the commit, before the next step.
    pub(crate) fn committed(&mut self, order: u64) -> Committed {
        let share = self.faults.crash_after_commit();
        // Drawn per order, so that both publishing modes crash on the same orders.
        let crashed = share > 0.0 && self.outbox.rng_commit.unit([order, 0, 0]) < share;
        let kept = self.publishing.uses_outbox();
        if kept {
            self.commit_row(order, MessageType::ENTRY);
        }
        if crashed {
            self.fold(0xb100 | (kept as u64) << 8 | order << 16);
            self.outbox.commit_crashes += 1;
            if !kept {
                self.outbox.lost.crash_after_commit += 1;
            }
            self.note(order, NoteKind::CrashedAfterCommit { kept });
            self.fail(order, FailCause::CrashedAfterCommit);
            return Committed::Crashed;
        }
        if kept {
            Committed::InOutbox
        } else {
            Committed::PublishNow
        }
    }

    /// Writes the outbox row of `order`'s event of type `mtype`, in the same transaction as
    /// the change it announces, and makes sure the relay will come by.
    pub(crate) fn commit_row(&mut self, order: u64, mtype: MessageType) {
        let event = self.flows.next_event;
        self.flows.next_event += 1;
        let row = Row { event, order, mtype, committed_us: self.now, in_flight: false, stored: 0, sent_us: None };
        self.outbox.pending.push_back(row);
        self.outbox.committed += 1;
        self.schedule_relay();
    }

    /// Puts the relay's next pass on the agenda, if there is work and it can run: a polling
    /// relay looks at the next tick of its interval, a tailing one sees the commit shortly.
    fn schedule_relay(&mut self) {
        let o = &self.outbox;
        if o.scheduled || self.faults.relay_down() || !o.pending.iter().any(|r| !r.in_flight) {
            return;
        }
        let earliest = o.restart_until.max(o.retry_at);
        let at = if self.now < earliest {
            earliest
        } else if self.publishing == Publishing::OutboxTailing {
            self.now + TAIL_US
        } else {
            // Polling (and a table left to drain after a switch back to the dual write).
            (self.now / POLL_US + 1) * POLL_US
        };
        self.outbox.scheduled = true;
        self.push(at, Ev::Relay);
    }

    /// One pass of the relay: publish the pending rows not already on their way.
    pub(crate) fn relay_pass(&mut self) {
        self.outbox.scheduled = false;
        if self.faults.relay_down() {
            return;
        }
        if self.now < self.outbox.restart_until.max(self.outbox.retry_at) {
            return self.schedule_relay();
        }
        let mut sent: u64 = 0;
        for k in 0..self.outbox.pending.len() {
            if sent == BATCH as u64 {
                break;
            }
            let row = &mut self.outbox.pending[k];
            if row.in_flight {
                continue;
            }
            row.in_flight = true;
            let publish = Message::new(MsgKind::Publish, Node::Relay, Node::Broker, row.order, self.now);
            let m = Message { event: row.event, mtype: row.mtype, ..publish };
            sent += 1;
            self.post(m);
        }
        self.fold(0xb200 | sent << 16);
        // More rows than one batch: the next pass takes the rest.
        self.schedule_relay();
    }

    /// The broker answered one of the relay's publishes.
    pub(crate) fn relay_answered(&mut self, m: Message) {
        let Some(k) = self.outbox.row(m.event) else { return }; // marked already
        let row = &mut self.outbox.pending[k];
        if !row.in_flight {
            // Sent by the relay before it crashed: that process is gone and nobody reads this.
            return;
        }
        row.in_flight = false;
        if m.kind == MsgKind::PublishNack {
            // The broker is down: the row stays pending for a later pass.
            return self.relay_retry_later();
        }
        row.stored += 1;
        // The log holds this event once so far (the broker counted it before answering).
        let (event, order, first_store) = (row.event, row.order, !self.outbox.copied.get(row.event));
        // The crash strikes between the publish and the mark, and only on an event's first
        // copy in the log: a row published again can no longer crash the relay, so even a
        // relay that crashes every time it may makes progress.
        let share = self.faults.relay_crash();
        if first_store && share > 0.0 && self.outbox.rng_relay.unit([event, 0, 0]) < share {
            self.fold(0xb300 | event << 16);
            self.outbox.relay_crashes += 1;
            self.outbox.restart_until = self.now + RESTART_US;
            // Whatever the dead relay had on its way, it will never mark.
            for r in self.outbox.pending.iter_mut() {
                r.in_flight = false;
            }
            self.note(order, NoteKind::RelayCrashed { event });
            return self.schedule_relay();
        }
        let mut row = self.outbox.pending.remove(k).expect("found above");
        row.sent_us = Some(self.now);
        self.outbox.sent.push(row);
        self.outbox.marked += 1;
        self.schedule_relay();
    }

    /// The broker stored a row the relay published. Ground truth, kept here because the relay
    /// itself never knows: a second copy is counted as soon as it is in the log, before any
    /// consumer can meet it.
    pub(crate) fn relay_row_stored(&mut self, event: u64, order: u64) {
        if !self.outbox.stored.set(event) {
            self.outbox.republished += 1;
            self.outbox.copied.set(event);
            self.note(order, NoteKind::Republished { event });
        }
    }

    /// After a refusal, the relay tries again no sooner than the publish retry interval.
    fn relay_retry_later(&mut self) {
        self.outbox.retry_at = self.now + self.scenario.publish_retry_us;
        self.schedule_relay();
    }

    /// The relay was started again after a stop.
    pub(crate) fn relay_started(&mut self) {
        self.schedule_relay();
    }

    /// A consumer met a duplicate of `event`: was it a second copy the relay stored?
    pub(crate) fn count_duplicate_cause(&mut self, event: u64) {
        if self.outbox.copied.get(event) {
            self.outbox.duplicates_of_copies += 1;
        }
    }

    pub fn publishing(&self) -> Publishing {
        self.publishing
    }

    /// The outbox table and its relay, as the page shows them.
    pub fn outbox(&self) -> OutboxView {
        let o = &self.outbox;
        let relay = if self.faults.relay_down() {
            RelayState::Stopped
        } else if self.now < o.restart_until && o.relay_crashes > 0 {
            RelayState::Restarting
        } else if self.publishing.uses_outbox() || !o.pending.is_empty() {
            RelayState::Running
        } else {
            RelayState::Idle
        };
        OutboxView {
            pending: o.pending.iter().take(ROWS_SHOWN).copied().collect(),
            pending_total: o.pending.len(),
            sent: o.sent.iter().copied().collect(),
            committed: o.committed,
            marked: o.marked,
            republished: o.republished,
            relay_crashes: o.relay_crashes,
            commit_crashes: o.commit_crashes,
            relay,
            lost: o.lost,
            duplicates_of_copies: o.duplicates_of_copies,
        }
    }
}

/// What became of a checkout at its commit point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Committed {
    /// The dual write: publish the event now.
    PublishNow,
    /// The event is an outbox row; answer the shopper.
    InOutbox,
    /// The process died; the checkout has failed.
    Crashed,
}
