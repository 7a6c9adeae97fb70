//! The script that starts the app in the browser: it asks for the bundle once the page has been
//! painted.
//!
//! Leptos's `HydrationScripts` asks for the wasm and its JS from the head (`preload`), before the
//! first paint. Nothing of the first paint needs them: the server's HTML and the stylesheet are the
//! whole page, forms included. On a slow phone network the 630 KB of wasm then shared the line with
//! the stylesheet the paint waits for, and Lighthouse's model put the whole download before the
//! largest paint (docs/performance.md, "Lighthouse"). Here the bundle is asked for once the browser
//! has painted the page's first content; a page opened in a background tab, which paints nothing,
//! asks at once.

use leptos::prelude::*;

/// What the browser runs: `js` and `wasm` are the bundle's addresses. It starts once the browser
/// reports the first contentful paint; at once in a background tab (which paints nothing), in a
/// browser without paint timing or if observing fails; and after `backstop` milliseconds whatever
/// happened (armed first, so that nothing below can leave the page without its app).
const START: &str = r#"(function (js, wasm, backstop) {
	let started = false;
	const start = () => {
		if (started) return;
		started = true;
		import(js).then((app) => app.default({ module_or_path: wasm }).then(() => app.hydrate()));
	};
	setTimeout(start, backstop);
	if (document.hidden || typeof PerformanceObserver !== "function"
		|| !(PerformanceObserver.supportedEntryTypes || []).includes("paint")) {
		start();
		return;
	}
	try {
		new PerformanceObserver((list, observer) => {
			if (list.getEntriesByName("first-contentful-paint").length > 0) {
				observer.disconnect();
				start();
			}
		}).observe({ type: "paint", buffered: true });
	} catch (_) {
		start();
	}
})"#;

/// The longest the app waits for the first paint (a stylesheet that takes that long to arrive).
const BACKSTOP_MS: u32 = 3000;

/// Starts the app once the page is painted; in the `<head>` of the shell, after the stylesheet.
#[component]
pub fn Hydration(options: LeptosOptions) -> impl IntoView {
    let (js, wasm) = bundle_names(&options);
    let pkg = &options.site_pkg_dir;
    // As JavaScript strings; no `<` can end the script early.
    let quoted = |path: String| format!("{path:?}").replace('<', "\\u003c");
    let (js, wasm) = (quoted(format!("/{pkg}/{js}.js")), quoted(format!("/{pkg}/{wasm}.wasm")));
    let script = format!("{START}({js}, {wasm}, {BACKSTOP_MS});");
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// The names of the bundle's JS and wasm (without extension), as cargo-leptos wrote them: with
/// `hash-files`, the content hashes it lists in `hash.txt` beside the server binary (read once).
fn bundle_names(options: &LeptosOptions) -> (String, String) {
    let name = options.output_name.to_string();
    let (mut js, mut wasm) = (name.clone(), name);
    if options.hash_files {
        let (js_hash, wasm_hash) = bundle_hashes(&options.hash_file);
        for (file, hash) in [(&mut js, js_hash), (&mut wasm, wasm_hash)] {
            if let Some(hash) = hash {
                file.push('.');
                file.push_str(hash);
            }
        }
    } else if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
        // Built without cargo-leptos: wasm-bindgen's own name.
        wasm.push_str("_bg");
    }
    (js, wasm)
}

/// The `js:` and `wasm:` lines of the hash file `file` beside the server binary.
#[cfg(feature = "ssr")]
fn bundle_hashes(file: &str) -> (Option<&'static str>, Option<&'static str>) {
    static HASHES: std::sync::OnceLock<(Option<String>, Option<String>)> = std::sync::OnceLock::new();
    let (js, wasm) = HASHES.get_or_init(|| {
        let path = std::env::current_exe().map(|exe| exe.with_file_name(file));
        let text = path.and_then(std::fs::read_to_string).unwrap_or_else(|e| {
            tracing::error!("file hashing is on but the hash file cannot be read: {e}");
            String::new()
        });
        let hash = |kind: &str| {
            text.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == kind).then(|| hash.trim().to_owned())
            })
        };
        (hash("js"), hash("wasm"))
    });
    (js.as_deref(), wasm.as_deref())
}

/// The browser never renders the document's head.
#[cfg(not(feature = "ssr"))]
fn bundle_hashes(_file: &str) -> (Option<&'static str>, Option<&'static str>) {
    (None, None)
}
