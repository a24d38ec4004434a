//! A run's interventions written as short text, so that a link can carry them: `12.5s:buy`,
//! `3s:inject:crash:email`, `0s:add:sms`. A step is a moment and an action; a moment may
//! also name how many events had been processed (`12.5s/4120:buy`) when the intervention was
//! made between two events of the same microsecond, which only single-stepping can do.
//!
//! Parsing only checks the form; whether the lab accepts the action is the simulation's
//! call when the step is replayed. Every action's text parses back to the same action.

use crate::compat::Compatibility;
use crate::delivery::{Guarantee, RetryPolicy, StartFrom};
use crate::fault::FaultSpec;
use crate::input::Action;
use crate::projection::ProjectionKind;
use crate::saga::SagaStyle;
use crate::scenario::{CallMode, PublishPolicy, Publishing, Storage, Wiring};
pub use crate::time::seconds_text;
use crate::time::{duration_spec, parse_duration, Micros};
use crate::topic::PartitionKey;

/// The accepted action forms, quoted in every parse error.
pub const ACTION_FORMS: &str = "buy, rate:PER_SECOND, wiring:request|event, calls:sequential|parallel, \
publish:fail|buffer-and-retry, publishing:direct|outbox-polling|outbox-tailing, saga:orchestrated|choreographed, saga-timeouts:on|off, storage:rows|event-sourced, snapshots:N, replay-guard:on|off, trace-links:on|off, alert-for:RULE:DURATION, \
rebuild:history|dashboard|emails, delete-snapshot:history|dashboard|emails, deploy:MESSAGE:PROPOSAL, \
producer:MESSAGE:VERSION, reader:SERVICE:MESSAGE:VERSION, compatibility:MESSAGE:MODE, add:SERVICE[:earliest], remove:SERVICE, inject:FAULT, clear:FAULT, \
guarantee:SERVICE:at-least-once|at-most-once, idempotent:SERVICE:on|off, sync:SERVICE:on|off, \
retry:SERVICE:ATTEMPTS,BASE,CAP, consumers:SERVICE:N, partitions:N, key:order|user|none, \
cancel-share:SHARE, redrive:SERVICE[:EVENT] (FAULT as in fault=, e.g. crash:email)";

/// One intervention at its moment of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub at_us: Micros,
    /// Events processed before it, when that is not simply every event up to `at_us`.
    pub events: Option<u64>,
    pub action: Action,
}

impl Step {
    /// Parses `MOMENT:ACTION`, e.g. `12.5s:rate:5` or `4s/1033:buy`.
    pub fn parse(s: &str) -> Result<Step, String> {
        let wrap = |why: String| format!("`{s}` is not a step ({why}); write MOMENT:ACTION, e.g. 12.5s:buy");
        let (moment, action) = s.split_once(':').ok_or_else(|| wrap("no action".into()))?;
        let (at_us, events) = parse_moment(moment).map_err(wrap)?;
        let action = parse_action(action)?;
        Ok(Step { at_us, events, action })
    }

    pub fn text(&self) -> String {
        format!("{}:{}", moment_text(self.at_us, self.events), action_text(&self.action))
    }
}

/// `12.5s`, or `12.5s/4120` with an event count.
pub fn moment_text(at_us: Micros, events: Option<u64>) -> String {
    match events {
        Some(n) => format!("{}/{n}", seconds_text(at_us)),
        None => seconds_text(at_us),
    }
}

/// Reads a moment as [`moment_text`] writes it; any duration form is accepted (`1500ms`).
pub fn parse_moment(s: &str) -> Result<(Micros, Option<u64>), String> {
    let (time, events) = match s.split_once('/') {
        Some((t, n)) => {
            let n = n.parse::<u64>().map_err(|_| format!("`{n}` is not a number of events"))?;
            (t, Some(n))
        }
        None => (s, None),
    };
    Ok((parse_duration(time)?, events))
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

/// The text of an action, which [`parse_action`] reads back to the same action.
pub fn action_text(a: &Action) -> String {
    match a {
        Action::BuyNow => "buy".into(),
        Action::SetRate { rate } => format!("rate:{rate}"),
        Action::SetWiring { wiring } => format!("wiring:{}", wiring.key()),
        Action::SetCallMode { mode } => format!("calls:{}", mode.key()),
        Action::SetPublishPolicy { policy } => format!("publish:{}", policy.key()),
        Action::SetPublishing { publishing } => format!("publishing:{}", publishing.key()),
        Action::SetSagaStyle { style } => format!("saga:{}", style.key()),
        Action::SetSagaTimeouts { on } => format!("saga-timeouts:{}", on_off(*on)),
        Action::SetStorage { storage } => format!("storage:{}", storage.key()),
        Action::SetSnapshots { every } => format!("snapshots:{every}"),
        Action::SetReplayGuard { on } => format!("replay-guard:{}", on_off(*on)),
        Action::SetTraceLinks { on } => format!("trace-links:{}", on_off(*on)),
        Action::SetAlertFor { rule, for_us } => format!("alert-for:{rule}:{}", duration_spec(*for_us)),
        Action::Rebuild { projection } => format!("rebuild:{}", projection.key()),
        Action::DeleteSnapshot { projection } => format!("delete-snapshot:{}", projection.key()),
        Action::Deploy { message, proposal } => format!("deploy:{message}:{proposal}"),
        Action::SetProducerVersion { message, version } => format!("producer:{message}:{version}"),
        Action::SetReaderVersion { service, message, version } => format!("reader:{service}:{message}:{version}"),
        Action::SetCompatibility { message, compatibility } => {
            format!("compatibility:{message}:{}", compatibility.key())
        }
        Action::AddSubscriber { service, from: StartFrom::Latest } => format!("add:{service}"),
        Action::AddSubscriber { service, from: StartFrom::Earliest } => format!("add:{service}:earliest"),
        Action::RemoveSubscriber { service } => format!("remove:{service}"),
        Action::Inject { fault } => format!("inject:{}", fault.spec()),
        Action::Clear { fault } => format!("clear:{}", fault.spec()),
        Action::SetGuarantee { service, guarantee } => format!("guarantee:{service}:{}", guarantee.key()),
        Action::SetIdempotent { service, on } => format!("idempotent:{service}:{}", on_off(*on)),
        Action::SetSync { service, on } => format!("sync:{service}:{}", on_off(*on)),
        Action::SetRetry { service, retry } => format!(
            "retry:{service}:{},{},{}",
            retry.max_attempts,
            duration_spec(retry.base_us),
            duration_spec(retry.cap_us)
        ),
        Action::SetConsumers { service, consumers } => format!("consumers:{service}:{consumers}"),
        Action::SetPartitions { partitions } => format!("partitions:{partitions}"),
        Action::SetPartitionKey { key } => format!("key:{}", key.key()),
        Action::SetCancelShare { share } => format!("cancel-share:{share}"),
        Action::Redrive { service, event: None } => format!("redrive:{service}"),
        Action::Redrive { service, event: Some(e) } => format!("redrive:{service}:{e}"),
    }
}

/// Parses an action as [`action_text`] writes it.
pub fn parse_action(s: &str) -> Result<Action, String> {
    let wrap = |why: &str| format!("`{s}` is not an action ({why}); accepted forms: {ACTION_FORMS}");
    let (verb, rest) = s.split_once(':').unwrap_or((s, ""));
    let args: Vec<&str> = if rest.is_empty() { Vec::new() } else { rest.split(':').collect() };
    let service = |k: usize| -> Result<String, String> {
        match args.get(k) {
            Some(s) if !s.is_empty() && !s.contains([',', '/', '=']) => Ok(s.to_string()),
            _ => Err(wrap("it needs a service")),
        }
    };
    let number = |k: usize| -> Result<f64, String> {
        args.get(k)
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .ok_or_else(|| wrap("a number is missing"))
    };
    let count = |k: usize| -> Result<u64, String> {
        args.get(k).and_then(|v| v.parse::<u64>().ok()).ok_or_else(|| wrap("a whole number is missing"))
    };
    let switch = |k: usize| -> Result<bool, String> {
        match args.get(k).copied() {
            Some("on") => Ok(true),
            Some("off") => Ok(false),
            _ => Err(wrap("say on or off")),
        }
    };
    // A message type's name or a proposal's key: a word, as ids are.
    let name = |k: usize| -> Result<String, String> {
        match args.get(k) {
            Some(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => {
                Ok(s.to_string())
            }
            _ => Err(wrap("a message type's name or a proposal's key is missing")),
        }
    };
    let version = |k: usize| -> Result<u32, String> {
        args.get(k)
            .and_then(|v| v.trim_start_matches('v').parse::<u32>().ok())
            .filter(|&v| v > 0)
            .ok_or_else(|| wrap("a schema version (1 or more) is missing"))
    };
    let arity = |n: usize| if args.len() == n { Ok(()) } else { Err(wrap("wrong number of parts")) };
    let fault = || {
        let spec = FaultSpec::parse(rest).map_err(|why| format!("`{s}`: {why}"))?;
        if spec.from_us != 0 || spec.until_us.is_some() {
            return Err(wrap("a step's fault takes no time window: the step's moment is its time"));
        }
        Ok(spec.fault)
    };
    let action = match verb {
        "buy" => {
            arity(0)?;
            Action::BuyNow
        }
        "rate" => {
            arity(1)?;
            Action::SetRate { rate: number(0)? }
        }
        "wiring" => {
            arity(1)?;
            Action::SetWiring { wiring: Wiring::parse(args[0]).ok_or_else(|| wrap("request or event"))? }
        }
        "calls" => {
            arity(1)?;
            Action::SetCallMode { mode: CallMode::parse(args[0]).ok_or_else(|| wrap("sequential or parallel"))? }
        }
        "publish" => {
            arity(1)?;
            let policy = PublishPolicy::parse(args[0]).ok_or_else(|| wrap("fail or buffer-and-retry"))?;
            Action::SetPublishPolicy { policy }
        }
        "publishing" => {
            arity(1)?;
            let publishing =
                Publishing::parse(args[0]).ok_or_else(|| wrap("direct, outbox-polling or outbox-tailing"))?;
            Action::SetPublishing { publishing }
        }
        "saga" => {
            arity(1)?;
            let style = SagaStyle::parse(args[0]).ok_or_else(|| wrap("orchestrated or choreographed"))?;
            Action::SetSagaStyle { style }
        }
        "saga-timeouts" => {
            arity(1)?;
            Action::SetSagaTimeouts { on: switch(0)? }
        }
        "storage" => {
            arity(1)?;
            Action::SetStorage { storage: Storage::parse(args[0]).ok_or_else(|| wrap("rows or event-sourced"))? }
        }
        "snapshots" => {
            arity(1)?;
            Action::SetSnapshots { every: count(0)? }
        }
        "replay-guard" => {
            arity(1)?;
            Action::SetReplayGuard { on: switch(0)? }
        }
        "trace-links" => {
            arity(1)?;
            Action::SetTraceLinks { on: switch(0)? }
        }
        "alert-for" => {
            arity(2)?;
            let for_us = parse_duration(args[1]).map_err(|why| wrap(&why))?;
            Action::SetAlertFor { rule: name(0)?, for_us }
        }
        "rebuild" | "delete-snapshot" => {
            arity(1)?;
            let projection =
                ProjectionKind::parse(args[0]).ok_or_else(|| wrap("a read model: history, dashboard or emails"))?;
            if verb == "rebuild" {
                Action::Rebuild { projection }
            } else {
                Action::DeleteSnapshot { projection }
            }
        }
        "deploy" => {
            arity(2)?;
            Action::Deploy { message: name(0)?, proposal: name(1)? }
        }
        "producer" => {
            arity(2)?;
            Action::SetProducerVersion { message: name(0)?, version: version(1)? }
        }
        "reader" => {
            arity(3)?;
            Action::SetReaderVersion { service: service(0)?, message: name(1)?, version: version(2)? }
        }
        "compatibility" => {
            arity(2)?;
            let compatibility = Compatibility::parse(args[1]).ok_or_else(|| {
                wrap(
                    "a mode: NONE, BACKWARD, FORWARD, FULL, BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE or FULL_TRANSITIVE",
                )
            })?;
            Action::SetCompatibility { message: name(0)?, compatibility }
        }
        "add" => {
            let from = match args.get(1).copied() {
                None if args.len() == 1 => StartFrom::Latest,
                Some("earliest") if args.len() == 2 => StartFrom::Earliest,
                _ => return Err(wrap("add:SERVICE or add:SERVICE:earliest")),
            };
            Action::AddSubscriber { service: service(0)?, from }
        }
        "remove" => {
            arity(1)?;
            Action::RemoveSubscriber { service: service(0)? }
        }
        "inject" => Action::Inject { fault: fault()? },
        "clear" => Action::Clear { fault: fault()? },
        "guarantee" => {
            arity(2)?;
            let guarantee = Guarantee::parse(args[1]).ok_or_else(|| wrap("at-least-once or at-most-once"))?;
            Action::SetGuarantee { service: service(0)?, guarantee }
        }
        "idempotent" => {
            arity(2)?;
            Action::SetIdempotent { service: service(0)?, on: switch(1)? }
        }
        "sync" => {
            arity(2)?;
            Action::SetSync { service: service(0)?, on: switch(1)? }
        }
        "retry" => {
            arity(2)?;
            let parts: Vec<&str> = args[1].split(',').collect();
            let [attempts, base, cap] = parts[..] else { return Err(wrap("retry:SERVICE:ATTEMPTS,BASE,CAP")) };
            let max_attempts = attempts.parse::<u32>().map_err(|_| wrap("attempts must be a whole number"))?;
            let base_us = parse_duration(base).map_err(|why| wrap(&why))?;
            let cap_us = parse_duration(cap).map_err(|why| wrap(&why))?;
            Action::SetRetry { service: service(0)?, retry: RetryPolicy { max_attempts, base_us, cap_us } }
        }
        "consumers" => {
            arity(2)?;
            let consumers = u16::try_from(count(1)?).map_err(|_| wrap("too many consumers"))?;
            Action::SetConsumers { service: service(0)?, consumers }
        }
        "partitions" => {
            arity(1)?;
            Action::SetPartitions { partitions: u16::try_from(count(0)?).map_err(|_| wrap("too many partitions"))? }
        }
        "key" => {
            arity(1)?;
            Action::SetPartitionKey { key: PartitionKey::parse(args[0]).ok_or_else(|| wrap("order, user or none"))? }
        }
        "cancel-share" => {
            arity(1)?;
            Action::SetCancelShare { share: number(0)? }
        }
        "redrive" => {
            let event = match args.len() {
                1 => None,
                2 => Some(count(1)?),
                _ => return Err(wrap("redrive:SERVICE or redrive:SERVICE:EVENT")),
            };
            Action::Redrive { service: service(0)?, event }
        }
        _ => return Err(wrap("unknown action")),
    };
    Ok(action)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::Fault;
    use crate::time::{MS, SEC};

    #[test]
    fn seconds_are_exact_to_the_microsecond() {
        assert_eq!(seconds_text(0), "0s");
        assert_eq!(seconds_text(12_500 * MS), "12.5s");
        assert_eq!(seconds_text(3 * SEC + 17), "3.000017s");
        for us in [0, 1, 999_999, 3_217_583, 599 * SEC + 1, 3_600 * SEC] {
            assert_eq!(parse_moment(&seconds_text(us)).unwrap(), (us, None), "{us}");
        }
        assert_eq!(parse_moment("4s/1033").unwrap(), (4 * SEC, Some(1033)));
    }

    #[test]
    fn steps_read_back_and_bad_ones_are_named() {
        let step = Step {
            at_us: 3_250 * MS,
            events: Some(12),
            action: Action::Inject { fault: Fault::Slow { service: "analytics".into(), extra_us: 2 * SEC } },
        };
        assert_eq!(step.text(), "3.25s/12:inject:slow:analytics:2000ms");
        assert_eq!(Step::parse(&step.text()).unwrap(), step);
        let e = Step::parse("3s:melt:email").unwrap_err();
        assert!(e.contains("unknown action") && e.contains("accepted forms"), "{e}");
        assert!(Step::parse("soon:buy").unwrap_err().contains("not a duration"));
        assert!(Step::parse("3s:inject:crash:email:5s-").unwrap_err().contains("time window"));
        assert!(Step::parse("3s:idempotent:email:maybe").unwrap_err().contains("on or off"));
        assert!(Step::parse("buy").unwrap_err().contains("MOMENT:ACTION"));
    }
}
