//! The hosted cancel page's bundle.

// Talc instead of the default dlmalloc: a smaller allocator, for a page
// with a 100 KB budget (see BENCHMARKS.md).
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    leptos::mount::mount_to_body(holdfast_app::CancelApp);
}
