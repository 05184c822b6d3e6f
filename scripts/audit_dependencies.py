"""Check the pinned runtime requirements against the published advisories (pip-audit); part of `make test`.

A known vulnerability fails the build. An advisory database that cannot be reached (no network, a
PyPI mirror that does not answer pip-audit's questions) does not: the build goes on and this prints a
clear NOTICE saying nothing was checked. Set AUDIT_STRICT=1 (e.g. in CI) to fail in that case too.

pip-audit reads requirements.txt as written (--no-deps --disable-pip): it builds and installs nothing.
Every package there is pinned with ==, transitive ones included, so nothing escapes the check.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"


def pip_audit_command(requirements: Path) -> list[str]:
    return [
        str(Path(sys.executable).with_name("pip-audit")),
        "--requirement",
        str(requirements),
        "--no-deps",
        "--disable-pip",
        "--format",
        "json",
        "--desc",
        "off",
        "--progress-spinner",
        "off",
        "--timeout",
        "15",
    ]


def verdict(returncode: int, stdout: str, stderr: str, *, strict: bool = False) -> tuple[int, str]:
    """The exit code for the build and what to print, from one pip-audit run."""
    try:
        report = json.loads(stdout)
        dependencies = report["dependencies"]
    except (ValueError, KeyError, TypeError):
        # No report at all: pip-audit failed before it could ask (offline, DNS, TLS, service down).
        last = next((line for line in reversed(stderr.strip().splitlines()) if line.strip()), "no output")
        return (1 if strict else 0), f"NOTICE: dependency audit skipped, advisory database unreachable ({last[:200]})"

    found = [
        f"  {dependency['name']} {dependency['version']}: {vulnerability['id']}"
        + (f" (fixed in {', '.join(vulnerability['fix_versions'])})" if vulnerability.get("fix_versions") else "")
        for dependency in dependencies
        for vulnerability in dependency.get("vulns", [])
    ]
    if found:
        return 1, "Known vulnerabilities in requirements.txt; upgrade these pins:\n" + "\n".join(found)
    if returncode != 0:
        return 1, f"pip-audit failed (exit code {returncode}):\n{stderr.strip()[-2000:]}"

    skipped = [dependency["name"] for dependency in dependencies if dependency.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    if not audited:
        message = (
            f"NOTICE: dependency audit skipped, the advisory database answered for none of the {len(dependencies)} "
            "pinned requirements (offline, or a PyPI mirror without the JSON API)"
        )
        return (1 if strict else 0), message
    if skipped:
        return 0, (
            f"No known vulnerabilities in {audited} audited requirement(s). NOTICE: "
            f"{len(skipped)} could not be looked up: {', '.join(skipped)}"
        )
    return 0, f"No known vulnerabilities in the {audited} pinned requirements."


def main() -> int:
    strict = os.environ.get("AUDIT_STRICT", "").strip().lower() in {"1", "true", "yes", "on"}
    try:
        result = subprocess.run(
            pip_audit_command(REQUIREMENTS),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        code, message = (1 if strict else 0), "NOTICE: dependency audit skipped, pip-audit timed out"
    except FileNotFoundError:
        code, message = 1, "pip-audit is not installed: run `make install-dev`"
    else:
        code, message = verdict(result.returncode, result.stdout, result.stderr, strict=strict)
    print(f"[audit] {message}", file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
