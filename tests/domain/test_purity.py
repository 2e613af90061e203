"""The clinical core never imports Django (DESIGN.md: a pure core inside a Django shell)."""

import ast
import pathlib
import subprocess
import sys

DOMAIN = pathlib.Path(__file__).resolve().parents[2] / "src" / "ketaflow" / "domain"


def _imported_modules(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_under_domain_imports_django_or_the_shell():
    offenders = []
    for path in DOMAIN.rglob("*.py"):
        for name in _imported_modules(path):
            root = name.split(".")[0]
            if root == "django" or name.startswith(("ketaflow.clinic", "ketaflow.api", "ketaflow.config")):
                offenders.append(f"{path.relative_to(DOMAIN)} imports {name}")
    assert offenders == []


def test_importing_every_domain_module_leaves_django_unloaded():
    modules = sorted(
        "ketaflow.domain." + ".".join(p.relative_to(DOMAIN).with_suffix("").parts)
        for p in DOMAIN.rglob("*.py")
        if p.name != "__init__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(any(k == 'django' or k.startswith('django.') for k in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
