from . import test_tools
from . import test_sla_measure
from . import test_overview
from . import test_interface_monitor
from . import test_ui_tour
from . import test_metrics
