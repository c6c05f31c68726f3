from . import test_tools
from . import test_api_milestones
from . import test_api_order_lifecycle
from . import test_release_tools
from . import test_release
from . import test_api_ship_confirm
from . import test_ship_confirm_batch
from . import test_ship_confirm_concurrency
