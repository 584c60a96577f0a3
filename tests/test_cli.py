"""The ``framing`` command line."""

from __future__ import annotations

import shutil

from framing.cli import main


def test_validate_shipped_resources(root, capsys, monkeypatch):
    monkeypatch.chdir(root)
    assert main(["validate"]) == 0
    assert "devices:" in capsys.readouterr().out


def test_validate_reports_codebook_error_with_file_and_line(root, tmp_path, capsys):
    cfg = tmp_path / "config"
    shutil.copytree(root / "config", cfg)
    cb = cfg / "codebook.yaml"
    text = cb.read_text(encoding="utf-8").replace("  - id: kindergarten\n",
                                                  "  - id: kindergarten\n    colour: red\n", 1)
    cb.write_text(text, encoding="utf-8")
    assert main(["validate", "--config-dir", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert "codebook.yaml:" in err and 'device "kindergarten"' in err and "colour" in err
