"""The house's layout holds: imports run one way (see docs/architecture.md and .importlinter)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_PACKAGES = ("clinic", "patients", "treatments")


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_no_production_package_holds_demo_code():
    demo_modules = [
        path.relative_to(ROOT)
        for package in PRODUCTION_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "demo" in path.stem
    ]
    assert demo_modules == []
