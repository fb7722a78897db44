"""Writing settings from the web pages: the same file 'drafter config' writes,
comments and other settings kept, written whole, read back by load_config."""

from __future__ import annotations

import pytest

from drafter.core.errors import ConfigError
from drafter.letter.settings import Signatory, load_config, save_settings, write_config_template


def test_a_missing_file_starts_from_the_commented_template(tmp_path):
    path = tmp_path / "settings.toml"
    config = save_settings(path, signatories={"north east": Signatory("Jo Smith", "AED", "NE")})
    expected = Signatory("Jo Smith", "AED", "NE", "HM Prison & Probation Service")
    assert config.signatory_for("North East") == expected
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# drafter configuration")
    assert '[signatories."North East"]' in text  # the file's own key, not a second entry
    assert text.count("North East") == 1


def test_comments_and_other_settings_are_kept(tmp_path):
    path = write_config_template(tmp_path / "settings.toml")
    save_settings(path, cc=["Private Office", "  Regional   Director "], default_action_owner="")
    save_settings(path, signatories={"Wales": Signatory("Cerys Jones", "AED", "")})
    text = path.read_text(encoding="utf-8")
    assert "# Who receives a copy" in text
    config = load_config(path)
    assert config.cc == ["Private Office", "Regional Director"]
    assert config.default_action_owner == ""
    assert config.signatory_for("Wales").name == "Cerys Jones"
    assert config.signatory_for("Wales").organisation == "HM Prison & Probation Service"
    assert config.chief_inspector_title == "HM Chief Inspector of Probation"


def test_a_region_not_in_the_file_is_added(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[letter]\ncc = ["A"]\n', encoding="utf-8")
    save_settings(path, signatories={"default": Signatory("Pat Lee", "Director", "")})
    config = load_config(path)
    assert config.signatory_for("Anywhere").name == "Pat Lee"
    assert config.cc == ["A"]


def test_a_broken_file_is_reported_and_left_alone(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[letter\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="has a mistake"):
        save_settings(path, cc=["X"])
    assert path.read_text(encoding="utf-8") == "[letter\n"
