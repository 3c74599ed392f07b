-- Merges of the wide tables read every column of every part at once by
-- default (horizontal) until a merge reaches 131,072 rows: one read buffer per
-- column per part. Under sustained ingest a 6-part merge of ~50k spans took
-- ~220 MB that way; merging column by column (vertical) took ~35 MB. Same
-- parts, same result; only the order in which columns are written changes.

ALTER TABLE spans MODIFY SETTING vertical_merge_algorithm_min_rows_to_activate = 1;

ALTER TABLE evaluations MODIFY SETTING vertical_merge_algorithm_min_rows_to_activate = 1;
