//! What the billing rules cost per subscription, to set the pure-CPU share of the
//! 100,000-subscription benchmark planned in `docs/design/billing.md`: for N subscriptions
//! (every interval, start days spread over 2020-2024), the time to read a schedule back from
//! its stored JSON and find its next period to bill (what a billing pass does per row), to
//! list two years of catch-up after downtime, and to render invoice numbers.
//!
//! `cargo run --release --example billing_rules [N, default 100000]`

use std::hint::black_box;
use std::time::Instant;

use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use portaal::billing::{Interval, NumberFormat, Schedule, Segment, billing_instant};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("N must be a whole number"))
        .unwrap_or(100_000);
    let tz = TimeZone::get("Europe/Amsterdam").expect("the bundled zone database has Amsterdam");
    let stored: Vec<(String, Date)> = (0..n)
        .map(|i| {
            let interval = Interval::ALL[i % Interval::ALL.len()];
            let start = date(2020, 1, 1)
                .checked_add(jiff::Span::new().days(i64::try_from(i % 1827).unwrap()))
                .unwrap();
            let segments = [Segment {
                from: start,
                interval,
            }];
            (serde_json::to_string(&segments).unwrap(), start)
        })
        .collect();
    let now = billing_instant(date(2026, 6, 1), &tz).unwrap();

    let clock = Instant::now();
    let mut due_now = 0usize;
    for (json, created_on) in &stored {
        let segments: Vec<Segment> = serde_json::from_str(json).unwrap();
        let schedule = Schedule::restore(segments, *created_on, None).unwrap();
        let next = schedule.next_to_bill(date(2026, 5, 20), &tz).unwrap();
        due_now += usize::from(next.bill_at <= now);
        black_box(schedule.renews_at(now, &tz));
    }
    report("restore + next_to_bill + renews_at", n, clock);
    black_box(due_now);

    let clock = Instant::now();
    let mut periods = 0usize;
    for (json, created_on) in &stored {
        let segments: Vec<Segment> = serde_json::from_str(json).unwrap();
        let schedule = Schedule::restore(segments, *created_on, None).unwrap();
        // Two years of downtime: everything due between mid-2024 and mid-2026.
        periods += schedule.due(date(2024, 6, 1), now, &tz).count();
    }
    report(
        &format!("two years of catch-up ({periods} periods)"),
        periods,
        clock,
    );

    let format = NumberFormat::default();
    let clock = Instant::now();
    for seq in 1..=u64::try_from(n).unwrap() {
        black_box(format.render(date(2026, 6, 1), seq));
    }
    report("render {YYYY}-{SEQ:4}", n, clock);
}

fn report(what: &str, count: usize, since: Instant) {
    let elapsed = since.elapsed();
    println!(
        "{what}: {count} in {:.1} ms, {:.2} µs each",
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_secs_f64() * 1e6 / count.max(1) as f64
    );
}
