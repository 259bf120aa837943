"""events: conferences, webinars and weerbaarheidsfestivals for the Dutch public sector."""

import os

# Piccolo finds its engine and apps through this module (also for `piccolo migrations new … --auto`).
os.environ.setdefault("PICCOLO_CONF", "events.piccolo_conf")
