from . import consume
