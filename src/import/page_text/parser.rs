//! Reading a page: the kicker anchors everything (the headline above it,
//! the credits, dateline and body below), and the profile says what is
//! chrome.

use regex::Captures;

use super::*;

pub fn parse(text: &str, profile: &SiteProfile) -> Result<ImportedArticle, ImportError> {
    let lines = normalize_lines(text);
    if lines.is_empty() {
        return Err(ImportError::Empty);
    }

    // The kicker anchors everything: the headline is above it, the article below.
    let (k, kicker) = lines
        .iter()
        .enumerate()
        .find_map(|(i, l)| profile.kicker.captures(l).map(|c| (i, c)))
        .ok_or_else(|| ImportError::NoPublicationTime {
            profile: profile.name.clone(),
        })?;
    let published =
        local_time(&kicker).ok_or_else(|| ImportError::InvalidPublicationTime(lines[k].clone()))?;
    let zone = kicker["zone"].trim().to_string();
    let mut updated = match profile.updated_in(&lines[k]) {
        Some(c) => {
            Some(local_time(&c).ok_or_else(|| ImportError::InvalidUpdatedTime(lines[k].clone()))?)
        }
        None => None,
    };

    let headline = lines[..k]
        .iter()
        .rev()
        .find(|l| !profile.is_chrome(l) && !profile.end_markers.contains(l))
        .ok_or(ImportError::NoHeadline)?
        .clone();

    // Everything from the first end marker on is page chrome (pagination,
    // videos, latest news, comments, share dialog).
    let end = lines[k + 1..]
        .iter()
        .position(|l| profile.end_markers.contains(l))
        .map_or(lines.len(), |p| k + 1 + p);
    let region = &lines[k + 1..end];

    // The dateline, when present, is where the body starts for sure; lines
    // before it that are not credits (photo captions and the like) are noise.
    let dateline_re = profile.dateline_regex(kicker.name("site").map(|m| m.as_str()));
    let found_dateline = dateline_re.as_ref().and_then(|re| {
        // Only a few such lines may precede it: a dateline-shaped line deep in
        // the body must not turn the paragraphs above it into noise. The inner
        // None ends the search with no dateline.
        let mut noise = 0;
        region.iter().enumerate().find_map(|(i, l)| {
            if let Some(c) = re.captures(l) {
                return Some(Some((
                    i,
                    c["city"].trim().to_string(),
                    c["rest"].trim().to_string(),
                )));
            }
            if !profile.is_chrome(l)
                && profile.updated_in(l).is_none()
                && profile.header_items(l).is_none()
            {
                noise += 1;
            }
            (noise > MAX_HEADER_NOISE_LINES).then_some(None)
        })?
    });
    // Walk the credits. Without a dateline the body starts at the first line
    // that is not a credit; with one, such lines (photo captions) are noise.
    let header_end = found_dateline.as_ref().map_or(region.len(), |(i, _, _)| *i);
    let mut credits = Credits::default();
    let mut i = 0;
    while i < header_end {
        let line = &region[i];
        i += 1;
        if profile.is_chrome(line) {
            continue;
        }
        if let Some(c) = profile.updated_in(line) {
            if updated.is_none() {
                updated = Some(
                    local_time(&c).ok_or_else(|| ImportError::InvalidUpdatedTime(line.clone()))?,
                );
            }
            continue;
        }
        // A bare "Sumber" line with the agencies on the next line.
        if i < header_end
            && let Some(sources) = profile.sources_split_over(line, &region[i])
        {
            credits.take(HeaderItem::Sources(sources));
            i += 1;
            continue;
        }
        match profile.header_items(line) {
            Some(items) => items.into_iter().for_each(|item| credits.take(item)),
            None if found_dateline.is_some() => {}
            None => {
                i -= 1;
                break;
            }
        }
    }
    credits.flush_name();
    let body_start = if found_dateline.is_some() {
        header_end
    } else {
        i
    };

    let mut body_lines = &region[body_start..];
    let mut drafts = Vec::new();
    let mut dateline = None;
    if let Some((_, city, lede)) = found_dateline {
        dateline = Some(city);
        if !lede.is_empty() {
            drafts.push(ImportedBlock::Paragraph(lede));
        }
        body_lines = &body_lines[1..];
    }
    let mut i = 0;
    while i < body_lines.len() {
        let line = &body_lines[i];
        i += 1;
        if profile.is_chrome(line) {
            continue;
        }
        match profile.read_also_in(line) {
            Some("") => {
                // The link text may land on its own line after "Baca juga:".
                if let Some(next) = body_lines.get(i)
                    && !profile.is_chrome(next)
                    && profile.read_also_in(next).is_none()
                {
                    drafts.push(ImportedBlock::ReadAlso(next.clone()));
                    i += 1;
                }
            }
            Some(title) => drafts.push(ImportedBlock::ReadAlso(title.to_string())),
            None => drafts.push(ImportedBlock::Paragraph(line.clone())),
        }
    }
    let body = mark_headings(drafts, profile);
    if !body
        .iter()
        .any(|b| matches!(b, ImportedBlock::Paragraph(_)))
    {
        return Err(ImportError::NoBody);
    }

    Ok(ImportedArticle {
        headline,
        published,
        zone,
        updated,
        contributors: credits.contributors,
        sources: credits.sources,
        dateline,
        body,
    })
}

/// Pairs names with role labels printed on the line before or after them:
/// "Name / Penulis" and "Penulis / Name" both give (Name, Writer).
#[derive(Default)]
pub(super) struct Credits {
    contributors: Vec<(String, ImportedRole)>,
    sources: Vec<String>,
    pending_name: Option<String>,
    pending_role: Option<ImportedRole>,
}

impl Credits {
    fn take(&mut self, item: HeaderItem) {
        match item {
            HeaderItem::Credit(name, role) => self.add(name, role),
            HeaderItem::Sources(list) => {
                for s in list {
                    if !self.sources.contains(&s) {
                        self.sources.push(s);
                    }
                }
            }
            HeaderItem::Label(role) => match self.pending_name.take() {
                Some(name) => self.add(name, role),
                None => self.pending_role = Some(role),
            },
            HeaderItem::Name(name) => {
                if let Some(role) = self.pending_role.take() {
                    self.add(name, role);
                } else {
                    self.flush_name();
                    self.pending_name = Some(name);
                }
            }
        }
    }

    /// A name printed without any label is the byline: the writer.
    fn flush_name(&mut self) {
        if let Some(name) = self.pending_name.take() {
            self.add(name, ImportedRole::Writer);
        }
    }

    fn add(&mut self, name: String, role: ImportedRole) {
        if !self
            .contributors
            .iter()
            .any(|(n, r)| *n == name && *r == role)
        {
            self.contributors.push((name, role));
        }
    }
}

/// A short unpunctuated paragraph becomes a subheading only when it sits alone
/// between two ordinary paragraphs: a short last line (a sign-off, a credit)
/// or a run of short lines (a list) stays text, and so does the lede.
pub(super) fn mark_headings(
    drafts: Vec<ImportedBlock>,
    profile: &SiteProfile,
) -> Vec<ImportedBlock> {
    let shaped: Vec<bool> = drafts
        .iter()
        .map(|b| matches!(b, ImportedBlock::Paragraph(t) if profile.heading_shaped(t)))
        .collect();
    let paras: Vec<usize> = drafts
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, ImportedBlock::Paragraph(_)))
        .map(|(i, _)| i)
        .collect();
    let mut headings = vec![false; drafts.len()];
    for (k, &i) in paras.iter().enumerate() {
        headings[i] = shaped[i]
            && k > 0
            && k + 1 < paras.len()
            && !shaped[paras[k - 1]]
            && !shaped[paras[k + 1]];
    }
    drafts
        .into_iter()
        .zip(headings)
        .map(|(b, heading)| match b {
            ImportedBlock::Paragraph(t) if heading => ImportedBlock::Heading(t),
            other => other,
        })
        .collect()
}

pub(super) fn local_time(c: &Captures<'_>) -> Option<LocalDateTime> {
    let num = |g: &str| c.name(g)?.as_str().trim().parse::<i32>().ok();
    let (year, month, day) = (num("y")?, num("m")?, num("d")?);
    let (hour, minute) = (num("H")?, num("M")?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    let valid = (1..=9999).contains(&year)
        && (1..=days).contains(&day)
        && (0..=23).contains(&hour)
        && (0..=59).contains(&minute);
    if !valid {
        return None;
    }
    Some(LocalDateTime {
        year: i16::try_from(year).ok()?,
        month: i8::try_from(month).ok()?,
        day: i8::try_from(day).ok()?,
        hour: i8::try_from(hour).ok()?,
        minute: i8::try_from(minute).ok()?,
    })
}

/// Copied text comes with CRLF or CR line ends, no-break spaces, zero-width
/// characters and blank lines that carry no meaning; drop them all.
pub(super) fn normalize_lines(text: &str) -> Vec<String> {
    text.split(['\n', '\r', '\u{2028}', '\u{2029}'])
        .map(normalize_line)
        .filter(|l| !l.is_empty())
        .collect()
}

pub(super) fn normalize_line(line: &str) -> String {
    line.split(|c: char| c.is_whitespace())
        .map(|w| {
            w.replace(
                ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'],
                "",
            )
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn eq_ci(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

pub(super) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    eq_ci(head, prefix).then(|| &s[prefix.len()..])
}

pub(super) fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    eq_ci(tail, suffix).then(|| &s[..cut])
}

pub(super) fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// A person's name as bylines print it: a few capitalised words ("M. Hafidz",
/// "Siti binti Ahmad"), no digits, no sentence punctuation.
pub(super) fn looks_like_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    let Some(last) = words.last() else {
        return false;
    };
    s.chars().count() <= MAX_NAME_CHARS
        && words.len() <= MAX_NAME_WORDS
        && starts_upper(s)
        && !s
            .chars()
            .any(|c| c.is_numeric() || "!?:;,()[]\"“”|/".contains(c))
        && words[1..]
            .iter()
            .all(|w| starts_upper(w) || (w.chars().count() <= 3 && w.chars().all(char::is_lowercase)))
        // A final period only after an initial ("Ahmad S."), never after a sentence.
        && (!s.ends_with('.') || last.chars().count() <= 3)
}

/// An agency name: "AFP", "Reuters", "Antara", "The Associated Press".
pub(super) fn looks_like_source(s: &str) -> bool {
    s.chars().count() <= MAX_SOURCE_CHARS
        && s.split_whitespace().count() <= MAX_SOURCE_WORDS
        && s.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric())
        && !s.chars().any(|c| "!?:;\"“”".contains(c))
        && !s.ends_with(['.', ','])
}
