"""The benchmark's report: the table (`table`), how figures are summarized and printed (`figures`), the
machine and versions they came from (`machine`), and BENCHMARKS.md itself (`benchmarks_md`)."""
