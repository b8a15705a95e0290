"""The wheel carries the app and its data as a checkout lays them out.

A checkout keeps ``assets/``, ``app.py``, ``pages/`` and ``.streamlit/`` at its top level (the
design card); an installed chiapp finds them inside the package, as ``assets`` and
``chiapp/webapp`` (``chiapp.resources`` looks in both places). Everything else is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: (source in the checkout, destination inside the package)
SHIPPED = [
    ("assets", "assets"),
    ("app.py", "webapp/app.py"),
    ("pages", "webapp/pages"),
    (".streamlit/config.toml", "webapp/.streamlit/config.toml"),
    ("assets/static", "webapp/static"),
]


class BuildWithApp(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        package = Path(self.build_lib) / "chiapp"
        for source, target in SHIPPED:
            origin, destination = HERE / source, package / target
            destination.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, destination, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(origin, destination)


setup(cmdclass={"build_py": BuildWithApp})
