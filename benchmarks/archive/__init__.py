"""One-off measurements that settled a design question, kept with their
reports (`archive/results/`) as the record of why the code is as it is.
They are not re-run as the code changes; run one as
`python -m benchmarks.archive.<name>` from the repository root."""
