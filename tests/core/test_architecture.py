import subprocess
import sys


def test_core_never_imports_textual() -> None:
    code = (
        "import importlib, pkgutil, sys, booth.core\n"
        "for m in pkgutil.walk_packages(booth.core.__path__, 'booth.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [n for n in sys.modules if n == 'textual' or n.startswith(('textual.', 'booth.tui', 'booth.cli'))]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
