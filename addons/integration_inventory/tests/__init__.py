from . import test_tools
from . import test_figures
from . import test_availability_events
from . import test_api_availability
from . import test_availability_webhooks
from . import test_supply_events
from . import test_api_counts
