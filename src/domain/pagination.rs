//! Splitting a long article into pages at editor-set breaks, and reading
//! the `?page=` a reader asked for.

use super::article::Block;

/// The body split at page breaks; empty pages (a break at the very start or
/// end, or two in a row) are dropped so "Halaman 2" is never blank.
pub fn split_pages(body: &[Block]) -> Vec<&[Block]> {
    body.split(Block::is_page_break)
        .filter(|p| !p.is_empty())
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageChoice {
    /// 1-based.
    One(usize),
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("page is not a number")]
    NotANumber,
    #[error("page {0} does not exist")]
    OutOfRange(usize),
}

/// Read `?page=`: absent means page 1, "all" the whole article.
pub fn parse_page(raw: Option<&str>, pages: usize) -> Result<PageChoice, PageError> {
    let Some(raw) = raw else {
        return Ok(PageChoice::One(1));
    };
    if raw.eq_ignore_ascii_case("all") {
        return Ok(PageChoice::All);
    }
    let n: usize = raw.parse().map_err(|_| PageError::NotANumber)?;
    if n == 0 || n > pages.max(1) {
        return Err(PageError::OutOfRange(n));
    }
    Ok(PageChoice::One(n))
}

/// The highest page number any list answers: far past any archive (at 100
/// a page, ten million stories), and small enough that no offset computed
/// from it overflows.
pub const MAX_LIST_PAGE: i64 = 100_000;

/// `?page=` of a list (a section, an author, the videos, the Content API):
/// absent is 1; anything but a whole number from 1 to `MAX_LIST_PAGE` is
/// refused. Every list reads its page here, so none computes an offset from
/// a number it never checked.
pub fn parse_list_page(raw: Option<&str>) -> Result<i64, PageError> {
    let Some(raw) = raw else { return Ok(1) };
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PageError::NotANumber);
    }
    match raw.parse::<i64>() {
        Ok(n) if (1..=MAX_LIST_PAGE).contains(&n) => Ok(n),
        Ok(n) => Err(PageError::OutOfRange(n.max(0) as usize)),
        Err(_) => Err(PageError::OutOfRange(usize::MAX)),
    }
}

/// The offset of `page` (from `parse_list_page`) at `per_page` items.
pub fn list_offset(page: i64, per_page: i64) -> i64 {
    (page.clamp(1, MAX_LIST_PAGE) - 1).saturating_mul(per_page.max(0))
}

/// Page numbers for a list page (section, author): total pages for `total`
/// items at `per_page`, at least one.
pub fn page_count(total: i64, per_page: i64) -> usize {
    if total <= 0 || per_page <= 0 {
        1
    } else {
        ((total + per_page - 1) / per_page) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(t: &str) -> Block {
        Block::Paragraph { text: t.into() }
    }

    #[test]
    fn splits_at_breaks_and_drops_empty_pages() {
        let body = vec![
            Block::PageBreak,
            p("a"),
            p("b"),
            Block::PageBreak,
            Block::PageBreak,
            p("c"),
            Block::PageBreak,
        ];
        let pages = split_pages(&body);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0], &[p("a"), p("b")]);
        assert_eq!(pages[1], &[p("c")]);
    }

    #[test]
    fn an_article_without_breaks_is_one_page() {
        let body = vec![p("a"), p("b")];
        assert_eq!(split_pages(&body).len(), 1);
        assert_eq!(split_pages(&[]).len(), 0);
    }

    #[test]
    fn page_parameter() {
        assert_eq!(parse_page(None, 3), Ok(PageChoice::One(1)));
        assert_eq!(parse_page(Some("2"), 3), Ok(PageChoice::One(2)));
        assert_eq!(parse_page(Some("all"), 3), Ok(PageChoice::All));
        assert_eq!(parse_page(Some("ALL"), 1), Ok(PageChoice::All));
        assert_eq!(parse_page(Some("0"), 3), Err(PageError::OutOfRange(0)));
        assert_eq!(parse_page(Some("4"), 3), Err(PageError::OutOfRange(4)));
        assert_eq!(parse_page(Some("dua"), 3), Err(PageError::NotANumber));
        assert_eq!(parse_page(Some("-1"), 3), Err(PageError::NotANumber));
        assert_eq!(parse_page(Some(" 1"), 3), Err(PageError::NotANumber));
        assert_eq!(
            parse_page(Some("99999999999999999999999"), 3),
            Err(PageError::NotANumber)
        );
    }

    #[test]
    fn list_pages_are_checked_numbers() {
        assert_eq!(parse_list_page(None), Ok(1));
        assert_eq!(parse_list_page(Some("2")), Ok(2));
        assert_eq!(parse_list_page(Some("100000")), Ok(100_000));
        assert!(parse_list_page(Some("100001")).is_err());
        assert!(parse_list_page(Some("9223372036854775807")).is_err());
        assert!(parse_list_page(Some("9223372036854775808")).is_err());
        assert!(parse_list_page(Some("0")).is_err());
        assert!(parse_list_page(Some("-1")).is_err());
        assert!(parse_list_page(Some("+1")).is_err());
        assert!(parse_list_page(Some("")).is_err());
        assert!(parse_list_page(Some("1e3")).is_err());
        assert_eq!(list_offset(3, 12), 24);
        assert_eq!(list_offset(MAX_LIST_PAGE, i64::MAX), i64::MAX);
    }

    #[test]
    fn list_page_counts() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
    }
}
