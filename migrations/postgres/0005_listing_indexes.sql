-- Newest-first lists walk these in order and stop at LIMIT.
CREATE INDEX articles_newest ON articles (published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX articles_section_newest ON articles (section_id, published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX videos_newest ON videos (published_at DESC, id DESC);
