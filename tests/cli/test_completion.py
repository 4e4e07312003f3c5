"""``levers completion``: the scripts come from the parser and bash really completes with them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli.commands import build_parser
from bot.cli.completion import commands
from bot.cli.main import main
from bot.scenarios import builtin_ids


def _script(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def _complete(script: str, line: str, cwd: Path) -> list[str]:
    """What bash offers for the last word of ``line`` (a trailing space: a new, empty word)."""
    words = line.split() + ([""] if line.endswith(" ") else [])
    quoted = " ".join(f"'{w}'" for w in words)
    program = (
        f"{script}\nCOMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}\n"
        '_levers; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    bash = shutil.which("bash")
    assert bash is not None
    out = subprocess.run(
        [bash, "--norc", "-c", program], cwd=cwd, capture_output=True, text=True, check=True
    )
    return [w for w in out.stdout.splitlines() if w]


@pytest.fixture
def bash_script(capsys: pytest.CaptureFixture[str]) -> str:
    return _script("bash", capsys)


def test_bash_completes_commands_options_and_values(bash_script: str, tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("")
    assert _complete(bash_script, "levers re", tmp_path) == ["resume", "replay"]
    assert _complete(bash_script, "levers play --se", tmp_path) == ["--seat", "--seed"]
    assert _complete(bash_script, "levers export --format ", tmp_path) == [
        "json",
        "markdown",
        "html",
        "csv",
        "gradebook",
    ]
    assert _complete(bash_script, "levers completion ", tmp_path) == ["bash", "zsh"]
    assert _complete(bash_script, "levers validate no", tmp_path) == ["notes.yaml"]
    offered = _complete(bash_script, "levers play --scenario ", tmp_path)
    assert set(builtin_ids()) | {"notes.yaml"} <= set(offered)


def test_both_scripts_know_every_command_and_option(
    bash_script: str, capsys: pytest.CaptureFixture[str]
) -> None:
    zsh = _script("zsh", capsys)
    assert zsh.startswith("#compdef levers\n")
    for command in commands(build_parser(), ()):
        assert f"        {command.name})" in bash_script
        assert f"'{command.name}:" in zsh and f"            {command.name})" in zsh
        for option in command.options:
            for flag in option.flags:
                assert flag in bash_script and f"{flag}[" in zsh, (command.name, flag)


def test_the_bash_script_is_valid_bash(bash_script: str, tmp_path: Path) -> None:
    script = tmp_path / "levers.bash"
    script.write_text(bash_script)
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
