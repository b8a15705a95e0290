"""``streamlit run app.py`` from a checkout: runs the app that ships in the package.

The app itself is ``chiapp/webapp/main.py`` (so that an installed ``chiapp app`` has it too); this
file only hands over to it on every rerun.
"""

import runpy

from chiapp.resources import webapp_path

runpy.run_path(str(webapp_path("main.py")), run_name="__main__")
