//! Unit tests of the iCalendar writer; `tests/ics_invitations.rs` reads its output back with
//! an independent parser.

use super::*;

fn amsterdam() -> TimeZone {
    TimeZone::get("Europe/Amsterdam").unwrap()
}

fn appointment(tz: &TimeZone) -> Appointment<'_> {
    Appointment {
        id: "apt_abc12346def678",
        host: "portaal.example.nl",
        sequence: 3,
        stamp: "2025-03-04T16:23:14.75Z".parse().unwrap(),
        // 14:30 to 16:00 in Amsterdam (CET, +01:00).
        starts_at: "2025-03-05T13:30:00Z".parse().unwrap(),
        ends_at: "2025-03-05T15:00:00Z".parse().unwrap(),
        time_zone: tz,
        summary: "Contract extension",
        description: None,
        location: None,
        status: Status::Scheduled,
        organizer: Party {
            name: Some("Bakkerij de Vries"),
            email: "afspraken@bakkerij-devries.nl",
        },
        attendee: Party {
            name: Some("John Doe"),
            email: "johndoe@example.com",
        },
    }
}

/// The content lines, unfolded (RFC 5545 §3.1: a CRLF followed by one space or tab goes).
fn unfolded(ics: &str) -> Vec<String> {
    ics.replace("\r\n ", "")
        .replace("\r\n\t", "")
        .split("\r\n")
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

/// The first content line named `name` (parameters included), unfolded: the VEVENT's
/// when it has one, else the first anywhere.
fn line<'a>(lines: &'a [String], name: &str) -> &'a str {
    let event = lines.iter().position(|l| l == "BEGIN:VEVENT").unwrap_or(0);
    lines[event..]
        .iter()
        .chain(&lines[..event])
        .find(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(':') || rest.starts_with(';'))
        })
        .unwrap_or_else(|| panic!("no {name} in {lines:#?}"))
}

/// Reverses TEXT escaping (RFC 5545 §3.3.11).
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => panic!("dangling backslash in {text:?}"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn lines_are_folded_at_75_octets_and_unfold_to_the_text() {
    let tz = amsterdam();
    let description = format!(
        "Agenda:\r\n1. Prijzen voor 2026; korting, bezorging\n2. {}\n3. Afsluiting — tot ziens!",
        "Crème brûlée, één taart, 日本語のテキスト, ".repeat(12)
    );
    let mut appointment = appointment(&tz);
    appointment.description = Some(&description);
    let ics = write(&appointment, Method::Request).unwrap();

    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF in {ics}");
    for physical in ics.split("\r\n") {
        assert!(
            physical.len() <= 75,
            "{} octets: {physical:?}",
            physical.len()
        );
    }
    let lines = unfolded(&ics);
    let written = line(&lines, "DESCRIPTION")
        .strip_prefix("DESCRIPTION:")
        .unwrap();
    assert_eq!(unescape(written), description.replace("\r\n", "\n"));
    // The long line was really folded, between characters, never inside one.
    assert!(ics.split("\r\n").filter(|l| l.starts_with(' ')).count() > 5);
}

#[test]
fn text_values_are_escaped_and_control_characters_dropped() {
    let tz = amsterdam();
    let mut appointment = appointment(&tz);
    appointment.summary = "Factuur; vragen, \\pad\\ \u{7}en\u{1b}[31m kleur\r\nregel";
    appointment.location = Some("Keizersgracht 1, 1015 AA Amsterdam");
    let lines = unfolded(&write(&appointment, Method::Request).unwrap());
    assert_eq!(
        line(&lines, "SUMMARY"),
        "SUMMARY:Factuur\\; vragen\\, \\\\pad\\\\ en[31m kleur\\nregel"
    );
    assert_eq!(
        line(&lines, "LOCATION"),
        "LOCATION:Keizersgracht 1\\, 1015 AA Amsterdam"
    );
    // An empty description or location is left out rather than written empty.
    assert!(!lines.iter().any(|l| l.starts_with("DESCRIPTION")));
}

#[test]
fn names_are_quoted_parameter_values_and_addresses_mailto_uris() {
    let tz = amsterdam();
    let mut appointment = appointment(&tz);
    appointment.organizer.name = Some("Bakkerij \"de\" Vries: brood, banket");
    appointment.attendee.name = Some("Jan\r\nJänsen");
    let lines = unfolded(&write(&appointment, Method::Request).unwrap());
    assert_eq!(
        line(&lines, "ORGANIZER"),
        "ORGANIZER;CN=\"Bakkerij 'de' Vries: brood, banket\":mailto:afspraken@bakkerij-devries.nl"
    );
    assert_eq!(
        line(&lines, "ATTENDEE"),
        "ATTENDEE;CN=JanJänsen;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:johndoe@example.com"
    );
    appointment.attendee.name = None;
    let lines = unfolded(&write(&appointment, Method::Request).unwrap());
    assert!(line(&lines, "ATTENDEE").starts_with("ATTENDEE;ROLE=REQ-PARTICIPANT;"));
}

#[test]
fn an_invitation_and_its_cancellation_are_one_event() {
    let tz = amsterdam();
    let mut appointment = appointment(&tz);
    let invite = unfolded(&write(&appointment, Method::Request).unwrap());
    appointment.sequence += 1;
    let cancel = unfolded(&write(&appointment, Method::Cancel).unwrap());

    assert_eq!(line(&invite, "METHOD"), "METHOD:REQUEST");
    assert_eq!(line(&cancel, "METHOD"), "METHOD:CANCEL");
    assert_eq!(
        line(&invite, "UID"),
        "UID:apt_abc12346def678@portaal.example.nl"
    );
    assert_eq!(line(&invite, "UID"), line(&cancel, "UID"));
    assert_eq!(line(&invite, "SEQUENCE"), "SEQUENCE:3");
    assert_eq!(line(&cancel, "SEQUENCE"), "SEQUENCE:4");
    assert_eq!(line(&invite, "STATUS"), "STATUS:CONFIRMED");
    assert_eq!(line(&cancel, "STATUS"), "STATUS:CANCELLED");
    assert!(line(&invite, "ATTENDEE").contains(";RSVP=TRUE:"));
    assert!(line(&cancel, "ATTENDEE").contains(";RSVP=FALSE:"));
    // Whole seconds in UTC.
    assert_eq!(line(&invite, "DTSTAMP"), "DTSTAMP:20250304T162314Z");
    assert_eq!(
        line(&invite, "DTSTART"),
        "DTSTART;TZID=Europe/Amsterdam:20250305T143000"
    );
    assert_eq!(
        line(&invite, "DTEND"),
        "DTEND;TZID=Europe/Amsterdam:20250305T160000"
    );
    assert_eq!(
        Method::Cancel.content_type(),
        "text/calendar; charset=UTF-8; method=CANCEL"
    );
}

#[test]
fn a_pending_appointment_is_tentative() {
    let tz = amsterdam();
    let mut appointment = appointment(&tz);
    appointment.status = Status::Pending;
    let lines = unfolded(&write(&appointment, Method::Request).unwrap());
    assert_eq!(line(&lines, "STATUS"), "STATUS:TENTATIVE");
    // A cancelled pending request is cancelled all the same.
    let lines = unfolded(&write(&appointment, Method::Cancel).unwrap());
    assert_eq!(line(&lines, "STATUS"), "STATUS:CANCELLED");
}

#[test]
fn amsterdam_gets_a_yearly_rule_for_each_change() {
    let tz = amsterdam();
    let ics = write(&appointment(&tz), Method::Request).unwrap();
    let start = ics.find("BEGIN:VTIMEZONE").unwrap();
    let end = ics.find("END:VTIMEZONE\r\n").unwrap() + "END:VTIMEZONE\r\n".len();
    assert_eq!(
        &ics[start..end],
        "BEGIN:VTIMEZONE\r\n\
         TZID:Europe/Amsterdam\r\n\
         BEGIN:DAYLIGHT\r\n\
         DTSTART:20240331T020000\r\n\
         RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n\
         TZOFFSETFROM:+0100\r\n\
         TZOFFSETTO:+0200\r\n\
         TZNAME:CEST\r\n\
         END:DAYLIGHT\r\n\
         BEGIN:STANDARD\r\n\
         DTSTART:20241027T030000\r\n\
         RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n\
         TZOFFSETFROM:+0200\r\n\
         TZOFFSETTO:+0100\r\n\
         TZNAME:CET\r\n\
         END:STANDARD\r\n\
         END:VTIMEZONE\r\n"
    );
    // The VTIMEZONE comes before the event that refers to it.
    assert!(start < ics.find("BEGIN:VEVENT").unwrap());
}

#[test]
fn a_summer_appointment_keeps_its_wall_clock_time() {
    let tz = amsterdam();
    let mut appointment = appointment(&tz);
    // 14:30 to 16:00 in Amsterdam in July is 12:30 to 14:00 UTC (CEST, +02:00).
    appointment.starts_at = "2025-07-16T12:30:00Z".parse().unwrap();
    appointment.ends_at = "2025-07-16T14:00:00Z".parse().unwrap();
    let lines = unfolded(&write(&appointment, Method::Request).unwrap());
    assert_eq!(
        line(&lines, "DTSTART"),
        "DTSTART;TZID=Europe/Amsterdam:20250716T143000"
    );
    assert_eq!(
        line(&lines, "DTEND"),
        "DTEND;TZID=Europe/Amsterdam:20250716T160000"
    );
}

#[test]
fn a_zone_without_daylight_saving_time_has_one_standard_observance() {
    let tz = TimeZone::get("Asia/Tokyo").unwrap();
    let lines = unfolded(&write(&appointment(&tz), Method::Request).unwrap());
    let observances = lines
        .iter()
        .filter(|l| *l == "BEGIN:STANDARD" || *l == "BEGIN:DAYLIGHT")
        .count();
    assert_eq!(observances, 1);
    assert!(lines.iter().any(|l| l == "TZOFFSETTO:+0900"));
    assert!(!lines.iter().any(|l| l.starts_with("RRULE")));
    assert_eq!(
        line(&lines, "DTSTART"),
        "DTSTART;TZID=Asia/Tokyo:20250305T223000"
    );
}

#[test]
fn changes_without_a_weekday_rule_are_listed_as_dates() {
    // Morocco's clocks go back for Ramadan, on dates that follow the moon.
    let tz = TimeZone::get("Africa/Casablanca").unwrap();
    let lines = unfolded(&write(&appointment(&tz), Method::Request).unwrap());
    assert!(!lines.iter().any(|l| l.starts_with("RRULE")));
    let rdates: Vec<&String> = lines.iter().filter(|l| l.starts_with("RDATE")).collect();
    assert!(!rdates.is_empty(), "{lines:#?}");
    // 2025: back to +00:00 on 23 February, forward to +01:00 on 6 April.
    assert!(
        lines.iter().any(|l| l.contains("20250223T030000")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("20250406T020000")),
        "{lines:#?}"
    );
}

#[test]
fn utc_and_fixed_offsets_are_written_in_utc_without_a_vtimezone() {
    for tz in [
        TimeZone::UTC,
        TimeZone::fixed(jiff::tz::offset(2)),
        TimeZone::get("Etc/UTC").unwrap(),
    ] {
        let lines = unfolded(&write(&appointment(&tz), Method::Request).unwrap());
        assert!(!lines.iter().any(|l| l == "BEGIN:VTIMEZONE"), "{lines:#?}");
        assert_eq!(line(&lines, "DTSTART"), "DTSTART:20250305T133000Z");
        assert_eq!(line(&lines, "DTEND"), "DTEND:20250305T150000Z");
    }
}

#[test]
fn a_caller_mistake_is_an_error_not_a_broken_calendar() {
    let tz = amsterdam();
    let mut bad = appointment(&tz);
    bad.ends_at = bad.starts_at;
    assert_eq!(write(&bad, Method::Request), Err(IcsError::EndsBeforeStart));

    let mut bad = appointment(&tz);
    bad.attendee.email = "jan@example.com\r\nATTENDEE:mailto:x@y.nl";
    assert!(matches!(
        write(&bad, Method::Request),
        Err(IcsError::InvalidEmail {
            who: "attendee",
            ..
        })
    ));

    let mut bad = appointment(&tz);
    bad.host = "portaal.example.nl\r\nX";
    assert!(matches!(
        write(&bad, Method::Request),
        Err(IcsError::InvalidHost(_))
    ));

    let mut bad = appointment(&tz);
    bad.id = "apt_1\r\nUID:x";
    assert!(matches!(
        write(&bad, Method::Request),
        Err(IcsError::InvalidId(_))
    ));
}
