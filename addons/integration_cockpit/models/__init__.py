from . import integration_system
from . import integration_sla_measure
from . import integration_sla_meter
from . import integration_interface_monitor
from . import integration_metrics
