"""The settings file: ``drafter config init`` writes a commented TOML that reads
back; loading checks every value and explains mistakes in one line."""

from __future__ import annotations

import tomllib

import pytest
from click.testing import CliRunner

from drafter.cli.commands import cli
from drafter.core.errors import ConfigError, OutputExistsError
from drafter.core.regions import region_names
from drafter.letter.settings import (
    Config,
    Signatory,
    config_template_text,
    load_config,
    write_config_template,
)


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path, monkeypatch):
    """Never read the developer's own settings."""
    monkeypatch.delenv("DRAFTER_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def test_template_lists_every_region_and_is_commented():
    text = config_template_text()
    data = tomllib.loads(text)
    assert set(data["signatories"]) == set(region_names())
    assert len(data["signatories"]) == 12
    assert all(entry["name"] == "" for entry in data["signatories"].values())
    assert data["signatories"]["Wales"]["organisation"] == "HM Prison & Probation Service"
    assert data["inspectorate"]["address"][-1] == "M3 3FX"
    assert data["letter"]["cc"] == ["Private Office"]
    assert text.count("\n#") >= 10  # explained for people, not just data


def test_init_writes_a_file_that_loads(tmp_path):
    path = write_config_template(tmp_path / "settings.toml")
    config = load_config(path)
    assert config.source == path
    assert config.default_action_owner == "Head of PDU"
    assert config.signatory_for("North East") is None  # names are left for the user


def test_init_refuses_to_overwrite_without_force(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("# mine\n", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        write_config_template(path)
    assert path.read_text(encoding="utf-8") == "# mine\n"
    write_config_template(path, force=True)
    assert "signatories" in path.read_text(encoding="utf-8")


def test_signatory_found_by_any_spelling_of_the_region(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(
        '[signatories."Kent, Surrey and Sussex"]\nname = "Sam Lee"\ntitle = "AED"\n'
        '[signatories.default]\nname = "Pat Doe"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.signatory_for("Kent, Surrey & Sussex Region").name == "Sam Lee"
    assert config.signatory_for("Wales").name == "Pat Doe"
    assert config.signatory_for(None).name == "Pat Doe"


def test_no_settings_file_means_defaults(tmp_path):
    config = load_config()
    assert config.source is None
    assert config.signatories == {}
    assert config.cc == ["Private Office"]
    assert Config().signatory_for("Wales") is None


def test_environment_variable_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "env.toml"
    path.write_text('[letter]\nsign_off = "Yours sincerely"\n', encoding="utf-8")
    monkeypatch.setenv("DRAFTER_CONFIG", str(path))
    assert load_config().sign_off == "Yours sincerely"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[letter\ncc = 1", "has a mistake"),
        ('[letter]\ncc = "Private Office"', "'cc' should be a list"),
        ("[inspectorate]\naddress = [1, 2]", "'address' should be a list"),
        ("[letter]\nsign_off = 5", "'sign_off' should be text"),
        ('signatories = "x"', r"should be a \[signatories\] section"),
        ('[signatories]\nWales = "x"', "should be a section with name"),
    ],
)
def test_mistakes_are_explained(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_a_named_file_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="Cannot find the settings file"):
        load_config(tmp_path / "missing.toml")


def test_binary_settings_file_is_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="not plain text"):
        load_config(path)


# --- CLI -----------------------------------------------------------------------------


def test_cli_config_init_and_show(tmp_path):
    runner = CliRunner()
    path = tmp_path / "s.toml"
    result = runner.invoke(cli, ["config", "init", str(path)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {path}" in result.output
    again = runner.invoke(cli, ["config", "init", str(path)])
    assert again.exit_code == 1
    assert "already exists" in again.output and "--force" in again.output
    assert "Traceback" not in again.output
    assert runner.invoke(cli, ["config", "init", str(path), "--force"]).exit_code == 0

    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '[signatories."Wales"]\nname = ""', '[signatories."Wales"]\nname = "Rhian Evans"'
        ),
        encoding="utf-8",
    )
    shown = runner.invoke(cli, ["config", "show", "--config", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "Signatory for Wales: Rhian Evans, Area Executive Director" in shown.output
    assert "(s)" not in result.output + again.output + shown.output
    as_json = runner.invoke(cli, ["config", "show", "--config", str(path), "--json"])
    assert '"name": "Rhian Evans"' in as_json.output


def test_cli_config_init_default_location(tmp_path):
    result = CliRunner().invoke(cli, ["config", "init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "xdg" / "drafter" / "config.toml").exists()


def test_cli_bad_settings_file_is_one_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[letter\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "show", "--config", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: The settings file")
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "command", [["config"], ["config", "init"], ["config", "show"], ["config", "templates"]]
)
def test_help_has_an_example(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_signatory_dataclass_defaults():
    assert Signatory().name == ""


def test_cli_config_templates_copies_rewordable_templates(tmp_path):
    folder = tmp_path / "mine"
    result = CliRunner().invoke(cli, ["config", "templates", str(folder)])
    assert result.exit_code == 0, result.output
    letter = folder / "letter.j2"
    assert "{% block thanks %}" in letter.read_text(encoding="utf-8")
    assert (folder / "action_plan.j2").exists()
    again = CliRunner().invoke(cli, ["config", "templates", str(folder)])
    assert again.exit_code == 1 and "already exists" in again.output
    letter.write_text(
        letter.read_text(encoding="utf-8").replace("I remain committed", "We remain committed"),
        encoding="utf-8",
    )
    from drafter.core.model import Report, ResponsePlan
    from drafter.letter.document import render_letter

    report = Report(kind="pdu", unit="Ashvale PDU", chief_inspector="Martin Jones")
    data = render_letter(ResponsePlan(report, []), template_dir=folder)
    import io

    import docx

    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert any(t.startswith("We remain committed") for t in texts)
    assert not any(t.startswith("I remain committed") for t in texts)


def test_cli_config_templates_into_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["config", "templates", str(target)])
    assert result.exit_code == 1 and "is a file" in result.output
    assert "Traceback" not in result.output


def test_a_signatory_entry_is_found_even_when_its_name_is_empty(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        '[signatories."Wales"]\nname = ""\ntitle = "Area Executive Director"\n'
        '[signatories.default]\nname = ""\ntitle = "Director"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.signatory_for("Wales") is None  # nobody named
    assert config.signatory_entry_for("Wales").title == "Area Executive Director"
    assert config.signatory_entry_for("London").title == "Director"
    assert Config().signatory_entry_for("Wales") is None


def test_a_named_default_wins_over_a_region_entry_without_a_name(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        '[signatories."Wales"]\nname = ""\ntitle = "AED"\n'
        '[signatories.default]\nname = "Pat Doe"\n',
        encoding="utf-8",
    )
    assert load_config(path).signatory_entry_for("Wales").name == "Pat Doe"
