//! A panic must never leave a blank page: show the error panel from index.html with what
//! happened and a reload button.

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        gloo::console::error!(format!("Fanout panicked: {message}"));
        show(&message);
    }));
}

/// Reveals the error panel with `message`; safe to call from anywhere, any number of times.
pub fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Some(detail) = document.get_element_by_id("error-detail") {
        detail.set_text_content(Some(message));
    }
    if let Some(panel) = document.get_element_by_id("error-panel") {
        let _ = panel.remove_attribute("hidden");
    }
}
