"""The user's settings for drafting letters: who signs for each region, the
Inspectorate's address, the cc list and the default action owner.

Settings live in a commented TOML file written by ``drafter config init``.
Nothing about any one region is built into drafter: with no file at all a
letter can still be drafted, and whatever only the user can supply (the
signatory) is left as a highlighted placeholder.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from drafter.core.errors import ConfigError
from drafter.core.fileio import atomic_write_text, read_input_bytes
from drafter.core.guarded import load_toml

ENV_VAR = "DRAFTER_CONFIG"
CONFIG_FILE_NAME = "config.toml"
#: A settings file is a few kilobytes; refuse anything far larger unread.
MAX_CONFIG_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Signatory:
    """The person who signs letters for a region."""

    name: str = ""
    title: str = ""
    area: str = ""
    organisation: str = ""


@dataclass
class Config:
    """Settings for drafting. The defaults are public facts that hold for every
    user (the Inspectorate's published address); everything personal is empty."""

    chief_inspector_title: str = "HM Chief Inspector of Probation"
    inspectorate_address: list[str] = field(
        default_factory=lambda: [
            "1st Floor, Manchester Civil Justice Centre,",
            "1 Bridge Street West,",
            "Manchester",
            "M3 3FX",
        ]
    )
    signatories: dict[str, Signatory] = field(default_factory=dict)
    cc: list[str] = field(default_factory=lambda: ["Private Office"])
    sign_off: str = "Kind Regards"
    default_action_owner: str = ""
    #: Where the settings were read from; None when drafter used its defaults.
    source: Path | None = None

    def signatory_for(self, region: str | None) -> Signatory | None:
        """The signatory for ``region`` (any spelling of its name), else the
        ``default`` entry, else None. Entries with no name count as missing."""
        from drafter.core.regions import canonical_region

        wanted = canonical_region(region) if region else None
        by_region: dict[str, Signatory] = {}
        for key, signatory in self.signatories.items():
            by_region[canonical_region(key) or key.strip().lower()] = signatory
        found = by_region.get(wanted) if wanted else None
        if found is None or not found.name.strip():
            found = by_region.get("default")
        if found is None or not found.name.strip():
            return None
        return found

    def signatory_entry_for(self, region: str | None) -> Signatory | None:
        """What the settings say about who signs for ``region``, even when only
        part of it is filled in (``drafter config init`` writes each region's
        title but leaves the name empty): the named signatory when there is one
        (see :meth:`signatory_for`), else the region's own entry, else the
        ``default`` entry, else None."""
        from drafter.core.regions import canonical_region

        named = self.signatory_for(region)
        if named is not None:
            return named
        wanted = canonical_region(region) if region else None
        by_region: dict[str, Signatory] = {}
        for key, signatory in self.signatories.items():
            by_region[canonical_region(key) or key.strip().lower()] = signatory
        found = by_region.get(wanted) if wanted else None
        return found if found is not None else by_region.get("default")


def default_config_path() -> Path:
    """The per-user settings file (e.g. ~/.config/drafter/config.toml on Linux)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("drafter", appauthor=False)) / CONFIG_FILE_NAME


def resolve_config_path(path: str | os.PathLike[str] | None = None) -> Path:
    """``path``, else ``$DRAFTER_CONFIG``, else the per-user default."""
    if path:
        return Path(path)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return default_config_path()


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the settings. A file named explicitly (argument or $DRAFTER_CONFIG)
    must exist; when the per-user default does not exist, defaults are used."""
    explicit = bool(path) or bool(os.environ.get(ENV_VAR))
    target = resolve_config_path(path)
    if not target.exists():
        if explicit:
            raise ConfigError(
                f"Cannot find the settings file '{target}'.",
                hint="Check the name, or create one with 'drafter config init'.",
            )
        return Config()
    raw = read_input_bytes(target, max_bytes=MAX_CONFIG_BYTES)
    try:
        text = raw.decode("utf-8")
        data = load_toml(text, name=f"The settings file '{target}'", error=ConfigError)
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"The settings file '{target}' is not plain text.",
            hint="Save it as UTF-8 text, or write a fresh one with 'drafter config init'.",
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"The settings file '{target}' has a mistake: {exc}.",
            hint='Fix that line (text needs "quotes"), or write a fresh one with '
            "'drafter config init --force'.",
        ) from exc
    return config_from_dict(data, source=target)


def config_from_dict(data: dict, source: Path | None = None) -> Config:
    """Build a :class:`Config` from parsed TOML, checking every value's type."""
    where = f"'{source}'" if source else "the settings"
    config = Config(source=source)
    inspectorate = _table(data, "inspectorate", where)
    letter = _table(data, "letter", where)
    if "chief_inspector_title" in inspectorate:
        config.chief_inspector_title = _text(inspectorate, "chief_inspector_title", where)
    if "address" in inspectorate:
        config.inspectorate_address = _text_list(inspectorate, "address", where)
    if "cc" in letter:
        config.cc = _text_list(letter, "cc", where)
    if "sign_off" in letter:
        config.sign_off = _text(letter, "sign_off", where)
    if "default_action_owner" in letter:
        config.default_action_owner = _text(letter, "default_action_owner", where)
    for region, entry in _table(data, "signatories", where).items():
        if not isinstance(entry, dict):
            raise ConfigError(
                f'In {where}, [signatories."{region}"] should be a section with name, '
                "title, area and organisation.",
            )
        config.signatories[region] = Signatory(
            **{
                key: _text(entry, key, where)
                for key in ("name", "title", "area", "organisation")
                if key in entry
            }
        )
    return config


def _table(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"In {where}, '{key}' should be a [{key}] section.")
    return value


def _text(data: dict, key: str, where: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise ConfigError(
            f"In {where}, '{key}' should be text in quotes, not {value!r}.",
        )
    return value


def _text_list(data: dict, key: str, where: str) -> list[str]:
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"In {where}, '{key}' should be a list of texts in quotes, "
            'e.g. ["first line", "second line"].',
        )
    return list(value)


def config_template_text() -> str:
    """The commented settings file ``drafter config init`` writes, listing every
    probation region so nothing favours one region."""
    from drafter.core.regions import region_names
    from drafter.letter.templates import template_environment

    regions = sorted(region_names())
    return template_environment().get_template("config.toml").render(regions=regions)


def write_config_template(
    path: str | os.PathLike[str] | None = None, *, force: bool = False
) -> Path:
    """``drafter config init``: write the commented settings file."""
    target = resolve_config_path(path)
    text = config_template_text()
    # The file must read back as valid settings; a broken template is a bug.
    config_from_dict(tomllib.loads(text))
    return atomic_write_text(target, text, force=force)


def save_settings(
    path: str | os.PathLike[str] | None = None,
    *,
    signatories: dict[str, Signatory] | None = None,
    cc: list[str] | None = None,
    default_action_owner: str | None = None,
) -> Config:
    """Write the settings given into the settings file (``path``, else
    ``$DRAFTER_CONFIG``, else the per-user file), keeping everything else in
    it, comments included. A missing file is started from the commented
    template ``drafter config init`` writes. ``signatories`` maps a region (any
    spelling; the file's own key is kept) to its signatory. Written atomically;
    returns the settings as they now read."""
    import tomlkit

    from drafter.core.regions import canonical_region

    target = resolve_config_path(path)
    if target.exists():
        load_config(target)  # a broken file is reported, not overwritten
        raw = read_input_bytes(target, max_bytes=MAX_CONFIG_BYTES).decode("utf-8")
    else:
        raw = config_template_text()
    document = tomlkit.parse(raw)
    letter = document.setdefault("letter", tomlkit.table())
    if cc is not None:
        letter["cc"] = [" ".join(c.split()) for c in cc if c.strip()]
    if default_action_owner is not None:
        letter["default_action_owner"] = " ".join(default_action_owner.split())
    if signatories:
        table = document.setdefault("signatories", tomlkit.table(is_super_table=True))
        by_region = {canonical_region(str(k)) or str(k).strip().lower(): k for k in table}
        for region, signatory in signatories.items():
            key = by_region.get(canonical_region(region) or region.strip().lower(), region)
            entry = table.get(key)
            if entry is None:
                entry = tomlkit.table()
                table[key] = entry
            for name in ("name", "title", "area", "organisation"):
                value = " ".join(getattr(signatory, name).split())
                # An empty organisation keeps the file's (the form may not ask).
                if value or (name != "organisation" and name in entry):
                    entry[name] = value
    text = tomlkit.dumps(document)
    config_from_dict(tomllib.loads(text), source=target)  # it must read back
    atomic_write_text(target, text, force=True)
    return load_config(target)
