"""`mkdocs build --strict` (mkdocs-material) on the generated docs: no broken link or anchor,
every page in the nav, and hostile descriptions stay inert in the HTML.

mkdocs is not a dependency of cvat-gen. When the test interpreter has mkdocs and
mkdocs-material (the `test` extra), they are used; otherwise the pinned versions below are
installed once into a venv under `.cache/` (or $CVAT_GEN_TEST_CACHE), shared between runs
and between xdist workers.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT, build, schema_path
from tests.functional.test_docs_content import build_hostile

PINS = ("mkdocs==1.6.1", "mkdocs-material==9.8.1")


def mkdocs_command() -> list[str]:
    if importlib.util.find_spec("mkdocs") and importlib.util.find_spec("material"):
        return [sys.executable, "-m", "mkdocs"]
    cache = Path(os.environ.get("CVAT_GEN_TEST_CACHE", ROOT / ".cache"))
    env_dir = cache / f"mkdocs-{hashlib.sha256(' '.join(PINS).encode()).hexdigest()[:12]}"
    python = env_dir / "bin" / "python"
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "mkdocs.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (env_dir / ".complete").exists():
            venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
            result = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *PINS],
                                    capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, f"cannot install {PINS}:\n{result.stdout}\n{result.stderr}"
            (env_dir / ".complete").write_text(" ".join(PINS))
    return [str(python), "-m", "mkdocs"]


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    # not --quiet: mkdocs 1.6 stops counting warnings under --quiet, and --strict then passes
    # whatever it warned about (a page outside the nav, say)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([*mkdocs_command(), "build", "--strict", "-d", str(site)],
                          cwd=project, capture_output=True, text=True, timeout=600, env=env)


@pytest.mark.slow
def test_mkdocs_strict_build_of_270(tmp_path: Path) -> None:
    output = tmp_path / "out"
    build(schema_path("2.70.0"), output)
    site = tmp_path / "site"
    result = mkdocs_build(output, site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    page = (site / "apis" / "TasksApi" / "index.html").read_text(encoding="utf-8")
    assert 'id="create_data"' in page
    assert 'href="../../models/DataRequest/"' in page
    assert (site / "models" / "LabeledShape" / "index.html").is_file()
    assert (site / "api_summary" / "index.html").is_file()


@pytest.mark.slow
def test_hostile_descriptions_are_inert_in_html(tmp_path: Path) -> None:
    output = build_hostile(tmp_path)
    site = tmp_path / "site"
    result = mkdocs_build(output, site)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = sorted(site.glob("models/**/index.html")) + sorted(site.glob("apis/**/index.html"))
    assert len(pages) >= 4
    for page in pages:
        html = page.read_text(encoding="utf-8")
        main = html.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
        assert "<script" not in main and "<img" not in main
        assert not re.search(r"<[^>]*\son\w+=", main)  # no event-handler attribute on any element
        assert 'href="javascript' not in main
        # headings are only the ones the templates write: no description became one
        for level, text in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", main, re.S):
            assert "Heading" not in text and "alert" not in text, text
    evil = (site / "models" / "Evil" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; a | b" in evil


class _PageInNav:
    """A plugin that documents itself with a page declared for the site navigation."""

    CVATGEN_ORDER = 150

    @staticmethod
    def cvatgen_emit_files(context: object) -> list[object]:
        from cvat_gen.plugin_api import OutputFile

        return [OutputFile("docs/plugins/tour.md", "# A plugin's page\n\nIt is in the navigation.\n",
                           nav="Plugins/A tour")]


class _PageNotInNav:
    CVATGEN_ORDER = 150

    @staticmethod
    def cvatgen_emit_files(context: object) -> list[object]:
        from cvat_gen.plugin_api import OutputFile

        return [OutputFile("docs/plugins/tour.md", "# A plugin's page\n\nIt is not in the navigation.\n")]


@pytest.mark.slow
def test_a_plugin_page_added_to_the_nav_keeps_the_strict_build_green(tmp_path: Path) -> None:
    from cvat_gen.config import BuildConfig
    from cvat_gen.pipeline import run_build

    for name, plugin, passes in (("tour", _PageInNav, True), ("stray", _PageNotInNav, False)):
        output = tmp_path / name
        run_build(BuildConfig(schema=str(schema_path("2.70.0")), output=output), extra_plugins=[(name, plugin)])
        result = mkdocs_build(output, tmp_path / f"site-{name}")
        assert (result.returncode == 0) is passes, result.stdout + result.stderr
        if passes:
            assert '"Plugins":\n      - "A tour": "plugins/tour.md"' in (output / "mkdocs.yml").read_text()
            assert (tmp_path / f"site-{name}" / "plugins" / "tour" / "index.html").is_file()
        else:  # the failure the declaration prevents: mkdocs --strict refuses a page outside the nav
            assert "plugins/tour.md" in result.stdout + result.stderr
