"""The recognizer cascade: every line read by the first (fastest) recognizer, and a line it is unsure of read again
by the next, line by line, as many lines at a time as there are threads."""

from __future__ import annotations

import logging
import re
import threading
from collections import deque

import numpy as np

from ..script import han_forms, rare_hanzi
from .base import CharBox, OcrLine
from .recognizer import Chars, Reading, Recognizer, char_quads, reader_pool

__all__ = ["Cascade", "keep_first", "unsure_of_type"]

log = logging.getLogger(__name__)


def keep_first(first: str, first_conf: float, second: str, second_conf: float) -> bool:
    """Whether a cascade keeps its first reading of a line over the second model's.

    The second is kept when it is surer, except where it differs only by dropping word spaces: the small
    recognizer reads the wide gaps of a justified English line as nothing (``bus  line will`` came back as
    ``buslinewill``, 3 lines of 18 English pages), and glued words are worse than a doubtful space.
    """
    if second_conf < first_conf:
        return True
    return "".join(second.split()) == "".join(first.split()) and len(second.split()) < len(first.split())


#: How many times as many characters of traditional forms only (Big5, not GB 2312) as of simplified forms only
#: (GB 2312, not Big5) a page's first reading must hold for it to be taken as set in traditional characters, and
#: read by the last recognizer throughout: the tiny one's character list lacks a third of the traditional forms of
#: a 1930s paper (週 佈 擔 賑 籌 ...) and reads them as look-alikes it has (遇 饰) with good confidence, so no line
#: looks doubtful. A poor simplified page read by the tiny recognizer holds traditional look-alikes too (館 for 馆),
#: but its 国 会 报 这 outnumber them; on 12 generated vertical pages and 2 horizontal ones the ratio is 37-2790 on
#: traditional pages, under 0.3 on simplified ones (bitonal, 148 dpi, the highest).
TRADITIONAL_RATIO = 3.0


#: The median confidence of the first recognizer's readings of a page's Latin lines under which it is unsure of
#: the type, and every line is read by the last recognizer too. On old type (English and German pages 1859-1935,
#: generated historical pages) the tiny recognizer reads with a median of 0.910-0.982 and misreads lines it is
#: sure of (e for o on bitonal serif type): reading every line with both gave 1-3% more of the page's words than
#: the cascade line by line on 12 of 13 such pages (0.1% fewer on one, against uncorrected archive OCR). On 10
#: generated modern English pages the median was 0.989-0.999, and the small recognizer read no better there.
UNSURE_TYPE = 0.985

#: The fewest Latin lines a median is taken of.
LATIN_LINES = 12

_LATIN = re.compile("[A-Za-z]{3}")


def unsure_of_type(readings: list[tuple[str, float]]) -> bool:
    """Whether a first recognizer's ``(text, confidence)`` readings of a page's lines are unsure of the type of its
    Latin text (``UNSURE_TYPE``)."""
    confs = [conf for text, conf in readings if _LATIN.search(text)]
    if len(confs) < LATIN_LINES or (median := float(np.median(confs))) >= UNSURE_TYPE:
        return False
    log.info("first recognizer unsure of the type (median confidence %.3f): read by the last", median)
    return True


class Cascade:
    """Recognizers in order of cost; ``threshold``: the line confidence under which the next one reads again."""

    def __init__(self, recognizers: list[Recognizer], threshold: float, threads: int) -> None:
        self.recognizers = recognizers
        self.threshold = threshold
        self.threads = threads

    def read(self, crops: list[np.ndarray], lines: list[OcrLine]) -> None:
        """Every line through the cascade; then, where the first recognizer is unsure of the page's type
        (``unsure_of_type``), every line the last one has not read read by it, the first's reading kept only as
        ``keep_first`` says (it keeps the word spaces the last one drops). A page set in traditional characters is
        read again by the last recognizer throughout."""
        n = len(lines)
        kept: list[Chars] = [[] for _ in lines]
        first: dict[int, tuple[str, float]] = {}
        read_last: set[int] = set()
        self._run(crops, lines, 0, list(range(n)), kept, first, read_last)
        if len(self.recognizers) < 2:
            return
        if unsure_of_type(list(first.values())):
            todo = [j for j in range(n) if j not in read_last]
            self._run(crops, lines, len(self.recognizers) - 1, todo, kept, first, read_last)
        elif self.traditional(lines):
            self._read_all_again(crops, lines)

    def _run(
        self,
        crops: list[np.ndarray],
        lines: list[OcrLine],
        start: int,
        todo: list[int],
        kept: list[Chars],
        first: dict[int, tuple[str, float]],
        read_last: set[int],
    ) -> None:
        """Lines ``todo`` through the cascade from recognizer ``start`` on, each on its own, ``threads`` lines at a
        time; each line's kept reading's characters go to ``kept``, the first recognizer's text and confidence to
        ``first``, and the lines the last one read to ``read_last``.

        A doubtful line is read again as soon as its first reading is in, ahead of the lines still waiting for
        theirs: the second model's runs (five times as long as the first's) then share the cores with the first
        model's narrowest lines at the end, where re-reads after the whole first pass left a core idle. Each
        line is read as it would be alone, so the text does not depend on the schedule.
        """
        if not todo:
            return
        levels = len(self.recognizers)
        ratios = [c.shape[1] / max(1, c.shape[0]) for c in crops]
        # Widest first: the threads then finish together, not on one wide line alone.
        queues: list[deque[int]] = [deque() for _ in range(levels)]
        queues[start].extend(sorted(todo, key=lambda j: -ratios[j]))
        busy = 0
        cond = threading.Condition()
        workers = max(1, min(self.threads, len(todo)))

        def next_task() -> tuple[int, int] | None:
            nonlocal busy
            with cond:
                while True:
                    for level in range(levels - 1, -1, -1):  # re-reads first
                        if queues[level]:
                            busy += 1
                            return level, queues[level].popleft()
                    if not busy:  # nothing queued, and no read in flight that could queue more
                        return None
                    cond.wait()

        def work() -> None:
            nonlocal busy
            while (task := next_task()) is not None:
                level, j = task
                again = False
                try:
                    reading = self.recognizers[level].read_alone(crops[j], threaded=workers == 1)
                    if level == 0:
                        first[j] = reading[0], reading[1]
                    elif level == levels - 1:
                        read_last.add(j)
                    again = self._take(level, lines[j], reading, kept, j)
                    if not again:  # the line's last reading: its characters placed here, beside the other reads
                        self._place_chars(lines[j], kept[j], crops[j].shape[1])
                finally:
                    with cond:
                        busy -= 1
                        if again:
                            queues[level + 1].append(j)
                        cond.notify_all()

        if workers == 1:
            work()
        else:
            pool = reader_pool(self.threads)
            for f in [pool.submit(work) for _ in range(workers)]:
                f.result()

    @staticmethod
    def traditional(lines: list[OcrLine]) -> bool:
        """Whether the lines read are a page set in traditional characters (``TRADITIONAL_RATIO``)."""
        trad, simp = han_forms("".join(ln.text for ln in lines))
        return trad >= 20 and trad >= TRADITIONAL_RATIO * simp

    def _read_all_again(self, crops: list[np.ndarray], lines: list[OcrLine]) -> None:
        """Every line not yet read by the last recognizer read by it, its reading taken (each line alone)."""
        last = self.recognizers[-1]
        todo = [j for j, ln in enumerate(lines) if ln.model != last.key]
        if self.threads > 1 and len(todo) > 1:
            pool = reader_pool(self.threads)
            readings = [f.result() for f in [pool.submit(last.read_alone, crops[j]) for j in todo]]
        else:
            readings = [last.read_alone(crops[j], threaded=True) for j in todo]
        for j, (text, conf, chars) in zip(todo, readings, strict=True):
            ln = lines[j]
            ln.text, ln.confidence, ln.model = text, conf, last.key
            self._place_chars(ln, chars, crops[j].shape[1])

    def _take(self, level: int, ln: OcrLine, reading: Reading, kept: list[Chars], j: int) -> bool:
        """Give line ``j`` (``ln``) the reading of recognizer ``level`` unless the cascade keeps the one it has (the
        kept reading's characters go to ``kept[j]``); return whether the next recognizer should read it again."""
        text, conf, chars = reading
        if level > 0 and keep_first(ln.text, ln.confidence, text, conf):
            return False
        ln.text, ln.confidence, ln.model = text, conf, self.recognizers[level].key
        kept[j] = chars
        return level + 1 < len(self.recognizers) and self._doubtful(text, conf, chars)

    @staticmethod
    def _place_chars(ln: OcrLine, chars: Chars, crop_w: int) -> None:
        """Give ``ln`` its kept reading's characters, their spans (crop columns) turned into quads on the page."""
        spans = np.array([c[1:3] for c in chars], np.float64).reshape(-1, 2)
        boxes = char_quads(ln.quad, crop_w, spans, ln.vertical)
        ln.chars = [CharBox(c[0], cq, c[3]) for c, cq in zip(chars, boxes, strict=True)]

    def _doubtful(self, text: str, conf: float, chars: Chars) -> bool:
        """Whether the cascade's next model should re-read a line: low line or character confidence."""
        if not text:
            return True
        if conf < self.threshold:
            return True
        if any(rare_hanzi(c[0]) for c in chars):
            return True
        return min(c[3] for c in chars) < 0.5
