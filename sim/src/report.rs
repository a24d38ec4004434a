//! The summary of a run that the CLI prints and the page's determinism test compares.

use crate::metrics::Percentiles;
use crate::sim::{Headline, Sim};
use crate::time::{as_ms, Micros};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct SubscriberReport {
    pub key: String,
    pub name: String,
    /// Events processed (event-driven).
    pub processed: u64,
    /// Work finished successfully: calls (request-driven) and events alike.
    pub handled: u64,
    pub lag: u64,
    pub delay_p95_ms: f64,
    /// `at-least-once` or `at-most-once`.
    pub guarantee: String,
    pub idempotent: bool,
    /// Kept synchronous: called directly before the event is published (event-driven), and
    /// so not subscribed to it.
    pub sync: bool,
    /// Events in the dead-letter queue.
    pub dead: u64,
    /// Events lost, by any named cause.
    pub lost: u64,
    /// Side effects applied again for an event already applied.
    pub duplicates: u64,
    /// Duplicates the idempotent consumer recognised and skipped.
    pub skipped: u64,
    /// Cancellations processed before the order they cancel.
    pub out_of_order: u64,
    /// Events processed for the first time after a later event of their partition.
    pub order_violations: u64,
    /// Deliveries made again: after a crash, a lost acknowledgement or a failure.
    pub redeliveries: u64,
    /// The side effect as the service holds it, e.g. "12 emails sent".
    pub effect: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub scenario: String,
    pub wiring: String,
    pub seed: u64,
    pub duration_s: f64,
    pub rate: f64,
    /// Partitions of the topic at the end, and what picks an event's partition.
    pub partitions: u16,
    pub partition_key: String,
    pub faults: Vec<String>,
    /// Stable 64-bit hash of the whole trace, as 16 hex digits.
    pub trace_hash: String,
    pub checkouts: Headline,
    pub response_ms: MsPercentiles,
    pub subscribers: Vec<SubscriberReport>,
    /// How the entry service publishes, and what its outbox and the dual write did.
    pub publishing: PublishingReport,
    /// The sagas, for a system with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sagas: Option<SagaReport>,
    /// How the entry service keeps its orders, and its event store's read models.
    pub storage: StorageReport,
    /// The schema registry's subjects, for a system that declares schemas.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<SubjectReport>,
    /// Rate, errors and durations over the last 10 s: the entry request, then each service.
    pub red: Vec<crate::report_alerts::RedReport>,
    /// The alert rules, where each stands, and every change of state.
    pub alerts: crate::report_alerts::AlertsReport,
}

#[derive(Clone, Debug, Serialize)]
pub struct SubjectReport {
    /// The event type: `OrderPlaced`.
    pub message: String,
    /// The registry's mode at the end: `BACKWARD`.
    pub compatibility: String,
    /// The version its producer writes at the end.
    pub producer: u32,
    /// Registered versions, each with its fields (`name`, or `name?` for a field with a default).
    pub versions: Vec<VersionReport>,
    /// Every registration asked, in order.
    pub registrations: Vec<RegistrationReport>,
    /// Per wired service: the version it reads with, and the events it could not read.
    pub readers: Vec<ReaderReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct VersionReport {
    pub version: u32,
    pub fields: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegistrationReport {
    pub at_s: f64,
    /// The proposal's key; absent for the declared first version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal: Option<String>,
    /// `registered`, `already-registered` or `refused`.
    pub outcome: String,
    /// The version registered or found; for a refusal, the version it conflicts with.
    pub version: u32,
    /// For a refusal: `new-reads-old` (BACKWARD) or `old-reads-new` (FORWARD), the field, and
    /// `missing-required` or `type-changed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReaderReport {
    pub service: String,
    pub version: u32,
    pub unreadable: u64,
}

impl SubjectReport {
    fn all(sim: &Sim) -> Vec<SubjectReport> {
        use crate::compat::{Direction, Incompatible};
        use crate::schema_registry::Outcome;
        let Some(v) = sim.schema_view() else { return Vec::new() };
        let sc = sim.scenario();
        v.subjects
            .iter()
            .map(|s| SubjectReport {
                message: sc.type_name(s.mtype).to_string(),
                compatibility: s.mode.key().into(),
                producer: s.producer,
                versions: s
                    .versions
                    .iter()
                    .map(|(version, fields)| VersionReport {
                        version: *version,
                        fields: fields
                            .iter()
                            .map(|f| if f.has_default { format!("{}?", f.name) } else { f.name.clone() })
                            .collect(),
                    })
                    .collect(),
                registrations: s
                    .history
                    .iter()
                    .map(|r| {
                        let proposal = r.proposal.map(|p| s.proposals[p as usize].0.clone());
                        let base = RegistrationReport {
                            at_s: crate::time::as_secs(r.at_us),
                            proposal,
                            outcome: String::new(),
                            version: 0,
                            direction: None,
                            field: None,
                            reason: None,
                        };
                        match &r.outcome {
                            Outcome::Registered { version } => {
                                RegistrationReport { outcome: "registered".into(), version: *version, ..base }
                            }
                            Outcome::AlreadyRegistered { version } => {
                                RegistrationReport { outcome: "already-registered".into(), version: *version, ..base }
                            }
                            Outcome::Refused { conflict, .. } => {
                                let (field, reason) = match &conflict.reason {
                                    Incompatible::MissingRequired { field } => (field.clone(), "missing-required"),
                                    Incompatible::TypeChanged { field, .. } => (field.clone(), "type-changed"),
                                };
                                let direction = match conflict.direction {
                                    Direction::NewReadsOld => "new-reads-old",
                                    Direction::OldReadsNew => "old-reads-new",
                                };
                                RegistrationReport {
                                    outcome: "refused".into(),
                                    version: conflict.version,
                                    direction: Some(direction.into()),
                                    field: Some(field),
                                    reason: Some(reason.into()),
                                    ..base
                                }
                            }
                        }
                    })
                    .collect(),
                readers: sim
                    .wired()
                    .iter()
                    .map(|&i| ReaderReport {
                        service: sc.catalog[i as usize].key.clone(),
                        version: s.readers[i as usize],
                        unreadable: v.unreadable[i as usize],
                    })
                    .collect(),
            })
            .collect()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct StorageReport {
    /// `rows` or `event-sourced`, as set at the end.
    pub mode: String,
    /// Events in the store's log.
    pub events: u64,
    /// Appends refused for a stale expected version, each retried.
    pub conflicts: u64,
    /// Row changes a second writer overwrote unseen.
    pub lost_updates: u64,
    /// A snapshot of each read model every this many events (0: none).
    pub snapshot_every: u64,
    pub replay_guard: bool,
    /// The fold of the whole log.
    pub orders: u64,
    pub cancelled: u64,
    pub sales_cents: i64,
    pub read_models: Vec<ReadModelReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReadModelReport {
    /// `history`, `dashboard` or `emails`.
    pub name: String,
    pub position: u64,
    pub checkpoint: u64,
    pub lag_events: u64,
    pub lag_ms: f64,
    /// Its figures differ from the fold of the log up to its position.
    pub wrong: bool,
    pub sales_cents: i64,
    pub emails_sent: u64,
    pub emails_resent: u64,
    pub emails_held_back: u64,
    /// The latest finished rebuild: where it started, events read, how long it took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_rebuild: Option<RebuildReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RebuildReport {
    pub from: u64,
    pub replayed: u64,
    pub took_ms: f64,
    pub resent: u64,
}

impl StorageReport {
    fn of(sim: &Sim) -> StorageReport {
        let v = sim.sourcing_view();
        let ms = |us: crate::time::Micros| us as f64 / 1_000.0;
        StorageReport {
            mode: v.storage.key().into(),
            events: v.events,
            conflicts: v.conflicts,
            lost_updates: v.lost_updates,
            snapshot_every: v.snapshot_every,
            replay_guard: v.replay_guard,
            orders: v.figures.orders,
            cancelled: v.figures.cancelled,
            sales_cents: v.figures.sales_cents,
            read_models: v
                .projections
                .iter()
                .map(|p| ReadModelReport {
                    name: p.kind.key().into(),
                    position: p.position,
                    checkpoint: p.checkpoint,
                    lag_events: p.lag_events,
                    lag_ms: ms(p.lag_us),
                    wrong: p.wrong(),
                    sales_cents: p.figures.sales_cents,
                    emails_sent: p.emails.sent,
                    emails_resent: p.emails.resent,
                    emails_held_back: p.emails.held_back,
                    last_rebuild: p.last_rebuild.map(|d| RebuildReport {
                        from: d.from,
                        replayed: d.replayed,
                        took_ms: ms(d.took_us),
                        resent: d.resent,
                    }),
                })
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SagaReport {
    /// `orchestrated` or `choreographed`, as set at the end.
    pub style: String,
    pub timeouts: bool,
    pub started: u64,
    pub completed: u64,
    pub compensated: u64,
    pub running: u64,
    /// Not final, with nothing left that could move them on.
    pub stuck: u64,
    /// Compensations that paid out a second time for the same saga step.
    pub paid_twice: u64,
    /// Per step, in order: its service, and what its transactions and compensations moved
    /// (items, or cents).
    pub books: Vec<StepBooksReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StepBooksReport {
    pub service: String,
    pub books: String,
    pub done: i64,
    pub undone: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PublishingReport {
    /// `direct`, `outbox-polling` or `outbox-tailing`.
    pub mode: String,
    /// Outbox rows written, marked sent, and still pending.
    pub committed: u64,
    pub marked: u64,
    pub pending: u64,
    pub relay_crashes: u64,
    /// Rows the broker stored a second time after a relay crash.
    pub republished: u64,
    /// Times the entry service died right after a commit, in either mode.
    pub commit_crashes: u64,
    /// Orders saved whose event never reached the broker, by cause.
    pub lost_orders: LostReport,
    /// Duplicates the consumers met, by cause: a second copy in the log (from the relay) or
    /// the broker delivering the same copy again.
    pub duplicates: DuplicateReport,
}

#[derive(Clone, Debug, Serialize)]
pub struct LostReport {
    pub crash_after_commit: u64,
    pub broker_refused: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct DuplicateReport {
    pub republished: u64,
    pub redelivered: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct MsPercentiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

impl MsPercentiles {
    pub fn of(p: &Percentiles) -> Self {
        MsPercentiles { p50: as_ms(p.p50_us), p95: as_ms(p.p95_us), p99: as_ms(p.p99_us) }
    }
}

impl Report {
    /// Summarises `sim` as it stands; response times cover the whole run.
    pub fn of(sim: &Sim, fault_specs: &[String]) -> Report {
        let headline = sim.headline();
        let all = sim.response_between(0, sim.now());
        let subscribers = sim
            .wired()
            .iter()
            .map(|&i| {
                let spec = &sim.scenario().catalog[i as usize];
                let sub = sim.subscription(i);
                let consumer = sim.consumer(i);
                let p95 = Percentiles::of(sub.delays.iter().copied().collect::<Vec<Micros>>()).p95_us;
                SubscriberReport {
                    key: spec.key.clone(),
                    name: spec.name.clone(),
                    processed: sub.processed,
                    handled: sim.service_view(i).processed,
                    lag: sub.lag(),
                    delay_p95_ms: as_ms(p95),
                    guarantee: sub.settings.guarantee.key().into(),
                    idempotent: sub.settings.idempotent,
                    sync: sim.is_sync(i),
                    dead: sub.dlq.len() as u64,
                    lost: sub.lost(),
                    duplicates: consumer.duplicates,
                    skipped: consumer.skipped,
                    out_of_order: consumer.out_of_order,
                    order_violations: sub.order_violations,
                    redeliveries: sub.redeliveries,
                    effect: consumer.describe(),
                }
            })
            .collect();
        Report {
            scenario: sim.scenario().id.clone(),
            wiring: sim.wiring().key().into(),
            seed: sim.seed(),
            duration_s: crate::time::as_secs(sim.now()),
            rate: sim.rate(),
            partitions: sim.topic().partition_count(),
            partition_key: sim.topic().key.key().into(),
            faults: fault_specs.to_vec(),
            trace_hash: sim.trace_hash_hex(),
            response_ms: MsPercentiles::of(&all),
            checkouts: headline,
            publishing: PublishingReport::of(sim),
            storage: StorageReport::of(sim),
            schemas: SubjectReport::all(sim),
            red: crate::report_alerts::RedReport::all(sim),
            alerts: crate::report_alerts::AlertsReport::of(sim),
            sagas: sim.sagas().map(|v| SagaReport {
                style: v.style.key().into(),
                timeouts: v.timeouts,
                started: v.started,
                completed: v.completed,
                compensated: v.compensated,
                running: v.running,
                stuck: v.stuck,
                paid_twice: v.paid_twice,
                books: v
                    .books
                    .iter()
                    .zip(&sim.scenario().saga.as_ref().expect("a saga").steps)
                    .map(|(b, s)| StepBooksReport {
                        service: sim.scenario().catalog[s.service as usize].key.clone(),
                        books: <&str>::from(s.books).into(),
                        done: b.done,
                        undone: b.undone,
                    })
                    .collect(),
            }),
            subscribers,
        }
    }
}

impl PublishingReport {
    fn of(sim: &Sim) -> PublishingReport {
        let o = sim.outbox();
        // Every duplicate any consumer met, applied or skipped, whatever it was wired as.
        let all: u64 = (0..sim.scenario().catalog.len() as u16)
            .map(|i| sim.consumer(i).duplicates + sim.consumer(i).skipped)
            .sum();
        PublishingReport {
            mode: sim.publishing().key().into(),
            committed: o.committed,
            marked: o.marked,
            pending: o.pending_total as u64,
            relay_crashes: o.relay_crashes,
            republished: o.republished,
            commit_crashes: o.commit_crashes,
            lost_orders: LostReport {
                crash_after_commit: o.lost.crash_after_commit,
                broker_refused: o.lost.broker_refused,
            },
            duplicates: DuplicateReport {
                republished: o.duplicates_of_copies,
                redelivered: all - o.duplicates_of_copies.min(all),
            },
        }
    }
}
