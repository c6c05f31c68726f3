from . import test_tools
from . import test_sla_measure
