//! A component mounted for one test and unmounted when the test ends: its effects are
//! cleaned up (the lab's animation loop stops) and its root leaves the document, so tests do
//! not pile up running apps in one page. One type for any component, so that a test can keep
//! several different ones in a list.

use std::ops::Deref;
use web_sys::Element;
use yew::BaseComponent;

pub struct Mounted {
    root: Element,
    destroy: Option<Box<dyn FnOnce()>>,
}

impl Mounted {
    /// Renders `C` into `root` (already in the document) and lets it settle.
    pub async fn new<C: BaseComponent>(root: Element, props: C::Properties) -> Self {
        let handle = yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
        yew::scheduler::flush().await;
        Mounted { root, destroy: Some(Box::new(move || handle.destroy())) }
    }
}

impl Deref for Mounted {
    type Target = Element;
    fn deref(&self) -> &Element {
        &self.root
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(destroy) = self.destroy.take() {
            destroy();
        }
        self.root.remove();
    }
}
