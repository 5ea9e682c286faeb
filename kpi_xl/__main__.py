"""python -m kpi_xl …"""

from .cli import entry

entry()
