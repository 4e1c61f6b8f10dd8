"""Benchmarks of spacy-seq2seq, each run from the repository root as
`python -m benchmarks.<name>`; `harness` writes their reports to
`benchmarks/results/<name>.json` and `.md`. `archive/` keeps one-off
measurements that decided a design question, with their reports."""
