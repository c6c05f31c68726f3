from . import test_tools
from . import test_fan_out
from . import test_delivery
from . import test_security
from . import test_public_keys
from . import test_tls_pinning
from . import test_ui_tour
from . import test_first_hour
