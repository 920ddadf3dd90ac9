//! Stacked bar charts in plain SVG: one bar per bucket, one colour per
//! series, with a legend and a text summary for screen readers.

use leptos::prelude::*;

const W: f64 = 720.0;
const H: f64 = 180.0;
const PAD_LEFT: f64 = 40.0;
const PAD_BOTTOM: f64 = 22.0;

/// One stacked series: its name, its CSS class, and a value per bucket.
pub struct Series {
    pub name: &'static str,
    pub class: &'static str,
    pub values: Vec<f64>,
}

#[component]
pub fn StackedBars(
    title: String,
    /// Bucket labels, as many as each series has values.
    labels: Vec<String>,
    series: Vec<Series>,
    /// How a value reads on the axis and in the summary.
    format: fn(f64) -> String,
) -> impl IntoView {
    let n = labels.len().max(1);
    let totals: Vec<f64> = (0..n)
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let max = totals.iter().copied().fold(0.0_f64, f64::max).max(1.0);
    let plot_w = W - PAD_LEFT;
    let plot_h = H - PAD_BOTTOM;
    let slot = plot_w / n as f64;
    let bar = (slot * 0.7).max(1.0);
    let summary = format!(
        "{title}: {}",
        series
            .iter()
            .map(|s| format!("{} {}", s.name, format(s.values.iter().sum())))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut rects = Vec::new();
    for i in 0..n {
        let mut y = plot_h;
        for s in &series {
            let v = s.values.get(i).copied().unwrap_or(0.0);
            if v <= 0.0 {
                continue;
            }
            let h = v / max * (plot_h - 8.0);
            y -= h;
            let tip = format!(
                "{}: {} {}",
                labels.get(i).cloned().unwrap_or_default(),
                s.name,
                format(v)
            );
            rects.push(view! {
                <rect class=s.class x=PAD_LEFT + i as f64 * slot + (slot - bar) / 2.0 y=y width=bar height=h>
                    <title>{tip}</title>
                </rect>
            });
        }
    }
    // First, middle and last bucket labels keep the axis readable.
    let ticks: Vec<usize> = if n <= 3 {
        (0..n).collect()
    } else {
        vec![0, n / 2, n - 1]
    };
    let axis = ticks
        .into_iter()
        .map(|i| {
            // The end labels stay inside the drawing.
            let (x, anchor) = match i {
                0 => (PAD_LEFT, "start"),
                i if i + 1 == n && n > 1 => (W, "end"),
                _ => (PAD_LEFT + (i as f64 + 0.5) * slot, "middle"),
            };
            view! {
                <text class="axis" x=x y=H - 6.0 text-anchor=anchor>
                    {labels.get(i).cloned().unwrap_or_default()}
                </text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=summary preserveAspectRatio="none">
                <line class="axis-line" x1=PAD_LEFT y1=plot_h x2=W y2=plot_h/>
                <text class="axis" x=PAD_LEFT - 4.0 y=12.0 text-anchor="end">{format(max)}</text>
                <text class="axis" x=PAD_LEFT - 4.0 y=plot_h text-anchor="end">"0"</text>
                {rects}
                {axis}
            </svg>
            <ul class="legend">
                {series.iter().map(|s| view! { <li><span class=format!("swatch {}", s.class)></span>{s.name}</li> }).collect_view()}
            </ul>
        </figure>
    }
}
