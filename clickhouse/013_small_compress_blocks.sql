-- A part's writer keeps two buffers of max_compress_block_size (1 MiB by
-- default) per column stream: the block being filled and the file's. A merge
-- that writes a wide part opens every stream at once unless it is vertical,
-- and trace_rollup (AggregatingMergeTree) cannot merge vertically: its
-- ~30 streams made each of its merges ~90 MB under sustained ingest, for a
-- part of <1 MB on disk. At 64 KiB a block, the same merge took ~30 MB, and
-- a spans merge 27 MB instead of 45. Granules of small columns are below
-- 64 KiB anyway; only long string columns are compressed in more, smaller
-- blocks.

ALTER TABLE spans MODIFY SETTING max_compress_block_size = 65536;

ALTER TABLE evaluations MODIFY SETTING max_compress_block_size = 65536;

ALTER TABLE trace_rollup MODIFY SETTING max_compress_block_size = 65536;

ALTER TABLE trace_resolved MODIFY SETTING max_compress_block_size = 65536;
