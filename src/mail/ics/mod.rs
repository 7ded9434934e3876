//! Appointment invitations and cancellations as iCalendar objects (RFC 5545), to attach to
//! the e-mails DECISIONS.md asks for: `METHOD:REQUEST` / `METHOD:CANCEL` (RFC 5546 iTIP), a
//! stable `UID` per appointment (`apt_...@host`), a `SEQUENCE` the caller raises with every
//! change, and the start and end as local times of the deployment's zone (`TZID`) with the
//! matching `VTIMEZONE`, so daylight saving time never shifts them.
//!
//! Written with `calcard`, which folds lines at 75 octets (never inside a UTF-8 character)
//! and escapes TEXT values; we only make sure no control character but the line feed reaches
//! it. Pure: the caller passes "now" as [`Appointment::stamp`].

mod timezone;

use calcard::common::{CalendarScale, PartialDateTime};
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarMethod,
    ICalendarParameter, ICalendarParameterName, ICalendarParameterValue,
    ICalendarParticipationRole, ICalendarParticipationStatus, ICalendarProperty, ICalendarStatus,
    ICalendarTransparency, ICalendarValue, Uri,
};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// Our product identifier (RFC 5545 §3.7.3).
const PRODID: &str = "-//portaal//Appointments//EN";

/// What an iCalendar message asks of the attendee's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Add the appointment, or update it when the `UID` is known and the `SEQUENCE` higher.
    Request,
    /// Remove it.
    Cancel,
}

impl Method {
    /// The `Content-Type` of the e-mail part that carries the object: mail programs show
    /// their accept / decline buttons only when `method` is there too (RFC 6047 §2.4).
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Request => "text/calendar; charset=UTF-8; method=REQUEST",
            Self::Cancel => "text/calendar; charset=UTF-8; method=CANCEL",
        }
    }

    /// A file name for the attachment.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Request => "invite.ics",
            Self::Cancel => "cancel.ics",
        }
    }
}

/// The appointment's state, as the invitation shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `scheduled`: `STATUS:CONFIRMED`.
    Scheduled,
    /// `pending` (asked for, not yet confirmed by the business): `STATUS:TENTATIVE`.
    Pending,
}

/// A person taking part: the business as organizer, the customer as attendee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Party<'a> {
    pub name: Option<&'a str>,
    pub email: &'a str,
}

/// Everything an invitation or cancellation says about one appointment.
#[derive(Debug, Clone)]
pub struct Appointment<'a> {
    /// The appointment's ID (`apt_...`); with `host` it makes the `UID`.
    pub id: &'a str,
    /// The deployment's host name (`portaal.example.nl`), so UIDs are unique worldwide.
    pub host: &'a str,
    /// 0 for the first invitation; the caller raises it with every change, cancellation
    /// included, so calendars apply the newest message and ignore older ones.
    pub sequence: u32,
    /// When this object is made (`DTSTAMP`): now.
    pub stamp: Timestamp,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// The zone the times are written in: the deployment's (`--time-zone`).
    pub time_zone: &'a TimeZone,
    pub summary: &'a str,
    pub description: Option<&'a str>,
    pub location: Option<&'a str>,
    pub status: Status,
    pub organizer: Party<'a>,
    pub attendee: Party<'a>,
}

/// Why no iCalendar object could be written: a caller's mistake, since the appointment's
/// fields were validated before.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    #[error("The appointment must end after it starts.")]
    EndsBeforeStart,
    #[error("The {who}'s e-mail address {email:?} cannot be written into a calendar invitation.")]
    InvalidEmail { who: &'static str, email: String },
    #[error("The host name {0:?} cannot make a calendar UID.")]
    InvalidHost(String),
    #[error("The appointment ID {0:?} cannot make a calendar UID.")]
    InvalidId(String),
}

/// The `UID` of an appointment's calendar entries: the same for its invitation, every update
/// and its cancellation, which is how calendars know them to be one event.
pub fn uid(id: &str, host: &str) -> String {
    format!("{id}@{host}")
}

/// The iCalendar object (CRLF line ends, UTF-8) for `appointment` with `method`.
pub fn write(appointment: &Appointment<'_>, method: Method) -> Result<String, IcsError> {
    check(appointment)?;
    let tz = appointment.time_zone;
    // A named zone gets TZID and VTIMEZONE; UTC, a fixed offset or a zone whose offsets the
    // writer cannot express gets UTC times, which are as exact, only less readable.
    let zone = tz
        .iana_name()
        .filter(|name| !matches!(*name, "UTC" | "Etc/UTC"))
        .and_then(|name| {
            let vtimezone =
                timezone::vtimezone(tz, name, appointment.starts_at, appointment.ends_at)?;
            Some((name, vtimezone))
        });

    let mut calendar = Component::new(ICalendarComponentType::VCalendar);
    calendar.entry(text_entry(ICalendarProperty::Prodid, PRODID));
    calendar.entry(entry(
        ICalendarProperty::Version,
        ICalendarValue::Text("2.0".into()),
    ));
    calendar.entry(entry(
        ICalendarProperty::Calscale,
        ICalendarValue::CalendarScale(CalendarScale::Gregorian),
    ));
    calendar.entry(entry(
        ICalendarProperty::Method,
        ICalendarValue::Method(match method {
            Method::Request => ICalendarMethod::Request,
            Method::Cancel => ICalendarMethod::Cancel,
        }),
    ));
    let tzid = zone.as_ref().map(|(name, _)| *name);
    if let Some((_, vtimezone)) = zone {
        calendar.child(vtimezone);
    }
    calendar.child(event(appointment, method, tzid));
    Ok(calendar.into_icalendar().to_string())
}

fn check(appointment: &Appointment<'_>) -> Result<(), IcsError> {
    if appointment.ends_at <= appointment.starts_at {
        return Err(IcsError::EndsBeforeStart);
    }
    for (who, party) in [
        ("organizer", appointment.organizer),
        ("attendee", appointment.attendee),
    ] {
        if !crate::kernel::input::is_valid_email(party.email) {
            return Err(IcsError::InvalidEmail {
                who,
                email: party.email.chars().take(100).collect(),
            });
        }
    }
    let host = appointment.host;
    if host.is_empty()
        || host.len() > 253
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        return Err(IcsError::InvalidHost(host.chars().take(100).collect()));
    }
    if !crate::kernel::ids::is_well_formed(appointment.id) {
        return Err(IcsError::InvalidId(
            appointment.id.chars().take(100).collect(),
        ));
    }
    Ok(())
}

/// The VEVENT.
fn event(appointment: &Appointment<'_>, method: Method, tzid: Option<&str>) -> Component {
    let mut event = Component::new(ICalendarComponentType::VEvent);
    event.entry(text_entry(
        ICalendarProperty::Uid,
        &uid(appointment.id, appointment.host),
    ));
    event.entry(entry(
        ICalendarProperty::Sequence,
        ICalendarValue::Integer(i64::from(appointment.sequence)),
    ));
    event.entry(utc_entry(ICalendarProperty::Dtstamp, appointment.stamp));
    for (property, at) in [
        (ICalendarProperty::Dtstart, appointment.starts_at),
        (ICalendarProperty::Dtend, appointment.ends_at),
    ] {
        event.entry(match tzid {
            Some(tzid) => {
                let local = at.to_zoned(appointment.time_zone.clone()).datetime();
                let mut time = entry(
                    property,
                    ICalendarValue::PartialDateTime(Box::new(local_date_time(local))),
                );
                time.params.push(ICalendarParameter {
                    name: ICalendarParameterName::Tzid,
                    value: ICalendarParameterValue::Text(tzid.to_string()),
                });
                time
            }
            None => utc_entry(property, at),
        });
    }
    event.entry(text_entry(ICalendarProperty::Summary, appointment.summary));
    if let Some(description) = appointment.description.filter(|d| !d.trim().is_empty()) {
        event.entry(text_entry(ICalendarProperty::Description, description));
    }
    if let Some(location) = appointment.location.filter(|l| !l.trim().is_empty()) {
        event.entry(text_entry(ICalendarProperty::Location, location));
    }
    event.entry(party_entry(
        ICalendarProperty::Organizer,
        appointment.organizer,
        Vec::new(),
    ));
    event.entry(party_entry(
        ICalendarProperty::Attendee,
        appointment.attendee,
        vec![
            ICalendarParameter {
                name: ICalendarParameterName::Role,
                value: ICalendarParameterValue::Role(ICalendarParticipationRole::ReqParticipant),
            },
            ICalendarParameter {
                name: ICalendarParameterName::Partstat,
                value: ICalendarParameterValue::Partstat(ICalendarParticipationStatus::NeedsAction),
            },
            // An answer is wanted to an invitation, not to a cancellation.
            ICalendarParameter {
                name: ICalendarParameterName::Rsvp,
                value: ICalendarParameterValue::Bool(method == Method::Request),
            },
        ],
    ));
    // RFC 5546 §3.2.5: a cancellation of the whole event carries STATUS:CANCELLED.
    let status = match (method, appointment.status) {
        (Method::Cancel, _) => ICalendarStatus::Cancelled,
        (Method::Request, Status::Scheduled) => ICalendarStatus::Confirmed,
        (Method::Request, Status::Pending) => ICalendarStatus::Tentative,
    };
    event.entry(entry(
        ICalendarProperty::Status,
        ICalendarValue::Status(status),
    ));
    event.entry(entry(
        ICalendarProperty::Transp,
        ICalendarValue::Transparency(ICalendarTransparency::Opaque),
    ));
    event
}

/// `ORGANIZER` or `ATTENDEE`: `CN` (when there is a name) and `params`, then `mailto:`.
fn party_entry(
    property: ICalendarProperty,
    party: Party<'_>,
    params: Vec<ICalendarParameter>,
) -> ICalendarEntry {
    let mut entry = entry(
        property,
        ICalendarValue::Uri(Uri::Location(format!("mailto:{}", party.email))),
    );
    if let Some(name) = party.name.map(param_text).filter(|n| !n.is_empty()) {
        entry.params.push(ICalendarParameter {
            name: ICalendarParameterName::Cn,
            value: ICalendarParameterValue::Text(name),
        });
    }
    entry.params.extend(params);
    entry
}

/// A TEXT value as RFC 5545 allows it: line ends as `\n` (the writer turns them into the
/// `\n` escape), no other control character but tabs.
fn clean_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// A parameter value (`CN=...`): one line, and no `"`, which RFC 5545 §3.1 does not allow
/// inside one (quoting protects `,` `;` `:`).
fn param_text(text: &str) -> String {
    text.chars()
        .map(|c| if c == '"' { '\'' } else { c })
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

fn entry(name: ICalendarProperty, value: ICalendarValue) -> ICalendarEntry {
    entry_values(name, vec![value])
}

fn entry_values(name: ICalendarProperty, values: Vec<ICalendarValue>) -> ICalendarEntry {
    ICalendarEntry {
        name,
        params: Vec::new(),
        values,
    }
}

fn text_entry(name: ICalendarProperty, text: &str) -> ICalendarEntry {
    entry(name, ICalendarValue::Text(clean_text(text)))
}

/// A date-time in UTC (`20250305T133000Z`), whole seconds.
fn utc_entry(name: ICalendarProperty, at: Timestamp) -> ICalendarEntry {
    let mut value = local_date_time(at.to_zoned(TimeZone::UTC).datetime());
    value.tz_hour = Some(0);
    value.tz_minute = Some(0);
    entry(name, ICalendarValue::PartialDateTime(Box::new(value)))
}

/// A local date-time (`20250305T143000`), whole seconds.
fn local_date_time(at: DateTime) -> PartialDateTime {
    PartialDateTime {
        year: Some(at.year() as u16),
        month: Some(at.month() as u8),
        day: Some(at.day() as u8),
        hour: Some(at.hour() as u8),
        minute: Some(at.minute() as u8),
        second: Some(at.second() as u8),
        ..Default::default()
    }
}

/// A component and its children as a tree; calcard keeps them in one list that refers to
/// children by position, which [`Component::into_icalendar`] builds.
struct Component {
    kind: ICalendarComponentType,
    entries: Vec<ICalendarEntry>,
    children: Vec<Component>,
}

impl Component {
    fn new(kind: ICalendarComponentType) -> Self {
        Self {
            kind,
            entries: Vec::new(),
            children: Vec::new(),
        }
    }

    fn entry(&mut self, entry: ICalendarEntry) {
        self.entries.push(entry);
    }

    fn child(&mut self, child: Component) {
        self.children.push(child);
    }

    fn into_icalendar(self) -> ICalendar {
        let mut calendar = ICalendar {
            components: Vec::new(),
        };
        self.push_into(&mut calendar.components);
        calendar
    }

    /// Appends this component, then its children, and returns its position.
    fn push_into(self, list: &mut Vec<ICalendarComponent>) -> u32 {
        let at = list.len();
        list.push(ICalendarComponent {
            component_type: self.kind,
            entries: self.entries,
            component_ids: Vec::new(),
        });
        let ids = self
            .children
            .into_iter()
            .map(|child| child.push_into(list))
            .collect();
        list[at].component_ids = ids;
        at as u32
    }
}

#[cfg(test)]
mod tests;
