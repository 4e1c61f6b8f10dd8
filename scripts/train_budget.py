"""`spacy train` under a wall-clock budget, as the JoeyNMT recipe trains (45 min).

spaCy stops training after a number of steps or epochs, not after a time.
This runs spaCy's own `train` with one extra `[training.before_update]`
callback that ends training when the budget (counted from the start of this
script, so start-up and evaluations are included, as in the recipe) is
spent. The best model is the last evaluation that improved, which spaCy has
already saved as `model-best`; evaluate often enough (the recipe validates
every 250 steps) that little training is lost at the end.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python scripts/train_budget.py \\
        configs/multi30k_de_en.cfg training/multi30k_de_en --budget-s 2700 \\
        --paths.data_dir corpus/multi30k --training.eval_frequency 250

Extra `--section.key value` options override the config, as with `spacy train`.
A JSON summary (steps, seconds, words, peak RSS) goes next to the output.
"""

import json
import resource
import sys
import time
from pathlib import Path

import typer
from spacy.cli._util import parse_config_overrides
from spacy.util import registry

STARTED = time.time()


class BudgetSpent(BaseException):
    """Not an Exception: spaCy's training loop must not catch it."""


@registry.callbacks("spacy-seq2seq.wall_clock_budget.v1")
def make_wall_clock_budget(seconds: float):
    def before_update(nlp, args) -> None:
        if time.time() - STARTED > seconds:
            raise BudgetSpent(args["step"])

    return before_update


app = typer.Typer(add_completion=False)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def main(
    ctx: typer.Context,
    config_path: Path = typer.Argument(...),
    output_path: Path = typer.Argument(...),
    budget_s: float = typer.Option(2700.0, help="Wall-clock budget in seconds."),
) -> None:
    from spacy.cli.train import train

    overrides = parse_config_overrides(ctx.args)
    config_text = config_path.read_text(encoding="utf8").replace(
        "before_update = null",
        '\n[training.before_update]\n@callbacks = "spacy-seq2seq.wall_clock_budget.v1"\n'
        f"seconds = {budget_s}\n",
    )
    budgeted = output_path.parent / f"{output_path.name}.budget.cfg"
    output_path.mkdir(parents=True, exist_ok=True)
    budgeted.write_text(config_text, encoding="utf8")
    last_step = None
    try:
        train(budgeted, output_path, overrides=overrides)
        how = "finished its steps within the budget"
    except BudgetSpent as stop:
        last_step = stop.args[0]
        how = "stopped by the budget"
    summary = {
        "config": str(config_path),
        "overrides": overrides,
        "budget_s": budget_s,
        "wall_s": round(time.time() - STARTED, 1),
        "stopped_at_step": last_step,
        "how": how,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    (output_path / "budget_run.json").write_text(json.dumps(summary, indent=2), encoding="utf8")
    typer.echo(json.dumps(summary, indent=2))


if __name__ == "__main__":
    app(sys.argv[1:])
