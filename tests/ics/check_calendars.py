"""Reads the invitations and cancellations tests/ics_invitations.rs wrote, with Python's
`icalendar` package (an independent parser), and checks what a calendar program relies on.

    python3 tests/ics/check_calendars.py CASES.json

CASES.json lists {"zone", "invite", "cancel", "starts_at", "ends_at"} (instants in UTC,
RFC 3339) and the texts written ("summary", "description", "location", and "organizer" and
"attendee" as [name, address]). For each case: both files parse; METHOD is REQUEST /
CANCEL; the UID is the same and the cancellation's SEQUENCE is higher; STATUS is
CONFIRMED / CANCELLED; the texts and names read back exactly (folding and escaping); DTSTART and
DTEND carry the zone's TZID and, read back, are the appointment's instants; and the
VTIMEZONE is valid: only the properties RFC 5545 §3.6.5 allows, the required ones present,
and the zone it defines (not the one Python knows by name) gives the tz database's UTC
offset for every hour of the appointment's year and for the start and end themselves.
Exits non-zero, naming the case, on the first failure.
"""

import json
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar

VTIMEZONE_PROPERTIES = {"TZID", "LAST-MODIFIED", "TZURL"}
OBSERVANCE_PROPERTIES = {"DTSTART", "TZOFFSETTO", "TZOFFSETFROM", "RRULE", "COMMENT", "RDATE", "TZNAME"}
OBSERVANCE_REQUIRED = {"DTSTART", "TZOFFSETTO", "TZOFFSETFROM"}


def fail(case, message):
    print(f"FAIL {case['zone']} {case['starts_at']}: {message}")
    sys.exit(1)


def utc(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def read(case, path):
    with open(path, "rb") as f:
        data = f.read()
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    if len(events) != 1:
        fail(case, f"{path}: {len(events)} VEVENTs")
    return calendar, events[0]


def check_vtimezone(case, calendar, tzid):
    zones = calendar.walk("VTIMEZONE")
    if len(zones) != 1:
        fail(case, f"{len(zones)} VTIMEZONEs")
    vtimezone = zones[0]
    if str(vtimezone["TZID"]) != tzid:
        fail(case, f"VTIMEZONE TZID {vtimezone['TZID']} is not the events' {tzid}")
    extra = {k for k in vtimezone.keys() if not k.startswith("X-")} - VTIMEZONE_PROPERTIES
    if extra:
        fail(case, f"VTIMEZONE has properties RFC 5545 does not allow there: {extra}")
    observances = vtimezone.subcomponents
    if not observances or any(o.name not in ("STANDARD", "DAYLIGHT") for o in observances):
        fail(case, f"VTIMEZONE children: {[o.name for o in observances]}")
    for observance in observances:
        keys = {k for k in observance.keys() if not k.startswith("X-")}
        if keys - OBSERVANCE_PROPERTIES:
            fail(case, f"{observance.name} has {keys - OBSERVANCE_PROPERTIES}")
        if OBSERVANCE_REQUIRED - keys:
            fail(case, f"{observance.name} lacks {OBSERVANCE_REQUIRED - keys}")
    # The zone as the VTIMEZONE defines it, not as Python knows it by its name.
    return vtimezone.to_tz(lookup_tzid=False)


def check_offsets(case, defined, year_from, year_to):
    reference = ZoneInfo(case["zone"])
    at = datetime(year_from, 1, 1, tzinfo=timezone.utc)
    end = datetime(year_to + 1, 1, 1, tzinfo=timezone.utc)
    checked = 0
    while at < end:
        ours = at.astimezone(defined).utcoffset()
        theirs = at.astimezone(reference).utcoffset()
        if ours != theirs:
            fail(case, f"at {at.isoformat()} the VTIMEZONE gives {ours}, the tz database {theirs}")
        at += timedelta(hours=1)
        checked += 1
    return checked


def check_texts(case, event):
    for name in ("summary", "description", "location"):
        value = str(event[name.upper()])
        if value != case[name]:
            fail(case, f"{name.upper()} read back as {value!r}, written {case[name]!r}")
    for name in ("organizer", "attendee"):
        prop = event[name.upper()]
        read_back = [str(prop.params.get("CN")), str(prop)]
        if read_back != case[name]:
            fail(case, f"{name.upper()} read back as {read_back}, written {case[name]}")


def check_time(case, event, name, expected, tzid, defined):
    prop = event[name]
    if prop.params.get("TZID") != tzid:
        fail(case, f"{name} has TZID {prop.params.get('TZID')!r}, not {tzid!r}")
    value = prop.dt
    if value.tzinfo is None:
        fail(case, f"{name} {value} has no zone")
    if value.astimezone(timezone.utc) != expected:
        fail(case, f"{name} read back as {value.astimezone(timezone.utc)}, expected {expected}")
    # The local time in the file, placed in the zone the VTIMEZONE defines.
    local = value.replace(tzinfo=None)
    through_vtimezone = local.replace(tzinfo=defined).astimezone(timezone.utc)
    if through_vtimezone != expected:
        fail(case, f"{name} {local} through the VTIMEZONE is {through_vtimezone}, expected {expected}")


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    hours = 0
    for case in cases:
        starts_at, ends_at = utc(case["starts_at"]), utc(case["ends_at"])
        tzid = case["zone"]
        invite_calendar, invite = read(case, case["invite"])
        cancel_calendar, cancel = read(case, case["cancel"])
        if str(invite_calendar["METHOD"]) != "REQUEST" or str(cancel_calendar["METHOD"]) != "CANCEL":
            fail(case, f"METHOD {invite_calendar['METHOD']} / {cancel_calendar['METHOD']}")
        if str(invite["UID"]) != str(cancel["UID"]):
            fail(case, f"UID {invite['UID']} / {cancel['UID']}")
        if not int(cancel["SEQUENCE"]) > int(invite["SEQUENCE"]):
            fail(case, f"SEQUENCE {invite['SEQUENCE']} then {cancel['SEQUENCE']}")
        if str(invite["STATUS"]) != "CONFIRMED" or str(cancel["STATUS"]) != "CANCELLED":
            fail(case, f"STATUS {invite['STATUS']} / {cancel['STATUS']}")
        for calendar, event in ((invite_calendar, invite), (cancel_calendar, cancel)):
            check_texts(case, event)
            defined = check_vtimezone(case, calendar, tzid)
            check_time(case, event, "DTSTART", starts_at, tzid, defined)
            check_time(case, event, "DTEND", ends_at, tzid, defined)
            year_from = starts_at.astimezone(ZoneInfo(tzid)).year
            year_to = ends_at.astimezone(ZoneInfo(tzid)).year
            hours += check_offsets(case, defined, year_from, year_to)
    print(f"ok: {len(cases)} invitations and their cancellations, {hours} hourly offsets checked "
          f"(icalendar {icalendar.__version__})")


if __name__ == "__main__":
    main()
