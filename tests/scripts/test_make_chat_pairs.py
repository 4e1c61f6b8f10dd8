"""scripts/make_chat_pairs.py: SAMSum dialogues -> (previous turns, next turn)."""

import importlib.util
import json
from collections import Counter
from pathlib import Path

import typer
from typer.testing import CliRunner

SCRIPT = Path(__file__).parents[2] / "scripts" / "make_chat_pairs.py"
spec = importlib.util.spec_from_file_location("make_chat_pairs", SCRIPT)
chat = importlib.util.module_from_spec(spec)
spec.loader.exec_module(chat)


def test_turns_keep_speakers_and_join_broken_lines():
    dialogue = "Amanda: I baked cookies.\r\nDo you want some?\r\nJerry Smith: Sure! At 5:30?\nAmanda: :)\n\nJerry Smith:"
    assert chat.turns_of(dialogue) == [
        ("Amanda", "I baked cookies. Do you want some?"),
        ("Jerry Smith", "Sure! At 5:30?"),
        ("Amanda", ":)"),
        ("Jerry Smith", ""),
    ]


def test_pairs_use_the_last_turns_as_context_and_count_skips():
    skipped = Counter()
    dialogue = "A: one\nB: two\nA: three\nB: four\nA:"
    pairs = list(chat.chat_pairs(dialogue, context_turns=2, skipped=skipped))
    assert pairs == [
        {"context": "A: one", "response": "two"},
        {"context": "A: one\nB: two", "response": "three"},
        {"context": "B: two\nA: three", "response": "four"},
    ]
    assert skipped == Counter({"empty turns": 1})
    assert list(chat.chat_pairs("", 2, skipped)) == [] and skipped["dialogues with fewer than 2 turns"] == 1


def test_writes_both_splits(tmp_path):
    for split in ("train", "val"):
        records = [{"id": "1", "summary": "s", "dialogue": "A: hi\r\nB: hello\r\nA: bye"}, {"id": "2", "summary": "s", "dialogue": ""}]
        (tmp_path / f"{split}.json").write_text(json.dumps(records), encoding="utf8")
    app = typer.Typer()
    app.command()(chat.main)
    result = CliRunner().invoke(app, [str(tmp_path), str(tmp_path / "out"), "--context-turns", "3"])
    assert result.exit_code == 0, result.output
    assert "train: 2 dialogues -> 2 pairs; skipped dialogues with fewer than 2 turns: 1" in result.output
    lines = (tmp_path / "out" / "val.jsonl").read_text(encoding="utf8").splitlines()
    assert sorted(map(json.loads, lines), key=json.dumps) == sorted([
        {"context": "A: hi", "response": "hello"}, {"context": "A: hi\nB: hello", "response": "bye"},
    ], key=json.dumps)


def test_pairs_are_written_in_a_seeded_random_order(tmp_path):
    dialogue = "\n".join(f"{'AB'[n % 2]}: turn {n}" for n in range(40))
    (tmp_path / "train.json").write_text(json.dumps([{"dialogue": dialogue}]), encoding="utf8")
    (tmp_path / "val.json").write_text(json.dumps([]), encoding="utf8")
    app = typer.Typer()
    app.command()(chat.main)
    orders = {}
    for run, seed in (("a", "0"), ("b", "0"), ("c", "1")):
        result = CliRunner().invoke(app, [str(tmp_path), str(tmp_path / run), "--seed", seed])
        assert result.exit_code == 0, result.output
        lines = (tmp_path / run / "train.jsonl").read_text(encoding="utf8").splitlines()
        orders[run] = [json.loads(line)["response"] for line in lines]
    in_dialogue_order = [f"turn {n}" for n in range(1, 40)]
    assert sorted(orders["a"]) == sorted(in_dialogue_order)  # every pair, once
    assert orders["a"] == orders["b"] != in_dialogue_order  # shuffled, reproducibly
    assert orders["c"] != orders["a"]  # the seed decides the order
