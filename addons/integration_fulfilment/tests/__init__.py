from . import test_tools
from . import test_api_milestones
from . import test_api_ship_confirm
