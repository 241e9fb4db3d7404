"""Articles on a page from its blocks in reading order (``articles.group_articles``): what a headline, a heading,
a section head and a jump line do to the article open."""

from __future__ import annotations

from digitizer.articles import group_articles
from digitizer.model import BBox, Block


def _blocks(spec: list[tuple[str, float, float, str]]) -> list[Block]:
    return [
        Block(f"p_b{i + 1:03d}", kind, BBox(x0, 100.0 * i, x1, 100.0 * i + 80), i, text=text or kind)
        for i, (kind, x0, x1, text) in enumerate(spec)
    ]


def _groups(blocks: list[Block]) -> list[list[str]]:
    return [[b.kind for b in blocks if b.id in a.block_ids] for a in group_articles(blocks, "p")]


def test_a_headline_takes_its_story_and_the_subheads_inside_its_columns() -> None:
    blocks = _blocks(
        [
            ("header", 0, 2000, "The Valley Courier"),
            ("headline", 300, 1700, ""),
            ("para", 0, 600, ""),
            ("heading", 100, 500, ""),  # a subhead in a column under the headline
            ("para", 700, 1300, ""),
            ("byline", 700, 1000, ""),
            ("section", 0, 2000, "CLASSIFIEDS"),
            ("ad", 0, 600, ""),
            ("para", 0, 600, ""),  # text after the ads belongs to no article
        ]
    )
    assert _groups(blocks) == [["headline", "para", "heading", "para", "byline"]]
    assert blocks[-1].article is None and blocks[1].article == "p_a01"


def test_stories_under_one_column_heads_are_articles_of_their_own() -> None:
    blocks = _blocks(
        [
            ("headline", 0, 900, ""),
            ("para", 0, 900, ""),
            ("heading", 1000, 1400, "THE MARKETS"),  # beside the lead story's columns
            ("heading", 1000, 1400, "Prices Steady"),  # its deck
            ("para", 1000, 1400, ""),
            ("heading", 1000, 1400, "THE HARBOR"),  # the next story down the same column
            ("para", 1000, 1400, ""),
        ]
    )
    assert _groups(blocks) == [["headline", "para"], ["heading", "heading", "para"], ["heading", "para"]]


def test_jump_lines_end_a_part_and_open_a_continuation_with_its_head() -> None:
    blocks = _blocks(
        [
            ("headline", 0, 900, "Bridge Repair"),
            ("para", 0, 900, ""),
            ("jump", 600, 900, "(Continued on Page 3)"),
            ("para", 0, 900, ""),  # after the jump: no longer the story's
            ("heading", 1000, 1400, "BRIDGE"),
            ("jump", 1000, 1400, "BRIDGE, from Page 1"),
            ("para", 1000, 1400, ""),
        ]
    )
    assert _groups(blocks) == [["headline", "para", "jump"], ["headline", "jump", "para"]]
    assert blocks[3].article is None
    assert blocks[4].kind == "headline"  # the head over a continuation is its story's headline
