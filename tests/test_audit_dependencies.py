"""scripts/audit_dependencies.py: a known vulnerability fails `make test`; an unreachable database does not."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("audit_dependencies", ROOT / "scripts/audit_dependencies.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)


def _report(*dependencies: dict) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


DJANGO_OK = {"name": "django", "version": "5.2.19", "vulns": []}


def test_a_known_vulnerability_fails_the_build():
    vulnerable = {
        "name": "sqlparse",
        "version": "0.4.3",
        "vulns": [{"id": "GHSA-rrm6-wvj7-cwh2", "fix_versions": ["0.4.4"], "aliases": []}],
    }
    code, message = audit.verdict(1, _report(DJANGO_OK, vulnerable), "")
    assert code == 1
    assert "sqlparse 0.4.3: GHSA-rrm6-wvj7-cwh2 (fixed in 0.4.4)" in message


def test_a_clean_audit_passes():
    assert audit.verdict(0, _report(DJANGO_OK), "") == (0, "No known vulnerabilities in the 1 pinned requirements.")


def test_an_unreachable_advisory_database_is_a_notice_not_a_failure():
    stderr = "requests.exceptions.ConnectionError: Failed to resolve 'pypi.org'\n"
    code, message = audit.verdict(1, "", stderr)
    assert code == 0
    assert message.startswith("NOTICE: dependency audit skipped")
    assert "Failed to resolve" in message


def test_a_mirror_that_knows_no_package_is_a_notice_too():
    skipped = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    code, message = audit.verdict(0, _report(skipped), "")
    assert code == 0
    assert "answered for none of the 1" in message


def test_strict_mode_fails_when_nothing_could_be_checked():
    assert audit.verdict(1, "", "ConnectionError", strict=True)[0] == 1


def test_the_audit_reads_the_pins_without_installing_anything():
    command = audit.pip_audit_command(ROOT / "requirements.txt")
    assert {"--no-deps", "--disable-pip"} <= set(command)
    pins = [
        line
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # --no-deps audits only what is listed, so every runtime package (transitive ones too) is pinned.
    assert all("==" in line for line in pins), pins
