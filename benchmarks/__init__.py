"""The performance benchmark: `python -m benchmarks` (`make bench`), from a checkout.

`generate` writes a realistic OpenClaw state directory at a chosen scale in both storage layouts, from
the real sample files' shapes (`templates`), with the totals it wrote; `measure` runs the pipeline's
real code and the reference tools, each in a child process; `report` writes BENCHMARKS.md.

The run itself (`benchmark`): the data in the work folder (`workdir`), then each of `comparisons`
through a shared `harness` (warehouse, checks against the generator's totals), judged by `targets`.

It sits beside `mission_pipeline`, not inside it, so the installed package carries nothing users never
run; it reads the OpenClaw samples (`mission_pipeline.sample`, and the tests' data for the older one).
"""
