from . import main
from . import metrics
