//! Appointment invitations and their cancellations (`portaal::mail::ics`) read back by an
//! independent parser: Python's `icalendar` package, through `tests/ics/check_calendars.py`.
//! Without the package the test says it skipped; `PORTAAL_TEST_REQUIRE_ICALENDAR=1` (CI)
//! makes that a failure.

use jiff::Timestamp;
use jiff::civil::{DateTime, date};
use jiff::tz::TimeZone;
use portaal::mail::ics::{Appointment, Method, Party, Status, write};

/// One appointment: its zone and its local start and end there.
struct Case {
    zone: &'static str,
    starts: DateTime,
    ends: DateTime,
}

fn cases() -> Vec<Case> {
    let case = |zone, starts: DateTime, ends: DateTime| Case { zone, starts, ends };
    vec![
        // The deployment's zone: a winter and a summer month ...
        case(
            "Europe/Amsterdam",
            date(2025, 1, 15).at(9, 0, 0, 0),
            date(2025, 1, 15).at(10, 0, 0, 0),
        ),
        case(
            "Europe/Amsterdam",
            date(2025, 7, 15).at(14, 30, 0, 0),
            date(2025, 7, 15).at(16, 0, 0, 0),
        ),
        // ... the day clocks go forward, across the night they go back, across New Year.
        case(
            "Europe/Amsterdam",
            date(2025, 3, 30).at(10, 0, 0, 0),
            date(2025, 3, 30).at(11, 0, 0, 0),
        ),
        case(
            "Europe/Amsterdam",
            date(2025, 10, 26).at(1, 30, 0, 0),
            date(2025, 10, 26).at(4, 0, 0, 0),
        ),
        case(
            "Europe/Amsterdam",
            date(2025, 12, 31).at(23, 0, 0, 0),
            date(2026, 1, 1).at(1, 0, 0, 0),
        ),
        // Other rules, so the VTIMEZONE writer is tested beyond one zone: the second and
        // first Sunday (New York), the southern hemisphere (Sydney), no daylight saving time
        // (Tokyo), and changes that follow no weekday rule, written as RDATEs (Casablanca,
        // whose clocks go back for Ramadan).
        case(
            "America/New_York",
            date(2025, 2, 10).at(9, 0, 0, 0),
            date(2025, 2, 10).at(9, 30, 0, 0),
        ),
        case(
            "America/New_York",
            date(2025, 8, 10).at(9, 0, 0, 0),
            date(2025, 8, 10).at(9, 30, 0, 0),
        ),
        case(
            "Australia/Sydney",
            date(2025, 1, 20).at(15, 0, 0, 0),
            date(2025, 1, 20).at(16, 0, 0, 0),
        ),
        case(
            "Australia/Sydney",
            date(2025, 6, 20).at(15, 0, 0, 0),
            date(2025, 6, 20).at(16, 0, 0, 0),
        ),
        case(
            "Asia/Tokyo",
            date(2025, 5, 1).at(11, 0, 0, 0),
            date(2025, 5, 1).at(12, 0, 0, 0),
        ),
        // The tz database calls Irish winter time the daylight time (a negative saving).
        case(
            "Europe/Dublin",
            date(2025, 7, 1).at(11, 0, 0, 0),
            date(2025, 7, 1).at(12, 30, 0, 0),
        ),
        case(
            "Africa/Casablanca",
            date(2025, 3, 5).at(10, 0, 0, 0),
            date(2025, 3, 5).at(11, 0, 0, 0),
        ),
    ]
}

const SUMMARY: &str = "Proeverij bruidstaart; smaken kiezen, ‘één’ ontwerp";
/// Long enough to be folded several times, with characters of two and three octets, a
/// `;`, `,` and `\` to escape, and a space exactly where the first line is folded (octet 76
/// of "DESCRIPTION:..."), which a careless reader would lose.
const DESCRIPTION: &str = "Neem de inspiratiefoto's mee, en ook de gastenlijst (zo'n 80)! \
     Wij zorgen voor koffie.\nWe proeven drie smaken: crème brûlée; speculaas, framboos \\ \
     vanille. 日本語のメニューもあります。Parkeren kan achter de winkel — gratis.";
const LOCATION: &str = "Bakkerij de Vries, Keizersgracht 1, Amsterdam";

fn instant(tz: &TimeZone, local: DateTime) -> Timestamp {
    local.to_zoned(tz.clone()).unwrap().timestamp()
}

/// The invitation (at `sequence`) and the cancellation (at `sequence + 1`) of one case.
fn invitation_and_cancellation(case: &Case, tz: &TimeZone, sequence: u32) -> (String, String) {
    let mut appointment = Appointment {
        id: "apt_k3j9x0a1b2c3d4",
        host: "portaal.bakkerij-devries.nl",
        sequence,
        stamp: "2025-01-02T10:00:00Z".parse().unwrap(),
        starts_at: instant(tz, case.starts),
        ends_at: instant(tz, case.ends),
        time_zone: tz,
        summary: SUMMARY,
        description: Some(DESCRIPTION),
        location: Some(LOCATION),
        status: Status::Scheduled,
        organizer: Party {
            name: Some("Bakkerij de Vries"),
            email: "afspraken@bakkerij-devries.nl",
        },
        attendee: Party {
            name: Some("Jan Jänsen"),
            email: "jan.jansen@example.com",
        },
    };
    let invite = write(&appointment, Method::Request).unwrap();
    appointment.sequence += 1;
    appointment.stamp = "2025-01-03T10:00:00Z".parse().unwrap();
    let cancel = write(&appointment, Method::Cancel).unwrap();
    (invite, cancel)
}

fn python_icalendar_available() -> bool {
    std::process::Command::new("python3")
        .args(["-c", "import icalendar"])
        .status()
        .is_ok_and(|status| status.success())
}

#[test]
fn python_icalendar_reads_invitations_and_cancellations_with_their_times_and_zone() {
    if !python_icalendar_available() {
        assert!(
            std::env::var("PORTAAL_TEST_REQUIRE_ICALENDAR").as_deref() != Ok("1"),
            "PORTAAL_TEST_REQUIRE_ICALENDAR=1 but Python's icalendar is missing: \
             python3 -m pip install icalendar"
        );
        println!("skipped: python3 -m pip install icalendar to read the invitations back");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut listed = Vec::new();
    for (i, case) in cases().iter().enumerate() {
        let tz = TimeZone::get(case.zone).unwrap();
        let (invite, cancel) = invitation_and_cancellation(case, &tz, 2);
        // The description's first fold falls just before a space, which must survive.
        assert!(invite.contains("\r\n  Wij zorgen"), "{invite}");
        let invite_path = dir.path().join(format!("{i}-invite.ics"));
        let cancel_path = dir.path().join(format!("{i}-cancel.ics"));
        std::fs::write(&invite_path, invite).unwrap();
        std::fs::write(&cancel_path, cancel).unwrap();
        listed.push(serde_json::json!({
            "zone": case.zone,
            "invite": invite_path,
            "cancel": cancel_path,
            "starts_at": instant(&tz, case.starts).to_string(),
            "ends_at": instant(&tz, case.ends).to_string(),
            "summary": SUMMARY,
            "description": DESCRIPTION,
            "location": LOCATION,
            "organizer": ["Bakkerij de Vries", "mailto:afspraken@bakkerij-devries.nl"],
            "attendee": ["Jan Jänsen", "mailto:jan.jansen@example.com"],
        }));
    }
    let cases_file = dir.path().join("cases.json");
    std::fs::write(&cases_file, serde_json::to_vec(&listed).unwrap()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ics/check_calendars.py");
    let run = std::process::Command::new("python3")
        .arg(script)
        .arg(&cases_file)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{out}{err}");
    assert!(out.starts_with("ok: 12 invitations"), "{out}{err}");
    println!("{out}");
}

#[test]
fn the_amsterdam_winter_and_summer_times_are_the_local_wall_clock_times() {
    let tz = TimeZone::get("Europe/Amsterdam").unwrap();
    let all = cases();
    for (case, dtstart, dtend) in [
        (&all[0], "20250115T090000", "20250115T100000"),
        (&all[1], "20250715T143000", "20250715T160000"),
        (&all[3], "20251026T013000", "20251026T040000"),
    ] {
        let (invite, cancel) = invitation_and_cancellation(case, &tz, 0);
        for ics in [&invite, &cancel] {
            assert!(
                ics.contains(&format!("\r\nDTSTART;TZID=Europe/Amsterdam:{dtstart}\r\n")),
                "{ics}"
            );
            assert!(
                ics.contains(&format!("\r\nDTEND;TZID=Europe/Amsterdam:{dtend}\r\n")),
                "{ics}"
            );
        }
    }
}
