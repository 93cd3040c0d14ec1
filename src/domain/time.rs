//! Times are stored as UTC seconds and shown in the site's zone. Indonesian
//! readers expect the zone's own label (WIB, WITA, WIT), not an offset, and
//! Indonesian day and month names, which no date crate ships.

use jiff::{Timestamp, ZonedDateTime as Zoned, civil::Weekday, tz::TimeZone};

#[derive(Debug, thiserror::Error)]
#[error("unknown time zone {0:?} (use an IANA name such as Asia/Jakarta)")]
pub struct UnknownZone(pub String);

/// The site's time zone and the label readers know it by.
#[derive(Debug, Clone)]
pub struct SiteZone {
    tz: TimeZone,
    name: String,
}

impl SiteZone {
    pub fn new(name: &str) -> Result<SiteZone, UnknownZone> {
        let tz = TimeZone::get(name).map_err(|_| UnknownZone(name.to_string()))?;
        Ok(SiteZone {
            tz,
            name: name.to_string(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// WIB/WITA/WIT for Indonesia's three zones; elsewhere "UTC+H" style.
    pub fn label(&self, at: i64) -> String {
        match self.name.as_str() {
            "Asia/Jakarta" | "Asia/Pontianak" => "WIB".into(),
            "Asia/Makassar" => "WITA".into(),
            "Asia/Jayapura" => "WIT".into(),
            "UTC" | "Etc/UTC" => "UTC".into(),
            _ => {
                let secs = self.zoned(at).offset().seconds();
                let (sign, secs) = if secs < 0 { ('-', -secs) } else { ('+', secs) };
                if secs % 3600 == 0 {
                    format!("UTC{sign}{}", secs / 3600)
                } else {
                    format!("UTC{sign}{}:{:02}", secs / 3600, (secs % 3600) / 60)
                }
            }
        }
    }

    /// A zone label printed on a page ("WIB") back to its zone.
    pub fn from_label(label: &str) -> Option<SiteZone> {
        let name = match label {
            "WIB" => "Asia/Jakarta",
            "WITA" => "Asia/Makassar",
            "WIT" => "Asia/Jayapura",
            _ => return None,
        };
        SiteZone::new(name).ok()
    }

    pub fn zoned(&self, at: i64) -> Zoned {
        Timestamp::from_second(at)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned_datetime(self.tz.clone())
    }

    /// The kicker's time: "11/01/2022, 16:45 WIB".
    pub fn kicker(&self, at: i64) -> String {
        let z = self.zoned(at);
        format!(
            "{:02}/{:02}/{}, {:02}:{:02} {}",
            z.day(),
            z.month(),
            z.year(),
            z.hour(),
            z.minute(),
            self.label(at)
        )
    }

    /// A date in words: "Selasa, 11 Januari 2022" or "Tuesday, 11 January 2022".
    pub fn long_date(&self, at: i64, locale: &str) -> String {
        let z = self.zoned(at);
        let (day, month) = if locale == "en" {
            (day_name_en(z.weekday()), MONTHS_EN[z.month() as usize - 1])
        } else {
            (day_name_id(z.weekday()), MONTHS_ID[z.month() as usize - 1])
        };
        format!("{day}, {} {month} {}", z.day(), z.year())
    }

    /// Date and time with offset, for JSON-LD and `<time datetime>`.
    pub fn iso_with_offset(&self, at: i64) -> String {
        self.zoned(at).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }

    /// Turn a wall-clock time in this zone into UTC seconds.
    pub fn to_utc(
        &self,
        year: i16,
        month: i8,
        day: i8,
        hour: i8,
        minute: i8,
    ) -> Result<i64, jiff::Error> {
        let dt = jiff::civil::DateTime::new(year, month, day, hour, minute, 0, 0)?;
        Ok(dt
            .to_zoned_datetime(self.tz.clone())?
            .timestamp()
            .as_second())
    }
}

/// Read an RFC 3339 time ("2026-11-27T08:00:00Z", "…+07:00").
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    s.trim().parse::<Timestamp>().ok().map(|t| t.as_second())
}

impl SiteZone {
    /// Read a form's `datetime-local` value ("2026-11-27T15:00") as a wall
    /// clock in this zone.
    pub fn parse_local(&self, s: &str) -> Option<i64> {
        let dt: jiff::civil::DateTime = s.trim().parse().ok()?;
        Some(
            dt.to_zoned_datetime(self.tz.clone())
                .ok()?
                .timestamp()
                .as_second(),
        )
    }

    /// The start of a day ("2026-11-27") in this zone, in UTC seconds.
    pub fn day_start(&self, ymd: &str) -> Option<i64> {
        let d: jiff::civil::Date = ymd.trim().parse().ok()?;
        Some(
            d.to_datetime(jiff::civil::Time::midnight())
                .to_zoned_datetime(self.tz.clone())
                .ok()?
                .timestamp()
                .as_second(),
        )
    }

    /// The start of the local day that `at` falls in, in UTC seconds.
    pub fn day_start_of(&self, at: i64) -> i64 {
        self.zoned(at)
            .start_of_day()
            .map_or(at, |z| z.timestamp().as_second())
    }

    /// The value for a `datetime-local` input.
    pub fn local_input(&self, at: i64) -> String {
        self.zoned(at).strftime("%Y-%m-%dT%H:%M").to_string()
    }
}

/// RFC 3339 in UTC: the Content API's time format.
pub fn rfc3339_utc(at: i64) -> String {
    Timestamp::from_second(at)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

pub fn now() -> i64 {
    Timestamp::now().as_second()
}

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn day_name_id(d: Weekday) -> &'static str {
    match d {
        Weekday::Monday => "Senin",
        Weekday::Tuesday => "Selasa",
        Weekday::Wednesday => "Rabu",
        Weekday::Thursday => "Kamis",
        Weekday::Friday => "Jumat",
        Weekday::Saturday => "Sabtu",
        Weekday::Sunday => "Minggu",
    }
}

fn day_name_en(d: Weekday) -> &'static str {
    match d {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2022-01-11 09:45 UTC is the seed's 16:45 WIB.
    const SEED_UTC: i64 = 1_641_894_300;

    #[test]
    fn kicker_in_the_three_indonesian_zones() {
        let wib = SiteZone::new("Asia/Jakarta").unwrap();
        let wita = SiteZone::new("Asia/Makassar").unwrap();
        let wit = SiteZone::new("Asia/Jayapura").unwrap();
        assert_eq!(wib.kicker(SEED_UTC), "11/01/2022, 16:45 WIB");
        assert_eq!(wita.kicker(SEED_UTC), "11/01/2022, 17:45 WITA");
        assert_eq!(wit.kicker(SEED_UTC), "11/01/2022, 18:45 WIT");
    }

    #[test]
    fn a_day_starts_at_local_midnight() {
        let wib = SiteZone::new("Asia/Jakarta").unwrap();
        // 16:45 WIB on 11 January 2022 is in the day that began 00:00 WIB,
        // 17:00 UTC the day before.
        assert_eq!(
            wib.day_start_of(SEED_UTC),
            wib.day_start("2022-01-11").unwrap()
        );
        assert_eq!(wib.day_start_of(SEED_UTC), 1_641_834_000);
    }

    #[test]
    fn kicker_crosses_midnight_in_the_local_zone() {
        let wib = SiteZone::new("Asia/Jakarta").unwrap();
        // 2021-12-31 20:30 UTC is already New Year's Day in Jakarta.
        assert_eq!(wib.kicker(1_640_982_600), "01/01/2022, 03:30 WIB");
    }

    #[test]
    fn indonesian_and_english_day_and_month_names() {
        let wib = SiteZone::new("Asia/Jakarta").unwrap();
        assert_eq!(wib.long_date(SEED_UTC, "id"), "Selasa, 11 Januari 2022");
        assert_eq!(wib.long_date(SEED_UTC, "en"), "Tuesday, 11 January 2022");
        // A Friday in August (Jumat, Agustus).
        assert_eq!(wib.long_date(1_660_903_200, "id"), "Jumat, 19 Agustus 2022");
    }

    #[test]
    fn iso_times_carry_the_offset_or_utc() {
        let wib = SiteZone::new("Asia/Jakarta").unwrap();
        assert_eq!(wib.iso_with_offset(SEED_UTC), "2022-01-11T16:45:00+07:00");
        assert_eq!(rfc3339_utc(SEED_UTC), "2022-01-11T09:45:00Z");
    }

    #[test]
    fn wall_clock_to_utc_round_trips() {
        let wib = SiteZone::from_label("WIB").unwrap();
        assert_eq!(wib.to_utc(2022, 1, 11, 16, 45).unwrap(), SEED_UTC);
        let wit = SiteZone::from_label("WIT").unwrap();
        assert_eq!(wit.to_utc(2022, 1, 11, 18, 45).unwrap(), SEED_UTC);
        assert!(SiteZone::from_label("CET").is_none());
    }

    #[test]
    fn other_zones_show_an_offset_label() {
        let z = SiteZone::new("Asia/Kolkata").unwrap();
        assert_eq!(z.label(SEED_UTC), "UTC+5:30");
        assert!(SiteZone::new("Mars/Olympus").is_err());
    }
}
