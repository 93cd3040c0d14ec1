//! Which stories go where on the front page. A reader scanning the page
//! should never meet the same story twice: the lead, the stories under it,
//! the latest list and each section block take stories no earlier part
//! has shown.

use std::collections::HashSet;

/// How many stories each part of the front page shows.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub secondary: usize,
    pub latest: usize,
    pub per_block: usize,
}

impl Shape {
    pub const DEFAULT: Shape = Shape {
        secondary: 4,
        latest: 8,
        per_block: 4,
    };

    /// How many of the newest stories to read for the top of the page.
    pub fn newest_needed(&self) -> usize {
        1 + self.secondary + self.latest
    }

    /// How many of a section's newest stories to read so that its block
    /// can be filled after the top of the page took its share.
    pub fn block_needed(&self) -> usize {
        self.newest_needed() + self.per_block
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FrontPage<T> {
    pub lead: Option<T>,
    pub secondary: Vec<T>,
    pub latest: Vec<T>,
    /// One list per section, in the order given; empty ones dropped by the
    /// caller if it wishes.
    pub blocks: Vec<Vec<T>>,
}

/// Arrange stories, newest first in each list, `id` telling them apart.
/// `newest` feeds the lead, the stories under it and the latest list, in
/// that order; each of `sections` feeds its block with what is left.
pub fn arrange<T>(
    shape: Shape,
    newest: Vec<T>,
    sections: Vec<Vec<T>>,
    id: impl Fn(&T) -> i64,
) -> FrontPage<T> {
    let mut seen = HashSet::new();
    let mut top = newest.into_iter().filter(|a| seen.insert(id(a)));
    let lead = top.next();
    let secondary: Vec<T> = top.by_ref().take(shape.secondary).collect();
    let latest: Vec<T> = top.take(shape.latest).collect();
    let blocks = sections
        .into_iter()
        .map(|items| {
            items
                .into_iter()
                .filter(|a| seen.insert(id(a)))
                .take(shape.per_block)
                .collect()
        })
        .collect();
    FrontPage {
        lead,
        secondary,
        latest,
        blocks,
    }
}

/// The stories that feed the top of the page: an editor's pinned lead
/// first (when it is published), then the newest; `arrange` drops the
/// pinned story where the newest list has it again.
pub fn lead_first<T>(pinned: Option<T>, newest: Vec<T>) -> Vec<T> {
    pinned.into_iter().chain(newest).collect()
}

/// Whether a section keeps its block on the front page.
pub fn shows_block(section: &str, hidden: &[String]) -> bool {
    !hidden.iter().any(|h| h == section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_lead_leads_once_and_hidden_sections_have_no_block() {
        let page = arrange(
            Shape {
                secondary: 2,
                latest: 2,
                per_block: 2,
            },
            lead_first(Some(9), vec![1, 2, 9, 3, 4, 5]),
            vec![vec![9, 6, 7]],
            |a| *a,
        );
        assert_eq!(page.lead, Some(9));
        assert_eq!(page.secondary, vec![1, 2]);
        assert_eq!(page.latest, vec![3, 4]);
        assert_eq!(page.blocks, vec![vec![6, 7]]);
        let hidden = vec!["olahraga".to_string()];
        assert!(!shows_block("olahraga", &hidden));
        assert!(shows_block("nasional", &hidden));
    }

    const SMALL: Shape = Shape {
        secondary: 2,
        latest: 3,
        per_block: 2,
    };

    #[test]
    fn no_story_is_shown_twice() {
        let newest: Vec<i64> = (1..=10).collect();
        // Section A holds 1, 3, 5, 7, 9, 11; section B 2, 4, 12, 13.
        let a = vec![1, 3, 5, 7, 9, 11];
        let b = vec![2, 4, 12, 13];
        let p = arrange(SMALL, newest, vec![a, b], |x| *x);
        assert_eq!(p.lead, Some(1));
        assert_eq!(p.secondary, [2, 3]);
        assert_eq!(p.latest, [4, 5, 6]);
        assert_eq!(p.blocks, [vec![7, 9], vec![12, 13]]);
        let mut all: Vec<i64> = p.lead.into_iter().collect();
        all.extend(
            p.secondary
                .iter()
                .chain(&p.latest)
                .chain(p.blocks.concat().iter()),
        );
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
    }

    #[test]
    fn a_small_site_fills_what_it_can() {
        let p = arrange(SMALL, vec![1, 2], vec![vec![1, 2], vec![]], |x| *x);
        assert_eq!(p.lead, Some(1));
        assert_eq!(p.secondary, [2]);
        assert!(p.latest.is_empty());
        assert_eq!(p.blocks, [Vec::<i64>::new(), vec![]]);
        let empty = arrange(SMALL, Vec::<i64>::new(), vec![], |x| *x);
        assert_eq!(empty.lead, None);
    }

    #[test]
    fn each_block_reads_enough_to_fill_after_the_top() {
        assert_eq!(Shape::DEFAULT.newest_needed(), 13);
        assert_eq!(Shape::DEFAULT.block_needed(), 17);
    }
}
