//! Saving files from the page: a Blob, an object URL, a temporary `<a download>` clicked,
//! the URL revoked. Plus SVG to PNG, by drawing the SVG into an offscreen canvas.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, HtmlImageElement, Url};

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::JSON::stringify(&e).ok().map(String::from))
        .unwrap_or_else(|| "unknown error".into())
}

/// Saves `text` as a file called `name` of type `mime`.
pub fn text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(js_err)?;
    blob_file(name, &blob)
}

/// Saves a Blob as a file called `name`.
pub fn blob_file(name: &str, blob: &Blob) -> Result<(), String> {
    let url = Url::create_object_url_with_blob(blob).map_err(js_err)?;
    let document = gloo::utils::document();
    let a: HtmlAnchorElement = document.create_element("a").map_err(js_err)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    // Off-screen and hidden from assistive technology for the instant it exists.
    let _ = a.set_attribute("hidden", "");
    let body = gloo::utils::body();
    body.append_child(&a).map_err(js_err)?;
    a.click();
    a.remove();
    // Some browsers read the URL after the click returns: revoke it a moment later.
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Renders a standalone SVG (with width and height) to a PNG at `scale` times its size and
/// saves it; `done` hears how it went, since the image loads asynchronously.
pub fn png_from_svg(
    name: &str,
    svg: &str,
    size: (u32, u32),
    scale: f64,
    done: impl FnOnce(Result<(), String>) + 'static,
) {
    let start = || -> Result<(HtmlImageElement, HtmlCanvasElement), String> {
        let img = HtmlImageElement::new().map_err(js_err)?;
        let canvas: HtmlCanvasElement =
            gloo::utils::document().create_element("canvas").map_err(js_err)?.unchecked_into();
        canvas.set_width((size.0 as f64 * scale).round() as u32);
        canvas.set_height((size.1 as f64 * scale).round() as u32);
        Ok((img, canvas))
    };
    let (img, canvas) = match start() {
        Ok(pair) => pair,
        Err(e) => return done(Err(e)),
    };
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let finish = {
        let done = done.clone();
        move |r: Result<(), String>| {
            if let Some(f) = done.borrow_mut().take() {
                f(r)
            }
        }
    };
    let name = name.to_string();
    let on_load = {
        let (img2, finish) = (img.clone(), finish.clone());
        Closure::once_into_js(move || {
            let fin = finish.clone();
            let draw = || -> Result<(), String> {
                let ctx: web_sys::CanvasRenderingContext2d =
                    canvas.get_context("2d").map_err(js_err)?.ok_or("no 2D canvas")?.unchecked_into();
                ctx.scale(scale, scale).map_err(js_err)?;
                ctx.draw_image_with_html_image_element(&img2, 0.0, 0.0).map_err(js_err)?;
                let saved = Closure::once_into_js(move |b: JsValue| {
                    let r = match b.dyn_into::<Blob>() {
                        Ok(b) => blob_file(&name, &b),
                        Err(_) => Err("the browser made no PNG".into()),
                    };
                    fin(r)
                });
                canvas.to_blob(saved.unchecked_ref()).map_err(js_err)
            };
            if let Err(e) = draw() {
                finish(Err(e));
            }
        })
    };
    let on_error = Closure::once_into_js(move || finish(Err("the chart could not be drawn as an image".into())));
    img.set_onload(Some(on_load.unchecked_ref()));
    img.set_onerror(Some(on_error.unchecked_ref()));
    let url = format!("data:image/svg+xml;charset=utf-8,{}", js_sys::encode_uri_component(svg));
    img.set_src(&url);
}
