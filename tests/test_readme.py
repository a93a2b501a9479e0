"""Every `manage.py` command the README shows works as written, in order, in a fresh shell.

The commands are read from the README's code blocks, so a changed README fails here
until this list (and what each command must print) changes with it. Each runs in a new
process with no environment but PATH, HOME and a fresh SQLite file: the development
defaults a newcomer gets.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ".venv/bin/python"

# Each command as the README writes it, and what its output must show.
EXPECTED = [
    (".venv/bin/python manage.py migrate", "Applying assessments.0001_initial... OK"),
    (".venv/bin/python manage.py demo", "Demo ready: http://127.0.0.1:8000/en/admin/"),
    (".venv/bin/python manage.py scores 2016", "Overall index: 42.59%"),
    (".venv/bin/python manage.py scores 2016 --json", '"overall_index": 42.59'),
    (".venv/bin/python manage.py scores 2016 --json --language ky", "Жогорку Кеңеш"),
    (
        ".venv/bin/python manage.py round next 2016 --to-year 2025 --user staff "
        '--reason "yearly round"',
        "Round 2025, version 1, is now: draft.",
    ),
    (
        '.venv/bin/python manage.py round open 2025 --user staff --reason "panel assigned"',
        "is now: open for rating.",
    ),
    (
        '.venv/bin/python manage.py round review 2025 --user staff --reason "ratings entered"',
        "is now: in review.",
    ),
    (
        ".venv/bin/python manage.py round confirm 2025 --user staff "
        '--reason "panel re-examined every rating"',
        "carried-over rating(s) of round 2025 as re-examined.",
    ),
    (
        '.venv/bin/python manage.py round publish 2025 --user staff --reason "board approved"',
        "is now: published.",
    ),
]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if "manage.py" in words:
                commands.append(shlex.join(words))
    return commands


def test_the_readmes_commands_are_the_ones_this_test_runs():
    assert readme_commands() == [shlex.join(shlex.split(c)) for c, _shows in EXPECTED]


def test_every_manage_py_command_of_the_readme_works_in_order_on_a_fresh_database(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        # The only variable: a fresh database instead of the developer's db.sqlite3.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
    }
    for command, shows in EXPECTED:
        words = shlex.split(command)
        assert words[0] == VENV_PYTHON
        result = subprocess.run(
            [sys.executable, *words[1:]],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        assert shows in result.stdout, f"{command}\n{result.stdout}"
        if "--json" in words:
            report = json.loads(result.stdout)
            assert report["findings"], "the report lists what a careful reviewer finds"
