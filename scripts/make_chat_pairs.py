"""Chatbot pairs from SAMSum dialogues: the previous turns -> the next turn.

Each dialogue of the original JSON release ("dialogue": "Speaker: text"
lines) gives one pair per turn after the first: the context is the last
--context-turns turns before it, one per line with their speaker names (the
component's `src_line_break` keeps them apart), and the response is what the
next speaker says, without the name. Writes train.jsonl and val.jsonl with
"context" and "response" fields, and prints what it skipped and why.

The pairs are written in a seeded random order (--seed): configs/chat.cfg
streams the training file (max_epochs = -1) and its batcher shuffles only
within a window, so pairs of one dialogue must not arrive side by side; the
dev set (the first 300 val pairs) then samples many dialogues, not a few.

    python scripts/make_chat_pairs.py ../shared/data/summarization/samsum corpus/chat

SAMSum is research-only (CC BY-NC-ND 4.0): the output stays in corpus/,
which is not committed.
"""

import json
import random
import re
from collections import Counter
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import typer

SPLITS = ("train", "val")


# "Name: text": a name of at most three words, starting with a letter.
SPEAKER = re.compile(r"^([^\W\d_][\w.'-]*(?: [\w.'-]+){0,2}):(?:\s+|$)(.*)$")


def turns_of(dialogue: str) -> List[Tuple[str, str]]:
    """(speaker, utterance) per non-empty line; a line without "Name:" joins
    the turn before it (a message broken over lines)."""
    turns: List[Tuple[str, str]] = []
    for line in dialogue.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        match = SPEAKER.match(line)
        if match:
            turns.append((match.group(1), match.group(2).strip()))
        elif turns:
            name, previous = turns[-1]
            turns[-1] = (name, f"{previous} {line}".strip())
        else:
            turns.append(("", line))
    return turns


def chat_pairs(dialogue: str, context_turns: int, skipped: Counter) -> Iterator[Dict[str, str]]:
    turns = turns_of(dialogue)
    if len(turns) < 2:
        skipped["dialogues with fewer than 2 turns"] += 1
        return
    for k in range(1, len(turns)):
        speaker, response = turns[k]
        if not response:
            skipped["empty turns"] += 1
            continue
        context = "\n".join(
            f"{name}: {text}" if name else text for name, text in turns[max(0, k - context_turns) : k]
        )
        yield {"context": context, "response": response}


def main(
    samsum_dir: Path = typer.Argument(..., help="Folder with SAMSum's train.json and val.json."),
    output_dir: Path = typer.Argument(..., help="Where train.jsonl and val.jsonl go."),
    context_turns: int = typer.Option(3, help="Turns of context before each response."),
    seed: int = typer.Option(0, help="Seed of the order the pairs are written in."),
) -> None:
    if context_turns < 1:
        raise typer.BadParameter("--context-turns must be at least 1.")
    output_dir.mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        records = json.loads((samsum_dir / f"{split}.json").read_text(encoding="utf8"))
        skipped: Counter = Counter()
        pairs = [
            pair for record in records
            for pair in chat_pairs(record.get("dialogue") or "", context_turns, skipped)
        ]
        random.Random(seed).shuffle(pairs)
        with (output_dir / f"{split}.jsonl").open("w", encoding="utf8") as out:
            out.writelines(json.dumps(pair, ensure_ascii=False) + "\n" for pair in pairs)
        detail = ", ".join(f"{why}: {n}" for why, n in sorted(skipped.items())) or "nothing"
        typer.echo(f"{split}: {len(records)} dialogues -> {len(pairs)} pairs; skipped {detail}")


if __name__ == "__main__":
    typer.run(main)
