"""Combining the alignments of two directions (bidirectional agreement).

A source->target model links each target word to source words; a
target->source model links each source word to target words. Each misses
what the other sees, and each makes its own mistakes; where they agree the
links are usually right. Both inputs here are in the same coordinates,
(source_i, target_j) pairs: flip the reverse model's links first
(`flip`).

- "intersection": links both directions found (high precision).
- "union": links either direction found (high recall).
- "grow-diag-final-and" (Koehn et al. 2003; the usual choice in phrase-based
  MT): start from the intersection, grow into neighbouring union links
  (diagonals included) that cover a still-unaligned word on either side,
  then add union links whose words are both still unaligned.

Those combine links. `agreement` combines the weights the links come from
instead: a link where the product of both directions' weights is high
enough (soft agreement; Liang et al. 2006 multiply the two directions'
link posteriors in the same way). It keeps what both directions give some
weight, even where neither made it its top choice.
"""

from typing import Callable, Dict, Iterable, List, Set, Tuple

import numpy

from ..errors import Errors, check_choice

Link = Tuple[int, int]
NEIGHBOURS = ((-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def flip(links: Iterable[Link]) -> List[Link]:
    """(i, j) -> (j, i): a reverse model's links in forward coordinates."""
    return sorted((j, i) for i, j in links)


def intersection(forward: Iterable[Link], reverse: Iterable[Link]) -> List[Link]:
    return sorted(set(forward) & set(reverse))


def union(forward: Iterable[Link], reverse: Iterable[Link]) -> List[Link]:
    return sorted(set(forward) | set(reverse))


def grow_diag_final_and(forward: Iterable[Link], reverse: Iterable[Link]) -> List[Link]:
    forward, reverse = set(forward), set(reverse)
    both = forward | reverse
    links: Set[Link] = forward & reverse
    aligned_src = {i for i, _ in links}
    aligned_tgt = {j for _, j in links}

    def add(link: Link) -> None:
        links.add(link)
        aligned_src.add(link[0])
        aligned_tgt.add(link[1])

    if not both:
        return []
    # Grow, as in Moses' pseudocode: sweep the grid row by row (source i,
    # then target j) until a sweep adds nothing; a link added during a sweep
    # is grown from later in the same sweep.
    n_src = max(i for i, _ in both) + 1
    n_tgt = max(j for _, j in both) + 1
    grew = True
    while grew:
        grew = False
        for i in range(n_src):
            for j in range(n_tgt):
                if (i, j) not in links:
                    continue
                for di, dj in NEIGHBOURS:
                    candidate = (i + di, j + dj)
                    if candidate in both and candidate not in links and (
                        candidate[0] not in aligned_src or candidate[1] not in aligned_tgt
                    ):
                        add(candidate)
                        grew = True
    # Final-and: each direction in turn, links whose words are both unaligned.
    for direction in (forward, reverse):
        for i, j in sorted(direction):
            if i not in aligned_src and j not in aligned_tgt:
                add((i, j))
    return sorted(links)


SYMMETRIZATIONS: Dict[str, Callable[[Iterable[Link], Iterable[Link]], List[Link]]] = {
    "intersection": intersection,
    "union": union,
    "grow-diag-final-and": grow_diag_final_and,
}


def symmetrize(forward: Iterable[Link], reverse: Iterable[Link], how: str) -> List[Link]:
    """Combine two alignments of one sentence pair.

    forward (Iterable[Tuple[int, int]]): (source_i, target_j) links of the
        source->target model.
    reverse (Iterable[Tuple[int, int]]): The target->source model's links,
        already flipped to (source_i, target_j).
    how (str): "intersection", "union" or "grow-diag-final-and".
    RETURNS (List[Tuple[int, int]]): The combined links, sorted.
    """
    check_choice("symmetrize", how, tuple(SYMMETRIZATIONS))
    return SYMMETRIZATIONS[how](forward, reverse)


def agreement(forward: numpy.ndarray, reverse: numpy.ndarray, min_product: float) -> List[Link]:
    """Links whose weights in both directions multiply to at least `min_product`.

    forward (numpy.ndarray): The source->target model's word weights, one
        row per target word. Shape: (n_target_words, n_source_words).
    reverse (numpy.ndarray): The target->source model's, one row per source
        word. Shape: (n_source_words, n_target_words).
    min_product (float): The least product for a link, in (0, 1].
    RETURNS (List[Tuple[int, int]]): Sorted (source_i, target_j) links.
    """
    if forward.shape != reverse.T.shape:
        raise ValueError(Errors.E111.format(
            forward=forward.shape, expected=forward.shape[::-1], reverse=reverse.shape,
        ))
    if not 0.0 < min_product <= 1.0:
        raise ValueError(Errors.E013.format(setting="min_product", constraint="in (0, 1]", value=min_product))
    targets, sources = numpy.nonzero(forward * reverse.T >= min_product)
    return sorted((int(i), int(j)) for j, i in zip(targets.tolist(), sources.tolist()))
