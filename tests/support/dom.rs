//! Reading and clicking the DOM a mounted component renders, by test id: shared by the
//! component test files (each uses part of it).
#![allow(dead_code)]

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

pub fn find(root: &Element, test_id: &str) -> Element {
    try_find(root, test_id).unwrap_or_else(|| panic!("no element with data-testid={test_id}"))
}

pub fn try_find(root: &Element, test_id: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid=\"{test_id}\"]")).unwrap()
}

pub fn text(root: &Element, test_id: &str) -> String {
    find(root, test_id).text_content().unwrap_or_default()
}

/// Clicks the element and lets the app re-render.
pub async fn click(root: &Element, test_id: &str) {
    find(root, test_id).unchecked_into::<HtmlElement>().click();
    yew::scheduler::flush().await;
}
