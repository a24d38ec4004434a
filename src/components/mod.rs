//! One component per file.

pub mod announcer;
pub mod app;
pub mod broker_settings;
pub mod charts_panel;
pub mod controls;
pub mod delivery_settings;
pub mod design_form;
pub mod dlq_panel;
pub mod effects_panel;
pub mod event_log;
pub mod fault_menu;
pub mod grade_view;
pub mod legend;
pub mod lesson_map;
pub mod lesson_panel;
pub mod metrics_panel;
pub mod node_button;
pub mod notices;
pub mod question_view;
pub mod rich_text;
pub mod run_details;
pub mod stage;
pub mod subscribers;
pub mod timeline_bar;
pub mod topic_panel;
pub mod wire_faults;
