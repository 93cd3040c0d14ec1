//! Where in-article ads may go: after every N-th paragraph, never right
//! before or after a read-also link (it would look like a sponsored link),
//! and never at the end of a page (the reader is done; it only adds weight).

use super::article::Block;

/// Indices of blocks after which an in-article ad is inserted.
pub fn in_article_positions(blocks: &[Block], every: usize) -> Vec<usize> {
    if every == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut paragraphs = 0;
    for (i, b) in blocks.iter().enumerate() {
        if !matches!(b, Block::Paragraph { .. }) {
            continue;
        }
        paragraphs += 1;
        if paragraphs % every != 0 {
            continue;
        }
        let Some(next) = blocks.get(i + 1) else {
            continue;
        };
        let before_read_also = matches!(next, Block::ReadAlso { .. });
        let after_read_also = i > 0 && matches!(blocks[i - 1], Block::ReadAlso { .. });
        let last_content = blocks[i + 1..].iter().all(Block::is_page_break);
        if before_read_also || after_read_also || last_content {
            // Try again after the next paragraph rather than skip a whole round.
            paragraphs -= 1;
            continue;
        }
        out.push(i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Block {
        Block::Paragraph { text: "p".into() }
    }
    fn ra() -> Block {
        Block::ReadAlso {
            title: "t".into(),
            slug: None,
        }
    }

    #[test]
    fn after_every_third_paragraph_but_not_at_the_end() {
        let body = vec![p(), p(), p(), p(), p(), p()];
        assert_eq!(in_article_positions(&body, 3), vec![2]);
    }

    #[test]
    fn never_next_to_a_read_also_link() {
        let body = vec![p(), p(), ra(), p(), p(), p()];
        // After paragraph 2 comes a read-also: move to the next paragraph,
        // which follows the read-also, so move again.
        assert_eq!(in_article_positions(&body, 2), vec![4]);
        let pos = in_article_positions(&body, 2);
        for i in pos {
            assert!(!matches!(body[i], Block::ReadAlso { .. }));
            assert!(!matches!(body.get(i + 1), Some(Block::ReadAlso { .. })));
        }
    }

    #[test]
    fn short_pages_get_none() {
        assert!(in_article_positions(&[p(), p()], 3).is_empty());
        assert!(in_article_positions(&[p(), p(), p()], 0).is_empty());
    }
}
