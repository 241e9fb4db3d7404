"""README's Python example runs as written and does what it says."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(300)
def test_the_readme_python_example_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    (tmp_path / "samples").mkdir()
    shutil.copy(ROOT / "samples" / "en_front.jpg", tmp_path / "samples")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        scope: dict = {}
        exec(compile(blocks[0], "README.md", "exec"), scope)  # noqa: S102 - the README's own example
    finally:
        os.chdir(cwd)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 3 and printed[0].startswith("0 ")
    names = sorted(p.name for p in scope["written"])
    assert names == ["en_front.alto.xml", "en_front.json", "en_front.txt"]
    text = (tmp_path / "output" / "api" / "en_front.txt").read_text(encoding="utf-8")
    assert text.split("\n\n")[0] == scope["doc"].pages[0].blocks[0].text
