//! Per-key request limits in fixed one-minute windows, as the reference describes: a key
//! that used its calls is refused until its window ends (`general.md` §5).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    used: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Time until the current window ends.
    pub reset_in: Duration,
}

impl RateLimiter {
    /// Counts one request of `key` against `limit` per minute.
    pub fn check(&self, key: &str, limit: u32, now: Instant) -> Decision {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 100_000 {
            // Keys are few; this only bounds memory if something goes wrong.
            windows.retain(|_, w| now.duration_since(w.started) < WINDOW);
        }
        let window = windows.entry(key.to_owned()).or_insert(Window {
            started: now,
            used: 0,
        });
        if now.duration_since(window.started) >= WINDOW {
            *window = Window {
                started: now,
                used: 0,
            };
        }
        let reset_in = WINDOW.saturating_sub(now.duration_since(window.started));
        if window.used >= limit {
            return Decision {
                allowed: false,
                limit,
                remaining: 0,
                reset_in,
            };
        }
        window.used += 1;
        Decision {
            allowed: true,
            limit,
            remaining: limit - window.used,
            reset_in,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixty_first_call_in_a_minute_is_refused_until_the_window_ends() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        for i in 0..60 {
            let d = limiter.check("k", 60, start);
            assert!(d.allowed);
            assert_eq!(d.remaining, 59 - i);
        }
        let refused = limiter.check("k", 60, start + Duration::from_secs(10));
        assert!(!refused.allowed);
        assert_eq!(refused.reset_in, Duration::from_secs(50));
        assert!(limiter.check("other", 60, start).allowed);
        assert!(limiter.check("k", 60, start + WINDOW).allowed);
    }
}
