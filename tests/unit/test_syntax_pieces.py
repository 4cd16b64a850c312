"""The piecewise syntax check says what parsing each file whole says."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cvat_gen.syntax import ParsedCache, SyntaxJob, check, split_pieces


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def test_pieces_put_back_together_are_the_source() -> None:
    source = '"""Doc."""\n\nimport x\n\n\n@dataclass\nclass A:\n    pass\n\n\ndef f():\n    return 1\n\nclass B: ...\n'
    pieces = split_pieces(source)
    assert "".join(pieces) == source
    assert pieces[1].startswith("@dataclass\nclass A:"), "a decorator stays with what it decorates"
    assert [p.split("\n", 1)[0] for p in pieces] == ['"""Doc."""', "@dataclass", "def f():", "class B: ..."]


def test_a_cut_inside_a_string_falls_back_to_the_whole_file() -> None:
    source = 'x = """\n\nclass NotCode:\n"""\n\n\nclass Real:\n    pass\n'
    pieces = split_pieces(source)
    assert len(pieces) == 3 and not _parses(pieces[0]), "the cut lands inside the string"
    report = check({"m.py": SyntaxJob(source, pieces)})
    assert report.errors == [] and report.whole == {"m.py"}


def test_a_broken_file_is_reported_with_its_line() -> None:
    source = "x = 1\n\n\nclass A:\n    def f(:\n        pass\n"
    report = check({"m.py": SyntaxJob(source, split_pieces(source))})
    assert report.errors == [("m.py", "line 5: invalid syntax")]


def test_only_new_pieces_are_parsed_after_remember(tmp_path: Path) -> None:
    first = {"m.py": "# header 1\nimport x\n\n\nclass A:\n    pass\n\n\nclass B:\n    pass\n"}
    cache = ParsedCache(tmp_path)
    cache.remember(first, check(cache.jobs(first)).whole)
    second = {"m.py": "# header 2\nimport x\n\n\nclass A:\n    pass\n\n\nclass B:\n    x: int\n"}
    (job,) = ParsedCache(tmp_path).jobs(second).values()
    assert job.pieces == ["class B:\n    x: int\n"]


# lines a generated module is made of, some of them broken or string-opening on purpose
_LINES = st.sampled_from([
    "", "x = 1", "class A:", "    pass", "    x: int = 2", "def f():", "    return (", "    )", "@decorator",
    '"""', 'y = """', "    '''", "z = (", ")", "class B(A): ...", "async def g(): pass", "    if x:", "        y",
    "else:", "# comment", "\\", "w = [1,", "2]", "@", "class", "def h(:", "    '", "\tq = 1",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=30))
def test_piecewise_verdict_equals_whole_verdict(lines: list[str]) -> None:
    source = "\n".join(lines) + "\n"
    report = check({"m.py": SyntaxJob(source, split_pieces(source))})
    assert (report.errors == []) == _parses(source)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=30), st.lists(_LINES, min_size=1, max_size=30))
def test_a_cache_of_earlier_pieces_never_hides_an_error(before: list[str], after: list[str]) -> None:
    """Whatever an earlier build remembered, a file that does not parse is reported."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        cache = ParsedCache(Path(folder))
        old = {"m.py": "\n".join(before) + "\n"}
        report = check(cache.jobs(old))
        if not report.errors:
            cache.remember(old, report.whole)
        new = {"m.py": "\n".join(after + before) + "\n"}
        verdict = check(ParsedCache(Path(folder)).jobs(new))
        assert (verdict.errors == []) == _parses(new["m.py"])
