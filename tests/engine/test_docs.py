"""The documentation in docs/ says what the code does, and stays inside the repository."""

from __future__ import annotations

import importlib.util
import pathlib
import re
import subprocess

import pytest

from ember import config

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_configuration", DOCS / "generate_configuration.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_configuration_page_is_what_the_declarations_generate():
    generator = _generator()
    current = generator.PAGE.read_text()
    assert generator.render_page(current) == current, (
        "docs/configuration.md is out of date: run python docs/generate_configuration.py")


def test_every_typed_entry_has_a_doc_and_a_row_on_the_configuration_page():
    text = (DOCS / "configuration.md").read_text()
    for key, entry in config.ENTRIES.items():
        assert entry.doc.strip(), key
        assert f"| `{key}` |" in text, key


def test_a_changed_declaration_makes_the_page_stale(monkeypatch):
    generator = _generator()
    current = generator.PAGE.read_text()
    entry = config.ENTRIES["spark.task.maxFailures"]
    monkeypatch.setitem(config.ENTRIES, entry.key, config.ConfigEntry(entry.key, int, 4, "changed."))
    assert generator.render_page(current) != current


def _markdown_files() -> list[pathlib.Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("page", _markdown_files(), ids=lambda p: p.name)
def test_relative_links_and_anchors_resolve(page):
    text = page.read_text()
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name} links to missing {target}"
        if anchor and linked.suffix == ".md":
            assert anchor in _anchors(linked.read_text()), f"{page.name} links to missing anchor {target}"


def _anchors(text: str) -> set[str]:
    """GitHub's heading anchors, plus explicit ``<a id="...">`` ones."""
    anchors = set(re.findall(r'<a id="([^"]+)"', text))
    for heading in re.findall(r"^#+\s+(.*)$", text, flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


def test_no_file_refers_to_documents_outside_the_repository():
    pattern = r"\.\./shared|(FACTS|DESIGN|STYLE|RELIABILITY|SQL_NOTES|EXECUTION_NOTES)\.md|RELIABILITY [0-9]|\((issue|Issue) [0-9]+\)"
    found = subprocess.run(["git", "grep", "-nE", pattern],
                           cwd=ROOT, capture_output=True, text=True)
    if found.returncode == 128:
        pytest.skip("not a git checkout")
    assert found.stdout == ""


def test_docs_references_in_code_and_tests_resolve():
    listed = subprocess.run(["git", "grep", "-nE", r"docs/[a-z_]+\.md"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode == 128:
        pytest.skip("not a git checkout")
    for line in listed.stdout.splitlines():
        for page, anchor in re.findall(r"docs/([a-z_]+\.md)(?:#([a-z0-9-]+))?", line):
            assert (DOCS / page).exists(), line
            if anchor:
                assert anchor in _anchors((DOCS / page).read_text()), line


def test_every_test_the_reliability_page_cites_exists():
    text = (DOCS / "reliability.md").read_text()
    short = dict(re.findall(r"`(\w+)` =\s+`(tests/[\w/]+\.py)`", text))
    cited = re.findall(r"`([\w/.]+)::(test_\w+)`", text)
    assert len(cited) > 50
    for file, name in cited:
        path = ROOT / short.get(file, file)
        assert path.exists(), file
        assert re.search(rf"^def {name}\(", path.read_text(), flags=re.MULTILINE), f"{file}::{name}"


def test_the_sql_layer_reads_settings_only_through_declared_entries():
    """A key read with ``conf.get("spark...")`` would have an undocumented inline default; the
    optimizer's per-rule switches are the one pattern read by name (and generated on the page)."""
    inline = [f"{path.relative_to(ROOT)}: {key}" for path in (ROOT / "sql").rglob("*.py")
              for key in re.findall(r"conf\.get\(\s*f?\"(spark\.[\w.{}]+)", path.read_text())
              if not key.startswith("spark.ember.optimizer.")]
    assert inline == []
