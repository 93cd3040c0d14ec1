-- Sections nest one level (Regional > Jawa Timur); contributors get a photo.
ALTER TABLE sections ADD COLUMN parent_id BIGINT REFERENCES sections(id);
ALTER TABLE contributors ADD COLUMN photo TEXT;
