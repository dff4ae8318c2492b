"""A secret file the server's user may not read (the usual first mistake with container
secrets: a 0600 file of the host's user mounted for the image's uid 10001) stops every
command with the file named and what to do, exit 2, no settings library's trace."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def test_an_unreadable_secret_file_is_named_with_the_fix(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    secret = secrets / "kuntur_database_url"
    secret.write_text(f"sqlite:///{tmp_path}/k.db")
    secret.chmod(0o000)
    command = [sys.executable, "-c", "from kuntur.cli import main; main()", "db", "current"]
    if os.getuid() == 0:
        # Root reads any file: take away the two capabilities that let it (util-linux's
        # setpriv), so the file's mode counts as it does for the image's user.
        setpriv = shutil.which("setpriv")
        assert setpriv, "util-linux's setpriv is needed to run this test as root"
        command = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]
    env = {
        **os.environ,
        "KUNTUR_SECRETS_DIR": str(secrets),
        "KUNTUR_VAR_DIR": str(tmp_path / "var"),
        "HOME": str(tmp_path),
        "COLUMNS": "400",  # one line: the path is not wrapped
    }
    env.pop("KUNTUR_DATABASE_URL", None)
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2, said[-500:]
    assert str(secret) in said and "10001" in said
    assert "Traceback" not in said and "SettingsError" not in said
