//! Adds a downstream service (SMS, Fraud, Loyalty, Payment, or one removed earlier), reading
//! either new events only or the whole log from offset 0.

use crate::engine::EngineHandle;
use fanout_sim::delivery::StartFrom;
use fanout_sim::Action;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AddSubscriberProps {
    pub engine: EngineHandle,
    pub tick: u64,
    pub on_changed: Callback<Result<(), String>>,
}

#[component]
pub fn AddSubscriber(props: &AddSubscriberProps) -> Html {
    let select = use_node_ref();
    let from_select = use_node_ref();
    let options: Vec<(String, String)> = {
        let e = props.engine.borrow();
        let sim = &e.sim();
        sim.scenario()
            .catalog
            .iter()
            .enumerate()
            .filter(|(i, _)| !sim.wired().contains(&(*i as u16)))
            .map(|(_, s)| (s.key.clone(), s.name.clone()))
            .collect()
    };
    let onclick = {
        let (engine, on_changed, select, from_select) =
            (props.engine.clone(), props.on_changed.clone(), select.clone(), from_select.clone());
        Callback::from(move |_| {
            let Some(sel) = select.cast::<HtmlSelectElement>() else { return };
            let service = sel.value();
            let from = match from_select.cast::<HtmlSelectElement>().map(|s| s.value()).as_deref() {
                Some("earliest") => StartFrom::Earliest,
                _ => StartFrom::Latest,
            };
            if !service.is_empty() {
                on_changed.emit(engine.apply(Action::AddSubscriber { service, from }));
            }
        })
    };
    let none_left = options.is_empty();
    html! {
           <div class="add-subscriber">
               <label class="field">
                   <span>{ "Add a service" }</span>
                   <select ref={select} data-testid="add-subscriber-select" disabled={none_left}>
                       { for options.iter().map(|(k, n)| html! { <option value={k.clone()}>{ n.clone() }</option> }) }
                       if none_left { <option value="">{ "all services are wired in" }</option> }
                   </select>
    </label>
               <label class="field">
                   <span>{ "It reads" }</span>
                   <select ref={from_select} data-testid="add-from" disabled={none_left}>
                       <option value="latest" selected=true>{ "New events only" }</option>
                       <option value="earliest">{ "Replay from offset 0" }</option>
                   </select>
               </label>
               <button type="button" class="button" data-testid="add-subscriber" {onclick} disabled={none_left}>
                   { crate::icons::icon("plus") }<span>{ "Add" }</span>
               </button>
           </div>
       }
}
