"""How alike notes are, for grouping suggestions: TF-IDF over words and
character n-grams, computed here, offline and deterministically.

Nothing is downloaded and nothing leaves the server: a board's notes are the
whole corpus, so the weights come from the notes being compared. Two blocks
of features are weighted together:

- **words** (Unicode letters and digits, case and Latin accents folded, a
  short list of function words in several languages dropped) say what a note
  is about;
- **character n-grams** (3 and 4 characters inside each word, padded at its
  edges) catch typos, inflections and compounds ("timout" and "timeout",
  "Datenbank" and "Datenbankverbindung") without any language's stemmer.

Chinese and Japanese are written without spaces, so a run of Han, kana or
Hangul characters gives its single characters and its pairs of characters
instead of words.

A note's vector is L2-normalised per block, so `similarity` is the weighted
mean of the two blocks' cosines, between 0 and 1.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import lru_cache

from pydantic import BaseModel

Vector = Mapping[str, float]

# Share of the similarity carried by whole words; the rest by character n-grams.
WORD_WEIGHT = 0.3
CHAR_SIZES = (3, 4)
# Below these, two notes are not called alike (tuned on the fixed note sets of
# tests/fixtures/grouping with benchmarks/grouping.py).
GROUP_THRESHOLD = 0.12
NEIGHBOUR_THRESHOLD = 0.10
NAME_WORDS = 3
NAME_MAX_CHARS = 60

_WORD = re.compile(r"[^\W_]+")

# Function words that say nothing about what a note is about. Only the most
# frequent ones of a few languages; anything else common on a board is
# weighed down by its document frequency anyway.
STOP_WORDS = frozenset("""
a an and are as at be been but by can could did do does for from had has have
he her his i if in into is it its me my no not of on or our she so than that
the their them then there these they this to too was we were what when which
who why will with would you your us also just very more most some any all
der die das den dem des ein eine einer eines einem einen und oder aber nicht
ist sind war waren wird werden wurde wurden hat haben hatte mit von zu zum zur
im in am an auf aus bei für fur als auch noch nur wie wir ich es sie er man
dass daß so schon sehr kein keine
el la los las un una unos unas y o pero no es son fue fueron ser estar está
esta están estan de del al en con por para sin que se lo le les su sus nos muy
más mas ya hay como cuando
le la les un une des et ou mais ne pas est sont était etait de du au aux en
dans avec pour par sur que qui se ce cette ces il elle nous vous ils elles
o a os as um uma e ou mas não nao é foi são sao do da dos das no na nos nas em
com por para que se
il lo gli i una e o ma non è di da del della in con per che si
de het een en of maar niet is zijn was waren van voor met op te dat die wij
""".split())


def _is_ideographic(char: str) -> bool:
    """True for the scripts written without spaces between words: Han,
    Hiragana, Katakana (and Hangul syllables, which read better as pairs when
    people leave out spaces)."""
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # Hiragana, Katakana
        or 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF  # Han
        or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F
        or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9D  # kana extensions
    )


def _fold(text: str) -> str:
    """Case-folded, compatibility-normalised text with accents taken off
    Latin letters (a typed "conexion" meets "conexión"); marks of other
    scripts are kept, since they are letters there."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.category(char) == "Mn" and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _script(char: str) -> int:
    """0 for scripts written with spaces, 1 Han, 2 Hiragana, 3 Katakana."""
    if not _is_ideographic(char):
        return 0
    code = ord(char)
    if 0x3040 <= code <= 0x309F:
        return 2
    if 0x30A0 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9D:
        return 3
    return 1


# Japanese particles and verb endings are short runs of Hiragana between the
# words (の, が, を, れた): what they share says nothing about the subject.
PARTICLE_MAX_CHARS = 2
# The long-vowel mark and the middle dot alone say nothing either.
_KANA_SIGNS = frozenset("ー・")


def _runs(token: str) -> list[tuple[str, bool]]:
    """A token split into runs of one script each, told apart as ideographic
    (Chinese or Japanese) or not; short Hiragana runs (particles) left out."""
    runs: list[tuple[str, int]] = []
    for char in token:
        script = _script(char)
        if runs and runs[-1][1] == script:
            runs[-1] = (runs[-1][0] + char, script)
        else:
            runs.append((char, script))
    return [(run, script != 0) for run, script in runs
            if not (script == 2 and len(run) <= PARTICLE_MAX_CHARS)]


def words(text: str) -> list[str]:
    """The note's words as compared: folded, function words dropped; a run of
    Chinese or Japanese characters (of one script) gives its pairs of
    characters (or the one character of a run of one)."""
    found: list[str] = []
    for token in _WORD.findall(_fold(text)):
        for run, ideographic in _runs(token):
            if not ideographic:
                if run not in STOP_WORDS:
                    found.append(run)
            elif len(run) == 1:
                found.append(run)
            else:
                found.extend(run[i:i + 2] for i in range(len(run) - 1))
    return found


def _char_grams(text: str) -> list[str]:
    grams: list[str] = []
    for token in _WORD.findall(_fold(text)):
        for run, ideographic in _runs(token):
            if ideographic:
                grams.extend(char for char in run if char not in _KANA_SIGNS)
                grams.extend(run[i:i + 2] for i in range(len(run) - 1))
                continue
            if run in STOP_WORDS:
                continue
            padded = f" {run} "
            for size in CHAR_SIZES:
                if len(padded) < size:
                    continue
                grams.extend(padded[i:i + size] for i in range(len(padded) - size + 1))
    return grams


def _weighted(counts: list[Counter[str]], share: float) -> list[dict[str, float]]:
    """Sublinear TF times smoothed IDF, normalised so the block's squared
    norm is `share`."""
    total = len(counts)
    frequency: Counter[str] = Counter()
    for counted in counts:
        frequency.update(counted.keys())
    out: list[dict[str, float]] = []
    for counted in counts:
        weights = {
            feature: (1.0 + math.log(tf)) * (math.log((1 + total) / (1 + frequency[feature])) + 1.0)
            for feature, tf in counted.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values()))
        scale = math.sqrt(share) / norm if norm else 0.0
        out.append({feature: w * scale for feature, w in weights.items()})
    return out


def vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """One sparse TF-IDF vector per text, the texts themselves being the
    corpus. Word features are keyed "w:<word>", character n-grams "c:<gram>".
    A text with nothing to compare (only function words or punctuation) gets
    an empty vector, alike to nothing."""
    return [dict(v) for v in _vectors(tuple(texts))]


@lru_cache(maxsize=64)
def _vectors(texts: tuple[str, ...]) -> tuple[dict[str, float], ...]:
    # Cached by the texts: a board's view is rebuilt on every change, while
    # its notes' texts change far less often.
    counted = [_counts(t) for t in texts]
    word_block = _weighted([by_word for by_word, _ in counted], WORD_WEIGHT)
    char_block = _weighted([by_char for _, by_char in counted], 1.0 - WORD_WEIGHT)
    joined: list[dict[str, float]] = []
    for by_word, by_char in zip(word_block, char_block):
        vector = {f"w:{k}": v for k, v in by_word.items()}
        vector.update({f"c:{k}": v for k, v in by_char.items()})
        joined.append(vector)
    return tuple(joined)


@lru_cache(maxsize=4096)
def _counts(text: str) -> tuple[Counter[str], Counter[str]]:
    # Cached per text (read only, never changed): when one note of a column
    # is edited, its column's weights are made anew, but only that note's
    # words are counted again, which is most of the work.
    return Counter(words(text)), Counter(_char_grams(text))


def similarity(a: Vector, b: Vector) -> float:
    """Cosine of two vectors from the same `vectors` call: 0 (nothing shared)
    to 1 (the same words)."""
    if len(a) > len(b):
        a, b = b, a
    return min(1.0, sum(weight * b.get(feature, 0.0) for feature, weight in a.items()))


def text_similarity(a: str, b: str) -> float:
    """How alike two texts are, with the two of them as the corpus."""
    first, second = _vectors((a, b))
    return similarity(first, second)


def _allowed(columns: Sequence[str] | None, across_columns: bool, i: int, j: int) -> bool:
    return columns is None or across_columns or columns[i] == columns[j]


def _check_columns(texts: Sequence[str], columns: Sequence[str] | None) -> None:
    if columns is not None and len(columns) != len(texts):
        raise ValueError("columns must name one column for each text")


def _pairs(
    texts: Sequence[str], columns: Sequence[str] | None, across_columns: bool, floor: float,
) -> dict[tuple[int, int], float]:
    """Every pair (i < j) at least `floor` alike, found through the shared
    features (an inverted index), so unrelated pairs cost nothing."""
    vecs = _vectors(tuple(texts))
    # Postings per column when pairs stay within columns: the texts of other
    # columns are never even looked at.
    def place(index: int) -> str:
        return "" if columns is None or across_columns else columns[index]

    postings: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, vector in enumerate(vecs):
        for feature in vector:
            postings[place(index), feature].append(index)
    found: dict[tuple[int, int], float] = {}
    for i, vector in enumerate(vecs):
        scores: dict[int, float] = defaultdict(float)
        for feature, weight in vector.items():
            for j in postings[place(i), feature]:
                if j > i:
                    scores[j] += weight * vecs[j][feature]
        for j, score in scores.items():
            if score >= floor:
                found[(i, j)] = min(1.0, score)
    return found


def most_similar(
    texts: Sequence[str], index: int, k: int = 5, threshold: float = NEIGHBOUR_THRESHOLD,
    columns: Sequence[str] | None = None, across_columns: bool = False,
) -> list[tuple[int, float]]:
    """The `k` texts most like `texts[index]` (at least `threshold` alike),
    most alike first, as (index, similarity). With `columns` (one column key
    per text) only texts of the same column are considered, unless
    `across_columns`."""
    _check_columns(texts, columns)
    vecs = _vectors(tuple(texts))
    scored = [
        (j, similarity(vecs[index], vecs[j])) for j in range(len(texts))
        if j != index and _allowed(columns, across_columns, index, j)
    ]
    scored = [(j, round(s, 6)) for j, s in scored if s >= threshold]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))[:k]


def neighbours(
    texts: Sequence[str], k: int = 3, threshold: float = NEIGHBOUR_THRESHOLD,
    columns: Sequence[str] | None = None, across_columns: bool = False,
) -> list[list[int]]:
    """For every text, the indices of its `k` most similar texts (as in
    `most_similar`), computed in one pass."""
    _check_columns(texts, columns)
    found = _neighbours(tuple(texts), k, threshold, None if columns is None else tuple(columns),
                        across_columns)
    return [list(near) for near in found]


@lru_cache(maxsize=32)
def _neighbours(texts: tuple[str, ...], k: int, threshold: float, columns: tuple[str, ...] | None,
                across_columns: bool) -> tuple[tuple[int, ...], ...]:
    # Cached: a live board asks on every change, and most changes (a note
    # dropped into a cluster) change neither a text nor a column.
    found: list[list[tuple[float, int]]] = [[] for _ in texts]
    for (i, j), score in _pairs(texts, columns, across_columns, threshold).items():
        found[i].append((-round(score, 6), j))
        found[j].append((-round(score, 6), i))
    return tuple(tuple(j for _, j in sorted(near)[:k]) for near in found)


class Suggestion(BaseModel):
    """A proposed cluster: the indices of its texts (ascending), a name made
    of its most telling words, and how alike its texts are on average."""

    indices: list[int]
    name: str
    score: float


def suggest_groups(
    texts: Sequence[str], threshold: float = GROUP_THRESHOLD,
    columns: Sequence[str] | None = None, across_columns: bool = False,
) -> list[Suggestion]:
    """Groups of alike texts, by average-linkage agglomeration: the two
    groups whose texts are most alike on average merge, while that average is
    at least `threshold`. Texts alike to nothing stay out; only groups of two
    or more are suggested. With `columns`, a group never spans two columns
    unless `across_columns`. The same texts always give the same groups,
    ordered by their first text."""
    _check_columns(texts, columns)
    n = len(texts)
    pairs = _pairs(texts, columns, across_columns, 1e-9)
    # Sums of pairwise similarity between live groups; a missing pair is 0.
    between: dict[int, dict[int, float]] = defaultdict(dict)
    for (i, j), score in pairs.items():
        between[i][j] = score
        between[j][i] = score
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    heap = [(-score, i, j) for (i, j), score in pairs.items() if score >= threshold]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        average = between[a].get(b, 0.0) / (len(members[a]) * len(members[b]))
        if abs(average + negative) > 1e-12:
            continue  # stale: one of the groups changed since this entry
        # Merge b into a; the merged group's sums are the two groups' sums.
        members[a] = sorted(members[a] + members.pop(b))
        for other, total in between.pop(b).items():
            del between[other][b]
            if other == a:
                continue
            merged = between[a].get(other, 0.0) + total
            between[a][other] = merged
            between[other][a] = merged
        between[a].pop(b, None)
        for other, total in between[a].items():
            average = total / (len(members[a]) * len(members[other]))
            if average >= threshold:
                low, high = min(a, other), max(a, other)
                heapq.heappush(heap, (-average, low, high))
    groups = sorted((m for m in members.values() if len(m) > 1), key=lambda m: m[0])
    return [
        Suggestion(indices=group, name=group_name([texts[i] for i in group]),
                   score=round(_average(group, pairs), 4))
        for group in groups
    ]


def _average(group: list[int], pairs: Mapping[tuple[int, int], float]) -> float:
    count = len(group) * (len(group) - 1) / 2
    return sum(pairs.get((i, j), 0.0) for x, i in enumerate(group) for j in group[x + 1:]) / count


def group_name(texts: Sequence[str]) -> str:
    """A name for a group: its most telling words, those shared by most of
    its texts first, then the weightiest, as written in the notes."""
    shared: Counter[str] = Counter()
    weight: Counter[str] = Counter()
    for text in texts:
        found = words(text)
        shared.update(set(found))
        for word, count in Counter(found).items():
            weight[word] += 1.0 + math.log(count)
    if not shared:
        return "Similar notes"
    written = _written_forms(texts)
    ranked = sorted(
        shared, key=lambda w: (-shared[w], -weight[w], -len(w), w),
    )
    # A word inside a longer chosen word ("db" in "db pool") adds nothing.
    chosen: list[str] = []
    for word in ranked:
        if word.isdigit() or any(word in other or other in word for other in chosen):
            continue
        if chosen and shared[word] < 2 <= len(texts):
            break
        chosen.append(word)
        if len(chosen) == NAME_WORDS:
            break
    if not chosen:
        chosen = ranked[:1]
    if any(_is_ideographic(c) for c in chosen[0]):
        name = _shared_run(texts) or chosen[0]
    else:
        # In the order the notes say them ("pool · exhausted", not the reverse).
        chosen.sort(key=lambda word: _first_position(word, texts))
        name = " · ".join(written.get(word, word) for word in chosen)
    name = name[:1].upper() + name[1:]
    return name if len(name) <= NAME_MAX_CHARS else name[: NAME_MAX_CHARS - 1] + "…"


def _first_position(word: str, texts: Sequence[str]) -> float:
    places = [found.index(word) for found in map(words, texts) if word in found]
    return sum(places) / len(places) if places else math.inf


def _shared_run(texts: Sequence[str]) -> str:
    """The longest run of Chinese or Japanese characters written in most of
    the texts ("データベース" out of "データベースの接続が切れた" and
    "データベース接続エラー"): pairs of characters read badly as a name."""
    folded = [_fold(t) for t in texts]
    runs = {
        run[:40] for text in folded for token in _WORD.findall(text)
        for run, ideographic in _runs(token) if ideographic
    }
    best: tuple[int, int, str] = (0, 0, "")
    for run in sorted(runs):
        for start in range(len(run)):
            for end in range(start + 2, len(run) + 1):
                piece = run[start:end]
                count = sum(piece in text for text in folded)
                if count >= 2 and (count, len(piece)) > best[:2]:
                    best = (count, len(piece), piece)
    return best[2]


def _written_forms(texts: Sequence[str]) -> dict[str, str]:
    """The way each compared word was most often written (its case and
    accents), so a name reads like the notes."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for token in _WORD.findall(unicodedata.normalize("NFKC", text)):
            folded = _fold(token)
            if not any(_is_ideographic(c) for c in folded):
                forms[folded][token.lower() if not token.isupper() else token] += 1
    return {word: counted.most_common(1)[0][0] for word, counted in forms.items()}
