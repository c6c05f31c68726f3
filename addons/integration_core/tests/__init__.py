from . import test_tools
from . import test_event
from . import test_exception
from . import test_security
