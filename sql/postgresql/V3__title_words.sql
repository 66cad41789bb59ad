-- SEARCH's word index (version 3, docs/PROTOCOL.md section 8): a GIN index over the words of each title, cut as the
-- server cuts them (runs of letters and digits, lower-cased), so that "every word must match" is one containment
-- test, answered from the index rather than a scan of every title. It is an index over an expression, not a column:
-- the ADD path writes the same row as before, and PostgreSQL keeps the index with it.
CREATE INDEX rfc_record_title_words ON rfc_record
    USING GIN (regexp_split_to_array(lower(title), '[^[:alnum:]]+'));
